"""UCDP GED and ACLED files -> a drafts folder of sources, actors, events and claims.

Analysts reconcile their own sources against the field's two standard event datasets: UCDP's
best / low / high per event and ACLED's reported fatalities. An importer reads a file in its
published column layout, and writes draft rows for the analyst to review and paste: one
source for the file, the actors it names (matched to actors.csv where it can), one event per
row (flagged, never merged, when it is probably an incident already in events.csv) and the
claims. A GED row becomes one claim valued "BEST (LOW–HIGH)", the form casrec's grammar reads
as UCDP's estimate, with deaths_a, deaths_b, deaths_civilians (and deaths_unknown when
non-zero) as its breakdowns; an ACLED row's fatalities become one claim by ACLED with the
row's source and notes kept.
"""

from __future__ import annotations

import calendar
import csv
import datetime as dt
import functools
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from casrec.duplicates import DEFAULT_WINDOW_DAYS, MatchRules, match_events
from casrec.extract import ActorIndex, wordlist
from casrec.quantities import MAX_COUNT
from casrec.reading import (
    GZIP_SIGNATURE,
    OLE2_SIGNATURE,
    SAVE_AS_UTF8,
    UTF16_MARKS,
    ZIP_SIGNATURE,
    ReadError,
    cell_under_unnamed,
    decode,
    header_again_message,
    iter_records,
    named_width,
    separator_hint,
    shown,
)
from casrec.schema import TABLES
from casrec.vocabulary import ACTOR_KINDS

# The published layouts (UCDP GED 22.1 onwards, including the quarterly candidate files, and
# ACLED's export since 2023). Extra columns are allowed; missing ones are named.
GED_COLUMNS = wordlist(
    "id relid year active_year code_status type_of_violence conflict_dset_id conflict_new_id "
    "conflict_name dyad_dset_id dyad_new_id dyad_name side_a_dset_id side_a_new_id side_a "
    "side_b_dset_id side_b_new_id side_b number_of_sources source_article source_office "
    "source_date source_headline source_original where_prec where_coordinates "
    "where_description adm_1 adm_2 latitude longitude geom_wkt priogrid_gid country "
    "country_id region event_clarity date_prec date_start date_end deaths_a deaths_b "
    "deaths_civilians deaths_unknown best high low gwnoa gwnob"
)
ACLED_COLUMNS = wordlist(
    "event_id_cnty event_date year time_precision disorder_type event_type sub_event_type "
    "actor1 assoc_actor_1 inter1 actor2 assoc_actor_2 inter2 interaction civilian_targeting "
    "iso region country admin1 admin2 admin3 location latitude longitude geo_precision "
    "source source_scale notes fatalities tags timestamp"
)
# A GED row's deaths by side; UCDP's best is their sum.
GED_DEATH_COLUMNS = ("deaths_a", "deaths_b", "deaths_civilians", "deaths_unknown")
# The columns each importer reads: a file without one of them cannot be imported.
GED_REQUIRED = wordlist(
    "id type_of_violence conflict_name dyad_name side_a side_b source_article "
    "where_coordinates adm_1 country date_start date_end deaths_a deaths_b deaths_civilians "
    "deaths_unknown best high low"
)
# (sub_event_type is read when present: ACLED's files before 2019 have event_type alone)
ACLED_REQUIRED = wordlist(
    "event_id_cnty event_date event_type actor1 actor2 country admin1 location source notes "
    "fatalities"
)
ACLED_READS = [*ACLED_REQUIRED, "sub_event_type", "iso", "inter1", "inter2"]

# each layout's name in messages -> (its `casrec import` argument, the columns it needs)
_LAYOUTS = {"UCDP GED": ("ucdp-ged", GED_REQUIRED), "ACLED export": ("acled", ACLED_REQUIRED)}

UCDP = "Uppsala Conflict Data Program"
ACLED = "ACLED"
# UCDP's type_of_violence codes.
GED_VIOLENCE_TYPES = {
    "1": "state-based conflict",
    "2": "non-state conflict",
    "3": "one-sided violence",
}
# ACLED's actor-type codes (inter1 / inter2), numeric before 2023 and worded since.
ACLED_ACTOR_KINDS = {
    "1": "state", "state forces": "state",
    "2": "armed_group", "rebel group": "armed_group", "rebel groups": "armed_group",
    "3": "militia", "political militia": "militia", "political militias": "militia",
    "4": "militia", "identity militia": "militia", "identity militias": "militia",
    "5": "other", "rioters": "other", "6": "other", "protesters": "other",
    "8": "foreign_force", "external/other forces": "foreign_force",
}  # fmt: skip
# ACLED's civilians code: civilians are the population a claim counts, never an actor.
ACLED_CIVILIAN_CODES = frozenset({"7", "civilians"})
# Country names as UCDP writes them that differ from the ISO/CLDR English name.
COUNTRY_NAME_ALIASES = {
    "dr congo (zaire)": "COD", "dr congo": "COD", "congo": "COG", "ivory coast": "CIV",
    "russia (soviet union)": "RUS", "yemen (north yemen)": "YEM", "myanmar (burma)": "MMR",
    "cambodia (kampuchea)": "KHM", "serbia (yugoslavia)": "SRB", "bosnia-herzegovina": "BIH",
    "madagascar (malagasy)": "MDG", "zimbabwe (rhodesia)": "ZWE", "kingdom of eswatini": "SWZ",
    "united states of america": "USA", "united kingdom": "GBR", "iran": "IRN", "syria": "SYR",
    "laos": "LAO", "south sudan": "SSD", "sudan": "SDN", "palestine": "PSE", "turkey": "TUR",
}  # fmt: skip
# Possible-duplicate rule: same country, dates this many days apart at most, and a shared
# place or title (``casrec.duplicates``). Counts are never a matching feature.
DUPLICATE_MAX_DAYS = DEFAULT_WINDOW_DAYS


class ImportFileError(Exception):
    """A file that cannot be imported; the message names the file, row and column."""


@dataclass
class Drafts:
    """The four draft tables an import writes, each with a ``review`` column."""

    sources: pd.DataFrame
    actors: pd.DataFrame
    events: pd.DataFrame
    claims: pd.DataFrame
    # how the file was read when not as published (encoding, separator, date order): for the
    # terminal, not the drafts, which are the same however the file was saved
    notes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """One line for the terminal."""
        flagged = int((self.events["review"] != "").sum()) if len(self.events) else 0
        read = f" (file {'; '.join(self.notes)})" if self.notes else ""
        return (
            f"{len(self.events)} events ({flagged} to review), {len(self.claims)} claims, "
            f"{len(self.actors)} actors, {len(self.sources)} source{read}"
        )


# ---------------------------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------------------------

