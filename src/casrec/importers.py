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

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from casrec.duplicates import DEFAULT_WINDOW_DAYS, MatchRules, match_events
from casrec.extract import ActorIndex, wordlist
from casrec.quantities import MAX_COUNT
from casrec.reading import (
    ReadError,
    cell_under_unnamed,
    decode,
    header_again_message,
    named_width,
    numbered_records,
    repeated_column,
    repeats_header,
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
ACLED_REQUIRED = wordlist(
    "event_id_cnty event_date event_type sub_event_type actor1 actor2 country admin1 "
    "location source notes fatalities"
)

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

    def summary(self) -> str:
        """One line for the terminal."""
        flagged = int((self.events["review"] != "").sum()) if len(self.events) else 0
        return (
            f"{len(self.events)} events ({flagged} to review), {len(self.claims)} claims, "
            f"{len(self.actors)} actors, {len(self.sources)} source"
        )


# ---------------------------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------------------------


def read_layout(path: str | Path, required: Iterable[str], layout: str) -> pd.DataFrame:
    """Read a CSV as text, checking the columns the importer needs; line numbers kept.

    The bytes are decoded as ``casrec.reading`` decodes data files (UTF-8 with or without a
    byte-order mark; UTF-16 and Windows-1252 named with the line and byte), and a header that
    is one column holding semicolons or tabs is named as such instead of as missing columns.
    ``attrs["lines"]`` holds each row's editor line, where its record starts
    (``casrec.reading.numbered_records``): a quoted note over several lines counts them all.
    """
    path = Path(path)
    if not path.exists():
        raise ImportFileError(f"{path}: file not found")
    if not path.is_file():
        raise ImportFileError(f"{path}: not a file")
    try:
        numbered = numbered_records(decode(path.read_bytes()))
    except ReadError as error:
        raise ImportFileError(f"{path}: {error.message}") from None
    except OSError as error:
        raise ImportFileError(f"{path}: cannot be read ({error.strerror})") from error
    article = "an" if layout[:1] in "AEIO" else "a"  # "an ACLED export", "a UCDP GED"
    if not numbered or not any(cell.strip() for cell in numbered[0][1]):
        raise ImportFileError(
            f"{path}: empty file; expected {article} {layout} CSV with a header row"
        )
    header_line, first = numbered[0]
    header = [cell.strip() for cell in first]
    # a spreadsheet that saved the file may append unnamed columns ("...,timestamp,,"): they
    # are dropped while they hold nothing, and a value under one is refused below
    full_width = len(header)
    header = header[: named_width(header)]
    where = f"{path}, row {header_line} (header)"
    separator = separator_hint(",".join(first))
    if len(header) == 1 and separator:
        raise ImportFileError(
            f"{where}: separated by {separator}, not commas as {layout} publishes it; export "
            "it again as comma-separated CSV"
        )
    repeat = repeated_column(header)
    if repeat is not None:
        name, first_cell, second_cell = repeat
        raise ImportFileError(
            f"{where}: column {name!r} appears twice (cells {first_cell} and {second_cell}); "
            f"a {layout} file names each column once"
        )
    missing = [column for column in required if column not in header]
    if missing:
        lower = {name.lower(): name for name in header}
        other_case = [lower[c] for c in missing if c in lower]
        hint = (
            f"; the published names are lower case, and this file writes {other_case[0]!r}"
            if other_case
            else ""
        )
        raise ImportFileError(
            f"{where}: not {article} {layout} file in its published layout; "
            f"missing column(s): {', '.join(missing)}{hint}"
        )
    records = []
    lines = []
    # each record's editor line, where it starts: an ACLED note may span several lines
    for position, (line, record) in enumerate(numbered[1:], start=1):
        if not any(cell.strip() for cell in record):
            continue
        cells = [cell.strip() for cell in record]
        if repeats_header(cells, header):
            raise ImportFileError(f"{path}, {header_again_message(f'row {line}')}")
        if len(header) < len(cells) <= full_width:
            unnamed = cell_under_unnamed(cells, len(header))
            if unnamed is not None:
                raise ImportFileError(
                    f"{path}, row {line}, cell {unnamed}: {shown(cells[unnamed - 1])} is under "
                    f"a column the header leaves unnamed; expected the {len(header)} columns "
                    "the header names"
                )
            cells = cells[: len(header)]
        if len(cells) != len(header):
            raise ImportFileError(
                f"{path}, row {line}: {len(cells)} fields but the header has {len(header)}"
                + _width_hint(record, len(header), position == len(numbered) - 1)
            )
        records.append(cells)
        lines.append(line)
    if not records:
        raise ImportFileError(
            f"{path}: a header but no rows; expected at least one {layout} row to import"
        )
    frame = pd.DataFrame(records, columns=header, dtype=str)
    frame.attrs["lines"] = lines
    frame.attrs["path"] = str(path)
    return frame


def _width_hint(record: list[str], width: int, last: bool) -> str:
    """Why a row may have the wrong number of fields, for the message."""
    if len(record) > width:
        return " (a stray comma, or a value with a comma that needs quotes?)"
    if any("\n" in cell for cell in record):
        return (
            " (a quote opened in this row and never closed would run it over several lines: "
            "check its quotes)"
        )
    return " (the file may be cut short: download or export it again)" if last else ""


def refuse_repeated_ids(frame: pd.DataFrame, column: str, prefix: str) -> None:
    """Refuse a file that repeats an event id or leaves one empty, naming the rows.

    A dataset's id names one event: a repeat would draft two events under one event_id (and
    two claims under one claim_id), which the contract refuses. So would two ids that make
    the same event_id ``prefix-<id>`` as a slug (they differ only in case or punctuation, or
    after its 60th character). A row without an id could not be traced back to the dataset.
    """
    path = frame.attrs["path"]
    first_line: dict[str, int] = {}
    drafted: dict[str, tuple[str, int]] = {}
    for value, line in zip(frame[column], frame.attrs["lines"], strict=True):
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


def _located(frame: pd.DataFrame, position: int, record_id: str, *columns: str) -> str:
    """Where a message on one row points: the file, the row (id), the column or columns."""
    named = ", ".join(map(repr, columns))
    where = f"{frame.attrs['path']}, row {frame.attrs['lines'][position]} ({record_id})"
    return f"{where}, column{'s' if len(columns) > 1 else ''} {named}"


def _count(frame: pd.DataFrame, position: int, column: str, record_id: str) -> int:
    """A whole number of people from a cell ('12', '1,200', '12.0'), or a located error."""
    cell = frame[column].iloc[position]
    match = re.fullmatch(r"(\d+)(?:\.0+)?", cell.replace(",", ""))
    # read as digits, not through a float: '9' * 30 is no 1e30 rounded, and '9' * 400 no overflow
    count = int(match.group(1)) if match else None
    if count is None or count > MAX_COUNT:
        why = f" (more than {MAX_COUNT:,}: a typing error?)" if count is not None else ""
        raise ImportFileError(
            f"{_located(frame, position, record_id, column)}: expected a whole "
            f"number of people, got {shown(cell)}{why}"
        )
    return count


# UCDP's dates, with or without the time it appends ('2025-02-07 00:00:00.000'), and ACLED's.
_ISO_DATE = re.compile(
    r"(\d{4}-\d{2}-\d{2})(?:[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?"
)


def _date(frame: pd.DataFrame, position: int, column: str, record_id: str) -> str:
    """An ISO date from '2025-02-07', '2025-02-07 00:00:00.000' or '07 February 2025'."""
    text = frame[column].iloc[position]
    match = _ISO_DATE.fullmatch(text)
    try:
        if match:
            return dt.date.fromisoformat(match.group(1)).isoformat()
        return dt.datetime.strptime(text, "%d %B %Y").date().isoformat()
    except ValueError:
        raise ImportFileError(
            f"{_located(frame, position, record_id, column)}: expected a date "
            f"such as 2025-02-07 or 07 February 2025, got {shown(text)}"
        ) from None


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
    if existing is None or existing.empty:
        return []
    candidate = pd.DataFrame([{**event, "event_id": event.get("event_id") or "draft"}])
    candidate = candidate.drop(columns=["kind"], errors="ignore")  # a draft is matched as it is
    found = match_events(candidate, existing, MatchRules(window_days=max_days), kinds=("incident",))
    rows = existing.drop_duplicates("event_id").set_index("event_id")
    out = []
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
        out.append((str(match.right_id), f"{when}, {', '.join(reasons)}"))
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
        known = self.index.actor_in(name)
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


def _frame(rows: list[dict], table: str, extra: Iterable[str] = ("review",)) -> pd.DataFrame:
    columns = list(TABLES[table].column_names)
    if table == "claims":
        for column, after in (("subgroup", "nationality"), ("certainty", "supersedes")):
            if column not in columns:
                columns.insert(columns.index(after) + 1, column)
    if table == "events" and "parent_event" not in columns:
        columns.insert(columns.index("location") + 1, "parent_event")
    columns += [c for c in extra if c not in columns]
    return pd.DataFrame([{c: row.get(c, "") for c in columns} for row in rows], columns=columns)


def _flag_duplicates(events: list[dict], existing: pd.DataFrame | None) -> None:
    for event in events:
        matches = possible_duplicates(event, existing)
        if matches:
            event["possible_duplicate_of"] = ";".join(m[0] for m in matches)
            event["review"] = (
                "possibly the same incident as "
                + "; ".join(f"{event_id} ({why})" for event_id, why in matches)
                + ": use that event_id in the claims instead of adding this event, or keep both"
            )


@dataclass
class _Import:
    """What both importers share: the file read, the project's data, and the drafts so far."""

    path: Path
    frame: pd.DataFrame
    existing_events: pd.DataFrame | None
    actors: _Actors
    source_id: str
    absent: list[str]  # published columns the file does not carry
    events: list[dict] = field(default_factory=list)
    claims: list[dict] = field(default_factory=list)


def _start_import(
    path: str | Path, data_dir, source_id, layout: str, required, columns, prefixes: tuple
) -> _Import:
    """Read the file in its published layout and the project's events and actors beside it."""
    frame = read_layout(path, required, layout)
    data_dir = Path(data_dir) if data_dir else None
    stem = Path(path).stem
    named = stem.lower().startswith(prefixes)  # "ged251.csv" already says what it is
    return _Import(
        Path(path),
        frame,
        _read_existing(data_dir, "events"),
        _Actors(_read_existing(data_dir, "actors")),
        source_id or slug(stem if named else f"{prefixes[0]}-{stem}"),
        [c for c in columns if c not in frame.columns],
    )


def _finish_import(
    job: _Import, publisher: str, title: str, date_note: str, published: str | None, last: str
) -> Drafts:
    """The drafts: one source row for the file, the actors met, the events and the claims."""
    _flag_duplicates(job.events, job.existing_events)
    notes = "" if published else date_note  # the release date to set, when not given
    if job.absent:
        notes += f" Published columns absent from this file: {', '.join(job.absent)}."
        notes = notes.strip()
    sources = [{
        "source_id": job.source_id, "publisher": publisher, "title": title,
        "published": published or last[:7], "source_type": "research", "notes": notes,
        "review": "" if published else "published date to check",
    }]  # fmt: skip
    return Drafts(
        _frame(sources, "sources"),
        job.actors.frame(),
        _frame(job.events, "events", ("possible_duplicate_of", "review")),
        _frame(job.claims, "claims"),
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
) -> Drafts:
    """Drafts from a UCDP GED CSV: one event and one estimate claim (with breakdowns) per row."""
    job = _start_import(
        path, data_dir, source_id, "UCDP GED", GED_REQUIRED, GED_COLUMNS, ("ucdp", "ged")
    )
    frame, actors, source_id = job.frame, job.actors, job.source_id
    refuse_repeated_ids(frame, "id", "ucdp-ged")
    events, claims = job.events, job.claims
    last_date = ""
    for position in range(len(frame)):
        row = frame.iloc[position]
        ged_id = row["id"]
        record = f"id {ged_id}"
        start = _date(frame, position, "date_start", record)
        end = _date(frame, position, "date_end", record)
        if end < start:
            raise ImportFileError(
                f"{_located(frame, position, record, 'date_start', 'date_end')}: "
                f"expected date_end on or after date_start, got {start} and {end}"
            )
        last_date = max(last_date, end)
        best, low, high = (_count(frame, position, c, record) for c in ("best", "low", "high"))
        if not low <= best <= high:
            raise ImportFileError(
                f"{_located(frame, position, record, 'low', 'best', 'high')}: "
                f"expected low <= best <= high, got {low}, {best}, {high}"
            )
        deaths = [_count(frame, position, c, record) for c in GED_DEATH_COLUMNS]
        if sum(deaths) != best:
            # UCDP's codebook: best is always the sum of the four; the breakdown claims drafted
            # from them would otherwise not add up to their whole
            raise ImportFileError(
                f"{_located(frame, position, record, *GED_DEATH_COLUMNS)}"
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
        for column, side_name in parts:
            count = _count(frame, position, column, record)
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


def import_acled(
    path: str | Path,
    data_dir: str | Path | None = None,
    source_id: str | None = None,
    published: str | None = None,
) -> Drafts:
    """Drafts from an ACLED export CSV: one event and one fatalities claim per row."""
    job = _start_import(
        path, data_dir, source_id, "ACLED export", ACLED_REQUIRED, ACLED_COLUMNS, ("acled",)
    )
    frame, actors, source_id = job.frame, job.actors, job.source_id
    refuse_repeated_ids(frame, "event_id_cnty", "acled")
    events, claims = job.events, job.claims
    last_date = ""
    for position in range(len(frame)):
        row = frame.iloc[position]
        acled_id = row["event_id_cnty"]
        record = f"event_id_cnty {acled_id}"
        day = _date(frame, position, "event_date", record)
        last_date = max(last_date, day)
        fatalities = _count(frame, position, "fatalities", record)
        country = (numeric_country_code(row["iso"]) if "iso" in frame.columns and row["iso"]
                   else None) or country_code(row["country"])  # fmt: skip
        if country is None and re.fullmatch(r"[A-Z]{3}\d+", acled_id):
            country = acled_id[:3]
        event_id = slug(f"acled-{acled_id}")
        events.append({
            "event_id": event_id,
            "title": f"{row['sub_event_type'] or row['event_type']} at {row['location']} ({day})",
            "kind": "incident", "date_start": day, "country": country or "",
            "admin1": row["admin1"], "location": row["location"],
            "description": f"ACLED {acled_id}: {row['event_type']}; {row['notes']}"[:500],
            "review": "" if country else f"country {row['country']!r}: ISO alpha-3 code to set",
        })  # fmt: skip
        for column in ("actor1", "actor2"):
            inter = "inter1" if column == "actor1" else "inter2"
            _draft_acled_actor(frame, position, record, column, inter, actors)
        claims.append({
            "claim_id": f"{event_id}-acled-killed", "event_id": event_id, "source_id": source_id,
            "claimant": "ACLED", "claimant_role": "independent", "metric": "killed",
            # ACLED's fatalities count everyone reported killed, attackers included
            "population": "all", "value": str(fatalities),
            "evidence": f"ACLED {acled_id}: {fatalities} reported fatalities",
            "notes": f"ACLED source: {row['source']}; notes: {row['notes']}"[:1000],
            "review": "the notes use a vague word: ACLED codes vague totals as a low fixed "
            "number (see its codebook), compare with the sources"
            if re.search(r"\b(dozens|several|scores|many|hundreds)\b", row["notes"], re.I)
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
    frame: pd.DataFrame, position: int, record: str, column: str, inter: str, actors: _Actors
) -> None:
    """Match or draft the actor in ``column``, of the kind its ``inter`` code says.

    A code ACLED does not document (a new one, a typing error) or an empty one still drafts
    the actor: its kind is left to the analyst, with the row, column and code in its review.
    """
    name = frame[column].iloc[position]
    kinds = f"set kind to one of {', '.join(ACTOR_KINDS.codes)}"
    if inter not in frame.columns:
        code, where = "", f"{frame.attrs['path']}, column {inter!r}"
        no_kind = f"{frame.attrs['path']}: the file has no column {inter!r}: {kinds}"
    else:
        code = frame[inter].iloc[position].strip()
        where = _located(frame, position, record, inter)
        why = "is empty" if not code else "is not one of ACLED's documented actor codes"
        no_kind = f"{where}: the ACLED actor code {code!r} {why}: {kinds}"
    if code.lower() in ACLED_CIVILIAN_CODES:
        return
    actors.actor_for(name, ACLED_ACTOR_KINDS.get(code.lower()), no_kind, where)


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
) -> str:
    """Import one file into a drafts folder; return a one-line summary."""
    drafts = IMPORTERS[dataset](path, data_dir, source_id, published)
    write_drafts_folder(drafts, out)
    return f"wrote {drafts.summary()} to {out}"
