"""Report runs (``casrec run``), one module per concern.

``plan`` chooses the pages and their parameters, ``cache`` keys them and finds the ones an
earlier report already has, ``execute`` runs the rest (warm kernels, papermill, HTML) on one
of the ``executors`` (a local pool, Dask), ``publish`` makes them visible (lock, atomic swap,
``latest``, runs index) and ``runner`` ties them together. Report history lives in
``casrec.history``.
"""

from casrec.run.errors import RunError, RunLocked
from casrec.run.executors import warm_kernels
from casrec.run.plan import DEFAULT_CELL_TIMEOUT_SECONDS, Page, RunConfig
from casrec.run.runner import (
    RunResult,
    default_notebooks_dir,
    plan_run,
    prerender,
    run_reports,
    terminal_progress,
)

__all__ = [
    "DEFAULT_CELL_TIMEOUT_SECONDS",
    "Page",
    "RunConfig",
    "RunError",
    "RunLocked",
    "RunResult",
    "default_notebooks_dir",
    "plan_run",
    "prerender",
    "run_reports",
    "terminal_progress",
    "warm_kernels",
]
