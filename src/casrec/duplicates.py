"""Possible duplicate events: one incident recorded twice, found for an analyst to confirm.

Duplicates are the commonest complaint about event data: two documents date or name one attack
differently and it is entered twice, so its dead are counted twice. Record-linkage models
trained by EM are unreliable on tables of this size; this module uses deterministic blocking
(same country, dates within a window at their stated precision) and explicit features (same
place, similar titles), and never merges anything: it names the pairs and why. Counts are
never a feature: they are what casrec reconciles, and two reports of one attack often differ.

The same matcher links events from other datasets (UCDP GED, ACLED) to ``events.csv``:
``match_events(candidates, events)``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from difflib import SequenceMatcher

import numpy as np
import pandas as pd

from casrec.schema import date_bound_columns

DEFAULT_WINDOW_DAYS = 2
DEFAULT_TITLE_SIMILARITY = 0.85
# Only incidents by default: aggregates (a war's totals, a year's totals) overlap by design.
DEFAULT_KINDS = ("incident",)
# An event dated no closer than this (a year, "between March 2012 and January 2013") overlaps
# every event at its place in that time: it pairs on a similar title, not on its place alone.
LONGEST_PLACE_MATCH_DAYS = 31

MATCH_COLUMNS = [
    "left_id",
    "right_id",
    "left_row",
    "right_row",
    "country",
    "date_gap_days",
    "same_location",
    "same_admin1",
    "title_similarity",
    "reasons",
]


@dataclass(frozen=True)
class MatchRules:
    """The matcher's parameters: date window (days, after precision) and title similarity."""

    window_days: int = DEFAULT_WINDOW_DAYS
    title_similarity: float = DEFAULT_TITLE_SIMILARITY

    def __post_init__(self) -> None:
        if self.window_days < 0:
            raise ValueError(f"window_days must be >= 0, not {self.window_days}")
        if not 0 < self.title_similarity <= 1:
            raise ValueError(f"title_similarity must be in (0, 1], not {self.title_similarity}")


# Words that say what kind of place a name is, not which: "Sahel region" is the Sahel.
GENERIC_PLACE_WORDS = frozenset(
    {"region", "province", "district", "cercle", "commune", "village", "town", "city"}
)


def normalise_text(text: object) -> str:
    """Lower case, accents and punctuation dropped, one space: 'Ménaka' and 'menaka' agree."""
    if text is None or (not isinstance(text, str) and pd.isna(text)):
        return ""
    decomposed = unicodedata.normalize("NFKD", str(text))
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", plain).split())


def normalise_place(text: object) -> str:
    """A place name as compared: ``normalise_text`` without generic words ('Kobe village')."""
    return " ".join(w for w in normalise_text(text).split() if w not in GENERIC_PLACE_WORDS)


def title_similarity(a: object, b: object) -> float:
    """Similarity of two titles in [0, 1] (difflib ratio of their normalised words)."""
    return _normalised_similarity(normalise_text(a), normalise_text(b))


def _normalised_similarity(left: str, right: str, at_least: float = 0.0) -> float:
    """``title_similarity`` of two normalised titles; 0.0 when it is surely below ``at_least``.

    difflib's quick ratios are upper bounds of its ratio, so a pair they put below the
    threshold is skipped without the costly exact comparison.
    """
    if not left or not right:
        return 0.0
    matcher = SequenceMatcher(None, left, right)
    if at_least and (matcher.real_quick_ratio() < at_least or matcher.quick_ratio() < at_least):
        return 0.0
    return matcher.ratio()


def _places_agree(a: str, b: str) -> bool:
    """Same place: equal, or one name's words run inside the other's ('outside gao', 'gao')."""
    if not a or not b:
        return False
    if a == b:
        return True
    short, long = sorted((a, b), key=len)
    return f" {short} " in f" {long} "


def _spans(events: pd.DataFrame) -> pd.DataFrame:
    """First and last day of each event at its stated precision, and whether it is day-exact.

    The end defaults to the start. Rows whose dates cannot be read are dropped (their own rule
    reports them).
    """
    start = date_bound_columns(events["date_start"].astype("object"))
    end_text = events["date_end"] if "date_end" in events.columns else None
    end = date_bound_columns(
        end_text.astype("object") if end_text is not None else events["date_start"]
    )
    first = start["earliest"]
    last = end["latest"].fillna(start["latest"])
    day_exact = events["date_start"].astype("str").str.fullmatch(r"\d{4}-\d{2}-\d{2}")
    if end_text is not None:
        day_exact &= end_text.isna() | end_text.astype("str").str.fullmatch(r"\d{4}-\d{2}-\d{2}")
    out = pd.DataFrame(
        {"first": first, "last": last, "day_exact": day_exact.fillna(False).astype(bool)},
        index=events.index,
    )
    valid = start["valid"] & end["valid"] & out["first"].notna() & (out["last"] >= out["first"])
    return out[valid]


