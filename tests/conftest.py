"""Shared fixtures: tiny datasets written as real CSV files, so tests load them like casrec does."""

from __future__ import annotations

import csv
import fcntl
from pathlib import Path

import pytest
from hypothesis import settings

from casrec.schema import TABLES, load_dataset

# Property tests check what is true, not how fast: shared machines make per-example time
# limits fail for reasons that have nothing to do with the code (benchmarks/ measure speed).
settings.register_profile("casrec", deadline=None)
settings.load_profile("casrec")

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = PROJECT_ROOT / "data"
SHARED_SOURCES = PROJECT_ROOT.parent / "shared" / "sources"

DEFAULT_SOURCES = [
    {"source_id": "hrw", "publisher": "Human Rights Watch", "title": "Report",
     "published": "2025-02-20", "source_type": "ngo"},
    {"source_id": "army", "publisher": "Malian army", "title": "Statement",
     "published": "2025-02-07", "source_type": "government"},
    {"source_id": "wiki", "publisher": "Wikipedia", "title": "Article",
     "published": "2025-06-17", "source_type": "encyclopedia"},
    {"source_id": "wire", "publisher": "Reuters", "title": "Wire story",
     "published": "2025-02-08", "source_type": "wire"},
]  # fmt: skip
DEFAULT_ACTORS = [
    {"actor_id": "fama", "name": "Malian Armed Forces", "kind": "state"},
    {"actor_id": "jnim", "name": "JNIM", "kind": "armed_group"},
]
DEFAULT_EVENTS = [
    {"event_id": "kobe", "title": "Kobe convoy attack", "kind": "incident",
     "date_start": "2025-02-07", "country": "MLI"},
    {"event_id": "war", "title": "Mali War", "kind": "aggregate",
     "date_start": "2012-01-16", "country": "MLI"},
]  # fmt: skip


def claim(claim_id: str, value: str, **fields: str) -> dict[str, str]:
    """A claims.csv row with sensible defaults: HRW, independent, civilians killed at Kobe."""
    row = {
        "claim_id": claim_id,
        "event_id": "kobe",
        "source_id": "hrw",
        "claimant": "Human Rights Watch",
        "claimant_role": "independent",
        "metric": "killed",
        "population": "civilians",
        "value": value,
        "evidence": f"killing {value} people",
    }
    row.update(fields)
    return row


def write_table(directory: Path, name: str, rows: list[dict[str, str]], columns=None) -> Path:
    """Write rows as the contract CSV ``name`` (all contract columns unless ``columns``)."""
    table = TABLES[name]
    columns = columns or table.column_names
    path = directory / table.file
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        for row in rows:
            writer.writerow({c: row.get(c, "") for c in columns})
    return path


def append_row(path: Path, row: dict[str, str]) -> None:
    """Add one row to a CSV under its own header (columns the row leaves out stay empty)."""
    with path.open(encoding="utf-8") as handle:
        header = next(csv.reader(handle))
    with path.open("a", encoding="utf-8", newline="") as handle:
        csv.DictWriter(handle, fieldnames=header, lineterminator="\n").writerow(row)


def write_dataset(directory: Path, claims, sources=None, actors=None, events=None) -> Path:
    """Write a complete data directory (with the real lexicon and subgroups) and return it."""
    directory.mkdir(parents=True, exist_ok=True)
    write_table(directory, "sources", sources if sources is not None else DEFAULT_SOURCES)
    write_table(directory, "actors", actors if actors is not None else DEFAULT_ACTORS)
    write_table(directory, "events", events if events is not None else DEFAULT_EVENTS)
    write_table(directory, "claims", claims)
    for vocabulary_file in ("vague_quantities.csv", "subgroups.csv"):
        text = (DATA_DIR / vocabulary_file).read_text(encoding="utf-8")
        (directory / vocabulary_file).write_text(text, encoding="utf-8")
    return directory


def pytest_collection_modifyitems(items):
    """Files with slow tests first, each file's tests in their order.

    With ``--dist loadfile`` (make test) each file goes whole to the next free worker: the
    long ones started first leave the short ones to fill in at the end, not the other way round.
    """
    slow_files = {item.path for item in items if item.get_closest_marker("slow")}
    items.sort(key=lambda item: item.path not in slow_files)


@pytest.fixture(scope="session", autouse=True)
def warm_report_kernels():
    """Report runs of one test process share warm kernels, as a backfill loop would.

    Each run after a process's first skips starting kernels and importing the stack in them
    (about 10 s of CPU a run). The subprocess runs (stop signals, the wheel) start their own.
    """
    from casrec.run import warm_kernels

    with warm_kernels():
        yield


@pytest.fixture
def dataset_from(tmp_path):
    """Build and load a dataset from claim rows: ``dataset_from([claim(...), ...])``."""

    def build(claims, **tables):
        return load_dataset(write_dataset(tmp_path / "data", claims, **tables))

    return build


@pytest.fixture(scope="session")
def published(tmp_path_factory, request):
    """A report of two events from data/, rendered once for every run test (do not modify).

    With pytest-xdist each worker is its own process: the first to need the report renders it
    into the session's shared temporary folder under a lock, and the others wait and read it.
    """
    from runs import TWO_EVENTS, run

    from casrec.cli import EXIT_OK

    if not hasattr(request.config, "workerinput"):  # one process: its own temporary folder
        reports = tmp_path_factory.mktemp("reports")
        assert run(reports, "--events", TWO_EVENTS) == EXIT_OK
        return reports
    shared = tmp_path_factory.getbasetemp().parent  # this session's, common to its workers
    reports, done = shared / "published-reports", shared / "published-reports.done"
    with (shared / "published-reports.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not done.exists():
            assert run(reports, "--events", TWO_EVENTS) == EXIT_OK
            done.touch()
    return reports
