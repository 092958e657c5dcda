"""The data contract: the columns of every CSV in ``data/`` and loading them into typed frames.

Analysts edit these files by hand, so loading checks everything at once and reports every
problem together -- file, row, claim id, column and what was expected -- instead of stopping
at the first. casrec only ever reads ``data/``; nothing here writes to it.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from casrec import vocabulary
from casrec.quantities import lexicon_mapping, parse_distinct

SLUG_PATTERN = r"[a-z0-9][a-z0-9-]*"
MAX_ID_LENGTH = 100
DATE_PATTERN = r"\d{4}(-\d{2}(-\d{2})?)?"

SOURCE_TYPES = vocabulary.SOURCE_TYPES.codes
ACTOR_KINDS = vocabulary.ACTOR_KINDS.codes
EVENT_KINDS = vocabulary.EVENT_KINDS.codes
CLAIMANT_ROLES = vocabulary.CLAIMANT_ROLES.codes
PARTY_ROLES = vocabulary.PARTY_ROLES
METRICS = vocabulary.METRICS.codes
POPULATIONS = vocabulary.POPULATIONS.codes
CERTAINTIES = vocabulary.CERTAINTIES.codes
DEFAULT_CERTAINTY = vocabulary.DEFAULT_CERTAINTY


@dataclass(frozen=True)
class Column:
    """One column of the contract: whether it is required, and what its values must look like."""

    name: str
    required: bool
    kind: str = "text"  # text | slug | term | date | enum | ref | int
    choices: tuple[str, ...] = ()
    ref: tuple[str, str] | None = None  # (table, id column) a value must exist in
    description: str = ""


@dataclass(frozen=True)
class Table:
    """One CSV file of the contract."""

    name: str
    file: str
    id_column: str | None
    columns: tuple[Column, ...]

    @property
    def column_names(self) -> list[str]:
        """The contract's column names, in file order."""
        return [c.name for c in self.columns]


TABLES: dict[str, Table] = {
    "sources": Table(
        "sources",
        "sources.csv",
        "source_id",
        (
            Column("source_id", True, "slug", description="unique slug"),
            Column("publisher", True, description="e.g. Human Rights Watch"),
            Column("title", True),
            Column("url", False),
            Column("published", True, "date", description="publication date"),
            Column("source_type", True, "enum", SOURCE_TYPES),
            Column("notes", False),
        ),
    ),
    "actors": Table(
        "actors",
        "actors.csv",
        "actor_id",
        (
            Column("actor_id", True, "slug"),
            Column("name", True),
            Column("kind", True, "enum", ACTOR_KINDS),
        ),
    ),
    "events": Table(
        "events",
        "events.csv",
        "event_id",
        (
            Column("event_id", True, "slug"),
            Column("title", True),
            Column("kind", True, "enum", EVENT_KINDS),
            Column("date_start", True, "date"),
            Column("date_end", False, "date", description="defaults to date_start"),
            Column("country", True, "text", description="ISO 3166-1 alpha-3"),
            Column("admin1", False),
            Column("location", False),
            Column(
                "parent_event",
                False,
                "ref",
                ref=("events", "event_id"),
                description="the offensive an attack belongs to, the aggregate it falls within",
            ),
            Column("description", False),
        ),
    ),
    "claims": Table(
        "claims",
        "claims.csv",
        "claim_id",
        (
            Column("claim_id", True, "slug"),
            Column("event_id", True, "ref", ref=("events", "event_id")),
            Column("source_id", True, "ref", ref=("sources", "source_id")),
            Column("claimant", True, description="who asserts the figure"),
            Column("claimant_role", True, "enum", CLAIMANT_ROLES),
            Column("claimant_actor", False, "ref", ref=("actors", "actor_id")),
            Column("metric", True, "enum", METRICS),
            Column("population", True, "enum", POPULATIONS),
            Column("side", False, "ref", ref=("actors", "actor_id")),
            Column("group", False),
            Column("nationality", False),
            Column(
                "subgroup",
                False,
                "ref",
                ref=("subgroups", "term"),
                description="who among the population, a term of subgroups.csv (children, women)",
            ),
            Column("value", True, description="the figure as the source states it"),
            Column("as_of", False, "date"),
            Column(
                "certainty",
                False,
                "enum",
                CERTAINTIES,
                description=f"how firm the claimant says the figure is; empty: {DEFAULT_CERTAINTY}",
            ),
            Column("part_of", False, "ref", ref=("claims", "claim_id")),
            Column("supersedes", False, "ref", ref=("claims", "claim_id")),
            Column("evidence", True, description="verbatim excerpt, at most 30 words"),
            Column("notes", False),
        ),
    ),
    "lexicon": Table(
        "lexicon",
        "vague_quantities.csv",
        "term",
        (
            Column("term", True, description="lower-case vague phrase, e.g. dozens"),
            Column("low", True, "int"),
            Column("high", True, "int"),
            Column("notes", False),
        ),
    ),
    "subgroups": Table(
        "subgroups",
        "subgroups.csv",
        "term",
        (
            Column("term", True, "term", description="lower-case code, e.g. children, aid_workers"),
            Column("label", True, description="what a reviewer reads, e.g. children"),
            Column("description", False, description="who is counted, and the age or role cut"),
        ),
    ),
}

