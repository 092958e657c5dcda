"""Importers: UCDP GED and ACLED files in their published layouts -> drafts in the contract."""

import csv
import gzip
import io
import shutil
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from casrec.cli import main
from casrec.importers import (
    ACLED_COLUMNS,
    GED_COLUMNS,
    ImportFileError,
    Table,
    _count,
    country_code,
    import_acled,
    import_ucdp_ged,
    numeric_country_code,
    possible_duplicates,
)
from casrec.quantities import parse_quantity
from casrec.schema import TABLES

FIXTURES = Path(__file__).parent / "fixtures"
GED = FIXTURES / "ucdp_ged_sample.csv"
ACLED_FILE = FIXTURES / "acled_sample.csv"


@pytest.fixture
def project(tmp_path):
    """A small project data folder: one actor each kind, and two incidents."""
    data = tmp_path / "data"
    data.mkdir()
    (data / "actors.csv").write_text(
        "actor_id,name,kind\n"
        "fama,Malian Armed Forces (FAMa) / Malian government,state\n"
        "jnim,Group for the Support of Islam and Muslims (JNIM/GSIM),armed_group\n",
        encoding="utf-8",
    )
    (data / "events.csv").write_text(
        "event_id,title,kind,date_start,date_end,country,admin1,location\n"
        "kobe-2025-02-07,Attack on a convoy at Kobe,incident,2025-02-07,,MLI,Gao,Kobe\n"
        "bamako-2024-09-18,Attack on Bamako,incident,2024-09-18,,MLI,Bamako,Bamako\n"
        "mali-war,Mali War,aggregate,2012-01-16,,MLI,,\n",
        encoding="utf-8",
    )
    return data


def test_fixtures_are_in_the_published_layouts():
    with GED.open(encoding="utf-8") as handle:
        assert next(csv.reader(handle)) == GED_COLUMNS
    with ACLED_FILE.open(encoding="utf-8") as handle:
        assert next(csv.reader(handle)) == ACLED_COLUMNS
    assert len(GED_COLUMNS) == 49 and len(ACLED_COLUMNS) == 31


def test_ged_row_is_one_estimate_claim_with_breakdowns(project):
    drafts = import_ucdp_ged(GED, project)
    claims = drafts.claims.set_index("claim_id")
    whole = claims.loc["ucdp-ged-900002-ucdp-killed"]
    assert whole["value"] == "16 (14–21)" and whole["claimant"] == "UCDP"
    quantity = parse_quantity(whole["value"])
    assert (quantity.low, quantity.point, quantity.high) == (14, 16, 21)
    parts = claims[claims["part_of"] == "ucdp-ged-900002-ucdp-killed"]
    assert sorted(parts["value"].astype(int)) == [1, 2, 4, 9]
    by_population = dict(zip(parts["population"], parts["side"], strict=True))
    assert by_population == {
        "security_forces": "fama",  # "Government of Mali" matched to actors.csv
        "militants": "jnim",
        "civilians": "",
        "unknown": "",
    }
    # an exact figure (best = low = high) stays a plain number
    assert claims.loc["ucdp-ged-900003-ucdp-killed", "value"] == "5"
    # one-sided violence: the civilians killed are deaths_civilians, not a "side b"
    one_sided = claims[claims["part_of"] == "ucdp-ged-900001-ucdp-killed"]
    assert list(one_sided["population"]) == ["militants", "civilians"]


def test_ged_events_matched_to_existing_incidents_are_flagged_not_merged(project):
    drafts = import_ucdp_ged(GED, project)
    events = drafts.events.set_index("event_id")
    kobe = events.loc["ucdp-ged-900001"]
    assert kobe["possible_duplicate_of"] == "kobe-2025-02-07"
    assert "same dates" in kobe["review"] and "same place (Kobe)" in kobe["review"]
    bamako = events.loc["ucdp-ged-900002"]  # one day apart, same admin1
    assert bamako["possible_duplicate_of"] == "bamako-2024-09-18"
    assert "1 day(s) apart" in bamako["review"]
    assert events.loc["ucdp-ged-900003", "possible_duplicate_of"] == ""
    assert set(drafts.claims["event_id"]) == set(events.index)  # claims keep the new ids
    assert list(events["country"]) == ["MLI", "MLI", "BFA"]


def test_ged_new_actors_are_drafted_for_review(project):
    actors = import_ucdp_ged(GED, project).actors
    assert set(actors["actor_id"]) == {"is-sahel", "government-of-burkina-faso"}
    assert (
        dict(zip(actors["actor_id"], actors["kind"], strict=True))["government-of-burkina-faso"]
        == "state"
    )
    assert actors["review"].str.contains("new actor").all()


def test_acled_fatalities_claim_keeps_source_and_notes(project):
    drafts = import_acled(ACLED_FILE, project)
    claims = drafts.claims.set_index("claim_id")
    kobe = claims.loc["acled-mli30001-acled-killed"]
    assert (kobe["claimant"], kobe["value"], kobe["metric"]) == ("ACLED", "32", "killed")
    assert "Synthetic Radio" in kobe["notes"] and "killing 32 civilians" in kobe["notes"]
    assert "vague word" in claims.loc["acled-mli30002-acled-killed", "review"]
    events = drafts.events.set_index("event_id")
    assert events.loc["acled-mli30001", "possible_duplicate_of"] == "kobe-2025-02-07"
    assert events.loc["acled-bfa8001", "date_start"] == "2024-08-24"  # "24 August 2024"
    assert list(events["country"]) == ["MLI", "MLI", "BFA"]
    # JNIM and Mali's forces are in actors.csv already; civilians are not an actor
    assert list(drafts.actors["actor_id"]) == ["islamic-state-sahel"]


def test_drafts_follow_the_contract_columns(project):
    drafts = import_ucdp_ged(GED, project)
    for name in ("sources", "actors", "events", "claims"):
        table = getattr(drafts, name)
        assert set(TABLES[name].column_names) <= set(table.columns)
        assert table.columns[-1] == "review"
    for row in drafts.claims.itertuples():
        assert len(row.evidence.split()) <= 30
        parse_quantity(row.value)


