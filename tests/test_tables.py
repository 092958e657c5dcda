"""The terminal view of the reconciled table reads labels and intervals."""

from __future__ import annotations

import pandas as pd

from casrec.tables import readable_estimates


def test_readable_estimates_shows_ranges_labels_and_separators():
    estimates = pd.DataFrame(
        {"event_id": ["kobe"], "metric": ["killed"], "population": ["civilians"],
         "side": [None], "nationality": [None], "low": [25], "high": [34], "high_open": [True],
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
