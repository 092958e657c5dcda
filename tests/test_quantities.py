import re

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from casrec.quantities import (
    CERTAINTIES,
    QUALIFIERS,
    READINGS,
    QuantityError,
    QuantityErrors,
    QuantityRules,
    approx_band,
    format_interval,
    lexicon_mapping,
    parse_number,
    parse_quantity,
    parse_values,
    rounding_unit,
    thousands_unclear,
)
from casrec.reconcile import SPECIFICITY_RANK

LEXICON = {
    "dozens": (24, 99), "several": (3, 9), "a dozen": (12, 12), "hundreds": (200, 999),
    "scores": (40, 99), "a few": (2, 5), "a handful": (2, 5), "tens of thousands": (20000, 99999),
}  # fmt: skip


@pytest.mark.parametrize(
    ("text", "low", "high", "qualifier", "point"),
    [
        ("34", 34, 34, "exact", 34),
        ("at least 34", 34, None, "at_least", 34),
        ("no fewer than 34", 34, None, "at_least", 34),
        ("34+", 34, None, "at_least", 34),
        ("1,000+", 1000, None, "at_least", 1000),
        ("more than 77", 78, None, "more_than", 78),
        ("over 100", 101, None, "more_than", 101),
        ("in excess of 100", 101, None, "more_than", 101),
        ("up to 50", 0, 50, "at_most", 50),
        ("as many as 50", 0, 50, "at_most", 50),
        ("at most 50", 0, 50, "at_most", 50),
        ("50–60", 50, 60, "range", 55),
        ("50-60", 50, 60, "range", 55),
        ("50 to 60", 50, 60, "range", 55),
        ("between 50 and 60", 50, 60, "range", 55),
        ("13,105", 13105, 13105, "exact", 13105),
        ("More than 378,000", 378001, None, "more_than", 378001),
    ],
)
def test_qualifiers_ranges_and_separators(text, low, high, qualifier, point):
    q = parse_quantity(text, LEXICON)
    assert (q.low, q.high, q.qualifier, q.point, q.vague) == (low, high, qualifier, point, False)


@pytest.mark.parametrize(
    ("text", "low", "high"),
    [
        ("about 40", 35, 45),  # unit 10 -> +/-5 beats the 10% floor of +/-4
        ("~144,000", 143500, 144500),
        ("≈374,000", 373500, 374500),
        ("an estimated 300", 250, 350),
        ("some 45", 40, 50),  # unit 1 -> the 10% floor (+/-4.5) applies
        ("around 7", 6, 8),
        ("about 100", 75, 125),  # one significant digit: capped at +/-25%
    ],
)
def test_approximations_get_a_rounding_band(text, low, high):
    q = parse_quantity(text, LEXICON)
    assert q.qualifier == "approx"
    assert (q.low, q.high) == (low, high) == approx_band(q.point)
    assert q.low <= q.point <= q.high


def test_band_rules_are_parameters():
    wide = QuantityRules(approx_min_relative_band=0.2, approx_max_relative_band=0.5)
    assert parse_quantity("about 45", rules=wide).low == 36
    assert parse_quantity("about 45").low == 40  # default: +/-10% of 45 = 4.5 -> 40..50


def test_rounding_unit_follows_trailing_zeros():
    assert [rounding_unit(n) for n in (45, 40, 300, 144_000, 0)] == [1, 10, 100, 1000, 1]


@pytest.mark.parametrize(
    ("text", "number"),
    [("thirteen", 13), ("twenty-one", 21), ("a hundred", 100), ("fifteen", 15),
     ("thirty", 30), ("two hundred", 200), ("1.5 million", 1_500_000), ("1,000", 1000)],
)  # fmt: skip
def test_number_words_and_separators(text, number):
    assert parse_number(text) == number
    assert parse_quantity(text).point == number


def test_vague_terms_come_from_the_lexicon():
    q = parse_quantity("dozens", LEXICON)
    assert (q.low, q.high, q.qualifier, q.vague, q.point) == (24, 99, "vague", True, 24)
    assert parse_quantity("at least a dozen", LEXICON).high is None
    with pytest.raises(QuantityError):
        parse_quantity("dozens")  # no lexicon, no guess


@pytest.mark.parametrize("text", ["many", "a lot", "34 or so people maybe", "", "2.5", "60-50"])
def test_unreadable_text_is_an_error_naming_the_claim(text):
    with pytest.raises(QuantityError) as caught:
        parse_quantity(text, LEXICON, claim_id="kobe-x")
    assert "kobe-x" in str(caught.value)


def test_parse_values_reports_every_unreadable_claim_together():
    claims = pd.DataFrame({"claim_id": ["a", "b", "c"], "value": ["many", "34", "many"]})
    with pytest.raises(QuantityErrors) as caught:
        parse_values(claims, LEXICON)
    message = str(caught.value)
    assert "'a'" in message and "'c'" in message and "'b'" not in message


def test_parse_values_keeps_reported_text_and_adds_columns_beside_it():
    claims = pd.DataFrame({"claim_id": ["a", "b"], "value": ["at least 34", "25"]})
    parsed = parse_values(claims, LEXICON)
    assert list(parsed["value_low"]) == [34, 25]
    assert parsed["value_high"].isna().tolist() == [True, False]
    assert parsed["value_high_open"].tolist() == [True, False]
    assert "value" not in parsed.columns  # the reported text stays only in the claims table


numbers = st.integers(min_value=0, max_value=10_000_000)
qualified = st.sampled_from(
    ["at least {}", "more than {}", "over {}", "up to {}", "about {}", "~{}", "an estimated {}",
     "nearly {}", "{}+"]
)  # fmt: skip


@given(numbers, qualified)
def test_low_never_exceeds_high_and_point_is_inside(number, template):
    q = parse_quantity(template.format(f"{number:,}"))
    assert q.low <= q.point
    if q.high is not None:
        assert q.low <= q.high and q.point <= q.high


@given(numbers, qualified)
def test_a_qualifier_never_narrows_an_interval(number, template):
    bare = parse_quantity(str(number))
    q = parse_quantity(template.format(number))
    width = float("inf") if q.high is None else q.high - q.low
    assert width >= bare.high - bare.low
    if q.qualifier in ("at_least", "at_most", "approx"):
        assert q.low <= number <= (q.high if q.high is not None else float("inf"))


@given(
    numbers,
    st.sampled_from([">", ">=", "≥", "⩾", "<", "<=", "≤", "⩽"]),
    st.sampled_from(["", " "]),
    st.sampled_from(["{}", "reportedly {}", "{} (provisional)"]),
)
def test_a_comparison_sign_reads_as_its_words(number, sign, space, frame):
    """'>1,000' in a table is 'more than 1,000': the same interval, the value kept as written."""
    from casrec.quantities import SIGN_WORDING

    signed = frame.format(f"{sign}{space}{number:,}")
    try:
        worded = parse_quantity(frame.format(f"{SIGN_WORDING[sign]} {number:,}"))
    except QuantityError:  # 'fewer than 0': refused either way
        with pytest.raises(QuantityError):
            parse_quantity(signed)
        return
    q = parse_quantity(signed)
    assert q.text == signed
    assert (q.low, q.high, q.qualifier, q.point, q.provisional, q.certainty) == (
        worded.low, worded.high, worded.qualifier, worded.point, worded.provisional,
        worded.certainty,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("text", "low", "high", "qualifier"),
    [(">1,000", 1001, None, "more_than"), ("≥ 2,500", 2500, None, "at_least"),
     ("<50", 0, 49, "at_most"), ("<=12", 0, 12, "at_most")],
)  # fmt: skip
def test_tables_comparison_signs(text, low, high, qualifier):
    q = parse_quantity(text)
    assert (q.low, q.high, q.qualifier) == (low, high, qualifier)


@pytest.mark.parametrize("text", ["=40", "30 (<50)", "a>5", ">"])
def test_a_sign_that_is_not_a_bound_before_a_figure_is_still_refused(text):
    with pytest.raises(QuantityError):
        parse_quantity(text)


@given(numbers, numbers)
def test_ranges_cover_both_ends(a, b):
    low, high = sorted((a, b))
    q = parse_quantity(f"{low:,}–{high:,}")
    assert (q.low, q.high) == (low, high)
    assert low <= q.point <= high


@pytest.mark.parametrize("text", ["1.000", "2.000", "1.0", "about 1.000"])
def test_a_decimal_point_in_a_count_is_refused_as_ambiguous(text):
    with pytest.raises(QuantityError, match="decimal point"):
        parse_quantity(text)


