"""Value text -> interval: how casrec reads "at least 34", "~144,000", "30 (25–40)" or "dozens".

Sources state figures with qualifiers that carry meaning: "at least 34" is a floor, not a
point; "~144,000" is rounded to the thousand. Flattening them to a single integer (as most
trackers do) throws that meaning away, so every value becomes an interval [low, high] (high
may be open), a qualifier, a vague flag and a point value used when one number is needed.
Words that say a figure is a count so far ("42 so far") or how sure the source is ("feared
dead") are read too and reported beside the interval. The rules are parameters
(``QuantityRules``) and each wording is documented in METHODOLOGY.md section 2.
"""

from __future__ import annotations

import difflib
import math
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cached_property

import pandas as pd

from casrec import vocabulary

# Specificity order used when ranking claims: a more specific statement wins ties. An
# `estimate` is a stated best figure with its bounds ("30 (25–40)", as UCDP publishes).
QUALIFIERS = vocabulary.QUALIFIERS.codes
# What the value text may say about how sure the source is: the claims' `certainty` codes.
CERTAINTIES = vocabulary.CERTAINTIES.codes

UNIT_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9,
}  # fmt: skip
TEEN_WORDS = {
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}  # fmt: skip
TENS_WORDS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}  # fmt: skip
# Words that stand alone for a number.
NUMBER_WORDS = {
    "zero": 0, "both": 2, "a dozen": 12,
    # a lone article counts one person: "a French soldier was killed"
    "a": 1, "an": 1,
}  # fmt: skip
# A claimant saying nobody was killed states a figure: zero. Kept apart from NUMBER_WORDS,
# which text extraction scans for figures ("none of the passengers" is no count).
ZERO_WORDS = {"none": 0, "no one": 0, "nobody": 0}
# Ordinals are running totals: "the sixth French soldier to die" means six so far. These are
# the words extraction scans for; the grammar reads every ordinal ('6th', 'twenty-first', see
# ``_ordinal_number``).
ORDINAL_WORDS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13,
    "fourteenth": 14, "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18,
    "nineteenth": 19, "twentieth": 20,
}  # fmt: skip
# Words the grammar reads around and between the figures ("between 50 and 60", "30, range").
GRAMMAR_GLUE_WORDS = ("dozen", "between", "and", "or", "to", "of", "the", "mark", "best",
                      "estimate", "range", "low", "high")  # fmt: skip
SCALE_WORDS = {"hundred": 100, "thousand": 1_000, "million": 1_000_000}
# "half a million", "a quarter of a million", "half a dozen"
FRACTION_WORDS = {"half": 0.5, "quarter": 0.25, "three quarters": 0.75, "three quarter": 0.75,
                  "three-quarters": 0.75, "three-quarter": 0.75}  # fmt: skip

# How a wording before the number reads it (see ``READINGS``); each row is in METHODOLOGY.md.
PREFIX_READINGS: tuple[tuple[str, str], ...] = (
    ("at least", "at_least"), ("no fewer than", "at_least"), ("no less than", "at_least"),
    ("not less than", "at_least"), ("a minimum of", "at_least"), ("min.", "at_least"),
    ("more than", "more_than"), ("over", "more_than"), ("above", "more_than"),
    ("in excess of", "more_than"), ("upwards of", "more_than"), ("well over", "more_than"),
    ("well above", "more_than"), ("topped", "more_than"), ("has topped", "more_than"),
    ("exceeded", "more_than"), ("has exceeded", "more_than"), ("surpassed", "more_than"),
    ("has surpassed", "more_than"), ("passed", "more_than"), ("has passed", "more_than"),
    ("up to", "at_most"), ("as many as", "at_most"), ("as high as", "at_most"),
    ("at most", "at_most"), ("no more than", "at_most"), ("a maximum of", "at_most"),
    ("max.", "at_most"),
    ("fewer than", "fewer_than"), ("less than", "fewer_than"), ("under", "fewer_than"),
    ("below", "fewer_than"),
    # an abbreviation ending in a full stop may run into the figure: "c.1,500", "est.1,350"; a
    # bare "est" is French for "is" ("le bilan est 12 morts"), so only "est." is read
    ("about", "approx"), ("around", "approx"), ("roughly", "approx"), ("approximately", "approx"),
    ("approx.", "approx"), ("approx", "approx"), ("an estimated", "approx"),
    ("estimated", "approx"), ("est.", "approx"), ("some", "approx"),
    ("circa", "approx"), ("c.", "approx"), ("ca.", "approx"), ("~", "approx"), ("≈", "approx"),
    ("nearly", "approx_below"), ("almost", "approx_below"), ("close to", "approx_below"),
    ("just over", "just_over"), ("just above", "just_over"), ("just more than", "just_over"),
    ("slightly more than", "just_over"), ("slightly over", "just_over"),
    ("a little over", "just_over"),
    ("just under", "just_under"), ("just below", "just_under"), ("just short of", "just_under"),
    ("just shy of", "just_under"), ("just fewer than", "just_under"),
    ("slightly fewer than", "just_under"), ("slightly less than", "just_under"),
    ("a little under", "just_under"),
)  # fmt: skip
# ... and after it: "34+", "40 or more", "10 or fewer".
SUFFIX_READINGS: tuple[tuple[str, str], ...] = (
    ("+", "at_least"), ("or more", "at_least"), ("or over", "at_least"), ("or above", "at_least"),
    ("and above", "at_least"), ("and over", "at_least"), ("plus", "at_least"),
    ("or fewer", "at_most"), ("or less", "at_most"),
    ("or so", "approx"),
)  # fmt: skip
# Each reading -> the qualifier it reports. `fewer_than` is a ceiling below the number;
# `approx_below` a band that ends at it; `just_over` / `just_under` a short step past it.
READINGS = {
    "at_least": "at_least", "more_than": "more_than", "at_most": "at_most",
    "fewer_than": "at_most", "approx": "approx", "approx_below": "approx",
    "just_over": "more_than", "just_under": "approx",
}  # fmt: skip
# Readings that need a number: "just over dozens" or "nearly 50–60" say nothing definite.
NUMBER_ONLY_READINGS = ("fewer_than", "approx_below", "just_over", "just_under")

# Words that make a figure a count so far: the toll of an incident still rising.
PROVISIONAL_PATTERNS: tuple[str, ...] = (
    r"^(?:(?:the|a) )?(?:(?:death|casualty) )?(?:toll )?(?:has |had )?"
    r"(?:rose|risen|rising|climbed|climbing|increased|jumped) to (?P<rest>.+)$",
    r"^(?:an? )?(?:preliminary|provisional|initial)(?: (?:death |casualty )?"
    r"(?:toll|count|figure|reports?))?(?: of)? (?P<rest>.+)$",
    r"^(?P<rest>.+?),? (?:so far|thus far|to date|and rising|and counting|and climbing)$",
    r"^(?:so far|thus far|to date),? (?P<rest>.+)$",
    r"^(?P<rest>.+?),? \(?(?:provisional|preliminary)\)?$",
)
# Words on how sure the source is -> the certainty they state (CERTAINTIES).
CERTAINTY_WORDS = {
    "feared": "feared", "presumed": "feared", "believed": "feared", "unconfirmed": "feared",
    "confirmed": "confirmed", "verified": "confirmed", "reported": "reported",
}  # fmt: skip
_CERTAINTY_NOTE = "|".join(CERTAINTY_WORDS)
CERTAINTY_PATTERNS: tuple[tuple[str, str], ...] = (
    # "unconfirmed reports of 20 killed": the metric word is allowed after the figure here
    (
        r"^(?:unconfirmed|uncorroborated)(?: reports?)?(?: of)? (?P<rest>.+?)"
        r"(?: (?:people |civilians )?(?:killed|dead|deaths))?$",
        "feared",
    ),
    # a table's note on the figure: "40 (confirmed)", "7 [verified]", "12, unconfirmed"
    (rf"^(?P<rest>.+?) ?[(\[] ?(?P<word>{_CERTAINTY_NOTE}) ?[)\]]$", ""),
    (rf"^(?P<rest>.+?), (?P<word>{_CERTAINTY_NOTE})$", ""),
    (r"^reportedly (?P<rest>.+)$", "reported"),
    (r"^(?:an? )?confirmed (?P<rest>.+)$", "confirmed"),
    (
        r"^(?P<rest>.+?) (?:people |persons |civilians )?(?P<word>feared|presumed|believed|"
        r"unconfirmed|confirmed|reported)(?: to (?:be|have been))?"
        r"(?: dead| killed| drowned| missing)?$",
        "",  # the word says which: feared, presumed and believed are all `feared`
    ),
)
_PROVISIONAL = tuple(re.compile(pattern) for pattern in PROVISIONAL_PATTERNS)
_CERTAINTY = tuple((re.compile(pattern), stated) for pattern, stated in CERTAINTY_PATTERNS)
# A text without any of these words carries no marker: most values skip the patterns above.
_MARKER_WORDS = re.compile(
    r"\b(?:so far|thus far|to date|rising|counting|climbing|rose|risen|climbed|increased|"
    r"jumped|preliminary|provisional|initial|unconfirmed|uncorroborated|reportedly|confirmed|"
    r"feared|presumed|believed|reported|verified)\b"
)