DATA_TABLES = ("sources", "actors", "events", "claims")
# Vocabularies analysts may extend, read beside the tables (lexicon and subgroups).
VOCABULARY_TABLES = ("lexicon", "subgroups")
TERM_PATTERN = r"[a-z][a-z0-9_]*"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one cell (or file) of the input."""

    file: str
    row: int | None  # line number in the file, header = 1; None for file-level problems
    record_id: str | None  # the row's id (claim_id, source_id, ...) when it has one
    column: str | None
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", row {self.row}"
        if self.record_id:
            where += f" ({self.record_id})"
        if self.column:
            where += f", column {self.column!r}"
        return f"{where}: {self.message}"


class DataError(Exception):
    """Input data that breaks the contract; carries every problem found, not just the first."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = list(problems)
        lines = [str(p) for p in self.problems]
        head = f"{len(lines)} problem(s) in the input data:"
        super().__init__("\n".join([head, *("  - " + line for line in lines)]))


@dataclass
class Dataset:
    """The four analyst-edited tables plus the vocabularies (lexicon, subgroups), typed."""

    sources: pd.DataFrame
    actors: pd.DataFrame
    events: pd.DataFrame
    claims: pd.DataFrame
    lexicon: pd.DataFrame
    subgroups: pd.DataFrame = field(default_factory=lambda: empty_table("subgroups"))
    data_dir: Path | None = None
    files: dict[str, Path] = field(default_factory=dict)


def empty_table(name: str) -> pd.DataFrame:
    """A contract table with its columns and no rows (text columns)."""
    return pd.DataFrame({c: pd.Series(dtype="str") for c in TABLES[name].column_names})


def date_bounds(text: str) -> tuple[pd.Timestamp, pd.Timestamp]:
    """First and last day covered by an ISO date at its stated precision (2025-02 -> Feb 1..28)."""
    if not re.fullmatch(DATE_PATTERN, text):
        raise ValueError(f"{text!r} is not an ISO date (YYYY, YYYY-MM or YYYY-MM-DD)")
    parts = text.split("-")
    if len(parts) == 1:
        first = pd.Timestamp(year=int(parts[0]), month=1, day=1)
        return first, pd.Timestamp(year=first.year, month=12, day=31)
    if len(parts) == 2:
        first = pd.Timestamp(year=int(parts[0]), month=int(parts[1]), day=1)
        return first, first + pd.offsets.MonthEnd(0)
    day = pd.Timestamp(year=int(parts[0]), month=int(parts[1]), day=int(parts[2]))
    return day, day


def record_lines(path: Path) -> list[int]:
    """The file line each record starts on (header = 1), as an editor numbers them.

    Blank lines are skipped and a quoted field may span lines, so a record's position is not
    its line. Raises ParserError naming the line when a record has more fields than the
    header (pandas would otherwise shift the columns silently).
    """
    lines: list[int] = []
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        header: list[str] | None = None
        start = 1
        for record in reader:
            if record:  # pandas skips only lines with nothing on them
                if header is None:
                    header = record
                else:
                    if len(record) > len(header):
                        raise pd.errors.ParserError(
                            f"line {start} has {len(record)} fields but the header has "
                            f"{len(header)} (a stray comma?)"
                        )
                    lines.append(start)
            start = reader.line_num + 1
    return lines


def line_of(frame: pd.DataFrame, position: int) -> int:
    """File line of the record at ``position`` (falls back to position + 2)."""
    lines = frame.attrs.get("lines")
    return lines[position] if lines and position < len(lines) else position + 2


