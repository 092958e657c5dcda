"""Reconciled tables as files and as text: reconciled.csv and terminal views (HXL: casrec.hxl)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from casrec.claims import KEY_COLUMNS
from casrec.quantities import format_interval
from casrec.reconcile import OUTPUT_COLUMNS
from casrec.vocabulary import STATUSES


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
