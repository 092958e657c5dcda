"""HTML fragments that notebooks display: tables and rationale for reviewers.

Fragments are rendered from Jinja2 templates (``templates/fragments/``) with autoescaping on,
so everything that comes from data (titles, claimant names, evidence, notes) is escaped by
construction: a claim's notes may contain ``<script>``, and the report shows it as text. The
style lives once in the report's page template (``templates/casrec/casrec.css``);
``notebook_style`` gives JupyterLab the same rules. Numbers are right-aligned with thousands
separators; open-ended highs read ``34+``; every claim has an anchor (``#claim-<id>``) so a
figure in a rationale links to its source and evidence.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import jinja2
import pandas as pd
from markupsafe import Markup, escape

from casrec.consistency import key_columns
from casrec.quantities import format_interval
from casrec.vocabulary import (
    CHECKS,
    CLAIMANT_ROLES,
    EVENT_KINDS,
    METRICS,
    PARTICIPLE_METRICS,
    POLICIES,
    POPULATIONS,
    SIDE_MEMBERS,
    SOURCE_TYPES,
    STATUSES,
    VERDICTS,
)

TEMPLATES = Path(__file__).parent / "templates"
STYLESHEET = TEMPLATES / "casrec" / "casrec.css"


@cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES / "fragments"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )


def render(template: str, **context: object) -> Markup:
    """A fragment template rendered with autoescaping: data is text unless it is Markup."""
    return Markup(_environment().get_template(template).render(**context))


def _inline():
    """The macros of ``inline.html.j2`` (status badge, claim link, code, quote...)."""
    return _environment().get_template("inline.html.j2").module


def notebook_style() -> Markup:
    """The casrec stylesheet as a <style> element, for JupyterLab (reports have it once)."""
    return Markup("<style>\n") + Markup(STYLESHEET.read_text(encoding="utf-8")) + Markup("</style>")


def esc(value: object) -> Markup:
    """Escape any value for HTML; missing values become an empty string."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return Markup("")
    return escape(str(value))


def text(value: object) -> str:
    """A value as plain text for a template ('' when missing); the template escapes it."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return str(value)


def number(value: object) -> str:
    """A count with thousands separators ('' when missing)."""
    if value is None or pd.isna(value):
        return ""
    return f"{int(value):,}"


def _count(value: object) -> str:
    """A count read back from reconciled.csv (text, '' when missing) with separators."""
    return number(None if value == "" or pd.isna(value) else float(value))


def slug(value: object) -> str:
    """Lower-case letters, digits and '-' only (for element ids and file names)."""
    return re.sub(r"[^a-z0-9-]", "-", str(value).lower())


def anchor(claim_id: str) -> str:
    """The element id of a claim's row."""
    return "claim-" + slug(claim_id)


def source_anchor(source_id: str) -> str:
    """The element id of a source's row in the sources table."""
    return "source-" + slug(source_id)


def claim_link(claim_id: object, href_prefix: str = "") -> Markup:
    """A link to a claim's row (on this page, or on ``href_prefix`` page)."""
    if claim_id is None or pd.isna(claim_id):
        return Markup("")
    return _inline().claim_link(str(claim_id), anchor(claim_id), href_prefix)


def code(value: object) -> Markup:
    """An id shown as an id (code style)."""
    return _inline().code(text(value))


CLAIM_REFERENCE = re.compile(r"\[([a-z0-9][a-z0-9-]*)\]")


def link_claim_ids(rationale: object, known_ids: Iterable[str], href_prefix: str = "") -> Markup:
    """``rationale`` as escaped text with every ``[claim-id]`` it mentions made a link."""
    known = set(known_ids)
    source = text(rationale)
    out, position = Markup(""), 0
    for match in CLAIM_REFERENCE.finditer(source):
        if match.group(1) not in known:
            continue
        out += escape(source[position : match.start()])
        out += Markup("[") + claim_link(match.group(1), href_prefix) + Markup("]")
        position = match.end()
    return out + escape(source[position:])


def web_link(url: object, content: object) -> Markup:
    """``content`` linked to ``url`` when it is an http(s) address; otherwise ``content`` alone.

    A source's url comes from data: ``javascript:`` or anything else is never made a link.
    """
    if isinstance(url, str) and re.match(r"https?://[^\s]+$", url.strip(), re.I):
        return _inline().web_link(url.strip(), content)
    return escape(content)


@dataclass(frozen=True)
class Column:
    """A table column: its header, whether it holds numbers, and a class for its cells."""

    name: str
    numeric: bool = False
    css: str = ""


