"""The usual chain in one call: load data/, parse values, reconcile, check consistency.

Notebooks and the command line both start here, so a figure on a report page and the same
figure in ``casrec reconcile`` come from one code path.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import pandas as pd

from casrec.claims import prepare_claims
from casrec.consistency import DEFAULT_AS_OF_WINDOW_DAYS, run_checks
from casrec.reconcile import DEFAULT_POLICY, Reconciliation, reconcile
from casrec.schema import TABLES, Dataset, load_dataset

T = TypeVar("T")
# Results of earlier calls in this process, keyed by what they were computed from. A report
# run executes every page in one warm kernel; without this each event page would reload and
# reconcile the whole dataset. Keys include the input files' checksums, so an analyst who
# edits data/ and re-runs a cell gets fresh results.
_CACHE: dict[tuple, object] = {}
_CACHE_LIMIT = 8


def input_checksums(data_dir: str | Path) -> dict[str, str]:
    """sha256 of every contract file present in ``data_dir``: what a result was made from."""
    sums = {}
    for table in TABLES.values():
        path = Path(data_dir) / table.file
        if path.exists():
            sums[table.file] = hashlib.sha256(path.read_bytes()).hexdigest()
    return sums


def _inputs_key(data_dir: str | Path) -> tuple:
    """The folder and its files' checksums: a cache key that changes when any file does."""
    return (str(Path(data_dir).resolve()), *sorted(input_checksums(data_dir).items()))


def cached(key: tuple, compute: Callable[[], T]) -> T:
    """``compute()`` once per key in this process; the result must be treated as read-only."""
    if key not in _CACHE:
        if len(_CACHE) >= _CACHE_LIMIT:
            _CACHE.pop(next(iter(_CACHE)))
        _CACHE[key] = compute()
    return _CACHE[key]  # type: ignore[return-value]


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
    """Load and check ``data_dir``, then reconcile it under ``policy`` (no consistency checks)."""
    return reconcile(prepare_claims(load_dataset(data_dir)), policy=policy)


def analyse(
    data_dir: str | Path,
    policy: str = DEFAULT_POLICY,
    as_of_window_days: int = DEFAULT_AS_OF_WINDOW_DAYS,
) -> Analysis:
    """Load, reconcile and check ``data_dir`` (memoised on the input files' checksums)."""
    key = ("analyse", *_inputs_key(data_dir), policy, as_of_window_days)
    return cached(key, lambda: _analyse(data_dir, policy, as_of_window_days))


def _analyse(data_dir: str | Path, policy: str, as_of_window_days: int) -> Analysis:
    dataset = load_dataset(data_dir)
    prepared = prepare_claims(dataset)
    result = reconcile(prepared, policy=policy, as_of_window_days=as_of_window_days)
    findings = run_checks(
        result.claims, as_of_window_days, estimates=result.estimates, events=dataset.events
    )
    return Analysis(dataset, result, findings, as_of_window_days)


def check_quality(
    data_dir: str | Path, run_date: str, policy: str = DEFAULT_POLICY
) -> pd.DataFrame:
    """The data-quality results table (``casrec.quality.validate``), memoised like ``analyse``."""
    from casrec import quality  # great-expectations is imported only where validation runs

    key = ("quality", *_inputs_key(data_dir), run_date, policy)
    return cached(key, lambda: quality.validate(data_dir, run_date=run_date, policy=policy))
