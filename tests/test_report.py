"""End-to-end report runs: pages, files, publishing, failures, locking, offline HTML."""

import json
import re
import shutil
from pathlib import Path

import nbformat
import papermill
import pytest
from conftest import DATA_DIR, PROJECT_ROOT, claim, write_dataset

from casrec.cli import EXIT_BAD_INPUT, EXIT_FAILED, EXIT_LOCKED, EXIT_OK, main
from casrec.report import RunLock, normalise_execution_counts

NOTEBOOKS = PROJECT_ROOT / "notebooks"
TWO_EVENTS = "kobe-2025-02-07,bamako-2024-09-17"
pytestmark = pytest.mark.slow

# A page must not make the browser fetch anything: scripts, stylesheets, images, frames.
FETCH = re.compile(
    r"""<(script|img|iframe|link)\b[^>]*\b(src|href)\s*=\s*["']?(https?:)?//""", re.I
)


def run(reports, *extra, data=DATA_DIR, date="2026-01-15", notebooks=NOTEBOOKS):
    return main(["run", "--quiet", "--date", date, "--reports-dir", str(reports),
                 "--data-dir", str(data), "--notebooks-dir", str(notebooks), *extra])  # fmt: skip


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    reports = tmp_path_factory.mktemp("reports")
    assert run(reports, "--events", TWO_EVENTS) == EXIT_OK
    return reports


def test_a_run_publishes_every_page_and_file(published):
    day = published / "2026-01-15"
    expected = {"index.html", "data_quality.html", "displacement-mali-war.html",
                "event-kobe-2025-02-07.html", "event-bamako-2024-09-17.html",
                "reconciled.csv", "reconciled.hxl.csv", "run.json"}  # fmt: skip
    assert expected <= {p.name for p in day.iterdir()}
    executed = {p.name for p in (day / "notebooks").iterdir()}
    assert {"index.ipynb", "data_quality.ipynb", "event-kobe-2025-02-07.ipynb"} <= executed
    info = json.loads((day / "run.json").read_text())
    assert info["status"] == "ok" and info["date"] == "2026-01-15"
    assert set(info["input_checksums"]) >= {"claims.csv", "sources.csv", "events.csv"}
    assert {"pandas", "papermill", "altair", "casrec"} <= set(info["versions"])
    assert all(n["seconds"] > 0 for n in info["notebooks"])
    assert (published / "latest").resolve() == day.resolve()
    assert not (published / ".staging").exists()


def test_kobe_page_shows_the_result_and_its_evidence(published):
    page = (published / "2026-01-15" / "event-kobe-2025-02-07.html").read_text()
    assert "Best <strong>34</strong>" in page and "25–34+" in page
    assert "Malian army" in page and "contested" in page
    assert 'id="claim-kobe-hrw-killed-civilians"' in page  # rationale links resolve on the page
    assert "killing at least 34 civilians" in page  # the evidence, verbatim
    assert 'src="data:image/svg+xml;base64,' in page  # the chart, inline SVG
    assert "event_id =" not in page  # no code in reviewer pages


def test_overview_links_every_event_page_and_pages_link_back(published):
    day = published / "2026-01-15"
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


def test_runs_index_lists_the_run(published):
    index = (published / "index.html").read_text()
    assert 'href="2026-01-15/index.html"' in index and ">ok<" in index


def test_reconciled_files_match_the_command_line_byte_for_byte(published, tmp_path):
    day = published / "2026-01-15"
    assert main(["reconcile", "--data-dir", str(DATA_DIR), "--out", str(tmp_path / "r.csv")]) == 0
    assert (day / "reconciled.csv").read_bytes() == (tmp_path / "r.csv").read_bytes()
    hxl = (day / "reconciled.hxl.csv").read_text().splitlines()
    assert hxl[1].startswith("#event+id,#event+name,#date+start,#date+end,#country+code")


def test_rerunning_a_date_reproduces_reconciled_csv_and_keeps_one_report(published):
    before = (published / "2026-01-15" / "reconciled.csv").read_bytes()
    assert run(published, "--events", "kobe-2025-02-07") == EXIT_OK
    assert (published / "2026-01-15" / "reconciled.csv").read_bytes() == before
    assert not (published / "2026-01-15" / "event-bamako-2024-09-17.html").exists()
    assert [p.name for p in published.iterdir() if p.name.startswith(".old")] == []


