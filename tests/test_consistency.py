import pandas as pd
from conftest import claim
from hypothesis import given
from hypothesis import strategies as st

from casrec.claims import prepare_claims
from casrec.consistency import (
    BREAKDOWN_AXES,
    Interval,
    compare_intervals,
    component_checks,
    displacement_hierarchy,
    estimate_key,
    estimate_keys,
    event_hierarchy_checks,
    run_checks,
    stock_comparisons,
    stock_series,
    subgroup_checks,
    sum_intervals,
    summarise,
)


def prepared(dataset_from, claims):
    return prepare_claims(dataset_from(claims))


def test_kobe_breakdown_is_consistent_with_at_least_34(dataset_from):
    c = prepared(dataset_from, [
        claim("all", "at least 34"),
        claim("mal", "13", nationality="Malian", part_of="all"),
        claim("for", "21", nationality="foreign", part_of="all"),
    ])  # fmt: skip
    (finding,) = component_checks(c).to_dict("records")
    assert finding["verdict"] == "consistent"
    assert (finding["compared_low"], finding["compared_high"]) == (34, 34)
    assert finding["claim_ids"] == "all;for;mal"
    assert "by nationality" in finding["subject"]


def test_rounded_displacement_components_are_consistent(dataset_from):
    war = {"event_id": "war", "population": "all", "source_id": "wiki", "claimant": "Wikipedia",
           "as_of": "2025-06-17"}  # fmt: skip
    c = prepared(dataset_from, [
        claim("total", "≈374,000", metric="displaced", **war),
        claim("ref", "~144,000", metric="refugees", part_of="total", **war),
        claim("idp", "~230,000", metric="idps", part_of="total", **war),
    ])  # fmt: skip
    (finding,) = component_checks(c).to_dict("records")
    assert finding["verdict"] == "consistent"
    assert finding["compared_point"] == 374_000


def test_parts_that_exceed_the_whole_conflict(dataset_from):
    c = prepared(dataset_from, [
        claim("all", "25"),
        claim("a", "20", nationality="Malian", part_of="all"),
        claim("b", "21", nationality="foreign", part_of="all"),
    ])  # fmt: skip
    assert component_checks(c)["verdict"].tolist() == ["conflicting"]


def test_parts_by_different_dimensions_are_summed_separately(dataset_from):
    c = prepared(dataset_from, [
        claim("all", "34"),
        claim("mal", "13", nationality="Malian", part_of="all"),
        claim("for", "21", nationality="foreign", part_of="all"),
        claim("women", "5", group="women", part_of="all"),
    ])  # fmt: skip
    findings = component_checks(c)
    assert sorted(findings["axis"]) == ["group", "nationality"]
    # "including 5 women" alone on its axis is a subset: only checked as not more than 34
    assert set(findings["verdict"]) == {"consistent"}
    women = findings[findings["axis"] == "group"].iloc[0]
    assert "checked only as not more than the whole" in women["detail"]


def test_unlike_parts_are_incomparable(dataset_from):
    c = prepared(dataset_from, [
        claim("civ", "34"),
        claim("mil", "19", population="militants", part_of="civ"),
    ])  # fmt: skip
    (finding,) = component_checks(c).to_dict("records")
    assert finding["verdict"] == "incomparable"
    assert "not like with like" in finding["detail"]


def test_displacement_hierarchy_within_window(dataset_from):
    war = {"event_id": "war", "population": "all", "source_id": "wiki", "claimant": "Wikipedia"}
    c = prepared(dataset_from, [
        claim("total", "500,000", metric="displaced", as_of="2025-06", **war),
        claim("ref", "144,000", metric="refugees", as_of="2025-06", **war),
        claim("idp", "230,000", metric="idps", as_of="2025-05", **war),
        claim("old-idp", "100,000", metric="idps", as_of="2015", **war),
    ])  # fmt: skip
    (finding,) = displacement_hierarchy(c).to_dict("records")
    assert finding["claim_ids"] == "total;ref;idp"
    assert finding["verdict"] == "conflicting"


