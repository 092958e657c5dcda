from pathlib import Path

import pandas as pd
import pytest
from conftest import DEFAULT_EVENTS, DEFAULT_SOURCES, claim, write_dataset, write_table

from casrec.schema import DRAFT_COLUMNS, TABLES, DataError, date_bounds, load_dataset


def problems_of(directory) -> list[str]:
    with pytest.raises(DataError) as caught:
        load_dataset(directory)
    return [str(p) for p in caught.value.problems]


def test_a_clean_dataset_loads_typed(tmp_path):
    ds = load_dataset(write_dataset(tmp_path, [claim("a", "at least 34")]))
    assert ds.claims.loc[0, "value"] == "at least 34"  # reported text untouched
    assert ds.sources["published_earliest"].dtype.kind == "M"
    assert ds.events.loc[1, "date_end"] is pd.NA or pd.isna(ds.events.loc[1, "date_end"])
    assert list(ds.claims.columns[: len(TABLES["claims"].columns)]) == TABLES["claims"].column_names


def test_unknown_column_is_named(tmp_path):
    write_dataset(tmp_path, [claim("a", "34", colour="red")])
    write_table(tmp_path, "claims", [claim("a", "34", colour="red")],
                columns=[*TABLES["claims"].column_names, "colour"])  # fmt: skip
    assert problems_of(tmp_path) == [
        "claims.csv, row 1, column 'colour': unknown column; expected only: "
        + ", ".join(TABLES["claims"].column_names)
    ]


def test_missing_required_column_is_named(tmp_path):
    write_dataset(tmp_path, [claim("a", "34")])
    columns = [c for c in TABLES["claims"].column_names if c != "evidence"]
    write_table(tmp_path, "claims", [claim("a", "34")], columns=columns)
    assert problems_of(tmp_path) == [
        "claims.csv, row 1, column 'evidence': required column is missing"
    ]


def test_missing_required_value_names_row_claim_and_column(tmp_path):
    write_dataset(tmp_path, [claim("a", "34"), claim("b", "", evidence="x")])
    assert problems_of(tmp_path) == [
        "claims.csv, row 3 (b), column 'value': required value is empty"
    ]


def test_bad_dates(tmp_path):
    events = [{**DEFAULT_EVENTS[0], "date_start": "2025-02-30"},
              {**DEFAULT_EVENTS[1], "date_start": "7 Feb 2025"}]  # fmt: skip
    write_dataset(tmp_path, [claim("a", "34", as_of="2025-13")], events=events)
    found = problems_of(tmp_path)
    assert (
        "events.csv, row 2 (kobe), column 'date_start': '2025-02-30' is not a valid ISO date (YYYY, YYYY-MM or YYYY-MM-DD)"
        in found
    )
    assert any("row 3 (war), column 'date_start': '7 Feb 2025'" in p for p in found)
    assert any("claims.csv, row 2 (a), column 'as_of': '2025-13'" in p for p in found)


def test_bad_enum_lists_the_allowed_values(tmp_path):
    write_dataset(tmp_path, [claim("a", "34", metric="dead")])
    (problem,) = problems_of(tmp_path)
    assert problem.startswith(
        "claims.csv, row 2 (a), column 'metric': 'dead' is not one of: killed, injured"
    )


def test_duplicate_ids_point_to_the_first_use(tmp_path):
    sources = [*DEFAULT_SOURCES, DEFAULT_SOURCES[0]]
    write_dataset(tmp_path, [claim("a", "34"), claim("a", "25")], sources=sources)
    found = problems_of(tmp_path)
    assert (
        "claims.csv, row 3 (a), column 'claim_id': duplicate id 'a' (first used on row 2); ids must be unique"
        in found
    )
    assert any(
        p.startswith("sources.csv, row 6 (hrw), column 'source_id': duplicate id") for p in found
    )


