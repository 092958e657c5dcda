"""End-to-end report runs: every page and file, offline HTML, failures that publish nothing."""

import gzip
import json
import shutil
from pathlib import Path

import nbformat
import pytest
from conftest import DATA_DIR, claim, write_dataset
from runs import DATE, FETCH, NOTEBOOKS, TWO_EVENTS, broken_notebooks, run, snapshot

from casrec.cli import EXIT_BAD_INPUT, EXIT_FAILED, EXIT_OK, main

pytestmark = pytest.mark.slow


def test_a_run_publishes_every_page_and_file(published):
    day = published / DATE
    expected = {"index.html", "data_quality.html", "displacement-mali-war.html",
                "event-kobe-2025-02-07.html", "event-bamako-2024-09-17.html",
                "reconciled.csv", "reconciled.hxl.csv", "run.json"}  # fmt: skip
    assert expected <= {p.name for p in day.iterdir()}
    executed = {p.name for p in (day / "notebooks").iterdir()}
    assert {"index.ipynb.gz", "data_quality.ipynb.gz", "event-kobe-2025-02-07.ipynb.gz"} <= executed
    assert not any(name.endswith(".ipynb") for name in executed)  # gzipped, none left plain
    info = json.loads((day / "run.json").read_text())
    assert info["status"] == "ok" and info["date"] == DATE
    assert set(info["input_checksums"]) >= {"claims.csv", "sources.csv", "events.csv"}
    assert {"pandas", "papermill", "altair", "casrec"} <= set(info["versions"])
    assert all(n["seconds"] > 0 for n in info["notebooks"])
    # the data-quality page and the overview ran on one kernel, the quality page first
    ran = {n["page"]: n for n in info["notebooks"]}
    quality, overview = ran["data_quality.html"], ran["index.html"]
    assert quality["worker"] == overview["worker"]
    assert quality["started_after_seconds"] < overview["started_after_seconds"]
    assert (published / "latest").resolve() == day.resolve()
    assert not (published / ".staging").exists()


def test_each_page_keeps_its_executed_notebook_for_audit_gzipped(published):
    day = published / DATE
    info = json.loads((day / "run.json").read_text())
    for entry in info["notebooks"]:
        assert entry["executed_notebook"] == f"notebooks/{entry['page'][:-5]}.ipynb.gz"
        assert (day / entry["executed_notebook"]).is_file()
    kobe = nbformat.reads(
        gzip.decompress((day / "notebooks" / "event-kobe-2025-02-07.ipynb.gz").read_bytes()),
        as_version=4,
    )
    assert kobe.metadata.papermill.parameters["event_id"] == "kobe-2025-02-07"
    outputs = json.dumps([c.get("outputs", []) for c in kobe.cells])
    assert "killing at least 34 civilians" in outputs  # what the page shows, with its code


def test_kobe_page_shows_the_result_and_its_evidence(published):
    page = (published / DATE / "event-kobe-2025-02-07.html").read_text()
    assert "Best <strong>34</strong>" in page and "25–34+" in page
    assert "Malian army" in page and "contested" in page
    assert 'id="claim-kobe-hrw-killed-civilians"' in page  # rationale links resolve on the page
    assert "killing at least 34 civilians" in page  # the evidence, verbatim
    assert 'src="data:image/svg+xml;base64,' in page  # the chart, inline SVG
    assert "event_id =" not in page  # no code in reviewer pages


def test_overview_links_every_event_page_and_pages_link_back(published):
    day = published / DATE
    overview = (day / "index.html").read_text()
    for name in ("event-kobe-2025-02-07.html", "event-bamako-2024-09-17.html",
                 "data_quality.html", "displacement-mali-war.html"):  # fmt: skip
        assert f'href="{name}"' in overview
    assert 'href="index.html"' in (day / "event-kobe-2025-02-07.html").read_text()


def test_no_page_fetches_anything_from_a_network(published):
    pages = list(published.rglob("*.html"))
    assert len(pages) >= 6
    for page in pages:
        text = page.read_text()
        assert not FETCH.search(text), f"{page.name} fetches {FETCH.search(text).group(0)}"


def test_reconciled_files_match_the_command_line_byte_for_byte(published, tmp_path):
    day = published / DATE
    command = ["reconcile", "--skip-quality", "--data-dir", str(DATA_DIR)]
    assert main([*command, "--out", str(tmp_path / "r.csv")]) == 0
    assert (day / "reconciled.csv").read_bytes() == (tmp_path / "r.csv").read_bytes()
    hxl = (day / "reconciled.hxl.csv").read_text().splitlines()
    assert hxl[1].startswith("#event+id,#event+name,#date+start,#date+end,#country+code")


def test_rerunning_a_date_reproduces_reconciled_csv_and_keeps_one_report(published, tmp_path):
    reports = tmp_path / "reports"
    shutil.copytree(published, reports, symlinks=True)
    before = (reports / DATE / "reconciled.csv").read_bytes()
    assert run(reports, "--events", "kobe-2025-02-07") == EXIT_OK
    assert (reports / DATE / "reconciled.csv").read_bytes() == before
    assert not (reports / DATE / "event-bamako-2024-09-17.html").exists()
    assert [p.name for p in reports.iterdir() if p.name.startswith(".old")] == []


