"""Frictionless descriptors generated from the contract: committed copies never drift, the real
frictionless client accepts the shipped data and names the row of an injected fault."""

import csv
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import DATA_DIR, PROJECT_ROOT

from casrec import datapackage, vocabulary
from casrec.cli import EXIT_FAILED, EXIT_OK, main
from casrec.reconcile import OUTPUT_COLUMNS
from casrec.schema import TABLES

FRICTIONLESS = str(Path(sys.executable).parent / "frictionless")


def test_committed_data_package_is_the_generated_one():
    committed = (DATA_DIR / "datapackage.json").read_text(encoding="utf-8")
    assert committed == datapackage.dumps(datapackage.data_package()), (
        "data/datapackage.json is stale: run `make datapackage`"
    )


def test_committed_reconciled_package_is_the_generated_one():
    committed = datapackage.RECONCILED_PACKAGE.read_text(encoding="utf-8")
    assert committed == datapackage.dumps(datapackage.reconciled_package()), (
        "src/casrec/schemas/reconciled.datapackage.json is stale: run `make datapackage`"
    )


def test_every_contract_column_is_a_field_with_its_rules():
    package = datapackage.data_package()
    assert package["$schema"].endswith("/2.0/datapackage.json")
    resources = {r["name"]: r for r in package["resources"]}
    assert set(resources) == set(TABLES)
    for name, table in TABLES.items():
        fields = {f["name"]: f for f in resources[name]["schema"]["fields"]}
        assert list(fields) == table.column_names
        for column in table.columns:
            assert (
                fields[column.name].get("constraints", {}).get("required", False) == column.required
            )
        assert resources[name]["path"] == table.file
    claims = {f["name"]: f for f in resources["claims"]["schema"]["fields"]}
    assert claims["metric"]["constraints"]["enum"] == list(vocabulary.METRICS.codes)
    assert resources["claims"]["schema"]["primaryKey"] == ["claim_id"]
    keys = {fk["fields"][0]: fk["reference"] for fk in resources["claims"]["schema"]["foreignKeys"]}
    assert keys["event_id"] == {"resource": "events", "fields": ["event_id"]}
    assert keys["part_of"] == {"fields": ["claim_id"]}, "a self-reference names no resource (v2)"
    assert resources["lexicon"][datapackage.ROW_CONSTRAINTS_KEY] == ["low <= high"]


def test_reconciled_package_describes_every_output_column():
    (resource,) = datapackage.reconciled_package()["resources"]
    fields = {f["name"]: f for f in resource["schema"]["fields"]}
    assert list(fields) == OUTPUT_COLUMNS
    assert fields["low"]["type"] == "integer" and fields["high_open"]["type"] == "boolean"
    assert fields["status"]["constraints"]["enum"] == list(vocabulary.STATUSES.codes)
    assert fields["claim_ids"]["type"] == "list" and fields["claim_ids"]["delimiter"] == ";"
    assert "required" not in fields["side"].get("constraints", {})


def test_a_column_added_to_the_output_is_described_from_claims_or_as_text(monkeypatch):
    monkeypatch.setattr(datapackage, "OUTPUT_COLUMNS", [*OUTPUT_COLUMNS, "group", "tie_note"])
    (resource,) = datapackage.reconciled_package()["resources"]
    fields = {f["name"]: f for f in resource["schema"]["fields"]}
    assert fields["group"]["type"] == "string" and "constraints" not in fields["group"]
    assert fields["tie_note"] == {"name": "tie_note", "type": "string",
                                  "description": "see METHODOLOGY.md"}  # fmt: skip


def test_datapackage_command_writes_and_checks(tmp_path, capsys):
    assert main(["datapackage", "--data-dir", str(tmp_path), "--check"]) == EXIT_FAILED
    assert "casrec datapackage --write" in capsys.readouterr().err
    assert main(["datapackage", "--data-dir", str(tmp_path), "--write"]) == EXIT_OK
    assert main(["datapackage", "--data-dir", str(tmp_path), "--check"]) == EXIT_OK
    assert json.loads((tmp_path / "datapackage.json").read_text())["name"] == "casrec-data"
    assert main(["datapackage", "--reconciled"]) == EXIT_OK
    assert json.loads(capsys.readouterr().out)["resources"][0]["path"] == "reconciled.csv"


# --- the real frictionless client -------------------------------------------------------------