# Older names of published columns, as earlier releases wrote them (lower case): UCDP GED
# before 5.0 wrote its estimates best_est / low_est / high_est; ACLED before 2017 called the
# associated actors ally_actor_1 / ally_actor_2.
COLUMN_ALIASES = {
    "best_est": "best", "low_est": "low", "high_est": "high",
    "ally_actor_1": "assoc_actor_1", "ally_actor_2": "assoc_actor_2",
}  # fmt: skip
# Columns of earlier ACLED releases that are no longer published (known, so a header using
# them is still recognised as ACLED's): the country's Gleditsch-Ward number, the row number.
ACLED_OLDER_COLUMNS = wordlist("gwno data_id event_id_no_cnty iso3")
# The separators a header is tried with: commas as published; semicolons (Excel in locales
# that write decimal commas), tabs (Excel's "Unicode Text", .tsv) and vertical bars.
SEPARATORS = {",": "commas", ";": "semicolons", "\t": "tabs", "|": "vertical bars"}
SAVE_AS_CSV = "open it in Excel and use Save As > 'CSV UTF-8 (Comma delimited)'"


def column_key(name: str) -> str:
    """A header cell as the importers compare it: 'EVENT_DATE', ' Event date ' -> 'event_date'.

    Case, surrounding spaces and the separator between words (space, hyphen, dot) are not
    part of a column's name; an older published name reads as the current one.
    """
    key = re.sub(r"[\s.\-]+", "_", name.strip().strip("\ufeff\u200b").lower()).strip("_")
    return COLUMN_ALIASES.get(key, key)


@dataclass
class Table:
    """A dataset file read as text: the cells of the columns an importer reads, by column.

    ``cells[column][k]`` is the k-th row's cell (spaces around it dropped, line ends inside
    it written as line feeds), ``lines[k]`` the editor line where that row starts,
    ``columns`` the columns the file has (as ``column_key`` names them), ``notes`` how it was
    read when that was not as published (encoding, separator, archive, date order, HXL row),
    and ``renamed`` the older names read.
    """

    path: str
    columns: list[str]
    cells: dict[str, list[str]]
    lines: list[int]
    notes: list[str] = field(default_factory=list)
    renamed: dict[str, str] = field(default_factory=dict)  # written name -> published name
    day_first: bool | None = None  # the order of numeric dates (7/2/2025), when settled

    def __len__(self) -> int:
        return len(self.lines)

    def has(self, column: str) -> bool:
        """Whether the file has the column and the importer keeps its cells."""
        return column in self.cells


def _unpacked(path: Path, data: bytes) -> tuple[bytes, str, list[str]]:
    """The CSV bytes of a file as downloaded: a zip or gzip holding one CSV is opened.

    Returns the bytes, the name messages give the file, and notes. A spreadsheet workbook is
    refused with what to do: openpyxl, which reads .xlsx, is not among casrec's dependencies.
    """
    import gzip
    import zipfile

    if data.startswith(OLE2_SIGNATURE):
        raise ImportFileError(
            f"{path}: is an Excel 97-2003 workbook (.xls), not a CSV file; {SAVE_AS_CSV}"
        )
    if data.startswith(GZIP_SIGNATURE):
        try:
            return gzip.decompress(data), str(path), [f"unpacked from gzip ({path.name})"]
        except (OSError, EOFError) as error:
            raise ImportFileError(f"{path}: a damaged gzip file ({error})") from None
    if not data.startswith(ZIP_SIGNATURE):
        return data, str(path), []
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = [n for n in archive.namelist() if not n.endswith("/")]
            if "[Content_Types].xml" in names and any(n.startswith("xl/") for n in names):
                raise ImportFileError(
                    f"{path}: is an Excel workbook (.xlsx), not a CSV file; casrec imports "
                    f"CSV only (openpyxl, which reads workbooks, is not installed): {SAVE_AS_CSV}"
                )
            if "mimetype" in names and b"opendocument" in archive.read("mimetype"):
                raise ImportFileError(
                    f"{path}: is an OpenDocument spreadsheet (.ods), not a CSV file; in "
                    "LibreOffice use File > Save As > 'Text CSV' (UTF-8, comma)"
                )
            tables = [
                n for n in names
                if n.lower().endswith((".csv", ".tsv", ".txt")) and "__macosx" not in n.lower()
            ]  # fmt: skip
            if len(tables) != 1:
                listed = ", ".join(tables[:5] or names[:5]) + (", ..." if len(names) > 5 else "")
                raise ImportFileError(
                    f"{path}: a zip archive holding {len(tables) or 'no'} CSV file"
                    f"{'s' if len(tables) != 1 else ''} ({listed}); expected one: unzip it and "
                    "import the CSV file"
                )
            (member,) = tables
            return archive.read(member), f"{path}:{member}", [f"read {member} from {path.name}"]
    except zipfile.BadZipFile as error:
        raise ImportFileError(f"{path}: a damaged zip archive ({error})") from None


# one whole UTF-8 multi-byte character: in a file that is not UTF-8 throughout, a sign that
# it mixes encodings ('é’s' in Windows-1252, E9 92 73, is no such sequence)
_UTF8_SEQUENCE = re.compile(
    rb"(?:[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3})"
    rb"(?![\x80-\xbf])"
)


def decode_any(data: bytes) -> tuple[str, str | None]:
    """The text of a file in any encoding spreadsheets save, and a note unless it is UTF-8.

    UTF-8 (with or without byte-order marks); UTF-16 with its mark (Excel's "Unicode Text"),
    or without one when every other byte of the start is NUL; else Windows-1252 (Excel's
    plain "CSV", a superset of Latin-1 for the letters written). A file mixing UTF-8 and
    another encoding, or with bytes Windows-1252 does not define, is refused with the line and
    byte (``casrec.reading.decode``'s message): guessing would garble its names.
    """
    if data.startswith(UTF16_MARKS):
        return _utf16(data, "utf-16", "UTF-16 (Excel's 'Unicode Text')")
    head = data[:2000]
    if len(head) >= 4 and head.count(0) >= len(head) // 3:
        even_nul = head[0::2].count(0) > head[1::2].count(0)
        text, note = _utf16(
            data, "utf-16-be" if even_nul else "utf-16-le", "UTF-16 without its mark"
        )
        if re.search(r"[\x00-\x08\x0b\x0e-\x1f]", text[:2000]):
            raise ReadError(
                "is not a text file: it holds control bytes (a Stata, R, Parquet or other binary "
                "file?); export it as CSV"
            )
        return text, note
    try:
        return decode(data), None
    except ReadError as error:
        utf8_error = error
    if not _UTF8_SEQUENCE.search(data):
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            pass
        else:
            at = next(k for k, c in enumerate(text) if ord(c) > 127)
            line = text.count("\n", 0, at) + 1
            word = (
                re.search(r"\S*$", text[max(0, at - 30) : at + 1]).group()
                + re.match(r"[^\s,;\t\"]*", text[at + 1 : at + 30]).group()
            )
            return text, (
                f"not UTF-8: read as Windows-1252 (Excel's 'CSV'); check that accented names "
                f"read right (line {line}: {word!r})"
            )
    raise ReadError(
        utf8_error.message.replace("is not UTF-8", "is neither UTF-8 nor Windows-1252", 1)
        if _UTF8_SEQUENCE.search(data)
        else utf8_error.message,
        utf8_error.line,
    )


def _utf16(data: bytes, codec: str, name: str) -> tuple[str, str]:
    try:
        text = data.decode(codec)
    except UnicodeDecodeError as error:
        raise ReadError(
            f"is {name} but byte {error.start:,} cannot be read as UTF-16 (a file cut short?); "
            f"{SAVE_AS_UTF8}"
        ) from None
    return text.lstrip("\ufeff"), f"read as {name}"


