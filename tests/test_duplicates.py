import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from casrec.duplicates import (
    MatchRules,
    duplicate_messages,
    match_events,
    normalise_place,
    possible_duplicates,
    title_similarity,
)


def event(event_id, date_start, **fields):
    row = {"event_id": event_id, "title": event_id, "kind": "incident",
           "date_start": date_start, "date_end": pd.NA, "country": "MLI", "admin1": pd.NA,
           "location": pd.NA, "parent_event": pd.NA}  # fmt: skip
    row.update(fields)
    return row


def pairs(*rows, **rules):
    found = possible_duplicates(pd.DataFrame(rows), MatchRules(**rules))
    return sorted(zip(found["left_id"], found["right_id"], strict=True))


def test_same_place_a_day_apart_is_a_possible_duplicate():
    found = possible_duplicates(pd.DataFrame([
        event("kobe", "2025-02-07", location="Kobe", admin1="Gao"),
        event("kobe-convoy", "2025-02-08", location="Kobé", admin1="Gao"),
    ]))  # fmt: skip
    (pair,) = found.to_dict("records")
    assert (pair["left_id"], pair["right_id"]) == ("kobe", "kobe-convoy")
    assert pair["date_gap_days"] == 1
    assert "same location" in pair["reasons"]
    assert (pair["left_row"], pair["right_row"]) == (2, 3)


def test_a_non_duplicate_is_not_flagged():
    assert (
        pairs(
            event("kobe", "2025-02-07", location="Kobe"),
            event("later", "2025-02-12", location="Kobe"),  # 5 days later
            event("elsewhere", "2025-02-07", location="Gao"),  # same day, another place
            event("abroad", "2025-02-07", location="Kobe", country="NER"),  # another country
        )
        == []
    )


def test_the_window_is_a_parameter():
    rows = [event("a", "2025-02-07", location="Kobe"), event("b", "2025-02-12", location="Kobe")]
    assert pairs(*rows) == []
    assert pairs(*rows, window_days=5) == [("a", "b")]
    with pytest.raises(ValueError, match="window_days"):
        MatchRules(window_days=-1)


def test_dates_count_at_their_precision():
    # "2013-02" spans February: an event dated to a day in that month overlaps it
    month = event("month", "2013-02", location="Kidal")
    assert pairs(month, event("day", "2013-02-20", location="Kidal")) == [("month", "day")]
    assert pairs(month, event("march", "2013-03-05", location="Kidal")) == []


def test_a_region_pairs_only_day_dated_events_without_differing_places():
    assert pairs(
        event("a", "2018-04-06", admin1="Ménaka"), event("b", "2018-04-07", admin1="Menaka")
    ) == [("a", "b")]
    # a month-dated event in a region is not paired with everything there that month
    assert (
        pairs(event("a", "2018-04", admin1="Ménaka"), event("b", "2018-04-07", admin1="Ménaka"))
        == []
    )
    # two named places in one region are two places
    assert (
        pairs(
            event("a", "2018-04-06", admin1="Ménaka", location="Akabar"),
            event("b", "2018-04-06", admin1="Ménaka", location="Anderanboucane"),
        )
        == []
    )


def test_a_vaguely_dated_event_pairs_on_its_title_not_its_place():
    vague = event("killing", "2012-03-31", date_end="2013-01-19", location="Gao")
    assert pairs(vague, event("clash", "2012-05-14", location="Gao")) == []
    assert pairs(
        {**vague, "title": "Killing of a journalist in Gao"},
        event("dup", "2012-05-14", location="Gao", title="Killing of a journalist, Gao"),
    ) == [("killing", "dup")]


def test_similar_titles_match_without_a_place():
    assert pairs(
        event("a", "2024-09-17", title="JNIM attack on Bamako"),
        event("b", "2024-09-17", title="JNIM attacks on Bamako"),
    ) == [("a", "b")]
    assert title_similarity("JNIM attack on Bamako", "Drone strike in Kidal") < 0.5