def broken_notebooks(tmp_path: Path, source: str) -> Path:
    """A copy of notebooks/ whose event notebook ends with ``source``."""
    target = tmp_path / "notebooks"
    shutil.copytree(NOTEBOOKS, target)
    nb = nbformat.read(target / "event.ipynb", as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(source))
    nbformat.write(nb, target / "event.ipynb")
    return target


@pytest.fixture
def good_report(tmp_path):
    reports = tmp_path / "reports"
    assert run(reports, "--events", "kobe-2025-02-07") == EXIT_OK
    return reports


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


@pytest.mark.parametrize(
    ("source", "reason"),
    [
        ("raise RuntimeError('deliberate failure')", "RuntimeError: deliberate failure"),
        ("import time; time.sleep(120)", "per-cell timeout"),
        ("import os; os._exit(1)", "kernel died"),
    ],
)
def test_a_failed_run_leaves_the_last_good_report_untouched(
    good_report, tmp_path, capsys, source, reason
):
    before = snapshot(good_report / "2026-01-15")
    notebooks = broken_notebooks(tmp_path, source)
    code = run(
        good_report, "--events", "kobe-2025-02-07", "--cell-timeout", "40", notebooks=notebooks
    )
    assert code == EXIT_FAILED
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and reason in err
    assert snapshot(good_report / "2026-01-15") == before
    failed_page = Path(err.rsplit("see ", 1)[1])
    assert failed_page.exists() and failed_page.suffix == ".html"
    index = (good_report / "index.html").read_text()
    assert ">failed<" in index and ">ok<" in index


def test_a_critical_data_fault_fails_the_run_after_the_quality_page(good_report, tmp_path, capsys):
    before = snapshot(good_report / "2026-01-15")
    long_evidence = " ".join(["word"] * 40) + " 34"
    data = write_dataset(tmp_path / "data", [claim("too-long", "34", evidence=long_evidence)])
    assert run(good_report, "--events", "all", data=data) == EXIT_FAILED
    err = capsys.readouterr().err
    assert "data_quality" in err and "critical data-quality failure" in err
    assert snapshot(good_report / "2026-01-15") == before
    failed_page = Path(err.strip().rsplit("see ", 1)[1])
    assert "too-long" in failed_page.read_text()


def test_unreadable_data_exits_2_without_a_report(tmp_path, capsys):
    data = write_dataset(tmp_path / "data", [claim("bad", "34", metric="dead")])
    assert run(tmp_path / "reports", data=data) == EXIT_BAD_INPUT
    assert "column 'metric'" in capsys.readouterr().err
    assert not (tmp_path / "reports" / "2026-01-15").exists()


def test_a_second_run_is_refused_at_once(tmp_path, capsys):
    reports = tmp_path / "reports"
    with RunLock(reports):
        assert run(reports, "--events", "kobe-2025-02-07") == EXIT_LOCKED
    assert "another casrec run is in progress" in capsys.readouterr().err
    assert not (reports / "2026-01-15").exists()


def test_unknown_event_is_bad_input(tmp_path, capsys):
    assert run(tmp_path / "r", "--events", "atlantis") == EXIT_BAD_INPUT
    assert "unknown event(s): atlantis" in capsys.readouterr().err


