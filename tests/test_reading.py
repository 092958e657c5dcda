"""Files as spreadsheets and scripts save them: read, or named with line, byte and a fix."""

import pytest
from conftest import DATA_DIR, claim, write_dataset
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from casrec.reading import ReadError, read_text_table
from casrec.schema import TABLES, DataError, load_dataset


def problems(directory) -> list[str]:
    with pytest.raises(DataError) as caught:
        load_dataset(directory)
    return [str(p) for p in caught.value.problems]


def test_utf8_with_bom_and_crlf_reads():
    table = read_text_table(b"\xef\xbb\xbfa,b\r\n1,2\r\n\r\n3,\r\n")
    assert table.header == ["a", "b"]
    assert table.frame["a"].tolist() == ["1", "3"]
    assert table.frame["row"].tolist() == [2, 4]  # the editor's lines; the blank line counts


def test_a_quoted_cell_over_two_lines_keeps_the_line_it_starts_on():
    table = read_text_table(b'a,b\n"x\ny",1\nz,2\n')
    assert table.frame["row"].tolist() == [2, 4]


def test_cp1252_is_named_with_line_byte_and_the_excel_fix(tmp_path):
    write_dataset(
        tmp_path, [claim("a", "34"), claim("b", "25", evidence="killing 25 \u2013 people")]
    )
    path = tmp_path / "claims.csv"
    path.write_bytes(path.read_text(encoding="utf-8").encode("cp1252"))
    (problem,) = problems(tmp_path)
    assert problem.startswith("claims.csv is not UTF-8: line 3 has byte 0x96")
    assert "Windows-1252" in problem
    assert "'CSV UTF-8 (Comma delimited)'" in problem


@pytest.mark.parametrize(("separator", "name"), [(";", "semicolons"), ("\t", "tabs")])
def test_a_file_separated_by_semicolons_or_tabs_is_named_as_such(tmp_path, separator, name):
    write_dataset(tmp_path, [claim("a", "34")])
    path = tmp_path / "sources.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",", separator), encoding="utf-8")
    (problem,) = problems(tmp_path)
    assert problem.startswith(f"sources.csv is separated by {name}, not commas")
    assert "stray comma" not in problem


def test_trailing_rows_of_commas_are_skipped_with_a_note(tmp_path):
    write_dataset(tmp_path, [claim("a", "34")])
    path = tmp_path / "claims.csv"
    width = len(TABLES["claims"].columns)
    with path.open("a", encoding="utf-8") as handle:
        handle.write(("," * (width - 1) + "\n") * 3)
    dataset = load_dataset(tmp_path)  # no critical problem: the rows are not claims
    assert dataset.claims["claim_id"].tolist() == ["a"]
    notes = dataset.problems[dataset.problems["rule"] == "empty_rows_skipped"]
    assert notes["message"].tolist() == ["skipped 3 lines (3, 4, 5) with no values"]


def test_empty_rows_note_names_the_lines(tmp_path):
    write_dataset(tmp_path, [claim("a", "34")])
    path = tmp_path / "claims.csv"
    with path.open("a", encoding="utf-8") as handle:
        handle.write(",,,\n,,,\n")
    found = load_dataset(tmp_path, collect=True).problems
    note = found[found["rule"] == "empty_rows_skipped"]
    assert note["message"].tolist() == ["skipped 2 lines (3, 4) with no values"]
    assert note["severity"].tolist() == ["warning"]


def test_a_huge_cell_is_read_and_reported_shortened(tmp_path):
    write_dataset(tmp_path, [claim("a", "34", metric="x" * 200_000)])
    (problem,) = problems(tmp_path)
    assert "(200,000 characters)" in problem
    assert len(problem) < 1000


def test_a_400_digit_number_is_a_located_problem(tmp_path):
    write_dataset(tmp_path, [claim("a", "9" * 400)])
    (problem,) = problems(tmp_path)
    assert problem.startswith("claims.csv, row 2 (a), column 'value':")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "is empty"),
        (b"\n\n", "is empty"),
        (b"\xff\xfea\x00,\x00b\x00", "is UTF-16"),
        (b"a,b\n1,\x002\n", "contains a NUL byte"),
        (b'a,b\n"1,2\n', None),  # an unclosed quote reads to the end of the file
        (b"a,a\n1,2\n", "appears twice"),
        (b"a,b\n1,2,3\n4,5,6\n", "line 2 has 3 fields but the header has 2"),
    ],
)
def test_unreadable_bytes_are_one_sentence(data, message):
    if message is None:
        read_text_table(data)
        return
    with pytest.raises(ReadError, match=message):
        read_text_table(data)


