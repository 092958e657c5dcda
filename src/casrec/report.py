"""Scheduled report runs: notebooks -> papermill -> offline HTML, published only when complete.

A run renders every page into a staging folder with one warm kernel (started once, its
namespace reset between notebooks), converts each executed notebook to HTML without code and
without any network fetch, writes reconciled.csv / reconciled.hxl.csv / run.json, and only
then swaps the staging folder into ``reports/<date>/`` by rename. A failed run leaves the
last good report untouched, keeps the failed page under ``reports/failed/`` and says where.
A lock file refuses a second concurrent run at once.
"""

from __future__ import annotations

import ctypes
import datetime as dt
import errno
import fcntl
import html
import json
import logging
import os
import platform
import re
import shutil
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

import pandas as pd

from casrec import __version__
from casrec.changes import compare_reports, read_reconciled
from casrec.pipeline import input_checksums
from casrec.views import displacement_page_name, event_page_name

KERNEL_NAME = "casrec"
DEFAULT_CELL_TIMEOUT_SECONDS = 300
LOCK_NAME = ".casrec-run.lock"
NOTEBOOKS = ("overview", "event", "displacement", "data_quality")
DISPLACEMENT_METRICS = ("displaced", "refugees", "idps")
TEMPLATE_DIR = Path(__file__).parent / "templates"
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


class RunError(Exception):
    """A run that did not publish; ``reason`` is the one-line message for the log."""

    def __init__(self, reason: str, exit_code: int = 1):
        super().__init__(reason)
        self.reason = reason
        self.exit_code = exit_code


class RunLocked(RunError):
    """Another run holds the lock."""


@dataclass
class RunConfig:
    """Everything a run depends on (recorded in run.json)."""

    date: dt.date
    data_dir: Path
    reports_dir: Path
    notebooks_dir: Path
    policy: str = "reliability"
    events: str = "all"  # "all", "contested", or comma-separated event ids
    as_of_window_days: int = 90
    cell_timeout_seconds: int = DEFAULT_CELL_TIMEOUT_SECONDS
    quiet: bool = False


@dataclass
class Page:
    """One notebook run that becomes one HTML page."""

    notebook: str
    output_name: str  # e.g. event-kobe-2025-02-07 (-> .html and .ipynb)
    parameters: dict
    title: str
    seconds: float = 0.0


@dataclass
class PreviousReport:
    """An earlier published report (for 'what changed')."""

    date: str
    path: Path

    @property
    def label(self) -> str:
        """How the overview names it."""
        return self.date


@dataclass
class RunResult:
    """A published run."""

    report_dir: Path
    pages: list[Page] = field(default_factory=list)
    seconds: float = 0.0


# --- small helpers the notebooks use --------------------------------------------------------


def resolve_date(text: str | dt.date | None) -> str:
    """'' or None -> today; a date or YYYY-MM-DD text -> that day, as YYYY-MM-DD."""
    if text in (None, ""):
        return dt.date.today().isoformat()
    if isinstance(text, dt.date):
        return text.isoformat()
    return dt.date.fromisoformat(str(text)).isoformat()


def dated_reports(reports_dir: str | Path) -> list[Path]:
    """Published report folders (YYYY-MM-DD with a run.json), oldest first."""
    root = Path(reports_dir)
    if not root.is_dir():
        return []
    folders = [
        p for p in root.iterdir() if re.fullmatch(r"\d{4}-\d{2}-\d{2}", p.name) and p.is_dir()
    ]
    return sorted(p for p in folders if (p / "run.json").exists())


def previous_report(reports_dir: str | Path, before: str) -> PreviousReport | None:
    """The newest published report dated before ``before`` (YYYY-MM-DD), if any."""
    earlier = [p for p in dated_reports(reports_dir) if p.name < before]
    if not earlier:
        return None
    return PreviousReport(earlier[-1].name, earlier[-1] / "reconciled.csv")