def test_stocks_are_compared_only_within_the_window(dataset_from):
    war = {"event_id": "war", "metric": "displaced", "population": "all"}
    c = prepared(dataset_from, [
        claim("hrw-2020", "over 600,000", as_of="2020", **war),
        claim("wiki-2025", "≈374,000", source_id="wiki", claimant="Wikipedia", as_of="2025-06-17", **war),
        claim("wire-2025", "more than 378,000", source_id="wire", claimant="Reuters", as_of="2025-06", **war),
    ])  # fmt: skip
    findings = stock_comparisons(c, window_days=90)
    assert findings["claim_ids"].tolist() == ["wiki-2025;wire-2025"]
    assert findings["verdict"].tolist() == ["conflicting"]
    series = stock_series(c, "war")
    assert series["claim_id"].tolist() == ["hrw-2020", "wiki-2025", "wire-2025"]


def test_run_checks_and_summary(dataset_from):
    c = prepared(
        dataset_from, [claim("all", "34"), claim("p", "13", nationality="M", part_of="all")]
    )
    findings = run_checks(c)
    # 13 of 34, alone on its axis, is a subset within its whole
    assert summarise(findings) == {"consistent": 1, "compatible_within_bounds": 0,
                                   "conflicting": 0, "incomparable": 0}  # fmt: skip


def test_verdicts_on_intervals():
    assert compare_intervals(Interval(34, 34, 34), Interval(34, None, 34)) == "consistent"
    assert (
        compare_intervals(Interval(30, 40, 35), Interval(39, 50, 45)) == "compatible_within_bounds"
    )
    assert compare_intervals(Interval(10, 20, 15), Interval(21, None, 21)) == "conflicting"


bounds = st.tuples(st.integers(0, 10_000), st.integers(0, 10_000), st.booleans())


@given(st.lists(bounds, min_size=1, max_size=5))
def test_interval_sum_contains_the_sum_of_points(parts):
    intervals = [
        Interval(min(a, b), None if open_ else max(a, b), min(a, b)) for a, b, open_ in parts
    ]
    total = sum_intervals(intervals)
    assert total.contains(sum(i.point for i in intervals))
    assert (total.high is None) == any(i.high is None for i in intervals)
    assert compare_intervals(total, total) == "consistent"


def test_findings_frame_is_empty_but_typed_without_parts(dataset_from):
    findings = run_checks(prepared(dataset_from, [claim("a", "3")]))
    assert findings.empty and "verdict" in findings.columns
    assert isinstance(findings, pd.DataFrame)


def test_a_claim_without_as_of_and_one_inside_its_source_year_meet_in_both_places(dataset_from):
    """One as-of period for reconciliation and the checks: a source dated 2020 covers 2020-03."""
    from casrec.reconcile import reconcile

    sources = [
        {"source_id": "yearbook", "publisher": "Yearbook", "title": "Annual report",
         "published": "2020", "source_type": "research"},
        {"source_id": "wire", "publisher": "Reuters", "title": "Wire story",
         "published": "2020-04-02", "source_type": "wire"},
    ]  # fmt: skip
    war = {"event_id": "war", "metric": "displaced", "population": "all"}
    c = prepare_claims(dataset_from([
        claim("yearly", "100,000", source_id="yearbook", claimant="Yearbook", **war),
        claim("march", "40,000", source_id="wire", claimant="Reuters", as_of="2020-03", **war),
    ], sources=sources))  # fmt: skip
    (estimate,) = reconcile(c).estimates.to_dict("records")
    assert estimate["status"] == "contested"
    (finding,) = stock_comparisons(c).to_dict("records")
    assert finding["verdict"] == "conflicting"
    assert "0 days apart" in finding["detail"]


def test_stocks_one_day_apart_say_one_day(dataset_from):
    war = {"event_id": "war", "metric": "idps", "population": "all"}
    sources = [
        {"source_id": "ocha", "publisher": "OCHA", "title": "Flash update",
         "published": "2020-06-16", "source_type": "un"},
        {"source_id": "wire", "publisher": "Reuters", "title": "Wire story",
         "published": "2020-06-16", "source_type": "wire"},
    ]  # fmt: skip
    c = prepare_claims(dataset_from([
        claim("un", "at least 1,350", source_id="ocha", claimant="OCHA", as_of="2020-06-14", **war),
        claim("wire", "1,402", source_id="wire", claimant="Reuters", as_of="2020-06-15", **war),
    ], sources=sources))  # fmt: skip
    (finding,) = stock_comparisons(c).to_dict("records")
    assert "(1 day apart, window 90)" in finding["detail"]


# --- subgroups, the event hierarchy and breakdown axes (issue 12) ------------------------

