"""Every data rule, defined once: what it checks, how bad a failure is, and why it matters.

A rule computes, with pandas, one sentence per row that breaks it (missing where the row is
fine). The loader turns the failures of critical ``contract`` rules into located exit-2
messages; the data-quality stage validates every rule's ``ok_<rule>`` column with the committed
great-expectations suites. Both read the same sentences, so the terminal, the report and the
data-quality page describe a problem the same way.

Adding a rule: write a function ``(RuleContext) -> pd.Series`` of sentences and register it with
``rule(table, name, severity, column, explanation)``; add the matching expectation to
``expectations/<table>.json`` (``tests/test_rules.py`` says exactly what is missing).
"""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from casrec import vectorised as vx
from casrec import vocabulary
from casrec.quantities import (
    ORDINAL_WORDS,
    SCALE_WORDS,
    TEEN_WORDS,
    TENS_WORDS,
    UNIT_WORDS,
    ZERO_WORDS,
    parse_number,
)
from casrec.reading import LINE, shown
from casrec.schema import (
    MAX_ID_LENGTH,
    PARTY_ROLES,
    SLUG_PATTERN,
    TABLES,
    TERM_PATTERN,
    cycle_text,
    date_bound_columns,
    event_ancestors,
    iso_date,
)
from casrec.vocabulary import normalise_claimants

CRITICAL, WARNING = vocabulary.SEVERITIES.codes
CONTRACT = "contract"  # the loader refuses data that breaks a critical one (exit 2)
QUALITY = "quality"  # reported by the data-quality stage (a critical failure is exit 1)
MAX_EVIDENCE_WORDS = 30
MAX_VALUE_DIGITS = 30  # digits in a value; more cannot be a count of people
MAX_SUGGESTED_VALUES = 200  # "did you mean" is looked up for this many distinct values per rule
# known values compared for close spellings per rule, in all: a reference to 100,000 claim ids
# must not cost minutes (a different case or spaces are found whatever the count)
MAX_SPELLING_COMPARISONS = 100_000
SPELLING_CUTOFF = 0.75  # difflib ratio of a close spelling
NOT_A_DATE = " is not a valid ISO date (YYYY, YYYY-MM or YYYY-MM-DD)"
# What a cell must look like, compiled once (see ``vectorised.fullmatch``).
_SLUG = re.compile(SLUG_PATTERN)
_TERM = re.compile(TERM_PATTERN)
_WHOLE_NUMBER = re.compile(r"\d{1,15}")
_ISO3 = re.compile(r"[A-Z]{3}")
_WEB_ADDRESS = re.compile(r"https?://\S+")
# a plain count below ten billion, which always reads (see ``_value_parses``)
_PLAIN_COUNT = re.compile(r"\d{1,10}|\d{1,3}(?:,\d{3}){1,2}")
_DIGIT = re.compile(r"\d")


@dataclass
class RuleContext:
    """What rules read: every table as text (all contract columns), and what later stages know.

    ``frames`` hold the files as read (empty cells missing, surrounding spaces removed) with
    every contract column, absent ones empty; ``present`` the columns each file really has.
    ``run_date`` and ``findings`` exist only in the data-quality stage.
    """

    frames: dict[str, pd.DataFrame]
    present: dict[str, set[str]]
    lexicon: dict[str, tuple[int, int]] = field(default_factory=dict)
    run_date: pd.Timestamp | None = None
    findings: pd.DataFrame | None = None
    # facts several rules derive from the same frames, computed once per context
    derived: dict[str, object] = field(default_factory=dict, repr=False, compare=False)


@dataclass(frozen=True)
class Rule:
    """One named rule of one table."""

    table: str
    name: str
    severity: str
    column: str  # the data column a failure is about
    explanation: str
    check: Callable[[RuleContext], pd.Series]
    stage: str = CONTRACT
    needs: tuple[str, ...] = ()  # columns of its own file the rule reads
    allowed: tuple[str, ...] = ()  # the accepted values, for an enumerated column

    @property
    def flag(self) -> str:
        """The boolean column the suite validates (True where the row keeps the rule)."""
        return f"ok_{self.name}"


RULES: list[Rule] = []


def rule(table, name, severity, column, explanation, stage=CONTRACT, needs=None):
    """Register the decorated function as rule ``table.name``."""

    def register(check):
        RULES.append(
            Rule(table, name, severity, column, explanation, check, stage, tuple(needs or [column]))
        )
        return check

    return register


def rules_of(table: str, stage: str | None = None) -> list[Rule]:
    """The rules of one table, in definition order (optionally of one stage)."""
    return [r for r in RULES if r.table == table and (stage is None or r.stage == stage)]


# --- sentences ----------------------------------------------------------------------------


def quoted(series: pd.Series) -> pd.Series:
    """Python-style quoted text ('dead'), or 'empty' for a missing value (object dtype).

    Messages are object columns: where pyarrow is installed pandas stores text as Arrow
    strings, which refuse to be added to object columns. Each distinct value is quoted once:
    every rule quotes a whole column, so this is much of the cost of checking a large file.
    """
    return vx.map_texts(series, _quote, "empty")


def _quote(value: object) -> str:
    """One value quoted as repr quotes it (most cells are plain text, quoted directly)."""
    if isinstance(value, str) and _PLAIN.fullmatch(value):
        return "'" + value + "'"
    return shown(str(value))


# Text repr() shows between plain single quotes: printable, no quote or backslash, short.
_PLAIN = re.compile(r"[ !\"#-&(-\[\]-~\u00c0-\u024f\u2013\u2014\u2248]{0,80}")


def failing(where: pd.Series, why: pd.Series | str | Callable[[], pd.Series | str]) -> pd.Series:
    """Sentences where ``where`` is True, missing elsewhere (the form every rule returns).

    ``why`` may hold the sentences of the failing rows only (indexed by a subset of
    ``where``'s index): a rule that rarely fails then writes few sentences. Given as a
    function, it is called only when some row fails: on a clean file, composing the
    sentences of no rows cost as much as the checks themselves.
    """
    flags = where.to_numpy(dtype=bool, na_value=False)
    texts = np.full(len(flags), np.nan, dtype=object)
    if callable(why):
        if not flags.any():
            return pd.Series(texts, index=where.index, dtype="object")
        why = why()
    if isinstance(why, str):
        texts[flags] = why
    else:
        if not why.index.equals(where.index):  # the sentences of the failing rows only
            why = why.reindex(where.index)
        texts[flags] = why.to_numpy(dtype=object)[flags]
    return pd.Series(texts, index=where.index, dtype="object")


