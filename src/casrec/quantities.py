"""Value text -> interval: how casrec reads "at least 34", "~144,000" or "dozens".

Sources state figures with qualifiers that carry meaning: "at least 34" is a floor, not a
point; "~144,000" is rounded to the thousand. Flattening them to a single integer (as most
trackers do) throws that meaning away, so every value becomes an interval [low, high] (high
may be open), a qualifier, a vague flag and a point value used when one number is needed.
The rules are parameters (``QuantityRules``) and documented in METHODOLOGY.md.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import pandas as pd

from casrec import vocabulary

# Specificity order used when ranking claims: a more specific statement wins ties.
QUALIFIERS = vocabulary.QUALIFIERS.codes

NUMBER_WORDS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90, "a dozen": 12, "both": 2,
    # a lone article counts one person: "a French soldier was killed"
    "a": 1, "an": 1,
}  # fmt: skip
# Ordinals are running totals: "the sixth French soldier to die" means six so far.
ORDINAL_WORDS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13,
    "fourteenth": 14, "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18,
    "nineteenth": 19, "twentieth": 20,
}  # fmt: skip
SCALE_WORDS = {"hundred": 100, "thousand": 1_000, "million": 1_000_000}

# Prefixes, longest first so "no fewer than" is not read as "no".
AT_LEAST = ("no fewer than", "no less than", "not less than", "at least", "a minimum of", "min.")
MORE_THAN = ("in excess of", "more than", "upwards of", "over", "above")
AT_MOST = ("no more than", "as many as", "at most", "up to", "a maximum of", "max.")
APPROX = (
    "approximately",
    "an estimated",
    "estimated",
    "roughly",
    "around",
    "about",
    "nearly",
    "almost",
    "some",
    "circa",
    "c.",
    "ca.",
    "~",
    "≈",
)
# "nearly 100" / "almost 2,000" approach the number from below: the band ends at the number.
APPROX_FROM_BELOW = ("nearly", "almost")
RANGE_SEPARATORS = r"\s*(?:–|—|-|to|and)\s*"


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


DEFAULT_RULES = QuantityRules()


@dataclass(frozen=True)
class Quantity:
    """A parsed figure: the interval it asserts, how it was qualified, and its point value."""

    text: str
    low: int
    high: int | None  # None = open-ended ("at least 34")
    qualifier: str
    vague: bool
    point: int

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
        self.reason = reason
        where = f"claim {claim_id!r}: " if claim_id else ""
        detail = f" ({reason})" if reason else ""
        super().__init__(
            f"{where}cannot read value {text!r}{detail}; expected forms like '34', 'at least 34', "
            "'more than 77', 'up to 50', 'about 40', '50–60', '~144,000' or a term from "
            "data/vague_quantities.csv"
        )


def _normalise(text: str) -> str:
    """Lower-case, single spaces, no trailing punctuation or leading 'of'."""
    text = text.replace("\u00a0", " ").replace("\u202f", " ").strip().lower()
    text = re.sub(r"\s+", " ", text)
    return text.rstrip(".;:")


def parse_number(text: str) -> int | None:
    """An integer from digits ('1,000', '1.5 million') or words ('thirteen', 'a hundred')."""
    text = _normalise(text)
    match = re.fullmatch(
        r"(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?(?: (hundred|thousand|million))?", text
    )
    if match:
        whole, fraction, scale = match.groups()
        number = float(whole.replace(",", "") + ("." + fraction if fraction else ""))
        number *= SCALE_WORDS.get(scale, 1)
        # "1.000" is one thousand in much of the world and one elsewhere: a decimal point
        # in a count is read only before a scale word ("1.5 million")
        return round(number) if scale else (None if fraction else round(number))
    if text in NUMBER_WORDS:
        return NUMBER_WORDS[text]
    if text in ORDINAL_WORDS:
        return ORDINAL_WORDS[text]
    words = text.replace("-", " ").split()
    if not words:
        return None
    if words[0] in ("a", "an") and len(words) > 1 and words[1] in SCALE_WORDS:
        words = ["one", *words[1:]]
    total, current = 0, 0
    for word in words:
        if word in NUMBER_WORDS and word not in ("a", "an", "both"):
            current += NUMBER_WORDS[word]
        elif word == "hundred":
            current = max(current, 1) * 100
        elif word in ("thousand", "million"):
            total += max(current, 1) * SCALE_WORDS[word]
            current = 0
        elif word == "and":
            continue
        else:
            return None
    return total + current


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


def _strip_prefix(text: str, prefixes: tuple[str, ...]) -> tuple[str, str] | None:
    for prefix in sorted(prefixes, key=len, reverse=True):
        if prefix in ("~", "≈") and text.startswith(prefix):
            return prefix, text[len(prefix) :].strip()
        if text.startswith(prefix + " "):
            return prefix, text[len(prefix) + 1 :].strip()
    return None


def _vague(text: str, lexicon: Mapping[str, tuple[int, int]]) -> tuple[int, int] | None:
    text = re.sub(r" of$", "", text)
    return lexicon.get(text)


def _base(text: str, lexicon: Mapping[str, tuple[int, int]]) -> tuple[int, int, bool, str] | None:
    """An unqualified number, range or vague term -> (low, high, vague, kind)."""
    number = parse_number(text)
    if number is not None:
        return number, number, False, "exact"
    vague = _vague(text, lexicon)
    if vague is not None:
        return vague[0], vague[1], True, "vague"
    between = re.fullmatch(r"between (.+?) and (.+)", text)
    parts = between.groups() if between else None
    if parts is None:
        for separator in (r"\s*[–—]\s*", r"(?<=\d)-(?=\d)", r" - ", r" to "):
            pieces = re.split(separator, text, maxsplit=1)
            if len(pieces) == 2:
                parts = (pieces[0], pieces[1])
                break
    if parts:
        low, high = parse_number(parts[0]), parse_number(parts[1])
        if low is not None and high is not None and low <= high:
            return low, high, False, "range"
    return None


def parse_quantity(
    text: str,
    lexicon: Mapping[str, tuple[int, int]] | None = None,
    rules: QuantityRules = DEFAULT_RULES,
    claim_id: str | None = None,
) -> Quantity:
    """Read one value text into a ``Quantity``; unreadable text raises QuantityError."""
    if not isinstance(text, str) or not text.strip():
        raise QuantityError(str(text), claim_id, "empty value")
    lexicon = lexicon or {}
    clean = _normalise(text)
    plus = re.fullmatch(r"(.+?)\s*\+", clean)
    if plus:
        return _qualified(text, "at_least", plus.group(1), lexicon, rules, claim_id)
    for qualifier, prefixes in (
        ("at_least", AT_LEAST),
        ("more_than", MORE_THAN),
        ("at_most", AT_MOST),
        ("approx", APPROX),
    ):
        stripped = _strip_prefix(clean, prefixes)
        if stripped:
            prefix, rest = stripped
            return _qualified(text, qualifier, rest, lexicon, rules, claim_id, prefix)
    base = _base(clean, lexicon)
    if base is None:
        raise QuantityError(text, claim_id, _why_unreadable(clean))
    low, high, vague, kind = base
    point = low if vague else round((low + high) / 2 + 1e-9) if kind == "range" else low
    return _checked(Quantity(text, low, high, kind, vague, point), claim_id)


# No casualty or displacement count comes near this; larger numbers are typing errors (and
# would overflow the 64-bit integers the reconciliation computes with).
MAX_COUNT = 10_000_000_000


def _checked(quantity: Quantity, claim_id: str | None) -> Quantity:
    """Refuse figures no count of people can reach."""
    if max(quantity.low, quantity.high or 0) > MAX_COUNT:
        raise QuantityError(quantity.text, claim_id, f"larger than {MAX_COUNT:,} people")
    return quantity


def _why_unreadable(text: str, otherwise: str = "") -> str:
    """The most likely reason a text did not read, for the error message."""
    if re.search(r"\d\.\d", text):
        return "a decimal point in a count is ambiguous (1.000 may mean one thousand)"
    return otherwise


def _qualified(
    text: str,
    qualifier: str,
    rest: str,
    lexicon: Mapping[str, tuple[int, int]],
    rules: QuantityRules,
    claim_id: str | None,
    prefix: str = "+",
) -> Quantity:
    base = _base(rest, lexicon)
    if base is None:
        raise QuantityError(
            text, claim_id, _why_unreadable(rest, f"nothing readable after {prefix!r}")
        )
    low, high, vague, kind = base
    return _checked(_qualify(text, qualifier, prefix, low, high, vague, kind, rules), claim_id)


def _qualify(
    text: str,
    qualifier: str,
    prefix: str,
    low: int,
    high: int,
    vague: bool,
    kind: str,
    rules: QuantityRules,
) -> Quantity:
    """The interval a qualifier makes of an unqualified number, range or vague term."""
    if qualifier == "at_least":
        return Quantity(text, low, None, "at_least", vague, low)
    if qualifier == "more_than":
        return Quantity(
            text, high + 1 if kind == "exact" else low + 1, None, "more_than", vague, low + 1
        )
    if qualifier == "at_most":
        return Quantity(text, 0, high, "at_most", vague, high)
    # approx: a band around an exact number; around a range or vague term, the term's own span
    if kind == "exact":
        band_low, band_high = approx_band(low, rules)
        if prefix in APPROX_FROM_BELOW:
            band_high = low
        return Quantity(text, band_low, band_high, "approx", False, low)
    point = low if vague else round((low + high) / 2 + 1e-9)
    return Quantity(text, low, high, kind, vague, point)


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
    unique = pd.DataFrame(
        {
            "value": list(parsed),
            "value_low": [q.low for q in parsed.values()],
            "value_high": pd.array([q.high for q in parsed.values()], dtype="Int64"),
            "value_high_open": [q.high is None for q in parsed.values()],
            "value_qualifier": [q.qualifier for q in parsed.values()],
            "value_vague": [q.vague for q in parsed.values()],
            "value_point": [q.point for q in parsed.values()],
        }
    )
    codes = pd.Index(unique["value"]).get_indexer(texts)
    out = unique.drop(columns="value").iloc[codes].reset_index(drop=True)
    out.index = claims.index
    out["value_low"] = out["value_low"].astype("int64")
    out["value_point"] = out["value_point"].astype("int64")
    return out


def parse_distinct(
    texts: Iterable,
    lexicon: Mapping[str, tuple[int, int]] | None = None,
    rules: QuantityRules = DEFAULT_RULES,
) -> tuple[dict[str, Quantity], dict[str, QuantityError]]:
    """Parse each distinct text once: the quantities read, and the error for each unreadable one.

    A million claims cost as many parses as they have distinct wordings.
    """
    parsed: dict[str, Quantity] = {}
    failed: dict[str, QuantityError] = {}
    for text in dict.fromkeys(texts):
        try:
            parsed[text] = parse_quantity(text, lexicon, rules)
        except QuantityError as error:
            failed[text] = error
    return parsed, failed


class QuantityErrors(ValueError):
    """Several unreadable values, reported together."""

    def __init__(self, errors: list[QuantityError]):
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))
