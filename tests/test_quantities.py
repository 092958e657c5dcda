import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from casrec.quantities import (
    QuantityError,
    QuantityErrors,
    QuantityRules,
    approx_band,
    parse_number,
    parse_quantity,
    parse_values,
    rounding_unit,
)

LEXICON = {"dozens": (24, 99), "several": (3, 9), "a dozen": (12, 12), "hundreds": (200, 999)}


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


@pytest.mark.parametrize("text", ["99999999999999999999", "about 9,000,000,000,000", "20 billion+"])
def test_impossibly_large_counts_are_refused(text):
    with pytest.raises(QuantityError):
        parse_quantity(text)
