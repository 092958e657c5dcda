"""Helpers for the report-run tests: run ``casrec run`` in-process, break a notebook, snapshot."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import nbformat
from conftest import DATA_DIR, PROJECT_ROOT

from casrec.cli import main

NOTEBOOKS = PROJECT_ROOT / "notebooks"
DATE = "2026-01-15"
TWO_EVENTS = "kobe-2025-02-07,bamako-2024-09-17"

# A page must not make the browser fetch anything: scripts, stylesheets, images, frames.
FETCH = re.compile(
    r"""<(script|img|iframe|link)\b[^>]*\b(src|href)\s*=\s*["']?(https?:)?//""", re.I
)


def run(reports, *extra, data=DATA_DIR, date=DATE, notebooks=NOTEBOOKS):
    """``casrec run --quiet`` into ``reports``; returns the exit code."""
    return main(["run", "--quiet", "--date", date, "--reports-dir", str(reports),
                 "--data-dir", str(data), "--notebooks-dir", str(notebooks), *extra])  # fmt: skip


def broken_notebooks(tmp_path: Path, source: str, first: bool = False) -> Path:
    """A copy of notebooks/ whose event notebook ends with ``source``.

    ``first``: ``source`` runs right after the parameters instead, so the only cells before it
    are trivial ones (the namespace reset and the parameters), not the page's imports and work.
    """
    target = tmp_path / "notebooks"
    shutil.copytree(NOTEBOOKS, target)
    nb = nbformat.read(target / "event.ipynb", as_version=4)
    cell = nbformat.v4.new_code_cell(source)
    if first:
        parameters = next(
            i for i, c in enumerate(nb.cells) if "parameters" in c.metadata.get("tags", [])
        )
        nb.cells.insert(parameters + 1, cell)
    else:
        nb.cells.append(cell)
    nbformat.write(nb, target / "event.ipynb")
    return target


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` and its bytes."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}