def suggestions(values: pd.Series, known, *, exact_case: bool = False) -> pd.Series:
    """'; did you mean 'kobe-2025'?' for values close to a known one, '' otherwise.

    A different case or surrounding spaces are always caught; otherwise a close spelling
    (difflib ratio ``SPELLING_CUTOFF``). Only the first ``MAX_SUGGESTED_VALUES`` distinct values
    are looked up, against at most ``MAX_SPELLING_COMPARISONS`` known values in all, so a file
    of junk or a huge id column stays linear.
    """
    distinct: dict[str, None] = {}
    for value in pd.unique(values.dropna()).tolist():  # in order of first appearance
        distinct.setdefault(str(value))
        if len(distinct) == MAX_SUGGESTED_VALUES:
            break
    if not distinct:  # nothing to look up: the known values need not be read
        return pd.Series("", index=values.index, dtype="object")
    lowered = {}
    for k in known:
        if not pd.isna(k):
            lowered.setdefault(str(k).lower(), str(k))
    spellings = _Spellings(list(lowered))
    found: dict[str, str] = {}
    for value in distinct:
        match = lowered.get(value.lower().strip())
        if match is None:
            close = spellings.closest(value.lower())
            match = lowered[close] if close is not None else None
        if match is not None and (match != value or exact_case):
            found[value] = f"; did you mean {match!r}?"
    return vx.map_texts(values, lambda value: found.get(value, ""), "")


class _Spellings:
    """Known values by length, for difflib within a budget of comparisons.

    A ratio is 2·matches / (both lengths), and matches cannot exceed the shorter length, so a
    known value much shorter or longer than the text can never reach the cutoff: only the
    lengths that can are compared, which finds what comparing every known value would.
    """

    def __init__(self, candidates: list[str]):
        self.by_length: dict[int, list[str]] = {}
        for candidate in candidates:
            self.by_length.setdefault(len(candidate), []).append(candidate)
        self.budget = MAX_SPELLING_COMPARISONS

    def closest(self, text: str) -> str | None:
        """The closest known value at or above the cutoff, or None (also once out of budget)."""
        shortest = SPELLING_CUTOFF * len(text) / (2 - SPELLING_CUTOFF)
        longest = (2 - SPELLING_CUTOFF) * len(text) / SPELLING_CUTOFF
        near = [c for n, group in self.by_length.items() if shortest <= n <= longest for c in group]
        if len(near) > self.budget:
            self.budget = 0  # later values get no spelling suggestion either: the order is kept
            return None
        self.budget -= len(near)
        close = difflib.get_close_matches(text, near, n=1, cutoff=SPELLING_CUTOFF)
        return close[0] if close else None


def lookup(keys: pd.Series, by_key: pd.Series) -> pd.Series:
    """``by_key``'s value for each key, missing where unknown (index unique, as ``by_id``'s).

    ``Series.map`` would do the same, but raises when both are empty and the values are dates
    (an initialised project's files have headers and no rows).
    """
    return pd.Series(by_key.reindex(keys.to_numpy()).to_numpy(), index=keys.index)


def _frame(ctx: RuleContext, table: str) -> pd.DataFrame:
    return ctx.frames[table]


def _dates(ctx: RuleContext, table: str, column: str) -> pd.DataFrame:
    """``date_bound_columns`` of one column, read once per context (several rules read each)."""
    key = ("dates", table, column)
    if key not in ctx.derived:
        ctx.derived[key] = date_bound_columns(ctx.frames[table][column])
    return ctx.derived[key]  # type: ignore[return-value]


def by_id(frame: pd.DataFrame, id_column: str) -> pd.DataFrame:
    """Rows indexed by id; with duplicate ids the first wins (the duplicate is its own rule)."""
    known = frame[frame[id_column].notna()]
    return known.drop_duplicates(id_column).set_index(id_column)


# --- rules every contract column implies --------------------------------------------------

EXPLANATIONS: dict[tuple[str, str], str] = {}


def _explain(table: str, text: dict[str, str]) -> None:
    EXPLANATIONS.update({(table, name): sentence for name, sentence in text.items()})


_explain("sources", {
    "source_id_required": "A source without an id cannot be referred to or traced.",
    "source_id_unique": "Two sources share an id, so references to it are ambiguous.",
    "source_id_slug": "Ids must be slugs (lower-case letters, digits and '-') so they are "
    "stable in links and file names.",
    "publisher_required": "Without a publisher casrec cannot tell a claimant's own publication "
    "from a relay.",
    "title_required": "A source without a title cannot be found again by a reviewer.",
    "published_required": "Without a publication date casrec cannot order revisions or rank "
    "later investigations.",
    "published_is_date": "The publication date is not an ISO date at a known precision (YYYY, "
    "YYYY-MM or YYYY-MM-DD).",
    "source_type_required": "Without a source type the last ranking tie-break is undefined.",
    "source_type_valid": "Not a known source type; casrec cannot rank or group the row.",
})  # fmt: skip
_explain("actors", {
    "actor_id_required": "An actor without an id cannot be referred to or traced.",
    "actor_id_unique": "Two actors share an id, so references to it are ambiguous.",
    "actor_id_slug": "Ids must be slugs (lower-case letters, digits and '-') so they are "
    "stable in links and file names.",
    "name_required": "An actor without a name cannot be shown to reviewers.",
    "kind_required": "An actor without a kind cannot be told apart as a state, armed group or "
    "UN force.",
    "kind_valid": "Not a known actor kind; casrec cannot rank or group the row.",
})  # fmt: skip
_explain("events", {
    "event_id_required": "An event without an id cannot be referred to or traced.",
    "event_id_unique": "Two events share an id, so references to it are ambiguous.",
    "event_id_slug": "Ids must be slugs (lower-case letters, digits and '-') so they are "
    "stable in links and file names.",
    "title_required": "An event without a title cannot be shown to reviewers.",
    "kind_required": "Without a kind casrec cannot tell an incident from an aggregate total.",
    "kind_valid": "Not a known event kind (incident or aggregate); casrec cannot rank or group "
    "the row.",
    "date_start_required": "Without a start date an event cannot be placed in time.",
    "date_start_is_date": "date_start is not an ISO date at a known precision.",
    "date_end_is_date": "date_end is not an ISO date at a known precision.",
    "country_required": "An event without a country cannot be placed.",
    "parent_event_exists": "parent_event names an event that is not in events.csv (a typo, or "
    "a row not yet added), so the event's place in the hierarchy is unknown.",
})  # fmt: skip
_explain("claims", {
    "claim_id_required": "A claim without an id cannot be referred to or traced.",
    "claim_id_unique": "Two claims share an id, so references to it are ambiguous.",
    "claim_id_slug": "Ids must be slugs (lower-case letters, digits and '-') so they are "
    "stable in links and file names.",
    "event_id_required": "A claim without an event cannot be reconciled.",
    "event_exists": "The claim names an event that is not in events.csv.",
    "source_id_required": "A claim without a source cannot be traced to a document.",
    "source_exists": "The claim names a source that is not in sources.csv.",
    "claimant_required": "Without a claimant casrec cannot count voices (one claimant is one "
    "voice).",
    "claimant_role_required": "Without a role casrec cannot tell an independent monitor from a "
    "party.",
    "claimant_role_valid": "Not a known claimant role; casrec cannot rank or group the row.",
    "claimant_actor_exists": "claimant_actor names an actor that is not in actors.csv.",
    "metric_required": "Without a metric casrec cannot tell what is counted.",
    "metric_valid": "Not a known metric; casrec cannot rank or group the row.",
    "population_required": "Without a population casrec cannot tell who is counted.",
    "population_valid": "Not a known population; casrec cannot rank or group the row.",
    "side_exists": "side names an actor that is not in actors.csv.",
    "subgroup_exists": "subgroup is not a term of subgroups.csv (a typo, or a term to add there "
    "with its label), so the figure cannot be keyed.",
    "certainty_valid": "Not a known certainty (confirmed, reported, feared); casrec cannot rank "
    "the figure. Leave it empty for reported.",
    "value_required": "A claim without a figure has nothing to reconcile.",
    "as_of_is_date": "as_of is not an ISO date at a known precision.",
    "part_of_exists": "part_of names a claim that is not in claims.csv.",
    "supersedes_exists": "supersedes names a claim that is not in claims.csv.",
    "evidence_required": "Every figure must be traced to the words of its source.",
})  # fmt: skip
_explain("subgroups", {
    "term_required": "A subgroup row without a term cannot be named by a claim.",
    "term_unique": "A subgroup term defined twice has two meanings.",
    "label_required": "Reviewers read the label; without it the term is shown as it is.",
})  # fmt: skip
_explain("lexicon", {
    "term_required": "A lexicon row without a term cannot be looked up.",
    "term_unique": "A term defined twice has two meanings; values using it are ambiguous.",
    "low_required": "A vague term needs the lowest number it can mean.",
    "low_whole_number": "Bounds of a vague term are counts of people: whole numbers.",
    "high_required": "A vague term needs the highest number it can mean.",
    "high_whole_number": "Bounds of a vague term are counts of people: whole numbers.",
})  # fmt: skip


