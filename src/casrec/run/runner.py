"""The run itself: plan the pages, execute them in staging, publish only when all succeeded.

A run renders every page into a staging folder with one warm kernel (started once, its
namespace reset between notebooks), converts each executed notebook to HTML without code and
without any network fetch, writes reconciled.csv / reconciled.hxl.csv / run.json, and only
then swaps the staging folder into ``reports/<date>/`` by rename. A failed run leaves the
last good report untouched, keeps the failed page under ``reports/failed/`` and says where.
A lock file refuses a second concurrent run at once.

Pages whose cache key matches a page of an earlier published report are reused, not
executed (``cache``); the rest go to an executor (``executors``): N local warm kernels, or a
Dask cluster. SIGTERM and SIGINT stop a run cleanly: kernels killed, staging removed, a
``stopped`` row in the runs index, exit 128 + the signal number.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import os
import platform
import shutil
import signal
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from casrec import __version__, resources
from casrec.history import dated_reports
from casrec.pipeline import input_checksums
from casrec.run import cache
from casrec.run.errors import RunError, RunStopped
from casrec.run.execute import (
    PageTask,
    failure_reason,
    notebook_to_html,
    render_page,
    render_pages,
)
from casrec.run.executors import make_executor
from casrec.run.plan import Page, RunConfig, check_parameters, kernel_groups, plan_pages
from casrec.run.publish import (
    RunLock,
    clean_staging,
    compress_notebooks,
    executed_notebook_name,
    gzip_notebook,
    point_latest,
    publish,
    remove_stale_staging,
    write_atomic,
    write_runs_index,
)

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
    rendered: int = 0
    reused: int = 0
    warnings: list[str] = field(default_factory=list)  # damaged records, leftovers removed
    used_prerendered: list[Path] = field(default_factory=list)  # reports/.pages/<key> reused
    publish_problems: list[str] = field(default_factory=list)  # after the swap (exit 4)


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


class StopSignals:
    """SIGTERM and SIGINT raise ``RunStopped`` once; later ones (and any during publishing) wait.

    Signal handlers can only be set from the main thread; elsewhere this does nothing.
    """

    SIGNALS = (signal.SIGTERM, signal.SIGINT)

    def __init__(self):
        self.signum: int | None = None
        self._deferred = False
        self._previous: dict = {}

    def __enter__(self) -> StopSignals:
        if threading.current_thread() is threading.main_thread():
            for signum in self.SIGNALS:
                self._previous[signum] = signal.signal(signum, self._handle)
        return self

    def _handle(self, signum, frame) -> None:
        first = self.signum is None
        self.signum = self.signum or signum
        if first and not self._deferred:
            self._deferred = True  # cleaning up after a stop must not be stopped half-way
            raise RunStopped(signum)

    def defer(self) -> None:
        """From now on a stop signal is remembered, not raised (publishing is under way)."""
        self._deferred = True

    def __exit__(self, *exc) -> None:
        for signum, handler in self._previous.items():
            signal.signal(signum, handler)


def _named(error: OSError, where: Path) -> OSError:
    """The same error, naming the path it happened at (a full disk's write names none)."""
    if error.filename:
        return error
    return OSError(error.errno, error.strerror, str(where))


def _write(path: Path, data: bytes) -> None:
    try:
        path.write_bytes(data)
    except OSError as error:
        raise _named(error, path) from error


def run_reports(config: RunConfig, progress: Callable[[str], None] | None = None) -> RunResult:
    """Render, stage and publish one dated report; raise RunError (with exit code) on failure."""
    say = progress or (lambda message: None)
    started, t0 = _now(), time.perf_counter()
    if config.executor == "dask" and not config.scheduler:
        raise RunError("--executor dask needs --scheduler ADDRESS (e.g. tcp://host:8786)", 2)
    # papermill, nbclient and traitlets log to stderr; the run's own one-line reason is the
    # message a scheduler should see, so their chatter is kept to real errors
    for name in ("papermill", "traitlets", "nbclient", "distributed"):
        logging.getLogger(name).setLevel(logging.CRITICAL)
    # papermill changes the working directory while a notebook runs: use absolute paths only
    config.data_dir = config.data_dir.resolve()
    config.reports_dir = config.reports_dir.resolve()
    config.notebooks_dir = config.notebooks_dir.resolve()
    with StopSignals() as stop, RunLock(config.reports_dir):
        return _locked_run(config, say, stop, started, t0)


def _locked_run(config: RunConfig, say, stop: StopSignals, started: str, t0: float) -> RunResult:
    from casrec import hxl
    from casrec.datapackage import write_reconciled_package
    from casrec.pipeline import analyse
    from casrec.tables import write_reconciled_csv

    reports_dir, date = config.reports_dir, config.date.isoformat()
    result = RunResult(reports_dir / date)
    for leftover in remove_stale_staging(reports_dir):
        result.warnings.append(f"removed {leftover}, left by a run that did not finish")
    staging = reports_dir / ".staging" / f"{date}-{os.getpid()}"
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
            "full": config.full,
            "workers": config.workers,
            "executor": config.executor,
        },
        "notebooks": [],
    }
    try:
        analysis = analyse(config.data_dir, config.policy, config.as_of_window_days)
        pages = plan_pages(config, analysis)
        check_parameters(config.notebooks_dir, pages)
        if staging.exists():
            shutil.rmtree(staging)
        try:
            (staging / "notebooks").mkdir(parents=True)
        except OSError as error:
            raise _named(error, staging) from error
        record["versions"] = versions()
        record["input_checksums"] = input_checksums(config.data_dir)
        record.update(resources.run_provenance(config.data_dir, config.notebooks_dir))
        failure = _render_pages(config, pages, staging, record, analysis, result, say)
        if failure is not None:
            _fail(config, record, *failure, staging)
        try:  # the executed notebooks stay for audit, gzipped (run.json names each file)
            compress_notebooks(staging / "notebooks")
        except OSError as error:
            raise _named(error, staging / "notebooks") from error
        output = analysis.reconciliation.output()
        events = analysis.dataset.events

        def write_hxl(table, path):
            return hxl.write_reconciled_hxl(table, events, path)

        def write_descriptor(table, path):  # describes reconciled.csv
            return write_reconciled_package(path)

        for write, name in ((write_reconciled_csv, "reconciled.csv"),
                            (write_hxl, "reconciled.hxl.csv"),
                            (write_descriptor, "datapackage.json")):  # fmt: skip
            try:
                write(output, staging / name)
            except OSError as error:
                raise _named(error, staging / name) from error
        record.update(status="ok", finished=_now(), seconds=round(time.perf_counter() - t0, 3))
        try:
            write_atomic(staging / "run.json", json.dumps(record, indent=2) + "\n")
        except OSError as error:
            raise _named(error, staging / "run.json") from error
        stop.defer()  # a stop signal from here on waits until the report is published
        publish(staging, result.report_dir)
        if stop.signum is not None:
            name = signal.Signals(stop.signum).name
            result.warnings.append(f"{name} arrived while publishing; the report was published")
    except RunStopped as stopped:
        _give_up(config, record, staging, "stopped", stopped.reason)
        raise
    except RunError:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    except OSError as error:  # disk full, a folder that cannot be written
        reason = f"cannot write {error.filename or staging}: {error.strerror or error}"
        _give_up(config, record, staging, "failed", reason)
        raise RunError(f"{reason}; nothing was published", 2) from None
    result.pages, result.seconds = pages, time.perf_counter() - t0
    # The report is published: whatever goes wrong now is said, but is not a failed run.
    try:
        point_latest(reports_dir, dated_reports(reports_dir)[-1].name)  # never moves back
    except OSError as error:
        result.publish_problems.append(f"latest not updated: {error}")
    try:
        result.warnings += write_runs_index(reports_dir)
    except OSError as error:
        result.publish_problems.append(f"runs index not updated: {error}")
    with contextlib.suppress(OSError):  # an empty .staging left behind is harmless
        clean_staging(reports_dir)
    for folder in result.used_prerendered:  # now part of the published report
        shutil.rmtree(folder, ignore_errors=True)
    result.seconds = time.perf_counter() - t0
    return result


