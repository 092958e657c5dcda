"""Report history: published reports, the previous one, what changed since it."""

import datetime as dt
import shutil

import pytest
from conftest import DATA_DIR, append_row, claim, write_dataset
from runs import run

from casrec.cli import EXIT_OK
from casrec.history import changes_since, dated_reports, previous_report, resolve_date


def publish_fake(reports, date, reconciled: str | None = None):
    folder = reports / date
    folder.mkdir(parents=True)
    (folder / "run.json").write_text("{}")
    if reconciled is not None:
        (folder / "reconciled.csv").write_text(reconciled)
    return folder


def test_resolve_date():
    assert resolve_date("") == dt.date.today().isoformat()
    assert resolve_date(dt.date(2026, 1, 2)) == "2026-01-02"
    assert resolve_date("2026-01-02") == "2026-01-02"
    with pytest.raises(ValueError):
        resolve_date("yesterday")


def test_only_complete_dated_folders_are_reports(tmp_path):
    publish_fake(tmp_path, "2026-01-14")
    publish_fake(tmp_path, "2026-01-10")
    (tmp_path / "2026-01-16").mkdir()  # no run.json: not a published report
    (tmp_path / "failed").mkdir()
    assert [p.name for p in dated_reports(tmp_path)] == ["2026-01-10", "2026-01-14"]
    assert previous_report(tmp_path, before="2026-01-14").date == "2026-01-10"
    assert previous_report(tmp_path, before="2026-01-10") is None
    assert dated_reports(tmp_path / "missing") == []


def test_changes_since_the_previous_report(tmp_path):
    from casrec.pipeline import load_and_reconcile
    from casrec.tables import csv_ready

    data = write_dataset(tmp_path / "data", [claim("a", "34"), claim("b", "40", source_id="wire")])
    current = load_and_reconcile(data).output()
    before = csv_ready(current)
    before["best"], before["claim_ids"] = "30", "a"
    publish_fake(tmp_path / "reports", "2026-01-14", before.to_csv(index=False))
    changes = changes_since(previous_report(tmp_path / "reports", "2026-01-15"), current)
    assert changes["new_claims"]["claim_id"].tolist() == ["b"]
    assert changes["changed_estimates"]["best_previous"].tolist() == ["30"]
    assert changes_since(None, current) is None


@pytest.mark.slow
def test_overview_reports_changes_since_the_previous_report(published, tmp_path):
    reports = tmp_path / "reports"
    shutil.copytree(published, reports, symlinks=True)
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    witness = {"claim_id": "kobe-new-witness", "event_id": "kobe-2025-02-07",
               "source_id": "hrw-2025-02-kobe", "claimant": "a local witness",
               "claimant_role": "independent", "metric": "killed", "population": "civilians",
               "value": "40", "evidence": "killing at least 34 civilians"}  # fmt: skip
    append_row(data / "claims.csv", witness)
    assert run(reports, "--events", "kobe-2025-02-07", data=data, date="2026-01-16") == EXIT_OK
    overview = (reports / "2026-01-16" / "index.html").read_text()
    assert "Compared with the report of 2026-01-15" in overview
    assert "kobe-new-witness" in overview
    assert "34 → 40" in overview or "25 → 25" in overview