def _ref_rule_name(column: str) -> str:
    return f"{column.removesuffix('_id')}_exists"


def _required(table: str, column: str):
    def check(ctx: RuleContext) -> pd.Series:
        return failing(_frame(ctx, table)[column].isna(), "required value is empty")

    return check


def _unique(table: str, column: str):
    def check(ctx: RuleContext) -> pd.Series:
        ids = _frame(ctx, table)[column]
        lines = _frame(ctx, table)[LINE]
        known = ids.notna()
        repeated = known & ids.duplicated(keep="first")

        def why() -> pd.Series:  # the sentences of the repeated rows only
            first = known & ~repeated  # each id's first row
            first_line = ids[repeated].map(pd.Series(lines[first].to_numpy(), index=ids[first]))
            return (
                "duplicate id "
                + quoted(ids[repeated])
                + " (first used on row "
                + first_line.astype("Int64").astype("str").astype("object")
                + "); ids must be unique"
            )

        return failing(repeated, why)

    return check


def _slug(table: str, column: str):
    def check(ctx: RuleContext) -> pd.Series:
        values = _frame(ctx, table)[column]
        slug = vx.fullmatch(values, _SLUG)
        not_slug = values.notna() & ~slug
        # ids become file names of report pages
        too_long = slug & (values.str.len() > MAX_ID_LENGTH)

        def long_why() -> pd.Series:  # the sentences of the failing rows only, as below
            long = values[too_long]
            return (
                quoted(long.str.slice(0, 40))
                + " is "
                + long.str.len().astype("str").astype("object")
                + f" characters long; ids have at most {MAX_ID_LENGTH}"
            )

        why = failing(not_slug, lambda: quoted(values[not_slug]) + " is not a slug "
                      "(lower-case letters, digits and '-', e.g. kobe-2025)")  # fmt: skip
        return why.fillna(failing(too_long, long_why))

    return check


def _enum(table: str, column: str, choices: tuple[str, ...]):
    def check(ctx: RuleContext) -> pd.Series:
        values = _frame(ctx, table)[column]
        bad = values.notna() & ~values.isin(choices)

        def why() -> pd.Series:
            # the cap of suggestions counts every distinct value, so all are passed
            spelt = suggestions(values, choices)[bad]
            meant = vx.map_texts(values[bad], lambda v: _meant_code(column, choices, v), "")
            return (
                quoted(values[bad])
                + f" is not one of: {', '.join(choices)}"
                + spelt.where(spelt != "", meant)
            )

        return failing(bad, why)

    return check


# What a claimant role written without its kind of loss may mean.
_PARTY_ROLE_HINT = (
    "; a party's claim is party_own (its own losses), party_other (others, such as "
    "civilians) or party_enemy (losses it says it inflicted on its enemy)"
)


@functools.cache
def _meanings(column: str, choices: tuple[str, ...]) -> dict[str, str]:
    """Words for a code that are not the code ('news agency' -> wire, 'deaths' -> killed).

    A vocabulary's reviewer labels name its codes; for metrics and populations, so do the
    words extraction reads in documents ("wounded", "soldiers"), the one list of them.
    """
    words = {}
    for vocab in vocabulary.ALL:
        if set(vocab.codes) == set(choices):
            for term in vocab:
                words[re.sub(r"\s*\(.*\)$", "", term.label.lower())] = term.code
    if column in ("metric", "population"):
        from casrec import extract

        lists = (
            (extract.METRIC_NOUNS, extract.METRIC_VERBS)
            if column == "metric"
            else (extract.POPULATION_NOUNS, extract.POPULATION_ADJECTIVES)
        )
        for mapping in lists:
            for word, code in mapping.items():
                if code in choices:
                    words.setdefault(word, code)
    return words


def _meant_code(column: str, choices: tuple[str, ...], value: str) -> str:
    """'; did you mean 'wire'?' for a value that names a code by other words, else ''."""
    text = re.sub(r"\s+", " ", str(value).strip().lower())
    code = re.sub(r"[\s-]+", "_", text)  # "security forces", "party-other"
    if code in choices:
        return f"; did you mean {code!r}?"
    meant = _meanings(column, choices).get(text)
    if meant is not None:
        return f"; did you mean {meant!r}?"
    if column == "claimant_role" and text.startswith("party"):
        return _PARTY_ROLE_HINT
    return ""


_NUMERIC_DATE = re.compile(r"(\d{1,4})\s*([/.-])\s*(\d{1,4})(?:\s*\2\s*(\d{1,4}))?")
_DATE_WORDS = re.compile(r"[a-z]+\.?|\d+(?:st|nd|rd|th)?|[\s,]+", re.IGNORECASE)


def date_suggestion(value: object) -> str:
    """What to write for a date in another form ('11 April 2026', '2026/4/11'), else ''.

    A numeric date with the year last is read day first and month first; when both are
    dates the message asks which, as only the source can say.
    """
    text = str(value).strip()
    numeric = _NUMERIC_DATE.fullmatch(text)
    if numeric:
        first, _, second, third = numeric.groups()
        if third is None:  # a month: 2026/4 or 4/2026
            year, month = (first, second) if len(first) == 4 else (second, first)
            readings = [iso_date(year, month)] if len(year) == 4 else []
        elif len(second) > 2:
            readings = []
        elif len(first) == 4:
            readings = [iso_date(first, second, third)]
        elif len(third) == 4:
            readings = [iso_date(third, second, first), iso_date(third, first, second)]
        else:
            readings = []
        found = list(dict.fromkeys(r for r in readings if r))
        if len(found) == 2:
            return f"; is it {found[0]!r} (day first) or {found[1]!r} (month first)?"
        return f"; did you mean {found[0]!r}?" if found else ""
    from casrec.extract import MONTHS, period_of

    words = re.findall(r"[a-z]+", text.lower())
    # only a day, a month's name and a year: "spring 2026" is no date to write as 2026
    if (
        not words
        or _DATE_WORDS.sub("", text)
        or any(w not in MONTHS and w not in ("st", "nd", "rd", "th") for w in words)
    ):
        return ""
    iso = period_of(text)
    return f"; did you mean {iso!r}?" if iso else ""


