"""The data contract: the columns of every CSV in ``data/`` and loading them into typed frames.

Analysts edit these files by hand, so loading checks everything at once and reports every
problem together -- file, row, claim id, column and what was expected -- instead of stopping
at the first. casrec only ever reads ``data/``; nothing here writes to it.
"""

from __future__ import annotations

import difflib
import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from casrec import resources, vocabulary
from casrec.quantities import lexicon_mapping
from casrec.reading import LINE, ReadError, read_text_table, shown

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
    kind: str = "text"  # text | slug | date | enum | ref | int
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


PROBLEM_COLUMNS = ["file", "row", "record_id", "column", "message", "rule", "severity"]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one cell (or file) of the input, and the rule it breaks."""

    file: str
    row: int | None  # line number in the file, header = 1; None for file-level problems
    record_id: str | None  # the row's id (claim_id, source_id, ...) when it has one
    column: str | None
    message: str
    rule: str | None = None  # the rule's name (casrec.rules), or a file-level check
    severity: str = "critical"

    def __str__(self) -> str:
        if self.rule == FILE_READABLE:  # the message names the line itself
            return self.file + (" " if self.message.startswith("is ") else ": ") + self.message
        where = self.file
        if self.row is not None:
            where += f", row {self.row}"
        if self.record_id:
            where += f" ({self.record_id})"
        if self.column:
            where += f", column {self.column!r}"
        return f"{where}: {self.message}"


def problem_frame(problems: Iterable[Problem] | pd.DataFrame) -> pd.DataFrame:
    """Problems as a table (one row each, PROBLEM_COLUMNS), the form kept for large inputs."""
    if isinstance(problems, pd.DataFrame):
        return problems.reset_index(drop=True)
    rows = [(p.file, p.row, p.record_id, p.column, p.message, p.rule, p.severity) for p in problems]
    frame = pd.DataFrame(rows, columns=PROBLEM_COLUMNS, dtype="object")
    frame["row"] = frame["row"].astype("Int64")
    return frame


def problems_of(frame: pd.DataFrame) -> list[Problem]:
    """The rows of a problem table as Problem objects."""
    return [
        Problem(
            file,
            None if pd.isna(row) else int(row),
            None if pd.isna(record_id) else str(record_id),
            None if pd.isna(column) else str(column),
            str(message),
            None if pd.isna(rule) else str(rule),
            str(severity),
        )
        for file, row, record_id, column, message, rule, severity in frame[
            PROBLEM_COLUMNS
        ].itertuples(index=False)
    ]


DEFAULT_MAX_PROBLEMS = 50  # problems listed in a message; the rest are counted per rule


def format_problems(problems: pd.DataFrame, limit: int | None = DEFAULT_MAX_PROBLEMS) -> list[str]:
    """Problem lines grouped by file and rule, about ``limit`` in all; the rest counted.

    Every rule that failed shows at least one row, so nothing is hidden behind the cap; a file
    of junk gives a message of a few dozen lines, not a million.
    """
    if problems.empty:
        return []
    groups = problems.groupby(["file", "rule"], sort=False, dropna=False)
    per_rule = len(problems) if limit is None else max(1, limit // max(groups.ngroups, 1))
    lines: list[str] = []
    for _, group in groups:
        listed = group.head(per_rule)
        lines += [str(p) for p in problems_of(listed)]
        if len(group) > len(listed):
            lines.append(f"... and {len(group) - len(listed):,} more rows with the same problem")
    return lines


def write_problems(problems: pd.DataFrame, path: str | Path) -> Path:
    """Every problem as CSV (PROBLEM_COLUMNS), for ``--problems-out``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    problems[PROBLEM_COLUMNS].to_csv(path, index=False, encoding="utf-8")
    return path


