"""Where casrec finds what it ships: notebooks, expectation suites, templates, default vocabularies.

An installed wheel carries them inside the package (``casrec/notebooks``, ...); a clone of the
repository (editable install) keeps notebooks and suites at the repository root, where other
people edit them. Every other module asks here instead of walking ``parents[n]`` of its own file.
A project's own copy (``PROJECT/notebooks``, ``data/vague_quantities.csv``) always wins over the
packaged one, and callers are told which they got so ``run.json`` can record it.
"""

from __future__ import annotations

import hashlib
import sys
from dataclasses import dataclass
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
# The repository root when casrec runs from a clone (src/casrec -> repository); in a wheel this
# is site-packages' parent and holds no pyproject.toml naming casrec.
SOURCE_TREE = PACKAGE_DIR.parents[1]
DEFAULTS_DIR = PACKAGE_DIR / "defaults"
TEMPLATES_DIR = PACKAGE_DIR / "templates"
SCHEMAS_DIR = PACKAGE_DIR / "schemas"
KERNEL_NAME = "casrec"
KERNEL_DISPLAY_NAME = "Python (casrec)"

PROJECT = "project"
PACKAGED = "packaged"
GIVEN = "given"  # a folder named on the command line, neither the project's nor casrec's


class ResourceMissing(RuntimeError):
    """A folder casrec ships is absent: the installation is broken (not the analyst's data)."""


def _in_source_tree() -> bool:
    pyproject = SOURCE_TREE / "pyproject.toml"
    return pyproject.is_file() and 'name = "casrec"' in pyproject.read_text(encoding="utf-8")


def wheel_contents() -> dict[str, str]:
    """In a clone: pyproject's force-include table, {repository path: path in the wheel}.

    This one table says what the wheel carries from outside ``src/``, so a clone resolves the
    same resources as an installed wheel without a second list.
    """
    import tomllib

    config = tomllib.loads((SOURCE_TREE / "pyproject.toml").read_text(encoding="utf-8"))
    return config["tool"]["hatch"]["build"]["targets"]["wheel"]["force-include"]


def _source_of(packaged: str) -> Path | None:
    """The repository path that the wheel ships as ``casrec/<packaged>``, in a clone."""
    if not _in_source_tree():
        return None
    for source, target in wheel_contents().items():
        if target == f"casrec/{packaged}":
            return SOURCE_TREE / source
    return None


def packaged_dir(name: str) -> Path:
    """``casrec/<name>`` inside the installed package, else its source in the repository clone."""
    inside = PACKAGE_DIR / name
    if inside.is_dir():
        return inside
    tree = _source_of(name)
    if tree is not None and tree.is_dir():
        return tree
    raise ResourceMissing(
        f"casrec's {name}/ is neither in the package ({inside}) nor in a source tree; "
        "reinstall casrec"
    )


def expectations_dir() -> Path:
    """The committed great-expectations suites (one JSON file per table)."""
    return packaged_dir("expectations")


def packaged_notebooks_dir() -> Path:
    """The notebooks casrec ships (overview, event, displacement, data_quality)."""
    return packaged_dir("notebooks")


@dataclass(frozen=True)
class Located:
    """A resolved resource and whether it is the project's own copy or the packaged one."""

    path: Path
    origin: str  # PROJECT | PACKAGED


def notebooks_for(project_dir: str | Path | None) -> Located:
    """The project's ``notebooks/`` when it holds notebooks, else the packaged ones."""
    if project_dir is not None:
        own = Path(project_dir) / "notebooks"
        if own.is_dir() and any(own.glob("*.ipynb")):
            return Located(own.resolve(), PROJECT)
    return Located(packaged_notebooks_dir(), PACKAGED)


def default_vocabularies() -> list[Path]:
    """Every vocabulary file casrec ships a default for (``casrec/defaults/*.csv``).

    In a clone the defaults are this repository's own ``data/`` copies, which the wheel
    force-includes as ``casrec/defaults/``: one curated file, never two that drift.
    """
    if DEFAULTS_DIR.is_dir():
        return sorted(DEFAULTS_DIR.glob("*.csv"))
    if not _in_source_tree():
        return []
    prefix = "casrec/defaults/"
    return sorted(
        SOURCE_TREE / source
        for source, target in wheel_contents().items()
        if target.startswith(prefix)
    )


def default_vocabulary(file_name: str) -> Path | None:
    """The packaged default of a vocabulary file (vague_quantities.csv, ...), or None."""
    return next((p for p in default_vocabularies() if p.name == file_name), None)


def table_file(data_dir: str | Path, file_name: str) -> Path:
    """The file a contract table is read from: ``data_dir/<file>``, or the packaged default.

    Only vocabularies have packaged defaults; for the four data tables the path in
    ``data_dir`` is returned whether or not it exists, so the loader reports it missing.
    """
    own = Path(data_dir) / file_name
    if own.exists():
        return own
    return default_vocabulary(file_name) or own


def sha256(path: Path) -> str:
    """Hex sha256 of a file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def vocabulary_provenance(data_dir: str | Path) -> dict[str, dict[str, str]]:
    """For each vocabulary with a packaged default: which copy a run reads, and its checksum."""
    record = {}
    for default in default_vocabularies():
        path = table_file(data_dir, default.name)
        record[default.name] = {
            "origin": PROJECT if (Path(data_dir) / default.name).exists() else PACKAGED,
            "path": str(path.resolve()),
            "sha256": sha256(path),
        }
    return record


def kernel_installed(name: str = KERNEL_NAME) -> bool:
    """Whether Jupyter can find a kernel called ``name``."""
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    try:
        KernelSpecManager().get_kernel_spec(name)
    except NoSuchKernel:
        return False
    return True


def ensure_kernel(name: str = KERNEL_NAME) -> bool:
    """Install the ``casrec`` kernel into this environment when missing; True if it installed.

    Report runs and JupyterLab use the kernel by name, and a wheel installed with pip or uv
    has no kernel spec until one is written (``make`` does it for a clone).
    """
    if kernel_installed(name):
        return False
    from ipykernel.kernelspec import install

    install(prefix=sys.prefix, kernel_name=name, display_name=KERNEL_DISPLAY_NAME)
    return True


def notebooks_origin(notebooks_dir: str | Path, project_dir: str | Path) -> str:
    """PROJECT when the notebooks are the project's own, PACKAGED when casrec's, else GIVEN."""
    notebooks = Path(notebooks_dir).resolve()
    if notebooks.is_relative_to(Path(project_dir).resolve()):
        return PROJECT  # this repository is a project too: its notebooks/ are its own
    try:
        if notebooks == packaged_notebooks_dir().resolve():
            return PACKAGED
    except ResourceMissing:
        pass
    return GIVEN


def run_provenance(data_dir: str | Path, notebooks_dir: str | Path) -> dict:
    """What ``run.json`` records about the resources a run used: notebooks and vocabularies.

    The project is the folder holding ``data/`` (``casrec init`` lays it out so).
    """
    project_dir = Path(data_dir).resolve().parent
    return {
        "notebooks_source": {
            "origin": notebooks_origin(notebooks_dir, project_dir),
            "path": str(Path(notebooks_dir).resolve()),
        },
        "vocabularies": vocabulary_provenance(data_dir),
    }
