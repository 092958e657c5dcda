"""What changed since the previous dated report: new claims and changed estimates."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from casrec.claims import KEY_COLUMNS

COMPARED = ["low", "best", "high", "high_open", "status"]


def read_reconciled(path: str | Path) -> pd.DataFrame:
    """A reconciled.csv as text, exactly as written (an empty cell is '', as in csv_ready).

    A report written before a key column existed (``subgroup``) had no value in it: the
    column is added empty, so its keys still match today's.
    """
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    for column in KEY_COLUMNS:
        if column not in table.columns:
            table[column] = ""
    return table


def compare_reports(previous: pd.DataFrame, current: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """New claim ids, keys whose low/best/high/status changed (old -> new), new and gone keys.

    Both tables are reconciled.csv text (``read_reconciled``, ``tables.csv_ready``), so values
    compare as written: '' for missing, 'true'/'false' for high_open.
    """
    old_ids = set(";".join(previous["claim_ids"]).split(";")) - {""}
    new_ids = set(";".join(current["claim_ids"]).split(";")) - {""}
    merged = current.merge(
        previous, on=KEY_COLUMNS, how="left", suffixes=("", "_previous"), indicator=True
    )
    is_new_key = merged["_merge"] == "left_only"
    changed = pd.Series(False, index=merged.index)
    for column in COMPARED:
        changed |= merged[column] != merged[f"{column}_previous"]
    changed &= ~is_new_key
    keep = KEY_COLUMNS + [c for col in COMPARED for c in (f"{col}_previous", col)]
    # keys the previous report estimated and this one does not (an event or its claims removed)
    gone = previous.merge(current[KEY_COLUMNS], on=KEY_COLUMNS, how="left", indicator=True)
    is_gone = gone["_merge"] == "left_only"
    return {
        "new_claims": pd.DataFrame({"claim_id": sorted(new_ids - old_ids)}),
        "removed_claims": pd.DataFrame({"claim_id": sorted(old_ids - new_ids)}),
        "changed_estimates": merged.loc[changed, keep].reset_index(drop=True),
        "new_keys": merged.loc[is_new_key, [*KEY_COLUMNS, "low", "best", "high"]].reset_index(
            drop=True
        ),
        "removed_keys": gone.loc[is_gone, [*KEY_COLUMNS, "low", "best", "high"]].reset_index(
            drop=True
        ),
    }
