import pandas as pd
from conftest import claim
from hypothesis import given
from hypothesis import strategies as st

from casrec.claims import prepare_claims
from casrec.consistency import (
    Interval,
    compare_intervals,
    component_checks,
    displacement_hierarchy,
    run_checks,
    stock_comparisons,
    stock_series,
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
    assert sorted(findings["subject"].str.extract(r"by (\w+)")[0]) == ["group", "nationality"]
    assert set(findings["verdict"]) == {"consistent", "compatible_within_bounds"}


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
    assert summarise(findings) == {"consistent": 0, "compatible_within_bounds": 1,
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