def test_dangling_references(tmp_path):
    claims = [
        claim("a", "34", event_id="nowhere", source_id="nobody", side="ghosts"),
        claim("b", "13", part_of="zzz", supersedes="a-missing"),
        claim("c", "13", claimant_role="party_other", claimant_actor="fama"),
    ]
    write_dataset(tmp_path, claims)
    found = problems_of(tmp_path)
    assert (
        "claims.csv, row 2 (a), column 'event_id': 'nowhere' does not exist in events.csv column 'event_id'"
        in found
    )
    assert (
        "claims.csv, row 2 (a), column 'source_id': 'nobody' does not exist in sources.csv column 'source_id'"
        in found
    )
    assert (
        "claims.csv, row 2 (a), column 'side': 'ghosts' does not exist in actors.csv column 'actor_id'"
        in found
    )
    assert (
        "claims.csv, row 3 (b), column 'part_of': 'zzz' does not exist in claims.csv column 'claim_id'"
        in found
    )
    assert any("row 3 (b), column 'supersedes'" in p for p in found)
    assert len(found) == 5  # c is fine


def test_party_roles_need_their_actor(tmp_path):
    write_dataset(tmp_path, [claim("a", "25", claimant="Malian army", claimant_role="party_other")])
    (problem,) = problems_of(tmp_path)
    assert "column 'claimant_actor': required when claimant_role is 'party_other'" in problem


def test_every_problem_is_reported_together(tmp_path):
    claims = [claim("a", "34", metric="dead"), claim("B!", "", event_id="nowhere")]
    write_dataset(tmp_path, claims)
    with pytest.raises(DataError) as caught:
        load_dataset(tmp_path)
    assert len(caught.value.problems) == 4  # metric, slug, empty value, dangling event: one run
    assert str(caught.value).startswith(
        "4 problem(s) in the input data:\n  - claims.csv, row 2 (a)"
    )


def test_missing_file_is_named(tmp_path):
    write_dataset(tmp_path, [claim("a", "34")])
    (tmp_path / "actors.csv").unlink()
    found = problems_of(tmp_path)
    assert found[0].startswith("actors.csv: file not found")


def test_loading_never_writes_to_the_data_folder(tmp_path):
    write_dataset(tmp_path, [claim("a", "34")])
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    load_dataset(tmp_path)
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before


@pytest.mark.parametrize(
    ("text", "first", "last"),
    [("2025", "2025-01-01", "2025-12-31"), ("2025-02", "2025-02-01", "2025-02-28"),
     ("2024-02", "2024-02-01", "2024-02-29"), ("2025-02-07", "2025-02-07", "2025-02-07")],
)  # fmt: skip
def test_dates_keep_their_precision(text, first, last):
    assert date_bounds(text) == (pd.Timestamp(first), pd.Timestamp(last))


def test_rows_are_file_lines_even_after_blank_lines(tmp_path):
    write_dataset(tmp_path, [claim("a", "34"), claim("b", "34", metric="dead")])
    path = tmp_path / "claims.csv"
    lines = path.read_text().splitlines()
    path.write_text("\n".join([lines[0], "", lines[1], "", lines[2]]) + "\n")
    (problem,) = problems_of(tmp_path)
    assert problem.startswith("claims.csv, row 5 (b), column 'metric'")


def test_a_row_with_more_fields_than_the_header_is_named(tmp_path):
    write_dataset(tmp_path, [claim("a", "34")])
    path = tmp_path / "claims.csv"
    path.write_text(path.read_text().replace("\n", ",\n").replace(",\n", "\n", 1))
    (problem,) = problems_of(tmp_path)
    width = len(TABLES["claims"].columns)
    assert f"line 2 has {width + 1} fields but the header has {width}" in problem


def test_unreadable_values_are_located_and_reported_with_the_rest(tmp_path):
    write_dataset(tmp_path, [claim("a", "1.000"), claim("b", "34", metric="dead")])
    found = problems_of(tmp_path)
    assert any(p.startswith("claims.csv, row 2 (a), column 'value': cannot read value '1.000'")
               and "decimal point" in p for p in found)  # fmt: skip
    assert any("column 'metric'" in p for p in found)


def test_a_header_only_claims_file_is_an_error(tmp_path):
    write_dataset(tmp_path, [])
    assert problems_of(tmp_path) == ["claims.csv: has a header but no claims"]