# "30 (25–40)", "30 (range 25-40)", "30 [25 to 40]", "30, range 25–40": a best figure with
# its bounds, as UCDP publishes best / low / high.
ESTIMATE_PATTERNS = (
    r"^(?:best(?: estimate)?:? )?(?P<best>[^()\[\]]+?)\s*[(\[]\s*(?:(?:range|est\.?(?: range)?|"
    r"estimated range|bounds?|low[–-]high)\s*:?\s*)?(?P<bounds>[^()\[\]]+?)\s*[)\]]$",
    r"^(?:best(?: estimate)?:? )?(?P<best>[^,;]+?)[,;] (?:range|bounds?)\s*:?\s*(?P<bounds>.+)$",
)
LOW_HIGH_BOUNDS = r"^low:? (?P<low>.+?),? high:? (?P<high>.+)$"
# "50–60", "50-60", "50 - 60", "50 to 60", "two or three" (after "or more" / "or so" are read)
RANGE_SEPARATORS = (r"\s*[–—]\s*", r"(?<=\d)-(?=\d)", r" - ", r" to ", r" or ")
# The grammar's patterns compiled once: a file of junk runs every one of them on each value.
_ESTIMATES = tuple(re.compile(pattern) for pattern in ESTIMATE_PATTERNS)
_LOW_HIGH = re.compile(LOW_HIGH_BOUNDS)
_SEPARATORS = tuple(re.compile(separator) for separator in RANGE_SEPARATORS)
_BETWEEN = re.compile(r"between (.+)")
_AND = re.compile(r" and ")
# A text in which no separator occurs is no range: most junk is spared the splits.
_ANY_SEPARATOR = re.compile("|".join((_AND.pattern, *RANGE_SEPARATORS)))
_DECIMAL_POINT = re.compile(r"\d\.\d")
# The press's abbreviated scales after digits: "1.5m", "2 mn", "12k".
SCALE_ABBREVIATIONS = {"m": "million", "mn": "million", "k": "thousand"}
# Scales the grammar deliberately does not read: no casualty or displacement count comes near
# a billion, so "1 billion" or "2bn" is a typing error or a figure of money, to be checked, and
# is refused with that reason rather than read.
REFUSED_SCALE_WORDS = frozenset({"billion"})
REFUSED_SCALE_ABBREVIATIONS = frozenset({"bn"})
# The scales as regex alternatives (the longest abbreviation first): every pattern below
# reads the same scales as SCALE_WORDS and SCALE_ABBREVIATIONS.
_SCALE_NAMES = "|".join(SCALE_WORDS)
_SCALE_ABBREVIATED = "|".join(sorted(SCALE_ABBREVIATIONS, key=len, reverse=True))
# A scale closing a range's figure ("15 thousand", "3m", "10k"), and any scale in the other
# (a figure grouped in thousands, "1,500", has its own).
_SHARED_SCALE = re.compile(rf"(?: (?:{_SCALE_NAMES}|dozen)| ?(?:{_SCALE_ABBREVIATED}))$")
_SCALE_WORD = re.compile(
    rf"\b(?:{_SCALE_NAMES}|dozen|{_SCALE_ABBREVIATED})\b|\d ?(?:{_SCALE_ABBREVIATED})\b"
    r"|\d[, ]\d{3}"
)
# A refused scale anywhere in a value: "1 billion", "billions", "2.5bn", "a bn".
_REFUSED_SCALE = re.compile(
    rf"\b(?:{'|'.join(sorted(REFUSED_SCALE_WORDS))})s?\b"
    rf"|(?:\b|(?<=\d))(?:{'|'.join(sorted(REFUSED_SCALE_ABBREVIATIONS))})\b"
)
# A range whose bare second figure counts the first figure's scale ("a dozen or two") spans at
# most this factor; beyond it ("a hundred to twenty") it is refused as reversed.
SHARED_SCALE_MAX_SPREAD = 10

# No casualty or displacement count comes near this; larger numbers are typing errors (and
# would overflow the 64-bit integers the reconciliation computes with).
MAX_COUNT = 10_000_000_000


@dataclass(frozen=True)
class QuantityRules:
    """The tunable parts of the grammar (documented in METHODOLOGY.md)."""

    # An approximate figure spans +/- half its rounding unit (the power of ten implied by its
    # trailing zeros: ~144,000 -> unit 1,000 -> 143,500..144,500) ...
    approx_half_unit: float = 0.5
    # ... but never less than +/-10% for numbers below this size ("about 40" -> 36..44 at
    # least), because small round numbers are rarely counted to the unit.
    approx_min_relative_band: float = 0.10
    approx_small_below: int = 1_000
    # ... and never more than +/-25%: "about 100" has one significant digit, but nobody saying
    # it means anything from 50 to 150.
    approx_max_relative_band: float = 0.25
    # "just over N" / "just under N" step at most this share of N past N, and never further
    # than "about N" would reach: "just over 100" -> 101..110, "just under 40" -> 36..39.
    just_relative_band: float = 0.10
    # Which qualifier each wording means; an analyst who reads "upwards of" as a floor that
    # includes the number can map it to "at_least" here.
    prefix_readings: tuple[tuple[str, str], ...] = field(default=PREFIX_READINGS)
    suffix_readings: tuple[tuple[str, str], ...] = field(default=SUFFIX_READINGS)

    def __post_init__(self) -> None:
        unknown = [
            f"{wording!r}: {reading!r}"
            for wording, reading in (*self.prefix_readings, *self.suffix_readings)
            if reading not in READINGS
        ]
        if unknown:
            raise ValueError(
                f"unknown reading for {', '.join(unknown)}; expected one of {', '.join(READINGS)}"
            )

    @cached_property
    def wording_patterns(self) -> dict[bool, tuple[re.Pattern[str], dict[str, str]] | None]:
        """The suffix (True) and prefix (False) wording tables as regexes, built once per rules.

        Looked up for every value read: kept here rather than in a cache keyed by the tables,
        which would hash both tables again for each value.
        """
        return {
            suffix: _wording_pattern(readings, suffix) if readings else None
            for suffix, readings in ((True, self.suffix_readings), (False, self.prefix_readings))
        }

    @cached_property
    def grammar_words(self) -> dict[str, str]:
        """Every word the grammar reads, and its wordings written as one word ('atleast').

        What a misspelt word is compared with, for the message of a value that does not read.
        """
        wordings = (wording for wording, _ in (*self.prefix_readings, *self.suffix_readings))
        words = [*UNIT_WORDS, *TEEN_WORDS, *TENS_WORDS, *NUMBER_WORDS, *ZERO_WORDS,
                 *ORDINAL_CARDINALS, *SCALE_WORDS, *FRACTION_WORDS, *GRAMMAR_GLUE_WORDS,
                 *re.findall(r"[a-z]{2,}", _MARKER_WORDS.pattern), *wordings]  # fmt: skip
        spelled: dict[str, str] = {}
        for phrase in words:
            for word in phrase.split():
                spelled.setdefault(word, word)
            spelled.setdefault(phrase.replace(" ", ""), phrase)  # 'atleast', 'morethan', 'upto'
        return {word: phrase for word, phrase in spelled.items() if re.search(r"[a-z]", word)}

    @cached_property
    def edit_indexes(self) -> dict[frozenset[str], _EditIndex]:
        """The letters that may make a run of letters a known one, per lexicon (``_one_edit``)."""
        return {}

    @cached_property
    def close_words(self) -> dict[tuple[str, frozenset[str]], str | None]:
        """Misspelt words already looked up (``_close_word``), each with the word it is close to."""
        return {}


DEFAULT_RULES = QuantityRules()


@dataclass(frozen=True)
class Quantity:
    """A parsed figure: the interval it asserts, how it was qualified, and its point value.

    ``provisional``: the text calls it a count so far ("42 so far", "the toll rose to 60").
    ``certainty``: what the text says about how sure the source is (CERTAINTIES), None when
    it says nothing.
    """

    text: str
    low: int
    high: int | None  # None = open-ended ("at least 34")
    qualifier: str
    vague: bool
    point: int
    provisional: bool = False
    certainty: str | None = None

    @property
    def high_open(self) -> bool:
        """True when the source gives no upper bound."""
        return self.high is None


def format_interval(low: object, high: object, high_open: object = False) -> str:
    """An interval as reviewers read it: '25–34+', '373,500–374,500', '34' ('' when no low)."""
    if low is None or pd.isna(low):
        return ""
    text = f"{int(low):,}"
    if high is not None and not pd.isna(high) and int(high) != int(low):
        text += f"–{int(high):,}"
    return text + ("+" if bool(high_open) else "")


class QuantityError(ValueError):
    """Value text the grammar cannot read; names the claim and the text."""

    def __init__(self, text: str, claim_id: str | None = None, reason: str = ""):
        self.text = text
        self.claim_id = claim_id
        if isinstance(text, str):
            reason = _as_written(reason, text)
        self.reason = reason
        where = f"claim {claim_id!r}: " if claim_id else ""
        detail = f" ({reason})" if reason else ""
        super().__init__(
            f"{where}cannot read value {text!r}{detail}; expected forms like '34', 'at least 34', "
            "'more than 77', 'up to 50', 'about 40', 'just under 100', '50–60', '~144,000', "
            "'30 (25–40)', 'twenty-one', '1.5 million' or a term from data/vague_quantities.csv"
        )


_QUOTED = re.compile(r"'([^']+)'")


def _as_written(reason: str, text: str) -> str:
    """A reason quoting the lower-cased value ('4o') quotes it as the analyst typed it ('4O')."""
    folded = text.lower()
    if len(folded) != len(text):  # a letter whose lower case is longer: positions would drift
        return reason

    def original(quote: re.Match[str]) -> str:
        at = folded.find(quote[1])
        return f"'{text[at : at + len(quote[1])]}'" if at >= 0 else quote[0]

    return _QUOTED.sub(original, reason)


# "144 000" with a (narrow) no-break or thin space is how French typography groups thousands,
# and "1'500" (or "1’500") how Swiss typography does
_GROUPING_SPACE = re.compile(r"(?<=\d)[\u00a0\u202f\u2009'\u2019](?=\d{3}(?!\d))")
# Digits of other scripts (Arabic-Indic "١٢", Persian "۱۲", full-width "１２") read as ASCII
# digits; so do the Arabic thousands and decimal separators and the full-width comma. The
# dashes and hyphens of typesetting read as the grammar's: a hyphen (U+2010, U+2011, in
# "twenty‑one") as "-", a figure dash, horizontal bar or minus sign between figures as "–".
_OTHER_DIGIT = re.compile(r"(?![0-9])\d")
_TYPESET = str.maketrans({
    "\u066c": ",", "\uff0c": ",", "\u066b": ".", "\u2010": "-", "\u2011": "-",
    "\u2012": "\u2013", "\u2015": "\u2013", "\u2212": "\u2013",
})  # fmt: skip
_SPACES = re.compile(r"\s+")
_DIGIT_DOZENS = re.compile(r"(\d{1,2}) dozen")
# A figure grouped in thousands starts with 1-9: "01,402" is a typing error, "0,500" a decimal
# comma. Ungrouped digits may have leading zeros ("07").
_DIGITS = re.compile(
    r"([1-9]\d{0,2}(?:,\d{3})+|[1-9]\d{0,2}(?: \d{3})+|\d+)(?:\.(\d+))?"
    rf"(?: ({_SCALE_NAMES})| ?({_SCALE_ABBREVIATED}))?"
)
_LEADING_ZERO_GROUPED = re.compile(r"(?<![\d.,])(?<!\d )0\d{0,2}(?:[, ]\d{3})+(?!\d)")


def _normalise(text: str) -> str:
    """Lower-case, single spaces, digit groups joined by commas, no trailing punctuation.

    A comparison sign starting a word before a figure reads as its words ('>1,000' as 'more
    than 1,000'): tables print the signs, and the value keeps the source's form.
    """
    if not text.isascii():
        text = _OTHER_DIGIT.sub(lambda digit: str(unicodedata.digit(digit.group())), text)
        text = text.translate(_TYPESET)
        # '6ᵗʰ', '1ᵉʳ': an ordinal's ending in superscript letters reads as written on the line
        text = _SUPERSCRIPT_ENDING.sub(lambda end: end[0].translate(_SUPERSCRIPT_LETTERS), text)
    text = _GROUPING_SPACE.sub(",", text)
    text = _SPACES.sub(" ", text.strip().lower())
    text = _SIGN_BEFORE_FIGURE.sub(lambda sign: SIGN_WORDING[sign[1]] + " ", text)
    return text.rstrip(".;:,")


# The wording each comparison sign before a figure stands for ('=' alone is refused: '=40'
# is no statement of a bound, and may be a spreadsheet formula).
SIGN_WORDING = {">": "more than", "<": "fewer than", ">=": "at least", "≥": "at least",
                "⩾": "at least", "<=": "at most", "≤": "at most", "⩽": "at most"}  # fmt: skip