VILLAGES = [
    {"event_id": "raid", "title": "Raid on two villages", "kind": "incident",
     "date_start": "2025-03-01", "country": "MLI"},
]  # fmt: skip
UNICEF = {"source_id": "wire", "claimant": "UNICEF"}


def reconciled(dataset_from, claims, events=None):
    from casrec.reconcile import reconcile

    dataset = dataset_from(claims, **({"events": events} if events else {}))
    return dataset, reconcile(prepare_claims(dataset))


def test_a_subgroup_is_reconciled_on_its_own_key_and_checked_as_a_subset(dataset_from):
    _, result = reconciled(dataset_from, [
        claim("all", "223"),
        claim("kids-unicef", "20", subgroup="children", **UNICEF),
        claim("kids-hrw", "more than 23", subgroup="children"),
    ])  # fmt: skip
    estimates = result.estimates.set_index("subgroup", drop=False)
    assert estimates.loc["children", "n_claims"] == 2  # 20 and 23+ meet under one key
    assert estimates.loc["children", "low"] == 20
    assert result.estimates["subgroup"].isna().sum() == 1  # the whole stays on its own
    (finding,) = subgroup_checks(result.estimates).to_dict("records")
    assert finding["verdict"] == "consistent"
    assert finding["keys"] == "kobe/killed/civilians///;kobe/killed/civilians///children"
    assert set(finding["claim_ids"].split(";")) == {"all", "kids-unicef", "kids-hrw"}


def test_a_subgroup_above_its_whole_conflicts(dataset_from):
    _, result = reconciled(dataset_from, [
        claim("all", "30"),
        claim("kids", "at least 56", subgroup="children", **UNICEF),
    ])  # fmt: skip
    (finding,) = subgroup_checks(result.estimates).to_dict("records")
    assert finding["verdict"] == "conflicting"
    assert "it is more" in finding["detail"]


def test_two_axes_of_one_whole_do_not_conflict(dataset_from):
    # 223 = 179 + 44 by village, and "at least 56 children": 279+ only if summed across axes
    c = prepared(dataset_from, [
        claim("all", "223"),
        claim("village-a", "179", group="in Ouro", part_of="all"),
        claim("village-b", "44", group="in Sare", part_of="all"),
        claim("children", "at least 56", subgroup="children", part_of="all"),
    ])  # fmt: skip
    findings = component_checks(c).set_index("axis")
    assert set(findings.index) == {"group", "subgroup"}
    assert findings.loc["group", "verdict"] == "consistent"
    assert (findings.loc["group", "compared_low"], findings.loc["group", "compared_high"]) == (
        223,
        223,
    )
    assert findings.loc["subgroup", "verdict"] == "consistent"
    assert "lone part by subgroup" in findings.loc["subgroup", "detail"]
    assert "conflicting" not in set(findings["verdict"])


def test_a_relayed_breakdown_counts_once(dataset_from):
    c = prepared(dataset_from, [
        claim("all", "50"),
        claim("kids", "20", subgroup="children", part_of="all"),
        # Human Rights Watch's own 20 children again, relayed by Wikipedia
        claim("kids-relay", "20", subgroup="children", part_of="all", source_id="wiki"),
        claim("women", "30", subgroup="women", part_of="all"),
    ])  # fmt: skip
    (finding,) = component_checks(c).to_dict("records")
    assert finding["verdict"] == "consistent"  # 20 + 30, not 20 + 20 + 30
    assert finding["compared_point"] == 50
    assert "kids-relay relays the figure of kids" in finding["detail"]
    assert "kids-relay" not in finding["claim_ids"].split(";")


def test_two_claimants_for_one_part_are_not_added(dataset_from):
    c = prepared(dataset_from, [
        claim("all", "40"),
        claim("mal", "13", nationality="Malian", part_of="all"),
        claim("mal-unicef", "15", nationality="Malian", part_of="all", **UNICEF),
        claim("for", "21", nationality="foreign", part_of="all"),
    ])  # fmt: skip
    (finding,) = component_checks(c).to_dict("records")
    # the Malian part spans 13..15; plus 21 makes 34..36, short of 40: a partial breakdown
    assert (finding["compared_low"], finding["compared_high"]) == (34, 36)
    assert finding["verdict"] == "compatible_within_bounds"
    assert "several claimants give one part" in finding["detail"]