def decide_pages(config, pages, record, analysis, earlier) -> dict[str, dict]:
    """Each page's run.json entry: its cache key, and whether it is rendered or reused, and why.

    A reused entry carries the earlier page under ``_found`` (for the caller to link in).
    """
    code = cache.code_digest(tuple(sorted(record["versions"].items())))
    dependencies = cache.Dependencies(analysis.dataset)
    entries = {}
    for page in pages:
        page_file = f"{page.output_name}.html"
        parts = cache.page_parts(
            page, config.notebooks_dir, code, dependencies, record["input_checksums"]
        )
        key = cache.key_of(parts)
        entry = {"notebook": page.notebook, "page": page_file, "parameters": page.parameters,
                 "executed_notebook": f"notebooks/{executed_notebook_name(page.output_name)}",
                 "cache_key": key, "cache_parts": parts}  # fmt: skip
        found = None if config.full else earlier.match(page_file, key)
        if found is not None:
            entry.update(how="reused", why=f"same cache key as {found.label}", seconds=0.0)
            entry["_found"] = found
        else:
            why = "--full" if config.full else earlier.why_render(page_file, parts)
            entry.update(how="rendered", why=why)
        entries[page.output_name] = entry
    return entries


def plan_run(config: RunConfig) -> dict:
    """The page plan ``casrec run --plan`` prints: every page, its key, rendered or reused.

    Nothing is written and no lock is taken; each page carries what ``prerender`` needs.
    """
    from casrec.pipeline import analyse

    config.data_dir = config.data_dir.resolve()
    config.reports_dir = config.reports_dir.resolve()
    config.notebooks_dir = config.notebooks_dir.resolve()
    analysis = analyse(config.data_dir, config.policy, config.as_of_window_days)
    pages = plan_pages(config, analysis)
    check_parameters(config.notebooks_dir, pages)
    record = {"versions": versions(), "input_checksums": input_checksums(config.data_dir)}
    earlier = cache.ReuseIndex(config.reports_dir, config.date.isoformat())
    entries = decide_pages(config, pages, record, analysis, earlier)
    plan = []
    for page in pages:
        entry = entries[page.output_name]
        entry.pop("_found", None)
        plan.append({**entry, "output_name": page.output_name, "title": page.title,
                     "notebooks_dir": str(config.notebooks_dir),
                     "cell_timeout_seconds": config.cell_timeout_seconds})  # fmt: skip
    return {"date": config.date.isoformat(), "pages": plan, "warnings": earlier.problems}


