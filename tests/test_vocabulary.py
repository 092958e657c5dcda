"""The one vocabulary: the suites, the contract, the charts and the views must not drift from it."""

import json
import re
from pathlib import Path

import pandas as pd
import pytest

from casrec import charts, schema, views, vocabulary
from casrec.vocabulary import normalise_claimant, normalise_claimants

EXPECTATIONS = Path(__file__).resolve().parents[1] / "expectations"

# (suite, column) -> the vocabulary its value set must equal, in order
SUITE_VALUE_SETS = {
    ("sources", "source_type"): vocabulary.SOURCE_TYPES,
    ("actors", "kind"): vocabulary.ACTOR_KINDS,
    ("events", "kind"): vocabulary.EVENT_KINDS,
    ("claims", "claimant_role"): vocabulary.CLAIMANT_ROLES,
    ("claims", "metric"): vocabulary.METRICS,
    ("claims", "population"): vocabulary.POPULATIONS,
    ("claims", "certainty"): vocabulary.CERTAINTIES,
    ("reconciled", "status"): vocabulary.STATUSES,
    ("reconciled", "policy"): vocabulary.POLICIES,
}


def _value_sets(suite: str) -> dict[str, list[str]]:
    spec = json.loads((EXPECTATIONS / f"{suite}.json").read_text())
    # a data rule validates its ok_ column and names its accepted values in meta.allowed
    # (tests/test_rules.py ties those to the rule registry); the reconciled suite checks the
    # output's own columns
    sets = {
        e["kwargs"]["column"]: e["kwargs"]["value_set"]
        for e in spec["expectations"]
        if e["type"] == "expect_column_values_to_be_in_set"
        and not e["kwargs"]["column"].startswith("ok_")
    }
    for e in spec["expectations"]:
        if "allowed" in e["meta"]:
            sets[e["meta"]["rule"].removesuffix("_valid")] = e["meta"]["allowed"]
    return sets


@pytest.mark.parametrize(("suite", "column"), sorted(SUITE_VALUE_SETS))
def test_suite_value_sets_equal_the_vocabulary(suite, column):
    vocab = SUITE_VALUE_SETS[(suite, column)]
    assert sorted(_value_sets(suite)[column]) == sorted(vocab.codes), (
        f"expectations/{suite}.json {column!r} drifted from vocabulary.{vocab.name}"
    )


def test_every_suite_value_set_is_covered():
    """A new enumerated column in a suite must be tied to a vocabulary here too."""
    for suite in ("sources", "actors", "events", "claims", "reconciled"):
        for column in _value_sets(suite):
            assert (suite, column) in SUITE_VALUE_SETS, f"{suite}.{column} has no vocabulary"


def test_contract_enums_come_from_the_vocabulary():
    enums = {
        (name, c.name): c.choices
        for name, table in schema.TABLES.items()
        for c in table.columns
        if c.kind == "enum"
    }
    for (suite, column), vocab in SUITE_VALUE_SETS.items():
        if suite != "reconciled":
            assert enums[(suite, column)] == vocab.codes


def test_chart_colours_are_the_vocabulary_colours():
    assert [vocabulary.STATUSES.colours[s] for s in charts.STATUS_ORDER] == charts.STATUS_COLOURS
    assert [vocabulary.CLAIMANT_ROLES.colours[r] for r in charts.ROLE_ORDER] == charts.ROLE_COLOURS
    assert set(charts.STATUS_ORDER) == set(vocabulary.STATUSES.codes)


def test_status_badge_reads_the_label_not_the_code():
    html = views.status_badge("single_source")
    assert ">single source<" in html
    assert "status-single_source" in html


def test_every_term_has_a_label_and_codes_are_slugs():
    for vocab in vocabulary.ALL:
        assert len(set(vocab.codes)) == len(vocab.codes), vocab.name
        for term in vocab:
            assert re.fullmatch(r"[a-z][a-z_]*", term.code), term.code
            assert term.label.strip(), f"{vocab.name}.{term.code} has no label"


def test_unknown_code_is_shown_as_written():
    assert vocabulary.METRICS.label("killed") == "killed"
    assert vocabulary.METRICS.label("no_such_metric") == "no_such_metric"


@pytest.mark.parametrize(
    ("a", "b"),
    [("Human Rights Watch", " human rights watch "), ("HRW", "hrw\t"), ("UN  OCHA", "un ocha")],
)
def test_claimant_names_normalise_alike(a, b):
    assert normalise_claimant(a) == normalise_claimant(b)


def test_claimants_column_matches_the_scalar_function_and_keeps_missing():
    names = pd.Series(["HRW ", None, "hrw", "Malian army"], dtype="str")
    out = normalise_claimants(names)
    assert out.iloc[0] == out.iloc[2] == "hrw"
    assert pd.isna(out.iloc[1])
    assert out.iloc[3] == normalise_claimant("Malian army")
