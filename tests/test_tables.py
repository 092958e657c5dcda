from conftest import claim

from casrec.claims import KEY_COLUMNS, prepare_claims
from casrec.reconcile import OUTPUT_COLUMNS, reconcile
from casrec.tables import HXL_TAGS, readable_estimates, write_reconciled_hxl


def test_reconciled_tables_carry_the_subgroup(dataset_from, tmp_path):
    dataset = dataset_from([claim("all", "223"), claim("kids", "56", subgroup="children")])
    estimates = reconcile(prepare_claims(dataset)).estimates
    assert OUTPUT_COLUMNS[: len(KEY_COLUMNS)] == KEY_COLUMNS
    assert set(OUTPUT_COLUMNS) <= set(HXL_TAGS)
    lines = write_reconciled_hxl(estimates, tmp_path / "r.hxl.csv").read_text().splitlines()
    header, tags = lines[0].split(","), lines[1].split(",")
    assert tags[header.index("subgroup")] == "#affected+subgroup"
    assert "children" in set(readable_estimates(estimates)["subgroup"])
