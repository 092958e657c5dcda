"""HTML fragments that notebooks display: tables and rationale for reviewers.

Everything that comes from data (titles, claimant names, evidence, notes) is escaped here:
a claim's notes may contain ``<script>``, and the report must show it as text. Numbers are
right-aligned with thousands separators; open-ended highs read ``34+``; every claim has an
anchor (``#claim-<id>``) so a figure in a rationale links to its source and evidence.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable, Sequence

import pandas as pd

from casrec.claims import ROLE_LABELS
from casrec.quantities import format_interval
from casrec.schema import METRICS, POPULATIONS
from casrec.vocabulary import STATUSES

STYLE = """
<style>
/* table.ct outranks JupyterLab's own right-aligned, striped table cells */
.casrec p { max-width: 52em; }
.casrec table.ct { border-collapse: collapse; margin: 0.5em 0 1.2em; font-size: 0.92em; }
.casrec table.ct th, .casrec table.ct td { border: 0; border-bottom: 1px solid #d5d9de;
  padding: 0.35em 0.6em; text-align: left; vertical-align: top; }
.casrec table.ct thead th { background: #eef1f4; border-bottom: 2px solid #9aa3ad;
  white-space: nowrap; }
.casrec table.ct td.num, .casrec table.ct th.num { text-align: right;
  font-variant-numeric: tabular-nums; white-space: nowrap; }
