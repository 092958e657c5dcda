import pandas as pd
import pytest
from conftest import claim
from hypothesis import given, settings
from hypothesis import strategies as st
from test_reconcile_reference import EVENTS, SOURCES, in_memory

from casrec.claims import prepare_claims
from casrec.reconcile import OUTPUT_COLUMNS, AgreementTolerance, reconcile

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


def test_one_document_giving_a_stock_at_two_dates_speaks_with_the_later(dataset_from):
    # an update quoting the earlier figure and the current one: the claimant's latest figure
    # is the one as of the later date, not the lower of the two
    stocks = {"event_id": "war", "metric": "idps", "population": "civilians", "source_id": "wiki",
              "claimant": "OCHA"}  # fmt: skip
    claims = [
        claim("by-march", "about 200,000", as_of="2025-03", **stocks),
        claim("by-june", "more than 350,000", as_of="2025-06-17", **stocks),
    ]
    r = row(run(dataset_from, claims), metric="idps")
    assert (r["best"], r["best_claim_id"]) == (350001, "by-june")
    # two figures for one period still let the lower speak (a tie of best, documented)
    same_period = [claim("a", "40", as_of="2025-02-07"), claim("b", "46", as_of="2025-02-07")]
    assert row(run(dataset_from, same_period), metric="killed")["best_claim_id"] == "a"


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
def claim_sets(draw, certainties=("",)):
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
        fields["certainty"] = draw(st.sampled_from(certainties))
        rows.append(claim(f"c{i}", value, **fields))
    return rows


DIGEST = {"source_id": "digest", "publisher": "Weekly digest", "title": "Digest",
          "published": "2025-12-01", "source_type": "media"}  # fmt: skip


def reconcile_in_memory(rows, policy="reliability", **kwargs):
    """Reconcile claim rows typed as the loader types them, without writing a file."""
    return reconcile(prepare_claims(in_memory(rows, sources=[*SOURCES, DIGEST])), policy, **kwargs)


PROPERTY = settings(max_examples=25, deadline=None)


@PROPERTY
@given(claim_sets(certainties=("", "", "feared", "confirmed")),
       st.sampled_from(["reliability", "conservative"]))  # fmt: skip
def test_low_best_high_are_ordered(rows, policy):
    est = reconcile_in_memory(rows, policy).estimates
    assert (est["low"] <= est["best"]).all() and (est["best"] <= est["high"]).all()
    assert (est["n_independent"] <= est["n_claimants"]).all()
    assert (est["discrepancy"].dropna() >= 1).all()


@PROPERTY
@given(claim_sets(), st.randoms())
def test_result_does_not_depend_on_row_order(rows, random):
    shuffled = list(rows)
    random.shuffle(shuffled)
    a = reconcile_in_memory(rows).output()
    b = reconcile_in_memory(shuffled).output()
    pd.testing.assert_frame_equal(a, b)


@PROPERTY
@given(claim_sets(), st.floats(min_value=0, max_value=1))
def test_a_claim_inside_the_range_never_widens_it(rows, fraction):
    before = reconcile_in_memory(rows).estimates.iloc[0]
    inside = int(before["low"] + fraction * (before["high"] - before["low"]))
    extra = claim("inside", str(inside), claimant="Amnesty International", source_id="wire")
    after = reconcile_in_memory([*rows, extra]).estimates.iloc[0]
    assert after["low"] >= before["low"] and after["high"] <= before["high"]


@PROPERTY
@given(claim_sets(), st.integers(min_value=1, max_value=100_000))
def test_a_superseded_claim_never_affects_the_result(rows, value):
    rows = [dict(r) for r in rows]
    old = claim("old", str(value), claimant=rows[0]["claimant"], claimant_role=rows[0]["claimant_role"],
                claimant_actor=rows[0].get("claimant_actor", ""), source_id=rows[0]["source_id"])  # fmt: skip
    rows[0]["supersedes"] = "old"
    with_old = reconcile_in_memory([*rows, old]).output()
    without = reconcile_in_memory([{**r, "supersedes": ""} for r in rows]).output()
    cols = ["low", "best", "high", "high_open", "status", "best_claim_id", "n_independent"]
    pd.testing.assert_frame_equal(with_old[cols], without[cols])


@PROPERTY
@given(claim_sets(certainties=("", "", "feared", "confirmed")))
def test_relaying_a_claim_never_adds_a_voice(rows):
    # a relay repeats what was published before: it appears in a later document
    relay = {**rows[0], "claim_id": "relay", "source_id": "digest"}
    before = reconcile_in_memory(rows).output().iloc[0]
    after = reconcile_in_memory([*rows, relay]).output().iloc[0]
    for column in ("n_independent", "n_claimants", "status", "low", "best", "high"):
        assert after[column] == before[column], column