def date_bound_columns(series: pd.Series) -> pd.DataFrame:
    """First and last day of each ISO date at its precision; NaT (and valid False) if unreadable."""
    cache: dict[str, tuple] = {}

    def bounds(text):
        if pd.isna(text):
            return (pd.NaT, pd.NaT, True)
        if text not in cache:
            try:
                cache[text] = (*date_bounds(text), True)
            except ValueError:  # bad format, or a day that does not exist (2025-02-30)
                cache[text] = (pd.NaT, pd.NaT, False)
        return cache[text]

    rows = [bounds(text) for text in series]
    return pd.DataFrame(
        {
            # arrays, not Series: a Series would be aligned on labels with ``series.index``
            "earliest": pd.to_datetime(pd.Series([r[0] for r in rows], dtype="object")).array,
            "latest": pd.to_datetime(pd.Series([r[1] for r in rows], dtype="object")).array,
            "valid": [r[2] for r in rows],
        },
        index=series.index,
    )


def _read_csv(path: Path) -> pd.DataFrame:
    """Read one contract CSV as text, empty cells as missing; never guess types."""
    lines = record_lines(path)
    frame = pd.read_csv(
        path,
        dtype=str,
        keep_default_na=False,
        na_values=[],
        encoding="utf-8",
        skip_blank_lines=True,
    )
    frame.columns = [str(c).strip() for c in frame.columns]
    frame.attrs["lines"] = lines
    for column in frame.columns:
        frame[column] = frame[column].str.strip().replace("", pd.NA)
    return frame


def _check_columns(table: Table, frame: pd.DataFrame, problems: list[Problem]) -> bool:
    """Unknown and missing columns; False when a required column is absent."""
    expected = table.column_names
    ok = True
    for column in frame.columns:
        if column not in expected:
            problems.append(
                Problem(
                    table.file,
                    1,
                    None,
                    column,
                    f"unknown column; expected only: {', '.join(expected)}",
                )
            )
    for column in table.columns:
        if column.name not in frame.columns:
            if column.required:
                ok = False
                problems.append(
                    Problem(table.file, 1, None, column.name, "required column is missing")
                )
            else:
                frame[column.name] = pd.Series(pd.NA, index=frame.index, dtype="str")
    return ok


def _check_values(table: Table, frame: pd.DataFrame, problems: list[Problem]) -> None:
    """Required values, slugs, dates, enums, integers and duplicate ids, row by row."""
    id_column = table.id_column
    ids = frame[id_column] if id_column in frame.columns else None
    for position, row in enumerate(frame.itertuples(index=False)):
        record = dict(zip(frame.columns, row, strict=True))
        line = line_of(frame, position)
        record_id = ids.iloc[position] if ids is not None else None
        record_id = None if pd.isna(record_id) else str(record_id)
        for column in table.columns:
            value = record.get(column.name)
            if value is None or pd.isna(value):
                if column.required:
                    problems.append(
                        Problem(table.file, line, record_id, column.name, "required value is empty")
                    )
                continue
            message = _value_problem(column, str(value))
            if message:
                problems.append(Problem(table.file, line, record_id, column.name, message))
    if ids is not None:
        duplicated = ids[ids.notna() & ids.duplicated(keep="first")]
        for position, value in duplicated.items():
            first = line_of(frame, int(ids[ids == value].index[0]))
            problems.append(
                Problem(
                    table.file,
                    line_of(frame, int(position)),
                    str(value),
                    id_column,
                    f"duplicate id {value!r} (first used on row {first}); ids must be unique",
                )
            )


def _is_vocabulary_ref(column: Column) -> bool:
    """Whether ``column`` holds terms of a vocabulary file (subgroup -> subgroups.csv)."""
    return column.kind == "ref" and column.ref is not None and column.ref[0] in VOCABULARY_TABLES


def _value_problem(column: Column, value: str) -> str | None:
    """What is wrong with one non-empty value, or None."""
    if _is_vocabulary_ref(column):
        if not re.fullmatch(TERM_PATTERN, value):
            return (
                f"{value!r} is not a vocabulary term (lower-case letters, digits and '_', "
                f"e.g. aid_workers) of {TABLES[column.ref[0]].file}"  # type: ignore[index]
            )
        return None
    if column.kind in ("slug", "ref") and not re.fullmatch(SLUG_PATTERN, value):
        return f"{value!r} is not a slug (lower-case letters, digits and '-', e.g. kobe-2025)"
    if column.kind in ("slug", "ref") and len(value) > MAX_ID_LENGTH:
        # ids become file names of report pages
        return (
            f"{value[:40]!r}... is {len(value)} characters long; ids have at most {MAX_ID_LENGTH}"
        )
    if column.kind == "term" and not re.fullmatch(TERM_PATTERN, value):
        return (
            f"{value!r} is not a vocabulary term (lower-case letters, digits and '_', "
            "e.g. aid_workers)"
        )
    if column.kind == "date":
        try:
            date_bounds(value)
        except ValueError:
            return f"{value!r} is not a valid ISO date (YYYY, YYYY-MM or YYYY-MM-DD)"
    if column.kind == "enum" and value not in column.choices:
        return f"{value!r} is not one of: {', '.join(column.choices)}"
    if column.kind == "int" and not re.fullmatch(r"\d+", value):
        return f"{value!r} is not a whole number"
    if column.name == "country" and not re.fullmatch(r"[A-Z]{3}", value):
        return f"{value!r} is not an ISO 3166-1 alpha-3 code (three capital letters, e.g. MLI)"
    return None


