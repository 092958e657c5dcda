"""HTML fragments that notebooks display: tables and rationale for reviewers.

Everything that comes from data (titles, claimant names, evidence, notes) is escaped here:
a claim's notes may contain ``<script>``, and the report must show it as text. Numbers are
right-aligned with thousands separators; open-ended highs read ``34+``; every claim has an
anchor (``#claim-<id>``) so a figure in a rationale links to its source and evidence.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence

import pandas as pd

from casrec.claims import ROLE_LABELS

STYLE = """
<style>
/* table.ct outranks JupyterLab's own right-aligned table cells */
.casrec table.ct { border-collapse: collapse; margin: 0.5em 0 1em; font-size: 0.92em; }
.casrec table.ct th, .casrec table.ct td { border-bottom: 1px solid #ccc; padding: 0.3em 0.6em;
  text-align: left; vertical-align: top; }
.casrec table.ct th { background: #f2f2f2; }
.casrec table.ct td.num, .casrec table.ct th.num { text-align: right;
  font-variant-numeric: tabular-nums; white-space: nowrap; }
.casrec table.ct tr.superseded td { text-decoration: line-through; color: #666; }
.casrec table.ct tr.superseded td:last-child { text-decoration: none; }
.casrec .status { font-weight: 600; white-space: nowrap; }
.casrec .status-contested { color: #a33; } .casrec .status-party_only { color: #8a5200; }
.casrec .status-corroborated { color: #262; }
.casrec .fail { color: #a33; font-weight: 600; } .casrec .pass { color: #262; }
.casrec blockquote { margin: 0; font-style: italic; min-width: 14em; }
.casrec .headline { font-size: 1.3em; margin: 0.4em 0; }
.casrec .table-scroll { overflow-x: auto; max-width: 100%; }
@media print { .casrec .table-scroll { overflow: visible; } .casrec a { color: inherit; } }
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


def interval(low: object, high: object, high_open: object = False) -> str:
    """'25–34+', '373,500–374,500' or '34'."""
    if low is None or pd.isna(low):
        return ""
    lo, hi = number(low), number(high)
    text = lo if hi in ("", lo) else f"{lo}–{hi}"
    return text + ("+" if bool(high_open) else "")


def anchor(claim_id: str) -> str:
    """The element id of a claim's row."""
    return "claim-" + re.sub(r"[^a-z0-9-]", "-", str(claim_id).lower())


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


def table(
    headers: Sequence[str],
    rows: Iterable[Sequence[str]],
    numeric: Sequence[bool] | None = None,
    row_attrs: Iterable[str] | None = None,
    caption: str | None = None,
) -> str:
    """An HTML table from already-escaped cell HTML; ``numeric`` columns are right-aligned."""
    numeric = list(numeric or [False] * len(headers))
    head = "".join(
        f'<th scope="col"{" class=num" if is_num else ""}>{esc(h)}</th>'
        for h, is_num in zip(headers, numeric, strict=True)
    )
    attrs = list(row_attrs) if row_attrs is not None else None
    body = []
    for i, row in enumerate(rows):
        cells = "".join(
            f"<td{' class=num' if is_num else ''}>{cell}</td>"
            for cell, is_num in zip(row, numeric, strict=True)
        )
        body.append(f"<tr{attrs[i] if attrs else ''}>{cells}</tr>")
    cap = f"<caption>{esc(caption)}</caption>" if caption else ""
    return (
        f'<div class="table-scroll"><table class="ct">{cap}<thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table></div>"
    )


def wrap(*fragments: str) -> str:
    """Fragments inside the casrec style scope."""
    return STYLE + '<div class="casrec">' + "".join(fragments) + "</div>"


def status_badge(status: object) -> str:
    """The status word, coloured by meaning."""
    return f'<span class="status status-{esc(status)}">{esc(status).replace("_", " ")}</span>'


def key_label(row: pd.Series | dict) -> str:
    """'killed · civilians · side fama · Malian' for one key."""
    parts = [row["metric"], row["population"]]
    if pd.notna(row.get("side")):
        parts.append(f"side {row['side']}")
    if pd.notna(row.get("nationality")):
        parts.append(str(row["nationality"]))
    return " · ".join(str(p) for p in parts)


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


STATUS_ORDER = {"contested": 0, "party_only": 1, "corroborated": 2, "single_source": 3}


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
    return f"event-{re.sub(r'[^a-z0-9-]', '-', str(event_id).lower())}.html"


def result_block(estimate: pd.Series, known_ids: Iterable[str]) -> str:
    """One key's headline, status, rationale and sensitivity, with claim links."""
    best = number(estimate["best"])
    headline = (
        f"Best <strong>{best}</strong> " if best else "No best figure (range policy) "
    ) + f"(range {esc(interval(estimate['low'], estimate['high'], estimate['high_open']))}) "
    sens = [
        ["best with every considered claim", number(estimate["best"])],
        ["best without party claims", number(estimate["best_without_party"]) or "none"],
        [
            "best without single-source figures",
            number(estimate.get("best_without_single_source")) or "none",
        ],
    ]
    return (
        f"<h3>{esc(key_label(estimate))}</h3>"
        f'<p class="headline">{headline}{status_badge(estimate["status"])}</p>'
        f"<p>{link_claim_ids(estimate['rationale'], known_ids)}</p>"
        + table(["Sensitivity", "Best"], [[esc(a), esc(b)] for a, b in sens], [False, True])
    )


def claims_table(claims: pd.DataFrame) -> str:
    """Every claim of an event with claimant, role, figure, interval, evidence and status.

    Superseded claims are struck through with what replaced them; the reason a claim did not
    enter the estimate is shown beside it.
    """
    rows, attrs = [], []
    for _, c in claims.iterrows():
        interval_text = interval(c["value_low"], c["value_high"], c["value_high_open"])
        why = c.get("exclusion_reason") or c.get("why_not_best") or ""
        if c.get("is_best"):
            why = "supplies the best figure"
        rows.append(
            [
                f'<span id="{anchor(c["claim_id"])}">{esc(c["claim_id"])}</span>',
                esc(key_label(c)),
                esc(c["claimant"]),
                esc(ROLE_LABELS.get(c["claimant_role"], c["claimant_role"])),
                esc(c["value"]),
                esc(interval_text),
                f"{esc(c['source_publisher'])}, {esc(c['source_published'])} "
                f"({esc(c['source_id'])})",
                f"<blockquote>“{esc(c['evidence'])}”</blockquote>",
                f'<span class="why">{esc(why)}</span>',
            ]
        )
        attrs.append(' class="superseded"' if c.get("superseded") else "")
    headers = [
        "Claim",
        "Counted",
        "Claimant",
        "Role",
        "Figure as stated",
        "Interval",
        "Source",
        "Evidence",
        "In the estimate?",
    ]
    numeric = [False, False, False, False, True, True, False, False, False]
    return table(headers, rows, numeric, row_attrs=attrs)


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
                esc(interval(f["compared_low"], f["compared_high"], pd.isna(f["compared_high"]))),
                esc(
                    interval(f["reference_low"], f["reference_high"], pd.isna(f["reference_high"]))
                ),
                f'<span class="{css}">{esc(verdict.replace("_", " "))}</span>',
                esc(f["detail"]),
                " ".join(claim_link(i) for i in str(f["claim_ids"]).split(";")),
            ]
        )
    headers = ["Check", "Compared", "Sum / figure", "Against", "Verdict", "Numbers", "Claims"]
    return table(headers, rows, [False, False, True, True, False, False, False])


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
    return table(headers, rows, [False, False, False, False, True, False, False])


def changes_block(changes: dict[str, pd.DataFrame] | None, previous_label: str = "") -> str:
    """New claims and changed estimates since the previous report (old -> new)."""
    if changes is None:
        return "<p>No earlier report to compare with: this is the first one.</p>"
    parts = [f"<p>Compared with the report of {esc(previous_label)}.</p>"]
    new_claims = changes["new_claims"]["claim_id"].tolist()
    parts.append(
        f"<p>{len(new_claims)} new claim(s)"
        + (": " + ", ".join(claim_link(c) for c in new_claims[:200]) if new_claims else "")
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
                    esc(f"{r['high_previous']} → {r['high']}"),
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
    return f'<p><a href="{esc(overview_page)}">← Overview of all events</a></p>'


def page_links(event_pages: Iterable[str], displacement_pages: Iterable[str]) -> str:
    """Links to the other pages of a report."""
    items = ['<a href="data_quality.html">Data quality</a>']
    items += [
        f'<a href="{esc(displacement_page_name(e))}">Displacement over time: {esc(e)}</a>'
        for e in displacement_pages
    ]
    if event_pages:
        items.append(f"{len(list(event_pages))} event pages (linked from the table below)")
    return "<p>" + " · ".join(items) + "</p>"


def displacement_page_name(event_id: str) -> str:
    """File name of an aggregate's displacement page in a report folder."""
    return f"displacement-{re.sub(r'[^a-z0-9-]', '-', str(event_id).lower())}.html"


def overview_header(analysis, run_day, event_pages=(), displacement_pages=()) -> str:
    """Report date, counts, status tallies and links to the other pages."""
    est = analysis.estimates
    counts = est["status"].value_counts()
    tally = ", ".join(
        f"{int(counts.get(s, 0))} {s.replace('_', ' ')}"
        for s in ("contested", "corroborated", "single_source", "party_only")
    )
    links = page_links(event_pages, displacement_pages) if event_pages else ""
    return wrap(
        f"<p>Report date <strong>{esc(run_day)}</strong>; policy "
        f"<strong>{esc(analysis.reconciliation.policy)}</strong>; as-of window "
        f"{analysis.as_of_window_days} days.</p>",
        f"<p>{len(analysis.dataset.claims):,} claims from "
        f"{len(analysis.dataset.sources):,} sources about {len(analysis.dataset.events):,} events "
        f"give {len(est):,} estimates: {esc(tally)}.</p>",
        links,
    )


def event_header(event: pd.Series, overview_page: str = "") -> str:
    """Title, date, place and description of one event."""
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
        f"<h2>{esc(event['title'])}</h2>",
        f"<p>{when} · {place} · {esc(event['kind'])} <code>{esc(event['event_id'])}</code></p>",
        f"<p>{esc(event.get('description'))}</p>" if pd.notna(event.get("description")) else "",
    )


def results_section(estimates: pd.DataFrame, claims: pd.DataFrame) -> str:
    """Every key of an event: headline, status, rationale with claim links, sensitivity."""
    if estimates.empty:
        return "<p>No estimate: no claim for this selection.</p>"
    known = claims["claim_id"].tolist()
    return "".join(result_block(row, known) for _, row in estimates.iterrows())


def findings_section(findings: pd.DataFrame) -> str:
    """Consistency findings, or a sentence saying there was nothing to compare."""
    if findings.empty:
        return (
            "<p>Nothing to check: no breakdowns (part_of), and no stocks from different "
            "claimants within the as-of window.</p>"
        )
    return findings_table(findings)


def series_table(series: pd.DataFrame) -> str:
    """Figures of an aggregate by as-of date, superseded ones struck through."""
    rows, attrs = [], []
    for _, s in series.iterrows():
        rows.append(
            [
                esc(f"{s['as_of_effective']:%Y-%m-%d}"),
                esc(s["metric"]),
                esc(s["claimant"]),
                esc(s["value"]),
                esc(interval(s["value_low"], s["value_high"], pd.isna(s["value_high"]))),
                claim_link(s["claim_id"]),
                esc(s["part_of"]) if pd.notna(s["part_of"]) else "",
            ]
        )
        attrs.append(' class="superseded"' if s["superseded"] else "")
    headers = ["As of", "Metric", "Claimant", "Figure as stated", "Interval", "Claim", "Part of"]
    return table(headers, rows, [False, False, False, True, True, False, False], row_attrs=attrs)


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