def test_parts_of_a_superseded_whole_are_checked_against_its_revision(dataset_from):
    c = prepared(dataset_from, [
        claim("first", "30"),
        claim("revised", "34", supersedes="first", source_id="wiki"),
        claim("mal", "13", nationality="Malian", part_of="first"),
        claim("for", "21", nationality="foreign", part_of="first"),
    ])  # fmt: skip
    (finding,) = component_checks(c).to_dict("records")
    assert finding["verdict"] == "consistent"
    assert finding["claim_ids"].split(";")[0] == "revised"
    assert "was revised by revised" in finding["detail"]


def test_parts_of_a_whole_revised_twice_over_say_why_not(dataset_from):
    c = prepared(dataset_from, [
        claim("first", "30"),
        claim("rev-a", "34", supersedes="first", source_id="wiki"),
        claim("rev-b", "35", supersedes="first", source_id="wire"),
        claim("mal", "13", nationality="Malian", part_of="first"),
    ])  # fmt: skip
    (finding,) = component_checks(c).to_dict("records")
    assert finding["verdict"] == "incomparable"
    assert "revised by several claims (rev-a, rev-b)" in finding["detail"]


SPLIT_EVENTS = [
    {"event_id": "town", "title": "Attack on the town and its camp", "kind": "incident",
     "date_start": "2025-03-01", "country": "MLI", "location": "Ouro"},
    {"event_id": "camp", "title": "Attack on the camp", "kind": "incident",
     "date_start": "2025-03-01", "country": "MLI", "location": "Ouro camp",
     "parent_event": "town"},
    {"event_id": "streets", "title": "Killings in the town", "kind": "incident",
     "date_start": "2025-03-01", "country": "MLI", "location": "Ouro", "parent_event": "town"},
]  # fmt: skip


def test_a_location_split_across_parent_and_child_events(dataset_from):
    # "57 killed: 32 in the town and 25 in the camp next to it"
    dataset, result = reconciled(dataset_from, [
        claim("all", "57", event_id="town"),
        claim("in-town", "32", event_id="streets", part_of="all"),
        claim("in-camp", "25", event_id="camp", part_of="all"),
    ], events=SPLIT_EVENTS)  # fmt: skip
    (finding,) = component_checks(result.claims).to_dict("records")
    assert finding["axis"] == "child_event"
    assert finding["verdict"] == "consistent"
    assert finding["compared_point"] == 57
    (hierarchy,) = event_hierarchy_checks(result.estimates, dataset.events, result.claims).to_dict(
        "records"
    )
    assert hierarchy["verdict"] == "consistent"
    assert hierarchy["compared_low"] == 57 and hierarchy["reference_high"] == 57
    assert "camp 25" in hierarchy["detail"] and "streets 32" in hierarchy["detail"]


def test_children_above_their_parent_conflict(dataset_from):
    dataset, result = reconciled(dataset_from, [
        claim("all", "about 40", event_id="town"),
        claim("in-town", "32", event_id="streets"),
        claim("in-camp", "at least 25", event_id="camp"),
    ], events=SPLIT_EVENTS)  # fmt: skip
    (finding,) = event_hierarchy_checks(result.estimates, dataset.events).to_dict("records")
    assert finding["verdict"] == "conflicting"
    assert finding["compared_low"] == 57
    assert finding["keys"].split(";")[0] == "town/killed/civilians///"


def test_a_child_without_the_key_stands_for_its_own_children(dataset_from):
    events = [
        {**SPLIT_EVENTS[0], "event_id": "war", "kind": "aggregate", "date_start": "2025"},
        {**SPLIT_EVENTS[0], "parent_event": "war"},
        *SPLIT_EVENTS[1:],
    ]
    dataset, result = reconciled(dataset_from, [
        claim("war-total", "50", event_id="war", as_of="2025-12"),
        claim("in-camp", "25", event_id="camp"),
        claim("in-town", "32", event_id="streets"),
    ], events=events)  # fmt: skip
    (finding,) = event_hierarchy_checks(result.estimates, dataset.events).to_dict("records")
    assert finding["verdict"] == "conflicting"  # 25 + 32 grandchildren > 50
    assert finding["compared_low"] == 57


