"""The run itself: plan the pages, execute them in staging, publish only when all succeeded.

A run renders every page into a staging folder with one warm kernel (started once, its
namespace reset between notebooks), converts each executed notebook to HTML without code and
without any network fetch, writes reconciled.csv / reconciled.hxl.csv / run.json, and only
then swaps the staging folder into ``reports/<date>/`` by rename. A failed run leaves the
last good report untouched, keeps the failed page under ``reports/failed/`` and says where.
A lock file refuses a second concurrent run at once.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import platform
import shutil
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from casrec import __version__
from casrec.history import dated_reports
from casrec.pipeline import input_checksums
from casrec.run.errors import RunError
from casrec.run.execute import WarmKernel, execute_page, failure_reason, notebook_to_html
from casrec.run.plan import Page, RunConfig, check_parameters, plan_pages
from casrec.run.publish import RunLock, clean_staging, point_latest, publish, write_runs_index

PACKAGES = (
    "pandas",
    "numpy",
    "altair",
    "vl-convert-python",
    "papermill",
    "nbconvert",
    "nbclient",
    "ipykernel",
    "great-expectations",
    "jupyterlab",
)


@dataclass
class RunResult:
    """A published run."""

    report_dir: Path
    pages: list[Page] = field(default_factory=list)
    seconds: float = 0.0


def versions() -> dict[str, str]:
    """casrec, Python and the packages a report depends on."""
    found = {"casrec": __version__, "python": platform.python_version()}
    for name in PACKAGES:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = "not installed"
    return found


def _now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def run_reports(config: RunConfig, progress: Callable[[str], None] | None = None) -> RunResult:
    """Render, stage and publish one dated report; raise RunError (with exit code) on failure."""
    from casrec.pipeline import analyse
    from casrec.tables import write_reconciled_csv, write_reconciled_hxl

    say = progress or (lambda message: None)
    started, t0 = _now(), time.perf_counter()
    # papermill, nbclient and traitlets log to stderr; the run's own one-line reason is the
    # message a scheduler should see, so their chatter is kept to real errors
    for name in ("papermill", "traitlets", "nbclient"):
        logging.getLogger(name).setLevel(logging.CRITICAL)
    # papermill changes the working directory while a notebook runs: use absolute paths only
    config.data_dir = config.data_dir.resolve()
    config.reports_dir = config.reports_dir.resolve()
    config.notebooks_dir = config.notebooks_dir.resolve()
    reports_dir = config.reports_dir
    date = config.date.isoformat()
    with RunLock(reports_dir):
        analysis = analyse(config.data_dir, config.policy, config.as_of_window_days)
        pages = plan_pages(config, analysis)
        check_parameters(config.notebooks_dir, pages)
        staging = reports_dir / ".staging" / f"{date}-{os.getpid()}"
        if staging.exists():
            shutil.rmtree(staging)
        (staging / "notebooks").mkdir(parents=True)
        record = {
            "casrec_version": __version__,
            "date": date,
            "started": started,
            "parameters": {
                "policy": config.policy,
                "events": config.events,
                "as_of_window_days": config.as_of_window_days,
                "cell_timeout_seconds": config.cell_timeout_seconds,
                "data_dir": str(config.data_dir),
            },
            "versions": versions(),
            "input_checksums": input_checksums(config.data_dir),
            "notebooks": [],
        }
        failure = _render_pages(config, pages, staging, record, say)
        if failure is not None:
            failed_page, executed, error = failure
            _fail(config, record, failed_page, executed, staging, error)
        output = analysis.reconciliation.output()
        write_reconciled_csv(output, staging / "reconciled.csv")
        write_reconciled_hxl(output, staging / "reconciled.hxl.csv")
        record.update(status="ok", finished=_now(), seconds=round(time.perf_counter() - t0, 3))
        (staging / "run.json").write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
        final = reports_dir / date
        publish(staging, final)
        newest = dated_reports(reports_dir)[-1].name
        point_latest(reports_dir, newest)  # a backfilled date never moves `latest` back
        write_runs_index(reports_dir)
        clean_staging(reports_dir)
    return RunResult(final, pages, time.perf_counter() - t0)


def _render_pages(config: RunConfig, pages: list[Page], staging: Path, record: dict, say):
    """Execute every page on one warm kernel; HTML conversion overlaps the next execution.

    Returns (page, executed notebook, error) for the first failure, or None.
    """
    from concurrent.futures import ThreadPoolExecutor

    kernel = WarmKernel(config.notebooks_dir)
    # nbconvert runs in this process while the kernel process executes the next notebook:
    # on two cores the conversion then costs no wall time
    converter = ThreadPoolExecutor(max_workers=1)
    conversions = []
    run_start = time.perf_counter()
    try:
        for index, page in enumerate(pages, start=1):
            executed = staging / "notebooks" / f"{page.output_name}.ipynb"
            page_start = time.perf_counter()
            try:
                execute_page(
                    page, config.notebooks_dir, executed, kernel, config.cell_timeout_seconds
                )
            except Exception as error:  # every failure mode ends the run the same way
                page.seconds = time.perf_counter() - page_start
                return page, executed, error
            page.seconds = time.perf_counter() - page_start
            html_path = staging / f"{page.output_name}.html"
            conversions.append(
                (
                    page,
                    executed,
                    converter.submit(notebook_to_html, executed, html_path, page.title),
                )
            )
            record["notebooks"].append(
                {
                    "notebook": page.notebook,
                    "page": f"{page.output_name}.html",
                    "parameters": page.parameters,
                    "started_after_seconds": round(page_start - run_start, 3),
                    "seconds": round(page.seconds, 3),
                }
            )
            say(f"[{index:>3}/{len(pages)}] {page.output_name}.html  {page.seconds:5.1f} s")
    finally:
        kernel.shutdown()
        converter.shutdown(wait=True)
    for page, executed, conversion in conversions:
        error = conversion.exception()
        if error is not None:
            return page, executed, error
    return None


def _fail(config, record, page, executed, staging, error) -> None:
    """Keep the failed page where the message points, record why, and raise RunError."""
    reason = failure_reason(error)
    stamp = dt.datetime.now(dt.UTC).strftime("%H%M%S")
    failed_dir = config.reports_dir / "failed" / f"{config.date.isoformat()}-{stamp}-{os.getpid()}"
    failed_dir.mkdir(parents=True, exist_ok=True)
    html_name = f"{page.output_name}.html"
    if executed.exists():
        shutil.copy2(executed, failed_dir / f"{page.output_name}.ipynb")
        try:
            notebook_to_html(executed, failed_dir / html_name, f"FAILED: {page.title}")
        except Exception as conversion_error:  # keep the notebook; say the HTML is missing
            html_name = ""
            reason += f" (and its HTML could not be rendered: {conversion_error})"
    else:
        html_name = ""
    record.update(
        status="failed",
        finished=_now(),
        reason=f"{page.notebook}: {reason}",
        failed_page_html=html_name,
    )
    (failed_dir / "run.json").write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    shutil.rmtree(staging, ignore_errors=True)
    write_runs_index(config.reports_dir)
    where = failed_dir / html_name if html_name else failed_dir
    raise RunError(
        f"{page.output_name} ({page.notebook}.ipynb) failed: {reason}; see {where}"
    ) from error


def default_notebooks_dir() -> Path:
    """notebooks/ of the project this package was installed from (or of the current folder)."""
    source_tree = Path(__file__).resolve().parents[3] / "notebooks"
    return source_tree if source_tree.is_dir() else Path.cwd() / "notebooks"


def terminal_progress(quiet: bool) -> Callable[[str], None]:
    """Progress lines on stderr unless quiet (cron)."""
    if quiet:
        return lambda message: None
    return lambda message: print(message, file=sys.stderr, flush=True)
