"""Reading one CSV file as a spreadsheet or a script saved it: bytes in, text records out.

Analysts save ``data/`` from Excel, LibreOffice and scripts, so the bytes may be UTF-8 with or
without a byte-order mark, Windows-1252 ("CSV (Comma delimited)"), semicolon-separated
(European Excel), or end in rows of bare commas. Each case either reads or becomes one
located sentence that says what to do; nothing here raises anything but ``ReadError``.
Values are kept as text, exactly as written apart from surrounding spaces (which are reported
by the rules, not dropped silently).
"""

from __future__ import annotations

import csv
import io
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field

import pandas as pd

# A cell may be as long as the file: the default limit (128 KB) makes the csv module raise.
csv.field_size_limit(sys.maxsize)

SAVE_AS_UTF8 = "in Excel, use Save As > 'CSV UTF-8 (Comma delimited)'"
LINE = "row"  # the column holding each record's first line in the file (header = 1)
# What a file that is not text starts with: a zip (also .xlsx, .docx, .ods), an Office
# 97-2003 file (.xls, .doc), a gzip archive.
ZIP_SIGNATURE = b"PK\x03\x04"
OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
GZIP_SIGNATURE = b"\x1f\x8b"
UTF16_MARKS = (b"\xff\xfe", b"\xfe\xff")  # the byte-order marks of UTF-16, little or big end


class ReadError(ValueError):
    """A file that cannot be read as a CSV at all; ``line`` names where, when known."""

    def __init__(self, message: str, line: int | None = None):
        self.message = message
        self.line = line
        super().__init__(message)


@dataclass
class TextTable:
    """One CSV file as text: the header, the records (one list per row), their lines, notes."""

    header: list[str]
    frame: pd.DataFrame  # one str column per header name, empty cells missing, plus LINE
    notes: list[tuple[int | None, str]] = field(default_factory=list)  # (line, what was done)


def decode(data: bytes) -> str:
    """The file's text; ReadError naming the line and byte when it is not UTF-8."""
    if data.startswith(UTF16_MARKS):
        raise ReadError(f"is UTF-16 (Excel's 'Unicode Text'), not UTF-8; {SAVE_AS_UTF8}")
    try:
        # a file saved twice by a tool that adds a byte-order mark may carry two of them
        return data.decode("utf-8-sig").lstrip("\ufeff")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        byte = data[error.start]
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        guess = ""
        try:
            sample = data[error.start : error.start + 1].decode("cp1252")
            guess = f" ({sample!r} in Windows-1252, which Excel's plain 'CSV' uses)"
        except UnicodeDecodeError:
            pass
        raise ReadError(
            f"is not UTF-8: line {line} has byte 0x{byte:02X} at character {column}{guess}; "
            f"{SAVE_AS_UTF8}",
            line,
        ) from None


def separator_hint(header_line: str) -> str | None:
    """Name the separator of a file that is not comma-separated, from its header line."""
    for name, char in (("semicolons", ";"), ("tabs", "\t"), ("vertical bars", "|")):
        if char in header_line and header_line.count(char) >= 1 and "," not in header_line:
            return name
    return None


def repeated_column(header: list[str]) -> tuple[str, int, int] | None:
    """The first column a header names twice, with both cell positions (from 1), or None."""
    seen: dict[str, int] = {}
    for position, name in enumerate(header, start=1):
        if name in seen:
            return name, seen[name], position
        seen[name] = position
    return None


_EXCEL_SEPARATOR_LINE = re.compile(r"sep=.?", re.DOTALL)


def numbered_records(text: str) -> list[tuple[int, list[str]]]:
    """Each CSV record of ``text`` with the editor line it starts on (the first line is 1).

    A quoted cell may span lines (a multi-line note), so a record's line is where it starts,
    not its position in the file; blank lines count as lines but are no record, nor is the
    "sep=," line Excel may put first. The one definition of a record's line for data files
    and imported datasets alike. A NUL byte or a record the csv module cannot read is a
    ReadError naming its line.
    """
    return list(iter_records(text))


def iter_records(
    text: str, separator: str = ",", skip_initial_space: bool = False
) -> Iterator[tuple[int, list[str]]]:
    """``numbered_records`` one by one, for any separator (an imported dataset's may be ';').

    ``skip_initial_space``: spaces after a separator are skipped, so ', "Gao, Mali"' is one
    quoted cell.
    """
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise ReadError(f"line {line} contains a NUL byte: this is not a text CSV file", line)
    reader = csv.reader(
        io.StringIO(text, newline=""), delimiter=separator, skipinitialspace=skip_initial_space
    )
    start, first = 1, True
    try:
        for record in reader:
            # Excel may open a file with a line naming its separator ("sep=,"): no record
            excel_hint = (
                first
                and len(record) <= 2
                and _EXCEL_SEPARATOR_LINE.fullmatch(separator.join(record))
            )
            if record and not excel_hint:  # a line with nothing on it is no record
                first = False
                yield start, record
            start = reader.line_num + 1
    except csv.Error as error:  # e.g. a quote that is never closed
        raise ReadError(f"line {start} cannot be read as CSV: {error}", start) from None


