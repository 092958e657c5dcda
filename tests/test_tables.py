"""The terminal view of the reconciled table reads labels and intervals."""

from __future__ import annotations

import pandas as pd
from conftest import claim

from casrec import hxl
from casrec.claims import KEY_COLUMNS, prepare_claims
from casrec.reconcile import OUTPUT_COLUMNS, reconcile
from casrec.tables import readable_estimates


def test_readable_estimates_shows_ranges_labels_and_separators():
    estimates = pd.DataFrame(
        {"event_id": ["kobe"], "metric": ["killed"], "population": ["civilians"],
         "side": [None], "nationality": [None], "subgroup": [None], "low": [25], "high": [34], "high_open": [True],
         "best": [1034], "status": ["party_only"], "discrepancy": [1.36],
         "best_claim_id": ["kobe-hrw"]}
    )  # fmt: skip
    view = readable_estimates(estimates)
    row = view.iloc[0]
    assert (row["range"], row["best"], row["status"], row["discrepancy"]) == (
        "25–34+",
        "1,034",
        "party only",
        "1.36",
    )
    assert row["side"] == "" and row["best_claim_id"] == "kobe-hrw"


def test_reconciled_tables_carry_the_subgroup(dataset_from, tmp_path):
    dataset = dataset_from([claim("all", "223"), claim("kids", "56", subgroup="children")])
    reconciliation = reconcile(prepare_claims(dataset))
    estimates = reconciliation.estimates
    assert OUTPUT_COLUMNS[: len(KEY_COLUMNS)] == KEY_COLUMNS
    path = hxl.write_reconciled_hxl(reconciliation.output(), dataset.events, tmp_path / "r.hxl")
    lines = path.read_text(encoding="utf-8").splitlines()
    header, tags = lines[0].split(","), lines[1].split(",")
    assert tags[header.index("subgroup")] == "#group+subgroup"
    assert "children" in {line.split(",")[header.index("subgroup")] for line in lines[2:]}
    assert "children" in set(readable_estimates(estimates)["subgroup"])


def test_a_report_from_before_the_subgroup_key_still_compares(dataset_from, tmp_path):
    from casrec.changes import compare_reports, read_reconciled
    from casrec.tables import csv_ready, write_reconciled_csv

    dataset = dataset_from([claim("all", "223"), claim("kids", "56", subgroup="children")])
    estimates = reconcile(prepare_claims(dataset)).estimates
    old = tmp_path / "old.csv"
    csv_ready(estimates).drop(columns="subgroup").iloc[[0]].to_csv(old, index=False)
    write_reconciled_csv(estimates, tmp_path / "new.csv")
    changes = compare_reports(read_reconciled(old), read_reconciled(tmp_path / "new.csv"))
    assert changes["changed_estimates"].empty
    assert changes["new_keys"]["subgroup"].tolist() == ["children"]