_SIGN_BEFORE_FIGURE = re.compile(
    r"(?:^|(?<= ))("
    + "|".join(map(re.escape, sorted(SIGN_WORDING, key=len, reverse=True)))
    + r") ?(?=\d)"
)


def parse_number(text: str) -> int | None:
    """An integer from digits ('1,000', '1.5 million') or words ('twenty-one', 'half a million').

    None when the text is not one number; words must be in order ('five twenty' is not 25).
    """
    return _number(_normalise(text))


def _number(text: str) -> int | None:
    """``parse_number`` of text already normalised (the grammar's pieces of one value)."""
    text = text.strip()
    match = _DIGITS.fullmatch(text)
    if match:
        number, scaled = _digits_value(match)
        # "1.000" is one thousand in much of the world and one elsewhere: a decimal point
        # in a count is read only before a scale word ("1.5 million"), and only when it makes
        # whole people ("1.2k" is 1,200; "1.2345k" is no count)
        if (match.group(2) and not scaled) or number.denominator != 1:
            return None
        return int(number)
    if text in NUMBER_WORDS:
        return NUMBER_WORDS[text]
    if text in ZERO_WORDS:
        return ZERO_WORDS[text]
    ordinal = _ordinal_number(text)
    if ordinal is not None:
        return ordinal
    dozens = _DIGIT_DOZENS.fullmatch(text)
    if dozens:
        return int(dozens.group(1)) * 12  # "2 dozen", as "two dozen"
    if not text[:1].isalpha():
        return None  # words start with a letter: '40 killed', '(25–40)' are not numbers
    return _fraction_of_scale(text) or _number_in_words(text)


def _digits_value(match: re.Match[str]) -> tuple[Fraction, bool]:
    """The exact value of a ``_DIGITS`` match ('1.2k' -> 1200), and whether a scale closed it."""
    whole, fraction, scale, abbreviation = match.groups()
    scale = SCALE_ABBREVIATIONS[abbreviation] if abbreviation else scale
    digits = whole.replace(",", "").replace(" ", "") + ("." + fraction if fraction else "")
    return Fraction(digits) * SCALE_WORDS.get(scale, 1), scale is not None


_FRACTION_SCALES = {**SCALE_WORDS, "dozen": 12}
# What one of each scale a range's first figure may close with counts ("a dozen" -> 12).
_SCALE_UNITS = {**_FRACTION_SCALES, **{a: SCALE_WORDS[w] for a, w in SCALE_ABBREVIATIONS.items()}}
_FRACTION_OF = re.compile(rf"(?:a |one )?({'|'.join(FRACTION_WORDS)})(?: of)? (?:a|an|one) (\w+)")
_AND_A_HALF = re.compile(r"(.+) and a half (\w+)")


def _fraction_of_scale(text: str) -> int | None:
    """'half a million', 'a quarter of a million', 'two and a half million', 'half a dozen'."""
    match = _FRACTION_OF.fullmatch(text)
    if match and match.group(2) in _FRACTION_SCALES:
        return round(FRACTION_WORDS[match.group(1)] * _FRACTION_SCALES[match.group(2)])
    match = _AND_A_HALF.fullmatch(text)
    if match and match.group(2) in _FRACTION_SCALES:
        whole = _number(match.group(1))
        if whole is not None:
            return round((whole + 0.5) * _FRACTION_SCALES[match.group(2)])
    return None


def _number_in_words(text: str) -> int | None:
    """A number written in words, scales descending: 'one hundred and twenty-five' -> 125."""
    tokens = text.replace("-", " ").split()
    if not tokens:
        return None
    if len(tokens) >= 2 and tokens[-1] == "dozen":  # "two dozen", "a dozen"
        count = _below_hundred(tokens[:-1], 0)
        return count[0] * 12 if count and count[1] == len(tokens) - 1 else None
    total, position, last_scale = 0, 0, math.inf
    while position < len(tokens):
        group = _group(tokens, position)
        if group is None:
            return None
        value, position = group
        scale = SCALE_WORDS.get(tokens[position]) if position < len(tokens) else None
        if scale in (1_000, 1_000_000):
            if scale >= last_scale:
                return None  # "two thousand three thousand"
            total, last_scale, position = total + value * scale, scale, position + 1
            if position < len(tokens) - 1 and tokens[position] == "and":
                position += 1  # "a thousand and five"
        elif position == len(tokens) and value < last_scale:
            total += value
        else:
            return None
    return total


def _group(tokens: list[str], position: int) -> tuple[int, int] | None:
    """A number below a thousand (or 'fifteen hundred') at ``position``: (value, next)."""
    small = _below_hundred(tokens, position)
    if small is None:
        return None
    value, position = small
    if position < len(tokens) and tokens[position] == "hundred":
        value, position = value * 100, position + 1
        after = position + 1 if position < len(tokens) and tokens[position] == "and" else position
        rest = _below_hundred(tokens, after)
        if rest is not None and tokens[after] not in ("a", "an"):
            value, position = value + rest[0], rest[1]
        elif after != position:
            return None  # "a hundred and"
    return value, position


def _below_hundred(tokens: list[str], position: int) -> tuple[int, int] | None:
    """1..99 in words at ``position`` ('twenty one', 'seventeen', 'a' before a scale)."""
    if position >= len(tokens):
        return None
    word = tokens[position]
    after = tokens[position + 1] if position + 1 < len(tokens) else None
    if word in ("a", "an"):
        return (1, position + 1) if after in (*SCALE_WORDS, "dozen") else None
    if word in TENS_WORDS:
        if after in UNIT_WORDS:
            return TENS_WORDS[word] + UNIT_WORDS[after], position + 2
        return TENS_WORDS[word], position + 1
    if word in TEEN_WORDS:
        return TEEN_WORDS[word], position + 1
    if word in UNIT_WORDS:
        return UNIT_WORDS[word], position + 1
    return None


# Ordinals read as the running total they state, whatever their form: "the 6th French soldier
# to die", "the sixth" and "the twenty-first" are six and twenty-one so far. Every ordinal word
# is made from a cardinal the grammar reads: 'six' -> 'sixth', 'twenty' -> 'twentieth'.
_IRREGULAR_ORDINALS = {"one": "first", "two": "second", "three": "third", "five": "fifth",
                       "eight": "eighth", "nine": "ninth", "twelve": "twelfth"}  # fmt: skip


def _ordinal_of(cardinal: str) -> str:
    """The ordinal word of a cardinal word: 'six' -> 'sixth', 'forty' -> 'fortieth'."""
    if cardinal in _IRREGULAR_ORDINALS:
        return _IRREGULAR_ORDINALS[cardinal]
    return cardinal[:-1] + "ieth" if cardinal.endswith("y") else cardinal + "th"


# 'sixth' -> 'six', 'twentieth' -> 'twenty', 'hundredth' -> 'hundred' (ORDINAL_WORDS among them)
ORDINAL_CARDINALS = {
    _ordinal_of(word): word for word in (*UNIT_WORDS, *TEEN_WORDS, *TENS_WORDS, *SCALE_WORDS)
}
# The endings a digit ordinal may take, each with the numbers it is right for: English '1st',
# '2nd', '3rd', '4th' (but '11th', '12th', '13th', '21st'); French '1er' / '1re' / '1ère'
# (premier, première) and '2ème' for the others; Spanish '1er', '3er' (primer, tercer); Spanish,
# Portuguese and Italian '2º', '2ª', '2.º' for any. A lone 'e' ('3e') is not read: see
# ``_ordinal``.
_ORDINAL_DIGITS = re.compile(
    r"([1-9]\d{0,2}(?:,\d{3})+|[1-9]\d{0,2}(?: \d{3})+|[1-9]\d*)"
    r"(st|nd|rd|th|er|re|ère|ere|ème|eme|\.?º|\.?ª)"
)
_ENGLISH_ORDINAL_ENDINGS = ("st", "nd", "rd", "th")
_ORDINAL_ENDINGS = ("st", "nd", "rd", "th", "er", "re", "ère", "ere", "ème", "eme", "º", "ª")
_FIRST_ONLY_ENDINGS = ("re", "ère", "ere")  # French première
_ORDINAL_LAST_LETTERS = frozenset("tdhreºª")  # how every ordinal ends: most text is spared
_SUPERSCRIPT_LETTERS = str.maketrans("ˢᵗⁿᵈʳʰᵉᵐ", "stndrhem")
_SUPERSCRIPT_ENDING = re.compile(r"(?<=\d)[ˢᵗⁿᵈʳʰᵉᵐ]+(?![^\W\d_])")