@pytest.mark.parametrize(
    ("text", "ordered"),
    [("between 50 and 40", "40–50"), ("50-40", "40–50"), ("1,200 to 900", "900–1,200"),
     ("about sixty to fifty", "50–60")],
)  # fmt: skip
def test_a_reversed_range_is_named_with_the_order_to_write(text, ordered):
    with pytest.raises(QuantityError, match=f"the range is reversed: write the lower figure "
                       f"first, as {ordered}"):  # fmt: skip
        parse_quantity(text)
    low, high = (int(n.replace(",", "")) for n in ordered.split("–"))
    assert (parse_quantity(ordered).low, parse_quantity(ordered).high) == (low, high)


@pytest.mark.parametrize(
    ("text", "low", "high"),
    [("10-15 thousand", 10_000, 15_000), ("ten to fifteen thousand", 10_000, 15_000),
     ("between ten and fifteen thousand", 10_000, 15_000), ("2–3 million", 2_000_000, 3_000_000),
     ("1.5-2 million", 1_500_000, 2_000_000), ("1.5 to 2m", 1_500_000, 2_000_000),
     ("two to three hundred", 200, 300), ("five hundred to two thousand", 500, 2_000),
     ("10 to 15,000", 10, 15_000), ("between 1,500 and 2 thousand", 1_500, 2_000),
     ("1 500 to 2 thousand", 1_500, 2_000), ("two to three dozen", 24, 36),
     ("2-3 dozen", 24, 36)],
)  # fmt: skip
def test_a_scale_after_a_range_applies_to_both_figures(text, low, high):
    # the press writes "10-15 thousand" for 10,000–15,000; a scale already on the first
    # figure, or digits without a scale word ("10 to 15,000"), are read as written
    q = parse_quantity(text)
    assert (q.low, q.high, q.qualifier) == (low, high, "range")


@pytest.mark.parametrize(("text", "low"), [("2 dozen", 24), ("about 2 dozen", 21)])
def test_dozens_in_digits_read_as_in_words(text, low):
    assert parse_quantity(text).low == low and parse_quantity(text).point == 24


def test_a_range_sharing_a_scale_written_high_first_is_named_reversed():
    with pytest.raises(QuantityError, match="the range is reversed: write the lower figure "
                       "first, as 10,000–15,000"):  # fmt: skip
        parse_quantity("between 15 and 10 thousand")


@given(numbers, numbers)
def test_two_numbers_around_a_dash_read_as_a_range_or_are_named_reversed(a, b):
    try:
        q = parse_quantity(f"{a:,}–{b:,}")
    except QuantityError as error:
        assert a > b and "the range is reversed" in str(error)
    else:
        assert (q.low, q.high) == (a, b)


@pytest.mark.parametrize("text", ["99999999999999999999", "about 9,000,000,000,000", "20 billion+"])
def test_impossibly_large_counts_are_refused(text):
    with pytest.raises(QuantityError):
        parse_quantity(text)


@pytest.mark.parametrize(
    ("text", "low", "high", "qualifier", "point"),
    [
        # ceilings: how high the toll may go, no floor
        ("as high as 600", 0, 600, "at_most", 600),
        ("fewer than 10", 0, 9, "at_most", 9),
        ("less than a dozen", 0, 11, "at_most", 11),
        ("under 100", 0, 99, "at_most", 99),
        ("10 or fewer", 0, 10, "at_most", 10),
        # floors that exclude the number
        ("upwards of 100", 101, None, "more_than", 101),
        ("in excess of 1,000", 1001, None, "more_than", 1001),
        ("topped 100", 101, None, "more_than", 101),
        ("has topped 100", 101, None, "more_than", 101),
        ("topped the 1,000 mark", 1001, None, "more_than", 1001),
        ("passed the 500 mark", 501, None, "more_than", 501),
        ("more than a dozen", 13, None, "more_than", 13),
        ("over two dozen", 25, None, "more_than", 25),
        # floors that include it
        ("40 or more", 40, None, "at_least", 40),
        ("at least a dozen", 12, None, "at_least", 12),
        ("at least twenty-one", 21, None, "at_least", 21),
        # near a number; "close to" and "nearly" approach from below
        ("close to 100", 75, 100, "approx", 100),
        ("roughly 100", 75, 125, "approx", 100),
        ("nearly two dozen", 21, 24, "approx", 24),
        # a short step past the number: at most 10% of it, never further than "about"
        ("just over 100", 101, 110, "more_than", 101),
        ("just under 100", 90, 99, "approx", 99),
        ("just under 40", 36, 39, "approx", 39),
        ("just over 144,000", 144001, 144500, "more_than", 144001),
        ("slightly more than 20", 21, 22, "more_than", 21),
        ("just short of 1,000", 900, 999, "approx", 999),
        ("just over 5", 6, 6, "more_than", 6),
        # words and scales
        ("1.5 million", 1_500_000, 1_500_000, "exact", 1_500_000),
        ("half a million", 500_000, 500_000, "exact", 500_000),
        ("a quarter of a million", 250_000, 250_000, "exact", 250_000),
        ("two and a half million", 2_500_000, 2_500_000, "exact", 2_500_000),
        ("two million", 2_000_000, 2_000_000, "exact", 2_000_000),
        ("half a dozen", 6, 6, "exact", 6),
        ("one hundred and twenty-five", 125, 125, "exact", 125),
        ("ninety-nine", 99, 99, "exact", 99),
        ("twenty to thirty", 20, 30, "range", 25),
        ("two or three", 2, 3, "range", 3),
        ("20 or 30", 20, 30, "range", 25),
        ("between 50-60", 50, 60, "range", 55),
        ("between one hundred and five and one hundred and ten", 105, 110, "range", 108),
        # a best figure with its bounds, as UCDP publishes best / low / high
        ("30 (25–40)", 25, 40, "estimate", 30),
        ("30 (25-40)", 25, 40, "estimate", 30),
        ("30 (range 25–40)", 25, 40, "estimate", 30),
        ("30 (range: 25 to 40)", 25, 40, "estimate", 30),
        ("30 [25–40]", 25, 40, "estimate", 30),
        ("30, range 25–40", 25, 40, "estimate", 30),
        ("30 (low 25, high 40)", 25, 40, "estimate", 30),
        ("best 1,200 (1,000–1,500)", 1000, 1500, "estimate", 1200),
        ("25 (25–25)", 25, 25, "estimate", 25),
        # the press's shorthand
        ("300-plus", 300, None, "at_least", 300),
        ("300 plus", 300, None, "at_least", 300),
        ("20 or so", 15, 25, "approx", 20),
        ("a dozen or so", 10, 14, "approx", 12),
        ("1.5m", 1_500_000, 1_500_000, "exact", 1_500_000),
        ("2 mn", 2_000_000, 2_000_000, "exact", 2_000_000),
        ("about 1.2m", 1_150_000, 1_250_000, "approx", 1_200_000),
        # a party saying nobody was killed states a figure: zero
        ("none", 0, 0, "exact", 0),
        ("no one", 0, 0, "exact", 0),
        ("nobody", 0, 0, "exact", 0),
    ],
)
def test_forms_reports_write(text, low, high, qualifier, point):
    q = parse_quantity(text, LEXICON)
    assert (q.low, q.high, q.qualifier, q.point, q.vague) == (low, high, qualifier, point, False)
    assert (q.provisional, q.certainty) == (False, None)


@pytest.mark.parametrize(
    ("text", "low", "high"),
    [("scores of", 40, 99), ("a few", 2, 5), ("a handful", 2, 5), ("a handful of", 2, 5),
     ("hundreds of", 200, 999), ("tens of thousands", 20000, 99999),
     ("tens of thousands of", 20000, 99999)],
)  # fmt: skip
def test_vague_forms_read_the_lexicon_with_their_of(text, low, high):
    q = parse_quantity(text, LEXICON)
    assert (q.low, q.high, q.qualifier, q.vague, q.point) == (low, high, "vague", True, low)


@pytest.mark.parametrize(
    "text",
    ["scores of", "a few", "a handful", "hundreds of", "tens of thousands", "a few dozen",
     "several hundreds", "several thousands"],
)  # fmt: skip
def test_the_shipped_lexicon_defines_the_vague_forms(text):
    shipped = lexicon_mapping(pd.read_csv("data/vague_quantities.csv"))
    assert parse_quantity(text, shipped).vague


