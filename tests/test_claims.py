"""Claims prepared for reconciliation: what they were given beside the columns as written."""

import pandas as pd
from conftest import DEFAULT_EVENTS, DEFAULT_SOURCES, claim

from casrec.claims import AS_OF_FIRST_DAY, AS_OF_LAST_DAY, as_of_period, prepare_claims


def day(text):
    return pd.Timestamp(text)


def prepared(dataset_from, claims, **tables):
    return prepare_claims(dataset_from(claims, **tables)).set_index("claim_id")


def test_reported_columns_stay_as_written_and_derived_ones_sit_beside(dataset_from):
    rows = [claim("a", "about 40"), claim("b", "12", source_id="army")]
    claims = prepared(dataset_from, rows)
    assert claims.loc["a", "value"] == "about 40"  # never overwritten by the parsed figure
    assert claims.loc["b", "source_publisher"] == "Malian army"
    assert claims.loc["b", "source_type"] == "government"
    assert claims.loc["a", "event_kind"] == "incident"
    assert len(claims) == 2  # one prepared row per claim, none dropped or repeated


def test_an_incident_figure_without_as_of_refers_to_the_incident_end(dataset_from):
    events = [dict(DEFAULT_EVENTS[0], date_end="2025-02-09"), DEFAULT_EVENTS[1]]
    rows = [claim("a", "34"), claim("b", "34", event_id="war", source_id="wiki")]
    claims = prepared(dataset_from, rows, events=events)
    assert claims.loc["a", AS_OF_LAST_DAY] == day("2025-02-09")
    assert claims.loc["a", "event_end_first_day"] == day("2025-02-09")


def test_an_incident_without_an_end_ends_on_its_start(dataset_from):
    claims = prepared(dataset_from, [claim("a", "34")])
    assert claims.loc["a", AS_OF_LAST_DAY] == day("2025-02-07")
    assert claims.loc["a", "event_end_first_day"] == day("2025-02-07")


def test_an_aggregate_figure_without_as_of_is_current_when_published(dataset_from):
    rows = [claim("w", "9000", event_id="war", source_id="wiki")]
    claims = prepared(dataset_from, rows)
    # not the war's start in 2012: a running total counts up to its publication
    assert claims.loc["w", AS_OF_LAST_DAY] == day("2025-06-17")


def test_as_of_wins_and_a_coarse_date_spans_its_whole_period(dataset_from):
    rows = [
        claim("y", "9000", event_id="war", source_id="wiki", as_of="2020"),
        claim("m", "34", as_of="2025-02"),
    ]
    claims = prepared(dataset_from, rows)
    first, last = as_of_period(claims)
    assert (first["y"], last["y"]) == (day("2020-01-01"), day("2020-12-31"))
    assert (first["m"], last["m"]) == (day("2025-02-01"), day("2025-02-28"))


def test_a_source_dated_by_year_alone_gives_its_aggregates_that_year(dataset_from):
    sources = [dict(DEFAULT_SOURCES[2], published="2020"), *DEFAULT_SOURCES[:2]]
    rows = [claim("w", "9000", event_id="war", source_id="wiki")]
    claims = prepared(dataset_from, rows, sources=sources)
    assert claims.loc["w", AS_OF_FIRST_DAY] == day("2020-01-01")
    assert claims.loc["w", AS_OF_LAST_DAY] == day("2020-12-31")


def test_certainty_column_wins_over_the_wording_which_wins_over_the_default(dataset_from):
    rows = [
        claim("stated", "unconfirmed reports of 20", certainty="confirmed"),
        claim("worded", "unconfirmed reports of 20"),
        claim("plain", "20"),
    ]
    claims = prepared(dataset_from, rows)
    assert claims.loc["stated", "certainty_effective"] == "confirmed"
    assert claims.loc["worded", "certainty_effective"] == "feared"
    assert claims.loc["plain", "certainty_effective"] == "reported"


def test_an_empty_certainty_cell_is_read_as_missing(dataset_from):
    """A frame built in code may carry '' where the loader would read a missing value."""
    dataset = dataset_from([claim("a", "34")])
    dataset.claims["certainty"] = ""
    assert prepare_claims(dataset)["certainty_effective"].tolist() == ["reported"]