def _ordinal_ending(number: int, written: str) -> str:
    """The ending the digit ordinal of ``number`` takes in the language of ``written``.

    English for 'st', 'nd', 'rd' and 'th' (21 -> 'st', 12 -> 'th'); French for the others
    ('er' for 1, 'ème' beyond); 'º' and 'ª' fit every number.
    """
    if written in _ENGLISH_ORDINAL_ENDINGS:
        if number % 100 in (11, 12, 13):
            return "th"
        return {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    if written.lstrip(".") in ("º", "ª"):
        return written
    if written == "er" and number == 3:
        return written  # Spanish tercer
    if number == 1:
        return written if written in (*_FIRST_ONLY_ENDINGS, "er") else "er"
    return written if written in ("ème", "eme") else "ème"


def _ordinal_number(text: str) -> int | None:
    """The running total an ordinal states ('6th', '21st', 'twenty-first', '3ème'), or None.

    A digit ordinal reads only with the ending its number takes ('1th' and '11st' do not
    read); an ordinal in words is a cardinal the grammar reads with its last word made ordinal
    ('one hundred and first' is 101; 'hundredth' alone is one hundredth). 'A sixth' or 'a
    hundredth' is a fraction, not read.
    """
    if not text or text[-1] not in _ORDINAL_LAST_LETTERS:
        return None
    text = text.removeprefix("the ")  # "the sixth", as a headline has it
    digits = _ORDINAL_DIGITS.fullmatch(text)
    if digits:
        number = int(digits.group(1).replace(",", "").replace(" ", ""))
        return number if _ordinal_ending(number, digits.group(2)) == digits.group(2) else None
    at = max(text.rfind(" "), text.rfind("-"))
    head, cardinal = text[: max(at, 0)], ORDINAL_CARDINALS.get(text[at + 1 :])
    if cardinal is None or head in ("a", "an"):
        return None  # 'a sixth', 'a hundredth': a fraction
    if not head:
        return SCALE_WORDS.get(cardinal) or _number_in_words(cardinal)
    return _number_in_words(f"{head} {cardinal}")


def rounding_unit(number: int) -> int:
    """The power of ten implied by trailing zeros: 144,000 -> 1,000; 40 -> 10; 45 -> 1."""
    if number == 0:
        return 1
    unit = 1
    while number % (unit * 10) == 0:
        unit *= 10
    return unit


def approx_band(number: int, rules: QuantityRules = DEFAULT_RULES) -> tuple[int, int]:
    """The interval an approximate figure stands for (see ``QuantityRules``)."""
    half = rounding_unit(number) * rules.approx_half_unit
    if number < rules.approx_small_below:
        half = max(half, number * rules.approx_min_relative_band)
    half = min(half, max(number * rules.approx_max_relative_band, rules.approx_half_unit))
    return max(0, math.floor(number - half)), math.ceil(number + half)


def just_step(number: int, rules: QuantityRules = DEFAULT_RULES) -> int:
    """How far "just over" / "just under" ``number`` reaches past it (at least one person)."""
    band_high = approx_band(number, rules)[1]
    return max(1, min(band_high - number, math.ceil(number * rules.just_relative_band)))


def _wording_pattern(
    readings: tuple[tuple[str, str], ...], suffix: bool
) -> tuple[re.Pattern[str], dict[str, str]]:
    """One regex for a wording table, longest wording first; symbols ('~', '+') need no space.

    Nor does an abbreviation's full stop before the number ('c.1,500'). Returned with the
    table as a dict (wording -> reading); see ``QuantityRules.wording_patterns``.
    """
    alternatives = []
    for wording, _ in sorted(readings, key=lambda pair: len(pair[0]), reverse=True):
        # a symbol needs no space ('34+'); a word after the number may be hyphenated ('300-plus')
        space = r"\s*" if not re.search(r"\w", wording) else "[ -]" if suffix else " "
        space = " ?" if not suffix and wording.endswith(".") else space
        alternatives.append(space + re.escape(wording) if suffix else re.escape(wording) + space)
    body = "|".join(alternatives)
    return re.compile(rf"(.+?)({body})" if suffix else rf"({body})(.+)"), dict(readings)


def _strip_wording(text: str, rules: QuantityRules, suffix: bool) -> tuple[str, str, str] | None:
    """(wording, reading, rest) for the longest wording ``text`` starts (or ends) with."""
    table = rules.wording_patterns[suffix]
    if table is None:
        return None
    pattern, reading_of = table
    match = pattern.fullmatch(text)
    if match is None:
        return None
    rest, wording = match.groups() if suffix else match.groups()[::-1]
    wording = wording.strip()
    wording = wording[1:] if suffix and wording.startswith("-") else wording  # '300-plus'
    return wording, reading_of[wording], rest.strip()


def _vague(text: str, lexicon: Mapping[str, tuple[int, int]]) -> tuple[int, int] | None:
    """A lexicon term, with the 'of' of "scores of" / "hundreds of" read."""
    return lexicon.get(text[:-3] if text.endswith(" of") else text)


def _range(text: str) -> tuple[int, int] | None:
    """'50–60', '50 to 60', 'between fifty and sixty', 'one hundred to one hundred and ten'."""
    return next(((low, high) for low, high in _range_ends(text) if low <= high), None)


def _range_ends(text: str) -> Iterator[tuple[int, int]]:
    """Each way ``text`` splits into two numbers at a range separator, in the order tried."""
    if not _ANY_SEPARATOR.search(text):
        return
    between = _BETWEEN.fullmatch(text)
    separators = (_AND, *_SEPARATORS) if between else _SEPARATORS
    body = between.group(1) if between else text
    for separator in separators:
        # try every split: "one hundred and five to one hundred and ten" has several "and"s
        for match in separator.finditer(body):
            low_text, high_text = body[: match.start()], body[match.end() :]
            high = _number(high_text)
            if high is None:
                continue
            # "10-15 thousand", "two to three million": the scale after the second figure
            # is the first one's too; read literally, "10-15 thousand" would be 10–15,000
            scale = _SHARED_SCALE.search(high_text)
            shares_scale = scale is not None and not _SCALE_WORD.search(low_text)
            low = _number(low_text.rstrip() + scale.group(0) if shares_scale else low_text)
            if low is None:
                continue
            yield low, high
            # "a dozen or two", "two hundred to three", "5k-10": a scale closing the first
            # figure counts a bare second figure below one of it too. Tried after the literal
            # reading, so "one hundred to 150" and "half a dozen to ten" read as written.
            first_scale = _SHARED_SCALE.search(low_text)
            if (
                first_scale
                and not _SCALE_WORD.search(high_text)
                and high < _SCALE_UNITS[first_scale.group(0).strip()]
            ):
                scaled = _number(high_text.rstrip() + first_scale.group(0))
                # "a hundred to twenty" is no "100 to 2,000": the second figure is a count of
                # the first's scale only while the range stays within a tenfold
                if scaled is not None and low < scaled <= low * SHARED_SCALE_MAX_SPREAD:
                    yield low, scaled


def _base(text: str, lexicon: Mapping[str, tuple[int, int]]) -> tuple[int, int, bool, str] | None:
    """An unqualified number, range or vague term -> (low, high, vague, kind)."""
    if text.startswith("the ") and text.endswith(" mark"):
        text = text[4:-5]  # "topped the 1,000 mark"
    number = _number(text)
    if number is not None:
        return number, number, False, "exact"
    vague = _vague(text, lexicon)
    if vague is not None:
        return vague[0], vague[1], True, "vague"
    bounds = _range(text)
    if bounds is not None:
        return bounds[0], bounds[1], False, "range"
    return None


# A wording a table writes after its figure, in brackets: "50 (approx.)", "1,200 (est.)",
# "30 (at least)" read as the wording before the figure ("approx. 50").
_BRACKETED_WORDING = re.compile(
    r"(?P<figure>.+?) ?[(\[] ?(?P<wording>"
    + "|".join(re.escape(w) for w, _ in sorted(PREFIX_READINGS, key=lambda p: -len(p[0])))
    + r") ?[)\]]"
)


def _markers(clean: str) -> tuple[str, bool, str | None]:
    """Strip the words that say 'count so far' or how sure the source is, in any order."""
    bracketed = _BRACKETED_WORDING.fullmatch(clean)
    if bracketed:
        clean = f"{bracketed['wording']} {bracketed['figure']}"
    provisional, certainty = False, None
    changed = _MARKER_WORDS.search(clean) is not None
    while changed:
        changed = False
        for pattern in _PROVISIONAL:
            match = pattern.fullmatch(clean)
            if match:
                clean, provisional, changed = match.group("rest").strip(), True, True
        for pattern, stated in _CERTAINTY:
            match = pattern.fullmatch(clean)
            if match:
                word = match.groupdict().get("word")
                certainty = CERTAINTY_WORDS[word] if word else stated
                clean, changed = match.group("rest").strip(), True
    return clean, provisional, certainty


# "10–15,000": a short first figure before one grouped in thousands, at any range separator
# the grammar reads ("10 to 15,000", "between 10 and 15,000").
_SHORT_BEFORE_THOUSANDS = re.compile(
    rf"(?<![\d.,])(\d{{1,3}})(?:{_ANY_SEPARATOR.pattern})(\d{{1,3}}(?:[, ]\d{{3}})+)(?![\d.,])"
)


def thousands_unclear(text: str) -> bool:
    """Whether a range reads as written but may mean thousands: '10–15,000' (10,000–15,000?).

    Not when the first figure in thousands would no longer be below the second: '300
    (5–1,200)' and '1–1,000' can only mean what they say.
    """
    for match in _SHORT_BEFORE_THOUSANDS.finditer(_normalise(text)):
        if int(match[1]) * 1000 < int(re.sub(r"\D", "", match[2])):
            return True
    return False


def parse_quantity(
    text: str,
    lexicon: Mapping[str, tuple[int, int]] | None = None,
    rules: QuantityRules = DEFAULT_RULES,
    claim_id: str | None = None,
) -> Quantity:
    """Read one value text into a ``Quantity``; unreadable text raises QuantityError."""
    return _parse(text, lexicon or {}, rules, claim_id, explain=True)


def _parse(
    text: str,
    lexicon: Mapping[str, tuple[int, int]],
    rules: QuantityRules,
    claim_id: str | None,
    explain: bool,
    edits: bool = True,
) -> Quantity:
    """``parse_quantity``; ``explain`` False leaves the reason out (a correction being tried).

    ``edits`` False: the reason proposes no value one edit away (``_one_edit``).
    """
    if not isinstance(text, str) or not text.strip():
        raise QuantityError(str(text), claim_id, "empty value")
    normalised = _normalise(text)
    clean, provisional, certainty = _markers(normalised)
    low, high, qualifier, vague, point = _read(
        text, clean, lexicon, rules, claim_id, explain, whole=normalised if edits else ""
    )
    if max(low, high or 0) > MAX_COUNT:
        raise QuantityError(text, claim_id, f"larger than {MAX_COUNT:,} people")
    return Quantity(text, low, high, qualifier, vague, point, provisional, certainty)


def _reads(text: str, lexicon: Mapping[str, tuple[int, int]], rules: QuantityRules) -> bool:
    """Whether ``text`` reads: how a message checks the correction it suggests."""
    try:
        _parse(text, lexicon, rules, None, explain=False)
    except QuantityError:
        return False
    return True


Reading = tuple[int, int | None, str, bool, int]  # low, high, qualifier, vague, point


def _read(
    text: str,
    clean: str,
    lexicon: Mapping[str, tuple[int, int]],
    rules: QuantityRules,
    claim_id: str | None,
    explain: bool = True,
    whole: str = "",
) -> Reading:
    """The interval, qualifier, vague flag and point value of the figure in ``clean``.

    ``whole``: the value normalised (``clean`` is without its count-so-far and certainty
    words), which a correction proposed in the reason is made to.
    """
    estimate = _estimate(text, clean, claim_id)
    if estimate is not None:
        return estimate
    stripped = _strip_wording(clean, rules, suffix=True) or _strip_wording(
        clean, rules, suffix=False
    )
    if stripped:
        wording, reading, rest = stripped
        base = _base(rest, lexicon)
        if base is None:
            otherwise = f"nothing readable after {wording!r}"
            reason = _why_unreadable(rest, otherwise, lexicon, rules, whole) if explain else ""
            raise QuantityError(text, claim_id, reason)
        if base[3] != "exact" and reading in NUMBER_ONLY_READINGS:
            raise QuantityError(
                text, claim_id, f"{wording!r} is read before a number, not a range or vague word"
            )
        return _qualify(text, reading, *base, rules=rules, claim_id=claim_id)
    base = _base(clean, lexicon)
    if base is None:
        reason = _why_unreadable(clean, "", lexicon, rules, whole) if explain else ""
        raise QuantityError(text, claim_id, reason)
    low, high, vague, kind = base
    point = low if vague else round((low + high) / 2 + 1e-9) if kind == "range" else low
    return low, high, kind, vague, point


def _estimate(text: str, clean: str, claim_id: str | None) -> Reading | None:
    """A best figure with its bounds ('30 (25–40)'): [25, 40], point 30; None if not one."""
    for pattern in _ESTIMATES:
        match = pattern.fullmatch(clean)
        if match:
            break
    else:
        return None
    best = _number(match.group("best"))
    low_high = _LOW_HIGH.fullmatch(match.group("bounds"))
    if low_high:
        low, high = _number(low_high.group("low")), _number(low_high.group("high"))
        bounds = (low, high) if low is not None and high is not None and low <= high else None
    else:
        bounds = _range(match.group("bounds"))
    if best is not None and bounds is None and not low_high:
        reversed_bounds = next(_range_ends(match.group("bounds")), None)
        if reversed_bounds is not None:
            high, low = reversed_bounds
            raise QuantityError(
                text,
                claim_id,
                f"the bounds are reversed: write the lower first, as {low:,}–{high:,}",
            )
    if best is None or bounds is None:
        raise QuantityError(
            text, claim_id, "a best figure with bounds reads as a number, then a range in brackets"
        )
    if not bounds[0] <= best <= bounds[1]:
        raise QuantityError(
            text,
            claim_id,
            f"the best figure {best:,} lies outside its bounds {bounds[0]:,}–{bounds[1]:,}",
        )
    return bounds[0], bounds[1], "estimate", False, best


def _why_unreadable(
    text: str,
    otherwise: str = "",
    lexicon: Mapping[str, tuple[int, int]] | None = None,
    rules: QuantityRules = DEFAULT_RULES,
    whole: str = "",
) -> str:
    """The most likely reason a text did not read, for the error message.

    The one source of every reason: the loader's located messages (exit 2), the data-quality
    rule ``value_parses`` and extraction's review notes all show what this returns. When no
    rule explains it, a value one character away that reads is proposed (``_one_edit``) for
    ``whole``, the value as normalised (``text`` may be only its figure, without its wording).
    """
    lexicon = lexicon or {}
    refused_scale = _REFUSED_SCALE.search(text)
    if refused_scale:
        return (
            f"{refused_scale.group(0)!r} is not a casualty-scale figure: no count of people "
            "killed or displaced comes near a billion, so the grammar has no billion scale; "
            "check it against the source (a typing error? money?) and, if it is right, write "
            "it out in digits"
        )
    leading_zero = _LEADING_ZERO_GROUPED.search(text)
    if leading_zero:
        return (
            f"{leading_zero.group(0)!r} is grouped in thousands but has a leading zero: a "
            "typing error, or a decimal comma"
        )
    for pattern, reason in _UNREAD_FORMS if _UNREAD_FORM_SIGNS.search(text) else ():
        form = pattern.search(text)
        if form:
            return reason(form)
    for sign, mistake in _MISTAKES:
        reason = mistake(text, lexicon, rules) if sign.search(text) else None
        if reason:
            return reason
    for match in _DIGITS.finditer(text):
        number, scaled = _digits_value(match)
        if scaled and number.denominator != 1 and not text[match.end() :][:1].isalnum():
            return f"{match.group(0)!r} is {float(number):,g} people, not a whole number"
    dotted = _THOUSANDS_DOT.search(text)
    if dotted:
        grouped = dotted.group(0).replace(".", ",")
        return (
            f"a decimal point in a count is ambiguous: {dotted.group(0)!r} is {grouped} with "
            "the thousands dot of much of the world, and a decimal elsewhere; write "
            f"{grouped} if the source means that"
        )
    if _DECIMAL_POINT.search(text):
        return "a decimal point in a count is ambiguous (1.000 may mean one thousand)"
    # no split read as a range, so any two numbers around a separator are high before low
    ends = next(_range_ends(text), None)
    if ends is not None:
        high, low = ends
        return f"the range is reversed: write the lower figure first, as {low:,}–{high:,}"
    misspelt = _misspelt(text, lexicon, rules)
    if misspelt:
        return misspelt
    words = _words_after_figure(text)
    if words:
        return (
            f"words after the figure: {words!r}; who is counted and what happened to them "
            "have their own columns (metric, population, subgroup, group), so value holds "
            "only the figure"
        )
    if not re.search(r"\d", text) and not any(
        _number(word) is not None or any(word in term.split() for term in lexicon)
        for word in text.replace("-", " ").split()
    ):
        no_figure = (
            "no figure: neither digits, a number word nor a term of "
            "data/vague_quantities.csv (add a vague term there with its low and high; a "
            "source that gives no figure makes no claim)"
        )
        return f"{otherwise}, {no_figure}" if otherwise else no_figure
    # only for the value itself: a message already naming one mistake proposes no second edit
    edited = _one_edit(whole, lexicon, rules) if whole else None
    if edited:
        return f"{otherwise}; {edited}" if otherwise else edited
    return otherwise


def _margin(form: re.Match[str]) -> str:
    """Why '40 ± 5' is refused, with the estimate form it would be written in."""
    best, margin = _number(form.group(1)), _number(form.group(2))
    written = (
        f"{best:,} ({max(0, best - margin):,}–{best + margin:,})"
        if best is not None and margin is not None
        else "40 (35–45)"
    )
    return (
        f"a margin ({form.group(0).strip()!r}) is not read: a best figure with its bounds is "
        f"written as {written}"
    )


def _lakhs(form: re.Match[str]) -> str:
    """Why '1,00,000' is refused, with the figure grouped in thousands."""
    return (
        f"{form.group(0)!r} is grouped in lakhs and crores (South Asian style), which the "
        f"grammar does not read: write {int(form.group(0).replace(',', '')):,} if the source "
        "means that"
    )


def _comparison(form: re.Match[str]) -> str:
    """Why '=40' is refused (the signs of a bound read as their words), and what to write."""
    sign, figure = form.groups()
    return f"the sign {sign!r} is not read: write {figure!r}"


# Forms the grammar refuses on purpose, each with what to write instead (the reason shown).
_UNREAD_FORMS: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], str]], ...] = (
    # bounded figures, each from a word's start: a long value is searched in linear time
    (re.compile(r"(?<!\S)(\S{1,40}?) ?(?:±|\+/-|\+-|\+ / -) ?(\S{1,40})"), _margin),
    (re.compile(r"(?<![\d,])[1-9]\d?(?:,\d{2})+,\d{3}(?![\d,])"), _lakhs),
    (
        re.compile(r"\b(?:lakhs?|crores?)\b"),
        lambda form: (
            f"{form.group(0)!r} is not read: write the figure in digits (a lakh is "
            "100,000, a crore 10,000,000)"
        ),
    ),
    (
        re.compile(r"\d ?%|\bper ?cent\b|\bpercent\b"),
        lambda form: (
            "a percentage is not a count of people: value holds a number of people "
            "(record the count the share stands for, or leave the claim out)"
        ),
    ),
    (re.compile(r"^(=) ?(\d.*)$"), _comparison),
    (
        re.compile(r"^\+ ?(\d\S*)$"),
        lambda form: (
            f"a '+' before the figure is not read: write {form.group(1)!r}, or "
            f"'{form.group(1)}+' for at least {form.group(1)}"
        ),
    ),
    (
        re.compile(r"^[-–—] ?\d"),
        lambda form: "a count of people is never negative (or the range lacks its first figure)",
    ),
    (
        re.compile(r"^[(\[\"'“‘«].*[)\]\"'”’»]$"),
        lambda form: "the figure is inside brackets or quotes: value holds the figure alone",
    ),
    (
        re.compile(r"(?<![\w.])(\d+(?:\.\d+)?)e\+?(\d{1,2})\b"),
        lambda form: (
            f"{form.group(0)!r} is written in scientific notation: write the figure in digits "
            f"({float(form.group(1)) * 10 ** int(form.group(2)):,.0f})"
        ),
    ),
    (
        re.compile(r"\d\s*\?"),
        lambda form: (
            "a question mark is not read: write the figure, and say how sure the "
            "source is in the claim's certainty column (feared, reported, confirmed)"
        ),
    ),
)
# A text without any of these signs or words is none of the forms above: junk skips them.
_UNREAD_FORM_SIGNS = re.compile(r"[±%<>=≥≤(\[\"'“‘«?,+\-–—]|lakh|crore|cent|\de")
_THOUSANDS_DOT = re.compile(r"(?<![\d.])[1-9]\d{0,2}(?:\.\d{3})+(?![\d.])")


