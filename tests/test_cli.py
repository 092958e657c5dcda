import csv

import pytest
from conftest import DATA_DIR, claim, write_dataset

from casrec.cli import EXIT_BAD_INPUT, EXIT_FAILED, EXIT_OK, main
from casrec.reconcile import OUTPUT_COLUMNS


def test_reconcile_prints_a_readable_table(capsys):
    # the command as a user types it: the critical data-quality rules run first and pass
    assert main(["reconcile", "--data-dir", str(DATA_DIR)]) == EXIT_OK
    out = capsys.readouterr().out
    kobe = [line for line in out.splitlines() if "kobe-2025-02-07" in line and " killed " in line]
    assert any("25–34+" in line and "contested" in line for line in kobe)


def test_reconcile_writes_exactly_the_design_columns(tmp_path):
    out = tmp_path / "rec.csv"
    assert main(["reconcile", "--skip-quality", "--data-dir", str(DATA_DIR),
                 "--policy", "conservative", "--out", str(out)]) == EXIT_OK  # fmt: skip
    with out.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == OUTPUT_COLUMNS
    assert {r["high_open"] for r in rows} == {"true", "false"}
    assert {r["policy"] for r in rows} == {"conservative"}
    side_missing = [r for r in rows if r["event_id"] == "kobe-2025-02-07" and r["side"] == ""]
    assert side_missing, "missing values are written as empty cells"
    assert all("nan" not in r["side"].lower() for r in rows)


def test_reconcile_is_byte_for_byte_reproducible(tmp_path):
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    command = ["reconcile", "--skip-quality", "--data-dir", str(DATA_DIR)]
    assert main([*command, "--out", str(a)]) == main([*command, "--out", str(b)]) == EXIT_OK
    assert a.read_bytes() == b.read_bytes()


def test_bad_input_exits_2_naming_file_row_and_column(tmp_path, capsys):
    write_dataset(tmp_path, [claim("ok", "34"), claim("bad", "34", metric="dead")])
    assert main(["reconcile", "--data-dir", str(tmp_path)]) == EXIT_BAD_INPUT
    err = capsys.readouterr().err
    assert "claims.csv, row 3 (bad), column 'metric': 'dead' is not one of" in err
    assert "Traceback" not in err


def test_unreadable_value_exits_2_naming_the_claim(tmp_path, capsys):
    write_dataset(tmp_path, [claim("vague", "many")])
    assert main(["reconcile", "--data-dir", str(tmp_path)]) == EXIT_BAD_INPUT
    err = capsys.readouterr().err
    assert "claims.csv, row 2 (vague), column 'value': cannot read value 'many'" in err


def test_missing_data_dir_exits_2(tmp_path, capsys):
    assert main(["reconcile", "--data-dir", str(tmp_path / "nowhere")]) == EXIT_BAD_INPUT
    assert "sources.csv: file not found" in capsys.readouterr().err


def test_reconcile_refuses_data_that_breaks_a_critical_rule(tmp_path, capsys):
    claims = [
        claim(
            "army", "25", claimant="Malian army", claimant_role="party_other", claimant_actor="fama"
        ),
        claim("hrw", "at least 34", supersedes="army"),  # a revision by another claimant
    ]
    write_dataset(tmp_path, claims)
    out = tmp_path / "rec.csv"
    assert main(["reconcile", "--data-dir", str(tmp_path), "--out", str(out)]) == EXIT_FAILED
    assert "claims.supersedes_same_claimant" in capsys.readouterr().err
    assert not out.exists()
    assert (
        main(["reconcile", "--data-dir", str(tmp_path), "--skip-quality", "--out", str(out)]) == 0
    )


def test_a_reader_that_goes_away_ends_the_command_quietly(tmp_path):
    """``casrec reconcile | head``: no BrokenPipeError traceback, the SIGPIPE exit code."""
    import os
    import subprocess
    import sys

    from casrec.cli import EXIT_BROKEN_PIPE

    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader is gone before the first line is written
    try:
        done = subprocess.run(
            [sys.executable, "-m", "casrec.cli", "reconcile", "--skip-quality",
             "--data-dir", str(DATA_DIR)],
            stdout=write_end, stderr=subprocess.PIPE, text=True, timeout=120,
        )  # fmt: skip
    finally:
        os.close(write_end)
    assert done.stderr == ""
    assert done.returncode == EXIT_BROKEN_PIPE


def test_an_output_file_that_cannot_be_written_exits_2_naming_it(tmp_path, capsys):
    # --out or --problems-out naming a folder (or a path under a file) is the user's input
    write_dataset(tmp_path / "data", [claim("ok", "34"), claim("bad", "34", metric="dead")])
    data = str(tmp_path / "data")
    not_a_folder = tmp_path / "a-file"
    not_a_folder.write_text("", encoding="utf-8")
    commands = [
        ["reconcile", "--skip-quality", "--data-dir", str(DATA_DIR), "--out", str(tmp_path)],
        ["validate", "--data-dir", str(DATA_DIR), "--problems-out", str(not_a_folder / "p.csv")],
        ["reconcile", "--data-dir", data, "--problems-out", str(tmp_path)],
    ]
    for command in commands:
        assert main(command) == EXIT_BAD_INPUT, command
        err = capsys.readouterr().err
        assert f"cannot write {command[-1]}" in err, err
        assert "Traceback" not in err


def test_reconcile_and_validate_take_the_as_of_window_a_run_takes(tmp_path, capsys):
    """`casrec reconcile --as-of-window-days N` is the table a run with that window shows."""
    from casrec.pipeline import analyse
    from casrec.tables import write_reconciled_csv

    default, wide, library = tmp_path / "90.csv", tmp_path / "3650.csv", tmp_path / "lib.csv"
    command = ["reconcile", "--skip-quality", "--data-dir", str(DATA_DIR), "--out"]
    assert main([*command, str(default)]) == EXIT_OK
    assert main([*command, str(wide), "--as-of-window-days", "3650"]) == EXIT_OK
    write_reconciled_csv(analyse(DATA_DIR, as_of_window_days=3650).reconciliation.output(), library)
    assert wide.read_bytes() == library.read_bytes()
    # a ten-year window lets older stocks of an aggregate into its estimate
    assert wide.read_bytes() != default.read_bytes()
    assert main(["validate", "--data-dir", str(DATA_DIR), "--as-of-window-days", "3650",
                 "--policy", "range", "--run-date", "2025-11-01"]) == EXIT_OK  # fmt: skip
    with pytest.raises(SystemExit) as refused:
        main(["reconcile", "--data-dir", str(DATA_DIR), "--as-of-window-days", "-1"])
    assert refused.value.code == EXIT_BAD_INPUT
    assert "'-1' is not a whole number of days" in capsys.readouterr().err
