"""The rule registry: each rule once, the committed suites in step with it, sentences located."""

import difflib
import json
import re

import pandas as pd
import pytest
from conftest import PROJECT_ROOT
from hypothesis import given
from hypothesis import strategies as st

from casrec import rules
from casrec.quality import EXPECTATIONS_DIR, INPUT_SUITES, expected_suite
from casrec.reading import LINE
from casrec.rules import RuleContext, evaluate, suggestions
from casrec.schema import TABLES


@pytest.mark.parametrize("table", INPUT_SUITES)
def test_committed_suite_matches_the_registry(table):
    """Each rule lives once (casrec.rules); its suite file validates exactly its ok_ columns."""
    spec = json.loads((EXPECTATIONS_DIR / f"{table}.json").read_text(encoding="utf-8"))
    assert spec["expectations"] == expected_suite(table), (
        f"expectations/{table}.json is out of step with casrec.rules: write the expectations "
        f"quality.expected_suite({table!r}) lists into it"
    )


def test_rule_names_are_unique_per_table():
    names = [(r.table, r.name) for r in rules.RULES]
    assert len(names) == len(set(names))


def test_every_rule_has_a_severity_a_column_and_a_sentence():
    for item in rules.RULES:
        assert item.severity in ("critical", "warning"), item.name
        assert item.column, item.name
        assert item.explanation.endswith("."), item.name
        assert item.table in TABLES


def test_rule_sentences_use_an_before_a_vowel():
    # the sentences are built per table ("A source ...", "An event ..."), so the article
    # must follow the noun a reviewer reads on the data-quality page
    wrong = [(r.table, r.name, r.explanation) for r in rules.RULES
             if re.match(r"A [aeiou]", r.explanation, re.IGNORECASE)
             and not re.match(r"A (?:un|use|one)", r.explanation, re.IGNORECASE)]  # fmt: skip
    assert wrong == []


def test_enum_rules_allow_the_contract_choices():
    for name, table in TABLES.items():
        for column in table.columns:
            if column.kind == "enum":
                (found,) = [r for r in rules.rules_of(name) if r.name == f"{column.name}_valid"]
                assert found.allowed == column.choices


def _context(**frames) -> RuleContext:
    full = {}
    for name, table in TABLES.items():
        rows = frames.get(name, [])
        frame = pd.DataFrame(rows, columns=table.column_names, dtype="str")
        frame[LINE] = pd.Series(range(2, len(frame) + 2), dtype="int64")
        full[name] = frame
    return RuleContext(full, {name: set(TABLES[name].column_names) for name in TABLES})


def test_a_rule_names_the_value_and_what_was_expected():
    ctx = _context(
        actors=[{"actor_id": "fama", "name": "FAMa", "kind": "stat"}],
    )
    why = evaluate("actors", ctx, (rules.CONTRACT,)).why
    assert why.loc[0, "kind_valid"].startswith("'stat' is not one of: state, armed_group")
    assert why.loc[0, "kind_valid"].endswith("; did you mean 'state'?")
    assert why["actor_id_slug"].isna().all()


def test_duplicates_fail_once_pointing_at_the_first_line():
    ctx = _context(actors=[{"actor_id": "a", "name": "A", "kind": "state"}] * 3)
    why = evaluate("actors", ctx, (rules.CONTRACT,)).why["actor_id_unique"]
    assert why.isna().tolist() == [True, False, False]
    assert why[1] == "duplicate id 'a' (first used on row 2); ids must be unique"


def test_a_wrong_case_reference_is_one_problem_with_a_suggestion():
    ctx = _context(
        events=[{"event_id": "kobe-2025-02-07", "title": "t", "kind": "incident",
                 "date_start": "2025-02-07", "country": "MLI"}],
        claims=[{"claim_id": "a", "event_id": "Kobe-2025-02-07"}],
    )  # fmt: skip
    why = evaluate("claims", ctx, (rules.CONTRACT,)).why.loc[0].dropna()
    event_rules = [name for name in why.index if "event" in name]
    assert event_rules == ["event_exists"]
    assert why["event_exists"].endswith("did you mean 'kobe-2025-02-07'?")


def test_suggestions_stay_bounded_for_junk():
    junk = pd.Series([f"junk-{i}" for i in range(rules.MAX_SUGGESTED_VALUES * 3)])
    found = suggestions(junk, ["junk-1"])
    assert (found != "").sum() <= rules.MAX_SUGGESTED_VALUES


