"""Packaged resources: one place finds notebooks, suites and default vocabularies.

The slow tests build the wheel, install it into a fresh environment (beside this checkout's
locked dependencies) and run a new project there, once with this repository's tests
importable and once without them.
"""

import csv
import json
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest
from conftest import (
    DATA_DIR,
    DEFAULT_ACTORS,
    DEFAULT_EVENTS,
    PROJECT_ROOT,
    append_row,
    claim,
    write_table,
)

from casrec import quality, resources
from casrec.pipeline import input_checksums
from casrec.schema import DataError, load_dataset


def test_a_clone_finds_the_repository_notebooks_and_suites():
    assert resources.expectations_dir() == PROJECT_ROOT / "expectations"
    assert resources.expectations_dir() == quality.EXPECTATIONS_DIR
    assert resources.packaged_notebooks_dir() == PROJECT_ROOT / "notebooks"
    assert {p.stem for p in resources.packaged_notebooks_dir().glob("*.ipynb")} >= {
        "overview", "event", "displacement", "data_quality"}  # fmt: skip


def test_a_projects_own_notebooks_win_over_the_packaged_ones(tmp_path):
    assert resources.notebooks_for(tmp_path).origin == resources.PACKAGED
    (tmp_path / "notebooks").mkdir()
    assert resources.notebooks_for(tmp_path).origin == resources.PACKAGED, "empty folder"
    (tmp_path / "notebooks" / "overview.ipynb").write_text("{}")
    assert resources.notebooks_for(tmp_path) == resources.Located(
        (tmp_path / "notebooks").resolve(), resources.PROJECT
    )


def test_every_vocabulary_of_the_contract_ships_as_a_default():
    from casrec.schema import DATA_TABLES, TABLES

    vocabulary_files = {t.file for n, t in TABLES.items() if n not in DATA_TABLES}
    defaults = {p.name: p for p in resources.default_vocabularies()}
    assert "vague_quantities.csv" in defaults
    assert set(defaults) == vocabulary_files, (
        "each vocabulary file of the contract needs a line in pyproject.toml's "
        '[tool.hatch.build.targets.wheel.force-include]: "data/F" = "casrec/defaults/F"'
    )
    assert all(p.parent == DATA_DIR for p in defaults.values()), "one copy: this repository's"


def _data_without_lexicon(directory: Path) -> Path:
    directory.mkdir()
    write_table(directory, "sources", [{"source_id": "hrw", "publisher": "HRW", "title": "R",
                                        "published": "2025-02-20", "source_type": "ngo"}])  # fmt: skip
    write_table(directory, "actors", DEFAULT_ACTORS)
    write_table(directory, "events", DEFAULT_EVENTS)
    write_table(directory, "claims", [claim("a", "dozens"), claim("b", "34")])
    return directory


def test_a_folder_without_the_lexicon_uses_the_packaged_default(tmp_path):
    data = _data_without_lexicon(tmp_path / "data")
    dataset = load_dataset(data)
    assert "dozens" in set(dataset.lexicon["term"])
    default = resources.default_vocabulary("vague_quantities.csv")
    assert dataset.files["lexicon"] == default
    record = resources.vocabulary_provenance(data)["vague_quantities.csv"]
    assert record["origin"] == resources.PACKAGED
    assert record["sha256"] == resources.sha256(default)
    assert input_checksums(data)["vague_quantities.csv"] == record["sha256"]


def test_a_lexicon_in_data_overrides_the_default(tmp_path):
    data = _data_without_lexicon(tmp_path / "data")
    (data / "vague_quantities.csv").write_text("term,low,high,notes\ndozens,30,40,\n")
    assert load_dataset(data).lexicon["low"].tolist() == [30]
    record = resources.vocabulary_provenance(data)["vague_quantities.csv"]
    assert record["origin"] == resources.PROJECT
    assert record["path"] == str((data / "vague_quantities.csv").resolve())
    # a term the project's lexicon lacks is an error even though the default knows it
    write_table(data, "claims", [claim("a", "scores")])
    with pytest.raises(DataError, match="scores"):
        load_dataset(data)


