"""The usual chain in one call: load data/, parse values, reconcile, check consistency.

Notebooks and the command line both start here, so a figure on a report page and the same
figure in ``casrec reconcile`` come from one code path. Each input file is read once per
process while it is unchanged, and each (policy, as-of window) reconciled once: a report run
executes every page in one warm kernel, and the data-quality page checks the very analysis
the other pages display.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Collection
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import pandas as pd

from casrec import resources
from casrec.claims import prepare_claims
from casrec.consistency import DEFAULT_AS_OF_WINDOW_DAYS, run_checks
from casrec.reconcile import DEFAULT_POLICY, OUTPUT_COLUMNS, Reconciliation, reconcile
from casrec.rules import suggestions
from casrec.schema import TABLES, DataError, Dataset, load_dataset, read_inputs
from casrec.vocabulary import DISPLACEMENT_METRICS

T = TypeVar("T")
# Results of earlier calls in this process, keyed by what they were computed from. Loads are
# keyed by the files' identity and modification (os.stat, which reads nothing), results by
# the checksums of the bytes that were read: an analyst who edits data/ and re-runs a cell
# gets fresh results, and a report run reads each file once.
_CACHE: dict[tuple, object] = {}
_CACHE_LIMIT = 16


def cached(key: tuple, compute: Callable[[], T]) -> T:
    """``compute()`` once per key in this process; the result must be treated as read-only."""
    if key not in _CACHE:
        if len(_CACHE) >= _CACHE_LIMIT:
            _CACHE.pop(next(iter(_CACHE)))
        _CACHE[key] = compute()
    return _CACHE[key]  # type: ignore[return-value]


def _file_states(data_dir: str | Path) -> tuple:
    """The folder and, per contract file, (inode, size, mtime) or None: changes when a file does."""
    folder = Path(data_dir).resolve()
    states = []
    for table in TABLES.values():
        try:
            stat = os.stat(resources.table_file(folder, table.file))  # or packaged default
            states.append((table.file, stat.st_ino, stat.st_size, stat.st_mtime_ns))
        except OSError:
            states.append((table.file, None))
    return (str(folder), *states)


def load(data_dir: str | Path) -> Dataset:
    """``data_dir`` loaded collecting its problems (see ``schema.load_dataset``), memoised.

    The bytes are read once and both hashed (``Dataset.checksums``) and parsed.
    """
    key = ("load", *_file_states(data_dir))
    return cached(key, lambda: load_dataset(data_dir, collect=True, contents=read_inputs(data_dir)))


def input_checksums(data_dir: str | Path) -> dict[str, str]:
    """sha256 of every contract file present in ``data_dir``: what a result was made from."""
    return load(data_dir).checksums


@dataclass
class Analysis:
    """Everything a report page shows: the data, the reconciliation and the consistency findings."""

    dataset: Dataset
    reconciliation: Reconciliation | None  # None when no claim loads
    findings: pd.DataFrame
    as_of_window_days: int
    policy: str = DEFAULT_POLICY

    @property
    def estimates(self) -> pd.DataFrame:
        """One row per key (see ``casrec.reconcile``)."""
        return self.reconciliation.estimates

    @property
    def claims(self) -> pd.DataFrame:
        """Every claim, annotated with how it entered (or did not enter) the estimate."""
        return self.reconciliation.claims

    def output(self) -> pd.DataFrame:
        """The reconciled table (reconciled.csv columns); no rows when no claim loads."""
        if self.reconciliation is None:
            return pd.DataFrame(columns=OUTPUT_COLUMNS)
        return self.reconciliation.output()

    def event(self, event_id: str) -> pd.Series:
        """The events.csv row of ``event_id``; a clear error when it does not exist."""
        events = self.dataset.events
        match = events[events["event_id"] == event_id]
        if match.empty:
            raise KeyError(unknown_event_message(event_id, events["event_id"]))
        return match.iloc[0]

    def event_to_show(self, event_id: str = "") -> str:
        """``event_id``, or when it is empty the event of the first claim in claims.csv.

        An event page's empty default: a notebook copied into a new project shows that
        project's own data instead of failing on an event id from another one.
        """
        if event_id.strip():
            return event_id
        return _first_claimed_event(self.dataset, "claims")

    def displacement_event_to_show(self, event_id: str = "") -> str:
        """``event_id``, or when it is empty the event of the first displacement claim.

        Claims about an aggregate event come first, as the report renders displacement pages
        for aggregates (a whole conflict); an incident's are the fallback.
        """
        if event_id.strip():
            return event_id
        return _first_claimed_event(
            self.dataset, "displacement claims", DISPLACEMENT_METRICS, prefer_kind="aggregate"
        )


def _first_claimed_event(
    dataset: Dataset,
    what: str,
    metrics: Collection[str] | None = None,
    prefer_kind: str | None = None,
) -> str:
    """The event of the first claim (of ``metrics``) in claims.csv order, ``prefer_kind`` first.

    KeyError saying what to add or set when no event in events.csv has such a claim.
    """
    claims, events = dataset.claims, dataset.events
    wanted = claims if metrics is None else claims[claims["metric"].isin(metrics)]
    kinds = events.drop_duplicates("event_id").set_index("event_id")["kind"]
    claimed = [e for e in wanted["event_id"].drop_duplicates() if e in kinds.index]
    preferred = [e for e in claimed if kinds[e] == prefer_kind] if prefer_kind else []
    if preferred or claimed:
        return str((preferred or claimed)[0])
    listed = f" ({', '.join(metrics)})" if metrics else ""
    raise KeyError(
        f"event_id is empty, which shows the event of the first {what.removesuffix('s')}"
        f"{listed} in claims.csv, but no event in events.csv has {what} yet: add some, or "
        "set event_id"
    )


SHOWN_EVENT_IDS = 10  # an unknown event's message lists this many of the known ones


def unknown_event_message(event_id: str, known: pd.Series) -> str:
    """Why ``event_id`` cannot be shown, and what to set instead (a notebook's parameter)."""
    head = f"event {event_id!r} is not in events.csv"
    ids = sorted(str(i) for i in known.dropna().unique())
    if not ids:
        return f"{head}, which has no events yet: add one, then set event_id to its event_id"
    hint = suggestions(pd.Series([event_id], dtype="object"), ids).iloc[0]
    if hint:
        return f"{head}{hint}"
    listed = ", ".join(ids[:SHOWN_EVENT_IDS])
    more = len(ids) - SHOWN_EVENT_IDS
    listed += f" and {more:,} more" if more > 0 else ""
    return f"{head}; set event_id to one of: {listed}"


def _checked(dataset: Dataset) -> Dataset:
    """The dataset, or DataError listing its critical problems (exit 2)."""
    critical = dataset.critical_problems
    if len(critical):
        raise DataError(critical)
    return dataset


def load_and_reconcile(data_dir: str | Path, policy: str = DEFAULT_POLICY) -> Reconciliation:
    """Load and check ``data_dir``, then reconcile it under ``policy`` (no consistency checks)."""
    return analyse(data_dir, policy).reconciliation


def analyse(
    data_dir: str | Path,
    policy: str = DEFAULT_POLICY,
    as_of_window_days: int = DEFAULT_AS_OF_WINDOW_DAYS,
) -> Analysis:
    """Load, reconcile and check ``data_dir``; DataError when it breaks the contract."""
    return _analysis(_checked(load(data_dir)), policy, as_of_window_days)


def inspect(
    data_dir: str | Path,
    policy: str = DEFAULT_POLICY,
    as_of_window_days: int = DEFAULT_AS_OF_WINDOW_DAYS,
) -> Analysis:
    """Like ``analyse``, but data with problems is analysed too: the rows that load.

    The data-quality stage works on this, so it can report every problem at once and still
    check the reconciled output. Clean data gives the very object ``analyse`` returns.
    """
    return _analysis(load(data_dir), policy, as_of_window_days)


def _made_from(dataset: Dataset) -> tuple:
    """The folder and the checksums of the bytes a dataset was parsed from."""
    folder = str(Path(dataset.data_dir or ".").resolve())
    return (folder, *sorted(dataset.checksums.items()))


def _analysis(dataset: Dataset, policy: str, as_of_window_days: int) -> Analysis:
    key = ("analysis", *_made_from(dataset), policy, as_of_window_days)
    return cached(key, lambda: _analyse(dataset, policy, as_of_window_days))


def _analyse(dataset: Dataset, policy: str, as_of_window_days: int) -> Analysis:
    if dataset.claims.empty:
        return Analysis(dataset, None, pd.DataFrame(), as_of_window_days, policy)
    prepared = prepare_claims(dataset)
    result = reconcile(prepared, policy=policy, as_of_window_days=as_of_window_days)
    findings = run_checks(
        result.claims, as_of_window_days, estimates=result.estimates, events=dataset.events
    )
    return Analysis(dataset, result, findings, as_of_window_days, policy)


def check_quality(
    data_dir: str | Path,
    run_date: str,
    policy: str = DEFAULT_POLICY,
    as_of_window_days: int = DEFAULT_AS_OF_WINDOW_DAYS,
) -> pd.DataFrame:
    """The data-quality results table over the analysis the pages show, memoised."""
    from casrec import quality  # great-expectations is imported only where validation runs

    analysis = inspect(data_dir, policy, as_of_window_days)
    key = ("quality", *_made_from(analysis.dataset), policy, as_of_window_days, run_date)
    return cached(key, lambda: quality.validate(analysis, run_date=run_date))