def test_possible_duplicates_rule():
    existing = pd.DataFrame(
        [
            {"event_id": "a", "title": "Ambush near Dori", "kind": "incident",
             "date_start": "2024-03-01", "date_end": "", "country": "BFA", "admin1": "Sahel",
             "location": "Dori"},
            {"event_id": "b", "title": "Ambush near Dori", "kind": "incident",
             "date_start": "2024-03-09", "date_end": "", "country": "BFA", "admin1": "Sahel",
             "location": "Dori"},
            {"event_id": "c", "title": "Ambush near Dori", "kind": "incident",
             "date_start": "2024-03-01", "date_end": "", "country": "NER", "admin1": "Sahel",
             "location": "Dori"},
        ]
    )  # fmt: skip
    event = {"date_start": "2024-03-03", "country": "BFA", "admin1": "Sahel region",
             "location": "Dori town", "title": "Clash"}  # fmt: skip
    assert [m[0] for m in possible_duplicates(event, existing)] == ["a"]  # 2 days apart
    assert possible_duplicates(event, existing, max_days=1) == []
    assert possible_duplicates({**event, "admin1": "Est", "location": "Fada"}, existing) == []


def test_country_codes():
    assert country_code("Mali") == "MLI"
    assert country_code("DR Congo (Zaire)") == "COD"
    assert country_code("Burkina Faso") == "BFA"
    assert country_code("Atlantis") is None
    assert numeric_country_code("466") == "MLI"


def test_cli_import_writes_a_drafts_folder(project, tmp_path, capsys):
    out = tmp_path / "drafts"
    code = main(["import", "ucdp-ged", str(GED), "--data-dir", str(project), "--out", str(out),
                 "--published", "2025-06"])  # fmt: skip
    assert code == 0, capsys.readouterr().err
    assert sorted(p.name for p in out.iterdir()) == [
        "actors.csv",
        "claims.csv",
        "events.csv",
        "sources.csv",
    ]
    sources = pd.read_csv(out / "sources.csv", dtype=str, keep_default_na=False)
    assert list(sources["published"]) == ["2025-06"]
    assert "3 events (2 to review)" in capsys.readouterr().err
    # a second import into the same folder would overwrite the analyst's edits: refused
    assert main(["import", "acled", str(ACLED_FILE), "--out", str(out)]) == 2
    assert "already exists" in capsys.readouterr().err


def test_cli_refuses_to_write_into_data(project, capsys):
    code = main(["import", "acled", str(ACLED_FILE), "--data-dir", str(project),
                 "--out", str(project)])  # fmt: skip
    assert code == 2 and "never writes" in capsys.readouterr().err