class DataError(Exception):
    """Input data that breaks the contract; carries every problem found, not just the first."""

    def __init__(self, problems: Iterable[Problem] | pd.DataFrame):
        self.frame = problem_frame(problems)
        super().__init__(self.format())

    def format(self, limit: int | None = DEFAULT_MAX_PROBLEMS) -> str:
        """The message: how many problems, then at most about ``limit`` of them by rule."""
        head = f"{len(self.frame):,} problem(s) in the input data:"
        return "\n".join([head, *("  - " + line for line in format_problems(self.frame, limit))])

    @property
    def problems(self) -> list[Problem]:
        """Every problem, in file and line order."""
        return problems_of(self.frame)


@dataclass
class Dataset:
    """The four analyst-edited tables plus the vague-quantity lexicon, typed and checked.

    The typed tables hold the rows that keep every critical contract rule (all rows, when the
    data loads without problems). ``raw`` keeps each file as read, every row, with its line
    (``row``), for the data-quality stage; ``problems`` everything the contract rules found.
    """

    sources: pd.DataFrame
    actors: pd.DataFrame
    events: pd.DataFrame
    claims: pd.DataFrame
    lexicon: pd.DataFrame
    subgroups: pd.DataFrame = field(default_factory=lambda: empty_table("subgroups"))
    data_dir: Path | None = None
    files: dict[str, Path] = field(default_factory=dict)
    raw: dict[str, pd.DataFrame] = field(default_factory=dict)
    present: dict[str, set[str]] = field(default_factory=dict)
    headers: dict[str, list[str]] = field(default_factory=dict)
    problems: pd.DataFrame = field(default_factory=lambda: problem_frame([]))
    checksums: dict[str, str] = field(default_factory=dict)
    # the contract rules' results over ``raw`` (casrec.rules.RuleResults per table), which the
    # data-quality stage reuses instead of evaluating the same rules again
    contract_results: dict[str, object] = field(default_factory=dict, repr=False)

    @property
    def critical_problems(self) -> pd.DataFrame:
        """The problems that stop loading (exit 2)."""
        return self.problems[self.problems["severity"] == "critical"]

    def unreadable(self) -> pd.DataFrame:
        """File-level problems: a file missing or not readable as CSV at all."""
        return self.problems[self.problems["rule"] == FILE_READABLE]


def empty_table(name: str) -> pd.DataFrame:
    """A contract table with its columns and no rows (text columns)."""
    return pd.DataFrame({c: pd.Series(dtype="str") for c in TABLES[name].column_names})


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


def iso_date(year: str | None, month: str | None = None, day: str | None = None) -> str | None:
    """An ISO date at the precision written ('2024', '2024-03', '2024-03-31'), or None.

    None without a year, or for no real month or day ('2024-02-30'); a day counts only with
    its month.
    """
    if year is None:
        return None
    iso = "-".join([year, *([f"{int(month):02d}"] if month else [])])
    if day is not None and month is not None:
        iso += f"-{int(day):02d}"
    try:
        date_bounds(iso)
    except ValueError:
        return None
    return iso


def date_bound_columns(series: pd.Series) -> pd.DataFrame:
    """First and last day of each ISO date at its precision; NaT (and valid False) if unreadable."""

    def bounds(text):
        if pd.isna(text):
            return (pd.NaT, pd.NaT, True)
        try:
            return (*date_bounds(text), True)
        except ValueError:  # bad format, or a day that does not exist (2025-02-30)
            return (pd.NaT, pd.NaT, False)

    # each distinct text is read once (a missing cell counts as one more distinct value)
    codes, distinct = pd.factorize(series, use_na_sentinel=False)
    rows = [bounds(text) for text in distinct]
    valid = np.array([r[2] for r in rows], dtype=bool)
    return pd.DataFrame(
        {
            # arrays, not Series: a Series would be aligned on labels with ``series.index``
            "earliest": pd.to_datetime(pd.Series([r[0] for r in rows], dtype="object")).array[
                codes
            ],
            "latest": pd.to_datetime(pd.Series([r[1] for r in rows], dtype="object")).array[codes],
            "valid": valid[codes],  # bool when empty too
        },
        index=series.index,
    )