def test_a_later_relay_of_an_older_figure_does_not_become_the_claimants_latest():
    """The counterexample hypothesis found (relay-failure), with figures beyond the tolerance:
    HRW said 10, then 20, both known through relays; Reuters said 10."""
    rows = [
        claim("c0", "10", source_id="army"),  # HRW's figure relayed on 2025-02-07
        claim("c1", "20", source_id="wire"),  # HRW's later figure, relayed on 2025-02-08
        claim("c2", "10", source_id="hrw", claimant="Reuters"),
    ]
    relay = claim("relay", "10", source_id="digest")  # the old figure again, in December
    for claims in (rows, [*rows, relay]):
        r = reconcile_in_memory(claims).estimates.iloc[0]
        assert r["status"] == "contested"
        assert "represented by c1" in r["rationale"]


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


# --- issue 11: running tolls, "up to", ties, near agreement, feared figures, counts ---------

ATTACK = {"event_id": "attack"}
ATTACK_EVENT = {"event_id": "attack", "title": "Two-day attack", "kind": "incident",
                "date_start": "2024-05-03", "date_end": "2024-05-04", "country": "MLI"}  # fmt: skip
TOLL_SOURCES = [
    {"source_id": "relief", "publisher": "Relief group", "title": "Flash update",
     "published": "2024-05-03", "source_type": "ngo"},
    {"source_id": "un-may", "publisher": "UN OHCHR", "title": "Statement",
     "published": "2024-05-05", "source_type": "un"},
]  # fmt: skip


def toll(rows, **kwargs):
    dataset = in_memory(rows, sources=[*SOURCES, *TOLL_SOURCES], events=[*EVENTS, ATTACK_EVENT])
    return reconcile(prepare_claims(dataset), **kwargs).estimates.iloc[0]


RELIEF_42 = claim("relief-42", "42", source_id="relief", claimant="Relief group",
                  as_of="2024-05-03", **ATTACK)  # fmt: skip
UN_150 = claim("un-150", "more than 150", source_id="un-may", claimant="UN OHCHR",
               as_of="2024-05-05", **ATTACK)  # fmt: skip


def test_a_count_so_far_leaves_the_estimate_once_a_complete_figure_exists():
    r = toll([RELIEF_42, UN_150])
    assert (r["low"], r["best"], r["high"], r["high_open"]) == (151, 151, 151, True)
    assert r["status"] == "single_source" and r["best_claim_id"] == "un-150"
    assert "relief-42] — a count so far" in r["rationale"]
    assert (r["n_claims"], r["n_claimants"], r["n_claimants_all"]) == (2, 1, 2)


def test_counts_so_far_alone_are_floors():
    later = claim("un-60", "60 so far", source_id="un-may", claimant="UN OHCHR", **ATTACK)
    r = toll([RELIEF_42, later])
    assert (r["low"], r["high"], r["high_open"]) == (42, 60, True)
    assert r["status"] == "corroborated"  # floors never contradict each other
    assert "each is read as a floor" in r["rationale"]


def test_up_to_gives_no_floor_while_another_claim_states_one(dataset_from):
    claims = [claim("hrw", "at least 200"),
              claim("wire", "up to 600", source_id="wire", claimant="Reuters")]  # fmt: skip
    r = row(run(dataset_from, claims), population="civilians")
    assert (r["low"], r["high"], r["status"]) == (200, 600, "corroborated")
    assert 'An "up to" figure supplies no low' in r["rationale"]


def test_up_to_alone_keeps_zero_and_says_the_low_is_unknown(dataset_from):
    r = row(run(dataset_from, [claim("wire", "as many as 600")]), population="civilians")
    assert (r["low"], r["best"], r["high"]) == (0, 600, 600)
    assert "The low is unknown" in r["rationale"]
    assert "it is the only figure considered" in r["rationale"]


def test_up_to_that_a_floor_exceeds_is_still_contested(dataset_from):
    claims = [claim("hrw", "at least 700"),
              claim("wire", "up to 600", source_id="wire", claimant="Reuters")]  # fmt: skip
    assert row(run(dataset_from, claims), population="civilians")["status"] == "contested"


TIED = [
    claim("b-high", "44", source_id="wiki", claimant="Amnesty International"),
    claim("a-low", "40", source_id="wiki", claimant="Reuters"),
]


def test_a_tie_takes_the_lower_figure_and_says_so(dataset_from):
    r = row(run(dataset_from, TIED), population="civilians")
    assert (r["best"], r["best_claim_id"], r["best_tied"]) == (40, "a-low", True)
    assert "level on every rule with b-high" in r["rationale"]
    assert "(tie rule)" in r["rationale"]