def prerender(page: dict, reports_dir: str | Path) -> str:
    """Render one page of ``plan_run``'s plan into ``reports/.pages/<cache key>/`` (for Airflow).

    The next ``casrec run`` reuses it when its key still matches, and removes it after
    publishing. Raises RuntimeError with the one-line reason when the page fails.
    """
    task = PageTask(
        Page(page["notebook"], page["output_name"], page["parameters"], page["title"]),
        page["notebooks_dir"],
        int(page["cell_timeout_seconds"]),
    )
    outcome = render_page(task)
    if outcome.error:
        raise RuntimeError(f"{page['output_name']} ({page['notebook']}.ipynb): {outcome.error}")
    root = Path(reports_dir) / cache.PRERENDERED
    final = root / page["cache_key"]
    tmp = root / f".{page['cache_key']}-{os.getpid()}"
    (tmp / "notebooks").mkdir(parents=True, exist_ok=True)
    _write(tmp / page["page"], outcome.html or b"")
    _write(tmp / "notebooks" / executed_notebook_name(page["output_name"]),
           gzip_notebook(outcome.notebook or b""))  # fmt: skip
    entry = {k: page[k] for k in ("notebook", "page", "parameters", "cache_key", "cache_parts")}
    entry["executed_notebook"] = f"notebooks/{executed_notebook_name(page['output_name'])}"
    write_atomic(tmp / "run.json", json.dumps({"notebooks": [entry]}, indent=2) + "\n")
    if final.exists():
        shutil.rmtree(final)
    os.rename(tmp, final)
    return str(final)