def test_the_data_tables_have_no_default(tmp_path):
    data = _data_without_lexicon(tmp_path / "data")
    (data / "claims.csv").unlink()
    with pytest.raises(DataError, match=r"claims\.csv.*file not found"):
        load_dataset(data)


def test_run_provenance_names_the_notebooks_origin(tmp_path):
    data = _data_without_lexicon(tmp_path / "data")
    packaged = resources.run_provenance(data, resources.packaged_notebooks_dir())
    assert packaged["notebooks_source"]["origin"] == resources.PACKAGED
    (tmp_path / "notebooks").mkdir()
    own = resources.run_provenance(data, tmp_path / "notebooks")
    assert own["notebooks_source"]["origin"] == resources.PROJECT
    assert own["vocabularies"]["vague_quantities.csv"]["origin"] == resources.PACKAGED
    # this repository is a project: its notebooks are its own
    mali = resources.run_provenance(DATA_DIR, PROJECT_ROOT / "notebooks")
    assert mali["notebooks_source"]["origin"] == resources.PROJECT
    assert mali["vocabularies"]["vague_quantities.csv"]["origin"] == resources.PROJECT


# --- the wheel, installed into a fresh environment ------------------------------------------


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    """casrec built as a wheel from this checkout (uv build, no network: hatchling is local)."""
    out = tmp_path_factory.mktemp("dist")
    uv = Path(sys.executable).parent / "uv"
    subprocess.run(
        [str(uv), "build", "--wheel", "--no-build-isolation", "--out-dir", str(out), "--quiet"],
        cwd=PROJECT_ROOT, check=True,
    )  # fmt: skip
    return next(out.glob("casrec-*.whl"))


@pytest.mark.slow
def test_the_wheel_carries_notebooks_suites_templates_and_defaults(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for notebook in ("overview", "event", "displacement", "data_quality"):
        assert f"casrec/notebooks/{notebook}.ipynb" in names
    for suite in ("sources", "actors", "events", "claims", "reconciled"):
        assert f"casrec/expectations/{suite}.json" in names
    assert "casrec/templates/casrec/index.html.j2" in names
    for default in resources.default_vocabularies():
        assert f"casrec/defaults/{default.name}" in names
    assert "casrec/schemas/reconciled.hxl-schema.json" in names


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory):
    """A fresh venv holding only the wheel; the locked dependencies are this checkout's.

    They are reached through a ``.pth`` line naming this environment's site-packages: a line
    adds its folder to ``sys.path`` but runs none of its ``.pth`` files, so the checkout's
    editable casrec stays out, while the installed packages (compiled once, by ``make``) need
    no second install and no second byte-compilation in the test. casrec installs its own
    kernel into the new environment, as it does for any user.
    """
    venv = tmp_path_factory.mktemp("venv") / ".venv"
    uv = str(Path(sys.executable).parent / "uv")
    subprocess.run([uv, "venv", "--quiet", "--python", sys.executable, str(venv)], check=True)
    python = str(venv / "bin" / "python")
    site = subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                          capture_output=True, text=True, check=True).stdout.strip()  # fmt: skip
    (Path(site) / "locked_dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n")
    # their data files too (nbconvert's page templates), but not this checkout's kernels
    shared = venv / "share" / "jupyter"
    shared.mkdir(parents=True)
    for folder in (Path(sys.prefix) / "share" / "jupyter").iterdir():
        if folder.name != "kernels":
            (shared / folder.name).symlink_to(folder, target_is_directory=True)
    subprocess.run(
        # compiled on install, as pip does by default (uv does not)
        [uv, "pip", "install", "--quiet", "--offline", "--no-deps", "--compile-bytecode",
         "--python", python, str(wheel)],
        check=True,
    )  # fmt: skip
    return venv


