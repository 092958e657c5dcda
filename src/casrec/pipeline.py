"""The usual chain in one call: load data/, parse values, reconcile, check consistency.

Notebooks and the command line both start here, so a figure on a report page and the same
figure in ``casrec reconcile`` come from one code path.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from casrec.claims import prepare_claims
from casrec.consistency import DEFAULT_AS_OF_WINDOW_DAYS, run_checks
from casrec.reconcile import DEFAULT_POLICY, Reconciliation, reconcile
from casrec.schema import Dataset, load_dataset


@dataclass
class Analysis:
    """Everything a report page shows: the data, the reconciliation and the consistency findings."""

    dataset: Dataset
    reconciliation: Reconciliation
    findings: pd.DataFrame
    as_of_window_days: int

    @property
    def estimates(self) -> pd.DataFrame:
        """One row per key (see ``casrec.reconcile``)."""
        return self.reconciliation.estimates

    @property
    def claims(self) -> pd.DataFrame:
        """Every claim, annotated with how it entered (or did not enter) the estimate."""
        return self.reconciliation.claims

    def event(self, event_id: str) -> pd.Series:
        """The events.csv row of ``event_id``; a clear error when it does not exist."""
        events = self.dataset.events
        match = events[events["event_id"] == event_id]
        if match.empty:
            known = ", ".join(sorted(events["event_id"])[:10])
            raise KeyError(f"event {event_id!r} is not in events.csv (e.g. {known}, ...)")
        return match.iloc[0]


def load_and_reconcile(data_dir: str | Path, policy: str = DEFAULT_POLICY) -> Reconciliation:
    """Load and check ``data_dir``, then reconcile it under ``policy``."""
    return analyse(data_dir, policy).reconciliation


def analyse(
    data_dir: str | Path,
    policy: str = DEFAULT_POLICY,
    as_of_window_days: int = DEFAULT_AS_OF_WINDOW_DAYS,
) -> Analysis:
    """Load, reconcile and check ``data_dir``."""
    dataset = load_dataset(data_dir)
    prepared = prepare_claims(dataset)
    result = reconcile(prepared, policy=policy, as_of_window_days=as_of_window_days)
    findings = run_checks(prepared, window_days=as_of_window_days)
    return Analysis(dataset, result, findings, as_of_window_days)
