"""Paths in notebook parameters resolve against the project, wherever the kernel runs."""

import os

import pytest
from conftest import PROJECT_ROOT

from casrec.project import project_root, resolve_data_dir, resolve_path


def test_the_project_is_found_from_its_notebooks_folder():
    assert project_root(PROJECT_ROOT / "notebooks") == PROJECT_ROOT


def test_relative_paths_are_relative_to_the_project_not_the_working_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # papermill started in another folder
    assert project_root() == PROJECT_ROOT  # the project casrec is installed from
    assert resolve_data_dir("data") == str(PROJECT_ROOT / "data")
    monkeypatch.chdir(PROJECT_ROOT / "notebooks")  # JupyterLab
    assert resolve_data_dir("data") == str(PROJECT_ROOT / "data")


def test_absolute_paths_are_kept(tmp_path):
    assert resolve_path(tmp_path / "x") == tmp_path / "x"
    assert resolve_data_dir(str(tmp_path)) == str(tmp_path)


def test_a_copied_project_is_its_own_root(tmp_path, monkeypatch):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "claims.csv").write_text("claim_id\n", encoding="utf-8")
    (tmp_path / "notebooks").mkdir()
    monkeypatch.chdir(tmp_path / "notebooks")
    assert project_root() == tmp_path
    assert resolve_data_dir("data") == str(tmp_path / "data")
    assert os.path.isabs(resolve_data_dir("../elsewhere"))


def _papermill(cwd, *parameters):
    import subprocess
    import sys
    from pathlib import Path

    papermill = Path(sys.executable).with_name("papermill")
    notebook = PROJECT_ROOT / "notebooks" / "event.ipynb"
    out = Path(cwd) / "out.ipynb"
    command = [str(papermill), str(notebook.relative_to(PROJECT_ROOT)) if cwd == PROJECT_ROOT
               else str(notebook), str(out), "-k", "casrec", "-p", "event_id",
               "kobe-2025-02-07", "-p", "chart_renderer", "svg", *parameters]  # fmt: skip
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False), out


@pytest.mark.slow
@pytest.mark.parametrize("where", ["project", "elsewhere"])
def test_papermill_runs_the_event_notebook_from_any_folder(tmp_path, where):
    """The command papermill's documentation shows, typed from the project or another folder."""
    cwd = PROJECT_ROOT if where == "project" else tmp_path
    done, out = _papermill(cwd)
    try:
        assert done.returncode == 0, done.stderr[-2000:]
        assert "Kobe" in out.read_text(encoding="utf-8")
    finally:
        if where == "project":
            out.unlink(missing_ok=True)


@pytest.mark.slow
def test_a_missing_data_folder_shows_the_resolved_path(tmp_path):
    done, out = _papermill(tmp_path, "-p", "data_dir", "no-such-folder")
    assert done.returncode != 0
    text = out.read_text(encoding="utf-8")
    assert f"file not found: {PROJECT_ROOT / 'no-such-folder' / 'sources.csv'}" in text
