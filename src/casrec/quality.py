"""Data quality: the committed great-expectations suites, run over the raw CSVs and the output.

Analysts edit ``data/`` by hand, so before anyone trusts a number casrec says everything that
is wrong with it. The CSVs are read as text (not through ``load_dataset``, which refuses data
that breaks the contract) so every problem is reported at once. Value rules are built-in
expectations on the columns as written; cross-table and computed rules (references, dates
against each other, cycles, parsing, breakdown sums) are computed with pandas into boolean
``ok_*`` columns and validated as ordinary expectations, so every rule lands in one results
table. The suites in ``expectations/`` are committed JSON, loaded into an ephemeral context and
never regenerated. great_expectations is imported only where validation runs (it costs seconds).
"""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd

from casrec import vocabulary
from casrec.claims import KEY_COLUMNS, prepare_claims
from casrec.consistency import (
    component_checks,
    estimate_key,
    event_hierarchy_checks,
    subgroup_checks,
)
from casrec.duplicates import (
    DEFAULT_WINDOW_DAYS,
    MatchRules,
    duplicate_messages,
    possible_duplicates,
)
from casrec.quantities import lexicon_mapping, parse_distinct
from casrec.reconcile import DEFAULT_POLICY, OUTPUT_COLUMNS, reconcile

# schema's own reader and caster (_read_csv, _typed): validation sees the files exactly as
# load_dataset does, without its refusal to go on when something is wrong.
from casrec.schema import (
    DATA_TABLES,
    PARTY_ROLES,
    TABLES,
    VOCABULARY_TABLES,
    DataError,
    Dataset,
    Problem,
    Table,
    _read_csv,
    _typed,
    cycle_text,
    date_bound_columns,
    event_ancestors,
    line_of,
)
from casrec.vocabulary import normalise_claimants

# The suites live beside src/ in the project tree (the Makefile installs casrec editable).
EXPECTATIONS_DIR = Path(__file__).resolve().parents[2] / "expectations"
SUITES = (*DATA_TABLES, "reconciled")
SEVERITIES = vocabulary.SEVERITIES.codes
MAX_EVIDENCE_WORDS = 30
ROW = "row"  # line number in the CSV (header = 1), so a failure can be found in any editor
RECONCILED_ID = "key"
RESULT_COLUMNS = [
    "table",
    "rule",
    "expectation_type",
    "column",
    "severity",
    "passed",
    "n_failing",
    "failing_ids",
    "failing",
    "explanation",
]

# Each computed flag column -> the data column a failure is about (shown in the results).
FLAG_SUBJECTS = {
    "sources": {
        "ok_published_date": "published",
        "ok_published_not_future": "published",
        "ok_source_cited": "source_id",
    },
    "actors": {},
    "events": {
        "ok_date_start_date": "date_start",
        "ok_date_end_date": "date_end",
        "ok_dates_ordered": "date_end",
        "ok_dates_not_future": "date_start, date_end",
        "ok_event_has_claims": "event_id",
        "ok_parent_event_exists": "parent_event",
        "ok_parent_event_acyclic": "parent_event",
        "ok_not_possible_duplicate": "event_id",
    },
    "claims": {
        "ok_event_exists": "event_id",
        "ok_source_exists": "source_id",
        "ok_claimant_actor_exists": "claimant_actor",
        "ok_side_exists": "side",
        "ok_party_names_actor": "claimant_actor",
        "ok_as_of_date": "as_of",
        "ok_as_of_not_after_publication": "as_of",
        "ok_as_of_not_future": "as_of",
        "ok_as_of_not_before_event": "as_of",
        "ok_source_not_before_event": "source_id",
        "ok_subgroup_exists": "subgroup",
        "ok_value_parses": "value",
        "ok_evidence_length": "evidence",
        "ok_evidence_has_figure": "evidence",
        "ok_part_of_exists": "part_of",
        "ok_part_of_same_event": "part_of",
        "ok_part_of_acyclic": "part_of",
        "ok_supersedes_exists": "supersedes",
        "ok_supersedes_same_event": "supersedes",
        "ok_supersedes_acyclic": "supersedes",
        "ok_supersedes_same_claimant": "supersedes",
        "ok_supersedes_not_earlier": "supersedes",
        "ok_supersedes_same_key": "supersedes",
        "ok_breakdown_consistent": "part_of",
        "ok_breakdown_comparable": "part_of",
    },
    "reconciled": {
        "ok_best_claim_listed": "best_claim_id",
        "ok_subgroup_within_whole": "low",
        "ok_children_within_parent": "high",
    },
}


class SuiteError(RuntimeError):
    """A committed suite that cannot be used as it is (bad JSON, dropped expectation, bad meta)."""


@dataclass
class CheckedTable:
    """What one suite validates: the columns as read, the line number, and the computed flags."""

    name: str
    frame: pd.DataFrame  # validated by great_expectations
    why: pd.DataFrame  # per flag, the sentence explaining each failing row (same index)
    id_column: str


# --- reading ------------------------------------------------------------------------------