# digits in groups: '1 2345', '1,234,56', '1,234 567', '1,,000' (lakhs are refused before)
_DIGIT_GROUPS = re.compile(r"(?<![\d.])\d{1,30}(?:[,'’ ]{1,3}\d{1,30})+(?![\d.])")


def _misgrouped_digits(text: str, lexicon: Mapping, rules: QuantityRules) -> str | None:
    """The first figure in ``text`` whose digit groups are not thousands, and why."""
    for form in _DIGIT_GROUPS.finditer(text):
        reason = _misgrouped(form)
        if reason:
            return reason
    return None


def _misgrouped(form: re.Match[str]) -> str | None:
    """Why digits in groups that are not thousands ('1 2345', '1,234,56') are refused.

    With the readings the typist most likely meant: the digits joined (a stray separator) and,
    when the last group has a digit too many, the figure without it.
    """
    run = form.group(0)
    groups, separators = re.split(r"[,'’ ]+", run), re.findall(r"[,'’ ]+", run)
    joined = "".join(groups)
    first_group = re.fullmatch(r"[1-9]\d{0,2}", groups[0]) is not None
    if first_group and all(len(group) == 3 for group in groups[1:]):
        if len(set(separators)) == 1 and separators[0] in (",", " "):
            return None  # grouped in thousands: whatever is wrong with the value, not this
        marks = " and ".join(map(repr, dict.fromkeys(separators)))
        return (
            f"{run!r} separates its digit groups with {marks}: write {int(joined):,} (one "
            "comma, or one space, between groups of three)"
        )
    if any("," in mark and " " in mark for mark in separators):
        return None  # '40, 50': two figures, not one grouped ('_unread_separator')
    names = {",": "comma", " ": "space", "'": "apostrophe", "’": "apostrophe"}
    name = names.get(separators[0], "separator") if len(set(separators)) == 1 else "separator"
    cause = ""
    if separators == [","]:
        cause = ": a decimal comma, or a typing error"
    meant = [joined] if int(joined) <= MAX_COUNT else []
    if first_group and all(len(group) == 3 for group in groups[1:-1]) and len(groups[-1]) > 3:
        meant.append(run[: len(run) - len(groups[-1]) + 3])  # '1 2345' may be 1 234 and a 5
    two = ""
    low, high = sorted(int(group) for group in groups) if len(groups) == 2 else (0, 0)
    if separators == [" "] and len(groups[1]) < 3 and low < high:
        two = f"; two figures are no value: a range is written {low:,}–{high:,}"
    return (
        f"{run!r} is not grouped in thousands (three digits after each {name}){cause}"
        + (f"; did you mean {' or '.join(meant)}?" if meant else "")
        + two
    )


# ------------------------------------------------------------------------------------------
# Mistakes made typing a figure, each with its own message (see ``_why_unreadable``). Each
# takes the normalised text, the lexicon and the rules, and returns a reason or None; a
# correction it suggests is one the grammar reads.
# ------------------------------------------------------------------------------------------