def test_ids_have_a_length_limit(tmp_path):
    write_dataset(tmp_path, [claim("a" * 120, "34")])
    (problem,) = problems_of(tmp_path)
    assert "is 120 characters long; ids have at most 100" in problem


def _junk(tmp_path, rows: int):
    claims = [claim(f"Claim {i}", f"lots {i}", metric="dead", event_id="Kobe") for i in range(rows)]
    return write_dataset(tmp_path, claims)


def test_a_file_of_junk_gives_a_capped_message_grouped_by_rule(tmp_path):
    from casrec.schema import format_problems

    with pytest.raises(DataError) as caught:
        load_dataset(_junk(tmp_path, 300))
    error = caught.value
    assert len(error.frame) == 4 * 300  # slug, event, metric, value: one entry per problem
    lines = format_problems(error.frame, limit=8)
    assert lines.count("... and 298 more rows with the same problem") == 4
    assert len(lines) == 12  # two rows shown per rule, and the count of the rest
    assert any("did you mean 'kobe'?" in line for line in lines)
    message = str(error)
    assert message.startswith("1,200 problem(s) in the input data:")
    assert len(message.splitlines()) < 60


def test_spaces_around_a_value_are_a_warning_naming_the_cell(tmp_path):
    write_dataset(tmp_path, [claim("a", "34", event_id=" kobe")])
    dataset = load_dataset(tmp_path)  # read as kobe: not an error
    assert dataset.claims.loc[0, "event_id"] == "kobe"
    notes = [str(p) for p in DataError(dataset.problems).problems]
    assert notes == [
        "claims.csv, row 2 (a), column 'event_id': ' kobe' has spaces around it; read as 'kobe'"
    ]


def test_the_cli_caps_the_message_and_writes_every_problem(tmp_path, capsys):
    from casrec.cli import EXIT_BAD_INPUT, main

    data = _junk(tmp_path / "data", 40)
    out = tmp_path / "problems.csv"
    code = main(["reconcile", "--skip-quality", "--data-dir", str(data), "--max-problems", "4",
                 "--problems-out", str(out)])  # fmt: skip
    assert code == EXIT_BAD_INPUT
    err = capsys.readouterr().err
    assert "... and 39 more rows with the same problem" in err
    written = pd.read_csv(out)
    assert len(written) == 160
    assert set(written["rule"]) == {"claim_id_slug", "event_exists", "metric_valid",
                                    "value_parses"}  # fmt: skip