def test_missing_columns_are_named(tmp_path, capsys):
    broken = tmp_path / "ged.csv"
    rows = list(csv.reader(GED.open(encoding="utf-8")))
    keep = [k for k, c in enumerate(rows[0]) if c not in ("best", "low")]
    with broken.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([[r[k] for k in keep] for r in rows])
    assert main(["import", "ucdp-ged", str(broken), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert str(broken) in err and "missing column(s): best, low" in err
    assert "Traceback" not in err


def test_acled_file_given_as_ged_is_refused_with_its_missing_columns(tmp_path, capsys):
    assert main(["import", "ucdp-ged", str(ACLED_FILE), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert "not a UCDP GED file" in err and "the file writes" not in err
    assert "it has the columns of an ACLED export file: import it with `casrec import acled`" in err


def test_bad_cells_are_located(tmp_path, capsys):
    bad = tmp_path / "acled.csv"
    shutil.copy(ACLED_FILE, bad)
    text = bad.read_text(encoding="utf-8").replace(",12,,1726700000", ",twelve,,1726700000")
    bad.write_text(text, encoding="utf-8")
    assert main(["import", "acled", str(bad), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert "row 3 (event_id_cnty MLI30002), column 'fatalities'" in err


@pytest.mark.parametrize("content", [None, b"\xff\xfe\x00x", b""])
def test_unreadable_files_exit_2(tmp_path, capsys, content):
    path = tmp_path / "file.csv"
    if content is not None:
        path.write_bytes(content)
    assert main(["import", "acled", str(path), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert str(path) in err and "Traceback" not in err


@pytest.mark.parametrize("importer", [import_ucdp_ged, import_acled])
def test_drafts_load_as_a_dataset_once_pasted(project, tmp_path, importer):
    """Pasted beside the project's own rows, the drafts pass casrec's loader unchanged."""
    from casrec.schema import load_dataset

    fixture = GED if importer is import_ucdp_ged else ACLED_FILE
    drafts = importer(fixture, project)
    folder = tmp_path / "pasted"
    folder.mkdir()
    own = {
        "actors": pd.read_csv(project / "actors.csv", dtype=str, keep_default_na=False),
        "events": pd.read_csv(project / "events.csv", dtype=str, keep_default_na=False),
    }
    for name in ("sources", "actors", "events", "claims"):
        table = getattr(drafts, name)
        columns = [c for c in TABLES[name].column_names if c in table.columns]
        table = table[columns]
        if name in own:
            table = pd.concat([own[name], table], ignore_index=True).fillna("")
        table.to_csv(folder / TABLES[name].file, index=False)
    for vocabulary_file in ("vague_quantities.csv", "subgroups.csv"):
        shutil.copy(Path(__file__).parents[1] / "data" / vocabulary_file, folder)
    dataset = load_dataset(folder)
    assert len(dataset.claims) == len(drafts.claims)


def _rewrite(source: Path, target: Path, edit) -> Path:
    """A copy of a fixture with its rows passed through ``edit`` (a list of lists)."""
    rows = list(csv.reader(source.open(encoding="utf-8")))
    with target.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(edit(rows))
    return target


@pytest.mark.parametrize(("dataset", "fixture", "column"), [
    ("ucdp-ged", GED, "id"), ("acled", ACLED_FILE, "event_id_cnty"),
])  # fmt: skip
def test_a_repeated_event_id_is_refused_naming_both_rows(tmp_path, capsys, dataset, fixture,
                                                         column):  # fmt: skip
    """Two rows with one id would draft two events under one event_id."""
    copied = _rewrite(fixture, tmp_path / "file.csv", lambda rows: [*rows, rows[1]])
    assert main(["import", dataset, str(copied), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    last = len(list(csv.reader(fixture.open(encoding="utf-8")))) + 1
    value = next(csv.DictReader(fixture.open(encoding="utf-8")))[column]
    assert f"row {last}, column {column!r}: {value!r} repeats row 2" in err
    assert not (tmp_path / "o").exists()


def test_a_column_named_twice_in_the_header_is_refused_not_a_traceback(tmp_path, capsys):
    def rename(rows):
        rows[0][rows[0].index("gwnob")] = "best"
        return rows

    copied = _rewrite(GED, tmp_path / "ged.csv", rename)
    assert main(["import", "ucdp-ged", str(copied), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert "row 1 (header): column 'best' appears twice" in err and "Traceback" not in err


def test_a_one_column_header_holding_semicolons_is_named_as_such(tmp_path, capsys):
    """A header that no separator splits into the layout's columns: say what it holds."""
    path = tmp_path / "acled.csv"
    path.write_text("id;date;deaths\n1;2025-02-07;3\n", encoding="utf-8")
    err = _refusal(tmp_path, capsys, "acled", path)
    assert "the header is one column, 'id;date;deaths', separated by semicolons" in err


def test_a_file_mixing_utf8_and_windows_1252_names_its_first_bad_byte(tmp_path, capsys):
    """Read as either encoding, one of its halves would come out garbled: refused."""
    path = tmp_path / "acled.csv"
    text = ACLED_FILE.read_text(encoding="utf-8").splitlines()
    head = ("\n".join(text[:2]) + "\n").replace("Kobe", "Kob\u00e9").encode("utf-8")
    tail = ("\n".join(text[2:]) + "\n").replace("Bamako", "S\u00e9gou").encode("cp1252")
    path.write_bytes(head + tail)
    err = _refusal(tmp_path, capsys, "acled", path)
    assert "is neither UTF-8 nor Windows-1252: line 3 has byte 0xE9" in err


def test_a_ged_row_with_low_above_high_names_the_three_columns(tmp_path, capsys):
    def swap(rows):
        low, high = rows[0].index("low"), rows[0].index("high")
        rows[1][low], rows[1][high] = str(int(rows[1][high]) + 1), rows[1][low]
        return rows

    copied = _rewrite(GED, tmp_path / "ged.csv", swap)
    assert main(["import", "ucdp-ged", str(copied), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert "row 2 (id " in err and "columns 'low', 'best', 'high': expected low <= best" in err


def test_an_empty_acled_file_is_named_with_the_right_article(tmp_path, capsys):
    path = tmp_path / "acled.csv"
    path.write_bytes(b"")
    assert main(["import", "acled", str(path), "--out", str(tmp_path / "o")]) == 2
    assert "expected an ACLED export CSV with a header row" in capsys.readouterr().err


def test_the_release_date_note_is_left_out_when_the_date_is_given(project):
    given = import_ucdp_ged(GED, project, published="2025-06").sources.iloc[0]
    assert given["published"] == "2025-06" and "not in the file" not in given["notes"]
    missing = import_ucdp_ged(GED, project).sources.iloc[0]
    assert "Release date not in the file" in missing["notes"]


@pytest.mark.parametrize(("dataset", "fixture", "note_column", "bad_column", "id_column"), [
    ("acled", ACLED_FILE, "notes", "fatalities", "event_id_cnty"),
    ("ucdp-ged", GED, "source_article", "best", "id"),
])  # fmt: skip
def test_a_bad_row_after_multi_line_cells_names_its_editor_line(
    tmp_path, capsys, dataset, fixture, note_column, bad_column, id_column
):
    """A quoted note over three lines moves every later row two lines down in the editor."""

    def edit(rows):
        header = rows[0]
        rows[1][header.index(note_column)] = "Attack on a convoy.\nToll rose the next day.\n"
        rows[2][header.index(bad_column)] = "n/a"
        return rows

    copied = _rewrite(fixture, tmp_path / "file.csv", edit)
    bad_id = list(csv.reader(fixture.open(encoding="utf-8")))[2][0]
    # the first row takes lines 2 to 4 (the note's line breaks); the bad row starts on line 5
    assert copied.read_text(encoding="utf-8").splitlines()[4].startswith(bad_id)
    assert main(["import", dataset, str(copied), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert f"row 5 ({id_column} {bad_id}), column {bad_column!r}" in err, err
    assert "'n/a'" in err and "Traceback" not in err


def test_a_repeated_id_after_a_multi_line_note_names_both_editor_lines(tmp_path, capsys):
    def edit(rows):
        rows[1][rows[0].index("notes")] = "First line.\nSecond line."
        return [*rows, rows[2]]

    copied = _rewrite(ACLED_FILE, tmp_path / "acled.csv", edit)
    assert main(["import", "acled", str(copied), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    # header 1, first row 2-3, then rows on lines 4 and 5; the copy of line 4 is on line 6
    assert "row 6, column 'event_id_cnty': 'MLI30002' repeats row 4" in err


def test_drafted_rows_keep_the_editor_line_of_each_record(tmp_path):
    from casrec.importers import ACLED_REQUIRED, read_layout

    def edit(rows):
        rows[1][rows[0].index("notes")] = "a\nb\nc"
        return [rows[0], rows[1], [], *rows[2:]]

    copied = _rewrite(ACLED_FILE, tmp_path / "acled.csv", edit)
    table = read_layout(copied, ACLED_REQUIRED, "ACLED export")
    assert table.lines == [2, 6, 7]  # lines 2-4 one record, line 5 blank
    assert table.cells["notes"][0] == "a\nb\nc"


def _refusal(tmp_path, capsys, dataset: str, path: Path) -> str:
    """The message of an import that must be refused (exit 2, no traceback, no drafts)."""
    assert main(["import", dataset, str(path), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert str(path) in err and "Traceback" not in err
    assert not (tmp_path / "o").exists()
    return err


def _with_cell(fixture: Path, target: Path, row: int, column: str, value: str) -> Path:
    def edit(rows):
        rows[row][rows[0].index(column)] = value
        return rows

    return _rewrite(fixture, target, edit)


@pytest.mark.parametrize("digits", [30, 400])
def test_a_count_too_large_for_any_toll_is_refused_not_rounded(tmp_path, capsys, digits):
    """30 nines were drafted as 1e30 rounded through a float; 400 were a traceback."""
    path = _with_cell(GED, tmp_path / "ged.csv", 1, "high", "9" * digits)
    err = _refusal(tmp_path, capsys, "ucdp-ged", path)
    assert "row 2 (id 900001), column 'high': expected a whole number of people" in err
    assert "more than 10,000,000,000" in err and len(err) < 600


def test_ged_deaths_that_do_not_add_up_to_best_are_refused(tmp_path, capsys):
    """UCDP's best is the sum of the four death columns; the breakdowns would not add up."""
    path = _with_cell(GED, tmp_path / "ged.csv", 1, "deaths_civilians", "3")
    err = _refusal(tmp_path, capsys, "ucdp-ged", path)
    assert (
        "row 2 (id 900001), columns 'deaths_a', 'deaths_b', 'deaths_civilians', "
        "'deaths_unknown': expected them to add up to best (30)" in err
    )
    assert "0 + 0 + 3 + 0 = 3" in err


@pytest.mark.parametrize("text", ["2025-02-0799", "2025-02-07 junk", "07/02/2025", "2025-02"])
def test_a_date_with_anything_after_it_or_in_another_form_is_refused(tmp_path, capsys, text):
    """'2025-02-0799' was read as 2025-02-07 (only the start of the cell was looked at)."""
    path = _with_cell(GED, tmp_path / "ged.csv", 1, "date_start", text)
    err = _refusal(tmp_path, capsys, "ucdp-ged", path)
    assert "row 2 (id 900001), column 'date_start': expected a date such as 2025-02-07" in err
    assert repr(text) in err


@pytest.mark.parametrize(
    "text", ["2025-02-07T00:00:00Z", "2025-02-07 00:00:00.000", "7 February 2025"]
)
def test_dates_as_ucdp_and_acled_write_them_read(tmp_path, text):
    path = _with_cell(ACLED_FILE, tmp_path / "acled.csv", 1, "event_date", text)
    assert import_acled(path).events["date_start"].iloc[0] == "2025-02-07"


def test_an_empty_acled_date_is_refused_not_drafted_as_nat(tmp_path, capsys):
    path = _with_cell(ACLED_FILE, tmp_path / "acled.csv", 1, "event_date", "")
    err = _refusal(tmp_path, capsys, "acled", path)
    assert "row 2 (event_id_cnty MLI30001), column 'event_date': expected a date" in err


def test_a_ged_event_ending_before_it_starts_is_refused(tmp_path, capsys):
    path = _with_cell(GED, tmp_path / "ged.csv", 1, "date_end", "2025-02-01")
    err = _refusal(tmp_path, capsys, "ucdp-ged", path)
    assert "row 2 (id 900001), columns 'date_start', 'date_end': expected date_end on or" in err


def test_unnamed_empty_columns_a_spreadsheet_appends_are_dropped(tmp_path, capsys):
    text = ACLED_FILE.read_text(encoding="utf-8").splitlines()
    path = tmp_path / "acled.csv"
    path.write_text("\n".join(line + ",," for line in text) + "\n", encoding="utf-8")
    assert list(import_acled(path).claims["value"]) == ["32", "12", "100"]
    text[2] += ",,stray"
    path.write_text("\n".join([text[0] + ",,", *text[1:]]) + "\n", encoding="utf-8")
    err = _refusal(tmp_path, capsys, "acled", path)
    assert "row 3, cell 33: 'stray' is under a column the header leaves unnamed" in err


def test_a_header_repeated_mid_file_is_named_as_two_joined_exports(tmp_path, capsys):
    path = _rewrite(ACLED_FILE, tmp_path / "acled.csv", lambda r: [r[0], r[1], r[0], *r[2:]])
    err = _refusal(tmp_path, capsys, "acled", path)
    assert "row 3 repeats the header row (two files joined into one?)" in err


@pytest.mark.parametrize(("first", "second"), [
    ("MLI30001", "mli30001"), ("MLI" + "9" * 80, "MLI" + "9" * 80 + "1"),
])  # fmt: skip
def test_ids_that_make_the_same_event_id_are_refused(tmp_path, capsys, first, second):
    """Ids differing in case or past 60 characters drafted two events under one event_id."""

    def edit(rows):
        rows[1][0], rows[2][0] = first, second
        return rows

    path = _rewrite(ACLED_FILE, tmp_path / "acled.csv", edit)
    err = _refusal(tmp_path, capsys, "acled", path)
    assert "row 3, column 'event_id_cnty': " in err and "(row 2) would both be drafted" in err


@pytest.mark.parametrize(("dataset", "fixture", "column"), [
    ("ucdp-ged", GED, "id"), ("acled", ACLED_FILE, "event_id_cnty"),
])  # fmt: skip
def test_a_row_without_its_dataset_id_is_refused(tmp_path, capsys, dataset, fixture, column):
    """It was drafted as 'acled-row-2', an id that two imports would both make."""
    path = _with_cell(fixture, tmp_path / "file.csv", 1, column, "")
    err = _refusal(tmp_path, capsys, dataset, path)
    assert f"row 2, column {column!r}: empty; expected the dataset's id" in err


def test_a_file_with_a_header_and_no_rows_is_refused(tmp_path, capsys):
    path = _rewrite(ACLED_FILE, tmp_path / "acled.csv", lambda rows: rows[:1])
    err = _refusal(tmp_path, capsys, "acled", path)
    assert "a header but no rows; expected at least one ACLED export row" in err


def test_a_quote_never_closed_and_a_file_cut_short_are_named(tmp_path, capsys):
    text = ACLED_FILE.read_text(encoding="utf-8")
    path = tmp_path / "acled.csv"
    # the last note's closing quote left out: the note runs to the end of the file
    path.write_text(text.replace('100.",100', "100.,100"), encoding="utf-8")
    err = _refusal(tmp_path, capsys, "acled", path)
    assert "row 4: 28 fields but the header has 31" in err
    assert "a quote opened in this row and never closed" in err
    path.write_text(text[: text.rindex(",100,")], encoding="utf-8")
    err = _refusal(tmp_path, capsys, "acled", path)
    assert "row 4: 28 fields but the header has 31 (the file may be cut short" in err


@pytest.mark.parametrize("prefix", [b"\xef\xbb\xbf", b"\n\n"])
def test_bom_crlf_and_blank_lines_before_the_header_read(tmp_path, prefix):
    data = ACLED_FILE.read_bytes().replace(b"\n", b"\r\n")
    path = tmp_path / "acled.csv"
    path.write_bytes(prefix + data)
    assert list(import_acled(path).claims["value"]) == ["32", "12", "100"]


def test_a_nul_byte_is_refused_with_its_line(tmp_path, capsys):
    path = tmp_path / "acled.csv"
    path.write_text(ACLED_FILE.read_text(encoding="utf-8").replace("Bamako", "Bam\x00ako", 1))
    err = _refusal(tmp_path, capsys, "acled", path)
    assert "line 3 contains a NUL byte" in err


def test_excels_separator_line_and_a_second_bom_before_the_header_read(tmp_path, capsys):
    path = tmp_path / "acled.csv"
    text = ACLED_FILE.read_text(encoding="utf-8").replace(",12,,1726700000", ",twelve,,1726700000")
    path.write_bytes(b"\xef\xbb\xbf\xef\xbb\xbfsep=,\r\n" + text.replace("\n", "\r\n").encode())
    err = _refusal(tmp_path, capsys, "acled", path)
    assert "row 4 (event_id_cnty MLI30002), column 'fatalities'" in err  # the header is line 2


def _acled_file(path: Path, *rows: dict) -> Path:
    """A made-up ACLED export: each row's given cells, the other published columns filled in."""
    base = {
        "event_id_cnty": "XYZ1", "event_date": "2025-03-01", "event_type": "Battles",
        "sub_event_type": "Armed clash", "actor1": "", "inter1": "", "actor2": "", "inter2": "",
        "country": "Mali", "admin1": "Mopti", "location": "Sofara", "source": "A Paper",
        "notes": "A clash.", "fatalities": "3",
    }  # fmt: skip
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, ACLED_COLUMNS, restval="")
        writer.writeheader()
        writer.writerows({**base, **row} for row in rows)
    return path


@pytest.mark.parametrize("code", ["9", "Bandits", "", "  "])
def test_an_acled_actor_with_an_unknown_code_is_drafted_with_its_kind_left_to_decide(
    tmp_path, code
):
    """An actor whose inter code ACLED does not define was silently left out of actors.csv."""
    path = _acled_file(
        tmp_path / "acled.csv",
        {"event_id_cnty": "XYZ1", "actor1": "Sofara Hunters", "inter1": "Political militia",
         "actor2": "Unknown Gunmen (Mali)", "inter2": code},
    )  # fmt: skip
    actors = import_acled(path).actors.set_index("actor_id")
    assert set(actors.index) == {"sofara-hunters", "unknown-gunmen-mali"}
    assert actors.loc["sofara-hunters", "kind"] == "militia"
    gunmen = actors.loc["unknown-gunmen-mali"]
    # kind is the analyst's to set: the loader refuses an empty kind, never a guessed one
    assert gunmen["kind"] == ""
    assert f"{path}, row 2 (event_id_cnty XYZ1), column 'inter2'" in gunmen["review"]
    assert f"{code.strip()!r}" in gunmen["review"] and "set kind" in gunmen["review"]


def test_an_unknown_code_does_not_hide_a_kind_a_later_row_gives(tmp_path):
    path = _acled_file(
        tmp_path / "acled.csv",
        {"event_id_cnty": "XYZ1", "actor1": "Sofara Hunters", "inter1": "99"},
        {"event_id_cnty": "XYZ2", "actor1": "Sofara Hunters", "inter1": "3"},
    )
    (actor,) = import_acled(path).actors.to_dict("records")
    assert actor["kind"] == "militia"
    assert "row 2 (event_id_cnty XYZ1), column 'inter1'" in actor["review"]
    assert "kind 'militia' from " in actor["review"]
    assert "row 3 (event_id_cnty XYZ2), column 'inter1'" in actor["review"]


def test_an_acled_actor_named_in_actors_csv_is_linked_whatever_its_code(project, tmp_path):
    path = _acled_file(
        tmp_path / "acled.csv",
        {"actor1": "Malian Armed Forces (FAMa) / Malian government", "inter1": ""},
    )
    assert import_acled(path, project).actors.empty


@pytest.mark.parametrize("code", ["7", "Civilians"])
def test_acled_civilians_are_a_population_not_an_actor(tmp_path, code):
    path = _acled_file(tmp_path / "acled.csv", {"actor2": "Farmers (Mali)", "inter2": code})
    assert import_acled(path).actors.empty


@pytest.mark.parametrize("code", ["5", "Rioters", "6", "Protesters"])
def test_acled_rioters_and_protesters_are_drafted_as_other_actors(tmp_path, code):
    """ACLED documents them as actors of no kind the contract names: `other`, not left out."""
    path = _acled_file(tmp_path / "acled.csv", {"actor1": "Protesters (Mali)", "inter1": code})
    actors = import_acled(path).actors
    assert list(zip(actors["actor_id"], actors["kind"], strict=True)) == [
        ("protesters-mali", "other")
    ]


# ---------------------------------------------------------------------------------------------
# Files as real downloads and spreadsheets save them
# ---------------------------------------------------------------------------------------------

ACCENTS = FIXTURES / "acled_accents.csv"


def _drafts_equal(left, right) -> None:
    for name in ("sources", "actors", "events", "claims"):
        pd.testing.assert_frame_equal(getattr(left, name), getattr(right, name))


def _saved(rows: list[list[str]], path: Path, separator=",", encoding="utf-8", newline="\n",
           trailer="") -> Path:  # fmt: skip
    """Rows written as a spreadsheet might save them: separator, encoding, line ends."""
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=separator, lineterminator=newline).writerows(rows)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes((buffer.getvalue() + trailer).encode(encoding))
    return path


def _rows(fixture: Path) -> list[list[str]]:
    return [row for row in csv.reader(fixture.open(encoding="utf-8", newline="")) if row]


_HEADER_STYLES = {
    "as published": lambda name: name,
    "upper": str.upper,
    "title, spaces for underscores": lambda name: name.replace("_", " ").title(),
    "spaces around": lambda name: f"  {name} ",
}


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    fixture=st.sampled_from([ACCENTS, GED, ACLED_FILE]),
    separator=st.sampled_from([",", ";", "\t"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252"]),
    newline=st.sampled_from(["\n", "\r\n", "\r"]),
    header=st.sampled_from(sorted(_HEADER_STYLES)),
    trailer=st.sampled_from(["", "\n", "\r\n\r\n"]),
    extra=st.booleans(),
)
def test_any_saving_of_a_valid_file_gives_exactly_the_same_drafts(
    tmp_path_factory, fixture, separator, encoding, newline, header, trailer, extra
):
    """Encoding, separator, line ends, header casing and unknown columns change nothing."""
    importer = import_ucdp_ged if fixture is GED else import_acled
    expected = importer(fixture)
    rows = _rows(fixture)
    rows = [[_HEADER_STYLES[header](name) for name in rows[0]], *rows[1:]]
    if extra:  # a column the layout does not publish, first and last
        rows = [["Analyst note", *rows[0], "my_flag"], *(["x", *r, "1"] for r in rows[1:])]
    folder = tmp_path_factory.mktemp("saved")
    path = _saved(rows, folder / fixture.name, separator, encoding, newline, trailer)
    _drafts_equal(importer(path), expected)


@pytest.mark.parametrize(("encoding", "note"), [
    ("utf-16", "read as UTF-16"), ("utf-16-le", "UTF-16 without its mark"),
    ("cp1252", "read as Windows-1252"), ("latin-1", "read as Windows-1252"),
])  # fmt: skip
def test_other_encodings_read_and_are_named_in_the_summary(tmp_path, capsys, encoding, note):
    path = _saved(_rows(ACCENTS), tmp_path / "acled.csv", "\t", encoding, "\r\n")
    drafts = import_acled(path)
    assert list(drafts.events["admin1"]) == ["Ségou", "Tombouctou", "Ménaka"]
    assert main(["import", "acled", str(path), "--out", str(tmp_path / "o")]) == 0
    err = capsys.readouterr().err
    assert note in err and "separated by tabs" in err
    if encoding in ("cp1252", "latin-1"):
        assert "check that accented names read right (line 2: 'Ségou')" in err


def test_excels_separator_line_names_the_separator(tmp_path):
    path = _saved(_rows(ACLED_FILE), tmp_path / "acled.csv", ";")
    path.write_bytes(b"sep=;\r\n" + path.read_bytes())
    assert list(import_acled(path).claims["value"]) == ["32", "12", "100"]


def test_columns_under_their_older_published_names_read(tmp_path):
    """GED before 5.0 (best_est...), ACLED before 2017 (upper case, ALLY_ACTOR_1, GWNO)."""
    older = {"best": "best_est", "low": "low_est", "high": "high_est"}
    rows = _rows(GED)
    rows[0] = [older.get(name, name) for name in rows[0]]
    drafts = import_ucdp_ged(_saved(rows, tmp_path / "ged" / GED.name))
    expected = import_ucdp_ged(GED)
    pd.testing.assert_frame_equal(drafts.claims, expected.claims)
    assert "Columns read under their older names: best_est as best" in drafts.sources["notes"][0]

    old_acled = ["GWNO", "EVENT_ID_CNTY", "EVENT_ID_NO_CNTY", "EVENT_DATE", "YEAR",
                 "TIME_PRECISION", "EVENT_TYPE", "ACTOR1", "ALLY_ACTOR_1", "INTER1", "ACTOR2",
                 "ALLY_ACTOR_2", "INTER2", "INTERACTION", "COUNTRY", "ADMIN1", "ADMIN2", "ADMIN3",
                 "LOCATION", "LATITUDE", "LONGITUDE", "GEO_PRECISION", "SOURCE", "NOTES",
                 "FATALITIES"]  # fmt: skip
    row = dict.fromkeys(old_acled, "")
    row.update(GWNO="432", EVENT_ID_CNTY="MLI1234", EVENT_DATE="18/04/2001", YEAR="2001",
               EVENT_TYPE="Violence against civilians", ACTOR1="Unidentified Armed Group (Mali)",
               INTER1="3", ACTOR2="Civilians (Mali)", INTER2="7", COUNTRY="Mali", ADMIN1="Gao",
               LOCATION="Gao", SOURCE="A Paper", NOTES="An attack.", FATALITIES="2")  # fmt: skip
    path = _saved([old_acled, list(row.values())], tmp_path / "acled_2001.csv")
    drafts = import_acled(path)
    event = drafts.events.iloc[0]
    assert (event["date_start"], event["country"]) == ("2001-04-18", "MLI")
    assert event["title"] == "Violence against civilians at Gao (2001-04-18)"
    assert "ALLY_ACTOR_1 as assoc_actor_1" in drafts.sources["notes"][0]
    assert "absent from this file: year" not in drafts.sources["notes"][0]
    assert "sub_event_type" in drafts.sources["notes"][0]
    assert "event_date read day first, as row 2 writes '18/04/2001'" in drafts.summary()


def test_a_column_named_twice_in_two_spellings_is_refused_naming_both(tmp_path, capsys):
    rows = _rows(GED)
    rows[0][rows[0].index("gwnob")] = "BEST"
    path = _saved(rows, tmp_path / "ged.csv")
    err = _refusal(tmp_path, capsys, "ucdp-ged", path)
    assert "column 'best' appears twice ('best' and 'BEST', cells 45 and 49)" in err


def test_a_missing_column_names_the_near_miss(tmp_path, capsys):
    rows = _rows(ACLED_FILE)
    rows[0][rows[0].index("fatalities")] = "fatality"
    err = _refusal(tmp_path, capsys, "acled", _saved(rows, tmp_path / "acled.csv"))
    assert "missing column(s): fatalities (the file writes 'fatality' for 'fatalities'?)" in err


@pytest.mark.parametrize(("written", "read"), [
    ("2025-02-07", "2025-02-07"), ("07 February 2025", "2025-02-07"),
    ("7-Feb-2025", "2025-02-07"), ("February 7, 2025", "2025-02-07"), ("7 Sept 2025", "2025-09-07"),
    ("2025/02/07", "2025-02-07"), ("5/5/2025", "2025-05-05"), ("05.05.2025 00:00", "2025-05-05"),
])  # fmt: skip
def test_dates_in_the_forms_exports_and_spreadsheets_write_read(tmp_path, written, read):
    path = _with_cell(ACLED_FILE, tmp_path / "acled.csv", 1, "event_date", written)
    assert import_acled(path).events["date_start"].iloc[0] == read


def test_a_day_month_date_is_refused_unless_the_file_settles_the_order(tmp_path, capsys):
    path = _with_cell(ACLED_FILE, tmp_path / "acled.csv", 1, "event_date", "7/2/2025")
    err = _refusal(tmp_path, capsys, "acled", path)
    assert "row 2 (event_id_cnty MLI30001), column 'event_date': expected a date" in err
    assert "'7/2/2025' (it could be 7 February 2025 or 2 July 2025, and no date in the" in err

    def day_first(rows):
        rows[1][1], rows[2][1] = "7/2/2025", "25/12/2024"
        return rows

    drafts = import_acled(_rewrite(ACLED_FILE, tmp_path / "settled.csv", day_first))
    assert list(drafts.events["date_start"][:2]) == ["2025-02-07", "2024-12-25"]
    assert "event_date read day first, as row 3 writes '25/12/2024'" in drafts.summary()

    def month_first(rows):
        rows[1][1], rows[2][1] = "7/2/2025", "12/25/2024"
        return rows

    drafts = import_acled(_rewrite(ACLED_FILE, tmp_path / "us.csv", month_first))
    assert list(drafts.events["date_start"][:2]) == ["2025-07-02", "2024-12-25"]

    def mixed(rows):
        rows[1][1], rows[2][1] = "25/12/2024", "12/26/2024"
        return rows

    err = _refusal(tmp_path, capsys, "acled", _rewrite(ACLED_FILE, tmp_path / "m.csv", mixed))
    assert "row 3 (event_id_cnty MLI30002), column 'event_date': '12/26/2024' puts the " in err
    assert "month first, but row 2 writes '25/12/2024' with the day first" in err


@pytest.mark.parametrize(("written", "why"), [
    ("7/2/25", "the year '25' could be 1925 or 2025"), ("31/02/2025", "no such day"),
    ("2025-13-01", "no such day"), ("Febtober 7, 2025", "expected a date such as 2025-02-07"),
    ("45695", "a spreadsheet's day number? 45695 is 2025-02-07 in Excel's calendar"),
])  # fmt: skip
def test_dates_that_cannot_be_read_for_certain_are_refused(tmp_path, capsys, written, why):
    path = _with_cell(GED, tmp_path / "ged.csv", 1, "date_start", written)
    err = _refusal(tmp_path, capsys, "ucdp-ged", path)
    assert "row 2 (id 900001), column 'date_start': expected a date" in err and why in err


@pytest.mark.parametrize(("written", "count"), [
    ("0", 0), ("12", 12), ("12.0", 12), ("1,200", 1200), ("1 200", 1200), ("\u00a012 ", 12),
])  # fmt: skip
def test_counts_as_exports_write_them_read(tmp_path, written, count):
    path = _with_cell(ACLED_FILE, tmp_path / "acled.csv", 1, "fatalities", written)
    assert import_acled(path).claims["value"].iloc[0] == str(count)


@pytest.mark.parametrize(("written", "why"), [
    ("", "the cell is empty (the datasets write 0 when no deaths are reported)"),
    ("-3", "a count of people cannot be negative"), ("\u22123", "cannot be negative"),
    ("2.5", "not a whole number"),
    ("1.000", "a thousands separator or decimals? write the count with digits only, 1000 or 1"),
    ("about 12", "expected a whole number of people, got 'about 12'"),
])  # fmt: skip
def test_counts_that_are_not_a_whole_number_of_people_are_refused(tmp_path, capsys, written, why):
    path = _with_cell(ACLED_FILE, tmp_path / "acled.csv", 1, "fatalities", written)
    err = _refusal(tmp_path, capsys, "acled", path)
    assert "row 2 (event_id_cnty MLI30001), column 'fatalities': expected a whole number" in err
    assert why in err


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 10**9), st.sampled_from(["{}", "{:,}", "{}.0", "{:_}"]))
def test_any_whole_number_reads_as_itself(count, form):
    table = Table("f.csv", ["n"], {"n": [form.format(count).replace("_", " ")]}, [2])
    assert _count(table, 0, "n", "id 1") == count


def test_ged_best_above_high_is_refused_naming_the_row(tmp_path, capsys):
    path = _with_cell(GED, tmp_path / "ged.csv", 2, "high", "15")
    err = _refusal(tmp_path, capsys, "ucdp-ged", path)
    assert "row 3 (id 900002), columns 'low', 'best', 'high': expected low <= best <= high" in err
    assert "got 14, 16, 15" in err


def test_an_excel_workbook_is_refused_with_save_as_csv(tmp_path, capsys):
    path = tmp_path / "acled.xlsx"
    with zipfile.ZipFile(path, "w") as book:
        book.writestr("[Content_Types].xml", "<Types/>")
        book.writestr("xl/workbook.xml", "<workbook/>")
    err = _refusal(tmp_path, capsys, "acled", path)
    assert "is an Excel workbook (.xlsx), not a CSV file" in err and "CSV UTF-8" in err
    old = tmp_path / "acled.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100)
    assert "Excel 97-2003 workbook (.xls)" in _refusal(tmp_path, capsys, "acled", old)


def test_a_download_zipped_or_gzipped_reads_and_two_files_in_one_zip_are_refused(tmp_path, capsys):
    archive = tmp_path / "ged251-csv.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.write(GED, "GEDEvent_v25_1.csv")
        zipped.writestr("__MACOSX/._GEDEvent_v25_1.csv", "x")
    drafts = import_ucdp_ged(archive)
    pd.testing.assert_frame_equal(
        drafts.claims.drop(columns="source_id"),
        import_ucdp_ged(GED).claims.drop(columns="source_id"),
    )
    assert "read GEDEvent_v25_1.csv from ged251-csv.zip" in drafts.summary()
    gzipped = tmp_path / "acled.csv.gz"
    gzipped.write_bytes(gzip.compress(ACLED_FILE.read_bytes()))
    assert list(import_acled(gzipped).claims["value"]) == ["32", "12", "100"]
    with zipfile.ZipFile(archive, "a") as zipped:
        zipped.write(ACLED_FILE, "acled.csv")
    err = _refusal(tmp_path, capsys, "ucdp-ged", archive)
    assert "a zip archive holding 2 CSV files (GEDEvent_v25_1.csv, acled.csv)" in err


def test_a_bad_cell_in_a_semicolon_file_names_its_editor_line(tmp_path, capsys):
    rows = _rows(ACCENTS)
    rows[3][rows[0].index("fatalities")] = "four"
    path = _saved(rows, tmp_path / "acled.csv", ";", "cp1252", "\r\n")
    err = _refusal(tmp_path, capsys, "acled", path)
    # the first row's note spans lines 2 and 3
    assert "row 5 (event_id_cnty MLI40003), column 'fatalities'" in err and "'four'" in err


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    fixture=st.sampled_from([GED, ACLED_FILE]),
    row=st.integers(0, 3),
    column=st.integers(0, 48),
    value=st.text(st.characters(blacklist_categories=["Cs"]), max_size=12)
    | st.sampled_from(["", "-1", "1e3", "NaN", "2025-02-30", "31/12/2025", '"', "\r", "\n"]),
)
def test_any_cell_changed_to_anything_imports_or_is_refused_never_a_traceback(
    tmp_path_factory, fixture, row, column, value
):
    rows = _rows(fixture)
    rows[row][column % len(rows[0])] = value
    path = _saved(rows, tmp_path_factory.mktemp("cell") / fixture.name)
    importer = import_ucdp_ged if fixture is GED else import_acled
    try:
        importer(path)
    except ImportFileError as error:
        assert str(path) in str(error)


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.binary(max_size=300), cut=st.integers(0, 4000))
def test_any_bytes_or_a_cut_file_are_imported_or_refused_never_a_traceback(
    tmp_path_factory, data, cut
):
    folder = tmp_path_factory.mktemp("bytes")
    for content in (data, ACLED_FILE.read_bytes()[:cut] + data):
        path = folder / "acled.csv"
        path.write_bytes(content)
        try:
            import_acled(path)
        except ImportFileError as error:
            assert str(path) in str(error)


def test_a_spreadsheets_own_columns_are_ignored_even_repeated(tmp_path):
    rows = _rows(ACLED_FILE)
    rows = [[*rows[0], "Comment", "comment", ""], *([*r, "a", "b", ""] for r in rows[1:])]
    drafts = import_acled(_saved(rows, tmp_path / ACLED_FILE.name))
    _drafts_equal(drafts, import_acled(ACLED_FILE))


def test_an_actor_code_a_spreadsheet_wrote_as_a_decimal_reads(tmp_path):
    path = _acled_file(tmp_path / "acled.csv", {"actor1": "Sofara Hunters", "inter1": "3.0"})
    assert list(import_acled(path).actors["kind"]) == ["militia"]


def test_windows_1252_punctuation_after_an_accent_is_not_taken_for_utf8(tmp_path):
    """'é’' is E9 92 in Windows-1252: no UTF-8 character, so not a file mixing encodings."""
    rows = _rows(ACCENTS)
    rows[1][rows[0].index("notes")] = "Le marché’s stalls burned."
    drafts = import_acled(_saved(rows, tmp_path / "acled.csv", encoding="cp1252"))
    assert "marché’s" in drafts.claims["notes"][0]


def test_a_binary_file_is_refused_as_not_text(tmp_path, capsys):
    path = tmp_path / "ged.rds"
    path.write_bytes(gzip.compress(b"X\n\x00\x00\x00\x03\x00\x04\x02\x01" * 40))
    err = _refusal(tmp_path, capsys, "ucdp-ged", path)
    assert "is not a text file: it holds control bytes" in err


def test_a_dataframe_index_column_and_spaces_after_separators_are_read(tmp_path):
    """pandas' to_csv writes its index under an empty name; some tools write ', ' between."""
    rows = _rows(ACLED_FILE)
    rows = [["", *rows[0]], *([str(k), *r] for k, r in enumerate(rows[1:]))]
    buffer = io.StringIO()
    csv.writer(buffer, quoting=csv.QUOTE_ALL).writerows(rows)
    path = tmp_path / ACLED_FILE.name
    for separator in (",", ";"):
        text = buffer.getvalue().replace('","', f'"{separator} "')
        path.write_text(text, encoding="utf-8")
        _drafts_equal(import_acled(path), import_acled(ACLED_FILE))


def test_hdx_copies_with_a_row_of_hxl_hashtags_read(tmp_path):
    rows = _rows(ACLED_FILE)
    tags = ["#event+code", "#date+occurred", "#date+year", "", ""]
    rows = [rows[0], tags + [""] * (len(rows[0]) - len(tags)), *rows[1:]]
    drafts = import_acled(_saved(rows, tmp_path / ACLED_FILE.name))
    _drafts_equal(drafts, import_acled(ACLED_FILE))
    assert "skipped row 2, HXL hashtags" in drafts.summary()
    assert drafts.events["event_id"][0] == "acled-mli30001"


@pytest.mark.parametrize(("content", "what"), [
    ("<!DOCTYPE html>\n<html><body>Log in</body></html>\n", "is a web page (HTML or XML)"),
    ('{"status": 200, "data": [{"event_id_cnty": "MLI1"}]}', "is JSON (an API's answer?)"),
])  # fmt: skip
def test_a_web_page_or_json_saved_as_csv_is_named(tmp_path, capsys, content, what):
    path = tmp_path / "acled.csv"
    path.write_text(content, encoding="utf-8")
    assert what in _refusal(tmp_path, capsys, "acled", path)


@pytest.mark.parametrize(("order", "read"), [("day", "2025-02-07"), ("month", "2025-07-02")])
def test_the_analyst_may_state_the_date_order_a_file_does_not_settle(tmp_path, capsys, order, read):
    """`--date-order` reads a re-saved file's '7/2/2025'; a file whose dates contradict it is refused."""
    path = _with_cell(ACLED_FILE, tmp_path / "acled.csv", 1, "event_date", "7/2/2025")
    out = tmp_path / f"drafts-{order}"
    assert main(["import", "acled", str(path), "--out", str(out), "--date-order", order]) == 0
    events = pd.read_csv(out / "events.csv", dtype=str)
    assert events["date_start"].iloc[0] == read
    assert f"numeric dates read {order} first, as given" in capsys.readouterr().err

    def us_dates(rows):
        rows[1][1], rows[2][1] = "7/2/2025", "12/25/2024"
        return rows

    contradicted = _rewrite(ACLED_FILE, tmp_path / "us.csv", us_dates)
    command = ["import", "acled", str(contradicted), "--out", str(tmp_path / "o")]
    assert main([*command, "--date-order", "day"]) == 2
    err = capsys.readouterr().err
    assert "column 'event_date': '12/25/2024' puts the month first, but the date order given " \
        "is day first" in err and "Traceback" not in err  # fmt: skip
    assert not (tmp_path / "o").exists()