FILE_READABLE = "file_readable"
COLUMNS_RULE = "columns_match_contract"
CLAIMS_PRESENT = "claims_present"
EMPTY_ROWS = "empty_rows_skipped"
SPACES = "no_surrounding_spaces"
MAX_SPACE_NOTES = 200  # cells with surrounding spaces named one by one per column


def read_inputs(data_dir: str | Path) -> dict[str, bytes | None]:
    """The bytes of every contract file in ``data_dir`` (None where a file is missing).

    The one place casrec reads ``data/``: checksums and parsing both use these bytes.
    """
    contents: dict[str, bytes | None] = {}
    for name, table in TABLES.items():
        path = resources.table_file(data_dir, table.file)  # vocabularies: packaged default
        try:
            contents[name] = path.read_bytes()
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            contents[name] = None
    return contents


def checksums_of(contents: dict[str, bytes | None]) -> dict[str, str]:
    """sha256 of each file that exists, keyed by file name (what a result was made from)."""
    return {
        TABLES[name].file: hashlib.sha256(data).hexdigest()
        for name, data in contents.items()
        if data is not None
    }


def _complete(table: Table, frame: pd.DataFrame) -> tuple[pd.DataFrame, list[Problem]]:
    """Values without surrounding spaces (empty cells missing), every contract column present.

    Casrec reads ``' kobe '`` as ``kobe``, as a spreadsheet user means it; a standard
    foreign-key check would not, so each such cell is reported as a warning.
    """
    out: dict[str, pd.Series] = {}
    padded: list[Problem] = []
    ids = frame[table.id_column] if table.id_column in frame.columns else None
    for column in table.column_names:
        if column not in frame.columns:
            out[column] = pd.Series(pd.NA, index=frame.index, dtype="str")
            continue
        values = frame[column]
        cells = values.tolist()
        spaced = [
            position
            for position, cell in enumerate(cells)
            if isinstance(cell, str) and cell != cell.strip()
        ]
        if spaced or "" in cells:  # most columns have neither: they are kept as read
            stripped = [(cell.strip() or None) if isinstance(cell, str) else None for cell in cells]
            values = pd.Series(stripped, index=frame.index, dtype="str")
        for position in spaced[:MAX_SPACE_NOTES]:
            record_id = ids.iat[position] if ids is not None else None
            record_id = None if pd.isna(record_id) else record_id.strip()
            padded.append(
                Problem(
                    table.file,
                    int(frame[LINE].iat[position]),
                    record_id or None,
                    column,
                    f"{shown(cells[position])} has spaces around it; read as "
                    f"{shown(cells[position].strip())}",
                    SPACES,
                    "warning",
                )
            )
        if len(spaced) > MAX_SPACE_NOTES:
            padded.append(
                Problem(
                    table.file,
                    None,
                    None,
                    column,
                    f"{len(spaced):,} cells have "
                    "spaces around their value; each is read without them",
                    SPACES,
                    "warning",
                )
            )
        out[column] = values.astype("str")
    out[LINE] = frame[LINE]
    return pd.DataFrame(out, index=frame.index), padded


# Columns casrec's drafts carry for the analyst (``casrec extract``, ``casrec import``), never
# data: each is deleted once its rows are checked.
DRAFT_COLUMNS = {
    "review": "what to check before the row is data",
    "span_start": "where the figure starts in the document",
    "span_end": "where the figure ends in the document",
    "possible_duplicate_of": "events.csv rows the imported event may repeat",
}


def _unknown_column(column: str, expected: list[str]) -> str:
    """Why a column is refused, and what it may have been meant to be."""
    message = f"unknown column; expected only: {', '.join(expected)}"
    if column in DRAFT_COLUMNS:
        return (
            f"{message}; {column!r} is a column of casrec's drafts ({DRAFT_COLUMNS[column]}): "
            "check each row, then delete the column"
        )
    close = difflib.get_close_matches(
        re.sub(r"[\s-]+", "_", column.strip().lower()), expected, n=1, cutoff=0.75
    )
    return f"{message}; did you mean {close[0]!r}?" if close else message


