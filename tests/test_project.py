"""casrec init lays out a project an analyst can start on; runs, JupyterLab and notebook paths
find its parts wherever the kernel runs."""

import csv
import json
import os

import pytest
from conftest import PROJECT_ROOT

from casrec import datapackage, project, resources
from casrec.cli import EXIT_BAD_INPUT, EXIT_FAILED, EXIT_OK, main
from casrec.project import project_root, resolve_data_dir, resolve_path
from casrec.schema import DATA_TABLES, TABLES, DataError, load_dataset


@pytest.fixture
def new_project(tmp_path, monkeypatch):
    monkeypatch.setattr(resources, "ensure_kernel", lambda: False)  # leave Jupyter's paths alone
    assert main(["init", str(tmp_path / "conflict")]) == EXIT_OK
    return tmp_path / "conflict"


def test_init_writes_header_only_tables_from_the_contract(new_project):
    for name in DATA_TABLES:
        with (new_project / "data" / TABLES[name].file).open(encoding="utf-8") as handle:
            assert list(csv.reader(handle)) == [TABLES[name].column_names]
    assert (new_project / "reports").is_dir()


def test_init_copies_the_default_vocabularies_notebooks_and_writes_the_descriptor(new_project):
    for default in resources.default_vocabularies():
        assert (new_project / "data" / default.name).read_bytes() == default.read_bytes()
    packaged = {p.name for p in resources.packaged_notebooks_dir().glob("*.ipynb")}
    assert {p.name for p in (new_project / "notebooks").glob("*.ipynb")} == packaged
    descriptor = json.loads((new_project / "data" / "datapackage.json").read_text())
    assert descriptor == datapackage.data_package()
    readme = (new_project / "README.md").read_text()
    assert "casrec run" in readme and "casrec lab" in readme and "conflict" in readme


def test_a_new_project_is_valid_but_empty(new_project):
    # the loader's word for it: a header with no claims, named as such
    with pytest.raises(DataError, match=r"claims\.csv: has a header but no claims"):
        load_dataset(new_project / "data")


def test_validate_on_a_new_project_names_the_missing_claims_without_a_traceback(
    new_project, capsys
):
    # every rule runs over files with headers and no rows (empty frames of every dtype)
    assert main(["validate", "--data-dir", str(new_project / "data")]) == EXIT_FAILED
    out = capsys.readouterr()
    assert "FAILED [critical] claims.claims_present" in out.out
    assert "has a header but no claims" in out.out and "Traceback" not in out.err


def test_init_never_overwrites(new_project, capsys):
    (new_project / "data" / "claims.csv").write_text("claim_id\nmine\n")
    assert main(["init", str(new_project)]) == EXIT_BAD_INPUT
    err = capsys.readouterr().err
    assert "already has" in err and "data/claims.csv" in err
    assert (new_project / "data" / "claims.csv").read_text() == "claim_id\nmine\n"


def test_init_without_notebooks_runs_on_the_packaged_ones(tmp_path, monkeypatch):
    monkeypatch.setattr(resources, "ensure_kernel", lambda: False)
    assert main(["init", "--no-notebooks", str(tmp_path / "p")]) == EXIT_OK
    assert not (tmp_path / "p" / "notebooks").exists()
    dirs = project.run_dirs(tmp_path / "p")
    assert dirs.notebooks.origin == resources.PACKAGED
    assert dirs.data_dir == tmp_path / "p" / "data"
    assert dirs.reports_dir == tmp_path / "p" / "reports"


def test_run_dirs_prefer_the_projects_notebooks_and_explicit_folders(new_project, tmp_path):
    dirs = project.run_dirs(new_project)
    assert dirs.notebooks == resources.Located((new_project / "notebooks").resolve(), "project")
    other = tmp_path / "elsewhere"
    other.mkdir()
    given = project.run_dirs(new_project, data_dir=other, notebooks_dir=other)
    assert given.data_dir == other and given.notebooks.origin == resources.GIVEN


def test_lab_opens_the_projects_notebooks_on_the_casrec_kernel(new_project, capsys):
    assert main(["lab", "--project", str(new_project), "--print-command"]) == EXIT_OK
    command = capsys.readouterr().out
    assert "jupyterlab" in command
    assert f"--ServerApp.root_dir={(new_project / 'notebooks').resolve()}" in command
    assert "default_kernel_name=casrec" in command


def test_lab_copies_the_notebooks_into_a_project_without_them(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(resources, "ensure_kernel", lambda: False)
    assert main(["init", "--no-notebooks", str(tmp_path / "p")]) == EXIT_OK
    assert main(["lab", "--project", str(tmp_path / "p"), "--print-command"]) == EXIT_OK
    count = len(list(resources.packaged_notebooks_dir().glob("*.ipynb")))
    assert f"copied {count} notebooks" in capsys.readouterr().out
    assert project.copy_notebooks(tmp_path / "p") == [], "copies only once"


def test_lab_outside_a_project_says_how_to_start_one(tmp_path, capsys):
    assert main(["lab", "--project", str(tmp_path)]) == EXIT_BAD_INPUT
    assert "casrec init" in capsys.readouterr().err


def test_run_in_a_folder_without_data_names_the_missing_files(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(resources, "ensure_kernel", lambda: False)
    code = main(["run", "--project", str(tmp_path), "--date", "2026-01-01", "--quiet"])
    assert code == EXIT_BAD_INPUT
    err = capsys.readouterr().err
    assert f"bad input in {tmp_path / 'data'}" in err and "claims.csv" in err


# --- paths resolved against the project


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