@pytest.fixture
def good_report(published, tmp_path):
    """A copy of the session's published report, which a failing run must leave untouched."""
    reports = tmp_path / "reports"
    shutil.copytree(published, reports, symlinks=True)
    return reports


# Before the broken pages below: this run validates on the kernel that validated the runs
# before it (great-expectations imported), and its failure then ends that kernel; a failing
# event page would end it first and this run would import great-expectations again (seconds).
def test_a_critical_data_fault_fails_the_run_after_the_quality_page(good_report, tmp_path, capsys):
    before = snapshot(good_report / DATE)
    long_evidence = " ".join(["word"] * 40) + " 34"
    data = write_dataset(tmp_path / "data", [claim("too-long", "34", evidence=long_evidence)])
    assert run(good_report, "--events", "all", data=data) == EXIT_FAILED
    err = capsys.readouterr().err
    assert "data_quality" in err and "critical data-quality failure" in err
    assert snapshot(good_report / DATE) == before
    failed_page = Path(err.strip().rsplit("see ", 1)[1])
    assert "too-long" in failed_page.read_text()


# Only the broken event pages execute (the unchanged pages are reused from the good report).
# The raising and the sleeping cells run right after the parameters (``first``), so the cells
# before them are trivial ones (the namespace reset, the parameters): a short per-cell timeout
# applies to nothing slow even on a loaded machine (the kernel's start is not a cell and has
# its own 60 s limit). The dying kernel dies at the end of the page, so a failed page with
# the outputs of the cells that ran is kept and converted too.
@pytest.mark.parametrize(
    ("source", "first", "reason", "cell_timeout"),
    [
        ("raise RuntimeError('deliberate failure')", True, "RuntimeError: deliberate failure", 120),
        ("import time; time.sleep(300)", True, "per-cell timeout", 3),
        ("import os; os._exit(1)", False, "kernel died", 120),
    ],
)
def test_a_failed_run_leaves_the_last_good_report_untouched(
    good_report, tmp_path, capsys, source, first, reason, cell_timeout
):
    before = snapshot(good_report / DATE)
    notebooks = broken_notebooks(tmp_path, source, first)
    code = run(good_report, "--events", TWO_EVENTS, "--cell-timeout", str(cell_timeout),
               notebooks=notebooks)  # fmt: skip
    assert code == EXIT_FAILED
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and reason in err
    assert snapshot(good_report / DATE) == before
    failed_page = Path(err.rsplit("see ", 1)[1])
    assert failed_page.exists() and failed_page.suffix == ".html"
    assert failed_page.stem.startswith("event-")  # a broken page, not a slow healthy one
    if not first:  # the page's cells before the broken one, with their outputs (the chart)
        assert "data:image/svg+xml;base64," in failed_page.read_text()
    index = (good_report / "index.html").read_text()
    assert ">failed<" in index and ">ok<" in index


def test_unreadable_data_exits_2_without_a_report(tmp_path, capsys):
    data = write_dataset(tmp_path / "data", [claim("bad", "34", metric="dead")])
    assert run(tmp_path / "reports", data=data) == EXIT_BAD_INPUT
    assert "column 'metric'" in capsys.readouterr().err
    assert not (tmp_path / "reports" / DATE).exists()


def test_a_negative_as_of_window_is_refused(tmp_path, capsys):
    with pytest.raises(SystemExit) as stopped:
        run(tmp_path / "r", "--as-of-window-days", "-1")
    assert stopped.value.code == 2
    assert "not a whole number of days" in capsys.readouterr().err


def test_each_page_of_a_kernel_group_is_reported_as_it_ends(tmp_path, monkeypatch):
    # the quality page and the overview share a kernel; the quality page's line must not wait
    # for the overview. The stand-in renderer holds the overview until that line has been said.
    import datetime as dt
    import threading

    from casrec.run import execute
    from casrec.run.plan import RunConfig
    from casrec.run.runner import run_reports

    said, quality_said = [], threading.Event()

    def say(line):
        said.append(line)
        if "data_quality.html" in line:
            quality_said.set()

    notebook = nbformat.writes(nbformat.v4.new_notebook()).encode()

    def stand_in(task):
        waited_for_quality = task.page.output_name == "index" and quality_said.wait(10)
        return execute.PageOutcome(task.page.output_name, notebook, None, "", 0.1, 0.0,
                                   f"waited={waited_for_quality}")  # fmt: skip

    monkeypatch.setattr(execute, "render_page", stand_in)
    config = RunConfig(dt.date(2026, 1, 15), DATA_DIR, tmp_path / "reports", NOTEBOOKS,
                       events="kobe-2025-02-07", workers=2)  # fmt: skip
    run_reports(config, progress=say)
    record = json.loads((tmp_path / "reports" / DATE / "run.json").read_text())
    workers = {n["page"]: n["worker"] for n in record["notebooks"] if "worker" in n}
    assert workers["index.html"] == "waited=True"
    pages = [line for line in said if line.startswith("[")]
    assert len(pages) == len(record["notebooks"]) and pages[-1].startswith(f"[  {len(pages)}/")
    assert pages.index(next(p for p in pages if "data_quality.html" in p)) < pages.index(
        next(p for p in pages if " index.html" in p)
    )
