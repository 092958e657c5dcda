"""Paths in notebook parameters resolve against the project, wherever the kernel runs."""

import os

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