def test_renaming_the_tied_claims_never_changes_the_best(dataset_from):
    renamed = [{**TIED[0], "claim_id": "a-high"}, {**TIED[1], "claim_id": "z-low"}]
    r = row(run(dataset_from, renamed), population="civilians")
    assert (r["best"], r["best_claim_id"], r["best_tied"]) == (40, "z-low", True)


def test_near_agreement_is_not_a_contest(dataset_from):
    claims = [claim("hrw", "185"),
              claim("wire", "at least 187", source_id="wire", claimant="Reuters")]  # fmt: skip
    r = row(run(dataset_from, claims), population="civilians")
    assert (r["status"], r["within_tolerance"]) == ("corroborated", True)
    assert r["discrepancy"] == pytest.approx(1.01)  # the gap is still shown
    assert (
        "agree within the tolerance (the larger of 5% of the smaller figure and 2)"
        in (r["rationale"])
    )
    strict = row(run(dataset_from, claims, tolerance=AgreementTolerance(0, 0)),
                 population="civilians")  # fmt: skip
    assert (strict["status"], strict["within_tolerance"]) == ("contested", False)


def test_far_apart_figures_are_still_contested(dataset_from):
    claims = [claim("hrw", "74"), claim("wire", "32", source_id="wire", claimant="Reuters")]
    r = row(run(dataset_from, claims), population="civilians")
    assert (r["status"], r["within_tolerance"], r["discrepancy"]) == ("contested", False, 2.31)


def test_a_feared_figure_never_outranks_a_reported_one_and_enters_the_high(dataset_from):
    claims = [claim("hrw", "over 100", certainty="feared"),
              claim("wire", "40", source_id="wire", claimant="Reuters")]  # fmt: skip
    result = run(dataset_from, claims)
    r = row(result, population="civilians")
    assert (r["low"], r["best"], r["high"], r["high_open"]) == (40, 40, 101, True)
    assert r["status"] == "corroborated"  # a fear does not contradict a count
    assert "ranked below by certainty: feared or unconfirmed" in r["rationale"]
    assert "enters the high only" in r["rationale"]
    annotated = result.claims.set_index("claim_id")
    assert annotated.loc["hrw", "certainty_effective"] == "feared"
    assert annotated.loc["wire", "certainty_effective"] == "reported"  # the default


@pytest.mark.parametrize("policy", ["reliability", "conservative"])
def test_a_feared_figure_below_a_firmer_floor_never_sets_best_below_low(dataset_from, policy):
    # an independent fear outranks a party by role, but a party's count is firmer: the best
    # must come from the claims that supply the low, or low > best (a critical rule)
    claims = [claim("hrw", "10", certainty="feared"),
              claim("army", "at least 20", source_id="army", claimant="Malian army",
                    claimant_role="party_other", claimant_actor="fama")]  # fmt: skip
    r = row(run(dataset_from, claims, policy=policy), population="civilians")
    assert (r["low"], r["best"], r["best_claim_id"]) == (20, 20, "army")
    assert r["low"] <= r["best"] <= r["high"]


def test_a_feared_figure_alone_is_the_estimate_and_is_flagged(dataset_from):
    r = row(run(dataset_from, [claim("hrw", "100", certainty="feared")]), population="civilians")
    assert (r["low"], r["best"], r["high"]) == (100, 100, 100)
    assert "The best figure is feared or unconfirmed." in r["rationale"]


def test_claimants_are_counted_over_the_considered_voices(dataset_from):
    claims = [
        claim("hrw", "40"),
        claim("army", "30", **ARMY),
        claim("army-old", "90", **ARMY),
        claim("army-new", "35", supersedes="army-old", **{**ARMY, "source_id": "wire"}),
        claim("enemy", "50", **{**ARMY, "claimant": "JNIM", "claimant_role": "party_enemy"}),
    ]
    r = row(run(dataset_from, claims), population="civilians")
    assert (r["n_claims"], r["n_claimants"], r["n_independent"]) == (5, 2, 1)
    assert r["n_claimants_all"] == 3


def test_overlapping_intervals_are_no_discrepancy(dataset_from):
    claims = [claim("wiki", "dozens", source_id="wiki", claimant="Wikipedia"),
              claim("wire", "about 50–60", source_id="wire", claimant="Reuters")]  # fmt: skip
    r = row(run(dataset_from, claims), population="civilians")
    assert (r["status"], r["discrepancy"]) == ("corroborated", 1.0)


# --- properties of the new rules, on frames in memory ----------------------------------------