def _first_line(text: str) -> str:
    """The header line: the first line with anything on it (any line end: LF, CRLF, CR)."""
    for line in io.StringIO(text[:1_000_000], newline=None):
        if line.strip():
            return line.rstrip("\n")
    return ""


def _separator(text: str, known: set[str]) -> str:
    """The separator under which the header names most of the layout's columns.

    Excel's 'sep=;' first line names it outright; otherwise each of ``SEPARATORS`` splits
    the header line, and the one that gives the most known column names wins (commas on a
    tie). A header naming none of them is read with commas, to be refused with what it lacks.
    """
    start = text.lstrip("\ufeff")[:6]
    if re.fullmatch(r"sep=[,;\t|]", start[:5]):
        return start[4]
    line = _first_line(text)
    best, best_score = ",", 0
    for separator in SEPARATORS:
        try:
            cells = next(csv.reader([line], delimiter=separator, skipinitialspace=True), [])
        except csv.Error:  # a header the csv module cannot read: refused when it is parsed
            continue
        score = sum(column_key(cell) in known for cell in cells)
        if score > best_score:
            best, best_score = separator, score
    return best


def read_layout(
    path: str | Path,
    required: Iterable[str],
    layout: str,
    known: Iterable[str] = (),
    reads: Iterable[str] | None = None,
) -> Table:
    """Read a dataset file as text, checking the columns the importer needs; lines kept.

    The file may be UTF-8 (with or without a byte-order mark), UTF-16 or Windows-1252
    (``decode_any``); separated by commas, semicolons, tabs or vertical bars (``_separator``:
    whichever names most of the layout's columns); a zip or gzip holding one CSV. Header names
    are compared as ``column_key`` writes them (any case, spaces around, older published
    names); columns the importer does not read are ignored. ``Table.lines`` holds each row's
    editor line, where its record starts: a quoted note over several lines counts them all.
    ``reads`` names the columns kept (default: ``required``).
    """
    shown_path = path = Path(path)
    if not path.exists():
        raise ImportFileError(f"{path}: file not found")
    if not path.is_file():
        raise ImportFileError(f"{path}: not a file")
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ImportFileError(f"{path}: cannot be read ({error.strerror})") from error
    data, shown_path, notes = _unpacked(path, data)
    required = list(required)
    known_keys = {*required, *known, *COLUMN_ALIASES.values()}
    article = _article(layout)
    try:
        text, note = decode_any(data)
        notes += [note] if note else []
        _refuse_other_formats(shown_path, text)
        separator = _separator(text, known_keys | set(COLUMN_ALIASES))
        records = iter_records(text, separator, skip_initial_space=True)
        first = next(records, None)
        if first is None or not any(cell.strip() for cell in first[1]):
            raise ImportFileError(
                f"{shown_path}: empty file; expected {article} {layout} CSV with a header row"
            )
        table = _read_rows(
            shown_path, first, records, required, layout, reads, separator, known_keys
        )
    except ReadError as error:
        raise ImportFileError(f"{shown_path}: {error.message}") from None
    if separator != ",":
        notes.append(f"separated by {SEPARATORS[separator]}")
    table.notes = notes + table.notes
    return table


def _article(layout: str) -> str:
    """'an' before 'ACLED export', 'a' before 'UCDP GED'."""
    return "an" if layout[:1] in "AEIO" else "a"


def _refuse_other_formats(path, text: str) -> None:
    """Refuse a web page or JSON saved under a .csv name, saying what it is."""
    start = text[:500].lstrip().lower()
    if start.startswith(("<!doctype html", "<html", "<?xml", "<head")):
        raise ImportFileError(
            f"{path}: is a web page (HTML or XML), not a CSV file: the download may have "
            "needed you to log in, or failed; download or export the file again"
        )
    if start.startswith(("{", "[{")):
        raise ImportFileError(
            f"{path}: is JSON (an API's answer?), not a CSV file; download or export the data "
            "as CSV"
        )


def _read_rows(shown_path, first, records, required, layout, reads, separator, known) -> Table:
    """The header checked, then each record, keeping the cells of the columns ``reads``.

    A column of the layout named twice is refused; a column it does not know is ignored, even
    repeated (a spreadsheet's own columns are not the dataset's).
    """
    article = _article(layout)
    header_line, written = first
    header = [cell.strip() for cell in written]
    # a spreadsheet that saved the file may append unnamed columns ("...,timestamp,,"): they
    # are dropped while they hold nothing, and a value under one is refused below
    full_width = len(header)
    header = header[: named_width(header)]
    where = f"{shown_path}, row {header_line} (header)"
    keys = [column_key(name) for name in header]
    hint = separator_hint(",".join(written)) if separator == "," else None
    if len(header) == 1 and hint:
        raise ImportFileError(
            f"{where}: the header is one column, {shown(header[0], 60)}, separated by {hint}, "
            f"and names none of the {layout} columns; expected the published column names"
        )
    seen: dict[str, int] = {}
    for position, key in enumerate(keys, start=1):
        if key in seen and key in known:
            first_name, name = header[seen[key] - 1], header[position - 1]
            same = f"{name!r}" if first_name == name else f"{first_name!r} and {name!r}"
            raise ImportFileError(
                f"{where}: column {key!r} appears twice ({same}, cells {seen[key]} and "
                f"{position}); a {layout} file names each column once"
            )
        seen.setdefault(key, position)
    missing = [column for column in required if column not in seen]
    if missing:
        import difflib

        hint = ""
        other = next(
            (f"{name}: import it with `casrec import {command}`"
             for name, (command, columns) in _LAYOUTS.items()
             if name != layout and set(columns) <= set(seen)),
            None,
        )  # fmt: skip
        if other is not None:  # the other dataset's file, given as this one
            hint = f"; it has the columns of {_article(other)} {other.replace(':', ' file:', 1)}"
        elif len(missing) <= 3:  # a few names written otherwise: the nearest the file has
            near = {c: difflib.get_close_matches(c, keys, n=1, cutoff=0.75) for c in missing}
            hints = [f"{header[keys.index(m[0])]!r} for {c!r}?" for c, m in near.items() if m]
            hint = f" (the file writes {', '.join(hints)})" if hints else ""
        raise ImportFileError(
            f"{where}: not {article} {layout} file in its published layout; "
            f"missing column(s): {', '.join(missing)}{hint}"
        )
    reads = list(dict.fromkeys(reads if reads is not None else required))
    kept = [(column, seen[column] - 1) for column in reads if column in seen]
    cells: dict[str, list[str]] = {column: [] for column, _ in kept}
    lines: list[int] = []
    width = len(header)
    previous: tuple[int, list[str]] | None = None
    hxl_line = 0
    for line, record in records:
        if previous is not None:
            _check_width(shown_path, *previous, width, full_width, last=False)
        previous = None
        stripped = [cell.strip() for cell in record]
        if not any(stripped):
            continue
        if stripped[:width] == header:
            raise ImportFileError(f"{shown_path}, {header_again_message(f'row {line}')}")
        if not lines and not hxl_line and _is_hxl_row(stripped):
            hxl_line = line  # HDX's copies of the datasets tag each column under the header
            continue
        if len(stripped) != width and (
            not (width < len(stripped) <= full_width) or cell_under_unnamed(stripped, width)
        ):
            previous = (line, record)  # refused once it is known whether it is the last
            continue
        for column, index in kept:
            cell = stripped[index]
            cells[column].append(cell.replace("\r\n", "\n").replace("\r", "\n") if "\r" in cell
                                 else cell)  # fmt: skip
        lines.append(line)
    if previous is not None:
        _check_width(shown_path, *previous, width, full_width, last=True)
    if not lines:
        raise ImportFileError(
            f"{shown_path}: a header but no rows; expected at least one {layout} row to import"
        )
    renamed = {
        name: key for name, key in zip(header, keys, strict=True)
        if re.sub(r"[\s.\-]+", "_", name.lower()) in COLUMN_ALIASES
    }  # fmt: skip
    table = Table(str(shown_path), list(seen), cells, lines, renamed=renamed)
    if hxl_line:
        table.notes.append(f"skipped row {hxl_line}, HXL hashtags (#date, #affected...)")
    return table