def _date(table: str, column: str):
    def check(ctx: RuleContext) -> pd.Series:
        values = _frame(ctx, table)[column]
        bad = ~_dates(ctx, table, column)["valid"]
        return failing(
            bad,
            lambda: quoted(values[bad]) + NOT_A_DATE
            + vx.map_texts(values[bad], date_suggestion, ""),
        )  # fmt: skip

    return check


def _whole_number(table: str, column: str):
    def check(ctx: RuleContext) -> pd.Series:
        values = _frame(ctx, table)[column]
        bad = values.notna() & ~vx.fullmatch(values, _WHOLE_NUMBER)
        return failing(
            bad, lambda: quoted(values[bad]) + " is not a whole number (at most 15 digits)"
        )

    return check


def _reference(table: str, column: str, target: tuple[str, str]):
    def check(ctx: RuleContext) -> pd.Series:
        values = _frame(ctx, table)[column]
        target_table, target_column = target
        if target_column not in ctx.present[target_table]:  # that file did not load
            return failing(values.isna() & values.notna(), "")
        known = _frame(ctx, target_table)[target_column].dropna()
        bad = values.notna() & ~values.isin(known)

        def why() -> pd.Series:
            dangling = values[bad]  # the sentences of these rows only
            return (
                quoted(dangling)
                + f" does not exist in {TABLES[target_table].file} column {target_column!r}"
                + suggestions(dangling, sorted(set(known)))
            )

        return failing(bad, why)

    return check


def _register_contract_rules() -> None:
    """The rules the contract's columns imply, in column order."""
    for name, table in TABLES.items():
        for column in table.columns:
            checks = []
            if column.required:
                checks.append((f"{column.name}_required", _required(name, column.name)))
            if column.name == table.id_column:
                checks.append((f"{column.name}_unique", _unique(name, column.name)))
            if column.kind == "slug":
                checks.append((f"{column.name}_slug", _slug(name, column.name)))
            if column.kind == "enum":
                checks.append((f"{column.name}_valid", _enum(name, column.name, column.choices)))
            if column.kind == "date":
                checks.append((f"{column.name}_is_date", _date(name, column.name)))
            if column.kind == "int":
                checks.append((f"{column.name}_whole_number", _whole_number(name, column.name)))
            if column.kind == "ref" and column.ref is not None:
                checks.append(
                    (_ref_rule_name(column.name), _reference(name, column.name, column.ref))
                )
            for rule_name, check in checks:
                explanation = EXPLANATIONS.get(
                    (name, rule_name), f"{column.name} breaks the contract ({column.kind})."
                )
                allowed = column.choices if rule_name == f"{column.name}_valid" else ()
                RULES.append(
                    Rule(
                        name,
                        rule_name,
                        CRITICAL,
                        column.name,
                        explanation,
                        check,
                        CONTRACT,
                        (column.name,),
                        allowed,
                    )
                )


_register_contract_rules()


# --- contract rules across columns ---------------------------------------------------------


@rule("events", "country_iso3", CRITICAL, "country",
      "The country is not an ISO 3166-1 alpha-3 code (three capital letters, e.g. MLI).",
      )  # fmt: skip
def _country(ctx: RuleContext) -> pd.Series:
    values = ctx.frames["events"]["country"]
    bad = values.notna() & ~vx.fullmatch(values, _ISO3)
    return failing(
        bad,
        lambda: (
            quoted(values[bad])
            + " is not an ISO 3166-1 alpha-3 code (three capital letters, e.g. MLI)"
            + vx.map_texts(values[bad], country_suggestion, "")
        ),
    )


def country_suggestion(value: object) -> str:
    """The code of a country written by name ('Sudan': did you mean 'SDN'?) or in lower case."""
    from casrec.importers import country_code

    text = str(value).strip()
    code = text.upper() if _ISO3.fullmatch(text.upper()) else country_code(text)
    return f"; did you mean {code!r}?" if code and code != text else ""


@rule("events", "dates_ordered", CRITICAL, "date_end",
      "The event ends before it starts; one of the dates is wrong.",
      needs=("date_start", "date_end"))  # fmt: skip
def _dates_ordered(ctx: RuleContext) -> pd.Series:
    e = ctx.frames["events"]
    start, end = _dates(ctx, "events", "date_start"), _dates(ctx, "events", "date_end")
    # dates carry their precision: only an end wholly before the start is out of order
    return failing(
        start["earliest"] > end["latest"],
        lambda: (
            "date_end " + quoted(e["date_end"]) + " is before date_start " + quoted(e["date_start"])
        ),
    )


@rule("claims", "party_names_actor", CRITICAL, "claimant_actor",
      "A party's claim must name the party (claimant_actor), or its credibility cannot be "
      "judged.", needs=("claimant_role", "claimant_actor"))  # fmt: skip
def _party_names_actor(ctx: RuleContext) -> pd.Series:
    c = ctx.frames["claims"]
    unnamed = c["claimant_role"].isin(PARTY_ROLES) & c["claimant_actor"].isna()
    return failing(
        unnamed,
        lambda: (
            "required when claimant_role is "
            + quoted(c.loc[unnamed, "claimant_role"])
            + " (the actor_id of the party making the claim)"
        ),
    )


def _not_itself(column: str):
    def check(ctx: RuleContext) -> pd.Series:
        c = ctx.frames["claims"]
        return failing(
            c[column].notna() & (c[column] == c["claim_id"]), "a claim cannot refer to itself"
        )

    return check


for _column, _what in (("part_of", "a part of itself"), ("supersedes", "its own revision")):
    rule("claims", f"{_column}_not_itself", CRITICAL, _column, f"A claim cannot be {_what}.",
         needs=(_column, "claim_id"))(_not_itself(_column))  # fmt: skip


@rule("claims", "value_parses", CRITICAL, "value",
      "casrec cannot read the figure; it would otherwise be silently lost.")  # fmt: skip
