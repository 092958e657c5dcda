import pandas as pd
import pytest
from conftest import claim, write_dataset
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from casrec.claims import prepare_claims
from casrec.reconcile import OUTPUT_COLUMNS, reconcile
from casrec.schema import load_dataset

ARMY = {"source_id": "army", "claimant": "Malian army", "claimant_role": "party_other",
        "claimant_actor": "fama"}  # fmt: skip


def run(dataset_from, claims, policy="reliability", **kwargs):
    result = reconcile(prepare_claims(dataset_from(claims)), policy=policy, **kwargs)
    return result


def row(result, **key):
    est = result.estimates
    mask = pd.Series(True, index=est.index)
    for column, value in key.items():
        mask &= est[column].isna() if value is None else est[column] == value
    (index,) = est.index[mask]
    return est.loc[index]


KOBE = [
    claim("hrw-34", "at least 34"),
    claim("army-25", "25", **ARMY),
    claim("army-19", "19", population="militants", **{**ARMY, "claimant_role": "party_enemy"}),
]


def test_kobe_reliability_takes_the_independent_figure(dataset_from):
    r = row(run(dataset_from, KOBE), population="civilians")
    assert (r["low"], r["best"], r["high"], r["high_open"]) == (25, 34, 34, True)
    assert r["status"] == "contested"
    assert r["best_claim_id"] == "hrw-34"
    assert r["discrepancy"] == pytest.approx(1.36)
    assert "Human Rights Watch" in r["rationale"] and "army-25" in r["rationale"]
    assert "ranked below by claimant role" in r["rationale"]


def test_kobe_conservative_takes_the_lowest(dataset_from):
    r = row(run(dataset_from, KOBE, "conservative"), population="civilians")
    assert (r["low"], r["best"], r["best_claim_id"]) == (25, 25, "army-25")
    assert "lowest point value" in r["rationale"]


def test_range_policy_has_no_best(dataset_from):
    r = row(run(dataset_from, KOBE, "range"), population="civilians")
    assert pd.isna(r["best"]) and (r["low"], r["high"]) == (25, 34)
    assert r["rationale"].startswith("Range policy")


def test_the_militants_key_is_never_mixed_with_civilians(dataset_from):
    r = row(run(dataset_from, KOBE), population="militants")
    assert (r["best"], r["n_claims"], r["status"]) == (19, 1, "party_only")


def test_party_enemy_claims_never_set_bounds_while_another_exists(dataset_from):
    claims = [
        claim("hrw", "40", population="militants"),
        claim("army", "100", population="militants", **{**ARMY, "claimant_role": "party_enemy"}),
    ]
    result = run(dataset_from, claims)
    r = row(result, population="militants")
    assert (r["low"], r["best"], r["high"]) == (40, 40, 40)
    assert "losses it inflicted on its enemy" in r["rationale"]
    annotated = result.claims.set_index("claim_id")
    assert not annotated.loc["army", "considered"]


def test_superseded_claims_leave_the_estimate_but_stay_visible(dataset_from):
    claims = [
        claim("army-first", "98", **ARMY),
        claim("army-revised", "81", supersedes="army-first", **ARMY),
    ]
    result = run(dataset_from, claims)
    r = row(result, population="civilians")
    assert (r["low"], r["best"], r["high"], r["n_claims"]) == (81, 81, 81, 2)
    assert "superseded by army-revised" in r["rationale"]
    assert result.claims.set_index("claim_id").loc["army-first", "superseded_by"] == "army-revised"


def test_one_voice_per_claimant_own_publication_wins_over_relay(dataset_from):
    claims = [
        claim("relay", "over 300", source_id="wiki"),  # Wikipedia relaying HRW, drifted wording
        claim("own", "an estimated 300", source_id="hrw"),
    ]
    r = row(run(dataset_from, claims), population="civilians")
    assert r["best_claim_id"] == "own"
    assert (r["n_claims"], r["n_claimants"], r["n_independent"]) == (2, 1, 1)
    assert r["status"] == "single_source"  # a relay is not corroboration
    assert "represented by own" in r["rationale"]


def test_among_its_own_figures_a_claimant_speaks_with_the_latest(dataset_from):
    claims = [
        claim("army-old", "20", source_id="army", claimant="Malian army",
              claimant_role="party_other", claimant_actor="fama"),
        claim("army-wire", "30", source_id="wire", claimant="Malian army",
              claimant_role="party_other", claimant_actor="fama"),
    ]  # fmt: skip
    # neither is the army's own publication except army-old (publisher Malian army)
    r = row(run(dataset_from, claims), population="civilians")
    assert r["best_claim_id"] == "army-old"