def changes_since(previous: PreviousReport | None, current: pd.DataFrame):
    """compare_reports against a previous report's reconciled.csv (None when there is none)."""
    if previous is None or not previous.path.exists():
        return None
    from casrec.tables import csv_ready

    return compare_reports(read_reconciled(previous.path), csv_ready(current))


# --- planning -------------------------------------------------------------------------------


def select_events(analysis, selector: str) -> list[str]:
    """Event ids for ``--events``: all, contested (any key contested), or a list of ids."""
    events = analysis.dataset.events
    if selector == "all":
        return events["event_id"].tolist()
    if selector == "contested":
        contested = analysis.estimates.loc[analysis.estimates["status"] == "contested", "event_id"]
        return [e for e in events["event_id"] if e in set(contested)]
    wanted = [e.strip() for e in selector.split(",") if e.strip()]
    unknown = [e for e in wanted if e not in set(events["event_id"])]
    if unknown:
        raise RunError(
            f"--events names unknown event(s): {', '.join(unknown)} (see data/events.csv)", 2
        )
    return wanted


def plan_pages(config: RunConfig, analysis) -> list[Page]:
    """The pages of a report: data quality, overview, displacement pages, one per event."""
    events = select_events(analysis, config.events)
    claims = analysis.claims
    aggregates = analysis.dataset.events.loc[
        analysis.dataset.events["kind"] == "aggregate", "event_id"
    ]
    displacement = [
        e
        for e in aggregates
        if ((claims["event_id"] == e) & claims["metric"].isin(DISPLACEMENT_METRICS)).any()
    ]
    data_dir = str(config.data_dir.resolve())
    common = {
        "data_dir": data_dir,
        "policy": config.policy,
        "as_of_window_days": config.as_of_window_days,
        "chart_renderer": "svg",
    }
    titles = analysis.dataset.events.set_index("event_id")["title"]
    pages = [
        Page(
            "data_quality",
            "data_quality",
            {
                "data_dir": data_dir,
                "policy": config.policy,
                "run_date": config.date.isoformat(),
                "fail_on_critical": True,
                "overview_page": "index.html",
            },
            "Data quality",
        ),
        Page(
            "overview",
            "index",
            {
                **common,
                "reports_dir": str(config.reports_dir.resolve()),
                "run_date": config.date.isoformat(),
                "event_pages": events,
                "displacement_pages": displacement,
            },
            "Casualty reconciliation: overview",
        ),
    ]
    for event_id in displacement:
        pages.append(
            Page(
                "displacement",
                displacement_page_name(event_id)[:-5],
                {**common, "event_id": event_id, "overview_page": "index.html"},
                f"Displacement over time: {titles[event_id]}",
            )
        )
    for event_id in events:
        pages.append(
            Page(
                "event",
                event_page_name(event_id)[:-5],
                {
                    **common,
                    "event_id": event_id,
                    "overview_page": "index.html",
                    "event_pages": events,  # the parent and children link to their pages
                },
                str(titles[event_id]),
            )
        )
    return pages


def check_parameters(notebooks_dir: Path, pages: list[Page]) -> None:
    """Refuse to run when a page passes a parameter its notebook does not declare."""
    import papermill

    declared: dict[str, set[str]] = {}
    for page in pages:
        if page.notebook not in declared:
            path = notebooks_dir / f"{page.notebook}.ipynb"
            if not path.exists():
                raise RunError(f"notebook not found: {path}", 2)
            declared[page.notebook] = set(papermill.inspect_notebook(str(path)))
        unknown = set(page.parameters) - declared[page.notebook]
        if unknown:
            raise RunError(
                f"{page.notebook}.ipynb has no parameter(s) {', '.join(sorted(unknown))}; "
                f"it declares: {', '.join(sorted(declared[page.notebook]))}",
                2,
            )


# --- executing --------------------------------------------------------------------------------