def _value_parses(ctx: RuleContext) -> pd.Series:
    from casrec.quantities import parse_distinct

    values = ctx.frames["claims"]["value"]
    # no count of people has this many digits; the grammar's floats would overflow on them
    # (only a text longer than the limit can have more digits than it: the others are not
    # searched)
    digits = pd.Series(
        [
            len(_DIGIT.findall(v)) if isinstance(v, str) and len(v) > MAX_VALUE_DIGITS else 0
            for v in values.tolist()
        ],
        index=values.index,
    )
    huge = digits > MAX_VALUE_DIGITS
    # a plain count below ten billion always reads: spared the grammar, so a file of a
    # hundred thousand figures is checked in seconds
    plain = vx.fullmatch(values, _PLAIN_COUNT)
    _, failed = parse_distinct(values[~huge & ~plain].dropna(), ctx.lexicon)
    reasons = {text: str(error) for text, error in failed.items()}
    too_long = (
        quoted(values[huge]) + " has " + digits[huge].astype("str").astype("object")
        + f" digits; a figure has at most {MAX_VALUE_DIGITS}"
    )  # fmt: skip
    return failing(huge, too_long).fillna(failing(values.isin(list(reasons)), values.map(reasons)))


@rule("lexicon", "high_not_below_low", CRITICAL, "high",
      "A vague term's interval must not be upside down (dozens = 24..99, not 99..24).",
      needs=("low", "high"))  # fmt: skip
def _high_not_below_low(ctx: RuleContext) -> pd.Series:
    lexicon = ctx.frames["lexicon"]
    low, high = (pd.to_numeric(lexicon[c].where(_digits(lexicon[c])), errors="coerce")
                 for c in ("low", "high"))  # fmt: skip
    return failing(
        low > high,
        lambda: (
            "high "
            + lexicon["high"].astype("object")
            + " is below low "
            + lexicon["low"].astype("object")
        ),
    )


def _digits(values: pd.Series) -> pd.Series:
    return vx.fullmatch(values, _WHOLE_NUMBER)


# --- data-quality rules (the loader does not refuse these) -------------------------------


def _run(ctx: RuleContext) -> pd.Timestamp:
    assert ctx.run_date is not None, "quality rules need the run date"
    return ctx.run_date


@rule("sources", "published_not_future", CRITICAL, "published",
      "A source published after the run date is a typo in the date.", QUALITY)  # fmt: skip
def _published_not_future(ctx: RuleContext) -> pd.Series:
    s, run = ctx.frames["sources"], _run(ctx)
    earliest = _dates(ctx, "sources", "published")["earliest"]
    return failing(
        earliest > run,
        lambda: "published " + quoted(s["published"]) + f" is after the run date {run:%Y-%m-%d}",
    )


@rule("sources", "url_is_web_address", WARNING, "url",
      "The url is not a web address a reviewer can open.", QUALITY)  # fmt: skip
def _url(ctx: RuleContext) -> pd.Series:
    url = ctx.frames["sources"]["url"]
    bad = url.notna() & ~vx.fullmatch(url, _WEB_ADDRESS)
    return failing(bad, lambda: quoted(url) + " is not a web address (http:// or https://)")


def _unused(table: str, id_column: str, verb: str):
    def check(ctx: RuleContext) -> pd.Series:
        ids = ctx.frames[table][id_column]
        used = set(ctx.frames["claims"][id_column].dropna())
        return failing(ids.notna() & ~ids.isin(used), f"no claim {verb}")

    return check


rule("sources", "source_cited", WARNING, "source_id",
     "No claim cites this source: a claim may be missing, or the source is not needed.",
     QUALITY)(_unused("sources", "source_id", "cites this source"))  # fmt: skip


@rule("actors", "name_unique", WARNING, "name",
      "Two actor ids have one name: probably one party entered twice, which splits its "
      "claims.", QUALITY)  # fmt: skip
def _actor_name_unique(ctx: RuleContext) -> pd.Series:
    a = ctx.frames["actors"]
    names = a["name"]
    repeated = names.notna() & names.duplicated(keep="first")

    def why() -> pd.Series:
        first = a["actor_id"].groupby(names, sort=False).transform("first")
        return "name " + quoted(names) + " is also actor " + quoted(first.reindex(a.index))

    return failing(repeated, why)


@rule("events", "dates_not_future", CRITICAL, "date_start, date_end",
      "The event starts or ends after the run date; the date is a typo or a guess.", QUALITY,
      needs=("date_start", "date_end"))  # fmt: skip
def _dates_not_future(ctx: RuleContext) -> pd.Series:
    e, run = ctx.frames["events"], _run(ctx)
    start, end = _dates(ctx, "events", "date_start"), _dates(ctx, "events", "date_end")
    return failing(
        (start["earliest"] > run) | (end["earliest"] > run),
        lambda: (
            "date_start "
            + quoted(e["date_start"])
            + ", date_end "
            + quoted(e["date_end"])
            + f": after the run date {run:%Y-%m-%d}"
        ),
    )


rule("events", "event_has_claims", WARNING, "event_id",
     "No claim refers to this event, so it will have no estimate.",
     QUALITY)(_unused("events", "event_id", "refers to this event"))  # fmt: skip


class _ClaimFacts:
    """Per claim, the facts of its source and event (first row wins for duplicate ids)."""

    def __init__(self, ctx: RuleContext):
        c = ctx.frames["claims"]
        sources, events = ctx.frames["sources"], ctx.frames["events"]
        src = by_id(sources.assign(**_bounds(ctx, "sources", "published", "pub_")), "source_id")
        ev = by_id(events.assign(**_bounds(ctx, "events", "date_start", "start_")), "event_id")
        self.claims = c
        self.src = src
        self.same = by_id(c, "claim_id")
        self.as_of = _dates(ctx, "claims", "as_of")
        self.published = lookup(c["source_id"], src["published"])
        self.published_latest = lookup(c["source_id"], src["pub_latest"])
        self.event_start = lookup(c["event_id"], ev["date_start"])
        self.event_start_earliest = lookup(c["event_id"], ev["start_earliest"])


def _claim_facts(ctx: RuleContext) -> _ClaimFacts:
    """The claims' source and event facts, built once per context (four rules read them)."""
    if "claim_facts" not in ctx.derived:
        ctx.derived["claim_facts"] = _ClaimFacts(ctx)
    return ctx.derived["claim_facts"]


def _bounds(ctx: RuleContext, table: str, column: str, prefix: str) -> dict[str, pd.Series]:
    frame = _dates(ctx, table, column)
    return {prefix + column: frame[column] for column in frame.columns}


@rule("claims", "as_of_not_after_publication", CRITICAL, "as_of",
      "A figure cannot refer to a date after its source was published; as_of or the source is "
      "wrong.", QUALITY, needs=("as_of", "source_id"))  # fmt: skip
def _as_of_not_after_publication(ctx: RuleContext) -> pd.Series:
    f = _claim_facts(ctx)
    c = f.claims
    return failing(
        f.as_of["earliest"] > f.published_latest,
        lambda: "as_of " + quoted(c["as_of"]) + " is after " + c["source_id"].astype("object")
        + " was published (" + quoted(f.published) + ")",
    )  # fmt: skip


@rule("claims", "as_of_not_future", CRITICAL, "as_of",
      "as_of is after the run date; the date is a typo.", QUALITY)  # fmt: skip
def _as_of_not_future(ctx: RuleContext) -> pd.Series:
    c, run = ctx.frames["claims"], _run(ctx)
    return failing(
        _dates(ctx, "claims", "as_of")["earliest"] > run,
        lambda: "as_of " + quoted(c["as_of"]) + f" is after the run date {run:%Y-%m-%d}",
    )