def repeats_header(record: list[str], header: list[str]) -> bool:
    """Whether a row is the header again: two files (or exports) joined into one."""
    return [cell.strip() for cell in record[: len(header)]] == header


def header_again_message(where: str) -> str:
    """What a row repeating the header is, and what to do; ``where`` names the row."""
    return (
        f"{where} repeats the header row (two files joined into one?); delete that line, or "
        "read the files one by one"
    )


def named_width(header: list[str]) -> int:
    """How many of the header's cells name a column: a spreadsheet may append unnamed ones."""
    width = len(header)
    while width and not header[width - 1].strip():
        width -= 1
    return width


def cell_under_unnamed(record: list[str], width: int) -> int | None:
    """The first cell (from 1) past the ``width`` named columns that holds a value, or None."""
    return next((k + 1 for k in range(width, len(record)) if record[k].strip()), None)


def read_text_table(data: bytes) -> TextTable:
    """Parse a CSV file's bytes into text records with the line each starts on.

    Blank lines are skipped, as an editor shows them; rows of nothing but separators
    (``,,,,`` as spreadsheets append) are skipped with a note; a quoted cell may span lines,
    so a record's line is where it starts (``numbered_records``). A row with more cells than
    the header is an error (the columns would shift), named with its line.
    """
    header: list[str] | None = None
    written_width = 0  # the header's cells, unnamed ones a spreadsheet appended included
    records: list[list[str]] = []
    lines: list[int] = []
    empty_lines: list[int] = []
    too_long: list[tuple[int, int]] = []
    for start, record in numbered_records(decode(data)):
        if header is None:
            written_width = len(record)
            header = [name.strip() for name in record[: named_width(record)]]
            if not header:
                raise ReadError(
                    f"line {start}, the header, names no column (it holds only separators); "
                    "expected the column names on the first line",
                    start,
                )
            hint = separator_hint(",".join(record))
            if len(header) == 1 and hint:
                raise ReadError(
                    f"is separated by {hint}, not commas (the header is one column, "
                    f"{header[0][:60]!r}); {SAVE_AS_UTF8}",
                    start,
                )
        elif not "".join(record).strip():  # no cell holds anything but spaces
            empty_lines.append(start)
        elif repeats_header(record, header):
            raise ReadError(header_again_message(f"line {start}"), start)
        else:
            if len(record) > written_width:
                too_long.append((start, len(record)))
            elif len(record) > len(header):
                unnamed = cell_under_unnamed(record, len(header))
                if unnamed is not None:
                    raise ReadError(
                        f"line {start} has {shown(record[unnamed - 1].strip())} in cell "
                        f"{unnamed}, under a column the header leaves unnamed: name the column "
                        "in the header, or clear the cell",
                        start,
                    )
                record = record[: len(header)]
            records.append(record)
            lines.append(start)
    if header is None:
        raise ReadError("is empty: it has no header line")
    if too_long:
        line, count = too_long[0]
        more = f" (and {len(too_long) - 1} more rows like it)" if len(too_long) > 1 else ""
        raise ReadError(
            f"line {line} has {count} fields but the header has {written_width} "
            f"(a stray comma, or a value with a comma that needs quotes?){more}",
            line,
        )
    repeat = repeated_column(header)
    if repeat is not None:
        name, first, second = repeat
        raise ReadError(
            f"column {name!r} appears twice in the header (cells {first} and {second})", 1
        )
    width = len(header)
    padded = [r if len(r) == width else r + [""] * (width - len(r)) for r in records]
    frame = pd.DataFrame(padded, columns=header, dtype="str") if padded else None
    if frame is None:
        frame = pd.DataFrame({name: pd.Series([], dtype="str") for name in header})
    frame = frame.replace("", pd.NA) if len(frame) else frame
    frame[LINE] = pd.Series(lines, dtype="int64")
    notes = []
    if empty_lines:
        notes.append((empty_lines[0], f"skipped {_count_lines(empty_lines)} with no values"))
    return TextTable(header, frame, notes)


def shown(text: str, limit: int = 80) -> str:
    """A cell as a message quotes it: repr, a huge one cut to ``limit`` with its length."""
    return repr(text if len(text) <= limit else f"{text[:limit]}... ({len(text):,} characters)")


def _count_lines(lines: list[int]) -> str:
    """'line 7' or '12 lines (7, 8, 9, ...)' for a note."""
    if len(lines) == 1:
        return f"line {lines[0]}"
    shown = ", ".join(map(str, lines[:5])) + (", ..." if len(lines) > 5 else "")
    return f"{len(lines)} lines ({shown})"