def test_counts_are_not_a_feature_and_parents_are_not_duplicates():
    # an event within another (parent_event) is not its duplicate, however alike
    assert (
        pairs(
            event("town", "2025-03-01", location="Ouro"),
            event("camp", "2025-03-01", location="Ouro", parent_event="town"),
        )
        == []
    )


def test_aggregates_are_left_out_by_default():
    rows = [event("war", "2012", kind="aggregate", title="Mali War"),
            event("war-2", "2012", kind="aggregate", title="Mali War")]  # fmt: skip
    assert possible_duplicates(pd.DataFrame(rows)).empty
    assert len(possible_duplicates(pd.DataFrame(rows), kinds=None)) == 1


def test_unreadable_dates_are_skipped_not_raised():
    assert (
        pairs(event("a", "someday", location="Kobe"), event("b", "2025-02-07", location="Kobe"))
        == []
    )


def test_messages_name_the_other_row():
    found = possible_duplicates(pd.DataFrame([
        event("a", "2025-02-07", location="Kobe"), event("b", "2025-02-07", location="Kobe"),
    ]).assign(row=[10, 11]))  # fmt: skip
    messages = duplicate_messages(found)
    assert messages["a"][0].startswith("may be the same incident as b (row 11)")
    assert messages["b"][0].startswith("may be the same incident as a (row 10)")


def test_match_events_links_imported_events_to_the_table():
    events = pd.DataFrame([
        event("kobe-2025-02-07", "2025-02-07", location="Kobe", admin1="Gao"),
        event("gao-2025-02-07", "2025-02-07", location="Gao", admin1="Gao"),
    ])  # fmt: skip
    imported = pd.DataFrame([
        {"id": "ged-1", "title": "Mali: civilians killed", "date_start": "2025-02-06",
         "date_end": "2025-02-07", "country": "mli", "admin1": "Gao region", "location": "Kobé"},
        {"id": "ged-2", "title": "Niger: clash", "date_start": "2025-02-07",
         "country": "NER", "location": "Kobe"},
    ])  # fmt: skip
    found = match_events(imported, events, candidate_id="id")
    assert found[["left_id", "right_id"]].values.tolist() == [["ged-1", "kobe-2025-02-07"]]


def test_place_names_are_compared_without_accents_and_punctuation():
    assert normalise_place(" Ménaka, region ") == "menaka"  # the kind of place is dropped
    assert normalise_place(pd.NA) == ""


TITLE_WORDS = st.sampled_from(["attack", "on", "kobe", "convoy", "gao", "market", "strike", "a"])
TITLES = st.lists(TITLE_WORDS, max_size=6).map(" ".join)


@given(st.lists(st.tuples(TITLES, st.booleans()), min_size=2, max_size=8), st.floats(0.3, 1.0))
def test_titles_are_compared_exactly_whether_or_not_a_place_is_shared(titles, threshold):
    # the matcher skips the exact title comparison when difflib's bounds say it cannot pass;
    # every pair it reports must still show the exact similarity, and none may be missed
    rows = [
        event(f"e{i}", "2025-02-07", title=title, location="Kobe" if located else pd.NA)
        for i, (title, located) in enumerate(titles)
    ]
    found = possible_duplicates(pd.DataFrame(rows), MatchRules(title_similarity=threshold))
    shown = {(p.left_id, p.right_id): p.title_similarity for p in found.itertuples()}
    for i, (left, left_located) in enumerate(titles):
        for j in range(i + 1, len(titles)):
            right, right_located = titles[j]
            similarity = title_similarity(left, right)
            if (left_located and right_located) or similarity >= threshold:
                assert shown.pop((f"e{i}", f"e{j}")) == round(similarity, 3)
    assert shown == {}


def test_dates_far_from_today_keep_their_distance():
    # a mistyped year (2500) is its own rule's failure; here it must not alias another date
    # (2500-01-01 in nanoseconds wraps round to 1915-06-14)
    assert pairs(
        event("typo", "2500-01-01", location="Kobe"),
        event("old", "1915-06-14", location="Kobe"),
        event("typo-next-day", "2500-01-02", location="Kobe"),
    ) == [("typo", "typo-next-day")]