# '.5 million', ',200': a separator with no digit before it
_SEPARATOR_FIRST = re.compile(r"(?<![\w.,])[.,]\d[\d,.]*")
# '1th', '2st', '07th', '3e': a figure with an ordinal's ending (those that read are the others)
_DIGIT_ORDINAL = re.compile(
    r"(?<![\w.,])(\d{1,3}(?:,\d{3})+|\d+)(st|nd|rd|th|ère|ere|ème|eme|er|re|e|\.?º|\.?ª)(?!\w)"
)
# 'a sixth', 'an eighth', 'a hundredth': a fraction
_FRACTION_ORDINAL = re.compile(r"an? ([a-z]+)")
# '100s', '1,000s', "1990's": a figure made plural
_PLURAL_FIGURE = re.compile(r"(?<![\w.,])(\d{1,3}(?:,\d{3})+|\d+)['’]?s(?!\w)")
_PLURAL_WORDS = {10: "tens", 100: "hundreds", 1_000: "thousands", 1_000_000: "millions"}
# letters that look like digits, typed among them: '4O', 'l00', '1,OOO'
_LOOKALIKE_DIGITS = str.maketrans("oli", "011")
_LOOKALIKE = re.compile(r"(?<![\w.,])(?=[\d,.]*[oli])(?=[oli,.]*\d)[\doli][\doli,.]*(?!\w)")
# letters and digits run together: 'about40', 'over100', '40x', 'x40' (not '12k', '1.5m')
_GLUED = re.compile(r"(?<![\w.,])([a-z]+)(\d[\d,.]*)(?!\w)|(?<![\w.,])(\d[\d,.]*)([a-z]+)(?!\w)")
# marks between two figures that are no range separator: '40/50', '40 & 50', '50––60', '40, 50'
_ODD_SEPARATOR = re.compile(r"(?<=\w)( ?)([^\w\s]{1,3}|&)( ?)(?=\w)")
_READ_SEPARATORS = frozenset({"-", "–", "—", ".", ",", "'", "’"})
# the symbols the grammar reads somewhere in a value; any other mark is a stray one
_GRAMMAR_MARKS = frozenset(",.-–—+~≈()[]:;")
_FOOTNOTE_MARKS = frozenset("*†‡§")
_NOT_PLAIN = re.compile(r"[^a-z0-9 ]")
MAX_STRAY_MARKS = 4  # marks tried off each end of a value


def _separator_first(text: str, lexicon: Mapping, rules: QuantityRules) -> str | None:
    """'.5 million', ',200': a digit is missing before the first separator."""
    form = _SEPARATOR_FIRST.search(text)
    if form is None:
        return None
    written = form.group(0)
    decimal = f"0{written}? " if written[0] == "." else ""
    return (
        f"{written!r} starts with {written[0]!r}: a digit is missing before it "
        f"({decimal}a figure cut short?)"
    )


def _ordinal(text: str, lexicon: Mapping, rules: QuantityRules) -> str | None:
    """'1th', '11st', '2er': an ordinal with the wrong ending; '3e'; 'a sixth', a fraction.

    Ordinals with the ending their number takes read (``_ordinal_number``): these do not.
    """
    for form in _DIGIT_ORDINAL.finditer(text):
        written, digits, ending = form.group(0), form.group(1), form.group(2)
        number = int(digits.replace(",", ""))
        if _ordinal_number(written) is not None:
            continue  # it reads: whatever is wrong with the value, not this
        if number == 0:
            return f"{written!r} is no ordinal: ranks count from the first (1st)"
        right = (f"{number:,}" if "," in digits else str(number)) + _ordinal_ending(number, ending)
        if ending == "e":
            return (
                f"{written!r} is not read: a lone 'e' after a figure may be a French ordinal, but "
                "also a key slipped (e lies under 3 and 4) or scientific notation cut short; "
                f"write {right!r} for the ordinal (read as {number:,} so far), or the figure alone"
            )
        wrong = "has a leading zero" if right.endswith(ending) else "has the wrong ending"
        corrected = text[: form.start()] + right + text[form.end() :]
        if _reads(corrected, lexicon, rules):
            return f"{written!r} is an ordinal that {wrong}: did you mean {corrected!r}?"
        return f"{written!r} is an ordinal that {wrong}: {number:,} is written {right!r}"
    fraction = _FRACTION_ORDINAL.fullmatch(text)
    # 'a third' is a share; 'a first' and 'a second' are no fraction, and no figure either
    if fraction and fraction.group(1) in ORDINAL_CARDINALS.keys() - {"first", "second"}:
        return (
            f"{text!r} is a fraction, not a number of people (an ordinal alone, "
            f"{fraction.group(1)!r}, reads as a running total)"
        )
    return None


def _plural_figure(text: str, lexicon: Mapping, rules: QuantityRules) -> str | None:
    """'100s', '1,000s', '1990s': a figure takes no plural."""
    form = _PLURAL_FIGURE.search(text)
    if form is None:
        return None
    number = int(form.group(1).replace(",", ""))
    word = _PLURAL_WORDS.get(number)
    if word is not None:
        term = (
            f"the vague term {word!r} (data/vague_quantities.csv)"
            if word in lexicon
            else f"a figure, or add {word!r} to data/vague_quantities.csv with its low and high"
        )
        return f"{form.group(0)!r} is a figure made plural: write {term}"
    if 1000 <= number <= 2100 and number % 10 == 0:
        return f"{form.group(0)!r} is a decade, not a number of people"
    return f"{form.group(0)!r} is a figure made plural: a count takes no 's' (write {number:,})"


def _lookalike(text: str, lexicon: Mapping, rules: QuantityRules) -> str | None:
    """'4O', 'l00': the letter O, l or I typed for the digit 0 or 1."""
    for form in _LOOKALIKE.finditer(text):
        digits = form.group(0).translate(_LOOKALIKE_DIGITS)
        if _number(digits) is not None:
            letters = ", ".join(repr(c) for c in dict.fromkeys(form.group(0)) if c in "oli")
            return (
                f"{form.group(0)!r} has the letter {letters} among its digits: did you mean "
                f"{digits}?"
            )
    return None


def _glued(text: str, lexicon: Mapping, rules: QuantityRules) -> str | None:
    """'about40', '40people', 'x40': a word and a figure written together."""
    for form in _GLUED.finditer(text):
        letters, digits = (form.group(1), form.group(2)) if form.group(1) else form.group(4, 3)
        if letters in SCALE_ABBREVIATIONS or letters in REFUSED_SCALE_ABBREVIATIONS:
            continue  # '12k', '1.5m' are read; '2bn' is refused above
        if _ordinal_number(form.group(0)) is not None:
            continue  # '6th' reads
        apart = f"{letters} {digits}" if form.group(1) else f"{digits} {letters}"
        spaced = text[: form.start()] + apart + text[form.end() :]
        if _reads(spaced, lexicon, rules):
            return f"{form.group(0)!r} needs a space: did you mean {spaced!r}?"
        return (
            f"letters {letters!r} are run into the figure {digits}: value holds the figure "
            "alone (who is counted and what happened to them have their own columns)"
        )
    return None


def _unread_separator(text: str, lexicon: Mapping, rules: QuantityRules) -> str | None:
    """'40/50', '40 & 50', '50––60', '40, 50': two figures around a mark that is no range."""
    for form in _ODD_SEPARATOR.finditer(text):
        spaced, mark = form.group(1) or form.group(3), form.group(2)
        if mark in _READ_SEPARATORS and not (mark == "," and spaced):
            continue
        before = text[: form.start()]
        before = before[len("between ") :] if before.startswith("between ") else before
        low, high = _number(before), _number(text[form.end() :])
        if low is None or high is None:
            continue
        low, high = sorted((low, high))
        return (
            f"{mark!r} between two figures is not read: a range is written {low:,}–{high:,} "
            f"(or '{low:,} to {high:,}'), lower figure first"
        )
    return None


def _unbalanced(text: str, lexicon: Mapping, rules: QuantityRules) -> str | None:
    """'30 (25–40', '30 25–40)': a bracket opened and never closed, or closed and never opened."""
    for opening, closing in ("()", "[]"):
        opened, closed = text.count(opening), text.count(closing)
        if opened > closed:
            candidates = [text + closing * (opened - closed)]
            told = f"a bracket {opening!r} is opened and never closed"
        elif closed > opened:
            candidates = [text[: at + 1] + opening + text[at + 1 :]
                          for at, c in enumerate(text) if c == " "]  # fmt: skip
            told = f"a bracket {closing!r} is closed and never opened"
        else:
            continue
        for candidate in candidates:
            if _reads(candidate, lexicon, rules):
                return f"{told}: did you mean {candidate!r}?"
    return None


def _is_mark(character: str) -> bool:
    """Punctuation or a symbol (a superscript digit too): no part of a word or a figure."""
    category = unicodedata.category(character)
    return category[0] in "PS" or category == "No"


def _stray_marks(text: str, lexicon: Mapping, rules: QuantityRules) -> str | None:
    """'40!', '#40', '1,200*', '30 (25–40))', '50–6§0': a mark around or in a readable figure."""
    lead = len(text) - len(text.lstrip("".join(c for c in text if _is_mark(c) or c == " ")))
    trail = len(text) - len(text.rstrip("".join(c for c in text if _is_mark(c) or c == " ")))
    core, foreign = _without_stray_marks(text)
    # the fewest marks removed first: '34+!' is '34+' and a '!', '#~40@' is '~40' in '#', '@'
    lead, trail = min(lead, MAX_STRAY_MARKS), min(trail, MAX_STRAY_MARKS)
    cuts = sorted(
        ((before, after) for before in range(lead + 1) for after in range(trail + 1)),
        key=sum,
    )
    for before, after in cuts[1:]:
        trimmed = text[before : len(text) - after].strip()
        if trimmed and before + after < len(text) and _reads(trimmed, lexicon, rules):
            return _stray_reason(text[:before].strip(), text[len(text) - after :].strip(), trimmed)
    if not foreign:
        return None
    if core and _reads(core, lexicon, rules):
        return _stray_reason("", "", core, inside=foreign, text=text)
    if not re.search(r"\d", core):
        return None  # 'n/a' is no figure with a mark in it
    reason = _why_unreadable(core, lexicon=lexicon, rules=rules)
    named = _characters(foreign)
    return f"{named} in {text!r}" + (f"; without it: {reason}" if reason else "")


def _without_stray_marks(text: str) -> tuple[str, str]:
    """``text`` without the marks the grammar never reads or any touching a word, and those marks.

    A mark in or beside a word ('twe;nty', 'abou, 40', 'up to~ 50') is stray whatever it is,
    but for a hyphen joining words ('twenty-one') and an abbreviation's full stop ('c.').
    """
    kept, removed = [], []
    for at, character in enumerate(text):
        left, right = text[at - 1 : at].isalpha(), text[at + 1 : at + 2].isalpha()
        joins = (character == "-" and left and right) or (character == "." and left)
        if _is_mark(character) and not joins and (character not in _GRAMMAR_MARKS or left or right):
            removed.append(character)
        else:
            kept.append(character)
    return _SPACES.sub(" ", "".join(kept)).strip(), "".join(dict.fromkeys(removed))