CSV_TEXT = st.lists(
    st.lists(
        st.one_of(
            st.text(max_size=12),
            st.sampled_from(["kobe", "hrw", "killed", "34", "2025-02-07", "  x ", '"', "9" * 400]),
        ),
        max_size=8,
    ),
    max_size=8,
).map(lambda rows: "\n".join(",".join(cells) for cells in rows))
ANY_BYTES = st.one_of(
    st.binary(max_size=300),
    CSV_TEXT.map(lambda t: t.encode("utf-8")),
    CSV_TEXT.map(lambda t: t.encode("utf-16")),
    CSV_TEXT.map(lambda t: t.encode("cp1252", errors="replace")),
    st.builds(lambda head, body: head + body, st.sampled_from(
        [(DATA_DIR / t.file).read_bytes()[:400] for t in TABLES.values()]), st.binary(max_size=80)),
)  # fmt: skip


@settings(
    max_examples=150, deadline=5000, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(table=st.sampled_from(sorted(TABLES)), data=ANY_BYTES)
def test_any_bytes_as_any_file_load_or_give_located_problems(tmp_path, table, data):
    """Never a traceback: a dataset, or DataError whose every problem names its file."""
    folder = tmp_path / "fuzz"
    write_dataset(folder, [claim("a", "34")])
    (folder / TABLES[table].file).write_bytes(data)
    try:
        load_dataset(folder)
    except DataError as error:
        assert error.problems
        assert all(p.file in {t.file for t in TABLES.values()} for p in error.problems)
        assert str(error)


def test_numbered_records_start_on_the_line_an_editor_shows():
    from casrec.reading import numbered_records

    text = 'id,notes\n1,"one\ntwo\nthree"\n\n2,plain\n3,"a\r\nb"\n4,x\n'
    assert [line for line, _ in numbered_records(text)] == [1, 2, 6, 7, 9]
    with pytest.raises(ReadError, match="line 3 contains a NUL byte") as caught:
        numbered_records('id,notes\n1,"a\nb\x00"\n')
    assert caught.value.line == 3


def test_unnamed_empty_columns_a_spreadsheet_appends_are_dropped():
    """'claim_id,...,notes,,' named column '' twice; the empty unnamed columns are no data."""
    table = read_text_table(b"a,b,,\n1,2,,\n3,4\n5,6,\n")
    assert table.header == ["a", "b"]
    assert list(table.frame.columns) == ["a", "b", "row"]
    assert table.frame["b"].tolist() == ["2", "4", "6"]


def test_a_value_under_an_unnamed_column_names_its_line_and_cell():
    with pytest.raises(ReadError) as caught:
        read_text_table(b'a,b,,\n1,2,,\n"x\ny",4,,stray\n')
    assert str(caught.value).startswith("line 3 has 'stray' in cell 4, under a column the header")
    assert caught.value.line == 3
    with pytest.raises(ReadError, match="line 2 has 5 fields but the header has 4"):
        read_text_table(b"a,b,,\n1,2,,,\n")


def test_a_header_of_only_separators_is_named():
    with pytest.raises(ReadError, match="line 1, the header, names no column"):
        read_text_table(b",,,\n1,2,3,4\n")


def test_a_data_file_with_unnamed_trailing_columns_loads(tmp_path):
    write_dataset(tmp_path, [claim("a", "34")])
    path = tmp_path / "claims.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join(line + ",," for line in lines) + "\n", encoding="utf-8")
    assert load_dataset(tmp_path).claims["claim_id"].tolist() == ["a"]


def test_a_second_byte_order_mark_is_not_part_of_the_first_column():
    table = read_text_table(b"\xef\xbb\xbf\xef\xbb\xbfa,b\n1,2\n")
    assert table.header == ["a", "b"]


def test_the_separator_line_excel_writes_first_is_no_header():
    table = read_text_table(b"\xef\xbb\xbfsep=,\r\na,b\r\n1,2\r\n")
    assert table.header == ["a", "b"] and table.frame["row"].tolist() == [3]
    with pytest.raises(ReadError, match="is separated by semicolons, not commas"):
        read_text_table(b"sep=;\na;b\n1;2\n")


def test_a_header_repeated_mid_file_is_one_problem_naming_its_line(tmp_path):
    """Two claims.csv joined: the second header was 13 problems, one per column."""
    write_dataset(tmp_path, [claim("a", "34"), claim("b", "25")])
    path = tmp_path / "claims.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join([*lines[:2], lines[0], *lines[2:]]) + "\n", encoding="utf-8")
    (problem,) = problems(tmp_path)
    assert problem == (
        "claims.csv: line 3 repeats the header row (two files joined into one?); delete that "
        "line, or read the files one by one"
    )