def _check_references(frames: dict[str, pd.DataFrame], problems: list[Problem]) -> None:
    """Dangling references between tables (claim -> event/source/actor, claim -> claim)."""
    for name in DATA_TABLES:
        table = TABLES[name]
        frame = frames.get(name)
        if frame is None:
            continue
        for column in table.columns:
            if column.kind != "ref" or column.ref is None or column.name not in frame.columns:
                continue
            target_table, target_column = column.ref
            target = frames.get(target_table)
            if target is None or target_column not in target.columns:
                continue
            known = set(target[target_column].dropna())
            values = frame[column.name]
            dangling = values.notna() & ~values.isin(known)
            hint = ""
            if _is_vocabulary_ref(column):
                hint = f" (known terms: {', '.join(sorted(known)) or 'none'}; add a row there)"
            for position in values[dangling].index:
                record_id = frame[table.id_column].iloc[position]
                problems.append(
                    Problem(
                        table.file,
                        line_of(frame, int(position)),
                        None if pd.isna(record_id) else str(record_id),
                        column.name,
                        f"{values.iloc[position]!r} does not exist in "
                        f"{TABLES[target_table].file} column {target_column!r}{hint}",
                    )
                )


def _check_claim_rules(claims: pd.DataFrame, problems: list[Problem]) -> None:
    """Rules within claims.csv: parties name their actor; no claim points at itself."""
    file = TABLES["claims"].file
    for position, row in claims.iterrows():
        line = line_of(claims, int(position))
        claim_id = row["claim_id"]
        if row["claimant_role"] in PARTY_ROLES and pd.isna(row["claimant_actor"]):
            problems.append(
                Problem(
                    file,
                    line,
                    claim_id,
                    "claimant_actor",
                    f"required when claimant_role is {row['claimant_role']!r} "
                    "(the actor_id of the party making the claim)",
                )
            )
        for column in ("part_of", "supersedes"):
            if pd.notna(row[column]) and row[column] == claim_id:
                problems.append(
                    Problem(file, line, claim_id, column, "a claim cannot refer to itself")
                )


def event_ancestors(events: pd.DataFrame) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """Each event's chain of parents (nearest first), and the events on a parent_event cycle.

    Dangling parents end a chain (they are their own problem); a cycle ("a within b within
    a") has no top, so its members are returned with the cycle instead of a chain.
    """
    parent: dict[str, str] = {}
    for event_id, target in zip(events["event_id"], events["parent_event"], strict=True):
        if pd.notna(event_id) and pd.notna(target) and event_id not in parent:
            parent[str(event_id)] = str(target)
    chains: dict[str, list[str]] = {}
    cycles: dict[str, list[str]] = {}
    for start in parent:
        chain: list[str] = []
        node = parent.get(start)
        seen = {start}
        while node is not None and node not in seen:
            chain.append(node)
            seen.add(node)
            node = parent.get(node)
        # came back to an event already on the path: a cycle when it is this one; an event
        # leading into someone else's cycle is not on it, and its chain stops there
        if node is not None and node == start:
            cycles[start] = [start, *chain]
        chains[start] = chain
    return chains, cycles


def cycle_text(cycle: list[str]) -> str:
    """'refers to itself' or 'cycle a -> b -> a'."""
    if len(cycle) == 1:
        return "refers to itself"
    return "cycle " + " -> ".join([*cycle, cycle[0]])


def _check_event_rules(events: pd.DataFrame, problems: list[Problem]) -> None:
    """An event cannot lie within itself, directly or through its parents."""
    _, cycles = event_ancestors(events)
    for position, event_id in enumerate(events["event_id"]):
        if pd.notna(event_id) and event_id in cycles:
            problems.append(
                Problem(
                    TABLES["events"].file,
                    line_of(events, position),
                    str(event_id),
                    "parent_event",
                    f"{cycle_text(cycles[event_id])}: an event cannot lie within itself",
                )
            )