@PROPERTY
@given(claim_sets(certainties=("", "", "feared", "confirmed")), st.integers(1, 5000))
def test_adding_an_up_to_claim_never_lowers_the_low_below_another_floor(rows, number):
    # (enemy-loss claims aside: another claim rightly makes them step back)
    rows = [r for r in rows if r["claimant_role"] != "party_enemy"] or rows[:0]
    if not rows:
        return
    before = reconcile_in_memory(rows).estimates.iloc[0]
    extra = claim("up-to", f"up to {number}", claimant="Amnesty International", source_id="wire")
    after = reconcile_in_memory([*rows, extra]).estimates.iloc[0]
    # "up to N" offers N, never 0, to the low: only a figure below every floor lowers it
    assert after["low"] == min(before["low"], number)


@PROPERTY
@given(claim_sets(certainties=("", "", "feared", "confirmed")), st.randoms())
def test_permuting_ids_never_changes_the_best(rows, random):
    ids = [r["claim_id"] for r in rows]
    shuffled = list(ids)
    random.shuffle(shuffled)
    renamed = [{**r, "claim_id": new} for r, new in zip(rows, shuffled, strict=True)]
    a = reconcile_in_memory(rows).estimates.iloc[0]
    b = reconcile_in_memory(renamed).estimates.iloc[0]
    for column in ("low", "best", "high", "status", "best_tied", "discrepancy"):
        assert a[column] == b[column] or (pd.isna(a[column]) and pd.isna(b[column])), column


# --- the counterexamples hypothesis found for the three properties above ---------------------


def test_a_relay_of_a_lone_claim_with_an_empty_certainty_cell_adds_no_voice():
    """The first counterexample to all three: a lone "1" whose certainty cell is empty.

    Frames built in memory kept the cell as the text '', which the loader never hands over
    (it reads an empty cell as missing), and reconcile stopped on it; ``in_memory`` now types
    cells as the loader does. Empty means the default, reported.
    """
    alone = [claim("c0", "1", certainty="")]
    relay = {**alone[0], "claim_id": "relay", "source_id": "digest"}
    for rows in (alone, [*alone, relay]):
        result = reconcile_in_memory(rows)
        r = result.estimates.iloc[0]
        assert (r["low"], r["best"], r["high"], r["best_claim_id"]) == (1, 1, 1, "c0")
        assert (r["n_claimants"], r["n_independent"], r["status"]) == (1, 1, "single_source")
        assert result.claims["certainty_effective"].iloc[0] == "reported"


@pytest.mark.parametrize(
    ("value", "weaker"),
    [("10", {"certainty": "feared"}), ("10 so far", {}), ("10", {"as_of": "2025-02-06"})],
    ids=["certainty", "provisional", "as_of"],
)
def test_the_same_figure_twice_from_one_claimant_speaks_with_its_firmer_statement(value, weaker):
    """Permuting ids changed the best: HRW's report gives "10" twice, once feared (or "so
    far", or as of an earlier day) and once plainly. The claim id chose which one spoke for
    HRW; now the firmer, complete, more recent statement does, whatever the ids."""
    rows = [claim("c0", value, **weaker), claim("c1", "10"),
            claim("c2", "12", source_id="wire", claimant="Reuters")]  # fmt: skip
    renamed = [{**rows[0], "claim_id": "c1"}, {**rows[1], "claim_id": "c0"}, rows[2]]
    for claims, voice in ((rows, "c1"), (renamed, "c0")):
        r = reconcile_in_memory(claims).estimates.iloc[0]
        assert (r["low"], r["best"], r["high"], r["high_open"]) == (10, 10, 12, False)
        assert (r["best_claim_id"], r["n_claimants"], r["status"]) == (voice, 2, "corroborated")


def test_an_up_to_beside_a_feared_floor_leaves_the_low_to_the_floor():
    """Adding "up to 600" to a feared "over 100" lowered the low from 101 to 0: the up-to was
    the only firm claim, the feared floor stepped aside, and the up-to's unknown low was
    left. An "up to" never supplies the low while a considered claim states a floor."""
    feared = claim("hrw", "over 100", certainty="feared")
    up_to = claim("wire", "up to 600", source_id="wire", claimant="Reuters")
    assert reconcile_in_memory([feared]).estimates.iloc[0]["low"] == 101
    r = reconcile_in_memory([feared, up_to]).estimates.iloc[0]
    assert (r["low"], r["best"], r["high"], r["high_open"]) == (101, 600, 600, False)
    assert (r["low_claim_id"], r["best_claim_id"], r["status"]) == ("hrw", "wire", "corroborated")
    assert "feared or unconfirmed figures count for the low" in r["rationale"]
    assert 'An "up to" figure supplies no low' in r["rationale"]
    assert "The low is unknown" not in r["rationale"]
    # an up-to below the feared floor offers its N: low <= best still holds
    lower = reconcile_in_memory([feared, {**up_to, "value": "up to 50"}]).estimates.iloc[0]
    assert (lower["low"], lower["best"], lower["high"]) == (50, 50, 101)