def _header_problems(table: Table, header: list[str]) -> list[Problem]:
    """Unknown columns, and required columns that are missing."""
    expected = table.column_names
    problems = [
        Problem(table.file, 1, None, column, _unknown_column(column, expected), COLUMNS_RULE)
        for column in header
        if column not in expected
    ]
    problems += [
        Problem(table.file, 1, None, c.name, "required column is missing", COLUMNS_RULE)
        for c in table.columns
        if c.required and c.name not in header
    ]
    return problems


def rule_problems(table: Table, frame: pd.DataFrame, results) -> pd.DataFrame:
    """One problem per failing row of each evaluated rule (``casrec.rules.RuleResults``)."""
    from casrec.rules import RULES

    severities = {r.name: (r.severity, r.column) for r in RULES if r.table == table.name}
    parts = []
    ids = frame[table.id_column] if table.id_column else pd.Series(pd.NA, index=frame.index)
    broken = results.why.columns[results.why.notna().to_numpy().any(axis=0)]
    for name in broken:  # one look over every rule's column, then only the rules that fail
        why = results.why[name]
        bad = why.notna()
        severity, column = severities[name]
        parts.append(
            pd.DataFrame(
                {
                    "file": table.file,
                    "row": frame.loc[bad, LINE].astype("Int64"),
                    "record_id": ids[bad].astype("object"),
                    "column": column,
                    "message": why[bad].astype("object"),
                    "rule": name,
                    "severity": severity,
                }
            )
        )
    if not parts:
        return problem_frame([])
    return pd.concat(parts, ignore_index=True)[PROBLEM_COLUMNS]


def load_dataset(
    data_dir: str | Path,
    collect: bool = False,
    contents: dict[str, bytes | None] | None = None,
) -> Dataset:
    """Load and check every table in ``data_dir``.

    By default raise DataError listing every critical problem. With ``collect`` return the
    dataset anyway, its problems listed and its typed tables holding the rows that load, so
    the data-quality stage can report everything at once. ``contents`` are the files' bytes
    when the caller has read them already (see ``read_inputs``).
    """
    from casrec import rules  # the rules import this module's contract

    data_dir = Path(data_dir)
    contents = read_inputs(data_dir) if contents is None else contents
    problems: list[Problem] = []
    frames: dict[str, pd.DataFrame] = {}
    present: dict[str, set[str]] = {}
    headers: dict[str, list[str]] = {}
    for name, table in TABLES.items():
        data = contents.get(name)
        empty, _ = _complete(table, pd.DataFrame({LINE: pd.Series([], dtype="int64")}))
        frames[name], present[name], headers[name] = empty, set(), []
        if data is None:
            where = (data_dir / table.file).resolve()
            problems.append(
                Problem(table.file, None, None, None, f"file not found: {where}", FILE_READABLE)
            )
            continue
        try:
            text = read_text_table(data)
        except ReadError as error:
            problems.append(
                Problem(table.file, error.line, None, None, error.message, FILE_READABLE)
            )
            continue
        problems += [
            Problem(table.file, line, None, None, note, EMPTY_ROWS, "warning")
            for line, note in text.notes
        ]
        problems += _header_problems(table, text.header)
        frames[name], padded = _complete(table, text.frame)
        problems += padded
        present[name] = set(text.header) & set(table.column_names)
        headers[name] = text.header
    ctx = rules.RuleContext(frames, present)
    results = {name: rules.evaluate(name, ctx, (rules.CONTRACT,)) for name in VOCABULARY_TABLES}
    usable = {
        name: _usable(TABLES[name], frames[name], present, results) for name in VOCABULARY_TABLES
    }
    subgroups = typed_frame(TABLES["subgroups"], frames["subgroups"][usable["subgroups"]])
    lexicon = typed_frame(TABLES["lexicon"], frames["lexicon"][usable["lexicon"]])
    lexicon["term"] = lexicon["term"].str.lower()
    ctx.lexicon = lexicon_mapping(lexicon)
    for name in DATA_TABLES:
        results[name] = rules.evaluate(name, ctx, (rules.CONTRACT,))
        usable[name] = _usable(TABLES[name], frames[name], present, results)
    if "claim_id" in present["claims"] and frames["claims"].empty:
        problems.append(
            Problem(
                TABLES["claims"].file,
                None,
                None,
                None,
                "has a header but no claims",
                CLAIMS_PRESENT,
            )
        )
    found = pd.concat(
        [problem_frame(problems)]
        + [rule_problems(TABLES[name], frames[name], results[name]) for name in TABLES],
        ignore_index=True,
    )
    found = _in_file_order(found)
    critical = found[found["severity"] == "critical"]
    if not collect and len(critical):
        raise DataError(critical)
    # claims about an event or from a source that did not load cannot be prepared
    claims = frames["claims"]
    usable["claims"] &= claims["event_id"].isin(
        set(frames["events"].loc[usable["events"], "event_id"])
    ) & claims["source_id"].isin(set(frames["sources"].loc[usable["sources"], "source_id"]))
    typed = {name: typed_frame(TABLES[name], frames[name][usable[name]]) for name in DATA_TABLES}
    return Dataset(
        lexicon=lexicon,
        subgroups=subgroups,
        data_dir=data_dir,
        files={name: resources.table_file(data_dir, table.file) for name, table in TABLES.items()},
        raw=frames,
        present=present,
        headers=headers,
        problems=found,
        checksums=checksums_of(contents),
        contract_results=results,
        **typed,
    )