@pytest.mark.slow
def test_100000_junk_rows_give_a_short_message(tmp_path):
    import csv

    data = write_dataset(tmp_path, [claim("a", "34")])
    with (data / "claims.csv").open("a", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        for i in range(100_000):
            writer.writerow([f"Claim {i}", "nowhere", "hrw", "x", "witness", "dead", "civilians",
                             "", "", "", "", f"lots {i}"])  # fmt: skip
    with pytest.raises(DataError) as caught:
        load_dataset(data)
    assert len(caught.value.frame) > 400_000
    assert len(str(caught.value).splitlines()) < 80


# --- subgroups and the event hierarchy --------------------------------------------------


def test_a_subgroup_must_be_a_term_of_subgroups_csv(tmp_path):
    write_dataset(tmp_path, [claim("a", "34"), claim("b", "20", subgroup="kids")])
    (problem,) = problems_of(tmp_path)
    assert problem.startswith(
        "claims.csv, row 3 (b), column 'subgroup': 'kids' does not exist in subgroups.csv "
        "column 'term'"
    )


def test_subgroup_terms_are_loaded_and_keyed(tmp_path):
    write_dataset(tmp_path, [claim("a", "34"), claim("b", "20", subgroup="aid_workers")])
    dataset = load_dataset(tmp_path)
    assert "children" in set(dataset.subgroups["term"])
    assert dataset.claims.loc[1, "subgroup"] == "aid_workers"


def test_a_bad_subgroup_term_is_located(tmp_path):
    write_dataset(tmp_path, [claim("a", "34")])
    write_table(tmp_path, "subgroups", [{"term": "Aid Workers", "label": "aid workers"}])
    (problem,) = problems_of(tmp_path)
    assert problem.startswith("subgroups.csv, row 2 (Aid Workers), column 'term': 'Aid Workers'")


def test_a_dangling_parent_event_is_located(tmp_path):
    events = [{**DEFAULT_EVENTS[0], "parent_event": "mali-wr"}, DEFAULT_EVENTS[1]]
    write_dataset(tmp_path, [claim("a", "34")], events=events)
    assert problems_of(tmp_path) == [
        "events.csv, row 2 (kobe), column 'parent_event': 'mali-wr' does not exist in "
        "events.csv column 'event_id'"
    ]


def test_a_parent_event_cycle_is_located(tmp_path):
    events = [
        {**DEFAULT_EVENTS[0], "parent_event": "war"},
        {**DEFAULT_EVENTS[1], "parent_event": "kobe"},
        {**DEFAULT_EVENTS[0], "event_id": "inside", "parent_event": "kobe"},  # leads in, not on it
        {**DEFAULT_EVENTS[0], "event_id": "self", "parent_event": "self"},
    ]
    write_dataset(tmp_path, [claim("a", "34")], events=events)
    assert problems_of(tmp_path) == [
        "events.csv, row 2 (kobe), column 'parent_event': cycle kobe -> war -> kobe: an event "
        "cannot lie within itself",
        "events.csv, row 3 (war), column 'parent_event': cycle war -> kobe -> war: an event "
        "cannot lie within itself",
        "events.csv, row 5 (self), column 'parent_event': refers to itself: an event cannot lie "
        "within itself",
    ]


def test_an_event_that_ends_before_it_starts_is_refused_at_load(tmp_path):
    # dates carry their precision: February 2025 may end on the 7th, January cannot
    events = [{**DEFAULT_EVENTS[0], "date_start": "2025-02-07", "date_end": "2025-01"},
              {**DEFAULT_EVENTS[1], "date_start": "2025-02", "date_end": "2025-02-07"}]  # fmt: skip
    write_dataset(tmp_path, [claim("a", "34")], events=events)
    assert problems_of(tmp_path) == [
        "events.csv, row 2 (kobe), column 'date_end': date_end '2025-01' is before date_start "
        "'2025-02-07'"
    ]


@pytest.mark.parametrize(
    ("column", "hint"),
    [
        ("claimant role", "; did you mean 'claimant_role'?"),
        ("Evidence", "; did you mean 'evidence'?"),
        ("asof", "; did you mean 'as_of'?"),
        ("review", "; 'review' is a column of casrec's drafts (what to check before the row is "
                   "data): check each row, then delete the column"),
        ("colour", ""),
    ],
)  # fmt: skip
def test_an_unknown_column_says_what_it_may_be(tmp_path, column, hint):
    write_dataset(tmp_path, [claim("a", "34")])
    write_table(tmp_path, "claims", [claim("a", "34")],
                columns=[*TABLES["claims"].column_names, column])  # fmt: skip
    assert problems_of(tmp_path) == [
        f"claims.csv, row 1, column {column!r}: unknown column; expected only: "
        + ", ".join(TABLES["claims"].column_names)
        + hint
    ]


def test_every_column_the_drafts_add_is_named_as_a_drafts_column():
    """Extraction's and the importers' extra columns are the ones the loader explains."""
    from casrec.extract import draft_columns
    from casrec.importers import import_acled, import_ucdp_ged

    fixtures = Path(__file__).parent / "fixtures"
    added = set(draft_columns()) - set(TABLES["claims"].column_names)
    for importer, name in ((import_ucdp_ged, "ucdp_ged_sample.csv"),
                           (import_acled, "acled_sample.csv")):  # fmt: skip
        drafts = importer(fixtures / name, None)
        for table in ("sources", "actors", "events", "claims"):
            added |= set(getattr(drafts, table).columns) - set(TABLES[table].column_names)
    assert added and added <= set(DRAFT_COLUMNS)
