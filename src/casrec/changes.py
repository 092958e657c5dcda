"""What changed since the previous dated report: new claims and changed estimates."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from casrec.claims import KEY_COLUMNS

COMPARED = ["low", "best", "high", "high_open", "status"]


def read_reconciled(path: str | Path) -> pd.DataFrame:
    """A reconciled.csv as written by casrec (empty cells stay missing)."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])
    return frame


def _as_text(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for column in out.columns:
        out[column] = out[column].map(
            lambda v: (
                "" if pd.isna(v) else ("true" if v is True else "false" if v is False else str(v))
            )
        )
    return out


def compare_reports(previous: pd.DataFrame, current: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """New claim ids, and keys whose low/best/high/status changed (old -> new), plus new keys."""
    prev, cur = _as_text(previous), _as_text(current)
    old_ids = set(";".join(prev["claim_ids"]).split(";")) - {""}
    new_ids = set(";".join(cur["claim_ids"]).split(";")) - {""}
    merged = cur.merge(prev, on=KEY_COLUMNS, how="left", suffixes=("", "_previous"), indicator=True)
    is_new_key = merged["_merge"] == "left_only"
    changed = pd.Series(False, index=merged.index)
    for column in COMPARED:
        changed |= merged[column] != merged[f"{column}_previous"]
    changed &= ~is_new_key
    keep = KEY_COLUMNS + [c for col in COMPARED for c in (f"{col}_previous", col)]
    return {
        "new_claims": pd.DataFrame({"claim_id": sorted(new_ids - old_ids)}),
        "removed_claims": pd.DataFrame({"claim_id": sorted(old_ids - new_ids)}),
        "changed_estimates": merged.loc[changed, keep].reset_index(drop=True),
        "new_keys": merged.loc[is_new_key, [*KEY_COLUMNS, "low", "best", "high"]].reset_index(
            drop=True
        ),
    }