def _frictionless(descriptor: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [FRICTIONLESS, "validate", "--json", str(descriptor)], capture_output=True, text=True
    )


def _errors(result: subprocess.CompletedProcess) -> list[dict]:
    report = json.loads(result.stdout)
    return [
        {"resource": task["name"], **error} for task in report["tasks"] for error in task["errors"]
    ]


def test_frictionless_accepts_the_shipped_data():
    result = _frictionless(DATA_DIR / "datapackage.json")
    assert result.returncode == 0, result.stdout[-2000:]
    assert json.loads(result.stdout)["valid"] is True
    assert datapackage.validate_package(DATA_DIR / "datapackage.json").valid


def _rewrite(path: Path, line: int, column: str, value: str) -> None:
    """Set ``column`` on file line ``line`` (header = 1) of a CSV without multi-line cells."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    rows[line - 1][rows[0].index(column)] = value
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


@pytest.fixture
def faulty_copy(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    return data


def test_frictionless_names_the_row_of_each_injected_fault(faulty_copy):
    _rewrite(faulty_copy / "events.csv", 3, "country", "Mali")
    _rewrite(faulty_copy / "claims.csv", 4, "metric", "deaths")
    _rewrite(faulty_copy / "claims.csv", 6, "event_id", "no-such-event")
    _rewrite(faulty_copy / "sources.csv", 2, "published", "7 Feb 2025")
    result = _frictionless(faulty_copy / "datapackage.json")
    assert result.returncode != 0
    found = {
        (e["resource"], e["rowNumber"], e["type"], e.get("fieldName")) for e in _errors(result)
    }
    assert ("events", 3, "constraint-error", "country") in found
    assert ("claims", 4, "constraint-error", "metric") in found
    assert ("claims", 6, "foreign-key", None) in found
    assert ("sources", 2, "constraint-error", "published") in found
    assert len(found) == 4, found


def test_an_unknown_column_and_a_missing_required_one_are_refused(faulty_copy):
    path = faulty_copy / "actors.csv"
    path.write_text(path.read_text().replace("actor_id,name,kind", "actor_id,name,sort"))
    report = datapackage.validate_package(faulty_copy / "datapackage.json")
    types = {t for (t,) in report.flatten(["type"])}
    assert {"extra-label", "missing-label"} <= types, types


def test_optional_columns_may_be_left_out_and_reordered(faulty_copy):
    path = faulty_copy / "sources.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    columns = ["title", "source_id", "published", "publisher", "source_type"]  # no url, notes
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(
            handle, fieldnames=columns, extrasaction="ignore", lineterminator="\n"
        )
        writer.writeheader()
        writer.writerows(rows)
    report = datapackage.validate_package(faulty_copy / "datapackage.json")
    assert report.valid, report.flatten(["rowNumber", "type", "note"])


def test_the_row_constraint_catches_an_upside_down_vague_term(faulty_copy):
    _rewrite(faulty_copy / "vague_quantities.csv", 2, "low", "1000000")
    report = datapackage.validate_package(faulty_copy / "datapackage.json")
    assert not report.valid
    rows = report.flatten(["rowNumber", "type"])
    assert rows == [[2, "row-constraint"]]


def test_a_reports_reconciled_csv_passes_frictionless(tmp_path):
    assert main(["reconcile", "--data-dir", str(DATA_DIR), "--skip-quality",
                 "--out", str(tmp_path / "reconciled.csv")]) == EXIT_OK  # fmt: skip
    datapackage.write_reconciled_package(tmp_path / "datapackage.json")
    assert datapackage.validate_package(tmp_path / "datapackage.json").valid
    _rewrite(tmp_path / "reconciled.csv", 5, "status", "disputed")
    _rewrite(tmp_path / "reconciled.csv", 7, "low", "999999999")
    rows = datapackage.validate_package(tmp_path / "datapackage.json").flatten(
        ["rowNumber", "type"]
    )
    assert [5, "constraint-error"] in rows and [7, "row-constraint"] in rows


def test_the_make_target_regenerates_every_descriptor():
    makefile = (PROJECT_ROOT / "Makefile").read_text()
    target = makefile[makefile.index("\ndatapackage:") :].split("\n\n")[0]
    assert "casrec datapackage --write" in target
    assert "reconciled.datapackage.json" in target and "write_hxl_schema" in target
