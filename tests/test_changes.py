"""What changed between two reconciled.csv tables: claims added or removed, estimates moved."""

import pandas as pd

from casrec.changes import compare_reports, read_reconciled
from casrec.claims import KEY_COLUMNS


def row(event_id="kobe", best="34", claim_ids="a", **fields):
    """One reconciled.csv row as text, as read_reconciled gives it."""
    values = dict.fromkeys(KEY_COLUMNS, "")  # an empty key column is written as ''
    values.update(event_id=event_id, metric="killed", population="civilians")
    values.update(
        {
            "low": best,
            "best": best,
            "high": best,
            "high_open": "false",
            "status": "agreed",
            "claim_ids": claim_ids,
        }
    )
    values.update(fields)
    return values


def table(*rows):
    return pd.DataFrame(list(rows), dtype=str)


def test_identical_reports_change_nothing():
    report = table(row(), row(event_id="war", claim_ids="b;c"))
    changes = compare_reports(report, report.copy())
    assert all(frame.empty for frame in changes.values())


def test_claims_added_and_removed_are_listed_by_id_in_order():
    previous = table(row(claim_ids="a;z"))
    current = table(row(claim_ids="d;a;c"))
    changes = compare_reports(previous, current)
    assert changes["new_claims"]["claim_id"].tolist() == ["c", "d"]
    assert changes["removed_claims"]["claim_id"].tolist() == ["z"]


def test_a_key_without_claims_adds_no_empty_claim_id():
    changes = compare_reports(table(row(claim_ids="")), table(row(claim_ids="a")))
    assert changes["new_claims"]["claim_id"].tolist() == ["a"]
    assert changes["removed_claims"].empty


def test_a_moved_figure_shows_old_beside_new_for_that_key_only():
    previous = table(row(best="30"), row(event_id="war", best="900"))
    current = table(row(best="34"), row(event_id="war", best="900"))
    changed = compare_reports(previous, current)["changed_estimates"]
    assert changed["event_id"].tolist() == ["kobe"]
    assert changed[["best_previous", "best"]].values.tolist() == [["30", "34"]]
    # old then new for every compared column, after the key
    assert list(changed.columns[: len(KEY_COLUMNS)]) == KEY_COLUMNS
    assert list(changed.columns[len(KEY_COLUMNS) :][:2]) == ["low_previous", "low"]


def test_a_status_or_open_end_change_is_a_change_even_with_equal_figures():
    previous = table(row(), row(side="state"))
    current = table(row(status="contested"), row(side="state", high_open="true"))
    changed = compare_reports(previous, current)["changed_estimates"]
    assert changed["side"].tolist() == ["", "state"]
    assert changed["status_previous"].tolist() == ["agreed", "agreed"]
    assert changed["high_open"].tolist() == ["false", "true"]


def test_a_new_key_is_reported_as_new_not_as_changed():
    previous = table(row())
    current = table(row(), row(population="all", best="50"))
    changes = compare_reports(previous, current)
    assert changes["changed_estimates"].empty
    assert changes["new_keys"][["population", "best"]].values.tolist() == [["all", "50"]]


def test_a_key_dropped_from_the_current_report_is_neither_changed_nor_new():
    changes = compare_reports(table(row(), row(event_id="war")), table(row()))
    assert changes["changed_estimates"].empty and changes["new_keys"].empty
    # but it is reported: an estimate that vanishes (its event or claims removed) is a change
    assert changes["removed_keys"][["event_id", "best"]].values.tolist() == [["war", "34"]]


def test_read_reconciled_keeps_empty_cells_as_empty_text(tmp_path):
    path = tmp_path / "reconciled.csv"
    table(row(side="", high="")).to_csv(path, index=False)
    read = read_reconciled(path)
    assert read.loc[0, "side"] == "" and read.loc[0, "high"] == ""
    assert read.loc[0, "best"] == "34"  # text, compared as written
    assert compare_reports(read, read)["changed_estimates"].empty
