"""Executing pages: one warm kernel, papermill's casrec engine, notebooks to offline HTML."""

from __future__ import annotations

import json
from pathlib import Path

from casrec.run.plan import Page

KERNEL_NAME = "casrec"
TEMPLATE_DIR = Path(__file__).resolve().parents[1] / "templates"


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
