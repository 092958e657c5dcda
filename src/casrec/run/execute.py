"""Executing pages: warm kernels, papermill's casrec engine, notebooks to offline HTML.

``render_page`` is the unit of work any executor runs (a local pool of kernels or a Dask
worker): it takes a ``PageTask`` and returns a ``PageOutcome`` holding the page's bytes, so
the runner alone writes into staging and publishes.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import re
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from casrec import resources
from casrec.run.plan import Page

KERNEL_NAME = "casrec"
KERNEL_START_ATTEMPTS = 4
HEARTBEAT_SECONDS = 30.0
KILL_WAIT_SECONDS = 10.0  # a killed kernel is reaped within this (a process stuck in I/O: longer)


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
        self.cwd = Path(cwd)
        self.owner = threading.current_thread().name  # whose run may kill it (abort)
        self.kc = None
        self.km = AsyncKernelManager(kernel_name=kernel_name, transport_encryption="auto")
        try:
            run_sync(self.km.start_kernel)(cwd=str(cwd))
            self.kc = self.km.client()
            # nbclient calls a kernel dead when its heartbeat misses this window (default 1 s),
            # which a live kernel can do on a machine loaded well past its cores. A real death
            # is still seen within a second: the kernel process is polled as well.
            self.kc.hb_channel.time_to_dead = HEARTBEAT_SECONDS
            self.kc.start_channels()
            run_sync(self.kc.wait_for_ready)(timeout=60)
        except BaseException:
            self.shutdown()  # a half-started kernel must not outlive the attempt
            raise

    def shutdown(self) -> None:
        """Stop the client and the kernel, removing its connection file."""
        if self.kc is not None:
            self.kc.stop_channels()
        if self.km.has_kernel:
            self._run_sync(self.km.shutdown_kernel)(now=True)  # removes the connection file
        elif self.km.connection_file:  # a start that failed half-way may have written one
            with contextlib.suppress(FileNotFoundError):
                os.remove(self.km.connection_file)

    def kill(self) -> None:
        """Stop the kernel process at once, from any thread (its owner then sees it dead)."""
        pid = getattr(self.km.provisioner, "pid", None) if self.km.has_kernel else None
        if pid:
            with contextlib.suppress(ProcessLookupError):  # already gone: as asked
                os.kill(pid, signal.SIGKILL)
            # SIGKILL lands a moment later: until the process is reaped, ``alive`` would still
            # say yes, and the owner's next page would go to a kernel about to vanish
            process = getattr(self.km.provisioner, "process", None)
            if process is not None:
                with contextlib.suppress(subprocess.TimeoutExpired):
                    process.wait(timeout=KILL_WAIT_SECONDS)
        if self.km.connection_file:
            with contextlib.suppress(FileNotFoundError):  # already removed by a shutdown
                os.remove(self.km.connection_file)

    def alive(self) -> bool:
        """Whether the kernel process still runs (a page may have killed it)."""
        return bool(self.km.has_kernel) and bool(self._run_sync(self.km.is_alive)())


# Kernel starts are serialised and retried: parallel starts race for ports ("Address
# already in use") and an occasional start times out on a loaded machine.
_START_LOCK = threading.Lock()
_THREAD = threading.local()
_KERNELS: set[WarmKernel] = set()  # every kernel this process started and has not shut down
_KERNELS_LOCK = threading.Lock()


def start_kernel(cwd: Path, attempts: int = KERNEL_START_ATTEMPTS) -> WarmKernel:
    """A warm kernel in ``cwd``; a failed start is retried ``attempts`` times, then raised."""
    for attempt in range(1, attempts + 1):
        try:
            with _START_LOCK:
                kernel = WarmKernel(cwd)
        except Exception as error:
            if attempt == attempts:
                raise RuntimeError(
                    f"the kernel did not start after {attempts} attempts: "
                    f"{type(error).__name__}: {error}"
                ) from error
            time.sleep(0.5 * attempt)
            continue
        with _KERNELS_LOCK:
            _KERNELS.add(kernel)
        return kernel
    raise AssertionError("unreachable")


def thread_kernel(cwd: Path) -> WarmKernel:
    """This thread's warm kernel for notebooks in ``cwd`` (started on first use, restarted dead)."""
    kernel = getattr(_THREAD, "kernel", None)
    if kernel is not None and (kernel.cwd != Path(cwd) or not kernel.alive()):
        release_thread_kernel()
        kernel = None
    if kernel is None:
        kernel = _THREAD.kernel = start_kernel(Path(cwd))
    return kernel


