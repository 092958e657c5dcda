"""The pipeline: each input file read once per process, each (policy, window) reconciled once."""

import os
from pathlib import Path

import pandas as pd
import pytest
from conftest import claim, write_dataset

from casrec import pipeline, quality
from casrec.schema import TABLES, DataError

RUN_DATE = "2025-11-01"


@pytest.fixture(autouse=True)
def fresh_cache():
    pipeline._CACHE.clear()
    yield
    pipeline._CACHE.clear()


@pytest.fixture
def counted(monkeypatch):
    """Count file reads (bytes) and reconciliations made through the pipeline."""
    counts = {"reads": {}, "reconcile": 0}
    real_read = Path.read_bytes
    real_reconcile = pipeline.reconcile

    def read_bytes(path):
        counts["reads"][path.name] = counts["reads"].get(path.name, 0) + 1
        return real_read(path)

    def reconcile(*args, **kwargs):
        counts["reconcile"] += 1
        return real_reconcile(*args, **kwargs)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    monkeypatch.setattr(pipeline, "reconcile", reconcile)
    return counts


def test_pages_and_checksums_read_each_file_once(tmp_path, counted):
    data = write_dataset(tmp_path, [claim("a", "34"), claim("b", "25", source_id="army")])
    for _ in range(3):  # overview, event and displacement pages in one warm kernel
        pipeline.analyse(data, "reliability", 90)
    checksums = pipeline.input_checksums(data)
    assert set(checksums) == {t.file for t in TABLES.values()}
    assert counted["reads"] == {t.file: 1 for t in TABLES.values()}
    assert counted["reconcile"] == 1


def test_quality_checks_the_analysis_the_pages_show(tmp_path, counted):
    data = write_dataset(tmp_path, [claim("a", "34")])
    analysis = pipeline.analyse(data, "reliability", 30)
    results = pipeline.check_quality(data, RUN_DATE, "reliability", 30)
    assert counted["reconcile"] == 1  # not reconciled again for the data-quality page
    assert pipeline.inspect(data, "reliability", 30) is analysis
    assert not quality.has_critical_failure(results)
    pipeline.analyse(data, "reliability", 90)  # another window is another reconciliation
    assert counted["reconcile"] == 2


def test_an_edited_file_gives_fresh_results(tmp_path):
    data = write_dataset(tmp_path, [claim("a", "34")])
    before = pipeline.analyse(data)
    claims = data / "claims.csv"
    write_dataset(tmp_path, [claim("a", "35")])
    stat = claims.stat()
    os.utime(claims, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    after = pipeline.analyse(data)
    assert before.estimates["best"].tolist() == [34]
    assert after.estimates["best"].tolist() == [35]


def test_broken_data_is_refused_by_analyse_and_inspected_by_quality(tmp_path):
    data = write_dataset(tmp_path, [claim("a", "34"), claim("b", "5", metric="dead")])
    with pytest.raises(DataError, match="'dead' is not one of"):
        pipeline.analyse(data)
    inspected = pipeline.inspect(data)
    assert inspected.dataset.claims["claim_id"].tolist() == ["a"]  # the rows that load
    assert inspected.estimates["best"].tolist() == [34]
    problems = inspected.dataset.critical_problems
    assert problems[["row", "record_id", "column", "rule"]].values.tolist() == [
        [3, "b", "metric", "metric_valid"]
    ]


def test_no_claim_that_loads_gives_an_empty_output(tmp_path):
    data = write_dataset(tmp_path, [claim("b", "5", metric="dead")])
    inspected = pipeline.inspect(data)
    assert inspected.reconciliation is None
    assert inspected.output().empty


def test_an_unknown_event_says_what_to_set_instead(tmp_path):
    analysis = pipeline.analyse(write_dataset(tmp_path, [claim("a", "34")]))
    known = analysis.dataset.events["event_id"].tolist()
    with pytest.raises(KeyError) as unknown:
        analysis.event("no-such-event")
    message = unknown.value.args[0]
    assert message.startswith("event 'no-such-event' is not in events.csv; set event_id to one of")
    assert message.endswith(", ".join(sorted(known)))  # the whole list, without a trailing '...'
    with pytest.raises(KeyError, match=f"did you mean '{known[0]}'"):
        analysis.event(known[0].upper())


def test_an_unknown_event_of_a_long_or_empty_list():
    many = pd.Series([f"event-{n:03d}" for n in range(25)])
    assert pipeline.unknown_event_message("x", many).endswith("event-009 and 15 more")
    nothing = pipeline.unknown_event_message("kobe-2025-02-07", pd.Series([], dtype="object"))
    assert nothing.endswith("which has no events yet: add one, then set event_id to its event_id")