def test_corroborated_needs_two_independent_overlapping_claimants(dataset_from):
    claims = [claim("hrw", "about 40"), claim("wire", "38", source_id="wire", claimant="Reuters")]
    r = row(run(dataset_from, claims), population="civilians")
    assert r["status"] == "corroborated"
    assert r["best_claim_id"] == "wire"  # exact beats approximate at equal role


def test_party_only(dataset_from):
    r = row(run(dataset_from, [claim("army", "25", **ARMY)]), population="civilians")
    assert r["status"] == "party_only" and pd.isna(r["best_without_party"])


def test_sensitivity_without_party_and_without_single_source(dataset_from):
    claims = [
        claim("army", "60", **{**ARMY, "claimant_role": "party_own"}),
        claim("hrw", "40"),
        claim("wire", "between 50 and 70", source_id="wire", claimant="Reuters"),
    ]
    result = run(dataset_from, claims)
    r = row(result, population="civilians")
    assert r["best"] == 40 and r["best_without_party"] == 40
    # hrw's 40 overlaps no other claimant; army 60 and Reuters 50-70 corroborate each other
    assert r["best_without_single_source"] == 60


def test_breakdowns_are_their_own_keys(dataset_from):
    claims = [
        claim("all", "at least 34"),
        claim("mal", "13", nationality="Malian", part_of="all"),
        claim("for", "21", nationality="foreign", part_of="all"),
    ]
    result = run(dataset_from, claims)
    assert row(result, nationality=None)["n_claims"] == 1
    assert row(result, nationality="Malian")["best"] == 13


def test_aggregate_stocks_use_the_latest_as_of_window(dataset_from):
    claims = [
        claim("old", "200,000", event_id="war", metric="displaced", population="all", as_of="2012-04"),
        claim("new", "≈374,000", event_id="war", metric="displaced", population="all",
              source_id="wiki", claimant="Wikipedia", as_of="2025-06-17"),
    ]  # fmt: skip
    r = row(run(dataset_from, claims), metric="displaced")
    assert (r["best"], r["status"], r["best_claim_id"]) == (374000, "single_source", "new")
    assert "an earlier figure (as of 2012-04-30)" in r["rationale"]
    wide = row(run(dataset_from, claims, as_of_window_days=10_000), metric="displaced")
    assert wide["status"] == "contested"


def test_output_has_exactly_the_design_columns(dataset_from):
    assert list(run(dataset_from, KOBE).output().columns) == OUTPUT_COLUMNS


def test_unknown_policy_is_refused(dataset_from):
    with pytest.raises(ValueError, match="unknown policy"):
        run(dataset_from, KOBE, "average")


# --- properties -------------------------------------------------------------------------

VALUE_FORMS = st.sampled_from(["{}", "at least {}", "more than {}", "about {}", "up to {}", "{}+"])
ROLES = st.sampled_from(["independent", "party_own", "party_other", "party_enemy"])
CLAIMANTS = st.sampled_from(["Human Rights Watch", "Reuters", "Malian army", "Wikipedia"])


@st.composite
def claim_sets(draw):
    n = draw(st.integers(min_value=1, max_value=6))
    # within one key a claimant speaks in one role (a party about civilians stays party_other)
    role_of = {
        who: draw(ROLES) for who in ["Human Rights Watch", "Reuters", "Malian army", "Wikipedia"]
    }
    rows = []
    for i in range(n):
        who = draw(CLAIMANTS)
        role = role_of[who]
        fields = {"claimant": who, "claimant_role": role,
                  "source_id": draw(st.sampled_from(["hrw", "army", "wiki", "wire"]))}  # fmt: skip
        if role != "independent":
            fields["claimant_actor"] = "fama"
        value = draw(VALUE_FORMS).format(draw(st.integers(min_value=1, max_value=5000)))
        rows.append(claim(f"c{i}", value, **fields))
    return rows


def reconcile_rows(tmp_path_factory, rows, policy="reliability"):
    directory = write_dataset(tmp_path_factory.mktemp("d"), rows)
    return reconcile(prepare_claims(load_dataset(directory)), policy=policy)