@given(
    st.text(alphabet="abcde-1", min_size=1, max_size=12),
    st.lists(st.text(alphabet="abcde-1", min_size=1, max_size=16), max_size=30),
)
def test_close_spellings_by_length_find_what_difflib_finds_over_every_value(text, known):
    close = difflib.get_close_matches(text, known, n=1, cutoff=rules.SPELLING_CUTOFF)
    assert rules._Spellings(known).closest(text) == (close[0] if close else None)


def test_close_spellings_stop_at_their_budget_but_case_is_still_caught(monkeypatch):
    monkeypatch.setattr(rules, "MAX_SPELLING_COMPARISONS", 25)
    known = [f"claim-{i:03d}" for i in range(20)]  # all of one length: each lookup costs 20
    values = pd.Series(["claim-00x", "claim-01x", "CLAIM-007"])
    found = suggestions(values, known)
    assert found[0].startswith("; did you mean 'claim-0")  # 20 comparisons
    assert found[1] == ""  # 20 more would exceed 25: no spelling suggestion
    assert found[2] == "; did you mean 'claim-007'?"  # a case difference costs nothing


def test_quality_rules_do_not_run_in_the_loader():
    ctx = _context(sources=[{"source_id": "s", "publisher": "p", "title": "t",
                             "published": "2999", "source_type": "ngo"}])  # fmt: skip
    contract = evaluate("sources", ctx, (rules.CONTRACT,)).why
    assert "published_not_future" not in contract.columns
    ctx.run_date = pd.Timestamp("2025-01-01")
    both = evaluate("sources", ctx, (rules.CONTRACT, rules.QUALITY)).why
    assert (
        both.loc[0, "published_not_future"] == "published '2999' is after the run date 2025-01-01"
    )


def test_the_suites_are_loaded_never_written():
    source = (PROJECT_ROOT / "src" / "casrec" / "quality.py").read_text(encoding="utf-8")
    assert "write_text" not in source and "add_or_update" not in source


# A figure the source writes in words and the analyst in digits (or the other way) is the same
# figure: the evidence check must not warn about it, and must still warn about another figure.
@pytest.mark.parametrize(
    ("value", "evidence"),
    [
        ("fewer than 10", "fewer than ten civilians may have been hit"),
        ("47", "the ministry said forty-seven people died"),
        ("twelve", "12 soldiers were killed"),
        ("105", "one hundred and five bodies were recovered"),
        ("1,500,000", "some 1.5 million people fled"),
        ("500,000", "half a million people were displaced"),
        ("between 30 and 45", "thirty to forty-five residents were killed"),
        ("4,200", "4\u00a0200 civilians killed since April"),
        ("12", "a dozen villagers were abducted"),
        ("100", "a hundred people were injured"),
        ("none", "no civilians were harmed in the operation"),  # zero, said as a negation
        ("0", "nobody was hurt"),
        ("6", "the sixth soldier to die this year"),  # an ordinal is a running total
        ("21st", "the twenty-first journalist killed"),
    ],
)
def test_evidence_may_write_the_figure_in_words_or_digits(value, evidence):
    assert rules.figure_in_evidence(value, evidence)


@pytest.mark.parametrize(
    ("value", "evidence"),
    [
        ("11", "ten civilians were killed"),
        ("1", "a French soldier was killed"),  # an article is not the figure
        ("34", "thirty were killed and four injured"),  # two figures, not one
        ("30 (25–40)", "thirty killed, the lowest estimate twenty-five"),  # 40 is missing
        ("dozens", "scores of people were killed"),
        ("none", "three civilians were harmed"),
    ],
)
def test_evidence_without_the_figure_is_still_flagged(value, evidence):
    assert not rules.figure_in_evidence(value, evidence)


_UNITS = ["", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
_TEENS = ["ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
          "eighteen", "nineteen"]  # fmt: skip
_TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]