def _check_claims_present(claims: pd.DataFrame, problems: list[Problem]) -> None:
    """A claims file with a header and no rows would give an empty report, not an error."""
    if claims.empty:
        problems.append(
            Problem(TABLES["claims"].file, None, None, None, "has a header but no claims")
        )


def _check_values_parse(
    claims: pd.DataFrame, lexicon: pd.DataFrame, problems: list[Problem]
) -> None:
    """Every value must read as a quantity; reported with the other problems, located."""
    # empty values are reported as empty required values, not as unreadable ones
    _, failed = parse_distinct(claims["value"].dropna(), lexicon_mapping(lexicon))
    for position, (claim_id, value) in enumerate(
        zip(claims["claim_id"], claims["value"], strict=True)
    ):
        if not pd.isna(value) and value in failed:
            problems.append(
                Problem(
                    TABLES["claims"].file,
                    line_of(claims, position),
                    None if pd.isna(claim_id) else str(claim_id),
                    "value",
                    str(failed[value]),
                )
            )


def _check_lexicon(lexicon: pd.DataFrame, problems: list[Problem]) -> None:
    """A vague term's interval must not be upside down (dozens = 24..99, not 99..24)."""
    for position, row in lexicon.iterrows():
        low, high = str(row["low"]), str(row["high"])
        if low.isdigit() and high.isdigit() and int(low) > int(high):
            problems.append(
                Problem(
                    TABLES["lexicon"].file,
                    line_of(lexicon, int(position)),
                    row["term"],
                    "high",
                    f"high {high} is below low {low}",
                )
            )


def _typed(table: Table, frame: pd.DataFrame) -> pd.DataFrame:
    """Cast to contract dtypes; reported text stays as written, parsed dates sit beside it."""
    frame = frame[table.column_names].copy()
    for column in table.columns:
        if column.kind == "int":
            frame[column.name] = frame[column.name].astype("int64")
        else:
            frame[column.name] = frame[column.name].astype("str")
        if column.kind == "date":
            bounds = date_bound_columns(frame[column.name])
            frame[f"{column.name}_earliest"] = bounds["earliest"]
            frame[f"{column.name}_latest"] = bounds["latest"]
    return frame.reset_index(drop=True)


def load_table(path: Path, table: Table, problems: list[Problem]) -> pd.DataFrame | None:
    """Read and check one file, appending its problems; None when it cannot be used at all."""
    if not path.exists():
        problems.append(Problem(table.file, None, None, None, f"file not found: {path}"))
        return None
    try:
        frame = _read_csv(path)
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as error:
        problems.append(
            Problem(table.file, None, None, None, f"cannot be read as UTF-8 CSV: {error}")
        )
        return None
    if not _check_columns(table, frame, problems):
        return None
    _check_values(table, frame, problems)
    return frame


def load_dataset(data_dir: str | Path) -> Dataset:
    """Load and check every table in ``data_dir``; raise DataError listing all problems."""
    data_dir = Path(data_dir)
    problems: list[Problem] = []
    frames: dict[str, pd.DataFrame] = {}
    files: dict[str, Path] = {}
    for name, table in TABLES.items():
        path = data_dir / table.file
        files[name] = path
        frame = load_table(path, table, problems)
        if frame is not None:
            frames[name] = frame
    _check_references(frames, problems)
    if "events" in frames:
        _check_event_rules(frames["events"], problems)
    if "claims" in frames:
        _check_claim_rules(frames["claims"], problems)
    if "lexicon" in frames:
        _check_lexicon(frames["lexicon"], problems)
    if "claims" in frames:
        _check_claims_present(frames["claims"], problems)
        if "lexicon" in frames and not any(p.file == TABLES["lexicon"].file for p in problems):
            _check_values_parse(frames["claims"], frames["lexicon"], problems)
    if problems:
        raise DataError(problems)
    typed = {name: _typed(TABLES[name], frame) for name, frame in frames.items()}
    typed["lexicon"]["term"] = typed["lexicon"]["term"].str.lower()
    return Dataset(
        sources=typed["sources"],
        actors=typed["actors"],
        events=typed["events"],
        claims=typed["claims"],
        lexicon=typed["lexicon"],
        subgroups=typed["subgroups"],
        data_dir=data_dir,
        files=files,
    )