.casrec table.ct tbody tr:nth-child(odd) { background: none; }
.casrec table.ct tr.group th { background: #f6f7f9; font-weight: 600; padding-top: 0.8em;
  border-bottom: 1px solid #9aa3ad; }
.casrec table.ct tr.superseded td { text-decoration: line-through; color: #666; }
.casrec table.ct tr.superseded td.why { text-decoration: none; }
.casrec table.ct tr:target, .casrec :target { background: #fff3bf; }
.casrec table.ct td.claim { min-width: 10em; }
.casrec table.ct td.as-of, .casrec table.ct td.published { white-space: nowrap; }
.casrec table.ct td.source { min-width: 11em; }
.casrec table.ct td.evidence { min-width: 16em; }
.casrec .id { font-family: var(--jp-code-font-family, monospace); font-size: 0.88em;
  color: #3d4550; }
.casrec .sub { color: #5b6470; font-size: 0.9em; }
.casrec .note { color: #5b6470; font-size: 0.9em; margin-top: 0.3em; }
.casrec .status { font-weight: 600; white-space: nowrap; }
.casrec .status-contested { color: #a33; } .casrec .status-party_only { color: #8a5200; }
.casrec .status-corroborated { color: #262; } .casrec .status-single_source { color: #3d4550; }
.casrec .fail { color: #a33; font-weight: 600; } .casrec .pass { color: #262; }
.casrec blockquote { margin: 0; padding: 0 0 0 0.6em; border-left: 3px solid #d5d9de;
  font-style: italic; }
.casrec .kicker { margin: 0.2em 0 0; color: #5b6470; font-size: 0.85em; font-weight: 600;
  letter-spacing: 0.06em; text-transform: uppercase; }
.casrec h1.title { margin-top: 0.1em; }
.casrec .meta { color: #3d4550; }
.casrec nav.back { margin: 0.6em 0 0.2em; }
.casrec .headline { font-size: 1.2em; margin: 0.2em 0 0.4em; }
.casrec .sensitivity { color: #3d4550; }
.casrec h3.key { margin: 1.3em 0 0.2em; border-top: 1px solid #d5d9de; padding-top: 0.6em; }
.casrec p.pages-title { margin-bottom: 0.2em; }
.casrec ul.pages { padding-left: 1.2em; margin: 0.2em 0 0.8em; max-width: 60em; }
.casrec ul.pages li { margin: 0.15em 0; }
.casrec .table-scroll { overflow-x: auto; max-width: 100%; }
/* on a phone, wide tables become one labelled card per row */
@media screen and (max-width: 640px) {
  .casrec table.ct.stack, .casrec table.ct.stack tbody, .casrec table.ct.stack tr,
  .casrec table.ct.stack tr.group th { display: block; width: auto; }
  .casrec table.ct.stack thead { position: absolute; width: 1px; height: 1px;
    overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
  .casrec table.ct.stack tr { border-bottom: 1px solid #9aa3ad; padding: 0.35em 0; }
  .casrec table.ct.stack tr.group { border-bottom: 0; padding: 0; }
  .casrec table.ct.stack td { display: grid; grid-template-columns: 7.2em minmax(0, 1fr);
    column-gap: 0.6em; border: 0; padding: 0.15em 0.3em; min-width: 0; white-space: normal; }
  .casrec table.ct.stack td::before { content: attr(data-label); font-weight: 600;
    color: #5b6470; font-size: 0.92em; }
  .casrec table.ct.stack td.num { text-align: left; }
  .casrec table.ct.stack td:has(> .cell:empty) { display: none; }
}
@media print {
  .casrec .table-scroll { overflow: visible; }
  .casrec a { color: inherit; text-decoration: none; }
  .casrec table.ct { font-size: 0.8em; width: 100%; }
  .casrec table.ct td, .casrec table.ct th { overflow-wrap: anywhere; }
  .casrec table.ct td.claim, .casrec table.ct td.source, .casrec table.ct td.evidence {
    min-width: 0; }
  .casrec table.ct thead th { white-space: normal; }
  .casrec table.ct tr { break-inside: avoid; }
}
</style>
"""


def esc(value: object) -> str:
    """Escape any value for HTML; missing values become an empty string."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return html.escape(str(value), quote=True)


def number(value: object) -> str:
    """A count with thousands separators ('' when missing)."""
    if value is None or pd.isna(value):
        return ""
    return f"{int(value):,}"


def slug(value: object) -> str:
    """Lower-case letters, digits and '-' only (for element ids and file names)."""
    return re.sub(r"[^a-z0-9-]", "-", str(value).lower())


def anchor(claim_id: str) -> str:
    """The element id of a claim's row."""
    return "claim-" + slug(claim_id)


def source_anchor(source_id: str) -> str:
    """The element id of a source's row in the sources table."""
    return "source-" + slug(source_id)


def claim_link(claim_id: object, href_prefix: str = "") -> str:
    """A link to a claim's row (on this page, or on ``href_prefix`` page)."""
    if claim_id is None or pd.isna(claim_id):
        return ""
    return f'<a href="{esc(href_prefix)}#{anchor(claim_id)}">{esc(claim_id)}</a>'


def link_claim_ids(text: str, known_ids: Iterable[str], href_prefix: str = "") -> str:
    """Escape ``text`` and turn every ``[claim-id]`` it mentions into a link."""
    known = set(known_ids)
    escaped = esc(text)

    def replace(match: re.Match) -> str:
        claim_id = html.unescape(match.group(1))
        if claim_id in known:
            return "[" + claim_link(claim_id, href_prefix) + "]"
        return match.group(0)

    return re.sub(r"\[([a-z0-9][a-z0-9-]*)\]", replace, escaped)


def web_link(url: object, text: str) -> str:
    """``text`` linked to ``url`` when it is an http(s) address; otherwise ``text`` alone.

    A source's url comes from data: ``javascript:`` or anything else is never made a link.
    """
    if isinstance(url, str) and re.match(r"https?://[^\s]+$", url.strip(), re.I):
        return f'<a href="{esc(url.strip())}" rel="noopener noreferrer">{text}</a>'
    return text


def table(
    headers: Sequence[str],
    rows: Iterable[Sequence[str]],
    numeric: Sequence[bool] | None = None,
    row_attrs: Iterable[str] | None = None,
    caption: str | None = None,
    classes: Sequence[str] | None = None,
    stack: bool = False,
) -> str:
    """An HTML table from already-escaped cell HTML; ``numeric`` columns are right-aligned.

    ``classes`` names each column's cells (e.g. ``evidence``); a row given as a plain string
    instead of a list of cells is a group heading spanning the whole table. A ``stack`` table
    shows each row as a labelled card on a phone instead of scrolling sideways.
    """
    numeric = list(numeric or [False] * len(headers))
    names = list(classes or [""] * len(headers))

    def cls(is_num: bool, name: str) -> str:
        words = " ".join(w for w in ("num" if is_num else "", name) if w)
        return f' class="{words}"' if words else ""

    def cell(content: str, header: str, is_num: bool, name: str) -> str:
        if not stack:
            return f"<td{cls(is_num, name)}>{content}</td>"
        label = f' data-label="{esc(header)}"'
        return f'<td{cls(is_num, name)}{label}><div class="cell">{content}</div></td>'

    head = "".join(
        f'<th scope="col"{cls(is_num, name)}>{esc(h)}</th>'
        for h, is_num, name in zip(headers, numeric, names, strict=True)
    )
    attrs = list(row_attrs) if row_attrs is not None else None
    body = []
    for i, row in enumerate(rows):
        if isinstance(row, str):
            body.append(
                f'<tr class="group"><th scope="colgroup" colspan="{len(headers)}">{row}</th></tr>'
            )
            continue
        cells = "".join(
            cell(content, h, is_num, name)
            for content, h, is_num, name in zip(row, headers, numeric, names, strict=True)
        )
        body.append(f"<tr{attrs[i] if attrs else ''}>{cells}</tr>")
    cap = f"<caption>{esc(caption)}</caption>" if caption else ""
    kind = "ct stack" if stack else "ct"
    return (
        f'<div class="table-scroll"><table class="{kind}">{cap}<thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table></div>"
    )


def wrap(*fragments: str) -> str:
    """Fragments inside the casrec style scope."""
    return STYLE + '<div class="casrec">' + "".join(fragments) + "</div>"


def status_badge(status: object) -> str:
    """The status word, coloured by meaning."""
    return f'<span class="status status-{esc(status)}">{esc(STATUSES.label(status))}</span>'


def key_label(row: pd.Series | dict) -> str:
    """'killed · civilians · side fama · Malian · women' for one key."""
    parts = [row["metric"], row["population"]]
    if pd.notna(row.get("side")):
        parts.append(f"side {row['side']}")
    if pd.notna(row.get("nationality")):
        parts.append(str(row["nationality"]))
    if pd.notna(row.get("subgroup")):
        parts.append(str(row["subgroup"]).replace("_", " "))  # aid_workers -> aid workers
    return " · ".join(str(p) for p in parts)


def key_order(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows in reading order: killed before injured (schema order), totals before breakdowns."""
    metrics = {m: i for i, m in enumerate(METRICS)}
    populations = {p: i for i, p in enumerate(POPULATIONS)}
    order = pd.DataFrame(
        {
            "m": frame["metric"].map(metrics).fillna(len(metrics)),
            "p": frame["population"].map(populations).fillna(len(populations)),
            "s": frame["side"].notna() if "side" in frame else False,
            "sv": frame["side"].fillna("").astype(str) if "side" in frame else "",
            "n": frame["nationality"].notna() if "nationality" in frame else False,
            "nv": frame["nationality"].fillna("").astype(str) if "nationality" in frame else "",
            "g": frame["subgroup"].notna() if "subgroup" in frame else False,
            "gv": frame["subgroup"].fillna("").astype(str) if "subgroup" in frame else "",
        },
        index=frame.index,
    )
    columns = ["m", "p", "s", "sv", "n", "nv", "g", "gv"]
    positions = order.sort_values(columns, kind="stable").index
    return frame.loc[positions]


def key_anchors(labels: Iterable[str]) -> list[str]:
    """Unique element ids for a list of key labels ('key-killed-civilians', ...)."""
    seen: dict[str, int] = {}
    out = []
    for label in labels:
        base = "key-" + re.sub(r"-+", "-", slug(label)).strip("-")
        seen[base] = seen.get(base, 0) + 1
        out.append(base if seen[base] == 1 else f"{base}-{seen[base]}")
    return out


def estimates_table(
    estimates: pd.DataFrame, events: pd.DataFrame | None = None, linked: Iterable[str] = ()
) -> str:
    """Overview of keys: event, what is counted, low/best/high, status, discrepancy.

    Events in ``linked`` have their own page in the report and are linked to it.
    """
    titles = events.set_index("event_id")["title"] if events is not None else pd.Series(dtype=str)
    linked = set(linked)
    rows = []
    for _, r in overview_order(estimates, events).iterrows():
        title = titles.get(r["event_id"], r["event_id"])
        event_cell = esc(title)
        if r["event_id"] in linked:
            event_cell = f'<a href="{esc(event_page_name(r["event_id"]))}">{esc(title)}</a>'
        rows.append(
            [
                event_cell,
                esc(key_label(r)),
                number(r["low"]),
                number(r["best"]),
                number(r["high"]) + ("+" if r["high_open"] else ""),
                status_badge(r["status"]),
                "" if pd.isna(r["discrepancy"]) else f"{r['discrepancy']:.2f}",
                number(r["n_claimants"]),
            ]
        )
    headers = ["Event", "Counted", "Low", "Best", "High", "Status", "Discrepancy", "Claimants"]
    numeric = [False, False, True, True, True, False, True, True]
    return table(headers, rows, numeric)


STATUS_ORDER = {code: rank for rank, code in enumerate(STATUSES.codes)}


def overview_order(estimates: pd.DataFrame, events: pd.DataFrame | None) -> pd.DataFrame:
    """Contested keys first, then party-only, then the rest; newest events first in each."""
    frame = estimates.assign(_status=estimates["status"].map(STATUS_ORDER).fillna(9))
    if events is not None:
        dates = events.set_index("event_id")["date_start"]
        frame = frame.assign(_date=frame["event_id"].map(dates).fillna(""))
    else:
        frame = frame.assign(_date="")
    frame = frame.sort_values(
        ["_status", "_date", "event_id", "metric", "population"],
        ascending=[True, False, True, True, True],
        kind="stable",
    )
    return frame.drop(columns=["_status", "_date"])


def event_page_name(event_id: str) -> str:
    """File name of an event's page in a report folder."""
    return f"event-{slug(event_id)}.html"


def headline(estimate: pd.Series) -> str:
    """'Best <strong>34</strong> (range 25–34+) contested'."""
    best = number(estimate["best"])
    text = (
        f"Best <strong>{best}</strong> " if best else "No best figure (range policy) "
    ) + f"(range {esc(format_interval(estimate['low'], estimate['high'], estimate['high_open']))}) "
    return f'<p class="headline">{text}{status_badge(estimate["status"])}</p>'


def sensitivity_line(estimate: pd.Series) -> str:
    """How the best figure moves without party claims and without single-source figures."""
    without_party = number(estimate["best_without_party"]) or "none"
    without_single = number(estimate.get("best_without_single_source")) or "none"
    return (
        '<p class="sensitivity">Sensitivity: best without party claims '
        f"<strong>{esc(without_party)}</strong>; without single-source figures "
        f"<strong>{esc(without_single)}</strong>.</p>"
    )


def result_block(estimate: pd.Series, known_ids: Iterable[str], element_id: str = "") -> str:
    """One key's headline, status, rationale and sensitivity, with claim links."""
    attr = f' id="{esc(element_id)}"' if element_id else ""
    return (
        f'<h3 class="key"{attr}>{esc(key_label(estimate))}</h3>'
        + headline(estimate)
        + f'<p class="rationale">{link_claim_ids(estimate["rationale"], known_ids)}</p>'
        + sensitivity_line(estimate)
    )


def results_summary(estimates: pd.DataFrame, anchors: Sequence[str] = ()) -> str:
    """One line per key: low / best / high and status, each linked to its detail below."""
    rows = []
    for i, (_, e) in enumerate(estimates.iterrows()):
        label = esc(key_label(e))
        if i < len(anchors):
            label = f'<a href="#{esc(anchors[i])}">{label}</a>'
        rows.append(
            [
                label,
                number(e["low"]),
                number(e["best"]),
                number(e["high"]) + ("+" if e["high_open"] else ""),
                status_badge(e["status"]),
                number(e["n_claimants"]),
            ]
        )
    headers = ["Counted", "Low", "Best", "High", "Status", "Claimants"]
    return table(headers, rows, [False, True, True, True, False, True])


def _claims_by_key(claims: pd.DataFrame) -> list[tuple[str, pd.DataFrame]]:
    """Claims grouped by what they count, in reading order."""
    ordered = key_order(claims)
    labels = ordered.apply(key_label, axis=1) if not ordered.empty else pd.Series(dtype=str)
    groups: dict[str, list] = {}
    for position, label in zip(ordered.index, labels, strict=True):
        groups.setdefault(label, []).append(position)
    return [(label, ordered.loc[positions]) for label, positions in groups.items()]


def _source_cell(c: pd.Series, sources: pd.DataFrame | None) -> str:
    """Publisher and date, linked to the document in the sources table (its title on hover)."""
    publisher = esc(c["source_publisher"])
    if sources is not None and c["source_id"] in set(sources["source_id"]):
        row = sources.loc[sources["source_id"] == c["source_id"]].iloc[0]
        publisher = (
            f'<a href="#{source_anchor(c["source_id"])}" title="{esc(row["title"])}">'
            f"{publisher}</a>"
        )
    return f"{publisher}, {esc(c['source_published'])}"


def claims_table(claims: pd.DataFrame, sources: pd.DataFrame | None = None) -> str:
    """Every claim of an event, grouped by what it counts: claimant, figure, source, evidence.

    Superseded claims are struck through with what replaced them; the reason a claim did not
    enter the estimate is shown beside it. Each row carries the claim's anchor, so a claim id
    linked from a rationale lands on its source and evidence.
    """
    rows: list = []
    attrs: list[str] = []
    for label, group in _claims_by_key(claims):
        rows.append(esc(label))
        attrs.append("")
        for _, c in group.iterrows():
            interval_text = format_interval(c["value_low"], c["value_high"], c["value_high_open"])
            why = c.get("exclusion_reason") or c.get("why_not_best") or ""
            if c.get("is_best"):
                why = "supplies the best figure"
            note = (
                f'<div class="note">Note: {esc(c["notes"])}</div>'
                if pd.notna(c.get("notes"))
                else ""
            )
            rows.append(
                [
                    f'<span class="id">{esc(c["claim_id"])}</span>',
                    f'{esc(c["claimant"])}<div class="sub">'
                    f"{esc(ROLE_LABELS.get(c['claimant_role'], c['claimant_role']))}</div>",
                    esc(c["value"]),
                    esc(interval_text),
                    _source_cell(c, sources),
                    f"<blockquote>“{esc(c['evidence'])}”</blockquote>{note}",
                    esc(why),
                ]
            )
            superseded = ' class="superseded"' if c.get("superseded") else ""
            attrs.append(f' id="{anchor(c["claim_id"])}"{superseded}')
    headers = [
        "Claim",
        "Claimant",
        "Figure as stated",
        "Interval",
        "Source",
        "Evidence",
        "In the estimate?",
    ]
    numeric = [False, False, True, True, False, False, False]
    classes = ["claim", "claimant", "figure", "interval", "source", "evidence", "why"]
    return table(headers, rows, numeric, row_attrs=attrs, classes=classes, stack=True)


def sources_table(sources: pd.DataFrame, claims: pd.DataFrame) -> str:
    """The documents the claims on this page come from: publisher, title, date, type, notes."""
    cited = list(dict.fromkeys(claims["source_id"].dropna()))
    frame = sources[sources["source_id"].isin(cited)]
    frame = frame.set_index("source_id").loc[[c for c in cited if c in set(frame["source_id"])]]
    rows, attrs = [], []
    for source_id, s in frame.iterrows():
        rows.append(
            [
                f'<span class="id">{esc(source_id)}</span>',
                esc(s["publisher"]),
                web_link(s.get("url"), esc(s["title"])),
                esc(s["published"]),
                esc(str(s["source_type"]).replace("_", " ")),
                esc(s.get("notes")),
            ]
        )
        attrs.append(f' id="{source_anchor(source_id)}"')
    headers = ["Source", "Publisher", "Title", "Published", "Type", "Notes"]
    classes = ["source-id", "publisher", "title", "published", "type", "notes"]
    return table(headers, rows, [False] * 6, row_attrs=attrs, classes=classes, stack=True)


def findings_table(findings: pd.DataFrame) -> str:
    """Consistency findings: what was compared, the numbers, and the verdict."""
    rows = []
    for _, f in findings.iterrows():
        verdict = str(f["verdict"])
        css = "fail" if verdict == "conflicting" else "pass" if verdict == "consistent" else ""
        rows.append(
            [
                esc(f["check"]),
                esc(f["subject"]),
                esc(
                    format_interval(
                        f["compared_low"], f["compared_high"], pd.isna(f["compared_high"])
                    )
                ),
                esc(
                    format_interval(
                        f["reference_low"], f["reference_high"], pd.isna(f["reference_high"])
                    )
                ),
                f'<span class="{css}">{esc(verdict.replace("_", " "))}</span>',
                esc(f["detail"]),
                "<br>".join(claim_link(i) for i in str(f["claim_ids"]).split(";")),
            ]
        )
    headers = ["Check", "Compared", "Sum / figure", "Against", "Verdict", "Numbers", "Claims"]
    return table(headers, rows, [False, False, True, True, False, False, False], stack=True)


def quality_table(results: pd.DataFrame, only_failures: bool = False) -> str:
    """The data-quality results table (one row per rule)."""
    frame = results[~results["passed"]] if only_failures else results
    rows = []
    for _, r in frame.iterrows():
        passed = bool(r["passed"])
        rows.append(
            [
                esc(r["table"]),
                esc(r["rule"]),
                esc(r["severity"]),
                '<span class="pass">passed</span>'
                if passed
                else '<span class="fail">FAILED</span>',
                number(r.get("n_failing", 0)),
                esc("; ".join(str(item) for item in (r.get("failing") or []))),
                esc(r["explanation"]),
            ]
        )
    headers = ["Table", "Rule", "Severity", "Result", "Failing", "Failing rows", "What it means"]
    return table(headers, rows, [False, False, False, False, True, False, False], stack=True)


def changes_block(
    changes: dict[str, pd.DataFrame] | None,
    previous_label: str = "",
    claims: pd.DataFrame | None = None,
    event_pages: Iterable[str] = (),
) -> str:
    """New claims and changed estimates since the previous report (old -> new).

    With ``claims`` and ``event_pages``, a new claim links to its row on its event's page;
    otherwise claim ids are plain text (the overview has no claim rows to link to).
    """
    if changes is None:
        return "<p>No earlier report to compare with: this is the first one.</p>"
    pages = set(event_pages)
    events_of = claims.set_index("claim_id")["event_id"].to_dict() if claims is not None else {}

    def claim_ref(claim_id: str) -> str:
        event_id = events_of.get(claim_id)
        if event_id in pages:
            return claim_link(claim_id, event_page_name(event_id))
        return f'<span class="id">{esc(claim_id)}</span>'

    parts = [f"<p>Compared with the report of {esc(previous_label)}.</p>"]
    new_claims = changes["new_claims"]["claim_id"].tolist()
    parts.append(
        f"<p>{len(new_claims)} new claim(s)"
        + (": " + ", ".join(claim_ref(c) for c in new_claims[:200]) if new_claims else "")
        + "</p>"
    )
    removed = changes["removed_claims"]["claim_id"].tolist()
    if removed:
        parts.append(f"<p>{len(removed)} claim(s) no longer present: {esc(', '.join(removed))}</p>")
    changed = changes["changed_estimates"]
    if changed.empty:
        parts.append("<p>No estimate changed.</p>")
    else:
        rows = []
        for _, r in changed.iterrows():
            rows.append(
                [
                    esc(r["event_id"]),
                    esc(key_label(r.replace("", pd.NA))),
                    esc(f"{r['low_previous']} → {r['low']}"),
                    esc(f"{r['best_previous']} → {r['best']}"),
                    esc(
                        f"{r['high_previous']}{'+' if r['high_open_previous'] == 'true' else ''}"
                        f" → {r['high']}{'+' if r['high_open'] == 'true' else ''}"
                    ),
                    esc(f"{r['status_previous']} → {r['status']}"),
                ]
            )
        parts.append(
            table(
                ["Event", "Counted", "Low", "Best", "High", "Status"],
                rows,
                [False, False, True, True, True, False],
            )
        )
    new_keys = changes["new_keys"]
    if not new_keys.empty:
        parts.append(f"<p>{len(new_keys)} new key(s) estimated for the first time.</p>")
    return "".join(parts)


def back_link(overview_page: str) -> str:
    """A link back to the overview page ('' when there is none, e.g. in JupyterLab)."""
    if not overview_page:
        return ""
    return f'<nav class="back"><a href="{esc(overview_page)}">← Overview of all events</a></nav>'


def page_links(
    event_pages: Iterable[str],
    displacement_pages: Iterable[str],
    titles: pd.Series | dict | None = None,
) -> str:
    """Links to the other pages of a report, each event page by its title."""
    titles = titles if titles is not None else {}
    event_pages, displacement_pages = list(event_pages), list(displacement_pages)

    def name(event_id: str) -> str:
        return esc(titles.get(event_id, event_id))

    def links(names: Iterable[str], page_name: Callable[[str], str]) -> str:
        return " · ".join(f'<a href="{esc(page_name(e))}">{name(e)}</a>' for e in names)

    items = ['<li><a href="data_quality.html">Data quality</a>: every rule and its result</li>']
    if displacement_pages:
        items.append(
            f"<li>Displacement over time: {links(displacement_pages, displacement_page_name)}</li>"
        )
    if event_pages:
        items.append(
            f"<li>Events ({len(event_pages)}, also linked from the table of estimates): "
            f"{links(event_pages, event_page_name)}</li>"
        )
    return (
        '<p class="pages-title"><strong>In this report</strong></p>'
        f'<ul class="pages">{"".join(items)}</ul>'
    )


def displacement_page_name(event_id: str) -> str:
    """File name of an aggregate's displacement page in a report folder."""
    return f"displacement-{slug(event_id)}.html"


def overview_header(analysis, run_day, event_pages=(), displacement_pages=()) -> str:
    """Report date, counts, status tallies and links to the other pages."""
    est = analysis.estimates
    counts = est["status"].value_counts()
    tally = ", ".join(
        f"{int(counts.get(s, 0))} {s.replace('_', ' ')}"
        for s in ("contested", "corroborated", "single_source", "party_only")
    )
    titles = analysis.dataset.events.set_index("event_id")["title"]
    links = page_links(event_pages, displacement_pages, titles) if event_pages else ""
    return wrap(
        f"<p>Report date <strong>{esc(run_day)}</strong>; policy "
        f"<strong>{esc(analysis.reconciliation.policy)}</strong>; as-of window "
        f"{analysis.as_of_window_days} days.</p>",
        f"<p>{len(analysis.dataset.claims):,} claims from "
        f"{len(analysis.dataset.sources):,} sources about {len(analysis.dataset.events):,} events "
        f"give {len(est):,} estimates: {esc(tally)}.</p>",
        links,
    )


# More child events than this are listed folded under the event header.
FOLDED_CHILDREN = 12


def event_family(event: pd.Series, events: pd.DataFrame | None, linked: Iterable[str] = ()) -> str:
    """'Within: <parent>' and 'Children: <child>, ...' lines, events with a page linked."""
    if events is None or events.empty:
        return ""
    linked = set(linked)
    titles = events.set_index("event_id")["title"]

    def link(event_id: str) -> str:
        title = esc(titles.get(event_id, event_id))
        label = f'{title} <span class="id">{esc(event_id)}</span>'
        if event_id in linked:
            return f'<a href="{esc(event_page_name(event_id))}">{label}</a>'
        return label

    lines = []
    parent = event.get("parent_event")
    if pd.notna(parent):
        lines.append(f'<p class="meta">Within: {link(str(parent))}</p>')
    children = events.loc[events["parent_event"] == event["event_id"], "event_id"].tolist()
    if children:
        listed = " · ".join(link(str(c)) for c in children)
        if len(children) <= FOLDED_CHILDREN:
            lines.append(f'<p class="meta">Children ({len(children)}): {listed}</p>')
        else:  # a conflict-wide aggregate has dozens: folded, so the page starts with figures
            lines.append(
                f'<details class="meta"><summary>Children ({len(children)})</summary>'
                f"<p>{listed}</p></details>"
            )
    return "".join(lines)


def event_header(
    event: pd.Series,
    overview_page: str = "",
    kicker: str = "Event",
    events: pd.DataFrame | None = None,
    linked: Iterable[str] = (),
) -> str:
    """Back link, the event's title as the page heading, date, place and description.

    With ``events``, the parent event (``parent_event``) and the child events are named, and
    those in ``linked`` (events with a page in the report) link to their page.
    """
    when = esc(event["date_start"])
    if pd.notna(event.get("date_end")) and event["date_end"] != event["date_start"]:
        when += f" to {esc(event['date_end'])}"
    place = ", ".join(
        esc(v)
        for v in (event.get("location"), event.get("admin1"), event.get("country"))
        if pd.notna(v)
    )
    return wrap(
        back_link(overview_page),
        f'<p class="kicker">{esc(kicker)}</p>' if kicker else "",
        f'<h1 class="title">{esc(event["title"])}</h1>',
        f'<p class="meta">{when} · {place} · {esc(event["kind"])} '
        f'<span class="id">{esc(event["event_id"])}</span></p>',
        event_family(event, events, linked),
        f"<p>{esc(event.get('description'))}</p>" if pd.notna(event.get("description")) else "",
    )


def results_section(estimates: pd.DataFrame, claims: pd.DataFrame) -> str:
    """Every key of an event: a summary table, then headline, rationale and sensitivity."""
    if estimates.empty:
        return "<p>No estimate: no claim for this selection.</p>"
    known = claims["claim_id"].tolist()
    ordered = key_order(estimates)
    anchors = key_anchors(key_label(row) for _, row in ordered.iterrows())
    blocks = "".join(
        result_block(row, known, element_id)
        for (_, row), element_id in zip(ordered.iterrows(), anchors, strict=True)
    )
    return results_summary(ordered, anchors) + blocks


def findings_section(findings: pd.DataFrame) -> str:
    """Consistency findings, or a sentence saying there was nothing to compare."""
    if findings.empty:
        return (
            "<p>Nothing to check: no breakdowns (part_of), and no stocks from different "
            "claimants within the as-of window.</p>"
        )
    return findings_table(findings)


def series_table(series: pd.DataFrame, claims: pd.DataFrame | None = None) -> str:
    """Figures of an aggregate by as-of date, superseded ones struck through.

    Each row carries its claim's anchor; with ``claims`` it also shows the source and the
    evidence, so a figure on the page can be traced without leaving it.
    """
    if series.empty:
        return "<p>This event has no displacement, refugee or IDP figures in the data.</p>"
    details = claims.set_index("claim_id") if claims is not None else None
    rows, attrs = [], []
    for _, s in series.iterrows():
        row = [
            esc(f"{s['as_of_effective']:%Y-%m-%d}"),
            esc(s["metric"]),
            esc(s["claimant"]),
            esc(s["value"]),
            esc(format_interval(s["value_low"], s["value_high"], pd.isna(s["value_high"]))),
            f'<span class="id">{esc(s["claim_id"])}</span>',
            esc(s["part_of"]) if pd.notna(s["part_of"]) else "",
        ]
        if details is not None:
            c = details.loc[s["claim_id"]] if s["claim_id"] in details.index else None
            row += [
                f"{esc(c['source_publisher'])}, {esc(c['source_published'])}"
                if c is not None
                else esc(s["source_id"]),
                f"<blockquote>“{esc(c['evidence'])}”</blockquote>" if c is not None else "",
            ]
        rows.append(row)
        superseded = ' class="superseded"' if s["superseded"] else ""
        attrs.append(f' id="{anchor(s["claim_id"])}"{superseded}')
    headers = ["As of", "Metric", "Claimant", "Figure as stated", "Interval", "Claim", "Part of"]
    numeric = [False, False, False, True, True, False, False]
    classes = ["as-of", "metric", "claimant", "figure", "interval", "claim", "part-of"]
    if details is not None:
        headers += ["Source", "Evidence"]
        numeric += [False, False]
        classes += ["source", "evidence"]
    return table(headers, rows, numeric, row_attrs=attrs, classes=classes, stack=True)


def quality_summary(results: pd.DataFrame, link: str = "") -> str:
    """One line: how many rules passed, how many failed by severity; failing rules listed."""
    failed = results[~results["passed"]]
    critical = int((failed["severity"] == "critical").sum())
    warnings = int((failed["severity"] == "warning").sum())
    verdict = (
        '<span class="fail">critical rules failed: the data cannot be trusted as it is</span>'
        if critical
        else '<span class="pass">no critical rule failed</span>'
    )
    more = f' (<a href="{esc(link)}">full table</a>)' if link else ""
    text = (
        f"<p>{len(results)} rules checked: {int(results['passed'].sum())} passed, "
        f"{critical} critical and {warnings} warning failures; {verdict}{more}.</p>"
    )
    if not failed.empty:
        text += quality_table(failed)
    return text
