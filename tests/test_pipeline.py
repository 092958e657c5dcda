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


# A project about another conflict: events.csv lists an aggregate first, claims.csv starts
# with an incident's claim, and an incident's displacement claim comes before the aggregate's.
SUDAN_EVENTS = [
    {"event_id": "sudan-war", "title": "Sudan war: totals", "kind": "aggregate",
     "date_start": "2023-04-15", "country": "SDN"},
    {"event_id": "el-fasher-2024-05", "title": "Siege of El Fasher", "kind": "incident",
     "date_start": "2024-05-10", "country": "SDN"},
    {"event_id": "wad-madani-2023-12", "title": "Fall of Wad Madani", "kind": "incident",
     "date_start": "2023-12-18", "country": "SDN"},
]  # fmt: skip


def sudan_project(tmp_path, claims):
    return pipeline.analyse(write_dataset(tmp_path, claims, events=SUDAN_EVENTS))


def test_an_empty_event_id_shows_the_event_of_the_first_claim(tmp_path):
    analysis = sudan_project(
        tmp_path,
        [claim("a", "34", event_id="el-fasher-2024-05"), claim("b", "200", event_id="sudan-war"),
         claim("c", "12", event_id="wad-madani-2023-12")],
    )  # fmt: skip
    assert analysis.event_to_show("") == "el-fasher-2024-05"
    assert analysis.event_to_show("  ") == "el-fasher-2024-05"
    assert analysis.event(analysis.event_to_show())["title"] == "Siege of El Fasher"
    # a stated event id (as the report passes each page's) is shown as it is
    assert analysis.event_to_show("wad-madani-2023-12") == "wad-madani-2023-12"


def test_an_empty_displacement_event_id_shows_an_aggregates_displacement_first(tmp_path):
    claims = [
        claim("a", "34", event_id="wad-madani-2023-12"),
        claim("b", "300,000", event_id="wad-madani-2023-12", metric="displaced", population="all"),
        claim("c", "20", event_id="sudan-war"),
        claim("d", "8 million", event_id="sudan-war", metric="idps", population="all"),
    ]
    analysis = sudan_project(tmp_path, claims)
    assert analysis.displacement_event_to_show("") == "sudan-war"
    assert analysis.event_to_show("") == "wad-madani-2023-12"
    assert analysis.displacement_event_to_show("el-fasher-2024-05") == "el-fasher-2024-05"
    # no aggregate has displacement claims: an incident's are shown
    pipeline._CACHE.clear()
    only_incident = sudan_project(tmp_path / "incident", claims[:3])
    assert only_incident.displacement_event_to_show("") == "wad-madani-2023-12"


def test_an_empty_event_id_without_claims_says_what_to_add_or_set(tmp_path):
    analysis = sudan_project(tmp_path, [claim("a", "34", event_id="sudan-war")])
    with pytest.raises(KeyError) as nothing:
        analysis.displacement_event_to_show("")
    message = nothing.value.args[0]
    assert message.startswith("event_id is empty, which shows the event of the first displacement")
    assert "(displaced, refugees, idps)" in message and message.endswith("or set event_id")
    empty = pipeline.inspect(write_dataset(tmp_path / "new", [], events=SUDAN_EVENTS))
    with pytest.raises(KeyError, match=r"no event in events\.csv has claims yet"):
        empty.event_to_show("")
