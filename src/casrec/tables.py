"""Reconciled tables as files and as text: reconciled.csv, its HXL twin, and terminal views."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from casrec.claims import KEY_COLUMNS
from casrec.quantities import format_interval
from casrec.reconcile import OUTPUT_COLUMNS
from casrec.vocabulary import STATUSES

# HXL hashtags for reconciled.hxl.csv, so the table can go to HDX as it is.
HXL_TAGS = {
    "event_id": "#event+id",
    "metric": "#indicator+metric",
    "population": "#affected+type",
    "side": "#group+side",
    "nationality": "#affected+nationality",
    # who among the population (subgroups.csv term); a documented custom attribute
    "subgroup": "#affected+subgroup",
    "low": "#affected+num+min",
    "best": "#affected+num+best",
    "high": "#affected+num+max",
    "high_open": "#affected+max+open",
    "status": "#status",
    "discrepancy": "#indicator+discrepancy",
    "n_claims": "#meta+claims+num",
    "n_claimants": "#meta+claimants+num",
    "n_independent": "#meta+claimants+independent+num",
    "best_claim_id": "#meta+source+id+best",
    "best_tied": "#meta+best+tied",
    "within_tolerance": "#meta+agree+tolerance",
    "best_without_party": "#affected+num+best+noparty",
    "policy": "#meta+policy",
    "rationale": "#description+rationale",
    "claim_ids": "#meta+claims+id",
}


def csv_ready(table: pd.DataFrame) -> pd.DataFrame:
    """Output columns as text: empty cells for missing values, true/false for booleans."""
    out = table[OUTPUT_COLUMNS].copy()
    for column in out.columns:
        series = out[column]
        if series.dtype == bool or column == "high_open":
            out[column] = series.map(lambda v: "true" if bool(v) else "false")
        elif column == "discrepancy":
            out[column] = series.map(lambda v: "" if pd.isna(v) else f"{float(v):.2f}")
        else:
            out[column] = series.map(lambda v: "" if pd.isna(v) else str(v))
    return out


def write_reconciled_csv(table: pd.DataFrame, path: str | Path) -> Path:
    """Write reconciled.csv: deterministic order, UTF-8, LF line ends."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    csv_ready(table).to_csv(path, index=False, lineterminator="\n", encoding="utf-8")
    return path


def write_reconciled_hxl(table: pd.DataFrame, path: str | Path) -> Path:
    """Write reconciled.hxl.csv: the same table with a second header row of HXL hashtags."""
    path = Path(path)
    out = csv_ready(table)
    tags = pd.DataFrame([[HXL_TAGS[c] for c in out.columns]], columns=out.columns)
    pd.concat([tags, out], ignore_index=True).to_csv(
        path, index=False, lineterminator="\n", encoding="utf-8"
    )
    return path


def readable_estimates(estimates: pd.DataFrame) -> pd.DataFrame:
    """A compact view for the terminal: key, range, best, status, discrepancy, best claim."""
    view = estimates[KEY_COLUMNS].fillna("")
    view = view.assign(
        range=[
            format_interval(lo, hi, op)
            for lo, hi, op in zip(
                estimates["low"], estimates["high"], estimates["high_open"], strict=True
            )
        ],
        best=estimates["best"].map(lambda v: "" if pd.isna(v) else f"{int(v):,}"),
        status=estimates["status"].map(STATUSES.label),
        discrepancy=estimates["discrepancy"].map(lambda v: "" if pd.isna(v) else f"{v:.2f}"),
        best_claim_id=estimates["best_claim_id"].fillna(""),
    )
    return view