def _prepared(events: pd.DataFrame, id_column: str, kinds) -> pd.DataFrame:
    """The columns the matcher reads, normalised once per row (empty text counts as missing)."""
    frame = events.replace(r"^\s*$", pd.NA, regex=True)
    if kinds is not None and "kind" in frame.columns:
        frame = frame[frame["kind"].isin(kinds)]
    spans = _spans(frame)
    frame = frame.loc[spans.index]

    def column(name: str) -> pd.Series:
        if name in frame.columns:
            return frame[name]
        return pd.Series(pd.NA, index=frame.index, dtype="object")

    row = frame["row"] if "row" in frame.columns else pd.Series(frame.index + 2, index=frame.index)
    return pd.DataFrame(
        {
            "id": frame[id_column].astype("object"),
            "row": row,
            "country": column("country").map(lambda c: "" if pd.isna(c) else str(c).upper()),
            "admin1": column("admin1").map(normalise_place),
            "location": column("location").map(normalise_place),
            "title": column("title").map(normalise_text),
            "parent": column("parent_event").astype("object"),
            # first and last day as day numbers: the pair test does plain integer arithmetic
            "first_day": _day_numbers(spans["first"]),
            "last_day": _day_numbers(spans["last"]),
            "day_exact": spans["day_exact"],
        },
        index=frame.index,
    )


def _day_numbers(days: pd.Series) -> np.ndarray:
    """Days since 1970-01-01 of dates that are never missing (``_spans`` drops those)."""
    return days.to_numpy().astype("datetime64[D]").astype("int64")


def _pair(a: dict, b: dict, rules: MatchRules) -> dict | None:
    """A match of two events (records of ``_prepared``), or None.

    Same country, dates within the window, and a shared place (location, for events dated
    within a month; admin1 when a location is missing and both dates are exact days) or
    similar titles.
    """
    if not a["country"] or a["country"] != b["country"]:
        return None
    gap = max(a["first_day"] - b["last_day"], b["first_day"] - a["last_day"], 0)
    if gap > rules.window_days:
        return None
    long_span = max(a["last_day"] - a["first_day"], b["last_day"] - b["first_day"])
    same_location = _places_agree(a["location"], b["location"])
    place_counts = same_location and long_span <= LONGEST_PLACE_MATCH_DAYS
    # a region is a coarse place: it pairs events only when neither names a place of its own
    # that differs, and both are dated to the day (a month-dated event in a region would
    # otherwise pair with everything there that month)
    located_apart = bool(a["location"]) and bool(b["location"]) and not same_location
    same_admin1 = bool(a["admin1"]) and a["admin1"] == b["admin1"]
    admin1_counts = same_admin1 and not located_apart and a["day_exact"] and b["day_exact"]
    admin1_counts = admin1_counts and long_span <= LONGEST_PLACE_MATCH_DAYS
    # a pair that shares a place shows its exact similarity; any other needs it above the bar
    at_least = 0.0 if (place_counts or admin1_counts) else rules.title_similarity
    similarity = _normalised_similarity(a["title"], b["title"], at_least)
    similar = similarity >= rules.title_similarity
    if not (place_counts or admin1_counts or similar):
        return None
    reasons = [f"same country {a['country']}"]
    reasons.append(
        "dates overlap" if gap == 0 else f"dates {gap} day{'s' if gap != 1 else ''} apart"
    )
    if place_counts:
        reasons.append("same location")
    elif admin1_counts:
        reasons.append("same admin1")
    if similar:
        reasons.append(f"similar titles ({similarity:.2f})")
    return {
        "left_id": a["id"],
        "right_id": b["id"],
        "left_row": a["row"],
        "right_row": b["row"],
        "country": a["country"],
        "date_gap_days": gap,
        "same_location": same_location,
        "same_admin1": same_admin1,
        "title_similarity": round(similarity, 3),
        "reasons": ", ".join(reasons),
    }