@pytest.mark.parametrize(
    ("text", "low", "high", "qualifier"),
    [
        ("42 so far", 42, 42, "exact"),
        ("at least 42 and rising", 42, None, "at_least"),
        ("the toll rose to 60", 60, 60, "exact"),
        ("the death toll has risen to at least 60", 60, None, "at_least"),
        ("rose to 60", 60, 60, "exact"),
        ("60 and counting", 60, 60, "exact"),
        ("at least 60 thus far", 60, None, "at_least"),
        ("a preliminary toll of 42", 42, 42, "exact"),
        ("42 (provisional)", 42, 42, "exact"),
        ("so far, at least 42", 42, None, "at_least"),
        ("at least 42, and rising", 42, None, "at_least"),
    ],
)
def test_a_count_so_far_is_read_and_marked_provisional(text, low, high, qualifier):
    q = parse_quantity(text, LEXICON)
    assert (q.low, q.high, q.qualifier, q.provisional) == (low, high, qualifier, True)


@pytest.mark.parametrize(
    ("text", "low", "high", "certainty"),
    [
        ("over 100 feared dead", 101, None, "feared"),
        ("100 feared", 100, 100, "feared"),
        ("20 presumed dead", 20, 20, "feared"),
        ("unconfirmed reports of 20 killed", 20, 20, "feared"),
        ("unconfirmed reports of 20", 20, 20, "feared"),
        ("34 confirmed dead", 34, 34, "confirmed"),
        ("a confirmed 34", 34, 34, "confirmed"),
        ("reportedly 12", 12, 12, "reported"),
    ],
)
def test_certainty_words_are_read_and_reported(text, low, high, certainty):
    q = parse_quantity(text, LEXICON)
    assert (q.low, q.high, q.certainty, q.provisional) == (low, high, certainty, False)
    assert q.certainty in CERTAINTIES


def test_markers_combine_in_any_order():
    q = parse_quantity("over 100 feared dead so far", LEXICON)
    assert (q.low, q.qualifier, q.certainty, q.provisional) == (101, "more_than", "feared", True)


def test_parse_values_reports_provisional_and_certainty_beside_the_interval():
    claims = pd.DataFrame(
        {"claim_id": ["a", "b", "c"], "value": ["42 so far", "over 100 feared dead", "42 so far"]}
    )
    parsed = parse_values(claims, LEXICON)
    assert parsed["value_provisional"].tolist() == [True, False, True]
    assert parsed["value_provisional"].dtype == bool
    assert parsed["value_certainty"].isna().tolist() == [True, False, True]
    assert parsed["value_certainty"].iloc[1] == "feared"
    assert parsed["value_qualifier"].tolist() == ["exact", "more_than", "exact"]


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("30 (45–50)", "outside its bounds"),
        ("30 (40–25)", "bounds"),
        ("30 (HRW)", "bounds"),
        ("just over dozens", "before a number"),
        ("nearly 50–60", "before a number"),
        ("fewer than 0", "below zero"),
        ("just under zero", "below zero"),
        ("topped", ""),
        ("so far", ""),
        ("five twenty", ""),
        ("twenty thirty", ""),
        ("one two", ""),
        ("a hundred and", ""),
        ("two thousand three thousand", ""),
        ("20 killed", "words after the figure: 'killed'"),
        ("over 2,000 dead", "words after the figure: 'dead'"),
        ("at least 1,350 civilians", "words after the figure: 'civilians'"),
        ("1,200–1,500 civilians", "words after the figure: 'civilians'"),
        ("between 1200 and 1500 people", "words after the figure: 'people'"),
        ("more than many", "nothing readable after 'more than'"),
        ("three or two", ""),
    ],
)
def test_unreadable_forms_name_the_claim_and_why(text, reason):
    with pytest.raises(QuantityError) as caught:
        parse_quantity(text, LEXICON, claim_id="attack-x")
    assert "'attack-x'" in str(caught.value)
    assert reason in caught.value.reason


def test_just_band_and_wordings_are_parameters():
    narrow = QuantityRules(just_relative_band=0.05)
    assert parse_quantity("just over 100", rules=narrow).high == 105
    assert parse_quantity("just under 100", rules=narrow).low == 95
    # an analyst who reads "upwards of 100" as a floor that includes 100
    floors = tuple(
        (wording, "at_least" if wording == "upwards of" else reading)
        for wording, reading in QuantityRules().prefix_readings
    )
    assert parse_quantity("upwards of 100").low == 101
    assert parse_quantity("upwards of 100", rules=QuantityRules(prefix_readings=floors)).low == 100


def test_a_wording_table_with_an_unknown_reading_is_refused():
    with pytest.raises(ValueError, match="'upwards of': 'floor'"):
        QuantityRules(prefix_readings=(("upwards of", "floor"),))


def test_every_qualifier_is_known_to_the_reconciliation_ranking():
    assert set(READINGS.values()) <= set(QUALIFIERS)
    assert set(QUALIFIERS) == set(SPECIFICITY_RANK)
    # a stated best with its bounds ranks right after an exact count
    assert SPECIFICITY_RANK["exact"] < SPECIFICITY_RANK["estimate"]
    assert all(SPECIFICITY_RANK["estimate"] <= rank for q, rank in SPECIFICITY_RANK.items()
               if q not in ("exact", "estimate"))  # fmt: skip


UNITS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
         "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
         "eighteen", "nineteen"]  # fmt: skip
TENS = {2: "twenty", 3: "thirty", 4: "forty", 5: "fifty", 6: "sixty", 7: "seventy", 8: "eighty",
        9: "ninety"}  # fmt: skip


def spell(number: int, hyphen: str = "-") -> str:
    """English words for a number, written independently of the parser under test."""
    if number < 20:
        return UNITS[number]
    if number < 100:
        tens, units = divmod(number, 10)
        return TENS[tens] + (hyphen + UNITS[units] if units else "")
    if number < 1000:
        hundreds, rest = divmod(number, 100)
        return f"{UNITS[hundreds]} hundred" + (f" and {spell(rest, hyphen)}" if rest else "")
    for scale, word in ((1_000_000, "million"), (1_000, "thousand")):
        if number >= scale:
            count, rest = divmod(number, scale)
            tail = "" if not rest else f" and {spell(rest)}" if rest < 100 else f" {spell(rest)}"
            return f"{spell(count, hyphen)} {word}{tail}"
    raise AssertionError(number)


@pytest.mark.parametrize("number", range(100))
def test_number_words_round_trip_to_ninety_nine(number):
    assert parse_number(spell(number)) == number
    assert parse_number(spell(number, hyphen=" ")) == number
    assert parse_quantity(spell(number).capitalize()).point == number


@given(st.integers(min_value=0, max_value=999_999_999))
def test_number_words_round_trip_with_scales(number):
    assert parse_number(spell(number)) == number


@given(st.integers(min_value=0, max_value=10_000_000_000))
def test_thousands_separators_round_trip_through_the_formatter(number):
    assert parse_quantity(f"{number:,}").point == number
    assert format_interval(number, number) == f"{number:,}"
    assert parse_quantity(format_interval(number, None, True)).low == number


@given(numbers, numbers)
def test_a_formatted_interval_reads_back_as_itself(a, b):
    low, high = sorted((a, b))
    q = parse_quantity(format_interval(low, high))
    assert (q.low, q.high) == (low, high)


# wordings whose interval holds the number itself, and those that exclude it
INCLUSIVE = ["at least {}", "up to {}", "as high as {}", "about {}", "~{}", "roughly {}",
             "close to {}", "nearly {}", "{} or more", "{}+", "{} or fewer", "{} so far",
             "{} feared dead", "{} or so", "{}-plus"]  # fmt: skip
EXCLUSIVE = ["more than {}", "over {}", "topped {}", "upwards of {}", "just over {}",
             "just under {}", "fewer than {}"]  # fmt: skip


@given(st.integers(min_value=1, max_value=10_000_000), st.sampled_from(INCLUSIVE + EXCLUSIVE))
def test_no_wording_narrows_a_number_into_nothing(number, template):
    q = parse_quantity(template.format(f"{number:,}"))
    high = float("inf") if q.high is None else q.high
    assert 0 <= q.low <= q.point <= high
    if template in INCLUSIVE:
        assert q.low <= number <= high
    else:  # the number itself is excluded, its neighbour is not
        assert number not in (q.low, q.high) and (q.low == number + 1 or high == number - 1)


@given(
    st.integers(min_value=0, max_value=10_000_000),
    st.integers(min_value=0, max_value=10_000_000),
    st.sampled_from(["about {}", "at least {}", "up to {}", "{} or more"]),
)
def test_a_qualifier_never_narrows_a_range(a, b, template):
    low, high = sorted((a, b))
    q = parse_quantity(template.format(f"{low:,}–{high:,}"))
    assert q.low <= low and (q.high is None or q.high >= high)