def _characters(marks: str) -> str:
    """'unexpected character '!'' or 'unexpected characters '#', '!''."""
    plural = "s" if len(marks) > 1 else ""
    return f"unexpected character{plural} {', '.join(map(repr, marks))}"


def _stray_reason(before: str, after: str, core: str, inside: str = "", text: str = "") -> str:
    """The message for marks that leave a readable figure once removed."""
    if inside:
        where = f"{_characters(inside)} in {text!r}"
    elif before and after:
        where = f"{_characters(before)} before and {after!r} after {core!r}"
    else:
        where = f"{_characters(before or after)} {'before' if before else 'after'} {core!r}"
    marks = set(before + after + inside)
    hint = ""
    if marks <= _FOOTNOTE_MARKS or all(unicodedata.category(c) == "No" for c in marks):
        hint = " (a footnote mark? the figure goes in value, the note in notes)"
    elif after and set(after) <= set("-–—"):
        hint = " (a range without its second figure?)"
    return f"{where}: value holds the figure alone, written {core!r}{hint}"


_INCREMENT = re.compile(
    r"^(?:(?P<before>a further|another|an additional|an extra|additional|further) (?P<figure>.+)"
    r"|(?P<counted>.+?) (?P<after>more|additional|further|extra))$"
)


def _increment(text: str, lexicon: Mapping, rules: QuantityRules) -> str | None:
    """'another 12', 'a further 40', '12 more': people added to an earlier figure, no total."""
    form = _INCREMENT.fullmatch(text)
    if not form:
        return None
    figure = form["figure"] or form["counted"]
    if not _reads(figure, lexicon, rules):
        return None
    return (
        f"{text!r} counts people added to an earlier figure, and value holds a total: write "
        f"the new total if the source gives one, else {figure!r} with a note saying what it "
        "adds to"
    )


# Each mistake, after the sign without which it cannot be the one (most junk is spared it).
_MISTAKES: tuple[
    tuple[re.Pattern[str], Callable[[str, Mapping, QuantityRules], str | None]], ...
] = (
    (re.compile(r"\b(?:another|further|additional|extra|more)\b"), _increment),
    (re.compile(r"[()\[\]]"), _unbalanced),
    (re.compile(r"\d[,'’ ]"), _misgrouped_digits),
    (re.compile(r"[.,]\d"), _separator_first),
    (re.compile(r"\d[^\W\d_]|(?:first|second|third|th)$"), _ordinal),  # a letter after a digit
    (re.compile(r"\d['’]?s"), _plural_figure),
    (re.compile(r"[\d,.][oli]|[oli][\d,.]"), _lookalike),
    (re.compile(r"[a-z]\d|\d[a-z]"), _glued),
    (_NOT_PLAIN, _unread_separator),
    (_NOT_PLAIN, _stray_marks),
)


def _close_words(word: str, rules: QuantityRules, terms: frozenset[str]) -> tuple[str, ...]:
    """The grammar's words (or a lexicon term's) that ``word`` may be a misspelling of.

    Two of its words run together first ('twentyone' is 'twenty one', though difflib finds
    'twenty' closer), then two letters swapped ('adn' is 'and', though difflib finds 'an'
    closer), then the closest by difflib. Looked up once per word and lexicon: a file of junk
    repeats its words.
    """
    found = rules.close_words
    if (word, terms) in found:
        return found[word, terms]
    spelled = {t.replace(" ", ""): t for t in terms} | {w: w for t in terms for w in t.split()}
    spelled.update(rules.grammar_words)
    if word in spelled:
        close = (spelled[word],) if spelled[word] != word else ()
    else:
        swapped = {word[:i] + word[i + 1] + word[i] + word[i + 2 :] for i in range(len(word) - 1)}
        near = (
            difflib.get_close_matches(word, list(spelled), n=3, cutoff=SPELLING_CUTOFF)
            if len(word) >= 3  # 'up' and 'pu' are only two letters swapped
            else []
        )
        words = {w for w, phrase in spelled.items() if w == phrase}
        split = [f"{word[:i]} {word[i:]}" for i in range(2, len(word) - 1)
                 if word[:i] in words and word[i:] in words]  # fmt: skip
        close = tuple(
            dict.fromkeys(
                [*split, *(spelled[w] for w in [*sorted(swapped & spelled.keys()), *near])]
            )
        )
    if len(found) > MAX_REMEMBERED_WORDS:
        found.clear()
    found[word, terms] = close
    return close


# How close a misspelt word must be to one the grammar reads (difflib's ratio) to be named.
SPELLING_CUTOFF = 0.75
MAX_SPELLING_WORDS = 12  # a longer value is no figure mistyped
MAX_REMEMBERED_WORDS = 100_000
_WORD_SPLIT = re.compile(r"([ -])")


def _word_like(token: str) -> bool:
    """A word, or one with a character typed wrong inside it ('tw]nty', 'nea2ly')."""
    if token.isalpha():
        return True
    letters = sum(c.isalpha() for c in token)
    return (
        token[:1].isalpha() and token[-1:].isalpha() and letters >= 3 and len(token) == letters + 1
    )


def _misspelt(text: str, lexicon: Mapping, rules: QuantityRules) -> str | None:
    """'fourty', 'abbout 40', 'atleast 34', 'twenty-onne': a word of the grammar misspelt."""
    tokens = _WORD_SPLIT.split(text)
    if len(tokens) > 2 * MAX_SPELLING_WORDS:
        return None
    terms = frozenset(lexicon)
    # two letters are a misspelling only beside a figure ('pu to 50'): alone, 'na' is no 'an'
    shortest = 2 if re.search(r"\d", text) else 3
    options = {
        at: close
        for at, token in enumerate(tokens)
        if len(token) >= shortest
        and _word_like(token)
        and (close := _close_words(token, rules, terms))
    }
    if not options:
        return None
    # each misspelt word takes the first of its readings that makes the value read
    fixed = tokens.copy()
    for at, close in options.items():
        # two words run together are named only where they make the value read ('twentyone'),
        # not as a guess ('tenso f thousands' is no 'ten so')
        guesses = [w for w in close if w.replace(" ", "") != tokens[at]] or close
        fixed[at] = guesses[0]
    for at, close in options.items():
        for word in close:
            if _reads("".join([*fixed[:at], word, *fixed[at + 1 :]]), lexicon, rules):
                fixed[at] = word
                break
    corrected = "".join(fixed)
    wrong, right = [tokens[at] for at in options], [fixed[at] for at in options]
    reads = _reads(corrected, lexicon, rules)
    still = "" if reads else _why_unreadable(corrected, "", lexicon, rules)
    if not reads and not still:
        return None
    named = " and ".join(map(repr, wrong))
    words = "is not a word" if len(wrong) == 1 else "are not words"
    if reads:
        return f"{named} {words} the grammar reads: did you mean {corrected!r}?"
    meant = ", ".join(f"{c!r}" for c in right)
    return f"{named} {words} the grammar reads (a misspelt {meant}?); even so, {still}"


# ------------------------------------------------------------------------------------------
# The fallback: a value no rule above explains, one character's edit away from one that reads
# ('up t 50', '1. million', '30 ((25–40)'). Only edits over the grammar's own alphabet are
# tried (its words' letters, its marks, a space), none of them touching a digit: a suggestion
# never changes the figure.
# ------------------------------------------------------------------------------------------

MAX_EDITED_LENGTH = 40  # a longer value is no figure mistyped by one character
# A value with nothing unknown in it ('12 to 15 to 20') may have hundreds of edits to try: past
# this many parses it is given up. And, as "did you mean" in the messages of the other rules
# (rules.MAX_SUGGESTED_VALUES), a file's values are edited for its first 200 unreadable ones.
MAX_EDIT_PARSES = 300
MAX_EDITED_VALUES = 200
_LETTER_RUN = re.compile(r"[^\W\d_]+")
# the marks an edit may insert or put in another's place; the signs are read too
_EDIT_MARKS = (*sorted(_GRAMMAR_MARKS), " ")
_WORD_MARKS = (" ", "-")  # the marks that may part a word's letters
_KNOWN_MARKS = frozenset(_GRAMMAR_MARKS | {" ", *"".join(SIGN_WORDING), "=", "'", "’"})
_UNKNOWN_MARK = re.compile(rf"[^\w{re.escape(''.join(sorted(_KNOWN_MARKS)))}]|_")
_PATTERN_SYNTAX = re.compile(r"\\[a-zA-Z]|\?P<\w+>")
# the words of the marker and estimate patterns ('toll', 'killed', 'range'), read in a value
_PATTERN_WORDS = " ".join(
    _PATTERN_SYNTAX.sub(" ", pattern)
    for pattern in (*PROVISIONAL_PATTERNS, *(p for p, _ in CERTAINTY_PATTERNS), *ESTIMATE_PATTERNS)
)
_EDIT_ORDER = {"delete": 0, "swap": 1, "replace": 2, "insert": 3}  # what invents least first
_EDIT_KINDS = {
    "delete": "one character too many",
    "swap": "two characters swapped",
    "insert": "a character missing",
    "replace": "a character mistyped",
}


@dataclass(frozen=True)
class _EditIndex:
    """The runs of letters a value may hold, and which letter completes a run at each place."""

    known: frozenset[str]
    # (letters before, letters after) -> the letters that make them one known run together
    completions: dict[tuple[str, str], str]
    # each known run, and each with one letter left out: a run one edit from a known one
    # shares one of these with it (``_mendable``)
    shortened: frozenset[str]
    mendable: dict[str, bool] = field(default_factory=dict)  # runs looked up (``_mendable``)


def _edit_index(lexicon: Mapping, rules: QuantityRules) -> _EditIndex:
    """The runs of letters in the grammar's words, wordings, patterns and the lexicon's terms."""
    terms = frozenset(lexicon)
    index = rules.edit_indexes.get(terms)
    if index is None:
        # the phrases, not their spellings run together ('at least', not 'atleast')
        text = " ".join([*rules.grammar_words.values(), *terms, *SCALE_ABBREVIATIONS,
                         *_ORDINAL_ENDINGS, _PATTERN_WORDS])  # fmt: skip
        known = frozenset(_LETTER_RUN.findall(text.lower()))
        completions: dict[tuple[str, str], str] = {}
        for run in known:
            for at, letter in enumerate(run):
                key = (run[:at], run[at + 1 :])
                completions[key] = completions.get(key, "") + letter
        shortened = known | {run[:at] + run[at + 1 :] for run in known for at in range(len(run))}
        index = rules.edit_indexes[terms] = _EditIndex(known, completions, shortened)
    return index


def _mendable(run: str, index: _EditIndex) -> bool:
    """Whether one edit of a run of letters alone may make it known, or two known ones.

    'abuot', 'dozn', 'thousandss' and 'uptoo' may be; 'lots' may not, and a value whose only
    unknown run it is is spared the edits.
    """
    mendable = index.mendable.get(run)
    if mendable is None:
        known, shortened = index.known, index.shortened
        mendable = any(run[:at] + run[at + 1 :] in shortened for at in range(len(run))) or any(
            run[:at] in known and (run[at:] in known or run[at + 1 :] in known)
            for at in range(1, len(run))
        )
        if len(index.mendable) > MAX_REMEMBERED_WORDS:
            index.mendable.clear()
        index.mendable[run] = mendable = mendable or run in shortened
    return mendable


