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
BREAKDOWN_DIMENSIONS = ("nationality", "population", "side", "metric", "group")

FINDING_COLUMNS = [
    "check",
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


def _with_periods(claims: pd.DataFrame) -> pd.DataFrame:
    """Claims still standing (not superseded) with the first day of their as-of period.

    The period is ``claims.as_of_period``, the one reconciliation uses: a source dated 2020
    without an as_of refers to all of 2020, so it meets a figure as of 2020-03 here exactly
    as it does in the estimate.
    """
    superseded = claims["claim_id"].isin(set(claims["supersedes"].dropna()))
    live = claims[~superseded].copy()
    first, last = as_of_period(live)
    live["as_of_first"] = first
    live["as_of_effective"] = last
    return live


def _finding(
    check: str,
    rows: list[pd.Series],
    subject: str,
    compared: Interval,
    reference: Interval,
    verdict: str,
    detail: str,
    whole: pd.Series,
) -> dict:
    return {
        "check": check,
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
    }


def _dimension(part: pd.Series, whole: pd.Series) -> str:
    """Which column a part breaks its whole down by (13 Malian of 34 -> nationality)."""
    for column in BREAKDOWN_DIMENSIONS:
        a, b = part.get(column), whole.get(column)
        if (pd.isna(a) and pd.isna(b)) or a == b:
            continue
        return column
    return "unspecified"


def _like_with_like(part: pd.Series, whole: pd.Series) -> str | None:
    """Why a part cannot be a component of its whole, or None when it can."""
    allowed = METRIC_PARTS.get(whole["metric"], {whole["metric"]})
    if part["metric"] not in allowed:
        return f"metric {part['metric']} is not a component of {whole['metric']}"
    if whole["population"] not in ("all", "unknown") and part["population"] != whole["population"]:
        return f"population {part['population']} is not part of {whole['population']}"
    return None


def component_checks(
    claims: pd.DataFrame, window_days: int = DEFAULT_AS_OF_WINDOW_DAYS
) -> pd.DataFrame:
    """Each whole against the interval sum of its parts (``part_of``), per breakdown dimension."""
    live = _with_periods(claims)
    by_id = live.set_index("claim_id", drop=False)
    findings: list[dict] = []
    parts = live[live["part_of"].notna() & live["part_of"].isin(by_id.index)]
    for whole_id, group in parts.groupby("part_of", sort=True):
        whole = by_id.loc[whole_id]
        dims = group.apply(lambda p, w=whole: _dimension(p, w), axis=1)
        for dim, dim_parts in group.groupby(dims, sort=True):
            rows = [r for _, r in dim_parts.sort_values("claim_id").iterrows()]
            summed = sum_intervals([_interval(r) for r in rows])
            reference = _interval(whole)
            subject = " + ".join(f"{r['value']}" for r in rows) + f" (by {dim}) vs {whole['value']}"
            mismatch = next((m for r in rows if (m := _like_with_like(r, whole))), None)
            gap = max(_gap_days(r, whole) for r in rows)
            if mismatch:
                verdict, detail = "incomparable", f"not like with like: {mismatch}"
            elif gap > window_days:
                verdict = "incomparable"
                detail = (
                    f"parts refer to dates {gap:.0f} days from the whole (window {window_days})"
                )
            else:
                verdict = compare_intervals(summed, reference)
                detail = (
                    f"parts sum to {summed.text()} (point {summed.point:,}); "
                    f"the whole is {reference.text()} (point {reference.point:,})"
                )
                if verdict == "conflicting" and summed.high_or_inf < reference.low:
                    # Falling short is what a partial breakdown ("including 5 women") does;
                    # only parts that exceed their whole are a contradiction in themselves.
                    verdict = "compatible_within_bounds"
                    detail += "; the parts fall short, as a partial breakdown does"
            findings.append(
                _finding(
                    "components", [whole, *rows], subject, summed, reference, verdict, detail, whole
                )
            )
    return pd.DataFrame(findings, columns=FINDING_COLUMNS)


def displacement_hierarchy(
    claims: pd.DataFrame, window_days: int = DEFAULT_AS_OF_WINDOW_DAYS
) -> pd.DataFrame:
    """For aggregates: refugees + IDPs (nearest in as-of) against each displaced total."""
    live = _with_periods(claims)
    live = live[(live["event_kind"] == "aggregate") & live["part_of"].isna()]
    findings: list[dict] = []
    for _, total in live[live["metric"] == "displaced"].sort_values("claim_id").iterrows():
        same = live[
            (live["event_id"] == total["event_id"]) & (live["population"] == total["population"])
        ]
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
    live = _with_periods(claims)
    live = live[(live["event_kind"] == "aggregate") & live["part_of"].isna()]
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
                    f"({gap:.0f} days apart, window {window_days})"
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


def run_checks(claims: pd.DataFrame, window_days: int = DEFAULT_AS_OF_WINDOW_DAYS) -> pd.DataFrame:
    """Every consistency finding in one table (components, displacement hierarchy, stocks)."""
    frames = [
        component_checks(claims, window_days),
        displacement_hierarchy(claims, window_days),
        stock_comparisons(claims, window_days),
    ]
    frames = [f for f in frames if not f.empty]
    if not frames:
        return pd.DataFrame(columns=FINDING_COLUMNS)
    out = pd.concat(frames, ignore_index=True)
    for column in ("compared_high", "reference_high"):
        out[column] = out[column].astype("Int64")
    out["verdict"] = pd.Categorical(out["verdict"], categories=VERDICTS)
    return out.reset_index(drop=True)


def summarise(findings: pd.DataFrame) -> dict[str, int]:
    """Counts per verdict, every verdict present (zero when absent)."""
    counts = findings["verdict"].value_counts() if len(findings) else pd.Series(dtype=int)
    return {verdict: int(counts.get(verdict, 0)) for verdict in VERDICTS}