@rule("claims", "as_of_not_before_event", WARNING, "as_of",
      "as_of is before the event began: check the date or the event.", QUALITY,
      needs=("as_of", "event_id"))  # fmt: skip
def _as_of_not_before_event(ctx: RuleContext) -> pd.Series:
    f = _claim_facts(ctx)
    c = f.claims
    return failing(
        f.as_of["latest"] < f.event_start_earliest,
        lambda: "as_of " + quoted(c["as_of"]) + " is before event " + c["event_id"].astype("object")
        + " began (" + quoted(f.event_start) + ")",
    )  # fmt: skip


@rule("claims", "source_not_before_event", CRITICAL, "source_id",
      "The source was published before the event began, so it cannot report it; a date or the "
      "event is wrong.", QUALITY, needs=("source_id", "event_id"))  # fmt: skip
def _source_not_before_event(ctx: RuleContext) -> pd.Series:
    f = _claim_facts(ctx)
    c = f.claims
    return failing(
        f.published_latest < f.event_start_earliest,
        lambda: c["source_id"].astype("object") + " was published " + quoted(f.published)
        + ", before event " + c["event_id"].astype("object") + " began ("
        + quoted(f.event_start) + ")",
    )  # fmt: skip


@rule("claims", "evidence_max_30_words", CRITICAL, "evidence",
      "Evidence is republished verbatim in reports; the contract caps a quotation at 30 words "
      "to keep it a short excerpt.", QUALITY)  # fmt: skip
def _evidence_length(ctx: RuleContext) -> pd.Series:
    words = ctx.frames["claims"]["evidence"].fillna("").astype("object").str.split().str.len()
    return failing(
        words > MAX_EVIDENCE_WORDS,
        lambda: words.astype("str").astype("object") + f" words (at most {MAX_EVIDENCE_WORDS})",
    )


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


# Words a figure written out may start with ("forty-seven", "one hundred and five", "half a
# million"); "a" and "an" start one only before a scale word ("a hundred", "a dozen").
_FIGURE_WORDS = {*UNIT_WORDS, *TEEN_WORDS, *TENS_WORDS, *SCALE_WORDS, *ORDINAL_WORDS, "zero",
                 "dozen", "half", "quarter"}  # fmt: skip
_FIGURE_TOKEN = re.compile(r"\d+(?:[.,\u00a0\u202f]\d+)*|[a-z]+(?:-[a-z]+)*")
# How an excerpt says that nobody was affected.
_ZERO_WORDING = re.compile(r"\b(?:no|none|nobody|not a single|not one|zero|nil|0)\b")
_LONGEST_FIGURE = 16  # tokens: "nine hundred and ninety-nine thousand nine hundred and ..." is 10


def _starts_figure(tokens: list[str], index: int) -> bool:
    """Whether a figure may start at this token; a lone article is none ("a French soldier")."""
    token = tokens[index]
    word = token.split("-")[0]
    if word in ("a", "an"):
        return index + 1 < len(tokens) and tokens[index + 1] in (*SCALE_WORDS, "dozen")
    return token[0].isdigit() or word in _FIGURE_WORDS


def figures_written(text: str) -> frozenset[int]:
    """Every number a text writes, in digits or in words ('10', 'ten', '1.5 million', '1 200').

    A source and the value column may write one figure differently ("fewer than ten" against
    "fewer than 10"); each figure is the longest run of tokens the grammar reads as a number.
    """
    tokens = _FIGURE_TOKEN.findall(_figure_words(text))
    figures, start = set(), 0
    while start < len(tokens):
        ends = range(min(len(tokens), start + _LONGEST_FIGURE), start, -1)
        readings = (parse_number(" ".join(tokens[start:end])) for end in ends)
        found = _starts_figure(tokens, start) and next(
            ((end, n) for end, n in zip(ends, readings, strict=True) if n is not None), None
        )
        if found:
            figures.add(found[1])
        start = found[0] if found else start + 1
    return frozenset(figures)


def figure_in_evidence(value, evidence) -> bool:
    """Whether the evidence contains the figure: as text, digits or a number however written.

    '10' is in "fewer than ten"; a vague value ('dozens') is looked for by its words.
    """
    if pd.isna(value) or pd.isna(evidence):
        return True
    v, e = _figure_words(str(value)), _figure_words(str(evidence))
    if v in e:
        return True
    figures = figures_written(v)
    if v in ZERO_WORDS or figures == {0}:  # "no civilians were harmed" states zero
        return bool(_ZERO_WORDING.search(e))
    digits = [n.replace(",", "") for n in re.findall(r"\d[\d,]*", v)]
    if digits and set(digits) <= {n.replace(",", "") for n in re.findall(r"\d[\d,]*", e)}:
        return True  # the same digits, however the scale is written ('1.5 million', '1.5m')
    if figures:
        return figures <= figures_written(e)
    words = [w for w in re.findall(r"[a-z]+", v) if w not in _QUALIFIER_WORDS]
    return bool(words) and all(re.search(rf"\b{re.escape(w)}", e) for w in words)


@rule("claims", "evidence_has_figure", WARNING, "evidence",
      "The evidence excerpt does not visibly contain the figure; check the quote or the value.",
      QUALITY, needs=("value", "evidence"))  # fmt: skip
def _evidence_has_figure(ctx: RuleContext) -> pd.Series:
    c = ctx.frames["claims"]
    found = [figure_in_evidence(v, e) for v, e in zip(c["value"], c["evidence"], strict=True)]
    return failing(
        ~pd.Series(found, index=c.index, dtype=bool),
        lambda: "value " + quoted(c["value"]) + " is not found in the evidence",
    )


@rule("claims", "value_range_scale_unclear", WARNING, "value",
      "A range whose first figure is short and second grouped in thousands ('10–15,000') is "
      "read as written, 10 to 15,000; if the source means 10,000 to 15,000, write both in full.",
      QUALITY)  # fmt: skip
def _value_range_scale_unclear(ctx: RuleContext) -> pd.Series:
    from casrec.quantities import thousands_unclear

    values = ctx.frames["claims"]["value"]
    # the grammar reads what is written; only the source can say whether thousands were meant
    flagged = vx.map_texts(values, thousands_unclear, False).astype(bool)
    return failing(
        flagged,
        lambda: quoted(values) + " is read as written; write both figures in full if the first "
        "is in thousands too",
    )  # fmt: skip


def cycles(ids: pd.Series, targets: pd.Series) -> dict[str, list[str]]:
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