def _is_hxl_row(cells: list[str]) -> bool:
    """Whether a row is HXL hashtags ('#date+occurred', '#affected+killed'), not data."""
    filled = [cell for cell in cells if cell]
    return len(filled) >= 2 and all(re.fullmatch(r"#[a-z][a-z0-9_]*(?:\s*[+][\w_]+)*", c.lower())
                                    for c in filled)  # fmt: skip


def _check_width(path, line: int, record: list[str], width: int, full: int, last: bool) -> None:
    """Refuse a row that has not the header's number of fields, with the likely cause."""
    cells = [cell.strip() for cell in record]
    if width < len(cells) <= full:
        unnamed = cell_under_unnamed(cells, width)
        raise ImportFileError(
            f"{path}, row {line}, cell {unnamed}: {shown(cells[unnamed - 1])} is under "
            f"a column the header leaves unnamed; expected the {width} columns "
            "the header names"
        )
    raise ImportFileError(
        f"{path}, row {line}: {len(cells)} fields but the header has {width}"
        + _width_hint(record, width, last)
    )


def _width_hint(record: list[str], width: int, last: bool) -> str:
    """Why a row may have the wrong number of fields, for the message."""
    if len(record) > width:
        return " (a stray separator, or a value holding one that needs quotes?)"
    if any("\n" in cell for cell in record):
        return (
            " (a quote opened in this row and never closed would run it over several lines: "
            "check its quotes)"
        )
    return " (the file may be cut short: download or export it again)" if last else ""


def refuse_repeated_ids(table: Table, column: str, prefix: str) -> None:
    """Refuse a file that repeats an event id or leaves one empty, naming the rows.

    A dataset's id names one event: a repeat would draft two events under one event_id (and
    two claims under one claim_id), which the contract refuses. So would two ids that make
    the same event_id ``prefix-<id>`` as a slug (they differ only in case or punctuation, or
    after its 60th character). A row without an id could not be traced back to the dataset.
    """
    path = table.path
    first_line: dict[str, int] = {}
    drafted: dict[str, tuple[str, int]] = {}
    for value, line in zip(table.cells[column], table.lines, strict=True):
        if not value:
            raise ImportFileError(
                f"{path}, row {line}, column {column!r}: empty; expected the dataset's id of "
                "the event, which its draft event_id and claims are named after"
            )
        if value in first_line:
            raise ImportFileError(
                f"{path}, row {line}, column {column!r}: {value!r} repeats "
                f"row {first_line[value]}; each {column} names one event (remove the copy, "
                "or import the two files apart)"
            )
        first_line[value] = line
        event_id = slug(f"{prefix}-{value}")
        if event_id in drafted:
            other, other_line = drafted[event_id]
            raise ImportFileError(
                f"{path}, row {line}, column {column!r}: {shown(value)} and {shown(other)} "
                f"(row {other_line}) would both be drafted as event_id {event_id!r}; ids that "
                "differ only in case, punctuation or after 60 characters cannot be told apart "
                "in the contract: check them against the dataset"
            )
        drafted[event_id] = (value, line)


def _located(table: Table, position: int, record_id: str, *columns: str) -> str:
    """Where a message on one row points: the file, the row (id), the column or columns."""
    named = ", ".join(map(repr, columns))
    where = f"{table.path}, row {table.lines[position]} ({record_id})"
    return f"{where}, column{'s' if len(columns) > 1 else ''} {named}"


_WHOLE = re.compile(r"\d+")
# thousands grouped by commas ('1,200', as the datasets' English writes them) or by spaces
_GROUPED = re.compile(r"\d{1,3}(?:(,)\d{3})+|\d{1,3}(?:([ \u00a0\u202f])\d{3})+")
# a whole number a script wrote as a float ('12.0', '12.00'), never '1.000' (see below)
_FLOAT_WHOLE = re.compile(r"(\d+)[.,]0+")
_DOT_GROUPED = re.compile(r"\d{1,3}(?:\.\d{3})+")
_NEGATIVE = re.compile(r"[-\u2212]\s*\d+(?:[.,]\d+)?")
_DECIMAL = re.compile(r"\d*[.,]\d+")


def _count(table: Table, position: int, column: str, record_id: str) -> int:
    """A whole number of people from a cell, or a located error saying what was expected.

    Read: '12', '1,200', '1 200', '12.0'. Refused, each with why: an empty cell, a negative
    or decimal count, '1.000' (a thousand with a dot, or one with three decimals: which?) and a
    count above ``MAX_COUNT``. Digits are read as digits, never through a float.
    """
    cell = table.cells[column][position]
    why = ""
    count = None
    if _WHOLE.fullmatch(cell):
        count = int(cell)
    elif _GROUPED.fullmatch(cell):
        count = int(re.sub(r"[, \u00a0\u202f]", "", cell))
    elif (match := _FLOAT_WHOLE.fullmatch(cell)) and not _DOT_GROUPED.fullmatch(
        cell.replace(",", ".")
    ):
        count = int(match.group(1))
    elif not cell:
        why = "; the cell is empty (the datasets write 0 when no deaths are reported)"
    elif _NEGATIVE.fullmatch(cell):
        why = " (a count of people cannot be negative)"
    elif _DOT_GROUPED.fullmatch(cell.replace(",", ".")):
        why = (
            " (a thousands separator or decimals? write the count with digits only, "
            f"{cell.replace('.', '').replace(',', '')} or {re.split('[.,]', cell)[0]})"
        )
    elif _DECIMAL.fullmatch(cell):
        why = " (not a whole number)"
    if count is not None and count > MAX_COUNT:
        why, count = f" (more than {MAX_COUNT:,}: a typing error?)", None
    if count is None:
        raise ImportFileError(
            f"{_located(table, position, record_id, column)}: expected a whole "
            f"number of people, got {shown(cell)}{why}"
        )
    return count