def test_overview_reports_changes_since_the_previous_report(published, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    with (data / "claims.csv").open("a", encoding="utf-8") as handle:
        handle.write("kobe-new-witness,kobe-2025-02-07,hrw-2025-02-kobe,a local witness,independent,,"
                     "killed,civilians,,,,40,,,,killing at least 34 civilians,\n")  # fmt: skip
    assert run(published, "--events", "kobe-2025-02-07", data=data, date="2026-01-16") == EXIT_OK
    overview = (published / "2026-01-16" / "index.html").read_text()
    assert "Compared with the report of 2026-01-15" in overview
    assert "kobe-new-witness" in overview
    assert "34 → 40" in overview or "25 → 25" in overview


@pytest.mark.parametrize("policy", ["reliability", "conservative"])
@pytest.mark.parametrize(("event_id", "best"), [("kobe-2025-02-07", {"reliability": 34, "conservative": 25}),
                                                ("bamako-2024-09-17", {"reliability": 78, "conservative": 78})])  # fmt: skip
def test_event_notebook_with_real_parameter_sets(tmp_path, policy, event_id, best):
    out = tmp_path / "out.ipynb"
    papermill.execute_notebook(str(NOTEBOOKS / "event.ipynb"), str(out), kernel_name="casrec",
                               cwd=str(NOTEBOOKS), progress_bar=False,
                               parameters={"event_id": event_id, "policy": policy,
                                           "chart_renderer": "svg"})  # fmt: skip
    nb = nbformat.read(out, as_version=4)
    html = "".join(
        o.get("data", {}).get("text/html", "") for c in nb.cells for o in c.get("outputs", [])
    )
    assert f"Best <strong>{best[policy]}</strong>" in html
    assert any("image/svg+xml" in o.get("data", {}) for c in nb.cells for o in c.get("outputs", []))


def test_execution_counts_are_renumbered_like_a_cold_run(tmp_path):
    nb = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_code_cell("1"), nbformat.v4.new_code_cell("2")]
    )
    nb.cells[0].execution_count, nb.cells[1].execution_count = 41, 42
    nb.cells[1].outputs = [
        nbformat.v4.new_output("execute_result", {"text/plain": "2"}, execution_count=42)
    ]
    path = tmp_path / "n.ipynb"
    nbformat.write(nb, path)
    normalise_execution_counts(path)
    again = nbformat.read(path, as_version=4)
    assert [c.execution_count for c in again.cells] == [1, 2]
    assert again.cells[1].outputs[0]["execution_count"] == 2


def test_a_warm_kernel_gives_the_same_outputs_as_a_cold_one(tmp_path):
    from casrec.report import Page, WarmKernel, execute_page

    common = {"data_dir": str(DATA_DIR), "chart_renderer": "svg"}
    kobe = Page("event", "kobe", {**common, "event_id": "kobe-2025-02-07"}, "Kobe")
    other = Page("event", "konna", {**common, "event_id": "konna-2013-01"}, "Konna")
    execute_page(kobe, NOTEBOOKS, tmp_path / "cold.ipynb", None, 300)
    kernel = WarmKernel(NOTEBOOKS)
    try:
        execute_page(other, NOTEBOOKS, tmp_path / "first.ipynb", kernel, 300)
        execute_page(kobe, NOTEBOOKS, tmp_path / "warm.ipynb", kernel, 300)
    finally:
        kernel.shutdown()

    def outputs(name):
        nb = nbformat.read(tmp_path / name, as_version=4)
        return [(c.get("execution_count"), c.get("outputs")) for c in nb.cells]

    assert outputs("warm.ipynb") == outputs("cold.ipynb")


def test_a_backfilled_date_never_moves_latest_back(tmp_path):
    reports = tmp_path / "reports"
    assert run(reports, "--events", "kobe-2025-02-07", date="2026-01-20") == EXIT_OK
    assert run(reports, "--events", "kobe-2025-02-07", date="2026-01-10") == EXIT_OK
    assert (reports / "latest").resolve().name == "2026-01-20"
    index = (reports / "index.html").read_text()
    assert index.index("2026-01-20") < index.index("2026-01-10")  # newest first


def test_a_negative_as_of_window_is_refused(tmp_path, capsys):
    with pytest.raises(SystemExit) as stopped:
        run(tmp_path / "r", "--as-of-window-days", "-1")
    assert stopped.value.code == 2
    assert "not a whole number of days" in capsys.readouterr().err


def test_an_unwritable_reports_folder_is_bad_input(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    assert run(blocker / "reports", "--events", "kobe-2025-02-07") == EXIT_BAD_INPUT
    assert "cannot write the report" in capsys.readouterr().err


def test_displacement_page_says_when_an_event_has_no_stock_figures(tmp_path):
    out = tmp_path / "out.ipynb"
    papermill.execute_notebook(str(NOTEBOOKS / "displacement.ipynb"), str(out), kernel_name="casrec",
                               cwd=str(NOTEBOOKS), progress_bar=False,
                               parameters={"event_id": "kobe-2025-02-07", "chart_renderer": "svg"})  # fmt: skip
    nb = nbformat.read(out, as_version=4)
    html = "".join(
        o.get("data", {}).get("text/html", "") for c in nb.cells for o in c.get("outputs", [])
    )
    assert "no displacement, refugee or IDP figures" in html
