"""A casrec project: its folder layout, ``casrec init DIR``, and paths resolved against it.

A project is a folder with ``data/`` (the contract's CSVs), optionally ``notebooks/`` (the
analyst's copies; the packaged ones apply when absent) and ``reports/``. This repository is a
project too. casrec's upgrades then never touch the analyst's data.

A notebook runs with the kernel in whatever folder started it: ``notebooks/`` in JupyterLab,
the caller's folder under papermill, anywhere under a scheduler. Relative paths in its
parameters (``data_dir = "data"``) are relative to the project folder, so they name the same
files from every one of them.
"""

from __future__ import annotations

import csv
import shutil
from dataclasses import dataclass
from pathlib import Path

from casrec import resources
from casrec.schema import DATA_TABLES, TABLES

DATA = "data"
NOTEBOOKS = "notebooks"
REPORTS = "reports"

README = """# {name}

A casrec project: casualty and displacement figures reconciled into low / best / high
estimates, each traced to its source.

```sh
casrec run        # render today's report into reports/<date>/ (open reports/latest/index.html)
casrec lab        # open these notebooks in JupyterLab on the casrec kernel
```

- `data/` holds the contract's CSVs (header only to start): add a row to `sources.csv`, the
  event to `events.csv`, then one row per figure a source states to `claims.csv`.
  `casrec validate` checks them and names the file, row and column of every problem.
- {vocabularies} are casrec's default vocabularies, copied for you to
  edit; delete one to go back to the default packaged with casrec.
- `data/datapackage.json` describes the tables for Frictionless tools
  (`frictionless validate data/datapackage.json`); `casrec datapackage --write` regenerates it
  after a casrec upgrade.
- `notebooks/` are your copies of casrec's notebooks; delete the folder to use the packaged
  ones. Each report's `run.json` says which were used.
"""


class ProjectExists(Exception):
    """``casrec init`` was pointed at a folder that already holds a project's files."""


@dataclass(frozen=True)
class RunDirs:
    """Where a run reads and writes, with where the notebooks came from."""

    data_dir: Path
    reports_dir: Path
    notebooks: resources.Located


def header_only_csv(path: Path, columns: list[str]) -> None:
    """Write a CSV holding only its header row (UTF-8, LF line ends)."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerow(columns)


def init_project(target: str | Path, *, with_notebooks: bool = True) -> list[Path]:
    """Create a project in ``target`` (made if needed); refuse to overwrite any file in it.

    Returns the files written. The data tables get header-only CSVs from the contract, the
    vocabularies casrec's defaults, and ``data/datapackage.json`` is generated from the contract.
    """
    from casrec.datapackage import write_data_package

    target = Path(target)
    planned = [target / "README.md", target / DATA / "datapackage.json"]
    planned += [target / DATA / TABLES[name].file for name in DATA_TABLES]
    planned += [target / DATA / path.name for path in resources.default_vocabularies()]
    notebooks = sorted(resources.packaged_notebooks_dir().glob("*.ipynb"))
    if with_notebooks:
        planned += [target / NOTEBOOKS / path.name for path in notebooks]
    clashes = [path for path in planned if path.exists()]
    if clashes:
        raise ProjectExists(
            f"{target} already has {', '.join(str(p.relative_to(target)) for p in clashes)}; "
            "casrec init never overwrites files (choose an empty or new folder)"
        )
    (target / DATA).mkdir(parents=True, exist_ok=True)
    (target / REPORTS).mkdir(exist_ok=True)
    written = []
    for name in DATA_TABLES:
        path = target / DATA / TABLES[name].file
        header_only_csv(path, TABLES[name].column_names)
        written.append(path)
    for default in resources.default_vocabularies():
        written.append(Path(shutil.copyfile(default, target / DATA / default.name)))
    written.append(write_data_package(target / DATA / "datapackage.json"))
    if with_notebooks:
        (target / NOTEBOOKS).mkdir(exist_ok=True)
        for notebook in notebooks:
            written.append(Path(shutil.copyfile(notebook, target / NOTEBOOKS / notebook.name)))
    vocabularies = ", ".join(f"`data/{p.name}`" for p in resources.default_vocabularies())
    readme = target / "README.md"
    readme.write_text(
        README.format(name=target.resolve().name, vocabularies=vocabularies), encoding="utf-8"
    )
    written.append(readme)
    return written


def run_dirs(
    project: str | Path,
    data_dir: Path | None = None,
    reports_dir: Path | None = None,
    notebooks_dir: Path | None = None,
) -> RunDirs:
    """The folders of a run in ``project``; an explicit folder overrides the project's."""
    project = Path(project)
    if notebooks_dir is not None:
        origin = resources.notebooks_origin(notebooks_dir, project)
        notebooks = resources.Located(Path(notebooks_dir).resolve(), origin)
    else:
        notebooks = resources.notebooks_for(project)
    return RunDirs(
        data_dir=data_dir if data_dir is not None else project / DATA,
        reports_dir=reports_dir if reports_dir is not None else project / REPORTS,
        notebooks=notebooks,
    )


def copy_notebooks(project: str | Path) -> list[Path]:
    """Copy the packaged notebooks into ``project/notebooks`` when it has none; the copies."""
    own = Path(project) / NOTEBOOKS
    if own.is_dir() and any(own.glob("*.ipynb")):
        return []
    own.mkdir(parents=True, exist_ok=True)
    return [
        Path(shutil.copyfile(notebook, own / notebook.name))
        for notebook in sorted(resources.packaged_notebooks_dir().glob("*.ipynb"))
    ]


def lab_command(project: str | Path) -> list[str]:
    """The JupyterLab command for a project's notebooks, on the casrec kernel by default."""
    import sys

    notebooks = resources.notebooks_for(project)
    return [
        sys.executable,
        "-m",
        "jupyterlab",
        f"--ServerApp.root_dir={notebooks.path}",
        f"--MappingKernelManager.default_kernel_name={resources.KERNEL_NAME}",
    ]


# --- paths in notebook parameters, resolved against the project


def _is_project(folder: Path) -> bool:
    """A casrec project: its data folder, or casrec's own pyproject.toml."""
    if (folder / "data" / "claims.csv").is_file():
        return True
    pyproject = folder / "pyproject.toml"
    try:
        return pyproject.is_file() and 'name = "casrec"' in pyproject.read_text(encoding="utf-8")
    except OSError:
        return False


def project_root(start: str | Path | None = None) -> Path:
    """The nearest casrec project folder up from ``start`` (default: the working folder).

    Without ``start``, a working folder outside any project falls back to the project casrec
    is installed from (an editable install sits in it); failing both, the working folder.
    """
    bases = [Path(start or Path.cwd()).resolve()]
    if start is None:
        bases.append(Path(__file__).resolve().parent)
    for base in bases:
        for folder in (base, *base.parents):
            if _is_project(folder):
                return folder
    return bases[0]


def resolve_path(path: str | Path, root: str | Path | None = None) -> Path:
    """An absolute path as it is; a relative one against the project folder (or ``root``)."""
    path = Path(path).expanduser()
    if path.is_absolute():
        return path
    return (Path(root) if root is not None else project_root()) / path


def resolve_data_dir(data_dir: str | Path, root: str | Path | None = None) -> str:
    """The data folder a notebook parameter names, as an absolute path (text, for papermill)."""
    return str(resolve_path(data_dir, root).resolve())