@given(
    st.integers(min_value=0, max_value=1_000_000),
    st.integers(min_value=0, max_value=1_000_000),
    st.integers(min_value=0, max_value=1_000_000),
)
def test_an_estimate_keeps_its_best_inside_its_bounds(a, b, c):
    low, best, high = sorted((a, b, c))
    q = parse_quantity(f"{best:,} ({low:,}–{high:,})")
    assert (q.low, q.point, q.high, q.qualifier) == (low, best, high, "estimate")


WORDS = st.sampled_from(
    ["at least", "more than", "just", "over", "under", "nearly", "about", "~", "+", "-", "–",
     "(", ")", "[", "]", ",", "range", "low", "high", "so far", "and rising", "feared", "dead",
     "unconfirmed reports of", "the", "mark", "toll", "rose to", "a", "half", "dozen", "hundred",
     "and", "thousand", "million", "m", "or more", "or so", "plus", "between", "to", "of",
     "dozens", "scores", "twenty", "one", "0", "7", "40", "1,000", "1.5", "144 000", "k", "5k",
     "1.2k", "c.", "approx", "est.", "01,402", "or two"]
)  # fmt: skip


@given(st.one_of(st.text(max_size=30), st.lists(WORDS, max_size=8).map(" ".join)))
def test_any_text_reads_or_fails_with_a_quantity_error(text):
    try:
        q = parse_quantity(text, LEXICON, claim_id="c1")
    except QuantityError as error:
        assert "'c1'" in str(error)
    else:
        assert 0 <= q.low <= q.point and (q.high is None or q.point <= q.high)
        assert q.qualifier in QUALIFIERS


@pytest.mark.parametrize(
    ("text", "unclear"),
    [("10–15,000", True), ("30-40 000", True), ("between 10 and 15,000", True),
     ("10 TO 15,000", True), ("10 or 15,000", True), ("10–15\u202f000", True),
     # in thousands these would be reversed or one figure, or they are written in full
     ("300 (5–1,200)", False), ("1–1,000", False), ("10,000–15,000", False),
     ("2.5-3,000", False), ("10-15 thousand", False)],
)  # fmt: skip
def test_a_short_figure_before_thousands_is_named_as_unclear(text, unclear):
    # read as written (the grammar never guesses), but the source may have meant thousands
    assert thousands_unclear(text) is unclear
    if unclear:
        reading = parse_quantity(text)
        assert reading.low < 1000 <= reading.high


@pytest.mark.parametrize(
    ("text", "full"),
    [("approx 1,500", "approximately 1,500"), ("approx. 1,500", "approximately 1,500"),
     ("approx.1,500", "approximately 1,500"), ("c. 1,500", "circa 1,500"),
     ("c.1,500", "circa 1,500"), ("ca. 1,500", "circa 1,500"), ("ca.1,500", "circa 1,500"),
     ("Est. 1,350", "estimated 1,350"), ("est.1,350", "estimated 1,350"),
     ("estimated 1,350", "an estimated 1,350"), ("min.40", "a minimum of 40"),
     ("max.50", "a maximum of 50"),
     ("approx. 2 dozen", "approximately two dozen"), ("c. 10-15 thousand", "about 10-15 thousand")],
)  # fmt: skip
def test_abbreviated_wordings_read_as_the_full_word(text, full):
    # reports abbreviate "approximately", "circa" and "estimated" constantly, with or without
    # a space after the full stop
    abbreviated, written_out = parse_quantity(text), parse_quantity(full)
    assert (abbreviated.low, abbreviated.high, abbreviated.qualifier, abbreviated.point) == (
        written_out.low, written_out.high, written_out.qualifier, written_out.point,
    )  # fmt: skip


def test_an_abbreviation_needs_its_full_stop_or_a_space():
    # "approx1,500" and "c1,500" run a word into the figure; "est" without its full stop is
    # French for "is" ("le bilan est 12"), so only "est." abbreviates "estimated"
    for text in ("approx1,500", "c1,500", "est 1,350"):
        with pytest.raises(QuantityError):
            parse_quantity(text)


@pytest.mark.parametrize(
    ("text", "low", "high", "qualifier"),
    [("1.2k", 1200, 1200, "exact"), ("12K", 12_000, 12_000, "exact"),
     ("5k", 5_000, 5_000, "exact"), ("2.5 k", 2_500, 2_500, "exact"),
     ("1.15k", 1_150, 1_150, "exact"), ("5-10k", 5_000, 10_000, "range"),
     ("5–10K", 5_000, 10_000, "range"), ("5 to 10k", 5_000, 10_000, "range"),
     ("1.5-2k", 1_500, 2_000, "range"), ("over 5k", 5_001, None, "more_than"),
     ("about 1.2k", 1_150, 1_250, "approx"), ("5k+", 5_000, None, "at_least"),
     ("2k (1-3k)", 1_000, 3_000, "estimate")],
)  # fmt: skip
def test_a_k_suffix_reads_as_thousands(text, low, high, qualifier):
    q = parse_quantity(text)
    assert (q.low, q.high, q.qualifier) == (low, high, qualifier)
    assert isinstance(q.low, int)


@given(st.integers(min_value=0, max_value=10_000_000), st.integers(min_value=0, max_value=3))
def test_a_decimal_before_k_is_exact(count, decimals):
    # "1.2k" is 1,200 exactly, "1.15k" 1,150: as many decimals as a thousand has zeros
    step = 10 ** (3 - decimals)
    number = count - count % step
    fraction = f".{number % 1000 // step:0{decimals}d}" if decimals else ""
    assert parse_quantity(f"{number // 1000}{fraction}k").point == number


def test_a_k_suffix_that_leaves_a_fraction_of_a_person_is_refused():
    with pytest.raises(QuantityError, match="not a whole number"):
        parse_quantity("1.2345k")


@pytest.mark.parametrize("text", ["5 killed", "5 kidnapped", "5k killed", "12 kids", "5-10 km"])
def test_a_k_suffix_does_not_swallow_words(text):
    with pytest.raises(QuantityError, match="words after the figure"):
        parse_quantity(text)


@pytest.mark.parametrize(
    ("text", "low", "high"),
    [("a dozen or two", 12, 24), ("a dozen to two", 12, 24), ("two hundred to three", 200, 300),
     ("a hundred or two", 100, 200), ("a thousand or two", 1_000, 2_000),
     ("between a dozen and two", 12, 24), ("5k–10", 5_000, 10_000),
     ("1.5m to 2", 1_500_000, 2_000_000), ("about a dozen or two", 12, 24),
     # read literally when that already is a range: the scale is then the first figure's own
     ("one hundred to 150", 100, 150), ("half a dozen to ten", 6, 10),
     ("a dozen to 20", 12, 20)],
)  # fmt: skip
def test_a_scale_after_a_ranges_first_figure_applies_to_a_bare_second(text, low, high):
    # "a dozen or two" is one to two dozen; read literally it would be 12 down to 2
    q = parse_quantity(text)
    assert (q.low, q.high, q.qualifier) == (low, high, "range")


@pytest.mark.parametrize(
    "text", ["a dozen or one", "a hundred to one", "two hundred to 150", "a hundred to twenty",
             "a dozen to eleven"],
)  # fmt: skip
def test_a_range_reversed_even_in_the_first_figures_scale_is_refused(text):
    with pytest.raises(QuantityError, match="the range is reversed"):
        parse_quantity(text)


@pytest.mark.parametrize("text", ["01,402", "00,500", "0,500", "about 01,402", "01,402–2,000",
                                  "01 402", "01\u202f402", "012,000,000"])  # fmt: skip
def test_a_grouped_number_with_a_leading_zero_is_refused(text):
    with pytest.raises(QuantityError, match="leading zero") as caught:
        parse_quantity(text, claim_id="x-1")
    assert "'x-1'" in str(caught.value)


@pytest.mark.parametrize(("text", "number"), [("0", 0), ("07", 7), ("0.5 million", 500_000),
                                              ("1,402", 1402), ("10,000", 10_000)])  # fmt: skip
def test_ungrouped_leading_zeros_and_zero_still_read(text, number):
    assert parse_quantity(text).point == number


@pytest.mark.parametrize(
    ("text", "scale"),
    [
        ("1 billion", "billion"),
        ("1bn", "bn"),
        ("2.5 bn", "bn"),
        ("2.5 billion", "billion"),
        ("a billion", "billion"),
        ("at least one billion", "billion"),
        ("between 1 and 2 billion", "billion"),
        ("billions", "billions"),
        ("20 billion+", "billion"),
    ],
)
def test_a_billion_is_refused_as_no_casualty_scale_figure(text, scale):
    """The grammar has no billion scale on purpose: the message says so, not 'words after'."""
    with pytest.raises(QuantityError) as caught:
        parse_quantity(text, LEXICON, claim_id="attack-x")
    reason = caught.value.reason
    assert reason.startswith(f"{scale!r} is not a casualty-scale figure"), reason
    assert "check it against the source" in reason and "words after" not in reason
    assert "'attack-x'" in str(caught.value)


