"""Consistency checks: do the parts add up, and do stocks agree when they refer to one date?

Figures can look contradictory without being so: 13 Malian + 21 foreign dead agree with "at
least 34"; "~144,000 refugees" + "~230,000 IDPs" agree with "≈374,000 displaced" once
rounding is allowed for; "over 600,000" displaced in 2020 and "more than 378,000" in 2025 are a
change over time. Every check compares intervals (never bare numbers), only like with like, and
only within an as-of window; each finding carries a verdict and the numbers behind it.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from casrec import vocabulary
from casrec.claims import KEY_COLUMNS, as_of_period
from casrec.quantities import format_interval
from casrec.vocabulary import normalise_claimant

VERDICTS = vocabulary.VERDICTS.codes
DEFAULT_AS_OF_WINDOW_DAYS = 90

# A whole may be broken down into these metrics (anything else must match the whole's metric).
METRIC_PARTS = {
    "displaced": {"displaced", "refugees", "idps"},
    "casualties": {"casualties", "killed", "injured"},
}
# Key columns a part may differ from its whole on, in the order axes are named; a part that
# differs on none of them differs by ``group`` (the source's words: a village, a unit).
AXIS_COLUMNS = ("nationality", "subgroup", "population", "side", "metric")
BREAKDOWN_AXES = vocabulary.BREAKDOWN_AXES.codes
# Stocks are compared only within the as-of window in both directions; a flow (killed) in a
# child event may date from any time before the running total it is part of.
STOCK_METRICS = frozenset({"displaced", "refugees", "idps"})

FINDING_COLUMNS = [
    "check",
    "axis",
    "event_id",
    "metric",
    "population",
    "claim_ids",
    "subject",
    "compared_low",
    "compared_high",
    "compared_point",
    "reference_low",
    "reference_high",
    "reference_point",
    "verdict",
    "detail",
    "keys",
]


@dataclass(frozen=True)
class Interval:
    """A closed interval with an optional open top, and the point value that stands for it."""

    low: int
    high: int | None
    point: int

    @property
    def high_or_inf(self) -> float:
        """The upper bound, infinite when open."""
        return float("inf") if self.high is None else self.high

    def contains(self, value: float) -> bool:
        """Whether ``value`` lies inside the interval."""
        return self.low <= value <= self.high_or_inf

    def text(self) -> str:
        """'34+', '373,500–374,500' or '34'."""
        return format_interval(self.low, self.high, self.high is None)


def sum_intervals(parts: list[Interval]) -> Interval:
    """Interval arithmetic: lows add, highs add (open if any part is open), points add."""
    open_top = any(p.high is None for p in parts)
    return Interval(
        low=sum(p.low for p in parts),
        high=None if open_top else sum(p.high for p in parts),  # type: ignore[misc]
        point=sum(p.point for p in parts),
    )


def compare_intervals(compared: Interval, reference: Interval) -> str:
    """Verdict for two intervals claimed to measure the same thing.

    consistent: each point lies inside the other's interval; compatible_within_bounds: the
    intervals overlap but a point falls outside the other (rounding, open bounds);
    conflicting: no value satisfies both.
    """
    overlap = compared.low <= reference.high_or_inf and reference.low <= compared.high_or_inf
    if not overlap:
        return "conflicting"
    if reference.contains(compared.point) and compared.contains(reference.point):
        return "consistent"
    return "compatible_within_bounds"


def _interval(row: pd.Series) -> Interval:
    high = row["value_high"]
    return Interval(
        int(row["value_low"]), None if pd.isna(high) else int(high), int(row["value_point"])
    )


def _gap_days(a: pd.Series, b: pd.Series) -> float:
    """Days between two as-of periods (0 when their date ranges touch or overlap)."""
    a_first, a_last = a["as_of_first"], a["as_of_effective"]
    b_first, b_last = b["as_of_first"], b["as_of_effective"]
    gap = max((a_first - b_last).days, (b_first - a_last).days, 0)
    return float(gap)


def _with_periods(claims: pd.DataFrame, where: pd.Series | None = None) -> pd.DataFrame:
    """Claims still standing (not superseded, and ``where`` holds) with their as-of period.

    The period is ``claims.as_of_period``, the one reconciliation uses: a source dated 2020
    without an as_of refers to all of 2020, so it meets a figure as of 2020-03 here exactly
    as it does in the estimate. Its first day is added as ``as_of_first``; its last day is
    the claims' ``as_of_effective``. The wide claims frame is filtered once.
    """
    keep = _standing(claims)
    if where is not None:
        keep &= where
    return _periods(claims)[keep]


def _standing(claims: pd.DataFrame) -> pd.Series:
    """Whether each claim is still standing: no other claim supersedes it."""
    return ~claims["claim_id"].isin(set(claims["supersedes"].dropna()))


def _periods(claims: pd.DataFrame) -> pd.DataFrame:
    """Every claim, superseded ones too, with the first and last day of its as-of period."""
    first, last = as_of_period(claims)
    return claims.assign(as_of_first=first, as_of_effective=last)


def _finding(
    check: str,
    rows: list[pd.Series],
    subject: str,
    compared: Interval,
    reference: Interval,
    verdict: str,
    detail: str,
    whole: pd.Series,
    axis: str | None = None,
    keys: str | None = None,
) -> dict:
    return {
        "check": check,
        "axis": axis,
        "event_id": whole["event_id"],
        "metric": whole["metric"],
        "population": whole["population"],
        "claim_ids": ";".join(str(r["claim_id"]) for r in rows),
        "subject": subject,
        "compared_low": compared.low,
        "compared_high": compared.high,
        "compared_point": compared.point,
        "reference_low": reference.low,
        "reference_high": reference.high,
        "reference_point": reference.point,
        "verdict": verdict,
        "detail": detail,
        "keys": keys,
    }


def _same(a: object, b: object, casefold: bool = False) -> bool:
    """Two cells hold the same value (both missing counts as the same)."""
    if pd.isna(a) and pd.isna(b):
        return True
    if pd.isna(a) or pd.isna(b):
        return False
    if casefold:
        return " ".join(str(a).split()).casefold() == " ".join(str(b).split()).casefold()
    return a == b


def breakdown_axis(part: pd.Series, whole: pd.Series) -> str:
    """The axis on which a part breaks its whole down: 13 Malian of 34 -> 'nationality'.

    Every key column the part differs on is named ('child_event+subgroup' for the children
    killed in a camp within a town's attack): a cross-cut is summed only with parts cut the
    same way. Side counts with population when both differ. A part that differs on no key
    column differs by its group (179 in one village).
    """
    differs = [c for c in AXIS_COLUMNS if not _same(part.get(c), whole.get(c), c == "nationality")]
    if "population" in differs and "side" in differs:
        # whose members (side) refines who (population): 3 MNLA fighters and 2 bombers of 5
        # dead are one breakdown by population
        differs.remove("side")
    if part["event_id"] != whole["event_id"]:
        differs.insert(0, "child_event")
    if differs:
        return "+".join(differs)
    return "group"


def _identity(part: pd.Series, axis: str) -> tuple:
    """What makes two parts of one whole the same part (two figures of the Malian dead).

    The same key (event, nationality, subgroup, population, side, metric); on the group axis
    also the same group, in any case and spacing.
    """
    values = [part["event_id"]]
    for column in AXIS_COLUMNS:
        value = part.get(column)
        text = "" if pd.isna(value) else str(value)
        values.append(" ".join(text.split()).casefold() if column == "nationality" else text)
    if axis == "group":
        group = part.get("group")
        values.append("" if pd.isna(group) else " ".join(str(group).split()).casefold())
    return tuple(values)


def _ancestors(claim: pd.Series) -> list[str]:
    """The events a claim's event lies within, nearest first (``event_ancestors``)."""
    chain = claim.get("event_ancestors")
    if isinstance(chain, str) and chain:
        return chain.split(";")
    parent = claim.get("event_parent")
    return [parent] if isinstance(parent, str) and parent else []


def _like_with_like(part: pd.Series, whole: pd.Series) -> str | None:
    """Why a part cannot be a component of its whole, or None when it can."""
    if part["event_id"] != whole["event_id"] and whole["event_id"] not in _ancestors(part):
        return f"event {part['event_id']} is not within {whole['event_id']} (parent_event)"
    allowed = METRIC_PARTS.get(whole["metric"], {whole["metric"]})
    if part["metric"] not in allowed:
        return f"metric {part['metric']} is not a component of {whole['metric']}"
    if whole["population"] not in ("all", "unknown") and part["population"] != whole["population"]:
        return f"population {part['population']} is not part of {whole['population']}"
    return None


@dataclass
class _Part:
    """One part of a whole on one axis: the voices that give it, counted once."""

    rows: list[pd.Series]  # one per claimant, in order of preference
    relays: list[tuple[str, str]]  # (claim not counted, the claim of the same voice counted)

    @property
    def interval(self) -> Interval:
        """The part's interval; several claimants' figures for one part span their envelope."""
        intervals = [_interval(r) for r in self.rows]
        if len(intervals) == 1:
            return intervals[0]
        open_top = any(i.high is None for i in intervals)
        return Interval(
            low=min(i.low for i in intervals),
            high=None if open_top else max(i.high for i in intervals),  # type: ignore[type-var]
            point=intervals[0].point,
        )

    @property
    def text(self) -> str:
        """'13', or '20 / more than 23' when several claimants give the part."""
        return " / ".join(str(r["value"]) for r in self.rows)


def _voice_order(rows: pd.DataFrame) -> pd.DataFrame:
    """Rows in order of preference within one voice: own publication, latest, claim id."""
    own = [
        normalise_claimant(c) == normalise_claimant(p)
        for c, p in zip(rows["claimant"], rows["source_publisher"], strict=True)
    ]
    order = rows.assign(
        _own=own,
        _published=rows.get("source_published_latest", pd.NaT),
        _claimant=[normalise_claimant(c) for c in rows["claimant"]],
    )
    return order.sort_values(
        ["_own", "_published", "claim_id"], ascending=[False, False, True], na_position="last"
    )


def _parts_on_axis(rows: pd.DataFrame, axis: str) -> list[_Part]:
    """The distinct parts on one axis, each counted once per claimant (relays dropped)."""
    parts: list[_Part] = []
    identities = [_identity(r, axis) for _, r in rows.iterrows()]
    for _, same_part in rows.groupby(pd.Series(identities, index=rows.index), sort=True):
        ordered = _voice_order(same_part)
        kept: list[pd.Series] = []
        relays: list[tuple[str, str]] = []
        for _, voice in ordered.groupby("_claimant", sort=False):
            first, *others = [r for _, r in voice.iterrows()]
            kept.append(first)
            relays += [(str(o["claim_id"]), str(first["claim_id"])) for o in others]
        parts.append(_Part(kept, relays))
    return parts


def _replacement(whole_id: str, claims: pd.DataFrame) -> tuple[pd.Series | None, str]:
    """The claim standing in for a whole: itself, or the figure that revised it.

    Follows ``supersedes`` to the latest revision; returns None, with the reason, when a
    whole was revised by several claims (which one its parts belong to is not said).
    """
    by_id = claims.drop_duplicates("claim_id").set_index("claim_id", drop=False)
    successors = claims.groupby("supersedes")["claim_id"].agg(list)
    current, path = whole_id, [whole_id]
    while current in successors.index:
        nexts = sorted(set(successors[current]))
        if len(nexts) > 1:
            return None, (
                f"the whole {whole_id} was revised by several claims ({', '.join(nexts)}); "
                "the parts cannot be matched to one of them"
            )
        current = nexts[0]
        if current in path:  # a supersedes cycle is its own data-quality failure
            return None, f"the whole {whole_id} is on a supersedes cycle"
        path.append(current)
    return by_id.loc[current], ""


def component_checks(
    claims: pd.DataFrame, window_days: int = DEFAULT_AS_OF_WINDOW_DAYS
) -> pd.DataFrame:
    """Each whole against its parts (``part_of``), one finding per breakdown axis.

    Parts are grouped by the axis on which each differs from the whole (nationality,
    subgroup, group, child event, ...). A lone part on its axis ("including 56 children") is
    a subset: checked only as not more than the whole. Two or more parts on one axis are a
    partition and summed as intervals. One claimant's part relayed by several documents
    counts once; the parts of a superseded whole are checked against its revision.
    """
    # every claim, superseded ones too: a revised whole is looked up through them
    everyone = _periods(claims)
    is_part = claims["part_of"].notna() & claims["part_of"].isin(set(claims["claim_id"]))
    parts = everyone[_standing(claims) & is_part]
    findings: list[dict] = []
    for whole_id, group in parts.groupby("part_of", sort=True):
        original = everyone[everyone["claim_id"] == whole_id].iloc[0]
        reference_row, why_not = _replacement(str(whole_id), everyone)
        axes = group.apply(lambda p, w=original: breakdown_axis(p, w), axis=1)
        for axis, axis_rows in group.groupby(axes, sort=True):
            findings.append(
                _axis_finding(str(axis), axis_rows, original, reference_row, why_not, window_days)
            )
    return pd.DataFrame(findings, columns=FINDING_COLUMNS)


def _axis_finding(
    axis: str,
    rows: pd.DataFrame,
    original: pd.Series,
    whole: pd.Series | None,
    why_not: str,
    window_days: int,
) -> dict:
    """The finding for the parts of one whole on one axis."""
    axis_text = " + ".join(vocabulary.BREAKDOWN_AXES.label(a) for a in axis.split("+"))
    parts = _parts_on_axis(rows.sort_values("claim_id"), axis)
    counted = [r for p in parts for r in p.rows]
    relays = [pair for p in parts for pair in p.relays]
    reference_row = whole if whole is not None else original
    reference = _interval(reference_row)
    lone = len(parts) == 1
    compared = parts[0].interval if lone else sum_intervals([p.interval for p in parts])
    joined = " + ".join(p.text for p in parts)
    subject = f"{joined} (by {axis_text}) vs {reference_row['value']}"
    notes: list[str] = []
    if whole is not None and whole["claim_id"] != original["claim_id"]:
        notes.append(
            f"the whole {original['claim_id']} ({original['value']}) was revised by "
            f"{whole['claim_id']} ({whole['value']}); the parts are checked against the revision"
        )
    if relays:
        notes.append(
            "counted once per voice: "
            + ", ".join(f"{dropped} relays the figure of {kept}" for dropped, kept in relays)
        )
    several = [p for p in parts if len(p.rows) > 1]
    if several:
        notes.append(
            "several claimants give one part, so it spans their figures: "
            + "; ".join(p.text for p in several)
        )
    mismatch = next((m for r in counted if (m := _like_with_like(r, reference_row))), None)
    stock = reference_row["metric"] in STOCK_METRICS
    gaps = [
        _gap_days(r, reference_row)
        if stock or r["event_id"] == reference_row["event_id"]
        else max((r["as_of_first"] - reference_row["as_of_effective"]).days, 0)
        for r in counted
    ]
    gap = float(max(gaps))
    if whole is None:
        verdict, detail = "incomparable", why_not
    elif mismatch:
        verdict, detail = "incomparable", f"not like with like: {mismatch}"
    elif gap > window_days:
        verdict = "incomparable"
        detail = f"parts refer to dates {gap:.0f} days from the whole (window {window_days})"
    elif lone:
        verdict, detail = _subset_verdict(compared, reference, axis_text)
    else:
        verdict = compare_intervals(compared, reference)
        detail = (
            f"by {axis_text}, the parts sum to {compared.text()} (point {compared.point:,}); "
            f"the whole is {reference.text()} (point {reference.point:,})"
        )
        if verdict == "conflicting" and compared.high_or_inf < reference.low:
            # Falling short is what a partial breakdown ("including 5 women") does;
            # only parts that exceed their whole are a contradiction in themselves.
            verdict = "compatible_within_bounds"
            detail += "; the parts fall short, as a partial breakdown does"
        elif verdict == "conflicting" and axis == "subgroup":
            fits = all(p.interval.low <= reference.high_or_inf for p in parts)
            if fits:
                # a child can be a student and a woman an aid worker: subgroups may overlap
                verdict = "compatible_within_bounds"
                detail += "; each subgroup fits the whole, and subgroups may overlap"
    if notes:
        detail += "; " + "; ".join(notes)
    return _finding(
        "components",
        [reference_row, *counted],
        subject,
        compared,
        reference,
        verdict,
        detail,
        reference_row,
        axis=axis,
    )


def _subset_verdict(part: Interval, whole: Interval, axis_text: str) -> tuple[str, str]:
    """A lone subset is only checked as not more than its whole."""
    detail = (
        f"a lone part by {axis_text}, {part.text()} (point {part.point:,}), is checked only "
        f"as not more than the whole, {whole.text()} (point {whole.point:,})"
    )
    if part.low > whole.high_or_inf:
        return "conflicting", detail + ": it is more"
    if part.point <= whole.point:
        return "consistent", detail
    return "compatible_within_bounds", detail + ": within bounds, though its point is higher"


def displacement_hierarchy(
    claims: pd.DataFrame, window_days: int = DEFAULT_AS_OF_WINDOW_DAYS
) -> pd.DataFrame:
    """For aggregates: refugees + IDPs (nearest in as-of) against each displaced total."""
    live = _with_periods(claims, (claims["event_kind"] == "aggregate") & claims["part_of"].isna())
    findings: list[dict] = []
    for _, total in live[live["metric"] == "displaced"].sort_values("claim_id").iterrows():
        same = live[
            (live["event_id"] == total["event_id"]) & (live["population"] == total["population"])
        ]
        # children refugees are not a component of everyone displaced: same side, nationality
        # and subgroup only
        for column in ("side", "nationality", "subgroup"):
            if column in same.columns:
                same = same[[_same(v, total.get(column)) for v in same[column]]]
        picked = []
        for metric in ("refugees", "idps"):
            candidates = same[same["metric"] == metric]
            if candidates.empty:
                break
            gaps = candidates.apply(lambda r, t=total: _gap_days(r, t), axis=1)
            candidates = candidates.assign(
                gap=gaps, same_source=candidates["source_id"] != total["source_id"]
            ).sort_values(["gap", "same_source", "claim_id"])
            best = candidates.iloc[0]
            if best["gap"] > window_days:
                break
            picked.append(best)
        if len(picked) < 2:
            continue
        summed = sum_intervals([_interval(r) for r in picked])
        reference = _interval(total)
        verdict = compare_intervals(summed, reference)
        subject = (
            f"{picked[0]['value']} refugees + {picked[1]['value']} IDPs "
            f"vs {total['value']} displaced"
        )
        detail = (
            f"refugees + IDPs = {summed.text()} (point {summed.point:,}); displaced "
            f"{reference.text()} (point {reference.point:,}); as-of dates within {window_days} days"
        )
        findings.append(
            _finding(
                "displacement_hierarchy",
                [total, *picked],
                subject,
                summed,
                reference,
                verdict,
                detail,
                total,
            )
        )
    return pd.DataFrame(findings, columns=FINDING_COLUMNS)


def stock_comparisons(
    claims: pd.DataFrame, window_days: int = DEFAULT_AS_OF_WINDOW_DAYS
) -> pd.DataFrame:
    """Stocks and running totals of different claimants, compared only within the window.

    Pairs further apart than the window are not findings: they are points of a time series
    (see ``stock_series``), because a stock that changes over time is not a contradiction.
    """
    live = _with_periods(claims, (claims["event_kind"] == "aggregate") & claims["part_of"].isna())
    findings: list[dict] = []
    for _, group in live.groupby(KEY_COLUMNS, dropna=False, sort=True):
        rows = [r for _, r in group.sort_values(["as_of_effective", "claim_id"]).iterrows()]
        for i, a in enumerate(rows):
            for b in rows[i + 1 :]:
                if normalise_claimant(a["claimant"]) == normalise_claimant(b["claimant"]):
                    continue
                gap = _gap_days(a, b)
                if gap > window_days:
                    continue
                ia, ib = _interval(a), _interval(b)
                verdict = compare_intervals(ia, ib)
                detail = (
                    f"{a['claimant']} {ia.text()} as of {a['as_of_effective']:%Y-%m-%d} vs "
                    f"{b['claimant']} {ib.text()} as of {b['as_of_effective']:%Y-%m-%d} "
                    f"({gap:.0f} day{'' if round(gap) == 1 else 's'} apart, "
                    f"window {window_days})"
                )
                findings.append(
                    _finding(
                        "stocks",
                        [a, b],
                        f"{a['value']} vs {b['value']}",
                        ia,
                        ib,
                        verdict,
                        detail,
                        a,
                    )
                )
    return pd.DataFrame(findings, columns=FINDING_COLUMNS)


def stock_series(claims: pd.DataFrame, event_id: str | None = None) -> pd.DataFrame:
    """Aggregate figures as a time series by as-of date (superseded ones flagged, not dropped)."""
    frame = claims[claims["event_kind"] == "aggregate"]
    if event_id is not None:
        frame = frame[frame["event_id"] == event_id]
    superseded = frame["claim_id"].isin(set(claims["supersedes"].dropna()))
    columns = [
        "event_id", "metric", "population", "side", "as_of_effective", "claimant", "claimant_role",
        "source_id", "value", "value_low", "value_high", "value_point", "value_qualifier",
        "part_of", "claim_id",
    ]  # fmt: skip
    out = frame[columns].assign(superseded=superseded.to_numpy())
    return out.sort_values(["event_id", "metric", "as_of_effective", "claim_id"]).reset_index(
        drop=True
    )


def run_checks(
    claims: pd.DataFrame,
    window_days: int = DEFAULT_AS_OF_WINDOW_DAYS,
    estimates: pd.DataFrame | None = None,
    events: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Every consistency finding in one table.

    Claims: components by breakdown axis, displacement hierarchy, stocks. With the reconciled
    ``estimates`` (and ``claims`` annotated by ``reconcile``): subgroups within their whole,
    and, with ``events``, child events within their parent.
    """
    frames = [
        component_checks(claims, window_days),
        displacement_hierarchy(claims, window_days),
        stock_comparisons(claims, window_days),
    ]
    if estimates is not None:
        frames.append(subgroup_checks(estimates))
        if events is not None:
            frames.append(event_hierarchy_checks(estimates, events, claims, window_days))
    frames = [f for f in frames if not f.empty]
    if not frames:
        return pd.DataFrame(columns=FINDING_COLUMNS)
    out = pd.concat(frames, ignore_index=True)
    for column in ("compared_low", "compared_high", "compared_point", "reference_high"):
        out[column] = out[column].astype("Int64")
    out["verdict"] = pd.Categorical(out["verdict"], categories=VERDICTS)
    return out.reset_index(drop=True)


def summarise(findings: pd.DataFrame) -> dict[str, int]:
    """Counts per verdict, every verdict present (zero when absent)."""
    counts = findings["verdict"].value_counts() if len(findings) else pd.Series(dtype=int)
    return {verdict: int(counts.get(verdict, 0)) for verdict in VERDICTS}


# --- checks between reconciled estimates: subgroups within their whole, children in parents --


def estimate_key(row: pd.Series | dict) -> str:
    """A reconciled key as one text, 'kobe/killed/civilians///children' (empty when missing)."""
    return "/".join("" if pd.isna(row.get(c)) else str(row.get(c)) for c in KEY_COLUMNS)


def estimate_keys(frame: pd.DataFrame) -> pd.Series:
    """``estimate_key`` of every row at once (a missing key column counts as empty)."""
    parts = [
        frame[c].astype("object").map(lambda v: "" if pd.isna(v) else str(v))
        if c in frame.columns
        else pd.Series("", index=frame.index, dtype="object")
        for c in KEY_COLUMNS
    ]
    return parts[0].str.cat(parts[1:], sep="/")


def key_columns(key: str) -> dict[str, str | None]:
    """The key columns of an ``estimate_key`` text (its inverse; empty parts are None)."""
    return {c: part or None for c, part in zip(KEY_COLUMNS, key.split("/"), strict=True)}


def _estimate_interval(row: pd.Series) -> Interval:
    """An estimate's interval: open when ``high_open``; its point is best, else its low."""
    high = None if bool(row["high_open"]) or pd.isna(row["high"]) else int(row["high"])
    point = row["best"] if pd.notna(row.get("best")) else row["low"]
    return Interval(int(row["low"]), high, int(point))


def _estimate_figure(row: pd.Series) -> str:
    """'34+ (best 34)' for an estimate."""
    interval = _estimate_interval(row)
    return f"{interval.text()} (best {interval.point:,})"


def subgroup_checks(estimates: pd.DataFrame) -> pd.DataFrame:
    """Each subgroup estimate against the estimate of its whole: it may not be more.

    "20 children killed" is reconciled under its own key (subgroup children) and compared with
    the same key without a subgroup, as a subset: only a subgroup above the whole conflicts.
    """
    usable = estimates[estimates["low"].notna()]
    subgroups = usable[usable["subgroup"].notna()]
    wholes = usable[usable["subgroup"].isna()]
    # the whole of each subgroup is the same key without a subgroup (the last row of a key)
    whole_at = dict(zip(estimate_keys(wholes), range(len(wholes)), strict=True))
    whole_keys = estimate_keys(subgroups.assign(subgroup=None))
    findings: list[dict] = []
    for (_, sub), whole_key in zip(subgroups.iterrows(), whole_keys, strict=True):
        if whole_key not in whole_at:
            continue
        whole = wholes.iloc[whole_at[whole_key]]
        part, reference = _estimate_interval(sub), _estimate_interval(whole)
        verdict, detail = _subset_verdict(part, reference, f"subgroup {sub['subgroup']}")
        findings.append(
            _finding(
                "subgroup_subset",
                [],
                f"{sub['subgroup']}: {_estimate_figure(sub)} vs all: {_estimate_figure(whole)}",
                part,
                reference,
                verdict,
                detail,
                whole,
                axis="subgroup",
                keys=f"{estimate_key(whole)};{estimate_key(sub)}",
            )
            | {"claim_ids": _claim_ids(whole, sub)}
        )
    return pd.DataFrame(findings, columns=FINDING_COLUMNS)


def _claim_ids(*estimates: pd.Series) -> str:
    """The claims behind several estimates, in order, each once."""
    ids: list[str] = []
    for estimate in estimates:
        ids += [i for i in str(estimate.get("claim_ids") or "").split(";") if i]
    return ";".join(dict.fromkeys(ids))


def _children(events: pd.DataFrame) -> dict[str, list[str]]:
    """Parent event id -> its direct child events, in file order."""
    out: dict[str, list[str]] = {}
    for event_id, parent in zip(events["event_id"], events["parent_event"], strict=True):
        if pd.notna(parent) and pd.notna(event_id) and parent != event_id:
            out.setdefault(str(parent), []).append(str(event_id))
    return out


def event_hierarchy_checks(
    estimates: pd.DataFrame,
    events: pd.DataFrame,
    claims: pd.DataFrame | None = None,
    window_days: int = DEFAULT_AS_OF_WINDOW_DAYS,
) -> pd.DataFrame:
    """Child events against their parent, key by key: children's lows summed <= parent's high.

    Keys match on metric, population, side, nationality and subgroup. A child without an
    estimate for the key stands for its own children. With the annotated ``claims``, a child
    whose figure refers to a later date than the parent's (a running total counted on after
    it) is left out of the sum and named, and so is a child stock from another date (beyond
    ``window_days``); without them, children that began after the parent's figure.
    """
    children = _children(events)
    if not children:
        return pd.DataFrame(columns=FINDING_COLUMNS)
    starts = dict(zip(events["event_id"], _event_starts(events), strict=True))
    usable = estimates[estimates["low"].notna()]
    at_key = dict(zip(estimate_keys(usable), range(len(usable)), strict=True))
    as_of = _estimate_as_of(claims) if claims is not None else {}
    findings: list[dict] = []
    for _, parent in usable[usable["event_id"].isin(set(children))].iterrows():
        rest = [parent.get(c) for c in KEY_COLUMNS[1:]]
        parent_as_of = as_of.get(estimate_key(parent))
        stock = parent["metric"] in STOCK_METRICS
        counted: list[pd.Series] = []
        later: list[str] = []
        visited = {parent["event_id"]}
        frontier = list(children.get(parent["event_id"], []))
        while frontier:
            child = frontier.pop(0)
            if child in visited:  # a parent_event cycle is its own data-quality failure
                continue
            visited.add(child)
            key = estimate_key(dict(zip(KEY_COLUMNS, [child, *rest], strict=True)))
            if key not in at_key:
                frontier += children.get(child, [])
                continue
            dated = as_of.get(key, starts.get(child))
            if parent_as_of is not None and pd.notna(dated):
                after = dated > parent_as_of
                apart = stock and (parent_as_of - dated).days > window_days
                if after or apart:
                    later.append(f"{child} ({dated:%Y-%m-%d})")
                    continue
            counted.append(usable.iloc[at_key[key]])
        if counted:
            findings.append(_hierarchy_finding(parent, counted, later, parent_as_of))
        elif later:  # children with figures for the key, none of them comparable: say why
            findings.append(_hierarchy_not_compared(parent, later, parent_as_of))
    return pd.DataFrame(findings, columns=FINDING_COLUMNS)


def _hierarchy_finding(
    parent: pd.Series, counted: list[pd.Series], later: list[str], parent_as_of
) -> dict:
    """The finding for one parent key and the child estimates counted against it."""
    intervals = [_estimate_interval(c) for c in counted]
    summed = sum_intervals(intervals)
    reference = _estimate_interval(parent)
    if summed.low > reference.high_or_inf:
        verdict = "conflicting"
    elif summed.low <= reference.point:
        verdict = "consistent"
    else:
        verdict = "compatible_within_bounds"
    children_text = ", ".join(f"{c['event_id']} {_estimate_interval(c).text()}" for c in counted)
    detail = (
        f"the lows of {len(counted)} child event(s) ({children_text}) sum to {summed.low:,}; "
        f"the parent {parent['event_id']} is {reference.text()} (best {reference.point:,})"
    )
    detail += (
        ": more than the parent's high" if verdict == "conflicting" else ", not more than its high"
    )
    if later:
        detail += (
            f"; not counted, as their figures refer to another date than the parent's "
            f"({parent_as_of:%Y-%m-%d}): {', '.join(later)}"
        )
    return _finding(
        "event_hierarchy",
        [],
        f"{len(counted)} child event(s) vs {parent['event_id']}",
        summed,
        reference,
        verdict,
        detail,
        parent,
        axis="child_event",
        keys=";".join(estimate_key(e) for e in [parent, *counted]),
    ) | {"claim_ids": _claim_ids(parent, *counted)}


def _hierarchy_not_compared(parent: pd.Series, later: list[str], parent_as_of) -> dict:
    """An incomparable finding: every child figure refers to another date than the parent's."""
    reference = _estimate_interval(parent)
    detail = (
        f"not compared: the figures of the child event(s) refer to another date than the "
        f"parent's ({parent_as_of:%Y-%m-%d}): {', '.join(later)}"
    )
    return _finding(
        "event_hierarchy",
        [],
        f"{len(later)} child event(s) vs {parent['event_id']}",
        Interval(0, 0, 0),
        reference,
        "incomparable",
        detail,
        parent,
        axis="child_event",
        keys=estimate_key(parent),
    ) | {"claim_ids": _claim_ids(parent), "compared_low": None, "compared_point": None}


def _event_starts(events: pd.DataFrame) -> pd.Series:
    """Each event's first possible day (its date_start at its precision)."""
    if "date_start_earliest" in events.columns:
        return events["date_start_earliest"]
    from casrec.schema import date_bound_columns

    return date_bound_columns(events["date_start"])["earliest"]


def _estimate_as_of(claims: pd.DataFrame) -> dict[str, pd.Timestamp]:
    """Reconciled key -> the latest date its considered figures refer to."""
    used = claims[claims["considered"]] if "considered" in claims.columns else claims
    if used.empty:
        return {}
    keys = estimate_keys(used)
    return used.groupby(keys)["as_of_effective"].max().dropna().to_dict()