class WarmKernel:
    """One kernel and one connected client for every page, started once.

    Each notebook's namespace is reset by an injected first cell (see ``execute_page``).

    It must be an AsyncKernelManager driven on nbclient's own event loop (``run_sync``): with
    a blocking KernelManager, nbclient never enforces the per-cell timeout (measured: a
    ``time.sleep(10)`` cell ran to the end under a 3 s timeout).
    """

    def __init__(self, cwd: Path, kernel_name: str = KERNEL_NAME):
        from jupyter_client.manager import AsyncKernelManager
        from jupyter_core.utils import run_sync

        self._run_sync = run_sync
        self.km = AsyncKernelManager(kernel_name=kernel_name, transport_encryption="auto")
        run_sync(self.km.start_kernel)(cwd=str(cwd))
        self.cwd = cwd
        self.kc = self.km.client()
        self.kc.start_channels()
        run_sync(self.kc.wait_for_ready)(timeout=60)

    def shutdown(self) -> None:
        """Stop the client and the kernel."""
        self.kc.stop_channels()
        if self.km.has_kernel:
            self._run_sync(self.km.shutdown_kernel)(now=True)


RESET_TAG = "casrec-namespace-reset"
ENGINE_NAME = "casrec"


def _register_engine() -> None:
    """Register the nbclient engine casrec runs pages with: warm client, save on failure.

    Papermill can save after every cell (about 30 validated writes per page, a third of a
    warm page's time) or only at the end, which loses the partial notebook when a cell times
    out or the kernel dies. This engine does neither: it writes the partial notebook, with
    the cells that ran, to ``failure_output_path`` when execution raises. It also reuses the
    warm kernel's connected client (``kc``).
    """
    import nbformat
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import NBClientEngine, papermill_engines

    class WarmKernelEngine(NBClientEngine):
        @classmethod
        def execute_managed_notebook(
            cls,
            nb_man,
            kernel_name,
            log_output=False,
            stdout_file=None,
            stderr_file=None,
            start_timeout=60,
            execution_timeout=None,
            failure_output_path=None,
            kc=None,
            **kwargs,
        ):
            kwargs.pop("input_path", None)
            client = PapermillNotebookClient(
                nb_man,
                timeout=execution_timeout,
                startup_timeout=start_timeout,
                kernel_name=kernel_name,
                log_output=log_output,
                stdout_file=stdout_file,
                stderr_file=stderr_file,
                **kwargs,
            )
            # A client that is already connected: nbclient would otherwise build one per
            # notebook, and its readiness handshake waits 0.2 s on IOPub every time.
            client.kc = kc
            try:
                return client.execute()
            except BaseException:
                if failure_output_path:
                    nbformat.write(nb_man.nb, failure_output_path)
                raise

    papermill_engines.register(ENGINE_NAME, WarmKernelEngine)


def execute_page(
    page: Page, notebooks_dir: Path, output: Path, kernel: WarmKernel | None, timeout: int
) -> None:
    """Run one notebook with papermill into ``output`` (raises on failure).

    With a warm kernel, the namespace reset runs as an extra first cell (removed again from
    the saved notebook): a separate client round trip for it cost 0.4-0.6 s per page.
    """
    import nbformat
    import papermill

    nb = nbformat.read(str(notebooks_dir / f"{page.notebook}.ipynb"), as_version=4)
    if kernel is not None:
        reset = nbformat.v4.new_code_cell("get_ipython().run_line_magic('reset', '-f')")
        reset.metadata["tags"] = [RESET_TAG]
        nb.cells.insert(0, reset)
    _register_engine()
    try:
        papermill.execute_notebook(
            nb,
            str(output),
            parameters=page.parameters,
            engine_name=ENGINE_NAME,
            kernel_name=KERNEL_NAME,
            cwd=str(notebooks_dir),
            execution_timeout=timeout,
            progress_bar=False,
            log_output=False,
            request_save_on_cell_execute=False,
            failure_output_path=str(output),
            km=kernel.km if kernel is not None else None,
            kc=kernel.kc if kernel is not None else None,
        )
    finally:
        if output.exists():
            normalise_execution_counts(output, f"{page.notebook}.ipynb")