def release_thread_kernel() -> None:
    """Shut down this thread's warm kernel, if it has one."""
    kernel = getattr(_THREAD, "kernel", None)
    _THREAD.kernel = None
    if kernel is not None:
        with _KERNELS_LOCK:
            _KERNELS.discard(kernel)
        kernel.shutdown()


def kill_all_kernels(owners: set[str] | None = None) -> None:
    """Kill the kernels of the threads named ``owners`` (default: every kernel) at once.

    A stopped or failed run ends its pages this way; kernels kept warm for other runs of
    the process are left alone when the run names its own threads.
    """
    with _KERNELS_LOCK:
        kernels = [k for k in _KERNELS if owners is None or k.owner in owners]
        _KERNELS.difference_update(kernels)
    for kernel in kernels:
        kernel.kill()


# A Dask worker keeps its kernels warm between tasks; they go when the worker process ends.
atexit.register(kill_all_kernels)


@dataclass
class PageTask:
    """What a worker needs to render one page (plain data, so it can travel to a Dask worker)."""

    page: Page
    notebooks_dir: str
    cell_timeout_seconds: int
    convert_html: bool = True  # False: the runner converts (overlapping the next execution)


@dataclass
class PageOutcome:
    """A rendered page's bytes, or why it failed (with the partial notebook, when there is one)."""

    output_name: str
    notebook: bytes | None
    html: bytes | None
    error: str = ""
    seconds: float = 0.0
    started: float = 0.0  # time.time() when execution began
    worker: str = ""


def render_page(task: PageTask) -> PageOutcome:
    """Execute one page on this thread's warm kernel (and convert it); never raises for a page.

    Failures come back as ``PageOutcome.error`` (a one-line reason), because exception objects
    from nbclient do not always survive the trip back from a Dask worker.
    """
    page = task.page
    started, clock = time.time(), time.perf_counter()
    worker = f"{os.uname().nodename}:{os.getpid()}:{threading.current_thread().name}"
    with tempfile.TemporaryDirectory(prefix="casrec-page-") as tmp:
        executed = Path(tmp) / f"{page.output_name}.ipynb"
        html_path = Path(tmp) / f"{page.output_name}.html"
        error = ""
        try:
            kernel = thread_kernel(Path(task.notebooks_dir))
            execute_page(
                page, Path(task.notebooks_dir), executed, kernel, task.cell_timeout_seconds
            )
            if task.convert_html:
                notebook_to_html(executed, html_path, page.title)
        except Exception as failure:  # every failure mode of a page ends the same way
            error = failure_reason(failure)
            # the next page gets a fresh kernel: this one may be dead, busy with a cell that
            # timed out, or left in whatever state the failed notebook put it
            release_thread_kernel()
        return PageOutcome(
            page.output_name,
            executed.read_bytes() if executed.exists() else None,
            html_path.read_bytes() if html_path.exists() else None,
            error,
            time.perf_counter() - clock,
            started,
            worker,
        )


def render_pages(
    tasks: list[PageTask], on_page: Callable[[int, PageOutcome], None] | None = None
) -> list[PageOutcome]:
    """Render pages one after the other on this thread's kernel; none after a failed one.

    ``on_page(position, outcome)`` is called as each page ends, so a runner on this machine
    can report a group's pages one by one (a Dask worker has no one to tell: it passes None).
    """
    outcomes: list[PageOutcome] = []
    for position, task in enumerate(tasks):
        outcomes.append(render_page(task))
        if on_page is not None:
            on_page(position, outcomes[-1])
        if outcomes[-1].error:
            break
    return outcomes


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
            # a warm kernel already runs in notebooks_dir; papermill's chdir would move the
            # whole runner process, which parallel pages must not race over
            cwd=None if kernel is not None else str(notebooks_dir),
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
    if isinstance(error, OSError) and error.filename:
        return f"{name}: {error.strerror}: {error.filename}"
    if name == "PapermillExecutionError":
        return f"{error.ename}: {str(error.evalue).splitlines()[0] if error.evalue else ''}".strip()
    if name in ("CellTimeoutError", "TimeoutError"):
        return f"a cell ran longer than the per-cell timeout ({name})"
    if name == "DeadKernelError":
        return "the kernel died (out of memory or crashed)"
    text = str(error).strip().splitlines()
    return f"{name}: {text[0] if text else ''}"


_EXPORTERS = threading.local()