def read_raw(data_dir: str | Path) -> dict[str, pd.DataFrame]:
    """Every contract CSV as text (empty cells missing); DataError if a file cannot be read.

    Only unreadable files are errors here (missing, not UTF-8, not CSV): everything inside a
    readable file is for the rules to report.
    """
    data_dir = Path(data_dir)
    problems: list[Problem] = []
    frames: dict[str, pd.DataFrame] = {}
    for name in (*DATA_TABLES, *VOCABULARY_TABLES):
        table = TABLES[name]
        path = data_dir / table.file
        if not path.is_file():
            problems.append(Problem(table.file, None, None, None, f"file not found: {path}"))
            continue
        try:
            frame = _read_csv(path)
        except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as error:
            problems.append(
                Problem(table.file, None, None, None, f"cannot be read as UTF-8 CSV: {error}")
            )
            continue
        if not isinstance(frame.index, pd.RangeIndex):
            # pandas silently turns the extra leading fields into an index when every row has
            # more fields than the header: the columns no longer line up with their names
            problems.append(
                Problem(
                    table.file,
                    None,
                    None,
                    None,
                    "cannot be read as UTF-8 CSV: rows have more fields than the header",
                )
            )
            continue
        frames[name] = frame
    lexicon = frames.get("lexicon")
    if lexicon is not None:
        # values are read through the lexicon, so without its columns no vague value can be
        for column in ("term", "low", "high"):
            if column not in lexicon.columns:
                problems.append(
                    Problem(TABLES["lexicon"].file, 1, None, column, "required column is missing")
                )
    subgroups = frames.get("subgroups")
    if subgroups is not None and "term" not in subgroups.columns:
        # claims name subgroups by term: without it no subgroup can be checked
        problems.append(
            Problem(TABLES["subgroups"].file, 1, None, "term", "required column is missing")
        )
    if problems:
        raise DataError(problems)
    return frames