_TIME = (
    r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:\s*[AaPp]\.?[Mm]\.?)?(?:Z|[+-]\d{2}:?\d{2})?)?"
)
# UCDP's dates, with or without the time it appends ('2025-02-07 00:00:00.000'), and ACLED's;
# '2025/02/07' as well (a year first is always followed by the month)
_ISO_DATE = re.compile(rf"(\d{{4}})([-/.])(\d{{1,2}})\2(\d{{1,2}}){_TIME}")
# ACLED's export: '07 February 2025', '7-Feb-2025', 'February 7, 2025'
_NAMED_DATE = re.compile(rf"(\d{{1,2}})[ \-]([A-Za-z]+)\.?,?[ \-](\d{{4}}){_TIME}")
_NAMED_FIRST_DATE = re.compile(rf"([A-Za-z]+)\.? (\d{{1,2}}),? (\d{{4}}){_TIME}")
# a spreadsheet's short date: '7/2/2025', '07.02.2025' (day or month first: see _day_first)
_NUMERIC_DATE = re.compile(rf"(\d{{1,2}})([/.\-])(\d{{1,2}})\2(\d{{2}}|\d{{4}}){_TIME}")
MONTHS = {
    name: number
    for number, full in enumerate(
        wordlist(
            "january february march april may june july august september october november "
            "december"
        ),
        start=1,
    )
    for name in (full, full[:3], "sept" if full == "september" else full)
}  # fmt: skip
_DATE_EXAMPLES = "such as 2025-02-07 or 07 February 2025"


def settle_day_order(
    table: Table, columns: Iterable[str], id_column: str, day_first: bool | None = None
) -> None:
    """Whether the file's numeric dates ('7/2/2025') put the day or the month first.

    A spreadsheet that opened a dataset and saved it again writes dates in its locale's short
    form, day or month first. The file settles which when one of its dates has a first number
    above 12 (day first: '25/12/2024') or a second one (month first: '12/25/2024'); a file
    showing both is refused, and one showing neither leaves each '7/2/2025' ambiguous (refused
    by ``_date``; '5/5/2025' reads either way). The order found is noted in ``table.notes``.
    ``day_first`` is the order the analyst states (``--date-order``) for a file that does not
    settle it; a file whose dates contradict it is refused.
    """
    found: dict[bool, tuple[int, str, str]] = {}
    for column in columns:
        for position, text in enumerate(table.cells[column]):
            match = _NUMERIC_DATE.fullmatch(text)
            if not match:
                continue
            first, second = int(match.group(1)), int(match.group(3))
            if first > 12 >= second:
                found.setdefault(True, (position, column, text))
            elif second > 12 >= first:
                found.setdefault(False, (position, column, text))
            if len(found) == 2:
                break
    if len(found) == 2:
        (p, _, t), (q, d, u) = sorted(found.values())
        ids = table.cells[id_column]
        raise ImportFileError(
            f"{_located(table, q, f'{id_column} {ids[q]}', d)}: {u!r} puts the "
            f"{'day' if found[True][2] == u else 'month'} first, but row {table.lines[p]} "
            f"writes {t!r} with the {'month' if found[True][2] == u else 'day'} first: the "
            f"file mixes two date orders; expected dates {_DATE_EXAMPLES}"
        )
    if found:
        ((settled, (position, column, text)),) = found.items()
        if day_first is not None and settled != day_first:
            ids = table.cells[id_column]
            raise ImportFileError(
                f"{_located(table, position, f'{id_column} {ids[position]}', column)}: "
                f"{text!r} puts the {'day' if settled else 'month'} first, but the date order "
                f"given is {'day' if day_first else 'month'} first; expected dates {_DATE_EXAMPLES}"
            )
        table.day_first = settled
        table.notes.append(
            f"{column} read {'day' if settled else 'month'} first, as row "
            f"{table.lines[position]} writes {text!r}"
        )
    elif day_first is not None:
        table.day_first = day_first
        table.notes.append(f"numeric dates read {'day' if day_first else 'month'} first, as given")


def _date(table: Table, position: int, column: str, record_id: str) -> str:
    """An ISO date from the forms UCDP, ACLED and spreadsheets write, or a located error.

    '2025-02-07' (a time after it is fine), '07 February 2025', '7-Feb-2025', 'February 7,
    2025'; '7/2/2025' when the file settles its order (``settle_day_order``).
    """
    text = table.cells[column][position]
    why = ""
    year = month = day = None
    if match := _ISO_DATE.fullmatch(text):
        year, month, day = (int(match.group(k)) for k in (1, 3, 4))
    elif (match := _NAMED_DATE.fullmatch(text)) and match.group(2).lower() in MONTHS:
        year, month, day = int(match.group(3)), MONTHS[match.group(2).lower()], int(match[1])
    elif (match := _NAMED_FIRST_DATE.fullmatch(text)) and match.group(1).lower() in MONTHS:
        year, month, day = int(match.group(3)), MONTHS[match.group(1).lower()], int(match[2])
    elif match := _NUMERIC_DATE.fullmatch(text):
        first, second, written_year = int(match.group(1)), int(match.group(3)), match.group(4)
        if len(written_year) == 2:
            why = f" (the year {written_year!r} could be 19{written_year} or 20{written_year})"
        elif table.day_first is not None or first == second:
            day, month = (first, second) if table.day_first in (True, None) else (second, first)
            year = int(written_year)
        else:
            readings = []
            for d, m in ((first, second), (second, first)):
                if 1 <= m <= 12 and 1 <= d <= calendar.monthrange(int(written_year), m)[1]:
                    readings.append(f"{d} {calendar.month_name[m]} {written_year}")
            why = (
                f" (it could be {' or '.join(readings)}, and no date in the file settles "
                "whether the day or the month comes first; write dates as 2025-02-07, e.g. by "
                "formatting the column as yyyy-mm-dd before saving)"
            )
    elif re.fullmatch(r"[1-9]\d{4}(?:\.0+)?", text):  # a spreadsheet's day number
        day_number = dt.date(1899, 12, 30) + dt.timedelta(days=int(float(text)))
        why = (
            f" (a spreadsheet's day number? {text} is {day_number} in Excel's calendar: format "
            "the column as yyyy-mm-dd before saving)"
        )
    try:
        if year is not None:
            return dt.date(year, month, day).isoformat()
    except ValueError:
        why = " (no such day)"
    raise ImportFileError(
        f"{_located(table, position, record_id, column)}: expected a date "
        f"{_DATE_EXAMPLES}, got {shown(text)}{why}"
    )


def slug(text: str) -> str:
    """A contract id from free text: lower case, hyphens, at most 60 characters."""
    text = re.sub(r"[^a-z0-9]+", "-", str(text).lower()).strip("-")
    return text[:60].rstrip("-") or "x"


def country_code(name: str) -> str | None:
    """ISO 3166-1 alpha-3 for a country name as UCDP or ACLED write it (None if unknown)."""
    low = name.strip().lower()
    if low in COUNTRY_NAME_ALIASES:
        return COUNTRY_NAME_ALIASES[low]
    return _country_names().get(re.sub(r"\s*\(.*\)$", "", low))