def test_children_after_the_parents_figure_are_not_counted(dataset_from):
    events = [
        {"event_id": "war", "title": "War", "kind": "aggregate", "date_start": "2024",
         "country": "MLI"},
        {**SPLIT_EVENTS[1], "parent_event": "war"},
    ]  # fmt: skip
    dataset, result = reconciled(dataset_from, [
        claim("war-total", "10", event_id="war", as_of="2024-12", source_id="army",
              claimant="Malian army", claimant_role="party_other", claimant_actor="fama",
              evidence="killing 10 people"),
        claim("in-camp", "25", event_id="camp"),
    ], events=events)  # fmt: skip
    (finding,) = event_hierarchy_checks(result.estimates, dataset.events, result.claims).to_dict(
        "records"
    )
    assert finding["verdict"] == "incomparable"  # not conflicting: 25 were killed after it
    assert "camp (2025-03-01)" in finding["detail"] and "(2024-12-31)" in finding["detail"]
    assert pd.isna(finding["compared_low"])


def test_a_part_in_an_unrelated_event_is_not_like_with_like(dataset_from):
    events = [*SPLIT_EVENTS, {**SPLIT_EVENTS[0], "event_id": "elsewhere", "location": "Gao"}]
    _, result = reconciled(dataset_from, [
        claim("all", "57", event_id="town"),
        claim("far", "25", event_id="elsewhere", part_of="all"),
    ], events=events)  # fmt: skip
    (finding,) = component_checks(result.claims).to_dict("records")
    assert finding["verdict"] == "incomparable"
    assert "event elsewhere is not within town" in finding["detail"]


def test_a_cross_cut_part_is_its_own_axis(dataset_from):
    # 5 Malian women pointed at the 34: not added to 13 Malian + 21 foreign
    c = prepared(dataset_from, [
        claim("all", "34"),
        claim("mal", "13", nationality="Malian", part_of="all"),
        claim("for", "21", nationality="foreign", part_of="all"),
        claim("women", "5", nationality="Malian", subgroup="women", part_of="all"),
    ])  # fmt: skip
    findings = component_checks(c).set_index("axis")
    assert set(findings.index) == {"nationality", "nationality+subgroup"}
    assert set(findings["verdict"]) == {"consistent"}


def test_overlapping_subgroups_that_each_fit_are_not_a_conflict(dataset_from):
    c = prepared(dataset_from, [
        claim("all", "50"),
        claim("kids", "30", subgroup="children", part_of="all"),
        claim("pupils", "35", subgroup="students", part_of="all"),
    ])  # fmt: skip
    (finding,) = component_checks(c).to_dict("records")
    assert finding["verdict"] == "compatible_within_bounds"
    assert "subgroups may overlap" in finding["detail"]


def test_run_checks_with_estimates_and_events(dataset_from):
    dataset, result = reconciled(dataset_from, [
        claim("all", "57", event_id="town"),
        claim("in-camp", "25", event_id="camp", part_of="all"),
        claim("kids", "10", event_id="town", subgroup="children"),
    ], events=SPLIT_EVENTS)  # fmt: skip
    findings = run_checks(result.claims, estimates=result.estimates, events=dataset.events)
    assert set(findings["check"]) == {"components", "subgroup_subset", "event_hierarchy"}
    assert set(findings["axis"].dropna()) <= set(BREAKDOWN_AXES) | {"child_event"}


def test_subgroup_displacement_is_not_a_component_of_everyone_displaced(dataset_from):
    war = {"event_id": "war", "population": "all", "source_id": "wiki", "claimant": "Wikipedia",
           "as_of": "2025-06-17"}  # fmt: skip
    c = prepared(dataset_from, [
        claim("total", "≈374,000", metric="displaced", **war),
        claim("ref-kids", "~60,000", metric="refugees", subgroup="children", **war),
        claim("idp", "~230,000", metric="idps", **war),
    ])  # fmt: skip
    assert displacement_hierarchy(c).empty  # no refugees figure for everyone: nothing to add


def test_estimate_keys_of_a_frame_are_each_rows_estimate_key():
    frame = pd.DataFrame(
        {
            "event_id": ["kobe", "kobe", "gao"],
            "metric": pd.Categorical(["killed", "injured", "killed"]),
            "population": ["civilians", pd.NA, "civilians"],
            "side": [pd.NA, pd.NA, "army"],
            "subgroup": [pd.NA, "children", pd.NA],
        }
    )  # fmt: skip (no nationality column: it counts as empty)
    expected = [estimate_key(row) for _, row in frame.iterrows()]
    assert (
        estimate_keys(frame).tolist()
        == expected
        == ["kobe/killed/civilians///", "kobe/injured////children", "gao/killed/civilians/army//"]
    )