def _start_a_project(venv: Path, work: Path, env: dict) -> Path:
    casrec = str(venv / "bin" / "casrec")
    subprocess.run([casrec, "init", "conflict"], cwd=work, env=env, check=True)
    project = work / "conflict"
    data = project / "data"
    append_row(data / "sources.csv", {"source_id": "monitor-2026", "publisher": "A monitor",
            "title": "Incident report", "published": "2026-03-02", "source_type": "ngo"})  # fmt: skip
    append_row(data / "events.csv", {"event_id": "village-2026-03-01", "title": "Attack on a village",
            "kind": "incident", "date_start": "2026-03-01", "country": "BFA",
            "admin1": "Sahel", "location": "A village"})  # fmt: skip
    for claim_id, claimant, role, value in (
        ("monitor-killed", "A monitor", "independent", "at least 12"),
        ("radio-killed", "A radio", "independent", "about 15"),
        ("wire-killed", "A wire", "independent", "dozens"),
    ):
        append_row(data / "claims.csv", {"claim_id": claim_id, "event_id": "village-2026-03-01",
                "source_id": "monitor-2026", "claimant": claimant, "claimant_role": role,
                "metric": "killed", "population": "civilians", "value": value,
                "evidence": f"{value} civilians were killed"})  # fmt: skip
    return project


def _run_a_report_in_a_new_project(venv: Path, work: Path, env: dict) -> None:
    project = _start_a_project(venv, work, env)
    casrec = str(venv / "bin" / "casrec")
    validate = subprocess.run([casrec, "validate"], cwd=project, env=env)
    assert validate.returncode == 0
    table = subprocess.run([casrec, "reconcile", "--skip-quality"], cwd=project, env=env,
                           capture_output=True, text=True, check=True).stdout  # fmt: skip
    assert "village-2026-03-01" in table and "12–99" in table
    run = subprocess.run(
        [casrec, "run", "--date", "2026-03-05", "--quiet"], cwd=project, env=env,
        capture_output=True, text=True,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    day = project / "reports" / "2026-03-05"
    assert (day / "event-village-2026-03-01.html").is_file()
    info = json.loads((day / "run.json").read_text())
    assert info["notebooks_source"]["origin"] == "project"
    assert info["vocabularies"]["vague_quantities.csv"]["origin"] == "project"
    rows = list(csv.DictReader((day / "reconciled.csv").open(encoding="utf-8")))
    assert [(r["low"], r["high"], r["n_claims"]) for r in rows] == [("12", "99", "3")]
    # without its own notebooks and lexicon the project runs on casrec's packaged ones
    shutil.rmtree(project / "notebooks")
    (project / "data" / "vague_quantities.csv").unlink()
    again = subprocess.run([casrec, "run", "--project", str(project), "--date", "2026-03-06",
                            "--quiet"], cwd=work, env=env, capture_output=True, text=True)  # fmt: skip
    assert again.returncode == 0, again.stderr
    info = json.loads((project / "reports" / "2026-03-06" / "run.json").read_text())
    assert info["notebooks_source"]["origin"] == "packaged"
    assert info["notebooks_source"]["path"].startswith(str(venv / "lib"))
    # the pages ran on a kernel of the new environment, which casrec installed there
    kernel = json.loads((venv / "share/jupyter/kernels/casrec/kernel.json").read_text())
    assert kernel["argv"][0] == str(venv / "bin" / "python")
    assert info["vocabularies"]["vague_quantities.csv"]["origin"] == "packaged"


def _clean_env(venv: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    env["JUPYTER_PATH"] = str(venv / "share" / "jupyter")
    return env


@pytest.mark.slow
def test_an_installed_wheel_starts_a_project_and_renders_it_without_the_repository(
    installed, tmp_path
):
    env = _clean_env(installed)
    env["HOME"] = str(tmp_path / "home")  # nothing of this checkout's user config either
    show = (
        "import casrec, casrec.resources as r; print(casrec.__file__); print(r.expectations_dir())"
    )
    python = str(installed / "bin" / "python")
    where = subprocess.run([python, "-c", show], cwd=tmp_path, env=env, capture_output=True,
                           text=True, check=True).stdout  # fmt: skip
    assert str(PROJECT_ROOT) not in where and "site-packages" in where
    # with this repository's tests on the path too, casrec still comes from the wheel
    beside = subprocess.run([python, "-c", show], cwd=tmp_path, capture_output=True, text=True,
                            env={**env, "PYTHONPATH": str(PROJECT_ROOT / "tests")}, check=True)  # fmt: skip
    assert beside.stdout == where
    _run_a_report_in_a_new_project(installed, tmp_path, env)