def _same_event(column: str):
    def check(ctx: RuleContext) -> pd.Series:
        c = ctx.frames["claims"]
        same = by_id(c, "claim_id")
        target = c[column]
        exists = target.isin(set(same.index))
        target_event = target.map(same["event_id"])
        elsewhere = exists & target_event.notna() & c["event_id"].notna()
        elsewhere &= target_event != c["event_id"]
        rule_text = ""
        if column == "part_of" and elsewhere.any():
            # a breakdown may point to a claim of an event its own event lies within
            chains, _ = event_ancestors(ctx.frames["events"])
            within = [
                t in chains.get(e, []) for e, t in zip(c["event_id"], target_event, strict=True)
            ]
            elsewhere &= ~pd.Series(within, index=c.index, dtype=bool)
            rule_text = " or of an event it lies within (parent_event)"
        return failing(
            elsewhere,
            lambda: column + " " + quoted(target) + " is a claim about " + quoted(target_event)
            + ", not " + quoted(c["event_id"]) + rule_text,
        )  # fmt: skip

    return check


def _acyclic(column: str):
    def check(ctx: RuleContext) -> pd.Series:
        c = ctx.frames["claims"]
        found = cycles(c["claim_id"], c[column])
        # a claim pointing at itself is its own (contract) rule: one entry per problem
        found = {k: v for k, v in found.items() if len(v) > 1}
        text = c["claim_id"].map(
            lambda i: " -> ".join([*found[i], found[i][0]]) if i in found else ""
        )
        return failing(c["claim_id"].isin(set(found)), "cycle " + text.astype("object"))

    return check


for _column, _sentence, _cycle in (
    ("part_of", "A breakdown must be part of a claim about the same event, or about an event "
     "its event lies within (parent_event, e.g. the camp attack within a town's).",
     "Claims are parts of each other in a circle, so no claim is the whole."),
    ("supersedes", "A revision must revise a claim about the same event.",
     "Claims supersede each other in a circle, so every one of them would drop out of the "
     "estimate."),
):  # fmt: skip
    rule("claims", f"{_column}_same_event", CRITICAL, _column, _sentence, QUALITY,
         needs=(_column, "event_id"))(_same_event(_column))  # fmt: skip
    rule("claims", f"{_column}_no_cycle", CRITICAL, _column, _cycle, QUALITY,
         needs=(_column, "claim_id"))(_acyclic(_column))  # fmt: skip


@rule("claims", "supersedes_same_claimant", CRITICAL, "supersedes",
      "Only a claimant can revise its own figure; another claimant's figure is a separate "
      "voice.", QUALITY, needs=("supersedes", "claimant"))  # fmt: skip
def _supersedes_same_claimant(ctx: RuleContext) -> pd.Series:
    c = ctx.frames["claims"]
    same = by_id(c, "claim_id")
    previous = c["supersedes"]
    known = previous.isin(set(same.index))
    # a lookup into an empty table comes back float: cast before the text comparison
    prev_claimant = previous.map(same["claimant"]).astype("str")
    other_voice = (
        known
        & c["claimant"].notna()
        & prev_claimant.notna()
        & (normalise_claimants(c["claimant"]) != normalise_claimants(prev_claimant))
    )
    return failing(
        other_voice,
        lambda: "claimant " + quoted(c["claimant"]) + " revises a figure of "
        + quoted(prev_claimant) + " (" + previous.astype("object") + ")",
    )  # fmt: skip


@rule("claims", "supersedes_not_earlier", CRITICAL, "supersedes",
      "A revision is published before the figure it revises; the pair is probably swapped.",
      QUALITY, needs=("supersedes", "source_id"))  # fmt: skip
def _supersedes_not_earlier(ctx: RuleContext) -> pd.Series:
    f = _claim_facts(ctx)
    c = f.claims
    previous = c["supersedes"]
    prev_source = previous.map(f.same["source_id"])
    prev_earliest = lookup(prev_source, f.src["pub_earliest"])
    return failing(
        previous.isin(set(f.same.index)) & (f.published_latest < prev_earliest),
        lambda: c["source_id"].astype("object") + " published " + quoted(f.published) + ", before "
        + previous.astype("object") + " in " + prev_source.astype("object") + " ("
        + quoted(prev_source.map(f.src["published"])) + ")",
    )  # fmt: skip


@rule("claims", "supersedes_same_key", WARNING, "supersedes",
      "A revision counts something else (metric, population, side or nationality) than the "
      "figure it replaces, so that figure's key loses it.", QUALITY,
      needs=("supersedes", "metric", "population"))  # fmt: skip
def _supersedes_same_key(ctx: RuleContext) -> pd.Series:
    from casrec.claims import KEY_COLUMNS

    c = ctx.frames["claims"]
    same = by_id(c, "claim_id")
    previous = c["supersedes"]
    known = previous.isin(set(same.index))
    if not known.any():  # nothing supersedes a claim of the file
        return failing(known, "")
    compared = []  # per key column: this claim's value, the revised claim's, whether they differ
    for column in KEY_COLUMNS[1:]:
        mine, theirs = c[column], previous.map(same[column])
        differs = known & ~((mine == theirs).fillna(False) | (mine.isna() & theirs.isna()))
        compared.append((column, mine, theirs, differs))
    changed = np.logical_or.reduce([differs.to_numpy(dtype=bool) for *_, differs in compared])

    def why() -> pd.Series:
        differences = pd.Series("", index=c.index, dtype="object")
        for column, mine, theirs, differs in compared:
            text = column + " " + quoted(mine) + " vs " + quoted(theirs) + "; "
            differences = differences + text.where(differs, "")
        return differences.str.rstrip("; ") + " in " + previous.astype("object")

    return failing(pd.Series(changed, index=c.index), why)


def _breakdown(verdict: str):
    def check(ctx: RuleContext) -> pd.Series:
        c = ctx.frames["claims"]
        reasons: dict[str, list[str]] = {}
        findings = ctx.findings
        if findings is not None and len(findings):
            components = findings[findings["check"] == "components"]
            for finding in components.itertuples(index=False):
                if finding.verdict == verdict:
                    whole = finding.claim_ids.split(";")[0]
                    reasons.setdefault(whole, []).append(f"{finding.subject}: {finding.detail}")
        joined = {k: "; ".join(v) for k, v in reasons.items()}
        return failing(c["claim_id"].isin(set(joined)), c["claim_id"].map(joined))

    return check


rule("claims", "breakdown_consistent", CRITICAL, "part_of",
     "The parts of this claim (part_of) cannot add up to it: no value satisfies both.",
     QUALITY, needs=("part_of",))(_breakdown("conflicting"))  # fmt: skip
rule("claims", "breakdown_comparable", WARNING, "part_of",
     "The parts of this claim cannot be compared with it (different metric, population or "
     "dates).", QUALITY, needs=("part_of",))(_breakdown("incomparable"))  # fmt: skip


@rule("claims", "part_of_superseded", WARNING, "part_of",
      "This breakdown is part of a figure a later claim revised (supersedes), so it describes "
      "the old whole: point part_of at the revision, or record the revised breakdown.", QUALITY,
      needs=("part_of", "supersedes"))  # fmt: skip