def normalise_execution_counts(path: Path, input_name: str | None = None) -> None:
    """Make a warm-kernel notebook read like a cold run's: no reset cell, cells numbered 1, 2..."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    nb["cells"] = [c for c in nb["cells"] if RESET_TAG not in c.get("metadata", {}).get("tags", [])]
    if input_name and "papermill" in nb.get("metadata", {}):
        nb["metadata"]["papermill"]["input_path"] = input_name
    count = 0
    for cell in nb["cells"]:
        if cell.get("cell_type") != "code" or cell.get("execution_count") is None:
            continue
        count += 1
        cell["execution_count"] = count
        for out in cell.get("outputs", []):
            if "execution_count" in out:
                out["execution_count"] = count
    path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def failure_reason(error: BaseException) -> str:
    """A one-line reason for any way a notebook can fail."""
    name = type(error).__name__
    if name == "PapermillExecutionError":
        return f"{error.ename}: {str(error.evalue).splitlines()[0] if error.evalue else ''}".strip()
    if name in ("CellTimeoutError", "TimeoutError"):
        return f"a cell ran longer than the per-cell timeout ({name})"
    if name == "DeadKernelError":
        return "the kernel died (out of memory or crashed)"
    text = str(error).strip().splitlines()
    return f"{name}: {text[0] if text else ''}"


# --- HTML ------------------------------------------------------------------------------------


def notebook_to_html(notebook: Path, target: Path, title: str) -> None:
    """Offline HTML without code: no CDN scripts (casrec template), injected params removed."""
    import nbformat
    from nbconvert import HTMLExporter
    from traitlets.config import Config

    config = Config()
    config.TagRemovePreprocessor.remove_cell_tags = ("injected-parameters", "parameters")
    config.TagRemovePreprocessor.enabled = True
    config.HTMLExporter.exclude_input = True
    config.HTMLExporter.exclude_input_prompt = True
    config.HTMLExporter.exclude_output_prompt = True
    exporter = HTMLExporter(
        config=config, template_name="casrec", extra_template_basedirs=[str(TEMPLATE_DIR)]
    )
    nb = nbformat.read(str(notebook), as_version=4)
    nb.metadata["title"] = title
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": title}})
    target.write_text(body, encoding="utf-8")


def write_runs_index(reports_dir: Path) -> None:
    """reports/index.html: every dated run (published or failed), newest first, with status."""
    runs = []
    for folder in dated_reports(reports_dir):
        info = json.loads((folder / "run.json").read_text(encoding="utf-8"))
        runs.append(
            (info.get("finished", ""), folder.name, "ok", f"{folder.name}/index.html", info)
        )
    failed_root = reports_dir / "failed"
    if failed_root.is_dir():
        for folder in sorted(failed_root.iterdir()):
            run_json = folder / "run.json"
            if run_json.exists():
                info = json.loads(run_json.read_text(encoding="utf-8"))
                page = info.get("failed_page_html") or ""
                runs.append(
                    (
                        info.get("finished", ""),
                        info.get("date", ""),
                        "failed",
                        f"failed/{folder.name}/{page}" if page else "",
                        info,
                    )
                )
    runs.sort(key=lambda r: (r[1], r[0]), reverse=True)
    rows = []
    for finished, date, status, href, info in runs:
        link = (
            f'<a href="{html.escape(href)}">{html.escape(date)}</a>' if href else html.escape(date)
        )
        reason = html.escape(info.get("reason", "")) if status == "failed" else ""
        policy = html.escape(info.get("parameters", {}).get("policy", ""))
        rows.append(
            f'<tr><td>{link}</td><td class="{status}">{status}</td>'
            f"<td>{html.escape(finished)}</td><td>{policy}</td><td>{reason}</td></tr>"
        )
    page = RUNS_PAGE.replace("{rows}", "\n".join(rows))
    tmp = reports_dir / ".index.html.tmp"
    tmp.write_text(page, encoding="utf-8")
    os.replace(tmp, reports_dir / "index.html")


RUNS_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>casrec reports</title>
<style>
body { font-family: system-ui, sans-serif; margin: 1.5em; max-width: 60em; }
table { border-collapse: collapse; }
th, td { border-bottom: 1px solid #ccc; padding: .3em .7em; text-align: left; }
th { background: #f2f2f2; } .ok { color: #262; } .failed { color: #a33; font-weight: 600; }
.table-scroll { overflow-x: auto; }
</style></head>
<body><h1>casrec reports</h1>
<p>Every dated run, newest first. <a href="latest/index.html">Latest report</a>.</p>
<div class="table-scroll"><table><thead><tr><th scope="col">Date</th><th scope="col">Status</th>
<th scope="col">Finished (UTC)</th><th scope="col">Policy</th><th scope="col">Reason</th></tr>
</thead><tbody>
{rows}
</tbody></table></div></body></html>
"""

