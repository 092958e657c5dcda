"""Runs stopped the way schedulers stop them leave nothing wrong behind; debris is cleared."""

import json
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import DATA_DIR
from runs import DATE, NOTEBOOKS, TWO_EVENTS, run, snapshot

from casrec.cli import (
    EXIT_BAD_INPUT,
    EXIT_OK,
    EXIT_PUBLISHED_INCOMPLETE,
    EXIT_STOPPED_SIGINT,
    EXIT_STOPPED_SIGTERM,
)

pytestmark = pytest.mark.slow


@pytest.fixture
def reports(published, tmp_path):
    """A copy of the shared published report, free to change."""
    target = tmp_path / "reports"
    shutil.copytree(published, target, symlinks=True)
    return target


def kernels_of(pid: int) -> list[int]:
    """Processes started by ``pid`` as Jupyter kernels (they carry JPY_PARENT_PID)."""
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            environ = (proc / "environ").read_bytes().split(b"\0")
        except OSError:
            continue
        if f"JPY_PARENT_PID={pid}".encode() in environ:
            found.append(int(proc.name))
    return found


@pytest.mark.parametrize(
    ("signum", "code"),
    [(signal.SIGTERM, EXIT_STOPPED_SIGTERM), (signal.SIGINT, EXIT_STOPPED_SIGINT)],
)
def test_a_stopped_run_publishes_nothing_and_leaves_no_debris(reports, signum, code):
    before = snapshot(reports / DATE)
    process = subprocess.Popen(
        [sys.executable, "-m", "casrec.cli", "run", "--quiet", "--full", "--date", DATE,
         "--events", TWO_EVENTS, "--reports-dir", str(reports), "--data-dir", str(DATA_DIR),
         "--notebooks-dir", str(NOTEBOOKS)],
        stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    staging = reports / ".staging" / f"{DATE}-{process.pid}"
    deadline = time.monotonic() + 300
    # stop it mid-run: once a first page is in staging and kernels are busy with the next
    while not list((staging / "notebooks").glob("*.ipynb")) and time.monotonic() < deadline:
        assert process.poll() is None, process.stderr.read()
        time.sleep(0.2)
    assert kernels_of(process.pid), "the run should have kernels at work"
    process.send_signal(signum)
    _, err = process.communicate(timeout=120)
    assert process.returncode == code
    assert err.strip().splitlines() == [
        f"casrec run: stopped by {signal.Signals(signum).name} before publishing; "
        "nothing was published"
    ]
    assert snapshot(reports / DATE) == before
    assert not (reports / ".staging").exists()
    assert kernels_of(process.pid) == []
    index = (reports / "index.html").read_text()
    assert ">stopped<" in index and ">ok<" in index
    records = [json.loads(p.read_text()) for p in (reports / "failed").glob("*/run.json")]
    assert [r["status"] for r in records] == ["stopped"]


def test_a_damaged_failed_run_record_does_not_break_the_next_run(reports, capsys):
    damaged = reports / "failed" / f"{DATE}-061500-4242"
    damaged.mkdir(parents=True)
    (damaged / "run.json").write_text("")  # what a disk-full failure used to leave
    assert run(reports, "--events", TWO_EVENTS) == EXIT_OK
    err = capsys.readouterr().err
    assert "warning" in err and str(damaged / "run.json") in err
    index = (reports / "index.html").read_text()
    assert ">damaged<" in index and ">ok<" in index


def test_staging_left_by_a_killed_run_is_removed_by_the_next(reports, capsys):
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()  # a pid that no longer runs, as after SIGKILL or a power cut
    stale = reports / ".staging" / f"{DATE}-{dead.pid}"
    (stale / "notebooks").mkdir(parents=True)
    (stale / "index.html").write_text("half a report")
    assert run(reports, "--events", TWO_EVENTS) == EXIT_OK
    assert not stale.exists() and not (reports / ".staging").exists()
    assert f"removed {stale}" in capsys.readouterr().err


def test_a_full_disk_names_the_path_publishes_nothing_and_cleans_up(reports, capsys, monkeypatch):
    import errno

    from casrec import tables

    def full_disk(frame, path):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(tables, "write_reconciled_csv", full_disk)
    before = snapshot(reports / DATE)
    assert run(reports, "--events", TWO_EVENTS) == EXIT_BAD_INPUT
    err = capsys.readouterr().err.strip()
    assert "No space left on device" in err and "reconciled.csv" in err and str(reports) in err
    assert snapshot(reports / DATE) == before
    assert not (reports / ".staging").exists()
    assert ">failed<" in (reports / "index.html").read_text()


def test_a_problem_after_publishing_is_exit_4_not_1(reports, capsys, monkeypatch):
    from casrec.run import runner

    def unwritable(reports_dir, date):
        raise PermissionError(13, "Permission denied", str(reports_dir / "latest"))

    monkeypatch.setattr(runner, "point_latest", unwritable)
    assert (
        run(reports, "--events", "kobe-2025-02-07", date="2026-01-16") == EXIT_PUBLISHED_INCOMPLETE
    )
    assert "latest not updated" in capsys.readouterr().err
    assert (reports / "2026-01-16" / "run.json").exists()
    assert (reports / "latest").resolve().name == DATE