def _part_of_superseded(ctx: RuleContext) -> pd.Series:
    c = ctx.frames["claims"]
    revisions = c[["supersedes", "claim_id"]].dropna()
    revised_by = (
        quoted(revisions["claim_id"]).groupby(revisions["supersedes"], sort=False).agg(", ".join)
    )
    whole_revised_by = lookup(c["part_of"], revised_by)
    # a breakdown that was itself revised is out of force: its revision is what counts
    in_force = ~c["claim_id"].isin(set(revisions["supersedes"]))
    return failing(
        c["part_of"].notna() & whole_revised_by.notna() & in_force,
        lambda: (
            "part_of "
            + quoted(c["part_of"])
            + " was revised by "
            + whole_revised_by.astype("object")
        ),
    )


# --- subgroups, the event hierarchy and possible duplicates -------------------------------


def _conflicting(ctx: RuleContext, check: str) -> pd.DataFrame:
    """The conflicting findings of one consistency check (none before the quality stage)."""
    findings = ctx.findings
    if findings is None or findings.empty:
        return pd.DataFrame(columns=["keys", "subject", "detail"])
    return findings[(findings["check"] == check) & (findings["verdict"] == "conflicting")]


@rule("claims", "subgroup_within_whole", WARNING, "subgroup",
      "The estimate of this subgroup (children, women, ...) is above the estimate of everyone "
      "counted under the same key: a subset cannot be larger than its whole. Check both "
      "figures; the event page shows them side by side.", QUALITY,
      needs=("subgroup",))  # fmt: skip
def _subgroup_within_whole(ctx: RuleContext) -> pd.Series:
    from casrec.claims import KEY_COLUMNS

    c = ctx.frames["claims"]
    # keys = "<whole key>;<subgroup key>": the claims of the subgroup key are the ones flagged
    reasons = {
        f.keys.split(";")[1]: f"{f.subject}: {f.detail}"
        for f in _conflicting(ctx, "subgroup_subset").itertuples(index=False)
    }
    if not reasons:
        return failing(pd.Series(False, index=c.index), "")
    keys = c[KEY_COLUMNS].astype("object").where(c[KEY_COLUMNS].notna(), "").astype(str)
    claim_keys = keys[KEY_COLUMNS[0]].str.cat(keys[KEY_COLUMNS[1:]], sep="/")  # a Series when empty
    return failing(claim_keys.isin(set(reasons)), claim_keys.map(reasons))


@rule("events", "children_within_parent", WARNING, "parent_event",
      "The events recorded within this one (parent_event) have lows that sum to more than its "
      "high for the same metric and population: either a child is not within it, or its "
      "figure is too low.", QUALITY, needs=("event_id",))  # fmt: skip
def _children_within_parent(ctx: RuleContext) -> pd.Series:
    events = _frame(ctx, "events")
    reasons: dict[str, list[str]] = {}
    for f in _conflicting(ctx, "event_hierarchy").itertuples(index=False):
        parent = f.keys.split(";")[0].split("/")[0]
        reasons.setdefault(parent, []).append(f.detail)
    joined = {k: "; ".join(v) for k, v in reasons.items()}
    return failing(events["event_id"].isin(set(joined)), events["event_id"].map(joined))


@rule("subgroups", "term_format", CRITICAL, "term",
      "Subgroup terms are lower-case codes (letters, digits and '_', e.g. aid_workers) so claims "
      "can name them exactly.")  # fmt: skip
def _term_format(ctx: RuleContext) -> pd.Series:
    terms = _frame(ctx, "subgroups")["term"]
    bad = terms.notna() & ~vx.fullmatch(terms, _TERM)
    return failing(
        bad, lambda: quoted(terms) + " is not a vocabulary term (lower-case letters, digits, '_')"
    )


@rule("events", "parent_event_no_cycle", CRITICAL, "parent_event",
      "Following parent_event leads back to this event (a within b within a): an event cannot "
      "lie within itself, so children cannot be checked against their parent.",
      needs=("parent_event", "event_id"))  # fmt: skip
def _parent_event_no_cycle(ctx: RuleContext) -> pd.Series:
    events = _frame(ctx, "events")
    _, found = event_ancestors(events)
    text = events["event_id"].map(lambda i: cycle_text(found[i]) if i in found else "")
    return failing(
        events["event_id"].isin(set(found)),
        text.astype("object") + ": an event cannot lie within itself",
    )


@rule("events", "possible_duplicate_event", WARNING, "event_id",
      "Another incident in the same country has dates within 2 days (at their stated precision) "
      "and the same place or a very similar title: it may be one incident recorded twice, which "
      "would count its victims twice. Look at both rows; casrec never merges them.",
      QUALITY)  # fmt: skip
def _possible_duplicate_event(ctx: RuleContext) -> pd.Series:
    from casrec.duplicates import duplicate_messages, possible_duplicates

    events = _frame(ctx, "events")
    pairs = possible_duplicates(events.assign(row=events[LINE]) if LINE in events else events)
    messages = {k: "; ".join(v) for k, v in duplicate_messages(pairs).items()}
    return failing(
        events["event_id"].isin(set(messages)), events["event_id"].map(messages).astype("object")
    )


# --- evaluating ---------------------------------------------------------------------------


@dataclass
class RuleResults:
    """For one table: per rule, the sentence of each failing row (missing where it holds).

    The required-value rule of a column the file lacks is not evaluated (listed in
    ``skipped``): it is reported by the header rule too, and must not look like a pass. Other
    rules read a missing column as empty.
    """

    table: str
    why: pd.DataFrame  # one object column per evaluated rule name, the table's index
    skipped: list[str]

    def ok(self) -> pd.DataFrame:
        """The ``ok_<rule>`` boolean columns the suites validate."""
        return self.why.isna().add_prefix("ok_")


def evaluate(
    table: str, ctx: RuleContext, stages: tuple[str, ...], known: RuleResults | None = None
) -> RuleResults:
    """Run the rules of ``table`` in ``stages``; missing columns skip the rules that need them.

    ``known`` holds results already evaluated over the same frame (the loader's contract
    rules, for the data-quality stage): those rules are taken from it, not run again.
    """
    frame = ctx.frames[table]
    present = ctx.present[table]
    why: dict[str, np.ndarray] = {}
    skipped: list[str] = []
    for item in RULES:
        if item.table != table or item.stage not in stages:
            continue
        if known is not None and item.name in known.why.columns:
            why[item.name] = _in_order(known.why[item.name], frame.index)
            continue
        if known is not None and item.name in known.skipped:
            skipped.append(item.name)
            continue
        if item.name == f"{item.column}_required" and item.column not in present:
            skipped.append(item.name)  # the column is missing: not evaluated, never a pass
            continue
        why[item.name] = _in_order(item.check(ctx), frame.index)
    if not why:
        return RuleResults(table, pd.DataFrame(index=frame.index), skipped)
    # one block of sentences: a frame assembled from a Series per rule cost more than the rules
    texts = np.column_stack(list(why.values()))
    return RuleResults(
        table, pd.DataFrame(texts, index=frame.index, columns=list(why), dtype="object"), skipped
    )


def _in_order(sentences: pd.Series, index: pd.Index) -> np.ndarray:
    """A rule's sentences as an object array in the order of its table's ``index``."""
    if not sentences.index.equals(index):
        sentences = sentences.reindex(index)
    return sentences.to_numpy(dtype=object)