def _render_pages(config, pages, staging, record, analysis, result, say):
    """Reuse what the cache allows, execute the rest on the executor, in staging.

    Returns (page, executed notebook, one-line reason) for the first failure, or None.
    """
    earlier = cache.ReuseIndex(config.reports_dir, config.date.isoformat())
    result.warnings += earlier.problems
    entries = decide_pages(config, pages, record, analysis, earlier)
    to_render = [p for p in pages if entries[p.output_name]["how"] == "rendered"]
    for page in pages:
        found = entries[page.output_name].pop("_found", None)
        if found is not None:
            cache.reuse(found, staging)
            result.used_prerendered += [found.report] if found.prerendered else []
    record["notebooks"] = list(entries.values())  # plan order, whatever order pages finish in
    result.rendered, result.reused = len(to_render), len(pages) - len(to_render)
    say(f"{result.reused} of {len(pages)} pages unchanged since an earlier report; "
        f"rendering {len(to_render)}")  # fmt: skip
    if not to_render:
        return None
    local = config.executor == "local"
    groups = kernel_groups(to_render)
    executor = make_executor(config.executor, min(config.workers, len(groups)), config.scheduler)
    # locally, nbconvert runs in this process while the kernels execute the next pages
    converter = ThreadPoolExecutor(max_workers=1) if local else None
    conversions = []
    run_start = time.time()
    failure = None

    def executed_notebook(page: Page) -> Path:
        return staging / "notebooks" / f"{page.output_name}.ipynb"

    lines = _Progress(len(to_render), say)

    def reporter(group: list[Page]):
        """Locally, each page of a group is reported as it ends, not when the group does."""
        if not local:
            return None
        return lambda position, outcome: lines.page_done(group[position], outcome)

    try:
        futures = {
            executor.submit(render_pages, [
                PageTask(page, str(config.notebooks_dir), config.cell_timeout_seconds, not local)
                for page in group
            ], reporter(group)): group
            for group in groups
        }  # fmt: skip
        for future in as_completed(futures):
            group = futures[future]
            try:
                outcomes = future.result()
            except Exception as error:  # the executor lost the task (a worker died)
                failure = (group[0], executed_notebook(group[0]), failure_reason(error))
                break
            for page, outcome in zip(group, outcomes, strict=False):
                executed = executed_notebook(page)
                if outcome.notebook is not None:
                    _write(executed, outcome.notebook)
                if outcome.error:
                    failure = (page, executed, outcome.error)
                    break
                html_path = staging / f"{page.output_name}.html"
                if outcome.html is not None:
                    _write(html_path, outcome.html)
                else:
                    conversions.append((page, executed, converter.submit(
                        notebook_to_html, executed, html_path, page.title)))  # fmt: skip
                page.seconds = outcome.seconds
                entries[page.output_name].update(
                    started_after_seconds=round(outcome.started - run_start, 3),
                    seconds=round(outcome.seconds, 3),
                    worker=outcome.worker,
                )
                lines.page_done(page, outcome)
            if failure is not None:
                break
        if failure is not None:
            executor.abort(keep_idle=True)  # kernels that ended their pages stay warm
    except BaseException:
        executor.abort()  # a stop signal: running pages end now, their kernels with them
        raise
    finally:
        executor.shutdown(wait=True, cancel_futures=True)
        if converter is not None:
            converter.shutdown(wait=True)
    if failure is not None:
        return failure
    for page, executed, conversion in conversions:
        error = conversion.exception()
        if error is not None:
            if isinstance(error, OSError):
                raise _named(error, staging / f"{page.output_name}.html")
            return page, executed, failure_reason(error)
    return None


class _Progress:
    """The '[  3/12] event-kobe.html  4.2 s' lines: one per rendered page, in finishing order.

    Pages report from the kernel threads as they end, and again from the runner when their
    group's results arrive (the only report a Dask worker's pages get): each is said once.
    """

    def __init__(self, total: int, say):
        self.total, self.say = total, say
        self.said: set[str] = set()
        self.lock = threading.Lock()

    def page_done(self, page: Page, outcome) -> None:
        if outcome.error:
            return  # the failure is reported with its reason instead
        with self.lock:
            if page.output_name in self.said:
                return
            self.said.add(page.output_name)
            self.say(f"[{len(self.said):>3}/{self.total}] {page.output_name}.html  "
                     f"{outcome.seconds:5.1f} s")  # fmt: skip


def _failed_dir(config: RunConfig) -> Path:
    stamp = dt.datetime.now(dt.UTC).strftime("%H%M%S")
    return config.reports_dir / "failed" / f"{config.date.isoformat()}-{stamp}-{os.getpid()}"


def _give_up(config: RunConfig, record: dict, staging: Path, status: str, reason: str) -> None:
    """A run that ends without a page to show: staging removed, a row in the runs index.

    Best effort by design: after a full disk the record itself may not fit, and the one-line
    reason the caller prints is then the only trace (it names the path).
    """
    shutil.rmtree(staging, ignore_errors=True)
    record.update(status=status, finished=_now(), reason=reason, failed_page_html="")
    with contextlib.suppress(OSError):
        failed_dir = _failed_dir(config)
        failed_dir.mkdir(parents=True, exist_ok=True)
        write_atomic(failed_dir / "run.json", json.dumps(record, indent=2) + "\n")
        write_runs_index(config.reports_dir)
    with contextlib.suppress(OSError):
        clean_staging(config.reports_dir)


def _fail(config, record, page, executed, reason, staging) -> None:
    """Keep the failed page where the message points, record why, and raise RunError."""
    failed_dir = _failed_dir(config)
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
    write_atomic(failed_dir / "run.json", json.dumps(record, indent=2) + "\n")
    shutil.rmtree(staging, ignore_errors=True)
    write_runs_index(config.reports_dir)
    where = failed_dir / html_name if html_name else failed_dir
    raise RunError(f"{page.output_name} ({page.notebook}.ipynb) failed: {reason}; see {where}")


def default_notebooks_dir() -> Path:
    """The current folder's notebooks/ when it holds notebooks, else casrec's packaged ones."""
    return resources.notebooks_for(Path.cwd()).path


def terminal_progress(quiet: bool) -> Callable[[str], None]:
    """Progress lines on stderr unless quiet (cron)."""
    if quiet:
        return lambda message: None
    return lambda message: print(message, file=sys.stderr, flush=True)
