"""The shipped Mali dataset: provenance against the source documents, and the headline results."""

import os
import re

import pytest
from conftest import DATA_DIR, SHARED_SOURCES

from casrec.claims import prepare_claims
from casrec.consistency import component_checks
from casrec.reconcile import reconcile
from casrec.schema import load_dataset

# Which document in ../shared/sources each source_id was recorded from.
DOCUMENTS = {
    "hrw-2025-02-kobe": "hrw-2025-02-kobe-convoy.txt",
    "wikipedia-2024-12": "wikipedia-mali-war-2024-12.txt",
    "icg-2018-04": "crisisgroup-mali-2018-04.txt",
    "wikipedia-infobox-2025-06": "wikipedia-mali-war-infobox-2025-06.txt",
    "reuters-2024-09-18": "reuters-2024-09-bamako.txt",
}


def collapse(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@pytest.fixture(scope="module")
def dataset():
    return load_dataset(DATA_DIR)


@pytest.fixture(scope="module")
def prepared(dataset):
    return prepare_claims(dataset)


def test_every_source_maps_to_a_document(dataset):
    assert set(dataset.sources["source_id"]) == set(DOCUMENTS)


def test_every_evidence_excerpt_is_verbatim_in_its_document(dataset):
    if not SHARED_SOURCES.is_dir():
        message = f"source documents not found at {SHARED_SOURCES}; evidence cannot be checked"
        if os.environ.get("CI"):
            pytest.fail(message)  # CI always has shared/ beside the clone: missing is a fault
        pytest.skip(message)
    texts = {sid: collapse((SHARED_SOURCES / name).read_text(encoding="utf-8"))
             for sid, name in DOCUMENTS.items()}  # fmt: skip
    missing = [
        f"{row.claim_id}: {row.evidence!r}"
        for row in dataset.claims.itertuples()
        if collapse(row.evidence) not in texts[row.source_id]
    ]
    assert not missing, "evidence not found verbatim in its document:\n" + "\n".join(missing)


def test_evidence_is_short_and_contains_the_figure(dataset):
    too_long = [c for c, e in zip(dataset.claims["claim_id"], dataset.claims["evidence"], strict=True)
                if len(e.split()) > 30]  # fmt: skip
    assert not too_long, f"evidence over 30 words: {too_long}"
    absent = [
        row.claim_id
        for row in dataset.claims.itertuples()
        if row.value.casefold() not in row.evidence.casefold()
    ]
    assert not absent, f"value text not found in its evidence: {absent}"


def test_the_dataset_covers_the_documents(dataset):
    claims = dataset.claims
    assert len(claims) > 100
    assert set(claims["source_id"]) == set(DOCUMENTS)
    expected_events = {"kobe-2025-02-07", "bamako-2024-09-17", "moura-2022-03", "konna-2013-01",
                       "in-amenas-2013-01-16", "bourem-2023-09-12", "dioura-2023-09", "mali-war"}  # fmt: skip
    assert expected_events <= set(dataset.events["event_id"])
    for metric in ("killed", "injured", "captured", "detained", "hostages", "displaced",
                   "refugees", "idps"):  # fmt: skip
        assert (claims["metric"] == metric).any(), metric


def test_relayed_figures_keep_their_original_claimant(dataset):
    kobe = dataset.claims[dataset.claims["event_id"] == "kobe-2025-02-07"]
    army = kobe[kobe["claimant"] == "Malian army"]
    assert set(army["source_id"]) == {"hrw-2025-02-kobe"}  # HRW relays the army's statement
    assert set(army["claimant_role"]) == {"party_other", "party_enemy"}


def kobe_killed(prepared, policy):
    est = reconcile(prepared, policy=policy).estimates
    mask = (
        (est["event_id"] == "kobe-2025-02-07")
        & (est["metric"] == "killed")
        & (est["population"] == "civilians")
        & est["nationality"].isna()
    )
    (row,) = est[mask].to_dict("records")
    return row


def test_kobe_reliability_best_34_low_25_contested(prepared):
    row = kobe_killed(prepared, "reliability")
    assert (row["low"], row["best"], row["high"], row["high_open"]) == (25, 34, 34, True)
    assert row["status"] == "contested"
    assert "Human Rights Watch" in row["rationale"] and "Malian army" in row["rationale"]


def test_kobe_conservative_best_25(prepared):
    row = kobe_killed(prepared, "conservative")
    assert (row["low"], row["best"]) == (25, 25) and row["status"] == "contested"


def test_kobe_breakdown_and_displacement_components_are_consistent(prepared):
    findings = component_checks(prepared)
    kobe = findings[(findings["event_id"] == "kobe-2025-02-07")
                    & findings["subject"].str.endswith("vs at least 34")]  # fmt: skip
    assert kobe["verdict"].tolist() == ["consistent"]
    assert kobe["compared_point"].tolist() == [34]
    war = findings[findings["subject"].str.endswith("vs ≈374,000")]
    assert war["verdict"].tolist() == ["consistent"]
    assert war["compared_point"].tolist() == [374_000]
    assert not (findings["verdict"] == "conflicting").any(), findings[
        findings["verdict"] == "conflicting"
    ]


def test_mali_displacement_total_is_the_latest_stock(prepared):
    est = reconcile(prepared).estimates
    (row,) = est[(est["event_id"] == "mali-war") & (est["metric"] == "displaced")].to_dict(
        "records"
    )
    assert (row["best"], row["low"], row["high"]) == (374_000, 373_500, 374_500)
    assert "over 600,000" in row["rationale"] and "time series" in row["rationale"]


def test_the_kobe_women_are_a_subset_of_the_malian_dead(prepared):
    est = reconcile(prepared).estimates
    kobe = est[(est["event_id"] == "kobe-2025-02-07") & (est["metric"] == "killed")]
    (women,) = kobe[kobe["subgroup"] == "women"].to_dict("records")
    assert (women["nationality"], women["best"]) == ("Malian", 5)
    findings = component_checks(prepared)
    (subset,) = findings[findings["axis"] == "subgroup"].to_dict("records")
    assert subset["claim_ids"].split(";")[0] == "kobe-hrw-killed-civilians-malian"
    assert subset["verdict"] == "consistent"


def test_every_subgroup_used_is_in_the_vocabulary(dataset):
    used = set(dataset.claims["subgroup"].dropna())
    assert used == {"women", "journalists"}
    assert used <= set(dataset.subgroups["term"])


def test_incidents_lie_within_the_mali_war_and_it_within_the_sahel_insurgency(dataset):
    events = dataset.events.set_index("event_id")
    assert events.loc["mali-war", "parent_event"] == "sahel-insurgency"
    assert events.loc["kobe-2025-02-07", "parent_event"] == "mali-war"
    assert events.loc["tongo-tongo-2017-10-04", "parent_event"] == "sahel-insurgency"
    # in Algeria and Nigeria: the documents do not say whose totals they fall within
    assert events.loc[["in-amenas-2013-01-16", "okene-2013-01-19"], "parent_event"].isna().all()
    in_mali = events[(events["country"] == "MLI") & (events.index != "mali-war")]
    assert set(in_mali["parent_event"].dropna()) == {"mali-war"}
    assert in_mali.drop(index="sahel-insurgency")["parent_event"].notna().all()


def test_child_events_do_not_exceed_the_mali_war(prepared, dataset):
    from casrec.consistency import event_hierarchy_checks

    result = reconcile(prepared)
    findings = event_hierarchy_checks(result.estimates, dataset.events, result.claims)
    assert set(findings["event_id"]) == {"mali-war", "sahel-insurgency"}
    assert "conflicting" not in set(findings["verdict"])
    # the Mali War's 13,105 (June 2025) is not held against the Sahel's "thousands" (Sept 2024)
    sahel = findings[findings["event_id"] == "sahel-insurgency"]
    assert set(sahel["verdict"]) == {"incomparable"}
    assert sahel["detail"].str.contains("mali-war (2025-06-17)", regex=False).all()
    french = findings[
        findings["keys"].str.startswith("mali-war/killed/security_forces/france/")
    ].iloc[0]
    # the sixth French death (29 April 2013) is not held against the 2022 death in Gao
    assert "gao-2022-01-22 (2022-01-22)" in french["detail"]
    assert french["compared_low"] == 3 and french["reference_high"] == 6