@functools.cache
def _country_names() -> dict[str, str]:
    """English country names -> alpha-3, from the CLDR data that Babel ships."""
    from babel import Locale
    from babel.core import get_global

    alpha3 = {}
    for code, targets in get_global("territory_aliases").items():
        if len(code) == 3 and code.isalpha() and len(targets) == 1:
            alpha3.setdefault(targets[0], code)
    names = {}
    for alpha2, name in Locale("en").territories.items():
        if alpha2 in alpha3:
            names[name.lower()] = alpha3[alpha2]
            names[re.sub(r"\s*\(.*\)$", "", name.lower())] = alpha3[alpha2]
    return names


@functools.cache
def numeric_country_code(number: str) -> str | None:
    """ISO 3166-1 alpha-3 for a numeric code (ACLED's ``iso`` column: 466 -> MLI)."""
    from babel.core import get_global

    aliases = get_global("territory_aliases")
    targets = aliases.get(str(number).strip().lstrip("0").zfill(3))
    if not targets:
        return None
    for code, alpha2 in aliases.items():
        if len(code) == 3 and code.isalpha() and alpha2 == [targets[0]]:
            return code
    return None


# ---------------------------------------------------------------------------------------------
# Matching events and actors to the project's own
# ---------------------------------------------------------------------------------------------


def possible_duplicates(
    event: dict[str, str], existing: pd.DataFrame, max_days: int = DUPLICATE_MAX_DAYS
) -> list[tuple[str, str]]:
    """Events in ``existing`` that are probably the same incident: (event_id, why).

    The project's one matcher (``casrec.duplicates.match_events``, also the possible-duplicate
    data-quality rule): same country, dates at most ``max_days`` apart at their precision, and
    a shared place or a very similar title. Never merges: callers flag the match for the
    analyst. Counts are not a feature (two reports of one attack disagree on them).
    """
    event = {**event, "event_id": event.get("event_id") or "draft"}
    columns = {column: [event.get(column, "")] for column in _MATCHED_COLUMNS}
    return _matches(columns, existing, max_days).get(event["event_id"], [])


_EVENT_EXTRA = ("possible_duplicate_of", "review")
# the columns of a draft event the matcher reads
_MATCHED_COLUMNS = ("event_id", "title", "date_start", "date_end", "country", "admin1", "location")


def _matches(
    events: dict[str, list[str]], existing: pd.DataFrame | None, max_days: int
) -> dict[str, list[tuple[str, str]]]:
    """Each draft event's possible duplicates in ``existing`` (event_id -> [(id, why)]).

    ``events`` holds the drafts column by column (at least ``_MATCHED_COLUMNS``).

    All drafts are matched at once: one call of the matcher for a file of any length.
    """
    if existing is None or existing.empty or not events["event_id"]:
        return {}
    # a draft is matched as it is (its kind is not read): only the columns the matcher reads
    candidates = pd.DataFrame({c: events[c] for c in _MATCHED_COLUMNS}, dtype="object")
    found = match_events(
        candidates, existing, MatchRules(window_days=max_days), kinds=("incident",)
    )
    rows = existing.drop_duplicates("event_id").set_index("event_id")
    out: dict[str, list[tuple[str, str]]] = {}
    for match in found.itertuples(index=False):
        row = rows.loc[match.right_id]
        reasons = []
        if match.same_location:
            reasons.append(f"same place ({row.get('location')})")
        elif match.same_admin1:
            reasons.append(f"same admin1 ({row.get('admin1')})")
        if "similar titles" in match.reasons:
            reasons.append("similar title")
        gap = int(match.date_gap_days)
        when = "same dates" if gap == 0 else f"{gap} day(s) apart"
        out.setdefault(str(match.left_id), []).append(
            (str(match.right_id), f"{when}, {', '.join(reasons)}")
        )
    return out


def _read_existing(data_dir: Path | None, table: str) -> pd.DataFrame | None:
    if data_dir is None:
        return None
    path = Path(data_dir) / TABLES[table].file
    if not path.exists():
        return None
    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as error:
        raise ImportFileError(f"{path}: cannot be read as UTF-8 CSV ({error})") from error


class _Actors:
    """Actors a file names, matched to actors.csv by name and alias, else drafted anew."""

    def __init__(self, existing: pd.DataFrame | None):
        self.existing = existing
        self.index = ActorIndex.from_frame(existing)
        self.names = (
            {
                str(n).lower(): str(i)
                for i, n in zip(existing["actor_id"], existing["name"], strict=True)
            }
            if existing is not None and {"actor_id", "name"} <= set(existing.columns)
            else {}
        )
        self.drafts: dict[str, dict[str, str]] = {}
        self._known: dict[str, str | None] = {}  # name -> the actor it names, once looked up

    def actor_for(
        self, name: str, kind: str | None, no_kind: str = "", where: str = ""
    ) -> str | None:
        """The actor_id for a dataset's actor name (None for civilians and unnamed sides).

        ``kind`` None: the dataset does not say which kind the actor is. It is drafted all the
        same, its kind left empty for the analyst to set (the loader refuses an empty kind, so
        it is never guessed) and ``no_kind`` (why, and where) in its review; a later row that
        does give the kind (at ``where``) fills it in.
        """
        name = name.strip()
        if not name or name.lower().startswith("civilians"):
            return None
        if name.lower() in self.names:
            return self.names[name.lower()]
        if name not in self._known:
            self._known[name] = self.index.actor_in(name)
        known = self._known[name]
        if known is not None and kind is not None and self.index.kind.get(known) == kind:
            return known
        actor_id = slug(re.sub(r"\(\d{4}-?\d*\)", "", name))
        draft = self.drafts.get(actor_id)
        if draft is None:
            review = "new actor: check it is not already in actors.csv under another name"
            if known is not None:
                review = f"new actor, or the existing {known!r}? (names overlap)"
            draft = self.drafts[actor_id] = {"actor_id": actor_id, "name": name,
                                             "kind": kind or "", "review": review}  # fmt: skip
            if kind is None:
                draft["review"] += f"; {no_kind}"
        elif not draft["kind"] and kind is not None:
            draft["kind"] = kind
            draft["review"] += f"; kind {kind!r} from {where}"
        return actor_id

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            list(self.drafts.values()), columns=[*TABLES["actors"].column_names, "review"]
        )


def _draft_columns(table: str, extra: Iterable[str] = ("review",)) -> list[str]:
    """The columns of a draft table: the contract's, then ``extra``."""
    columns = list(TABLES[table].column_names)
    if table == "claims":
        for column, after in (("subgroup", "nationality"), ("certainty", "supersedes")):
            if column not in columns:
                columns.insert(columns.index(after) + 1, column)
    if table == "events" and "parent_event" not in columns:
        columns.insert(columns.index("location") + 1, "parent_event")
    return columns + [c for c in extra if c not in columns]


class _Rows:
    """Draft rows of one table, kept column by column.

    A dict per row costs about 0.5 KB more than its values: for a file of 200,000 GED events
    and their 800,000 claims, most of the memory an import takes.
    """

    def __init__(self, table: str, extra: Iterable[str] = ("review",)):
        self.columns = _draft_columns(table, extra)
        self.cells: dict[str, list[str]] = {column: [] for column in self.columns}

    def append(self, row: dict[str, str]) -> None:
        """Add one row; a column it does not give is empty."""
        for column, cells in self.cells.items():
            cells.append(row.get(column, ""))

    def __len__(self) -> int:
        return len(self.cells[self.columns[0]])

    def frame(self) -> pd.DataFrame:
        """The rows as a DataFrame of text."""
        return pd.DataFrame(self.cells, columns=self.columns)