# What nbconvert's HTMLExporter adds to a page after its template: keyboard focus on each cell's
# input and output area, and a stated absence of description on an image without alt text
# (casrec's charts always carry one; a project's own notebook may show other images).
FOCUSABLE_CLASSES = {"jp-Cell-inputWrapper", "jp-OutputArea-output"}
NO_ALT_TEXT = "No description has been provided for this image"
# one attribute of a tag: a name, then perhaps a value, quoted (a ">" inside is text) or bare
_ATTRIBUTE = r"""\s+([^\s"'=<>/]+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s"'=<>`]+))?"""
_TAG = r"<(?P<name>{names})\b(?P<attributes>(?:{attribute})*)(?P<end>\s*/?)>"
_DIV_OR_IMAGE = re.compile(_TAG.format(names="div|img", attribute=_ATTRIBUTE), re.IGNORECASE)


def _with_additions(tag: re.Match) -> str:
    """One div or img tag, with the attribute HTMLExporter would add to it at its end."""
    attributes = {
        name.lower(): value.strip("\"'")
        for name, value in re.findall(_ATTRIBUTE, tag["attributes"])
    }
    if tag["name"].lower() == "img":
        added = "" if "alt" in attributes else f' alt="{NO_ALT_TEXT}"'
        return f"<{tag['name']}{tag['attributes']}{added}{tag['end']}>" if added else tag.group(0)
    if not FOCUSABLE_CLASSES & set(attributes.get("class", "").split()):
        return tag.group(0)
    # HTMLExporter sets tabindex to 0 whatever it was: any written one goes, 0 is added at the end
    kept = re.sub(_ATTRIBUTE, lambda a: "" if a[1].lower() == "tabindex" else a.group(0),
                  tag["attributes"])  # fmt: skip
    return f'<{tag["name"]}{kept} tabindex="0"{tag["end"]}>'


def _accessible(html: str) -> str:
    """The page's markup with nbconvert's focus and alt-text additions, written in place.

    HTMLExporter makes them by parsing the whole page into a BeautifulSoup tree and writing it
    out again: half or more of a page's export (0.02-0.15 s of CPU for a page of the shipped
    data, about 8 s for the 2.6 MB overview of 5,000 events). Here they go into the markup the
    template wrote; the page differs from HTMLExporter's only in how that markup is spelled (a
    test compares the two as parsed trees).
    """
    return _DIV_OR_IMAGE.sub(_with_additions, html)


def _page_exporter():
    """This thread's HTML exporter: its page templates are compiled once, not once a page."""
    exporter = getattr(_EXPORTERS, "exporter", None)
    if exporter is None:
        from nbconvert import HTMLExporter
        from nbconvert.exporters.templateexporter import TemplateExporter
        from nbconvert.filters.highlight import Highlight2HTML
        from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter
        from traitlets.config import Config

        class PageExporter(HTMLExporter):
            """HTMLExporter without its re-parse of the finished page (see ``_accessible``)."""

            def from_notebook_node(self, nb, resources=None, **kw):
                resources = self._init_resources(resources)
                # the two filters HTMLExporter gives its templates (code colour, output type)
                language = nb.metadata.get("language_info", {})
                lexer = language.get("pygments_lexer", language.get("name"))
                self.register_filter(
                    "highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self)
                )
                data_type = WidgetsDataTypeFilter(
                    notebook_metadata=self._nb_metadata, parent=self, resources=resources
                )
                self.register_filter("filter_data_type", data_type)
                html, resources = TemplateExporter.from_notebook_node(self, nb, resources, **kw)
                return _accessible(html), resources

        config = Config()
        config.TagRemovePreprocessor.remove_cell_tags = ("injected-parameters", "parameters")
        config.TagRemovePreprocessor.enabled = True
        config.HTMLExporter.exclude_input = True
        config.HTMLExporter.exclude_input_prompt = True
        config.HTMLExporter.exclude_output_prompt = True
        # Pygments' stylesheet (4.5 KB a page) colours code, and reports show none
        config.CSSHTMLHeaderPreprocessor.enabled = False
        exporter = _EXPORTERS.exporter = PageExporter(
            config=config,
            template_name="casrec",
            extra_template_basedirs=[str(resources.TEMPLATES_DIR)],
        )
    return exporter


def notebook_to_html(notebook: Path, target: Path, title: str) -> None:
    """Offline HTML without code: no CDN scripts (casrec template), injected params removed."""
    import nbformat

    exporter = _page_exporter()
    nb = nbformat.read(str(notebook), as_version=4)
    nb.metadata["title"] = title
    page_resources = {"metadata": {"name": title}, "inlining": {"css": []}}
    body, _ = exporter.from_notebook_node(nb, resources=page_resources)
    target.write_text(body, encoding="utf-8")