def test_a_billion_written_out_in_digits_reads():
    assert parse_quantity("1,000,000,000").low == 1_000_000_000


def test_a_billion_in_claims_csv_names_file_row_and_column(tmp_path):
    from conftest import claim, write_dataset

    from casrec.schema import DataError, load_dataset

    write_dataset(tmp_path, [claim("a", "34"), claim("b", "2bn")])
    with pytest.raises(DataError) as caught:
        load_dataset(tmp_path)
    (problem,) = [str(p) for p in caught.value.problems]
    assert problem.startswith("claims.csv, row 3 (b), column 'value': cannot read value '2bn'")
    assert "'bn' is not a casualty-scale figure" in problem


@pytest.mark.parametrize(
    ("text", "number"),
    [("\u0661\u0662", 12), ("\u06f1\u06f2", 12), ("\uff11\uff12", 12),
     ("\u0661\u066c\u0662\u0660\u0660", 1200), ("\u0661\u066b\u0665 million", 1_500_000),
     ("\uff11\uff0c\uff12\uff10\uff10", 1200), ("1'500", 1500), ("1\u2019500", 1500),
     ("12'000'000", 12_000_000), ("twenty\u2011one", 21), ("twenty\u2010one", 21)],
)  # fmt: skip
def test_digits_and_separators_of_other_scripts_and_typography_read(text, number):
    """Arabic-Indic, Persian and full-width digits, the Arabic separators, Swiss apostrophes."""
    q = parse_quantity(text)
    assert (q.low, q.high, q.qualifier) == (number, number, "exact")


@given(st.text(alphabet=st.characters(categories=["Nd"]), min_size=1, max_size=8))
def test_decimal_digits_of_any_script_read_as_their_values(digits):
    import unicodedata

    value = int("".join(str(unicodedata.digit(c)) for c in digits))
    assert parse_quantity(digits).low == value


@pytest.mark.parametrize("dash", ["\u2212", "\u2012", "\u2010", "\u2015", "\u2013", "\u2014"])
def test_every_typeset_dash_between_figures_is_a_range(dash):
    """'40−50' with a minus sign or a figure dash was refused without a reason."""
    q = parse_quantity(f"40{dash}50")
    assert (q.low, q.high, q.qualifier) == (40, 50, "range")
    assert (
        parse_quantity(f"about 1,200 {dash} 1,500").low,
        parse_quantity(f"about 1,200 {dash} 1,500").high,
    ) == (1200, 1500)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("40 ± 5", "a margin ('40 ± 5') is not read: a best figure with its bounds is written as 40 (35–45)"),
        ("40+/-5", "written as 40 (35–45)"),
        ("3 ± 5", "written as 3 (0–8)"),
        ("1,00,000", "'1,00,000' is grouped in lakhs and crores (South Asian style), which the grammar does not read: write 100,000"),
        ("12,50,000", "write 1,250,000"),
        ("2 lakh", "'lakh' is not read: write the figure in digits (a lakh is 100,000"),
        ("about 40%", "a percentage is not a count of people"),
        ("40 per cent", "a percentage is not a count of people"),
        ("=40", "the sign '=' is not read: write '40'"),
        ("+5", "a '+' before the figure is not read: write '5', or '5+' for at least 5"),
        ("1e3", "'1e3' is written in scientific notation: write the figure in digits (1,000)"),
        ("about 2.5E4", "write the figure in digits (25,000)"),
        ("-5", "a count of people is never negative"),
        ("\u22125", "a count of people is never negative"),
        ("(40)", "the figure is inside brackets or quotes"),
        ("\u201c40\u201d", "the figure is inside brackets or quotes"),
        ("12,34", "'12,34' is not grouped in thousands (three digits after each comma): a decimal comma"),
        ("40?", "a question mark is not read"),
        ("some 2.000", "'2.000' is 2,000 with the thousands dot of much of the world, and a decimal elsewhere; write 2,000"),
        ("over 1.200.000", "write 1,200,000"),
        ("34 (40-30)", "the bounds are reversed: write the lower first, as 30–40"),
        ("N/A", "no figure: neither digits, a number word nor a term of data/vague_quantities.csv"),
        ("unknown", "no figure"),
        ("\u2014", "no figure"),
    ],
)  # fmt: skip
def test_forms_the_grammar_does_not_read_say_what_to_write(text, reason):
    assert reason in _refused(text).reason


def _refused(text: str) -> QuantityError:
    """The error ``text`` is refused with, as claim 'attack-x'."""
    with pytest.raises(QuantityError) as caught:
        parse_quantity(text, LEXICON, claim_id="attack-x")
    return caught.value


@pytest.mark.parametrize("text", ["dozens of dozens", "five twenty", "scores and scores"])
def test_number_words_and_lexicon_terms_are_not_called_no_figure(text):
    with pytest.raises(QuantityError) as caught:
        parse_quantity(text, LEXICON)
    assert "no figure" not in caught.value.reason


def test_a_refused_form_in_claims_csv_names_file_row_and_column(tmp_path):
    from conftest import claim, write_dataset

    from casrec.schema import DataError, load_dataset

    write_dataset(tmp_path, [claim("a", "34"), claim("b", "40 ± 5")])
    with pytest.raises(DataError) as caught:
        load_dataset(tmp_path)
    (problem,) = [str(p) for p in caught.value.problems]
    assert problem.startswith("claims.csv, row 3 (b), column 'value': cannot read value '40 ± 5'")
    assert "written as 40 (35–45)" in problem