def _frame(rows: list[dict], table: str, extra: Iterable[str] = ("review",)) -> pd.DataFrame:
    drafted = _Rows(table, extra)
    for row in rows:
        drafted.append(row)
    return drafted.frame()


def _flag_duplicates(events: _Rows, existing: pd.DataFrame | None) -> None:
    found = _matches(events.cells, existing, DUPLICATE_MAX_DAYS)
    for position, event_id in enumerate(events.cells["event_id"]):
        matches = found.get(event_id)
        if matches:
            events.cells["possible_duplicate_of"][position] = ";".join(m[0] for m in matches)
            events.cells["review"][position] = (
                "possibly the same incident as "
                + "; ".join(f"{event_id} ({why})" for event_id, why in matches)
                + ": use that event_id in the claims instead of adding this event, or keep both"
            )


@dataclass
class _Import:
    """What both importers share: the file read, the project's data, and the drafts so far."""

    path: Path
    table: Table
    existing_events: pd.DataFrame | None
    actors: _Actors
    source_id: str
    absent: list[str]  # published columns the file does not carry
    events: _Rows = field(default_factory=lambda: _Rows("events", _EVENT_EXTRA))
    claims: _Rows = field(default_factory=lambda: _Rows("claims"))


def _start_import(
    path: str | Path,
    data_dir,
    source_id,
    layout: str,
    required,
    columns,
    prefixes: tuple,
    reads=None,
    known=(),
) -> _Import:
    """Read the file in its published layout and the project's events and actors beside it."""
    table = read_layout(path, required, layout, [*columns, *known], reads)
    data_dir = Path(data_dir) if data_dir else None
    stem = Path(path).stem
    named = stem.lower().startswith(prefixes)  # "ged251.csv" already says what it is
    return _Import(
        Path(path),
        table,
        _read_existing(data_dir, "events"),
        _Actors(_read_existing(data_dir, "actors")),
        source_id or slug(stem if named else f"{prefixes[0]}-{stem}"),
        [c for c in columns if c not in table.columns],
    )


def _finish_import(
    job: _Import, publisher: str, title: str, date_note: str, published: str | None, last: str
) -> Drafts:
    """The drafts: one source row for the file, the actors met, the events and the claims."""
    _flag_duplicates(job.events, job.existing_events)
    notes = "" if published else date_note  # the release date to set, when not given
    if job.absent:
        notes += f" Published columns absent from this file: {', '.join(job.absent)}."
    if job.table.renamed:
        older = ", ".join(f"{name} as {key}" for name, key in job.table.renamed.items())
        notes += f" Columns read under their older names: {older}."
    notes = notes.strip()
    sources = [{
        "source_id": job.source_id, "publisher": publisher, "title": title,
        "published": published or last[:7], "source_type": "research", "notes": notes,
        "review": "" if published else "published date to check",
    }]  # fmt: skip
    return Drafts(
        _frame(sources, "sources"),
        job.actors.frame(),
        job.events.frame(),
        job.claims.frame(),
        job.table.notes,
    )


# ---------------------------------------------------------------------------------------------
# UCDP GED
# ---------------------------------------------------------------------------------------------


def _side_population(kind: str) -> str:
    return {"state": "security_forces", "foreign_force": "security_forces", "un": "peacekeepers",
            "militia": "combatants"}.get(kind, "militants")  # fmt: skip


def _ged_kind(name: str) -> str | None:
    if name.lower().startswith("civilians"):
        return None
    return "state" if name.lower().startswith("government of") else "armed_group"


def import_ucdp_ged(
    path: str | Path,
    data_dir: str | Path | None = None,
    source_id: str | None = None,
    published: str | None = None,
    day_first: bool | None = None,
) -> Drafts:
    """Drafts from a UCDP GED CSV: one event and one estimate claim (with breakdowns) per row."""
    job = _start_import(
        path, data_dir, source_id, "UCDP GED", GED_REQUIRED, GED_COLUMNS, ("ucdp", "ged")
    )
    table, actors, source_id = job.table, job.actors, job.source_id
    refuse_repeated_ids(table, "id", "ucdp-ged")
    settle_day_order(table, ("date_start", "date_end"), "id", day_first)
    cells = table.cells
    events, claims = job.events, job.claims
    last_date = ""
    for position in range(len(table)):
        row = {column: values[position] for column, values in cells.items()}
        ged_id = row["id"]
        record = f"id {ged_id}"
        start = _date(table, position, "date_start", record)
        end = _date(table, position, "date_end", record)
        if end < start:
            raise ImportFileError(
                f"{_located(table, position, record, 'date_start', 'date_end')}: "
                f"expected date_end on or after date_start, got {start} and {end}"
            )
        last_date = max(last_date, end)
        best, low, high = (_count(table, position, c, record) for c in ("best", "low", "high"))
        if not low <= best <= high:
            raise ImportFileError(
                f"{_located(table, position, record, 'low', 'best', 'high')}: "
                f"expected low <= best <= high, got {low}, {best}, {high}"
            )
        deaths = [_count(table, position, c, record) for c in GED_DEATH_COLUMNS]
        if sum(deaths) != best:
            # UCDP's codebook: best is always the sum of the four; the breakdown claims drafted
            # from them would otherwise not add up to their whole
            raise ImportFileError(
                f"{_located(table, position, record, *GED_DEATH_COLUMNS)}"
                f": expected them to add up to best ({best}), as UCDP defines it; got "
                f"{' + '.join(map(str, deaths))} = {sum(deaths)}"
            )
        country = country_code(row["country"])
        event_id = slug(f"ucdp-ged-{ged_id}")
        review = "" if country else f"country {row['country']!r}: ISO 3166-1 alpha-3 code to set"
        events.append({
            "event_id": event_id,
            "title": f"{row['dyad_name']} at {row['where_coordinates']} ({start})",
            "kind": "incident",
            "date_start": start,
            "date_end": end if end != start else "",
            "country": country or "",
            "admin1": row["adm_1"],
            "location": row["where_coordinates"],
            "description": f"UCDP GED event {ged_id}: "
            f"{GED_VIOLENCE_TYPES.get(row['type_of_violence'], 'organised violence')}, "
            f"{row['conflict_name']}",
            "review": review,
        })  # fmt: skip
        value = str(best) if low == best == high else f"{best} ({low}–{high})"
        whole_id = f"{event_id}-ucdp-killed"
        claims.append({
            "claim_id": whole_id, "event_id": event_id, "source_id": source_id,
            "claimant": "UCDP", "claimant_role": "independent", "metric": "killed",
            "population": "all", "value": value,
            "evidence": f"UCDP GED event {ged_id}: best {best}, low {low}, high {high} deaths",
            "notes": f"UCDP's sources: {row['source_article']}"[:500],
            "review": "",
        })  # fmt: skip
        parts = [
            ("deaths_a", row["side_a"]), ("deaths_b", row["side_b"]),
            ("deaths_civilians", "Civilians"), ("deaths_unknown", ""),
        ]  # fmt: skip
        for (column, side_name), count in zip(parts, deaths, strict=True):
            if column == "deaths_unknown" and count == 0:
                continue
            if column in ("deaths_a", "deaths_b") and side_name.lower().startswith("civilians"):
                continue  # one-sided violence: the civilians killed are deaths_civilians
            kind = _ged_kind(side_name) if side_name else None
            side = actors.actor_for(side_name, kind) if kind else None
            population = (
                "civilians" if column == "deaths_civilians"
                else "unknown" if column == "deaths_unknown"
                else "civilians" if kind is None and side_name.lower().startswith("civilians")
                else _side_population(kind or "")
            )  # fmt: skip
            claims.append({
                "claim_id": f"{whole_id}-{column.replace('_', '-')}", "event_id": event_id,
                "source_id": source_id, "claimant": "UCDP", "claimant_role": "independent",
                "metric": "killed", "population": population, "side": side or "",
                "group": side_name or "unknown status", "value": str(count),
                "part_of": whole_id,
                "evidence": f"UCDP GED event {ged_id}: {column} {count} ({side_name or 'unknown'})",
                "review": "",
            })  # fmt: skip
    return _finish_import(
        job,
        UCDP,
        f"UCDP Georeferenced Event Dataset ({job.path.name})",
        "Release date not in the file: set published to the release's date.",
        published,
        last_date,
    )


