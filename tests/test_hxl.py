"""reconciled.hxl.csv loads in libhxl (the reference HXL library) as HDX users would load it."""

import csv
from pathlib import Path

import hxl as libhxl
import pytest
from conftest import DATA_DIR, DEFAULT_EVENTS, claim, write_dataset
from hxl.input import InputOptions

from casrec import hxl, vocabulary
from casrec.pipeline import analyse, load_and_reconcile
from casrec.schema import load_dataset

LOCAL = InputOptions(allow_local=True)


def _load(path: Path):
    return libhxl.data(str(path), LOCAL)


def _problems(path: Path, schema=None) -> list:
    found = []
    source = _load(schema) if schema is not None else None
    libhxl.schema(source, callback=found.append).validate(_load(path))
    return [(p.rule.severity, p.message, p.value) for p in found]


@pytest.fixture(scope="module")
def mali_hxl(tmp_path_factory) -> Path:
    analysis = analyse(DATA_DIR)
    path = tmp_path_factory.mktemp("hxl") / "reconciled.hxl.csv"
    return hxl.write_reconciled_hxl(analysis.reconciliation.output(), analysis.dataset.events, path)


def test_every_tag_is_well_formed_and_the_rows_are_the_reconciled_keys(mali_hxl):
    dataset = _load(mali_hxl)
    tags = [column.display_tag for column in dataset.columns]
    assert all(libhxl.model.Column.parse(tag).display_tag == tag for tag in tags)
    assert len(set(tags)) == len(tags), "no two columns share a tag"
    rows = list(dataset)
    assert len(rows) == len(load_and_reconcile(DATA_DIR).estimates)
    assert tags[:7] == ["#event+id", "#event+name", "#date+start", "#date+end",
                        "#country+code", "#adm1+name", "#loc+name"]  # fmt: skip


def test_hxls_core_schema_reports_no_error(mali_hxl):
    errors = [p for p in _problems(mali_hxl) if p[0] == "error"]
    assert errors == []


def test_casrecs_shipped_schema_reports_nothing(mali_hxl):
    assert _problems(mali_hxl, hxl.HXL_SCHEMA) == []


def test_the_committed_schema_is_the_generated_one():
    assert hxl.HXL_SCHEMA.read_text(encoding="utf-8") == hxl.dumps_schema(), (
        "src/casrec/schemas/reconciled.hxl-schema.json is stale: run `make datapackage`"
    )


def test_a_sum_over_one_metric_never_adds_another(mali_hxl):
    dataset = _load(mali_hxl).cache()
    killed_best = sum(float(row.get("#affected+killed+best") or 0) for row in dataset)
    estimates = load_and_reconcile(DATA_DIR).estimates
    killed = estimates[estimates["metric"] == "killed"]
    assert killed_best == pytest.approx(killed["best"].sum())
    for row in dataset:
        filled = {c.display_tag.split("+")[1] for c, v in zip(row.columns, row.values, strict=True)
                  if c.tag == "#affected" and v != ""}  # fmt: skip
        assert filled <= {row.get("#meta+metric")}


def test_events_place_and_dates_come_with_every_row(tmp_path):
    events = [{**DEFAULT_EVENTS[0], "admin1": "Gao", "location": "Kobe", "date_end": ""},
              {**DEFAULT_EVENTS[1], "date_end": "2012-12"}]  # fmt: skip
    data = write_dataset(tmp_path / "data", [
        claim("a", "34"), claim("b", "25", claimant="Army", claimant_role="party_other",
                                claimant_actor="fama", source_id="army"),
        claim("c", "about 400", event_id="war", metric="displaced", population="all"),
    ], events=events)  # fmt: skip
    dataset = load_dataset(data)
    reconciled = load_and_reconcile(data).output()
    path = hxl.write_reconciled_hxl(reconciled, dataset.events, tmp_path / "r.hxl.csv")
    rows = {r.get("#event+id"): r for r in _load(path)}
    kobe, war = rows["kobe"], rows["war"]
    assert (kobe.get("#date+start"), kobe.get("#date+end")) == ("2025-02-07", "2025-02-07")
    assert (kobe.get("#country+code"), kobe.get("#adm1+name"), kobe.get("#loc+name")) == (
        "MLI", "Gao", "Kobe")  # fmt: skip
    assert (kobe.get("#affected+killed+min"), kobe.get("#affected+killed+max")) == ("25", "34")
    assert kobe.get("#affected+killed+best") == "34"
    assert kobe.get("#group+population") == "civilians"
    assert war.get("#date+end") == "2012-12"
    assert war.get("#affected+displaced+best") == "400"
    assert war.get("#affected+killed+best") in ("", None)
    columns = {c.display_tag for c in _load(path).columns}
    assert "#affected+injured+min" not in columns, "only the metrics present get columns"
    assert _problems(path, hxl.HXL_SCHEMA) == []


def test_the_shipped_schema_catches_text_and_bad_dates(mali_hxl, tmp_path):
    with mali_hxl.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    tags = rows[1]
    rows[2][tags.index("#affected+killed+min")] = "dozens"
    rows[3][tags.index("#date+start")] = "7 Feb"
    rows[4][tags.index("#status")] = "disputed"
    broken = tmp_path / "broken.hxl.csv"
    with broken.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
    problems = _problems(broken, hxl.HXL_SCHEMA)
    values = {value for severity, _, value in problems if severity == "error"}
    assert {"dozens", "7 Feb", "disputed"} <= values
    core = {value for severity, _, value in _problems(broken) if severity == "error"}
    assert "dozens" in core


def test_a_column_added_to_reconciled_csv_goes_under_meta(monkeypatch):
    from casrec import tables

    estimates = load_and_reconcile(DATA_DIR).estimates.assign(tie_note="none")
    columns = [*tables.OUTPUT_COLUMNS, "tie_note"]
    monkeypatch.setattr(tables, "OUTPUT_COLUMNS", columns)
    monkeypatch.setattr(hxl, "OUTPUT_COLUMNS", columns)
    frame = hxl.hxl_frame(estimates, load_dataset(DATA_DIR).events)
    assert frame.iloc[0]["tie_note"] == "#meta+tie_note"
    assert hxl.tag_for("rationale") == "#description+rationale"


def test_every_metric_code_is_a_valid_hxl_attribute():
    for metric in vocabulary.METRICS.codes:
        for column in hxl.COUNT_ATTRIBUTES:
            tag = hxl.count_tag(metric, column)
            assert libhxl.model.Column.parse(tag).display_tag == tag