def _complete(table: Table, frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with every contract column (missing ones empty) and its CSV line number."""
    out = frame.copy()
    for column in table.column_names:
        if column not in out.columns:
            out[column] = pd.Series(pd.NA, index=out.index, dtype="str")
    out[ROW] = [line_of(frame, position) for position in range(len(frame))]
    return out


def _lexicon(frame: pd.DataFrame) -> pd.DataFrame:
    """Lexicon rows that load (whole-number bounds); a value needing a broken row fails to parse."""
    ok = (
        frame["term"].notna()
        & frame["low"].fillna("").str.fullmatch(r"\d+")
        & frame["high"].fillna("").str.fullmatch(r"\d+")
    )
    usable = _complete(TABLES["lexicon"], frame[ok]).drop(columns=ROW)
    typed = _typed(TABLES["lexicon"], usable)
    typed["term"] = typed["term"].str.lower()
    return typed


def _subgroups(frame: pd.DataFrame) -> pd.DataFrame:
    """Subgroup terms as loaded (rows without a term are left out; the loader names them)."""
    usable = _complete(TABLES["subgroups"], frame[frame["term"].notna()]).drop(columns=ROW)
    return _typed(TABLES["subgroups"], usable)


# --- flags --------------------------------------------------------------------------------


class _Flags:
    """Collects computed rules for one table: ok (bool) and why (text where not ok)."""

    def __init__(self, index: pd.Index):
        self.index = index
        self.ok: dict[str, pd.Series] = {}
        self.why: dict[str, pd.Series] = {}

    def fail_where(self, name: str, failing: pd.Series, why: pd.Series | str) -> None:
        """Record flag ``name``: rows where ``failing`` is True break the rule, for ``why``."""
        failing = failing.fillna(False).astype(bool).reindex(self.index, fill_value=False)
        if isinstance(why, str):
            why = pd.Series(why, index=self.index, dtype="object")
        self.ok[name] = ~failing
        self.why[name] = why.astype("object").reindex(self.index).where(failing)

    def frames(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        """The ok flags (bool columns) and the why texts, one column per flag."""
        ok = pd.DataFrame(self.ok, index=self.index)
        why = pd.DataFrame(self.why, index=self.index, dtype="object")
        return ok, why


def _text(series: pd.Series) -> pd.Series:
    """Python-style quoted text ('dead'), or 'empty' for a missing value.

    Messages are built as object columns throughout: where pyarrow is installed, pandas
    stores text as Arrow strings, which refuse to be added to object columns.
    """
    return series.map(lambda v: "empty" if pd.isna(v) else repr(str(v))).astype("object")


def _by_id(frame: pd.DataFrame, id_column: str) -> pd.DataFrame:
    """Rows indexed by id; with duplicate ids the first wins (the duplicate is its own rule)."""
    known = frame[frame[id_column].notna()]
    return known.drop_duplicates(id_column).set_index(id_column)


def _source_flags(sources: pd.DataFrame, claims: pd.DataFrame, run: pd.Timestamp) -> _Flags:
    """Computed rules of sources.csv: dates readable and not in the future; cited by a claim."""
    flags = _Flags(sources.index)
    published = date_bound_columns(sources["published"])
    flags.fail_where(
        "ok_published_date",
        ~published["valid"],
        _text(sources["published"]) + " is not a date (YYYY, YYYY-MM or YYYY-MM-DD)",
    )
    flags.fail_where(
        "ok_published_not_future",
        published["earliest"] > run,
        "published " + _text(sources["published"]) + f" is after the run date {run:%Y-%m-%d}",
    )
    _fail_unused(
        flags, "ok_source_cited", sources["source_id"], claims["source_id"], "cites this source"
    )
    return flags


def _fail_unused(flags: _Flags, name: str, ids: pd.Series, used: pd.Series, verb: str) -> None:
    """Rows whose id no claim refers to: a typo in an id or a forgotten row."""
    flags.fail_where(name, ids.notna() & ~ids.isin(set(used.dropna())), f"no claim {verb}")


def _event_flags(
    events: pd.DataFrame,
    claims: pd.DataFrame,
    run: pd.Timestamp,
    duplicate_rules: MatchRules | None = None,
) -> _Flags:
    """Computed rules of events.csv.

    Dates readable, ordered, not in the future; has claims; parent_event exists and has no
    cycle; possible duplicate incidents (a warning).
    """
    flags = _Flags(events.index)
    known = set(events["event_id"].dropna())
    parent = events["parent_event"]
    flags.fail_where(
        "ok_parent_event_exists",
        parent.notna() & ~parent.isin(known),
        "parent_event " + _text(parent) + " is not an event_id in events.csv",
    )
    _, cycles = event_ancestors(events)
    flags.fail_where(
        "ok_parent_event_acyclic",
        events["event_id"].isin(set(cycles)),
        events["event_id"].map(lambda i: cycle_text(cycles[i]) if i in cycles else ""),
    )
    pairs = possible_duplicates(events, duplicate_rules or MatchRules())
    messages = {k: "; ".join(v) for k, v in duplicate_messages(pairs).items()}
    flags.fail_where(
        "ok_not_possible_duplicate",
        events["event_id"].isin(set(messages)),
        events["event_id"].map(messages).astype("object"),
    )
    start, end = date_bound_columns(events["date_start"]), date_bound_columns(events["date_end"])
    not_a_date = " is not a date (YYYY, YYYY-MM or YYYY-MM-DD)"
    flags.fail_where(
        "ok_date_start_date", ~start["valid"], _text(events["date_start"]) + not_a_date
    )
    flags.fail_where("ok_date_end_date", ~end["valid"], _text(events["date_end"]) + not_a_date)
    # dates carry their precision: only an end wholly before the start is out of order
    flags.fail_where(
        "ok_dates_ordered",
        start["earliest"] > end["latest"],
        "date_end "
        + _text(events["date_end"])
        + " is before date_start "
        + _text(events["date_start"]),
    )
    future = (start["earliest"] > run) | (end["earliest"] > run)
    flags.fail_where(
        "ok_dates_not_future",
        future,
        "date_start "
        + _text(events["date_start"])
        + ", date_end "
        + _text(events["date_end"])
        + f": after the run date {run:%Y-%m-%d}",
    )
    _fail_unused(
        flags, "ok_event_has_claims", events["event_id"], claims["event_id"], "refers to this event"
    )
    return flags


def _cycles(ids: pd.Series, targets: pd.Series) -> dict[str, list[str]]:
    """Claims on a cycle of ``targets`` (each claim points to at most one other), with the cycle."""
    pointer: dict[str, str] = {}
    for claim_id, target in zip(ids, targets, strict=True):
        if pd.notna(claim_id) and pd.notna(target) and claim_id not in pointer:
            pointer[claim_id] = target
    done: set[str] = set()
    on_cycle: dict[str, list[str]] = {}
    for start in pointer:
        path: list[str] = []
        position: dict[str, int] = {}
        node: str | None = start
        while node is not None and node not in done and node not in position:
            position[node] = len(path)
            path.append(node)
            node = pointer.get(node)
        if node is not None and node in position:
            cycle = path[position[node] :]
            for member in cycle:
                on_cycle[member] = cycle
        done.update(path)
    return on_cycle


def _figure_words(text: str) -> str:
    """Lower-case text with one kind of space and dash, for finding a figure in its evidence."""
    text = text.replace("\u00a0", " ").replace("\u202f", " ").lower()
    text = re.sub(r"[–—‒−]", "-", text)
    return re.sub(r"\s+", " ", text).strip()


# Qualifier words a source may phrase differently from the value column ("over" vs "more than").
_QUALIFIER_WORDS = {
    "at", "least", "more", "than", "over", "about", "around", "some", "up", "to", "as", "many",
    "nearly", "almost", "approximately", "an", "estimated", "roughly", "no", "fewer", "less",
    "in", "excess", "of", "between", "and", "above", "upwards", "circa", "maximum", "minimum",
}  # fmt: skip


def _figure_in_evidence(value, evidence) -> bool:
    """Whether the evidence contains the figure: its text, else its numbers, else its words."""
    if pd.isna(value) or pd.isna(evidence):
        return True
    v, e = _figure_words(str(value)), _figure_words(str(evidence))
    if v in e:
        return True
    numbers = [n.replace(",", "") for n in re.findall(r"\d[\d,]*", v)]
    if numbers:
        found = {n.replace(",", "") for n in re.findall(r"\d[\d,]*", e)}
        return all(n in found for n in numbers)
    words = [w for w in re.findall(r"[a-z]+", v) if w not in _QUALIFIER_WORDS]
    return bool(words) and all(re.search(rf"\b{re.escape(w)}", e) for w in words)


def _parse_failures(values: pd.Series, lexicon: dict[str, tuple[int, int]]) -> pd.Series:
    """True where a non-empty value cannot be read (each distinct text parsed once)."""
    _, failed = parse_distinct(values.dropna(), lexicon)
    return values.isin(list(failed)) & values.notna()


def _claim_flags(
    claims: pd.DataFrame,
    sources: pd.DataFrame,
    events: pd.DataFrame,
    actors: pd.DataFrame,
    lexicon: dict[str, tuple[int, int]],
    findings: pd.DataFrame,
    run: pd.Timestamp,
    subgroup_terms: set[str] = frozenset(),  # type: ignore[assignment]
) -> _Flags:
    """Computed rules of claims.csv, one ok_* flag each.

    References, dates against sources and events, values, evidence, part_of / supersedes
    (existence, same event, cycles, revisions) and breakdown sums.
    """
    flags = _Flags(claims.index)
    c = claims
    published_bounds = _prefixed(date_bound_columns(sources["published"]), "pub_")
    start_bounds = _prefixed(date_bound_columns(events["date_start"]), "start_")
    src = _by_id(sources.assign(**published_bounds), "source_id")
    ev = _by_id(events.assign(**start_bounds), "event_id")
    actor_ids = set(actors["actor_id"].dropna())
    same = _by_id(c, "claim_id")

    def dangling(flag: str, column: str, known: set, file: str) -> None:
        failing = c[column].notna() & ~c[column].isin(known)
        flags.fail_where(flag, failing, column + " " + _text(c[column]) + f" is not in {file}")

    dangling("ok_event_exists", "event_id", set(ev.index), "events.csv")
    dangling("ok_source_exists", "source_id", set(src.index), "sources.csv")
    dangling("ok_claimant_actor_exists", "claimant_actor", actor_ids, "actors.csv")
    dangling("ok_side_exists", "side", actor_ids, "actors.csv")
    dangling("ok_subgroup_exists", "subgroup", subgroup_terms, "subgroups.csv")
    flags.fail_where(
        "ok_party_names_actor",
        c["claimant_role"].isin(PARTY_ROLES) & c["claimant_actor"].isna(),
        "claimant_role " + _text(c["claimant_role"]) + " needs the party's claimant_actor",
    )

    as_of = date_bound_columns(c["as_of"])
    flags.fail_where(
        "ok_as_of_date",
        ~as_of["valid"],
        _text(c["as_of"]) + " is not a date (YYYY, YYYY-MM or YYYY-MM-DD)",
    )
    published = c["source_id"].map(src["published"])
    published_latest = c["source_id"].map(src["pub_latest"])
    flags.fail_where(
        "ok_as_of_not_after_publication",
        as_of["earliest"] > published_latest,
        "as_of "
        + _text(c["as_of"])
        + " is after "
        + c["source_id"].astype("object")
        + " was published ("
        + _text(published)
        + ")",
    )
    flags.fail_where(
        "ok_as_of_not_future",
        as_of["earliest"] > run,
        "as_of " + _text(c["as_of"]) + f" is after the run date {run:%Y-%m-%d}",
    )
    event_start = c["event_id"].map(ev["date_start"])
    event_start_earliest = c["event_id"].map(ev["start_earliest"])
    flags.fail_where(
        "ok_as_of_not_before_event",
        as_of["latest"] < event_start_earliest,
        "as_of "
        + _text(c["as_of"])
        + " is before event "
        + c["event_id"].astype("object")
        + " began ("
        + _text(event_start)
        + ")",
    )
    flags.fail_where(
        "ok_source_not_before_event",
        published_latest < event_start_earliest,
        c["source_id"].astype("object")
        + " was published "
        + _text(published)
        + ", before event "
        + c["event_id"].astype("object")
        + " began ("
        + _text(event_start)
        + ")",
    )

    flags.fail_where(
        "ok_value_parses",
        _parse_failures(c["value"], lexicon),
        _text(c["value"])
        + " cannot be read as a figure (see METHODOLOGY.md and data/vague_quantities.csv)",
    )
    words = c["evidence"].fillna("").str.split().str.len()
    flags.fail_where(
        "ok_evidence_length",
        words > MAX_EVIDENCE_WORDS,
        words.astype("str") + f" words (at most {MAX_EVIDENCE_WORDS})",
    )
    has_figure = pd.Series(
        [_figure_in_evidence(v, e) for v, e in zip(c["value"], c["evidence"], strict=True)],
        index=c.index,
    )
    flags.fail_where(
        "ok_evidence_has_figure",
        ~has_figure,
        "value " + _text(c["value"]) + " is not found in the evidence",
    )

    for column in ("part_of", "supersedes"):
        target = c[column]
        exists = target.isin(set(same.index))
        flags.fail_where(
            f"ok_{column}_exists",
            target.notna() & ~exists,
            column + " " + _text(target) + " is not a claim_id in claims.csv",
        )
        target_event = target.map(same["event_id"])
        elsewhere = exists & target_event.notna() & c["event_id"].notna()
        elsewhere &= target_event != c["event_id"]
        rule = ""
        if column == "part_of":
            # a breakdown may point to a claim of an event its own event lies within
            chains, _ = event_ancestors(events)
            within = [
                t in chains.get(e, []) for e, t in zip(c["event_id"], target_event, strict=True)
            ]
            elsewhere &= ~pd.Series(within, index=c.index, dtype=bool)
            rule = " or of an event it lies within (parent_event)"
        flags.fail_where(
            f"ok_{column}_same_event",
            elsewhere,
            column
            + " "
            + _text(target)
            + " is a claim about "
            + _text(target_event)
            + ", not "
            + _text(c["event_id"])
            + rule,
        )
        cycles = _cycles(c["claim_id"], target)
        on_cycle = c["claim_id"].isin(set(cycles))
        cycle_text = c["claim_id"].map(
            lambda i, cyc=cycles: (
                "refers to itself"
                if len(cyc.get(i, [])) == 1
                else "cycle " + " -> ".join([*cyc.get(i, []), *cyc.get(i, [])[:1]])
            )
        )
        flags.fail_where(f"ok_{column}_acyclic", on_cycle, cycle_text)

    previous = c["supersedes"]
    known_previous = previous.isin(set(same.index))
    # a lookup into an empty table comes back float: cast before the text comparison
    prev_claimant = previous.map(same["claimant"]).astype("str")
    other_voice = (
        known_previous
        & c["claimant"].notna()
        & prev_claimant.notna()
        & (normalise_claimants(c["claimant"]) != normalise_claimants(prev_claimant))
    )
    flags.fail_where(
        "ok_supersedes_same_claimant",
        other_voice,
        "claimant "
        + _text(c["claimant"])
        + " revises a figure of "
        + _text(prev_claimant)
        + " ("
        + previous.astype("object")
        + ")",
    )
    prev_source = previous.map(same["source_id"])
    prev_published_earliest = prev_source.map(src["pub_earliest"])
    flags.fail_where(
        "ok_supersedes_not_earlier",
        known_previous & (published_latest < prev_published_earliest),
        c["source_id"].astype("object")
        + " published "
        + _text(published)
        + ", before "
        + previous.astype("object")
        + " in "
        + prev_source.astype("object")
        + " ("
        + _text(prev_source.map(src["published"]))
        + ")",
    )
    differences = pd.Series("", index=c.index, dtype="object")
    for column in KEY_COLUMNS[1:]:
        mine, theirs = c[column], previous.map(same[column])
        differs = known_previous & ~((mine == theirs).fillna(False) | (mine.isna() & theirs.isna()))
        text = column + " " + _text(mine) + " vs " + _text(theirs) + "; "
        differences = differences + text.where(differs, "")
    flags.fail_where(
        "ok_supersedes_same_key",
        differences != "",
        differences.str.rstrip("; ") + " in " + previous.astype("object"),
    )

    consistent_why, comparable_why = _breakdown_reasons(findings)
    flags.fail_where(
        "ok_breakdown_consistent",
        c["claim_id"].isin(set(consistent_why)),
        c["claim_id"].map(consistent_why),
    )
    flags.fail_where(
        "ok_breakdown_comparable",
        c["claim_id"].isin(set(comparable_why)),
        c["claim_id"].map(comparable_why),
    )
    return flags


def _prefixed(frame: pd.DataFrame, prefix: str) -> dict[str, pd.Series]:
    """Columns renamed with ``prefix``, for ``DataFrame.assign``."""
    return {prefix + column: frame[column] for column in frame.columns}


def _breakdown_reasons(findings: pd.DataFrame) -> tuple[dict[str, str], dict[str, str]]:
    """Whole claim id -> why its parts conflict with it; and -> why they cannot be compared."""
    conflicting: dict[str, list[str]] = {}
    incomparable: dict[str, list[str]] = {}
    for finding in findings.itertuples(index=False):
        whole = finding.claim_ids.split(";")[0]
        text = f"{finding.subject}: {finding.detail}"
        if finding.verdict == "conflicting":
            conflicting.setdefault(whole, []).append(text)
        elif finding.verdict == "incomparable":
            incomparable.setdefault(whole, []).append(text)
    return (
        {k: "; ".join(v) for k, v in conflicting.items()},
        {k: "; ".join(v) for k, v in incomparable.items()},
    )


# --- the usable part of broken data, for the computed rules and the reconciled output -------


def _valid_rows(table: Table, frame: pd.DataFrame) -> pd.Series:
    """Rows whose every contract value is usable (required present, enums, dates, unique id)."""
    ok = pd.Series(True, index=frame.index)
    for column in table.columns:
        values = frame[column.name]
        if column.required:
            ok &= values.notna()
        if column.kind == "enum":
            ok &= values.isna() | values.isin(column.choices)
        if column.kind == "date":
            ok &= date_bound_columns(values)["valid"]
    ids = frame[table.id_column]
    return ok & ids.notna() & ~ids.duplicated(keep=False)


def _prepared_claims(
    frames: dict[str, pd.DataFrame], lexicon: pd.DataFrame, subgroups: pd.DataFrame | None = None
) -> tuple[pd.DataFrame, int, Dataset]:
    """Prepared claims (see ``casrec.claims``) from the rows that load, and how many there are.

    Broken rows are left out so the computed rules and the reconciled output can still be
    checked; they are reported by their own rules.
    """
    usable = {name: frames[name][_valid_rows(TABLES[name], frames[name])] for name in DATA_TABLES}
    mapping = lexicon_mapping(lexicon)
    claims = usable["claims"]
    claims = claims[
        claims["event_id"].isin(set(usable["events"]["event_id"]))
        & claims["source_id"].isin(set(usable["sources"]["source_id"]))
        & ~_parse_failures(claims["value"], mapping)
    ]
    usable["claims"] = claims
    typed = {name: _typed(TABLES[name], frame.drop(columns=ROW)) for name, frame in usable.items()}
    extra = {} if subgroups is None else {"subgroups": subgroups}
    dataset = Dataset(lexicon=lexicon, **typed, **extra)
    return prepare_claims(dataset), len(claims), dataset


def reconciled_frame(output: pd.DataFrame, findings: pd.DataFrame | None = None) -> CheckedTable:
    """The reconciled output (reconciled.csv columns) with a key, line number and flags.

    ``findings`` are the checks between estimates (subgroups within their whole, child
    events within their parent); without them, subgroups are checked from ``output`` alone
    and child events (which need events.csv) are not checked.
    """
    if findings is None:
        findings = subgroup_checks(output) if len(output) else None
    frame = output.reset_index(drop=True).copy()
    frame[RECONCILED_ID] = frame.apply(estimate_key, axis=1).astype("object") if len(frame) else ""
    frame[ROW] = frame.index.to_numpy() + 2
    flags = _Flags(frame.index)
    for flag, check in (
        ("ok_subgroup_within_whole", "subgroup_subset"),
        ("ok_children_within_parent", "event_hierarchy"),
    ):
        why: dict[str, str] = {}
        if findings is not None and len(findings):
            failing = findings[
                (findings["check"] == check) & (findings["verdict"] == "conflicting")
            ]
            for item in failing.itertuples(index=False):
                keys = str(item.keys).split(";")
                # the subgroup is the row at fault; the parent is the row children exceed
                at_fault = keys[1] if check == "subgroup_subset" else keys[0]
                why[at_fault] = f"{item.subject}: {item.detail}"
        flags.fail_where(flag, frame[RECONCILED_ID].isin(set(why)), frame[RECONCILED_ID].map(why))
    listed = [
        pd.isna(best) or best in str(ids).split(";")
        for best, ids in zip(frame["best_claim_id"], frame["claim_ids"], strict=True)
    ]
    flags.fail_where(
        "ok_best_claim_listed",
        ~pd.Series(listed, index=frame.index, dtype=bool),
        "best_claim_id " + _text(frame["best_claim_id"]) + " is not among claim_ids",
    )
    ok, why = flags.frames()
    return CheckedTable("reconciled", pd.concat([frame, ok], axis=1), why, RECONCILED_ID)


def _run_timestamp(run_date: date | str | None) -> pd.Timestamp:
    """The run date as a midnight Timestamp (today when not given)."""
    return pd.Timestamp(run_date if run_date is not None else date.today()).normalize()


def check_tables(
    data_dir: str | Path,
    run_date: date | str | None = None,
    policy: str = DEFAULT_POLICY,
    duplicate_window_days: int = DEFAULT_WINDOW_DAYS,
) -> dict[str, CheckedTable]:
    """Read ``data_dir`` as text and compute every flag; one CheckedTable per suite.

    ``run_date`` (default today) is the date nothing may lie after. The reconciled output is
    computed under ``policy`` from the claims that load; ``duplicate_window_days`` is how far
    apart two events' dates may be to be named as possible duplicates. DataError if a file
    cannot be read.
    """
    run = _run_timestamp(run_date)
    raw = read_raw(data_dir)
    full = {name: _complete(TABLES[name], raw[name]) for name in DATA_TABLES}
    lexicon = _lexicon(raw["lexicon"])
    subgroups = _subgroups(_complete(TABLES["subgroups"], raw["subgroups"]))
    prepared, n_usable, usable = _prepared_claims(full, lexicon, subgroups)
    findings = component_checks(prepared) if n_usable else pd.DataFrame(columns=["claim_ids"])
    flags = {
        "sources": _source_flags(full["sources"], full["claims"], run),
        "actors": _Flags(full["actors"].index),
        "events": _event_flags(
            full["events"], full["claims"], run, MatchRules(window_days=duplicate_window_days)
        ),
        "claims": _claim_flags(
            full["claims"],
            full["sources"],
            full["events"],
            full["actors"],
            lexicon_mapping(lexicon),
            findings,
            run,
            set(subgroups["term"].dropna()),
        ),
    }
    checked: dict[str, CheckedTable] = {}
    for name in DATA_TABLES:
        table = TABLES[name]
        # a missing required column stays missing: its rules then report it instead of passing
        absent = [c.name for c in table.columns if c.required and c.name not in raw[name].columns]
        ok, why = flags[name].frames()
        frame = pd.concat([full[name].drop(columns=absent), ok], axis=1)
        checked[name] = CheckedTable(name, frame, why, table.id_column)
    estimate_findings = None
    if n_usable:
        result = reconcile(prepared, policy=policy)
        output = result.output()
        estimate_findings = pd.concat(
            [
                subgroup_checks(result.estimates),
                event_hierarchy_checks(result.estimates, usable.events, result.claims),
            ],
            ignore_index=True,
        )
    else:
        output = pd.DataFrame(columns=OUTPUT_COLUMNS)
    checked["reconciled"] = reconciled_frame(output, estimate_findings)
    return checked


# --- the suites ---------------------------------------------------------------------------


def load_suite(name: str, expectations_dir: str | Path | None = None) -> dict:
    """One committed suite as JSON, with every expectation's meta checked."""
    path = Path(expectations_dir or EXPECTATIONS_DIR) / f"{name}.json"
    try:
        spec = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        raise SuiteError(f"cannot read suite {path}: {error}") from error
    for position, expectation in enumerate(spec.get("expectations", [])):
        meta = expectation.get("meta", {})
        if meta.get("severity") not in SEVERITIES or not meta.get("rule"):
            raise SuiteError(
                f"{path}: expectation {position} needs meta severity (critical or warning) "
                "and a rule name"
            )
        if not meta.get("explanation"):
            raise SuiteError(f"{path}: expectation {position} ({meta['rule']}) has no explanation")
    return spec


def run_suites(
    checked: dict[str, CheckedTable], expectations_dir: str | Path | None = None
) -> pd.DataFrame:
    """Validate each CheckedTable against its committed suite; one tidy results table."""
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    # tqdm ignores TQDM_DISABLE here; without this, progress bars print to stderr (and HTML)
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    datasource = context.data_sources.add_pandas("casrec")
    rows: list[dict] = []
    for name, table in checked.items():
        spec = load_suite(name, expectations_dir)
        suite = context.suites.add(gx.ExpectationSuite(**copy.deepcopy(spec)))
        # GX logs and drops an expectation whose type it does not know; refuse to run without it
        if len(suite.expectations) != len(spec["expectations"]):
            raise SuiteError(
                f"suite {name}: {len(spec['expectations'])} expectations in the file but "
                f"{len(suite.expectations)} loaded (a misspelled type or argument?)"
            )
        batch = datasource.add_dataframe_asset(name).add_batch_definition_whole_dataframe("all")
        definition = context.validation_definitions.add(
            gx.ValidationDefinition(name=name, data=batch, suite=suite)
        )
        result = definition.run(
            batch_parameters={"dataframe": table.frame},
            result_format={"result_format": "COMPLETE", "unexpected_index_column_names": [ROW]},
        )
        order = {expectation.id: i for i, expectation in enumerate(suite.expectations)}
        outcomes = sorted(result.results, key=lambda r: order.get(r.expectation_config.id, 0))
        rows.extend(_result_row(table, outcome) for outcome in outcomes)
    results = pd.DataFrame(rows, columns=RESULT_COLUMNS)
    results["passed"] = results["passed"].astype(bool)
    results["n_failing"] = results["n_failing"].astype("Int64")
    return results


def validate(
    data_dir: str | Path,
    run_date: date | str | None = None,
    policy: str = DEFAULT_POLICY,
    expectations_dir: str | Path | None = None,
    duplicate_window_days: int = DEFAULT_WINDOW_DAYS,
) -> pd.DataFrame:
    """Run every suite over ``data_dir`` and its reconciled output; the tidy results table.

    Raises DataError when a file cannot be read at all; everything else is a result row.
    """
    checked = check_tables(data_dir, run_date, policy, duplicate_window_days)
    return run_suites(checked, expectations_dir)


def validate_reconciled(
    output: pd.DataFrame, expectations_dir: str | Path | None = None
) -> pd.DataFrame:
    """Run the reconciled suite alone over a reconciled table (e.g. a report's reconciled.csv)."""
    return run_suites({"reconciled": reconciled_frame(output)}, expectations_dir)


# --- results ------------------------------------------------------------------------------


def _value(value) -> str:
    """A cell for a failure message: quoted text, 'empty', or the number."""
    if isinstance(value, str):
        return repr(value)
    if pd.isna(value):
        return "empty"
    return str(value)


def _exception_message(info: dict) -> str | None:
    """The first exception GX caught while evaluating one expectation, if any."""
    if not info:
        return None
    if "raised_exception" in info:
        return info.get("exception_message") if info["raised_exception"] else None
    for detail in info.values():
        if isinstance(detail, dict) and detail.get("raised_exception"):
            return detail.get("exception_message")
    return None


def _result_row(table: CheckedTable, outcome) -> dict:
    """One tidy results row from one GX expectation result."""
    config = outcome.expectation_config
    kwargs = config.kwargs
    meta = config.meta or {}
    if "column" in kwargs:
        gx_column = kwargs["column"]
        column = FLAG_SUBJECTS.get(table.name, {}).get(gx_column, gx_column)
    elif "column_A" in kwargs:
        column = f"{kwargs['column_A']}, {kwargs['column_B']}"
    elif "column_list" in kwargs:
        column = ", ".join(kwargs["column_list"])
    else:
        column = None
    row = {
        "table": table.name,
        "rule": meta.get("rule"),
        "expectation_type": config.type,
        "column": column,
        "severity": meta.get("severity"),
        "passed": bool(outcome.success),
        "n_failing": 0,
        "failing_ids": [],
        "failing": [],
        "explanation": meta.get("explanation"),
    }
    error = _exception_message(outcome.exception_info)
    if error:
        named = [kwargs.get(k) for k in ("column", "column_A", "column_B") if kwargs.get(k)]
        absent = [name for name in named if name not in table.frame.columns]
        if absent:  # a required column missing from the file: its rules cannot pass
            error = f"column {absent[0]!r} is missing from the file"
        row.update(n_failing=None, failing=[f"not evaluated: {error}"], passed=False)
        return row
    result = outcome.result or {}
    if "details" in result and "mismatched" in result["details"]:
        mismatched = result["details"]["mismatched"]
        failing = [f"missing column {c!r}" for c in mismatched.get("missing", [])]
        failing += [f"unknown column {c!r}" for c in mismatched.get("unexpected", [])]
        row.update(n_failing=len(failing), failing=failing)
        return row
    rows = [entry[ROW] for entry in result.get("unexpected_index_list") or []]
    ids, failing = _describe(table, config.type, kwargs, rows)
    row.update(n_failing=int(result.get("unexpected_count", len(rows))), failing_ids=ids)
    row["failing"] = failing
    return row


def _describe(table: CheckedTable, kind: str, kwargs: dict, rows: list[int]):
    """Failing ids and 'id: offending value' texts for the failing CSV lines ``rows``."""
    frame = table.frame.set_index(ROW, drop=False)
    why = table.why.set_axis(table.frame[ROW].to_numpy())
    id_column = table.id_column

    def label(line: int) -> str:
        value = frame.at[line, id_column] if id_column in frame.columns else None
        return f"row {line}" if value is None or pd.isna(value) else str(value)

    labels = [label(line) for line in rows]
    ids = list(dict.fromkeys(labels))
    if kind == "expect_column_values_to_be_unique":
        column = kwargs["column"]
        groups: dict[str, list[int]] = {}
        for line in rows:
            groups.setdefault(frame.at[line, column], []).append(line)
        if column == id_column:
            texts = [f"{v!r} on rows {', '.join(map(str, ls))}" for v, ls in groups.items()]
        else:
            texts = [f"{v!r}: {', '.join(label(x) for x in ls)}" for v, ls in groups.items()]
        return ids, texts
    if "column_A" in kwargs:
        a, b = kwargs["column_A"], kwargs["column_B"]
        sign = "<" if kwargs.get("or_equal") else "<="
        texts = [
            f"{name}: {a} {_value(frame.at[line, a])} {sign} {b} {_value(frame.at[line, b])}"
            for name, line in zip(labels, rows, strict=True)
        ]
        return ids, texts
    column = kwargs.get("column")
    if column in why.columns:
        texts = [f"{n}: {why.at[line, column]}" for n, line in zip(labels, rows, strict=True)]
    else:
        texts = [
            f"{n}: {_value(frame.at[line, column])}" for n, line in zip(labels, rows, strict=True)
        ]
    return ids, texts


def has_critical_failure(results: pd.DataFrame) -> bool:
    """Whether any critical rule failed (the run must then fail)."""
    return bool(((results["severity"] == "critical") & ~results["passed"]).any())


def summary(results: pd.DataFrame) -> dict:
    """Counts for a status line: rules, passed, failed by severity, failing rows, ok."""
    failed = results[~results["passed"]]
    return {
        "rules": len(results),
        "passed": int(results["passed"].sum()),
        "failed": len(failed),
        "critical_failed": int((failed["severity"] == "critical").sum()),
        "warnings_failed": int((failed["severity"] == "warning").sum()),
        "failing_rows": int(failed["n_failing"].fillna(0).sum()),
        "ok": not has_critical_failure(results),
    }


def format_results(results: pd.DataFrame) -> str:
    """The results for a terminal: failing rules first with every failing row, then all rules."""
    counts = summary(results)
    lines = [
        f"{counts['rules']} rules: {counts['passed']} passed, {counts['failed']} failed "
        f"({counts['critical_failed']} critical, {counts['warnings_failed']} warning)"
    ]
    # failing critical rules first, then failing warnings, then the rest in suite order
    rank = (~results["passed"]).astype(int) * 2 + (results["severity"] == "critical").astype(int)
    rank = rank.where(~results["passed"], 0)
    order = results.assign(_rank=rank).sort_values("_rank", ascending=False, kind="stable")
    for item in order[~order["passed"]].itertuples(index=False):
        where = f"{item.table}.{item.rule}" + (f" ({item.column})" if pd.notna(item.column) else "")
        count = "" if pd.isna(item.n_failing) else f", {item.n_failing} failing"
        lines += ["", f"FAILED [{item.severity}] {where}{count}", f"  {item.explanation}"]
        lines += [f"    - {text}" for text in item.failing]
    table = order.drop(columns="_rank").assign(
        result=order["passed"].map({True: "ok", False: "FAILED"}),
        column=order["column"].fillna(""),
    )[["table", "rule", "column", "severity", "result", "n_failing"]]
    lines += ["", "All rules:", table.to_string(index=False)]
    return "\n".join(lines)


class CriticalDataQualityFailure(RuntimeError):
    """A critical data-quality rule failed: the numbers cannot be trusted as they are."""


def raise_for_critical(results: pd.DataFrame) -> None:
    """Stop (a notebook, a report run) when a critical rule failed, naming the rules."""
    failed = results[(results["severity"] == "critical") & ~results["passed"]]
    if failed.empty:
        return
    rules = "; ".join(
        f"{t}.{r} ({n} rows)"
        for t, r, n in zip(failed["table"], failed["rule"], failed["n_failing"], strict=True)
    )
    raise CriticalDataQualityFailure(f"critical data-quality failure: {rules}")