# ---------------------------------------------------------------------------------------------
# ACLED
# ---------------------------------------------------------------------------------------------

_VAGUE_NOTE = re.compile(r"\b(dozens|several|scores|many|hundreds)\b", re.I)


def import_acled(
    path: str | Path,
    data_dir: str | Path | None = None,
    source_id: str | None = None,
    published: str | None = None,
    day_first: bool | None = None,
) -> Drafts:
    """Drafts from an ACLED export CSV: one event and one fatalities claim per row."""
    job = _start_import(
        path, data_dir, source_id, "ACLED export", ACLED_REQUIRED, ACLED_COLUMNS, ("acled",),
        ACLED_READS, ACLED_OLDER_COLUMNS,
    )  # fmt: skip
    table, actors, source_id = job.table, job.actors, job.source_id
    refuse_repeated_ids(table, "event_id_cnty", "acled")
    settle_day_order(table, ("event_date",), "event_id_cnty", day_first)
    cells = table.cells
    events, claims = job.events, job.claims
    last_date = ""
    for position in range(len(table)):
        row = {column: values[position] for column, values in cells.items()}
        acled_id = row["event_id_cnty"]
        record = f"event_id_cnty {acled_id}"
        day = _date(table, position, "event_date", record)
        last_date = max(last_date, day)
        fatalities = _count(table, position, "fatalities", record)
        country = (numeric_country_code(row["iso"]) if row.get("iso") else None) or country_code(
            row["country"]
        )
        if country is None and re.fullmatch(r"[A-Z]{3}\d+", acled_id):
            country = acled_id[:3]
        event_id = slug(f"acled-{acled_id}")
        kind_of_event = row.get("sub_event_type") or row["event_type"]
        events.append({
            "event_id": event_id,
            "title": f"{kind_of_event} at {row['location']} ({day})",
            "kind": "incident", "date_start": day, "country": country or "",
            "admin1": row["admin1"], "location": row["location"],
            "description": f"ACLED {acled_id}: {row['event_type']}; {row['notes']}"[:500],
            "review": "" if country else f"country {row['country']!r}: ISO alpha-3 code to set",
        })  # fmt: skip
        for column in ("actor1", "actor2"):
            inter = "inter1" if column == "actor1" else "inter2"
            _draft_acled_actor(table, position, record, column, inter, actors)
        claims.append({
            "claim_id": f"{event_id}-acled-killed", "event_id": event_id, "source_id": source_id,
            "claimant": "ACLED", "claimant_role": "independent", "metric": "killed",
            # ACLED's fatalities count everyone reported killed, attackers included
            "population": "all", "value": str(fatalities),
            "evidence": f"ACLED {acled_id}: {fatalities} reported fatalities",
            "notes": f"ACLED source: {row['source']}; notes: {row['notes']}"[:1000],
            "review": "the notes use a vague word: ACLED codes vague totals as a low fixed "
            "number (see its codebook), compare with the sources"
            if _VAGUE_NOTE.search(row["notes"])
            else "",
        })  # fmt: skip
    return _finish_import(
        job,
        ACLED,
        f"ACLED export ({job.path.name})",
        "Export date not in the file: set published to the date of the export.",
        published,
        last_date,
    )


def _draft_acled_actor(
    table: Table, position: int, record: str, column: str, inter: str, actors: _Actors
) -> None:
    """Match or draft the actor in ``column``, of the kind its ``inter`` code says.

    A code ACLED does not document (a new one, a typing error) or an empty one still drafts
    the actor: its kind is left to the analyst, with the row, column and code in its review.
    """
    name = table.cells[column][position]
    code = table.cells[inter][position] if table.has(inter) else ""
    code = re.sub(r"(?<=\d)\.0+$", "", code)  # '3.0': a spreadsheet's number for code 3
    if code.lower() in ACLED_CIVILIAN_CODES:
        return
    kind = ACLED_ACTOR_KINDS.get(code.lower())
    kinds = f"set kind to one of {', '.join(ACTOR_KINDS.codes)}"
    if not table.has(inter):
        where = f"{table.path}, column {inter!r}"
        no_kind = f"{table.path}: the file has no column {inter!r}: {kinds}"
    else:
        where = _located(table, position, record, inter)
        why = "is empty" if not code else "is not one of ACLED's documented actor codes"
        no_kind = f"{where}: the ACLED actor code {code!r} {why}: {kinds}"
    actors.actor_for(name, kind, no_kind, where)


IMPORTERS = {"ucdp-ged": import_ucdp_ged, "acled": import_acled}


def write_drafts_folder(drafts: Drafts, out: str | Path) -> list[Path]:
    """Write sources.csv, actors.csv, events.csv and claims.csv into ``out``.

    An earlier import the analyst may be editing is never overwritten.
    """
    out = Path(out)
    paths = [out / TABLES[name].file for name in ("sources", "actors", "events", "claims")]
    existing = [p for p in paths if p.exists()]
    if existing:
        raise ImportFileError(
            f"{existing[0]}: already exists; choose another --out folder (drafts are never "
            "overwritten)"
        )
    try:
        out.mkdir(parents=True, exist_ok=True)
        for path, table in zip(
            paths, (drafts.sources, drafts.actors, drafts.events, drafts.claims), strict=True
        ):
            table.to_csv(path, index=False, encoding="utf-8")
    except OSError as error:
        raise ImportFileError(f"{out}: cannot write the drafts ({error.strerror})") from error
    return paths


def import_dataset(
    dataset: str,
    path: str | Path,
    out: str | Path,
    data_dir: str | Path | None = None,
    source_id: str | None = None,
    published: str | None = None,
    day_first: bool | None = None,
) -> str:
    """Import one file into a drafts folder; return a one-line summary."""
    drafts = IMPORTERS[dataset](path, data_dir, source_id, published, day_first)
    write_drafts_folder(drafts, out)
    return f"wrote {drafts.summary()} to {out}"