def _candidate_pairs(left: pd.DataFrame, right: pd.DataFrame, window_days: int, same: bool):
    """Index pairs blocked by country and date window (sorted by first day, then swept)."""
    for country, lefts in left.groupby("country", sort=True):
        rights = right[right["country"] == country].sort_values("first_day", kind="stable")
        if rights.empty:
            continue
        firsts = rights["first_day"].to_numpy()
        lasts = rights["last_day"].to_numpy()
        labels = rights.index.to_numpy()
        stops = np.searchsorted(firsts, lefts["last_day"].to_numpy() + window_days, side="right")
        reaches = lefts["first_day"].to_numpy() - window_days
        for index, stop, reach in zip(lefts.index, stops, reaches, strict=True):
            for other in labels[:stop][lasts[:stop] >= reach]:
                if same and other <= index:
                    continue
                yield index, other


def _records(prepared: pd.DataFrame) -> dict:
    """Index label -> the row as a dict: the pair test reads plain values, not Series."""
    return dict(zip(prepared.index, prepared.to_dict("records"), strict=True))


def _ancestry(events: pd.DataFrame) -> dict[str, set[str]]:
    """Each event's ancestors by parent_event (an event within another is not its duplicate)."""
    parent = {i: p for i, p in zip(events["id"], events["parent"], strict=True) if pd.notna(p)}
    out: dict[str, set[str]] = {}
    for event_id in events["id"]:
        seen: set[str] = set()
        node = parent.get(event_id)
        while node is not None and node not in seen:
            seen.add(node)
            node = parent.get(node)
        out[event_id] = seen
    return out


def possible_duplicates(
    events: pd.DataFrame, rules: MatchRules = MatchRules(), kinds=DEFAULT_KINDS
) -> pd.DataFrame:
    """Pairs of events in one table that may be one incident recorded twice (MATCH_COLUMNS).

    ``events`` has the events.csv columns (as text or as loaded); a ``row`` column, when
    present, gives the editor line shown in messages. An event and its own ancestor or
    descendant (``parent_event``) are never a pair.
    """
    prepared = _prepared(events.reset_index(drop=True), "event_id", kinds)
    ancestry = _ancestry(prepared)
    records = _records(prepared)
    rows = []
    for i, j in _candidate_pairs(prepared, prepared, rules.window_days, same=True):
        a, b = records[i], records[j]
        if a["id"] == b["id"] or a["id"] in ancestry.get(b["id"], ()):
            continue
        if b["id"] in ancestry.get(a["id"], ()):
            continue
        found = _pair(a, b, rules)
        if found:
            rows.append(found)
    return pd.DataFrame(rows, columns=MATCH_COLUMNS)


def match_events(
    candidates: pd.DataFrame,
    events: pd.DataFrame,
    rules: MatchRules = MatchRules(),
    candidate_id: str = "event_id",
    kinds=None,
) -> pd.DataFrame:
    """Events of ``events`` that each candidate (an imported UCDP/ACLED event) may be.

    Both frames have the events.csv columns (title, date_start, date_end, country, admin1,
    location); ``candidate_id`` names the candidates' id column. One row per candidate pair,
    ``left_*`` the candidate and ``right_*`` the event, strongest first within a candidate.
    """
    left = _prepared(candidates.reset_index(drop=True), candidate_id, kinds)
    right = _prepared(events.reset_index(drop=True), "event_id", kinds)
    lefts, rights = _records(left), _records(right)
    rows = []
    for i, j in _candidate_pairs(left, right, rules.window_days, same=False):
        found = _pair(lefts[i], rights[j], rules)
        if found:
            rows.append(found | {"_order": i})
    out = pd.DataFrame(rows, columns=[*MATCH_COLUMNS, "_order"])
    out = out.sort_values(
        ["_order", "same_location", "title_similarity", "date_gap_days", "right_id"],
        ascending=[True, False, False, True, True],
        kind="stable",
    )
    return out.drop(columns="_order").reset_index(drop=True)


def duplicate_messages(pairs: pd.DataFrame) -> dict[str, list[str]]:
    """Event id -> one sentence per possible duplicate, naming the other event and its row."""
    out: dict[str, list[str]] = {}
    for pair in pairs.itertuples(index=False):
        for me, other, other_row in (
            (pair.left_id, pair.right_id, pair.right_row),
            (pair.right_id, pair.left_id, pair.left_row),
        ):
            out.setdefault(str(me), []).append(
                f"may be the same incident as {other} (row {other_row}): {pair.reasons}"
            )
    return out