# --- what a mistyped figure is told ----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        # digit groups that are not thousands, with the figures the typist may have meant
        ("1 2345", "'1 2345' is not grouped in thousands (three digits after each space); did you mean 12345 or 1 234?"),
        ("12 345 6789", "did you mean 123456789 or 12 345 678?"),
        ("1,234,56", "'1,234,56' is not grouped in thousands (three digits after each comma); did you mean 123456?"),
        ("about 40,000,00", "did you mean 4000000?"),
        ("1'2345", "three digits after each apostrophe"),
        ("40 5", "did you mean 405?; two figures are no value: a range is written 5–40"),
        ("1,234 567", "'1,234 567' separates its digit groups with ',' and ' ': write 1,234,567"),
        ("1,,000", "separates its digit groups with ',,': write 1,000"),
        ("1, 000", "separates its digit groups with ', ': write 1,000"),
        ("1 234–1 2345", "'1 2345' is not grouped in thousands"),
        # stray marks around or in a readable figure
        ("40!", "unexpected character '!' after '40': value holds the figure alone, written '40'"),
        ("40 !", "unexpected character '!' after '40'"),
        ("!40", "unexpected character '!' before '40'"),
        ("34+!", "unexpected character '!' after '34+'"),
        ("at least 34!!", "unexpected characters '!', '!' after '34'"),
        ("#~40@", "unexpected character '#' before and '@' after '~40'"),
        ("(40", "unexpected character '(' before '40'"),
        ("30 (25–40))", "unexpected character ')' after '30 (25–40)'"),
        ("1,200*", "after '1,200': value holds the figure alone, written '1,200' (a footnote mark?"),
        ("40†", "(a footnote mark?"),
        ("40²", "(a footnote mark?"),
        ("40-", "unexpected character '-' after '40'"),
        ("40-", "(a range without its second figure?)"),
        ("50–6§0", "unexpected character '§' in '50–6§0': value holds the figure alone, written '50–60'"),
        ("1.5!", "unexpected character '!' in '1.5!'; without it: a decimal point in a count is ambiguous"),
        # an ordinal with an ending its number does not take (those with the right one read)
        ("1th", "'1th' is an ordinal that has the wrong ending: did you mean '1st'?"),
        ("2st", "did you mean '2nd'?"), ("11st", "did you mean '11th'?"),
        ("12nd", "did you mean '12th'?"), ("13rd", "did you mean '13th'?"),
        ("21th", "did you mean '21st'?"), ("1,001th", "did you mean '1,001st'?"),
        ("at least 5st", "'5st' is an ordinal that has the wrong ending: did you mean '5th'?"),
        ("2er", "did you mean '2ème'?"), ("1ème", "did you mean '1er'?"), ("2ère", "did you mean '2ème'?"),
        ("07th", "'07th' is an ordinal that has a leading zero: did you mean '7th'?"),
        ("0th", "'0th' is no ordinal: ranks count from the first (1st)"),
        ("1th killed", "1 is written '1st'"),
        ("3e", "'3e' is not read: a lone 'e' after a figure may be a French ordinal, but also a key slipped"),
        ("3e", "write '3ème' for the ordinal (read as 3 so far), or the figure alone"),
        ("1e", "write '1er' for the ordinal"),
        ("a sixth", "'a sixth' is a fraction, not a number of people"),
        ("a hundredth", "is a fraction"), ("an eighth", "is a fraction"),
        ("nineth", "did you mean 'ninth'?"), ("fourtieth", "did you mean 'fortieth'?"),
        # a figure made plural
        ("100s", "'100s' is a figure made plural: write the vague term 'hundreds'"),
        ("1,000s", "add 'thousands' to data/vague_quantities.csv"),
        ("1990s", "'1990s' is a decade, not a number of people"),
        ("40's", "a count takes no 's' (write 40)"),
        # letters for digits, and letters run into a figure
        ("4O", "'4O' has the letter 'O' among its digits: did you mean 40?"),
        ("l00", "'l00' has the letter 'l' among its digits: did you mean 100?"),
        ("1,OOO", "did you mean 1,000?"),
        ("about40", "'about40' needs a space: did you mean 'about 40'?"),
        ("over100", "did you mean 'over 100'?"),
        ("40people", "letters 'people' are run into the figure 40: value holds the figure alone"),
        ("12kk", "letters 'kk' are run into the figure 12"),
        # two figures around a mark that is no range separator
        ("40/50", "'/' between two figures is not read: a range is written 40–50"),
        ("40 & 50", "'&' between two figures is not read: a range is written 40–50"),
        ("between 40 & 50", "a range is written 40–50"),
        ("50––60", "'––' between two figures"),
        ("40..50", "'..' between two figures"),
        ("60, 50", "',' between two figures is not read: a range is written 50–60 (or '50 to 60'), lower figure first"),
        # a bracket opened and never closed, or closed and never opened
        ("30 (25–40", "a bracket '(' is opened and never closed: did you mean '30 (25–40)'?"),
        ("30 25–40)", "a bracket ')' is closed and never opened: did you mean '30 (25–40)'?"),
        # marks beside or inside words
        ("up to~ 50", "unexpected character '~' in 'up to~ 50': value holds the figure alone, written 'up to 50'"),
        ("abou, 40", "without it: 'abou' is not a word the grammar reads: did you mean 'about 40'?"),
        # a digit missing before the first separator
        (".5 million", "'.5' starts with '.': a digit is missing before it (0.5? a figure cut short?)"),
        (",200", "',200' starts with ',': a digit is missing before it (a figure cut short?)"),
        # a word of the grammar misspelt
        ("fourty", "'fourty' is not a word the grammar reads: did you mean 'forty'?"),
        ("abbout 40", "did you mean 'about 40'?"),
        ("atleast 34", "'atleast' is not a word the grammar reads: did you mean 'at least 34'?"),
        ("morethan 77", "did you mean 'more than 77'?"),
        ("twenty-onne", "'onne' is not a word the grammar reads: did you mean 'twenty-one'?"),
        ("tw]nty-one", "'tw]nty' is not a word the grammar reads: did you mean 'twenty-one'?"),
        ("nea2ly 300", "did you mean 'nearly 300'?"),
        ("pu to 50", "'pu' is not a word the grammar reads: did you mean 'up to 50'?"),
        ("a dozan", "did you mean 'a dozen'?"),
        ("dozends", "did you mean 'dozens'?"),
        ("tens of thousnads", "did you mean 'tens of thousands'?"),
        ("aproximately fourty", "'aproximately' and 'fourty' are not words the grammar reads: did you mean 'approximately forty'?"),
        # two words of the grammar run together
        ("twentyone", "'twentyone' is not a word the grammar reads: did you mean 'twenty one'?"),
        ("at leastthree", "did you mean 'at least three'?"),
        ("between 60 adn 50", "'adn' is not a word the grammar reads (a misspelt 'and'?); even so, the range is reversed: write the lower figure first, as 50–60"),
    ],
)  # fmt: skip
def test_a_mistyped_figure_is_told_what_is_wrong_and_how_to_write_it(text, reason):
    """'1 2345', '40!' and '1st' got only the generic 'cannot read value'."""
    error = _refused(text)
    assert reason in error.reason, error.reason
    assert str(error).startswith(f"claim 'attack-x': cannot read value {text!r} (")
    assert "expected forms like '34', 'at least 34'" in str(error)


@pytest.mark.parametrize(
    ("text", "quoted"),
    [("4O", "'4O' has the letter 'O'"), ("About40", "'About40' needs a space"),
     ("Fourty", "'Fourty' is not a word"), ("1TH", "'1TH' is an ordinal")],
)  # fmt: skip
def test_a_reason_quotes_the_value_as_it_was_typed(text, quoted):
    """The grammar reads lower-cased text; the analyst must find what they typed."""
    assert quoted in _refused(text).reason


def _suggestions(reason: str) -> list[str]:
    """The values a message suggests: "did you mean X", "written 'X'", "write X"."""
    found = re.findall(r"did you mean '(.+?)'\?|written '(.+?)'", reason)
    found += [m for m in re.findall(r"did you mean ([\d, ]+?)(?: or |\?)", reason)]
    found += re.findall(r" or ([\d ,]+)\?", reason)
    found += re.findall(r"(?:write|written) ([\d,]+(?:–[\d,]+)?)\b", reason)
    return [s for group in found for s in ((group,) if isinstance(group, str) else group) if s]


STRAY_MARKS = st.sampled_from([*'!@#$*&^_|\\`"{}§°†‡¶', "²", "³", "¹", "!!", "*)", "?!"])


@given(st.integers(min_value=0, max_value=10_000_000), STRAY_MARKS, st.booleans())
def test_a_stray_mark_after_any_figure_is_named_with_the_figure(number, mark, grouped):
    figure = f"{number:,}" if grouped else str(number)
    with pytest.raises(QuantityError) as caught:
        parse_quantity(figure + mark, LEXICON)
    reason = caught.value.reason
    if "?" in mark:
        assert "a question mark is not read" in reason
    else:
        assert f"after {figure!r}: value holds the figure alone, written {figure!r}" in reason, (
            reason
        )


@given(st.integers(min_value=1_000, max_value=999_999_999), st.integers(min_value=1, max_value=2),
       st.sampled_from([",", " "]))  # fmt: skip
def test_a_separator_out_of_place_is_named_with_the_digits_joined(number, shift, separator):
    digits = str(number)
    grouped = f"{number:,}".replace(",", separator)
    # move the last separator `shift` digits to the right: '1,234' -> '1,23,4' -> '12,34'
    cut = grouped.rindex(separator)
    moved = (
        grouped[:cut] + grouped[cut + 1 : cut + 1 + shift] + separator + grouped[cut + 1 + shift :]
    )
    with pytest.raises(QuantityError) as caught:
        parse_quantity(moved)
    reason = caught.value.reason
    assert "not grouped in thousands" in reason or "separates its digit groups" in reason, reason
    assert (
        f"did you mean {digits}" in reason
        or f"did you mean {int(digits.lstrip('0') or 0)}" in reason
    )


def _reading(text: str) -> tuple:
    """Everything a parse says but the text itself."""
    q = parse_quantity(text, LEXICON)
    return q.low, q.high, q.qualifier, q.vague, q.point, q.provisional, q.certainty