def _letters_around(text: str, start: int, end: int) -> tuple[str, str]:
    """The letters running up to ``start`` and those running on from ``end``."""
    before = start
    while before > 0 and text[before - 1].isalpha():
        before -= 1
    after = end
    while after < len(text) and text[after].isalpha():
        after += 1
    return text[before:start], text[end:after]


def _edits(text: str, index: _EditIndex) -> Iterator[tuple[str, str]]:
    """(kind, edited text) for the edits of ``text`` that leave only known runs and marks.

    Each edit must touch every unknown run of letters and unknown mark in ``text`` (one edit
    mends at most one place), and no digit of a figure is deleted, inserted, replaced or
    swapped with another: a suggestion never changes the figure.
    """
    known = index.known
    runs = [run for run in _LETTER_RUN.finditer(text) if run[0] not in known]
    bad = [(run.start(), run.end()) for run in runs]
    bad += [(mark.start(), mark.end()) for mark in _UNKNOWN_MARK.finditer(text)]
    if len(bad) == 1 and runs:
        # an unknown run no edit of its own mends may still be mended with letters beside it
        start, end = bad[0]
        beside = text[max(start - 2, 0) : start] + text[end : end + 2]
        if not _mendable(runs[0][0], index) and not any(c.isalpha() for c in beside):
            return
    first = max((start - 1 for start, _ in bad), default=0)
    last = min((end for _, end in bad), default=len(text))
    if first > last:
        return

    def mends(start: int, end: int) -> bool:
        """Whether splitting the letters at text[start:end] mends an unknown run there."""
        before, after = _letters_around(text, start, end)
        return (
            (not before or before in known)
            and (not after or after in known)
            and (not bad or any(s <= start and end <= e for s, e in bad))
        )

    def in_word(at: int) -> bool:
        """A digit between two letters ('a1t least 33') is no part of a figure."""
        return text[at - 1 : at].isalpha() and text[at + 1 : at + 2].isalpha()

    for at in range(max(first, 0), min(last, len(text) - 1) + 1):
        if not text[at].isdigit() or in_word(at):
            yield "delete", text[:at] + text[at + 1 :]
    for at in range(max(first - 1, 0), min(last, len(text) - 2) + 1):
        pair = text[at : at + 2]
        if pair[0] != pair[1] and not pair.isdigit():
            yield "swap", text[:at] + pair[::-1] + text[at + 2 :]
    # a letter joins letters typed (a word is mended, never made up: 'p to 50' is no 'a to 50');
    # in or beside a word, only a space or a hyphen goes in ('twentyone'), no '~' or '–'
    for at in range(max(first, 0), min(last, len(text)) + 1):
        around = _letters_around(text, at, at)
        for letter in index.completions.get(around, "") if any(around) else "":
            yield "insert", text[:at] + letter + text[at:]
        if mends(at, at):
            for mark in _WORD_MARKS if all(around) else _EDIT_MARKS:
                yield "insert", text[:at] + mark + text[at:]
    for at in range(max(first, 0), min(last, len(text) - 1) + 1):
        if text[at].isdigit() and not in_word(at):
            continue
        around = _letters_around(text, at, at + 1)
        for letter in index.completions.get(around, "") if any(around) else "":
            if letter != text[at]:
                yield "replace", text[:at] + letter + text[at + 1 :]
        if mends(at, at + 1):
            for mark in _WORD_MARKS if text[at].isalpha() else _EDIT_MARKS:
                if mark != text[at]:
                    yield "replace", text[:at] + mark + text[at + 1 :]


def _plausible(text: str, known: frozenset[str]) -> bool:
    """Whether every run of letters in ``text`` is a known one, and every mark too."""
    return all(run in known for run in _LETTER_RUN.findall(text)) and not _UNKNOWN_MARK.search(text)


def _one_edit(text: str, lexicon: Mapping, rules: QuantityRules) -> str | None:
    """'a character missing: did you mean 'up to 50'?', when one edit of ``text`` reads.

    Only when every edit that reads gives the same reading ('1k2' may be '12k' or '12': no
    suggestion); of those, the one that invents least: a character deleted, then two swapped,
    then one replaced, then one added ('30 ((25–40)' is '30 (25–40)', not '30 ( 25–40)'). The
    edits are those of ``_edits``; none ending in a dash is proposed ('six-h' is no 'six-': a
    range cut short).
    """
    if len(text) > MAX_EDITED_LENGTH:
        return None
    index = _edit_index(lexicon, rules)
    found: dict[str, tuple[str, tuple]] = {}
    tried: set[str] = set()
    for kind, edited in _edits(text, index):
        edited = _SPACES.sub(" ", edited).strip()
        if (
            edited in tried
            or edited[-1:] in ("", "-", "–", "—")
            or not _plausible(edited, index.known)
        ):
            continue
        tried.add(edited)
        if len(tried) > MAX_EDIT_PARSES:
            return None
        try:
            q = _parse(edited, lexicon, rules, None, explain=False)
        except QuantityError:
            continue
        found[edited] = (kind, (q.low, q.high, q.qualifier, q.vague, q.point, q.provisional,
                                q.certainty))  # fmt: skip
    if not found or len({reading for _, reading in found.values()}) > 1:
        return None
    edited, kind = min(((e, k) for e, (k, _) in found.items()), key=lambda e: _EDIT_ORDER[e[1]])
    return f"{_EDIT_KINDS[kind]}: did you mean {edited!r}?"


def _plain_word(word: str) -> bool:
    """A word that is no part of a number: 'killed', 'people' (not 'twenty', 'and', 'dozen')."""
    return word.isalpha() and word not in _NUMBER_GLUE and _number(word) is None


_NUMBER_GLUE = {"and", "or", "to", "of", "a", "an", "dozen", *SCALE_WORDS}


def _words_after_figure(text: str) -> str | None:
    """The trailing words of '20 killed', 'over 2,000 dead', '1,200–1,500 civilians'."""
    tokens = text.split()
    for end in range(len(tokens) - 1, 0, -1):
        tail = tokens[end:]
        if not all(_plain_word(word) for word in tail):
            return None
        head = " ".join(tokens[:end])
        if _number(head) is not None or _range(head) is not None:
            return " ".join(tail)
    return None


def _qualify(
    text: str,
    reading: str,
    low: int,
    high: int,
    vague: bool,
    kind: str,
    rules: QuantityRules,
    claim_id: str | None,
) -> Reading:
    """The interval a wording makes of an unqualified number, range or vague term."""
    qualifier = READINGS[reading]
    if reading == "at_least":
        return low, None, qualifier, vague, low
    if reading == "more_than":
        floor = high + 1 if kind == "exact" else low + 1
        return floor, None, qualifier, vague, floor
    if reading == "at_most":
        return 0, high, qualifier, vague, high
    if reading in ("fewer_than", "just_under") and low == 0:
        raise QuantityError(text, claim_id, "no count of people lies below zero")
    if reading == "fewer_than":
        return 0, low - 1, qualifier, False, low - 1
    if reading == "just_over":
        return low + 1, low + just_step(low, rules), qualifier, False, low + 1
    if reading == "just_under":
        return max(0, low - just_step(low, rules)), low - 1, qualifier, False, low - 1
    # approx: a band around an exact number; around a range or vague term, the term's own span
    if kind == "exact":
        band_low, band_high = approx_band(low, rules)
        if reading == "approx_below":
            band_high = low
        return band_low, band_high, qualifier, False, low
    point = low if vague else round((low + high) / 2 + 1e-9)
    return low, high, kind, vague, point


def lexicon_mapping(lexicon: pd.DataFrame) -> dict[str, tuple[int, int]]:
    """The vague-quantity lexicon as {term: (low, high)}."""
    return {
        str(term).lower(): (int(low), int(high))
        for term, low, high in zip(lexicon["term"], lexicon["low"], lexicon["high"], strict=True)
    }


def parse_values(
    claims: pd.DataFrame,
    lexicon: Mapping[str, tuple[int, int]] | None = None,
    rules: QuantityRules = DEFAULT_RULES,
) -> pd.DataFrame:
    """Parsed columns for every claim, beside (never replacing) the reported ``value``.

    Each distinct value text is parsed once (``parse_distinct``). Every unreadable value is
    reported together in one QuantityErrors, naming each claim that uses it.
    """
    texts = claims["value"]
    parsed, failed = parse_distinct(texts, lexicon, rules)
    if failed:
        ids = claims["claim_id"] if "claim_id" in claims.columns else [None] * len(texts)
        raise QuantityErrors(
            [
                QuantityError(str(text), claim_id, failed[text].reason)
                for text, claim_id in zip(texts, ids, strict=True)
                if text in failed
            ]
        )
    quantities = list(parsed.values())
    unique = pd.DataFrame(
        {
            "value": list(parsed),
            "value_low": [q.low for q in quantities],
            "value_high": pd.array([q.high for q in quantities], dtype="Int64"),
            "value_high_open": [q.high is None for q in quantities],
            "value_qualifier": [q.qualifier for q in quantities],
            "value_vague": [q.vague for q in quantities],
            "value_point": [q.point for q in quantities],
            "value_provisional": [q.provisional for q in quantities],
            "value_certainty": pd.array([q.certainty for q in quantities], dtype="str"),
        }
    )
    codes = pd.Index(unique["value"]).get_indexer(texts)
    out = unique.drop(columns="value").iloc[codes].reset_index(drop=True)
    out.index = claims.index
    out["value_low"] = out["value_low"].astype("int64")
    out["value_point"] = out["value_point"].astype("int64")
    out["value_provisional"] = out["value_provisional"].astype("bool")
    return out


def parse_distinct(
    texts: Iterable,
    lexicon: Mapping[str, tuple[int, int]] | None = None,
    rules: QuantityRules = DEFAULT_RULES,
) -> tuple[dict[str, Quantity], dict[str, QuantityError]]:
    """Parse each distinct text once: the quantities read, and the error for each unreadable one.

    A million claims cost as many parses as they have distinct wordings. A value one character
    away that reads is proposed for the first ``MAX_EDITED_VALUES`` unreadable ones.
    """
    parsed: dict[str, Quantity] = {}
    failed: dict[str, QuantityError] = {}
    for text in dict.fromkeys(texts):
        try:
            # a value one edit away is sought for the first unreadable values only
            edits = len(failed) < MAX_EDITED_VALUES
            parsed[text] = _parse(text, lexicon or {}, rules, None, explain=True, edits=edits)
        except QuantityError as error:
            # kept without its traceback, which would hold on to the frames it was raised in
            failed[text] = error.with_traceback(None)
    return parsed, failed


class QuantityErrors(ValueError):
    """Several unreadable values, reported together."""

    def __init__(self, errors: list[QuantityError]):
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))
