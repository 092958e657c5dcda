"""The usual chain in one call: load data/, parse values, reconcile, check consistency."""

from __future__ import annotations

from pathlib import Path

from casrec.claims import prepare_claims
from casrec.reconcile import DEFAULT_POLICY, Reconciliation, reconcile
from casrec.schema import load_dataset


def load_and_reconcile(data_dir: str | Path, policy: str = DEFAULT_POLICY) -> Reconciliation:
    """Load and check ``data_dir``, then reconcile it under ``policy``."""
    dataset = load_dataset(data_dir)
    return reconcile(prepare_claims(dataset), policy=policy)