def _in_words(n: int) -> str:
    """English words for 1..999,999, as a source would write them ('three hundred and five')."""
    if n >= 1000:
        head, rest = f"{_in_words(n // 1000)} thousand", n % 1000
        if not rest:
            return head
        return f"{head} {'and ' if rest < 100 else ''}{_in_words(rest)}"
    if n >= 100:
        rest = n % 100
        return f"{_UNITS[n // 100]} hundred" + (f" and {_in_words(rest)}" if rest else "")
    if n >= 20:
        return _TENS[n // 10] + (f"-{_UNITS[n % 10]}" if n % 10 else "")
    return _TEENS[n - 10] if n >= 10 else _UNITS[n]


@given(st.integers(1, 999_999), st.sampled_from(["killed", "were displaced", "people died"]))
def test_a_figure_in_words_is_the_figure_in_digits(n, after):
    """Any count written out in words is found as its digits, and no neighbouring count is."""
    evidence = f"officials said {_in_words(n)} {after} on Tuesday"
    assert rules.figures_written(evidence) == {n}
    assert rules.figure_in_evidence(f"{n:,}", evidence)
    assert not rules.figure_in_evidence(f"{n + 1:,}", evidence)


def _event(**values) -> dict:
    return {"event_id": "e", "title": "t", "kind": "incident", "date_start": "2026-03-01",
            "country": "SDN", **values}  # fmt: skip


@pytest.mark.parametrize(
    ("date", "hint"),
    [
        ("11 April 2026", "; did you mean '2026-04-11'?"),
        ("April 11th, 2026", "; did you mean '2026-04-11'?"),
        ("Apr. 2026", "; did you mean '2026-04'?"),
        ("2026/4/11", "; did you mean '2026-04-11'?"),
        ("13/04/2026", "; did you mean '2026-04-13'?"),  # 13 can only be the day
        ("03/03/2026", "; did you mean '2026-03-03'?"),  # both readings are one date
        ("03/04/2026", "; is it '2026-04-03' (day first) or '2026-03-04' (month first)?"),
        ("04/2026", "; did you mean '2026-04'?"),
        ("spring 2026", ""),  # a season is no date casrec can write for the analyst
        ("31/02/2026", ""),  # no such day, either way round
        ("2026-13-01", ""),
    ],
)
def test_a_date_in_another_form_is_told_its_iso_form(date, hint):
    ctx = _context(events=[_event(date_start=date)])
    why = evaluate("events", ctx, (rules.CONTRACT,)).why.loc[0, "date_start_is_date"]
    assert why == f"{date!r}{rules.NOT_A_DATE}{hint}"


@pytest.mark.parametrize(
    ("country", "hint"),
    [("Sudan", "; did you mean 'SDN'?"), ("sdn", "; did you mean 'SDN'?"),
     ("Ivory Coast", "; did you mean 'CIV'?"), ("Atlantis", "")],
)  # fmt: skip
def test_a_country_written_by_name_is_told_its_code(country, hint):
    ctx = _context(events=[_event(country=country)])
    why = evaluate("events", ctx, (rules.CONTRACT,)).why.loc[0, "country_iso3"]
    assert why.endswith("(three capital letters, e.g. MLI)" + hint)


@pytest.mark.parametrize(
    ("column", "value", "hint"),
    [
        ("metric", "deaths", "; did you mean 'killed'?"),  # a word documents use for it
        ("metric", "wounded", "; did you mean 'injured'?"),
        ("metric", "kidnapped", "; did you mean 'abducted'?"),
        ("metric", "sexual violence", "; did you mean 'sexual_violence'?"),
        ("population", "soldiers", "; did you mean 'security_forces'?"),
        ("population", "security forces", "; did you mean 'security_forces'?"),
        ("claimant_role", "Party Other", "; did you mean 'party_other'?"),
        ("claimant_role", "party", "; a party's claim is party_own (its own losses)"),
        ("metric", "weather", ""),
    ],
)
def test_a_code_written_in_other_words_is_told_the_code(column, value, hint):
    ctx = _context(claims=[{"claim_id": "a", column: value}])
    why = evaluate("claims", ctx, (rules.CONTRACT,)).why.loc[0, f"{column}_valid"]
    assert why.startswith(f"{value!r} is not one of: ")
    if hint:
        assert hint in why
    else:  # nothing it could mean: the message ends with the codes
        assert why.endswith(", sexual_violence")


def test_a_source_type_named_by_its_label_is_told_its_code():
    """What a reviewer reads on a page ('news agency') is the code's label: its code is named."""
    ctx = _context(sources=[{"source_id": "s", "source_type": "news agency"}])
    why = evaluate("sources", ctx, (rules.CONTRACT,)).why.loc[0, "source_type_valid"]
    assert why.endswith("; did you mean 'wire'?")