def table(
    headers: Sequence[str],
    rows: Iterable[Sequence[object] | str],
    numeric: Sequence[bool] | None = None,
    row_attrs: Iterable[dict | None] | None = None,
    caption: str | None = None,
    classes: Sequence[str] | None = None,
    stack: bool = False,
) -> Markup:
    """An HTML table; cells are text (escaped) or Markup; ``numeric`` columns are right-aligned.

    ``classes`` names each column's cells (e.g. ``evidence``); a row given as a plain string
    instead of a list of cells is a group heading spanning the whole table. ``row_attrs``
    gives each row's attributes as a dict (``id``, ``class``). A ``stack`` table shows each
    row as a labelled card on a phone instead of scrolling sideways.
    """
    numeric = list(numeric or [False] * len(headers))
    names = list(classes or [""] * len(headers))
    columns = [Column(h, n, c) for h, n, c in zip(headers, numeric, names, strict=True)]
    attrs = list(row_attrs) if row_attrs is not None else None
    body = []
    for i, row in enumerate(rows):
        if isinstance(row, str):
            body.append({"group": row})
            continue
        if len(row) != len(columns):
            raise ValueError(f"row {i} has {len(row)} cells for {len(columns)} columns")
        cells = [c if isinstance(c, Markup) else text(c) for c in row]
        body.append({"cells": cells, "attrs": (attrs[i] if attrs else None) or {}})
    return render("table.html.j2", columns=columns, rows=body, caption=caption, stack=stack,
                  table_attrs=None)  # fmt: skip


def wrap(*fragments: str) -> Markup:
    """Fragments inside the casrec style scope (the style is in the page template)."""
    return render("wrap.html.j2", fragments=[Markup(f) for f in fragments])


def status_badge(status: object) -> Markup:
    """The status word, coloured by meaning."""
    return _inline().status_badge(text(status), STATUSES.label(status))


Actors = pd.DataFrame | dict | None


def actor_names(actors: Actors) -> dict[str, str]:
    """{actor_id: name} from actors.csv (or a ready dict); empty when there are none."""
    if actors is None:
        return {}
    if isinstance(actors, dict):
        return actors
    return dict(zip(actors["actor_id"], actors["name"], strict=True))


def _present(row: pd.Series | dict, column: str) -> bool:
    value = row.get(column) if hasattr(row, "get") else None
    return value is not None and not (not isinstance(value, str) and pd.isna(value)) and value != ""


def key_label(row: pd.Series | dict, actors: Actors = None) -> str:
    """What a key counts, in words, with actors by name: 'Civilians killed'.

    'Malian Armed Forces (FAMa) soldiers killed (Malian)', 'Refugees': codes and actor ids
    never show.
    """
    names = actor_names(actors)
    population = str(row["population"])
    who = POPULATIONS.label(population)
    if _present(row, "side"):
        side = names.get(str(row["side"]), str(row["side"]))
        member = SIDE_MEMBERS.get(population)
        who = f"{side} {member}" if member else f"{who} ({side})"
    metric = str(row["metric"])
    if metric in PARTICIPLE_METRICS:
        label = f"{who} {METRICS.label(metric)}"
    elif population in ("all", "unknown") and not _present(row, "side"):
        label = METRICS.label(metric)
    else:
        label = f"{METRICS.label(metric)} among {who}"
    if _present(row, "nationality"):
        label += f" ({row['nationality']})"
    if _present(row, "subgroup"):
        label += f", {str(row['subgroup']).replace('_', ' ')}"  # aid_workers -> aid workers
    return label[:1].upper() + label[1:]


