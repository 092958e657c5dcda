"""Where the project is: paths a notebook or a command is given resolve against it.

A notebook runs with the kernel in whatever folder started it: ``notebooks/`` in JupyterLab,
the caller's folder under papermill, anywhere under a scheduler. Relative paths in its
parameters (``data_dir = "data"``) are relative to the project folder, so they name the same
files from every one of them.
"""

from __future__ import annotations

from pathlib import Path


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