PROPERTY = settings(max_examples=25, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip


@PROPERTY
@given(claim_sets(), st.sampled_from(["reliability", "conservative"]))
def test_low_best_high_are_ordered(tmp_path_factory, rows, policy):
    est = reconcile_rows(tmp_path_factory, rows, policy).estimates
    assert (est["low"] <= est["best"]).all() and (est["best"] <= est["high"]).all()
    assert (est["n_independent"] <= est["n_claimants"]).all()
    assert (est["discrepancy"].dropna() >= 1).all()


@PROPERTY
@given(claim_sets(), st.randoms())
def test_result_does_not_depend_on_row_order(tmp_path_factory, rows, random):
    shuffled = list(rows)
    random.shuffle(shuffled)
    a = reconcile_rows(tmp_path_factory, rows).output()
    b = reconcile_rows(tmp_path_factory, shuffled).output()
    pd.testing.assert_frame_equal(a, b)


@PROPERTY
@given(claim_sets(), st.floats(min_value=0, max_value=1))
def test_a_claim_inside_the_range_never_widens_it(tmp_path_factory, rows, fraction):
    before = reconcile_rows(tmp_path_factory, rows).estimates.iloc[0]
    inside = int(before["low"] + fraction * (before["high"] - before["low"]))
    extra = claim("inside", str(inside), claimant="Amnesty International", source_id="wire")
    after = reconcile_rows(tmp_path_factory, [*rows, extra]).estimates.iloc[0]
    assert after["low"] >= before["low"] and after["high"] <= before["high"]


@PROPERTY
@given(claim_sets(), st.integers(min_value=1, max_value=100_000))
def test_a_superseded_claim_never_affects_the_result(tmp_path_factory, rows, value):
    rows = [dict(r) for r in rows]
    old = claim("old", str(value), claimant=rows[0]["claimant"], claimant_role=rows[0]["claimant_role"],
                claimant_actor=rows[0].get("claimant_actor", ""), source_id=rows[0]["source_id"])  # fmt: skip
    rows[0]["supersedes"] = "old"
    with_old = reconcile_rows(tmp_path_factory, [*rows, old]).output()
    without = reconcile_rows(tmp_path_factory, [{**r, "supersedes": ""} for r in rows]).output()
    cols = ["low", "best", "high", "high_open", "status", "best_claim_id", "n_independent"]
    pd.testing.assert_frame_equal(with_old[cols], without[cols])


@PROPERTY
@given(claim_sets())
def test_relaying_a_claim_never_adds_a_voice(tmp_path_factory, rows):
    original = rows[0]
    relay = {
        **original,
        "claim_id": "relay",
        "source_id": "wiki" if original["source_id"] != "wiki" else "wire",
    }
    before = reconcile_rows(tmp_path_factory, rows).output().iloc[0]
    after = reconcile_rows(tmp_path_factory, [*rows, relay]).output().iloc[0]
    assert after["n_independent"] == before["n_independent"]
    assert after["n_claimants"] == before["n_claimants"]
    assert after["status"] == before["status"]


AGG = {"event_id": "war", "metric": "killed", "population": "civilians"}


def test_a_later_enemy_claim_never_pushes_independent_stocks_out(dataset_from):
    claims = [
        claim("un", "1,200", as_of="2025-01-01", **AGG),
        claim(
            "enemy", "3,000", as_of="2025-06-01", **{**ARMY, "claimant_role": "party_enemy"}, **AGG
        ),
    ]
    r = row(run(dataset_from, claims), event_id="war")
    assert (r["best"], r["best_claim_id"], r["status"]) == (1200, "un", "single_source")
    assert "losses it inflicted on its enemy" in r["rationale"]


def test_a_relay_with_a_later_date_never_displaces_the_own_publication(dataset_from):
    claims = [
        claim("own", "more than 378,000", as_of="2025-02", **AGG),
        claim("relay", "over 380,000", source_id="wiki", **AGG),  # as_of: Wikipedia's 2025-06-17
    ]
    r = row(run(dataset_from, claims), event_id="war")
    assert r["best_claim_id"] == "own"
    assert "represented by own" in r["rationale"]


def test_a_coarse_as_of_does_not_outdate_a_precise_one_inside_it(dataset_from):
    claims = [
        claim("precise", "150,000", as_of="2025-06-17", **AGG),
        claim("year", "160,000", source_id="wire", claimant="Reuters", as_of="2025", **AGG),
    ]
    r = row(run(dataset_from, claims), event_id="war")
    assert r["n_independent"] == 2 and r["status"] == "contested"
    assert "time series" not in r["rationale"]


def test_claimants_differing_only_in_case_are_one_claimant(dataset_from):
    claims = [claim("a", "34"), claim("b", "34", source_id="wire", claimant="human rights watch")]
    r = row(run(dataset_from, claims), population="civilians")
    assert (r["n_claimants"], r["n_independent"], r["status"]) == (1, 1, "single_source")