def key_order(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows in reading order: killed before injured (schema order), totals before breakdowns."""
    metrics = {m: i for i, m in enumerate(METRICS.codes)}
    populations = {p: i for i, p in enumerate(POPULATIONS.codes)}
    columns = {
        "m": frame["metric"].map(metrics).fillna(len(metrics)),
        "p": frame["population"].map(populations).fillna(len(populations)),
    }
    for name in ("side", "nationality", "subgroup"):
        if name in frame:
            columns[name + "_given"] = frame[name].notna()
            columns[name] = frame[name].fillna("").astype(str)
    order = pd.DataFrame(columns, index=frame.index)
    positions = order.sort_values(list(order.columns), kind="stable").index
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


def high_text(estimate: pd.Series | dict) -> str:
    """The high figure, with '+' when the interval is open-ended."""
    return number(estimate["high"]) + ("+" if estimate["high_open"] else "")


def estimates_table(
    estimates: pd.DataFrame,
    events: pd.DataFrame | None = None,
    linked: Iterable[str] = (),
    actors: Actors = None,
) -> Markup:
    """The overview's table of estimates: one row per event and what is counted.

    Contested first, then party-only, then the rest, newest events first in each. Each row
    carries its status, country, region, year and metric as data attributes; the inlined
    script (``estimates.js``) builds filters, a text search and sortable headers from them.
    Without scripts it is a plain table in that order. Events in ``linked`` have their own
    page and are linked to it.
    """
    # rows as dicts, each event looked up once: a Series per row made a 5,000-event overview
    # cost seconds of pandas indexing (a repeated event_id, refused by the loader, keeps its first)
    info: dict = {}
    if events is not None:
        shown = [c for c in _EVENT_COLUMNS if c in events.columns]
        for event in events[shown].to_dict("records"):
            info.setdefault(event["event_id"], event)
    names = actor_names(actors)
    linked = set(linked)
    # a large overview repeats a few statuses, keys and places thousands of times: each is
    # worded once (key_label, status_badge and place_text depend on nothing else)
    badges: dict = {}
    labels_of: dict = {}
    places: dict = {}
    rows = []
    ordered = overview_order(estimates, events)
    wanted = [c for c in (*_ROW_COLUMNS, *_KEY_PARTS) if c in ordered.columns]
    for r in ordered[list(dict.fromkeys(wanted))].to_dict("records"):
        event_id = r["event_id"]
        event = info.get(event_id, {})
        title = text(event.get("title")) or text(event_id)
        date = text(event.get("date_start"))
        status = r["status"]
        badge = badges.get(status)
        if badge is None:
            badge = badges[status] = status_badge(status)
        key = (str(r["population"]), str(r["metric"]),
               *(str(r[c]) if _present(r, c) else None for c in _KEY_PARTS[2:]))  # fmt: skip
        label = labels_of.get(key)
        if label is None:
            label = labels_of[key] = key_label(r, names)
        place = places.get(event_id)
        if place is None:
            place = places[event_id] = place_text(event)
        rows.append(
            {
                "s": text(status),
                "r": STATUS_ORDER.get(status, 9),
                "c": text(event.get("country")),
                "a": text(event.get("admin1")),
                "y": date[:4],
                "m": text(r["metric"]),
                "href": event_page_name(event_id) if event_id in linked else "",
                "cells": [
                    title,
                    date,
                    place,
                    label,
                    number(r["low"]),
                    number(r["best"]),
                    high_text(r),
                    badge,
                    number(r["n_claimants"]),
                ],
            }
        )
    labels = {
        "s": STATUSES.labels,
        "m": {code: label[:1].upper() + label[1:] for code, label in METRICS.labels.items()},
    }
    return render(
        "estimates.html.j2",
        columns=OVERVIEW_COLUMNS,
        rows=rows,
        labels=json.dumps(labels, ensure_ascii=False),
        script=Markup(_script("estimates.js")),
    )


STATUS_ORDER = {code: rank for rank, code in enumerate(STATUSES.codes)}
# what an overview row shows besides its key, and the parts of a key its label is worded from
_ROW_COLUMNS = ("event_id", "status", "low", "best", "high", "high_open", "n_claimants")
_KEY_PARTS = ("population", "metric", "side", "nationality", "subgroup")
_EVENT_COLUMNS = ("event_id", "title", "date_start", "location", "admin1", "country")


def overview_order(estimates: pd.DataFrame, events: pd.DataFrame | None) -> pd.DataFrame:
    """Contested keys first, then party-only, then the rest; newest events first in each."""
    frame = estimates.assign(_status=estimates["status"].map(STATUS_ORDER).fillna(9))
    if events is not None:
        dates = events.set_index("event_id")["date_start"]
        frame = frame.assign(_date=frame["event_id"].map(dates).fillna(""))
    else:
        frame = frame.assign(_date="")
    frame = frame.assign(
        _metric=frame["metric"].map({c: i for i, c in enumerate(METRICS.codes)}).fillna(99),
        _population=frame["population"].map({c: i for i, c in enumerate(POPULATIONS.codes)}),
    )
    frame = frame.sort_values(
        ["_status", "_date", "event_id", "_metric", "_population"],
        ascending=[True, False, True, True, True],
        kind="stable",
    )
    return frame.drop(columns=["_status", "_date", "_metric", "_population"])


def event_page_name(event_id: str) -> str:
    """File name of an event's page in a report folder."""
    return f"event-{slug(event_id)}.html"


def result_block(
    estimate: pd.Series, claims: pd.DataFrame, element_id: str = "", actors: Actors = None
) -> Markup:
    """One key's rationale, built from the reconciled columns.

    Where best, low and high come from, why each other figure is not the best, and the
    sensitivity only when it moves the best figure.
    """
    voices = claims[_same_key(claims, estimate)]
    others = []
    for _, c in key_order(voices).iterrows() if not voices.empty else []:
        if c["claim_id"] == estimate.get("best_claim_id"):
            continue
        reason = text(c.get("exclusion_reason")) or text(c.get("why_not_best"))
        if not reason and bool(c.get("considered")):
            reason = "considered; it sets the range, not the best figure"
        others.append(
            {
                "claimant": text(c["claimant"]),
                "value": text(c["value"]),
                "link": claim_link(c["claim_id"]),
                "reason": reason,
            }
        )
    low, high = number(estimate["low"]), high_text(estimate)
    return render(
        "result_block.html.j2",
        element_id=element_id,
        label=key_label(estimate, actors),
        best=number(estimate["best"]),
        best_ref=_claim_ref(claims, estimate.get("best_claim_id")),
        low=low,
        high=high,
        low_ref=_claim_ref(claims, estimate.get("low_claim_id")),
        high_ref=_claim_ref(claims, estimate.get("high_claim_id")),
        one_figure=low == number(estimate["high"]) and not estimate["high_open"],
        # low and high need no sentence of their own when the best claim sets both
        from_best=estimate.get("low_claim_id") == estimate.get("best_claim_id")
        and estimate.get("high_claim_id") == estimate.get("best_claim_id"),
        others=others,
        moves=sensitivity_moves(estimate),
    )


def results_summary(estimates: pd.DataFrame, anchors: Sequence[str] = ()) -> Markup:
    """One line per key: low / best / high and status, each linked to its detail below."""
    rows = []
    for i, (_, e) in enumerate(estimates.iterrows()):
        label: object = key_label(e)
        if i < len(anchors):
            label = _inline().anchored("#" + anchors[i], label)
        rows.append(
            [
                label,
                number(e["low"]),
                number(e["best"]),
                high_text(e),
                status_badge(e["status"]),
                number(e["n_claimants"]),
            ]
        )
    headers = ["Counted", "Low", "Best", "High", "Status", "Claimants"]
    return table(headers, rows, [False, True, True, True, False, True])


def _claims_by_key(claims: pd.DataFrame, actors: Actors = None) -> list[tuple[str, pd.DataFrame]]:
    """Claims grouped by what they count, in reading order."""
    ordered = key_order(claims)
    names = actor_names(actors)
    labels = [key_label(row, names) for _, row in ordered.iterrows()]
    groups: dict[str, list] = {}
    for position, label in zip(ordered.index, labels, strict=True):
        groups.setdefault(label, []).append(position)
    return [(label, ordered.loc[positions]) for label, positions in groups.items()]


def _source_cell(c: pd.Series, sources: pd.DataFrame | None) -> Markup:
    """Publisher and date, linked to the document in the sources table (its title on hover)."""
    publisher: Markup = esc(c["source_publisher"])
    if sources is not None and c["source_id"] in set(sources["source_id"]):
        row = sources.loc[sources["source_id"] == c["source_id"]].iloc[0]
        publisher = _inline().anchored(
            "#" + source_anchor(c["source_id"]), text(c["source_publisher"]), text(row["title"])
        )
    return publisher + escape(", " + text(c["source_published"]))


def claims_table(
    claims: pd.DataFrame, sources: pd.DataFrame | None = None, actors: Actors = None
) -> Markup:
    """Every claim of an event, grouped by what it counts: claimant, figure, source, evidence.

    Superseded claims are struck through with what replaced them; the reason a claim did not
    enter the estimate is shown beside it. Each row carries the claim's anchor, so a claim id
    linked from a rationale lands on its source and evidence.
    """
    inline = _inline()
    rows: list = []
    attrs: list[dict | None] = []
    for label, group in _claims_by_key(claims, actors):
        rows.append(label)
        attrs.append(None)
        for _, c in group.iterrows():
            interval_text = format_interval(c["value_low"], c["value_high"], c["value_high_open"])
            why = c.get("exclusion_reason") or c.get("why_not_best") or ""
            if c.get("is_best"):
                why = "supplies the best figure"
            rows.append(
                [
                    code(c["claim_id"]),
                    inline.with_sub(
                        text(c["claimant"]),
                        CLAIMANT_ROLES.label(c["claimant_role"]),
                    ),
                    text(c["value"]),
                    interval_text,
                    _source_cell(c, sources),
                    inline.evidence(text(c["evidence"]), text(c.get("notes"))),
                    text(why),
                ]
            )
            attrs.append(
                {
                    "id": anchor(c["claim_id"]),
                    "class": "superseded" if c.get("superseded") else None,
                }
            )
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


def sources_table(sources: pd.DataFrame, claims: pd.DataFrame) -> Markup:
    """The documents the claims on this page come from: publisher, title, date, type, notes."""
    cited = list(dict.fromkeys(claims["source_id"].dropna()))
    frame = sources[sources["source_id"].isin(cited)]
    frame = frame.set_index("source_id").loc[[c for c in cited if c in set(frame["source_id"])]]
    rows, attrs = [], []
    for source_id, s in frame.iterrows():
        rows.append(
            [
                code(source_id),
                text(s["publisher"]),
                web_link(s.get("url"), text(s["title"])),
                text(s["published"]),
                SOURCE_TYPES.label(s["source_type"]),
                text(s.get("notes")),
            ]
        )
        attrs.append({"id": source_anchor(source_id)})
    headers = ["Source", "Publisher", "Title", "Published", "Type", "Notes"]
    classes = ["source-id", "publisher", "title", "published", "type", "notes"]
    return table(headers, rows, [False] * 6, row_attrs=attrs, classes=classes, stack=True)


def finding_subject(finding: pd.Series, actors: Actors = None) -> str:
    """What a finding compared; an event-hierarchy finding names its key in words."""
    subject = text(finding["subject"])
    if finding["check"] == "event_hierarchy" and _present(finding, "keys"):
        parent_key = key_columns(str(finding["keys"]).split(";")[0])
        subject += f": {key_label(parent_key, actors)}"
    return subject


def findings_table(findings: pd.DataFrame, actors: Actors = None) -> Markup:
    """Consistency findings: what was compared, the numbers, and the verdict."""
    inline = _inline()
    rows = []
    for _, f in findings.iterrows():
        verdict = str(f["verdict"])
        css = "fail" if verdict == "conflicting" else "pass" if verdict == "consistent" else ""
        rows.append(
            [
                CHECKS.label(f["check"]),
                finding_subject(f, actors),
                format_interval(f["compared_low"], f["compared_high"], pd.isna(f["compared_high"])),
                format_interval(
                    f["reference_low"], f["reference_high"], pd.isna(f["reference_high"])
                ),
                inline.verdict(css, VERDICTS.label(verdict)),
                text(f["detail"]),
                Markup("<br>").join(claim_link(i) for i in str(f["claim_ids"]).split(";")),
            ]
        )
    headers = ["Check", "Compared", "Sum / figure", "Against", "Verdict", "Numbers", "Claims"]
    return table(headers, rows, [False, False, True, True, False, False, False], stack=True)


FILE_CODE = re.compile(r"\b([a-z]+(?:_[a-z]+)+)\b")


def codes_as_code(explanation: object) -> Markup:
    """A rule's explanation with the codes it names (``party_only``) shown as codes.

    The data-quality page speaks to the people who edit the CSV files: the codes there are
    what they type, so they keep their spelling, in a code style.
    """
    source, out, position = text(explanation), Markup(""), 0
    for match in FILE_CODE.finditer(source):
        out += escape(source[position : match.start()]) + code(match.group(1))
        position = match.end()
    return out + escape(source[position:])


def quality_table(results: pd.DataFrame, only_failures: bool = False) -> Markup:
    """The data-quality results table (one row per rule)."""
    inline = _inline()
    frame = results[~results["passed"]] if only_failures else results
    rows = []
    for _, r in frame.iterrows():
        passed = bool(r["passed"])
        rows.append(
            [
                text(r["table"]),
                code(r["rule"]),
                text(r["severity"]),
                inline.verdict("pass", "passed") if passed else inline.verdict("fail", "FAILED"),
                number(r.get("n_failing", 0)),
                "; ".join(str(item) for item in (r.get("failing") or [])),
                codes_as_code(r["explanation"]),
            ]
        )
    headers = ["Table", "Rule", "Severity", "Result", "Failing", "Failing rows", "What it means"]
    return table(headers, rows, [False, False, False, False, True, False, False], stack=True)


def changes_block(
    changes: dict[str, pd.DataFrame] | None,
    previous_label: str = "",
    claims: pd.DataFrame | None = None,
    event_pages: Iterable[str] = (),
    actors: Actors = None,
) -> Markup:
    """New claims and changed estimates since the previous report (old -> new).

    With ``claims`` and ``event_pages``, a new claim links to its row on its event's page;
    otherwise claim ids are plain text (the overview has no claim rows to link to).
    """
    if changes is None:
        return render("changes.html.j2", first=True)
    pages = set(event_pages)
    events_of = claims.set_index("claim_id")["event_id"].to_dict() if claims is not None else {}

    def claim_ref(claim_id: str) -> Markup:
        event_id = events_of.get(claim_id)
        if event_id in pages:
            return claim_link(claim_id, event_page_name(event_id))
        return code(claim_id)

    changed = changes["changed_estimates"]
    changed_table = None
    if not changed.empty:
        rows = []
        for _, r in changed.iterrows():
            rows.append(
                [
                    text(r["event_id"]),
                    key_label(r.replace("", pd.NA), actors),
                    f"{_count(r['low_previous'])} → {_count(r['low'])}",
                    f"{_count(r['best_previous'])} → {_count(r['best'])}",
                    f"{_count(r['high_previous'])}"
                    f"{'+' if r['high_open_previous'] == 'true' else ''}"
                    f" → {_count(r['high'])}{'+' if r['high_open'] == 'true' else ''}",
                    f"{STATUSES.label(r['status_previous'])} → {STATUSES.label(r['status'])}",
                ]
            )
        changed_table = table(
            ["Event", "Counted", "Low", "Best", "High", "Status"],
            rows,
            [False, False, True, True, True, False],
        )
    return render(
        "changes.html.j2",
        first=False,
        previous_label=previous_label,
        n_new_claims=len(changes["new_claims"]),
        new_claims=[claim_ref(c) for c in changes["new_claims"]["claim_id"].tolist()[:200]],
        removed=changes["removed_claims"]["claim_id"].tolist(),
        changed_table=changed_table,
        n_new_keys=len(changes["new_keys"]),
        removed_keys=[
            f"{r['event_id']} ({key_label(r.replace('', pd.NA), actors)})"
            for _, r in changes.get("removed_keys", pd.DataFrame()).iterrows()
        ],
    )


def back_link(overview_page: str) -> Markup:
    """A link back to the overview page ('' when there is none, e.g. in JupyterLab)."""
    if not overview_page:
        return Markup("")
    return render("back_link.html.j2", overview_page=overview_page)


def page_links(
    event_pages: Iterable[str],
    displacement_pages: Iterable[str],
    titles: pd.Series | dict | None = None,
) -> Markup:
    """Links to the other pages of a report, each event page by its title."""
    titles = titles if titles is not None else {}

    def pages(names: Iterable[str], page_name) -> list[dict]:
        return [{"href": page_name(e), "title": text(titles.get(e, e))} for e in names]

    return render(
        "page_links.html.j2",
        event_pages=pages(event_pages, event_page_name),
        displacement_pages=pages(displacement_pages, displacement_page_name),
    )


def displacement_page_name(event_id: str) -> str:
    """File name of an aggregate's displacement page in a report folder."""
    return f"displacement-{slug(event_id)}.html"


def overview_header(analysis, run_day, event_pages=(), displacement_pages=()) -> Markup:
    """Report date, counts, status tallies and links to the other pages."""
    est = analysis.estimates
    counts = est["status"].value_counts()
    tally = ", ".join(f"{int(counts.get(s, 0)):,} {STATUSES.label(s)}" for s in STATUSES.codes)
    titles = analysis.dataset.events.set_index("event_id")["title"]
    links = page_links((), displacement_pages, titles) if event_pages else Markup("")
    return wrap(
        render(
            "overview_header.html.j2",
            run_day=run_day,
            policy=POLICIES.label(analysis.reconciliation.policy),
            window_days=analysis.as_of_window_days,
            n_claims=len(analysis.dataset.claims),
            n_sources=len(analysis.dataset.sources),
            n_events=len(analysis.dataset.events),
            n_estimates=len(est),
            tally=tally,
            links=links,
        )
    )


# More child events than this are listed folded under the event header.
FOLDED_CHILDREN = 12


def event_family(
    event: pd.Series, events: pd.DataFrame | None, linked: Iterable[str] = ()
) -> dict | None:
    """The parent event and the child events of ``event``, each with a page link if it has one.

    None without the events table. Links point to events in ``linked`` (those with a page).
    """
    if events is None or events.empty:
        return None
    linked = set(linked)
    titles = events.set_index("event_id")["title"]

    def entry(event_id: str) -> dict:
        return {
            "event_id": event_id,
            "title": text(titles.get(event_id, event_id)),
            "href": event_page_name(event_id) if event_id in linked else "",
        }

    parent = event.get("parent_event")
    children = events.loc[events["parent_event"] == event["event_id"], "event_id"].tolist()
    return {
        "parent": entry(str(parent)) if pd.notna(parent) else None,
        "children": [entry(str(c)) for c in children],
        "folded": len(children) > FOLDED_CHILDREN,  # a conflict-wide aggregate has dozens
    }


def event_header(
    event: pd.Series,
    overview_page: str = "",
    kicker: str = "Event",
    events: pd.DataFrame | None = None,
    linked: Iterable[str] = (),
) -> Markup:
    """Back link, the event's title as the page heading, date, place and description.

    With ``events``, the parent event (``parent_event``) and the child events are named, and
    those in ``linked`` (events with a page in the report) link to their page.
    """
    when = text(event["date_start"])
    if pd.notna(event.get("date_end")) and event["date_end"] != event["date_start"]:
        when += f" to {text(event['date_end'])}"
    place = place_text(event)
    return wrap(
        render(
            "event_header.html.j2",
            back=back_link(overview_page),
            kicker=kicker,
            event={k: text(event.get(k)) for k in ("title", "event_id")},
            kind=EVENT_KINDS.label(event.get("kind")),
            when=when,
            place=place,
            family=event_family(event, events, linked),
            description=text(event.get("description")),
        )
    )


# The claim columns a key's answer and rationale read (result_block, answer_line, _claim_ref).
_RATIONALE_COLUMNS = ("claim_id", "event_id", "metric", "population", "side", "group",
                      "nationality", "subgroup", "claimant", "claimant_role", "value",
                      "considered", "exclusion_reason", "why_not_best")  # fmt: skip


def results_section(estimates: pd.DataFrame, claims: pd.DataFrame, actors: Actors = None) -> Markup:
    """Every key of an event: the answers, how best is chosen (once), each key's rationale."""
    if estimates.empty:
        return Markup("<p>No estimate: no claim for this selection.</p>")
    # each key filters the claims several times: on the columns read here rather than the
    # analysis's seventy, which made this section cost more than the rest of an event page
    claims = claims[[c for c in _RATIONALE_COLUMNS if c in claims.columns]]
    ordered = key_order(estimates)
    names = actor_names(actors)
    anchors = key_anchors(key_label(row, names) for _, row in ordered.iterrows())
    rows = list(zip(ordered.iterrows(), anchors, strict=True))
    answers = [answer_line(row, claims, names, "#" + a) for (_, row), a in rows]
    blocks = [result_block(row, claims, a, names) for (_, row), a in rows]
    policies = ordered["policy"].dropna().unique() if "policy" in ordered else []
    return render(
        "results.html.j2",
        answers=answers,
        note=ranking_note(str(policies[0])) if len(policies) else Markup(""),
        blocks=blocks,
        any_moves=any(sensitivity_moves(row) for (_, row), _ in rows),
    )


def findings_section(findings: pd.DataFrame, actors: Actors = None) -> Markup:
    """Consistency findings, or a sentence saying there was nothing to compare."""
    if findings.empty:
        return Markup(
            "<p>Nothing to check: no breakdowns (part_of), and no stocks from different "
            "claimants within the as-of window.</p>"
        )
    return findings_table(findings, actors)


def series_table(series: pd.DataFrame, claims: pd.DataFrame | None = None) -> Markup:
    """Figures of an aggregate by as-of date, superseded ones struck through.

    Each row carries its claim's anchor; with ``claims`` it also shows the source and the
    evidence, so a figure on the page can be traced without leaving it.
    """
    if series.empty:
        return Markup("<p>This event has no displacement, refugee or IDP figures in the data.</p>")
    inline = _inline()
    details = claims.set_index("claim_id") if claims is not None else None
    rows, attrs = [], []
    for _, s in series.iterrows():
        row: list[object] = [
            f"{s['as_of_effective']:%Y-%m-%d}",
            METRICS.label(s["metric"]),
            text(s["claimant"]),
            text(s["value"]),
            format_interval(s["value_low"], s["value_high"], pd.isna(s["value_high"])),
            code(s["claim_id"]),
            text(s["part_of"]),
        ]
        if details is not None:
            c = details.loc[s["claim_id"]] if s["claim_id"] in details.index else None
            row += [
                f"{text(c['source_publisher'])}, {text(c['source_published'])}"
                if c is not None
                else text(s["source_id"]),
                inline.evidence(text(c["evidence"])) if c is not None else "",
            ]
        rows.append(row)
        attrs.append(
            {"id": anchor(s["claim_id"]), "class": "superseded" if s["superseded"] else None}
        )
    headers = ["As of", "Metric", "Claimant", "Figure as stated", "Interval", "Claim", "Part of"]
    numeric = [False, False, False, True, True, False, False]
    classes = ["as-of", "metric", "claimant", "figure", "interval", "claim", "part-of"]
    if details is not None:
        headers += ["Source", "Evidence"]
        numeric += [False, False]
        classes += ["source", "evidence"]
    return table(headers, rows, numeric, row_attrs=attrs, classes=classes, stack=True)


def quality_summary(results: pd.DataFrame, link: str = "") -> Markup:
    """One line: how many rules passed, how many failed by severity; failing rules listed."""
    failed = results[~results["passed"]]
    return render(
        "quality_summary.html.j2",
        n_rules=len(results),
        n_passed=int(results["passed"].sum()),
        critical=int((failed["severity"] == "critical").sum()),
        warnings=int((failed["severity"] == "warning").sum()),
        link=link,
        failures=quality_table(failed) if not failed.empty else Markup(""),
    )


def place_text(event: pd.Series | dict) -> str:
    """'Kobe, Gao, MLI': location, first-level region and country, where given."""
    return ", ".join(
        text(event.get(c)) for c in ("location", "admin1", "country") if _present(event, c)
    )


# The overview table's columns; numeric ones are right-aligned and sort as numbers.


OVERVIEW_COLUMNS = [
    Column("Event", css="event"),
    Column("Date", css="date"),
    Column("Place", css="place"),
    Column("Counted", css="counted"),
    Column("Low", numeric=True),
    Column("Best", numeric=True),
    Column("High", numeric=True),
    Column("Status", css="status-col"),
    Column("Claimants", numeric=True),
]


def _script(name: str) -> str:
    """A script shipped with the templates, to inline (no network, no CDN)."""
    source = (TEMPLATES / "fragments" / name).read_text(encoding="utf-8")
    if "</" in source:
        raise ValueError(f"{name} must not contain '</' (it is inlined in a <script> element)")
    return source


def _same_key(claims: pd.DataFrame, estimate: pd.Series) -> pd.Series:
    """Which claims count what ``estimate`` counts (missing key parts match missing)."""
    mask = pd.Series(True, index=claims.index)
    for column in ("event_id", "metric", "population", "side", "nationality", "subgroup"):
        if column not in claims.columns:
            continue
        wanted = estimate.get(column)
        given = claims[column]
        if wanted is None or (not isinstance(wanted, str) and pd.isna(wanted)):
            mask &= given.isna()
        else:
            mask &= given == wanted
    return mask


def _voices(claims: pd.DataFrame, estimate: pd.Series) -> pd.DataFrame:
    """The considered claims of one key, the best first, then by claimant role's rank."""
    mine = claims[_same_key(claims, estimate)]
    if "considered" in mine:
        mine = mine[mine["considered"].fillna(False).astype(bool)]
    first = (mine["claim_id"] != estimate.get("best_claim_id")).astype(int)
    rank = mine["claimant_role"].map({c: i for i, c in enumerate(CLAIMANT_ROLES.codes)})
    return mine.assign(_first=first, _rank=rank).sort_values(
        ["_first", "_rank", "claim_id"], kind="stable"
    )


def range_text(estimate: pd.Series | dict) -> str:
    """'25 to 34+' ('34' when low and high are one figure)."""
    low, high = number(estimate["low"]), high_text(estimate)
    if not low:
        return ""
    return (
        low + ("+" if estimate["high_open"] and high == low + "+" else "")
        if (high in (low, low + "+"))
        else f"{low} to {high}"
    )


MAX_VOICES = 4  # claimants named in an answer line; the rest are counted


def answer_line(
    estimate: pd.Series, claims: pd.DataFrame, actors: Actors = None, href: str = ""
) -> Markup:
    """One key's answer, to read aloud; each claimant's figure links to its claim's row.

    'Civilians killed: 34 (25 to 34+), contested — Human Rights Watch: at least 34;
    Malian army: 25.'
    """
    inline = _inline()
    voices = _voices(claims, estimate)
    named = voices.drop_duplicates("claimant")
    figures = [
        (text(v["claimant"]), text(v["value"]), "#" + anchor(v["claim_id"]))
        for _, v in named.head(MAX_VOICES).iterrows()
    ]
    return inline.answer(
        label=key_label(estimate, actors),
        href=href,
        best=number(estimate["best"]),
        interval=range_text(estimate),
        badge=status_badge(estimate["status"]),
        figures=figures,
        more=max(0, len(named) - MAX_VOICES),
    )


def _claim_ref(claims: pd.DataFrame, claim_id: object) -> dict | None:
    """Claimant, figure as stated, role and link of one claim (None when unknown)."""
    if claim_id is None or (not isinstance(claim_id, str) and pd.isna(claim_id)):
        return None
    found = claims[claims["claim_id"] == claim_id]
    if found.empty:
        return None
    c = found.iloc[0]
    return {
        "claimant": text(c["claimant"]),
        "value": text(c["value"]),
        "role": CLAIMANT_ROLES.label(c["claimant_role"]),
        "link": claim_link(claim_id),
    }


def sensitivity_moves(estimate: pd.Series) -> list[tuple[str, str]]:
    """What best becomes without party claims or single-source figures, where it differs.

    An empty list when nothing moves (or when nothing would be left to choose from).
    """
    best = estimate.get("best")
    moves = []
    for column, what in (
        ("best_without_party", "without party claims"),
        ("best_without_single_source", "without single-source figures"),
    ):
        other = estimate.get(column)
        if other is None or pd.isna(other) or best is None or pd.isna(best):
            continue
        if int(other) != int(best):
            moves.append((what, number(other)))
    return moves


# The criteria of METHODOLOGY section 5 in their order, as each key's rationale names them.
RANKING = (
    "claimant role (independent voices first), then certainty (confirmed, reported, feared), "
    "then specificity, then later publication, then source type"
)


def ranking_note(policy: str) -> Markup:
    """How best is chosen, said once per page rather than in every key's rationale."""
    return render(
        "ranking_note.html.j2",
        policy=POLICIES.label(policy),
        description=next((t.description for t in POLICIES if t.code == policy), ""),
        ranking=RANKING if policy == "reliability" else "",
    )


def chart_figure(svg: str, alt_text: str, caption: str, figures: Sequence[str]) -> Markup:
    """A static chart for a report: the SVG image with its text alternative and caption.

    The alternative says the figures (not "no description"); they also follow as a list a
    reader can search.
    """
    import base64

    source = "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")
    return wrap(
        render("figure.html.j2", source=source, alt=alt_text, caption=caption, figures=figures)
    )