# --- publishing -------------------------------------------------------------------------------

_RENAME_EXCHANGE = 2


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two directories (Linux renameat2); False where unsupported."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd = -100
    result = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), _RENAME_EXCHANGE)
    if result != 0:
        err = ctypes.get_errno()
        if err in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
            return False
        raise OSError(err, os.strerror(err), str(a))
    return True


def publish(staging: Path, final: Path) -> None:
    """Move a complete staging folder to ``final`` by rename; an older report is swapped out."""
    if not final.exists():
        os.rename(staging, final)
        return
    if _exchange(staging, final):
        shutil.rmtree(staging)  # now holds the previous report
        return
    old = final.with_name(f".old-{final.name}-{os.getpid()}")
    os.rename(final, old)
    os.rename(staging, final)
    shutil.rmtree(old)


def point_latest(reports_dir: Path, date: str) -> None:
    """reports/latest -> <date> (a symlink replaced by rename, so never missing)."""
    tmp = reports_dir / f".latest-{os.getpid()}"
    if tmp.is_symlink() or tmp.exists():
        tmp.unlink()
    os.symlink(date, tmp)
    os.replace(tmp, reports_dir / "latest")


class RunLock:
    """An exclusive, non-blocking lock on reports/.casrec-run.lock (released on exit or crash)."""

    def __init__(self, reports_dir: Path):
        self.path = reports_dir / LOCK_NAME
        self.handle = None

    def __enter__(self) -> RunLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.handle = self.path.open("a+")
        try:
            fcntl.flock(self.handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self.handle.seek(0)
            holder = self.handle.read().strip() or "unknown"
            self.handle.close()
            raise RunLocked(
                f"another casrec run is in progress ({holder}); not starting a second one", 3
            ) from None
        self.handle.seek(0)
        self.handle.truncate()
        self.handle.write(
            f"pid {os.getpid()}, started {dt.datetime.now(dt.UTC):%Y-%m-%dT%H:%M:%SZ}"
        )
        self.handle.flush()
        return self

    def __exit__(self, *exc) -> None:
        self.handle.seek(0)
        self.handle.truncate()
        fcntl.flock(self.handle, fcntl.LOCK_UN)
        self.handle.close()


# --- the run ------------------------------------------------------------------------------------


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
        _clean_staging(reports_dir)
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


def _clean_staging(reports_dir: Path) -> None:
    staging_root = reports_dir / ".staging"
    if staging_root.is_dir() and not any(staging_root.iterdir()):
        staging_root.rmdir()


def default_notebooks_dir() -> Path:
    """notebooks/ of the project this package was installed from (or of the current folder)."""
    source_tree = Path(__file__).resolve().parents[2] / "notebooks"
    return source_tree if source_tree.is_dir() else Path.cwd() / "notebooks"


def terminal_progress(quiet: bool) -> Callable[[str], None]:
    """Progress lines on stderr unless quiet (cron)."""
    if quiet:
        return lambda message: None
    return lambda message: print(message, file=sys.stderr, flush=True)
