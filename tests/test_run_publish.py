"""Publishing: the lock, the atomic swap, ``latest`` never moving back, the runs index."""

import gzip
import json
import shutil

import pytest
from runs import DATE, run

from casrec.cli import EXIT_BAD_INPUT, EXIT_LOCKED, EXIT_OK
from casrec.run.publish import (
    RunLock,
    compress_notebooks,
    find_executed_notebook,
    point_latest,
    publish,
    write_runs_index,
)


def test_publish_swaps_a_complete_folder_in_and_the_old_one_out(tmp_path):
    final, staging = tmp_path / "2026-01-15", tmp_path / ".staging" / "x"
    final.mkdir()
    (final / "old.html").write_text("old")
    staging.mkdir(parents=True)
    (staging / "new.html").write_text("new")
    publish(staging, final)
    assert [p.name for p in final.iterdir()] == ["new.html"]
    assert not staging.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == [".staging", "2026-01-15"]


def test_latest_is_a_relative_symlink_replaced_in_place(tmp_path):
    (tmp_path / "2026-01-14").mkdir()
    (tmp_path / "2026-01-15").mkdir()
    point_latest(tmp_path, "2026-01-14")
    point_latest(tmp_path, "2026-01-15")
    assert (tmp_path / "latest").readlink().name == "2026-01-15"
    assert not (tmp_path / "latest").readlink().is_absolute()


def test_runs_index_lists_published_and_failed_runs(tmp_path):
    day = tmp_path / "2026-01-15"
    day.mkdir()
    (day / "run.json").write_text(json.dumps({"finished": "2026-01-15T06:20:00Z",
                                              "parameters": {"policy": "reliability"}}))  # fmt: skip
    failed = tmp_path / "failed" / "2026-01-16-062000-1"
    failed.mkdir(parents=True)
    (failed / "run.json").write_text(json.dumps({"date": "2026-01-16", "reason": "event: <boom>",
                                                 "failed_page_html": "e.html"}))  # fmt: skip
    write_runs_index(tmp_path)
    index = (tmp_path / "index.html").read_text()
    assert 'href="2026-01-15/index.html"' in index and ">ok<" in index
    assert 'href="failed/2026-01-16-062000-1/e.html"' in index and "&lt;boom&gt;" in index
    assert index.index("2026-01-16") < index.index("2026-01-15")  # newest first


def test_a_second_run_is_refused_at_once(tmp_path, capsys):
    reports = tmp_path / "reports"
    with RunLock(reports):
        assert run(reports, "--events", "kobe-2025-02-07") == EXIT_LOCKED
    assert "another casrec run is in progress" in capsys.readouterr().err
    assert not (reports / "2026-01-15").exists()


def test_an_unwritable_reports_folder_is_bad_input(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    assert run(blocker / "reports", "--events", "kobe-2025-02-07") == EXIT_BAD_INPUT
    assert "cannot write the report" in capsys.readouterr().err


def test_the_published_run_is_listed_in_the_runs_index(published):
    index = (published / "index.html").read_text()
    assert 'href="2026-01-15/index.html"' in index and ">ok<" in index


@pytest.mark.slow
def test_a_backfilled_date_never_moves_latest_back(published, tmp_path):
    reports = tmp_path / "reports"
    shutil.copytree(published, reports, symlinks=True)  # the session's report, of DATE
    assert (reports / "latest").resolve().name == DATE
    assert run(reports, "--events", "kobe-2025-02-07", date="2026-01-10") == EXIT_OK
    assert (reports / "2026-01-10" / "index.html").is_file()
    assert (reports / "latest").resolve().name == DATE
    index = (reports / "index.html").read_text()
    assert index.index(DATE) < index.index("2026-01-10")  # newest first


def test_a_damaged_run_record_is_listed_and_the_index_goes_on(tmp_path):
    failed = tmp_path / "failed" / "2026-01-16-062000-1"
    failed.mkdir(parents=True)
    (failed / "run.json").write_text("{trunc")
    day = tmp_path / "2026-01-15"
    day.mkdir()
    (day / "run.json").write_text(json.dumps({"finished": "x"}))
    problems = write_runs_index(tmp_path)
    assert len(problems) == 1 and str(failed / "run.json") in problems[0]
    index = (tmp_path / "index.html").read_text()
    assert ">damaged<" in index and ">ok<" in index and "JSONDecodeError" in index


def test_stale_staging_of_other_runs_is_removed_and_ours_kept(tmp_path):
    import os

    from casrec.run.publish import remove_stale_staging

    ours = tmp_path / ".staging" / f"2026-01-15-{os.getpid()}"
    stale = tmp_path / ".staging" / "2026-01-15-999999999"
    half_swapped = tmp_path / ".old-2026-01-14-999999999"
    for folder in (ours, stale, half_swapped):
        folder.mkdir(parents=True)
    assert sorted(remove_stale_staging(tmp_path)) == sorted([stale, half_swapped])
    assert ours.exists() and not stale.exists() and not half_swapped.exists()


def test_atomic_writes_leave_no_temporary_file(tmp_path):
    from casrec.run.publish import write_atomic

    write_atomic(tmp_path / "run.json", "{}\n")
    write_atomic(tmp_path / "run.json", '{"a": 1}\n')
    assert [p.name for p in tmp_path.iterdir()] == ["run.json"]
    assert json.loads((tmp_path / "run.json").read_text()) == {"a": 1}


def test_executed_notebooks_are_gzipped_reproducibly_and_linked_ones_kept(tmp_path):
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    text = '{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}\n' * 50
    (notebooks / "event-a.ipynb").write_text(text)
    (notebooks / "event-b.ipynb.gz").write_bytes(b"linked from an earlier report")
    written = compress_notebooks(notebooks)
    assert [p.name for p in written] == ["event-a.ipynb.gz"]
    assert sorted(p.name for p in notebooks.iterdir()) == ["event-a.ipynb.gz", "event-b.ipynb.gz"]
    first = (notebooks / "event-a.ipynb.gz").read_bytes()
    assert gzip.decompress(first).decode() == text and len(first) < len(text) / 5
    (notebooks / "event-a.ipynb").write_text(text)  # the same notebook in a later run
    compress_notebooks(notebooks)
    assert (notebooks / "event-a.ipynb.gz").read_bytes() == first  # no time stamp inside
    assert (notebooks / "event-b.ipynb.gz").read_bytes() == b"linked from an earlier report"


def test_the_executed_notebook_of_a_page_is_found_gzipped_or_plain(tmp_path):
    (tmp_path / "notebooks").mkdir()
    assert find_executed_notebook(tmp_path, "event-a") is None
    (tmp_path / "notebooks" / "event-a.ipynb").write_text("{}")  # a report before gzip
    assert find_executed_notebook(tmp_path, "event-a").name == "event-a.ipynb"
    (tmp_path / "notebooks" / "event-a.ipynb.gz").write_bytes(gzip.compress(b"{}"))
    assert find_executed_notebook(tmp_path, "event-a").name == "event-a.ipynb.gz"