def english_ending(number: int) -> str:
    """'st', 'nd', 'rd' or 'th', written independently of the grammar under test."""
    if 11 <= number % 100 <= 13:
        return "th"
    return {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")


IRREGULAR = {"one": "first", "two": "second", "three": "third", "five": "fifth", "eight": "eighth",
             "nine": "ninth", "twelve": "twelfth"}  # fmt: skip


def spell_ordinal(number: int, hyphen: str = "-") -> str:
    """'twenty-first', 'one hundred and sixth': ``spell`` with its last word made ordinal."""
    words = spell(number, hyphen)
    cut = max(words.rfind(" "), words.rfind("-"))
    head, last = words[: cut + 1], words[cut + 1 :]
    ordinal = IRREGULAR.get(last) or (last[:-1] + "ieth" if last.endswith("y") else last + "th")
    return head + ordinal


@pytest.mark.parametrize(
    ("text", "cardinal"),
    [("sixth", "6"), ("6th", "6"), ("1st", "1"), ("2nd", "2"), ("3rd", "3"), ("4th", "4"),
     ("11th", "11"), ("12th", "12"), ("13th", "13"), ("21st", "21"), ("22nd", "22"), ("23rd", "23"),
     ("101st", "101"), ("111th", "111"), ("1,000th", "1,000"), ("6TH", "6"), ("6th.", "6"),
     # superscript endings
     ("6ᵗʰ", "6"), ("1ˢᵗ", "1"), ("2ⁿᵈ", "2"), ("3ʳᵈ", "3"), ("1ᵉʳ", "1"),
     # French: 1er / 1re / 1ère (premier, première), 2ème beyond; Spanish 1er, 3er (primer,
     # tercer); Spanish, Portuguese and Italian 2º, 2ª, 2.º
     ("1er", "1"), ("1re", "1"), ("1ère", "1"), ("1ere", "1"), ("3ème", "3"), ("3eme", "3"),
     ("21ème", "21"), ("3er", "3"), ("2º", "2"), ("2ª", "2"), ("2.º", "2"), ("21º", "21"),
     # words: every ordinal made from a cardinal the grammar reads
     ("twenty-first", "21"), ("twenty first", "21"), ("thirtieth", "30"), ("ninetieth", "90"),
     ("forty-second", "42"), ("hundredth", "100"), ("one hundredth", "100"),
     ("one hundred and first", "101"), ("a hundred and first", "101"),
     ("one hundred twenty-third", "123"), ("thousandth", "1000"), ("two thousandth", "2000"),
     ("a thousand and fifth", "1005"), ("millionth", "1000000")],
)  # fmt: skip
def test_every_ordinal_form_reads_as_the_running_total_sixth_does(text, cardinal):
    """'sixth' read as six so far while '6th' and 'twenty-first' were refused: one rule now."""
    assert _reading(text) == _reading(cardinal)


@pytest.mark.parametrize(
    "template",
    ["at least {}", "more than {}", "over {}", "up to {}", "about {}", "nearly {}", "just over {}",
     "{}+", "{} or more", "{} or so", "{} so far", "the toll rose to {}", "{} feared dead"],
)  # fmt: skip
@pytest.mark.parametrize(("ordinal", "cardinal"), [("sixth", "6"), ("6th", "6"), ("21st", "21"),
                                                   ("twenty-first", "21"), ("3ème", "3")])  # fmt: skip
def test_an_ordinal_takes_every_wording_a_figure_takes(template, ordinal, cardinal):
    assert _reading(template.format(ordinal)) == _reading(template.format(cardinal))


@pytest.mark.parametrize(
    ("text", "cardinal"),
    [
        ("6th to 10th", "6 to 10"),
        ("sixth to tenth", "6 to 10"),
        ("5th–7th", "5–7"),
        ("30 (25th–40th)", "30 (25–40)"),
    ],
)
def test_ordinals_bound_a_range_as_figures_do(text, cardinal):
    assert _reading(text) == _reading(cardinal)


def test_the_ordinal_words_extraction_knows_read_as_before():
    from casrec.quantities import ORDINAL_WORDS

    for word, number in ORDINAL_WORDS.items():
        assert _reading(word) == _reading(str(number))


@given(st.integers(min_value=1, max_value=10_000), st.booleans(),
       st.sampled_from(["{}", "at least {}", "about {}", "{}+", "up to {}", "{} so far"]))  # fmt: skip
def test_any_ordinal_reads_as_its_cardinal(number, grouped, template):
    """n in 1..10,000: the digit ordinal, and the ordinal word, give exactly the cardinal's parse."""
    figure = f"{number:,}" if grouped else str(number)
    cardinal = _reading(template.format(figure))
    assert _reading(template.format(figure + english_ending(number))) == cardinal
    assert _reading(template.format(f"{figure}º")) == cardinal
    assert _reading(template.format(f"{figure}ème" if number > 1 else "1er")) == cardinal
    assert parse_number(spell(number)) == number  # the cardinal-word parser reads it ...
    assert _reading(template.format(spell_ordinal(number))) == cardinal  # ... and its ordinal
    assert _reading(template.format(spell_ordinal(number, hyphen=" "))) == cardinal


@given(st.integers(min_value=1, max_value=10_000), st.sampled_from(["st", "nd", "rd", "th"]))
def test_an_ordinal_with_the_wrong_ending_is_refused_with_the_right_one(number, ending):
    right = english_ending(number)
    if ending == right:
        return
    with pytest.raises(QuantityError) as caught:
        parse_quantity(f"{number}{ending}")
    assert caught.value.reason == (
        f"'{number}{ending}' is an ordinal that has the wrong ending: did you mean "
        f"'{number}{right}'?"
    )


VALID = ["34", "at least 34", "more than 77", "up to 50", "about 40", "50–60", "~144,000",
         "30 (25–40)", "twenty-one", "1.5 million", "dozens", "1,200", "12 345", "over 100", "34+",
         "between 50 and 60", "a dozen", "12k", "nearly 300", "tens of thousands"]  # fmt: skip


def _mistyped(text: str, edit: str, at: int, character: str) -> str:
    """``text`` with one typing slip at position ``at`` (taken modulo its length)."""
    at = at % (len(text) + 1)
    return {
        "insert": text[:at] + character + text[at:],
        "replace": text[:at] + character + text[at + 1 :],
        "delete": text[:at] + text[at + 1 :],
        "swap": text[:at] + text[at + 1 : at + 2] + text[at : at + 1] + text[at + 2 :],
        "double": text[:at] + text[at : at + 1] + text[at:],
    }[edit]


@given(
    st.sampled_from(VALID),
    st.sampled_from(["insert", "replace", "delete", "swap", "double"]),
    st.integers(min_value=0, max_value=40),
    st.sampled_from(list("!#*&/_|.,;:'\"~-–+()[]§0123456789 abcdefghijklmnopqrstuvwxyz")),
)
def test_every_suggested_correction_reads(text, edit, at, character):
    """A mistyped value's message may suggest what to write: every suggestion is one that reads."""
    typed = _mistyped(text, edit, at, character)
    try:
        parse_quantity(typed, LEXICON)
    except QuantityError as error:
        for suggestion in _suggestions(error.reason):
            assert parse_quantity(suggestion.strip(), LEXICON), (typed, error.reason, suggestion)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("up t 50", "a character missing: did you mean 'up to 50'?"),
        ("p to 50", "a character missing: did you mean 'up to 50'?"),
        ("A least 7", "a character missing: did you mean 'at least 7'?"),
        ("tens o thousands", "did you mean 'tens of thousands'?"),
        ("twenty-on", "did you mean 'twenty-one'?"),
        ("dozen", "a character missing: did you mean 'dozens'?"),
        ("1. million", "one character too many: did you mean '1 million'?"),
        ("30 ((25–40)", "one character too many: did you mean '30 (25–40)'?"),
        ("aa dozen", "one character too many: did you mean 'a dozen'?"),
        ("more th-an 100", "one character too many: did you mean 'more than 100'?"),
        ("aroun da dozen", "two characters swapped: did you mean 'around a dozen'?"),
        ("at leasta  dozen", "did you mean 'at least a dozen'?"),
        ("up tk 50", "a character mistyped: did you mean 'up to 50'?"),
        ("six-h", "a character mistyped: did you mean 'sixth'?"),
        # a digit inside a word is no part of the figure
        ("a1t least 33", "one character too many: did you mean 'at least 33'?"),
        ("tens o0f thousands", "did you mean 'tens of thousands'?"),
        # the words around the figure are kept in what is proposed
        ("1. million so far", "did you mean '1 million so far'?"),
        ("about 5+0–60", "nothing readable after 'about'; one character too many: did you mean 'about 50–60'?"),
    ],
)  # fmt: skip
def test_a_value_one_edit_from_one_that_reads_is_told_which(text, reason):
    """No rule named what was wrong with 'up t 50' or '1. million': the one edit that reads is."""
    assert reason in _refused(text).reason


@pytest.mark.parametrize("text", ["1k2", "k1", "15. million", "1p4", "lots 12"])
def test_no_edit_is_proposed_when_edits_read_differently_or_none_reads(text):
    """'1k2' is '12k' or '12', '15. million' 15 or 1.5 million: which is not ours to guess."""
    assert "did you mean" not in _refused(text).reason


def test_a_word_no_edit_mends_spares_the_value_the_edits():
    """A file of junk ('lots 12', 'lots 13', ...) costs no search: 'lots' is no word one edit away."""
    from casrec.quantities import DEFAULT_RULES, _edit_index, _edits

    assert list(_edits("lots 12", _edit_index(LEXICON, DEFAULT_RULES))) == []