def _usable(table: Table, frame: pd.DataFrame, present, results) -> pd.Series:
    """Rows that keep every critical contract rule, in a file with its required columns."""
    from casrec.rules import CRITICAL, RULES

    if any(c.required and c.name not in present[table.name] for c in table.columns):
        return pd.Series(False, index=frame.index)
    critical = [r.name for r in RULES if r.table == table.name and r.severity == CRITICAL]
    why = results[table.name].why
    columns = [c for c in critical if c in why.columns]
    return why[columns].isna().all(axis=1) if columns else pd.Series(True, index=frame.index)


def _in_file_order(problems: pd.DataFrame) -> pd.DataFrame:
    """Problems by file (contract order), then line, then column position in the contract."""
    files = {table.file: position for position, table in enumerate(TABLES.values())}
    columns = {
        (table.file, c.name): position
        for table in TABLES.values()
        for position, c in enumerate(table.columns)
    }
    # each (file, column) pair looked up once: a table over the distinct files and columns
    file_codes, file_names = pd.factorize(problems["file"])
    column_codes, column_names = pd.factorize(problems["column"])  # missing column: -1
    position = np.array(
        [[columns.get((f, c), -1) for c in column_names] + [-1] for f in file_names], dtype=int
    ).reshape(len(file_names), len(column_names) + 1)
    order = pd.DataFrame(
        {
            "file": problems["file"].map(files),
            "row": problems["row"].astype("Int64").fillna(0),
            "column": position[file_codes, column_codes],  # code -1: the last entry, -1
        }
    )
    ranked = order.sort_values(["file", "row", "column"], kind="stable").index
    return problems.loc[ranked].reset_index(drop=True)


def typed_frame(table: Table, frame: pd.DataFrame) -> pd.DataFrame:
    """Cast to contract dtypes; reported text stays as written, parsed dates sit beside it."""
    typed: dict[str, pd.Series] = {}
    dates: dict[str, pd.Series] = {}  # after the contract's columns, in their order
    for column in table.columns:
        values = frame[column.name].astype("int64" if column.kind == "int" else "str")
        typed[column.name] = values
        if column.kind == "date":
            bounds = date_bound_columns(values)
            dates[f"{column.name}_earliest"] = bounds["earliest"]
            dates[f"{column.name}_latest"] = bounds["latest"]
    # built at once: setting columns one by one into a copy cost more than the casts
    return pd.DataFrame({**typed, **dates}, index=frame.index).reset_index(drop=True)