def test_values_are_edited_for_the_first_unreadable_ones_of_a_file(monkeypatch):
    from casrec import quantities

    monkeypatch.setattr(quantities, "MAX_EDITED_VALUES", 2)
    _, failed = quantities.parse_distinct(["34", "up t 50", "lots", "up t 60", "1. million"])
    assert "did you mean 'up to 50'?" in failed["up t 50"].reason
    assert "did you mean" not in failed["up t 60"].reason + failed["1. million"].reason


def _digits(text: str) -> str:
    """The digits of the figures in ``text`` (not one typed inside a word, 'a1t least').

    A digit before a scale letter is a figure's ('a2k' is '2k' with a stray 'a').
    """
    return "".join(re.findall(r"(?<![^\W\d_])\d|\d(?![^\W\d_])|\d(?=[km]\b)", text))


@given(
    st.sampled_from(VALID),
    st.sampled_from(["insert", "replace", "delete", "swap", "double"]),
    st.integers(min_value=0, max_value=40),
    st.sampled_from(list("!#*&/_|.,;:'\"~-–+()[]§0123456789 abcdefghijklmnopqrstuvwxyz")),
)
def test_an_edit_is_proposed_only_where_no_rule_spoke_and_keeps_the_figure(
    text, edit, at, character
):
    """The fallback never replaces a reason a rule gives, and never changes a digit."""
    from casrec import quantities

    typed = _mistyped(text, edit, at, character)
    try:
        parse_quantity(typed, LEXICON)
    except QuantityError as error:
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(quantities, "_one_edit", lambda *args: None)
            without = _refused_reason(typed)
        if error.reason != without:
            assert without == "" or without.startswith("nothing readable after"), (typed, without)
            proposed = re.search(r"did you mean '(.+)'\?$", error.reason)
            assert proposed and error.reason.startswith(without), (typed, error.reason)
            assert _digits(proposed[1]) == _digits(typed.lower())
            assert parse_quantity(proposed[1], LEXICON)


def _refused_reason(text: str) -> str:
    with pytest.raises(QuantityError) as caught:
        parse_quantity(text, LEXICON)
    return caught.value.reason


def _shipped(name: str) -> pd.DataFrame:
    from pathlib import Path

    return pd.read_csv(Path(__file__).resolve().parents[1] / "data" / name)


def _outcome(text: str, lexicon: dict) -> tuple | str:
    """What the grammar reads in ``text`` (its reason aside), or 'refused'."""
    from casrec.quantities import DEFAULT_RULES, _parse

    try:
        q = _parse(text, lexicon, DEFAULT_RULES, None, explain=False)
    except QuantityError:
        return "refused"
    return q.low, q.high, q.qualifier, q.vague, q.point, q.provisional, q.certainty


def _ordinal_form(text: str) -> bool:
    """Whether ``text`` holds a digit ordinal or an ordinal word ('6th', '2º', 'twenty-first')."""
    from casrec.quantities import ORDINAL_CARDINALS

    words = "|".join(ORDINAL_CARDINALS)
    return bool(re.search(rf"\d(?:st|nd|rd|th|er|re|ère|ere|ème|eme|º|ª)|\b(?:{words})\b", text))


def test_shipped_values_and_their_edits_read_as_before_ordinals_were_read(monkeypatch):
    """Every value of data/claims.csv, and each of its one-character edits, reads as it did
    when only the words 'first' to 'twentieth' were ordinals; those that hold another ordinal
    form aside."""
    from casrec import quantities
    from casrec.quantities import ORDINAL_WORDS

    lexicon = lexicon_mapping(_shipped("vague_quantities.csv"))
    shipped = list(dict.fromkeys(_shipped("claims.csv")["value"].dropna()))
    alphabet = ".,-–+~() 0123456789aehnorst"
    corpus = {*shipped, *VALID}
    for value in (*shipped, *VALID):
        for at in range(len(value) + 1):
            corpus.add(value[:at] + value[at + 1 :])
            corpus.add(value[:at] + value[at + 1 : at + 2] + value[at : at + 1] + value[at + 2 :])
            corpus.update(value[:at] + c + value[at:] for c in alphabet)
    now = {text: _outcome(text, lexicon) for text in corpus}
    assert all(now[value] != "refused" for value in shipped)
    monkeypatch.setattr(quantities, "_ordinal_number", lambda text: ORDINAL_WORDS.get(text))
    changed = {text for text in corpus if _outcome(text, lexicon) != now[text]}
    assert changed, "the corpus holds ordinals that read now"
    assert not {text for text in changed if not _ordinal_form(text.lower())}, changed


def test_a_mistyped_figure_in_claims_csv_names_file_row_column_and_the_fix(tmp_path):
    """The loader's exit-2 message (rule value_parses) gives each value's own reason."""
    from conftest import claim, write_dataset

    from casrec.schema import DataError, load_dataset

    write_dataset(tmp_path, [claim("a", "34"), claim("b", "1 2345"), claim("c", "40!"),
                             claim("d", "1th")])  # fmt: skip
    with pytest.raises(DataError) as caught:
        load_dataset(tmp_path)
    problems = [str(p) for p in caught.value.problems]
    assert problems[0].startswith(
        "claims.csv, row 3 (b), column 'value': cannot read value '1 2345'"
    )
    assert "did you mean 12345 or 1 234?" in problems[0]
    assert "row 4 (c)" in problems[1] and "unexpected character '!' after '40'" in problems[1]
    assert "row 5 (d)" in problems[2] and "did you mean '1st'?" in problems[2]


@pytest.mark.parametrize("text", ["na", "N/A", "nb", "ok"])
def test_a_short_word_alone_is_not_corrected_into_a_figure(text):
    """Two letters are a misspelling only beside a figure ('pu to 50'): 'na' is no 'an' (one)."""
    reason = _refused(text).reason
    assert "did you mean" not in reason and "no figure" in reason, reason


@pytest.mark.parametrize(
    ("note", "certainty"),
    [("(confirmed)", "confirmed"), ("[verified]", "confirmed"), ("(unconfirmed)", "feared"),
     (", unconfirmed", "feared"), ("(feared)", "feared"), ("(reported)", "reported")],
)  # fmt: skip
@pytest.mark.parametrize("figure", ["40", "more than 40", "at least 1,200", "dozens", "20–30"])
def test_a_tables_certainty_note_after_the_figure_reads_as_the_figure_with_that_certainty(
    figure, note, certainty
):
    """'40 (confirmed)' is 40, confirmed: a note a table prints does not hide the figure."""
    bare = parse_quantity(figure, LEXICON)
    noted = parse_quantity(f"{figure}{'' if note.startswith(',') else ' '}{note}", LEXICON)
    assert (noted.low, noted.high, noted.qualifier) == (bare.low, bare.high, bare.qualifier)
    assert noted.certainty == certainty


@given(
    st.integers(1, 900_000),
    st.sampled_from(["approx.", "approximately", "est.", "about", "at least", "up to", "over"]),
    st.sampled_from(["({})", "[{}]", "( {} )"]),
)
def test_a_wording_in_brackets_after_the_figure_reads_as_the_wording_before_it(n, wording, mark):
    """A table's '50 (approx.)' is 'approx. 50', '30 (at least)' is 'at least 30'."""
    before = parse_quantity(f"{wording} {n:,}")
    after = parse_quantity(f"{n:,} {mark.format(wording)}")
    assert (after.low, after.high, after.qualifier, after.point) == (
        before.low, before.high, before.qualifier, before.point
    )  # fmt: skip


@pytest.mark.parametrize(
    ("text", "figure"),
    [("another 12", "12"), ("a further 40", "40"), ("an additional 1,200", "1,200"),
     ("12 more", "12"), ("Another Twelve", "Twelve")],
)  # fmt: skip
def test_people_added_to_an_earlier_figure_are_refused_with_what_to_write(text, figure):
    with pytest.raises(QuantityError) as refused:
        parse_quantity(text)
    assert refused.value.reason == (
        f"{text!r} counts people added to an earlier figure, and value holds a total: write "
        f"the new total if the source gives one, else {figure!r} with a note saying what it "
        "adds to"
    )


@pytest.mark.parametrize(
    ("text", "number"),
    [("the sixth", 6), ("the 21st", 21), ("The Twenty-First", 21),
     ("three-quarters of a million", 750_000), ("three quarters of a million", 750_000)],
)  # fmt: skip
def test_headline_ordinals_and_hyphenated_fractions_read(text, number):
    q = parse_quantity(text)
    assert (q.low, q.high, q.qualifier) == (number, number, "exact")
