"""The ``casrec`` command: reconcile, validate and render reports from a terminal or a scheduler.

Exit codes (documented in the README): 0 success; 1 a critical data-quality rule failed or a
report run failed before publishing; 2 the input cannot be read (message names file, row,
column) or the reports folder cannot be written; 3 another run holds the lock; 4 the report was
published but ``latest`` or the runs index could not be updated; 128 + N stopped by signal N
(130 SIGINT, 143 SIGTERM; nothing published; 141: stdout's reader went away).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from casrec import __version__

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_BAD_INPUT = 2
EXIT_LOCKED = 3
EXIT_PUBLISHED_INCOMPLETE = 4  # published, but latest or the runs index was not updated
EXIT_STOPPED_SIGINT = 128 + 2
EXIT_STOPPED_SIGTERM = 128 + 15
EXIT_BROKEN_PIPE = 128 + 13  # SIGPIPE: the reader of stdout went away (``| head``)

DEFAULT_DATA_DIR = Path("data")


def _add_problem_options(parser: argparse.ArgumentParser) -> None:
    """--max-problems and --problems-out: how many problems a message lists, where all go."""
    from casrec.schema import DEFAULT_MAX_PROBLEMS

    parser.add_argument(
        "--max-problems",
        type=_positive,
        default=DEFAULT_MAX_PROBLEMS,
        help=f"problems listed, grouped by rule; the rest are counted (default "
        f"{DEFAULT_MAX_PROBLEMS})",
    )
    parser.add_argument(
        "--problems-out", type=Path, help="write every problem found to this CSV file"
    )


def _print_notes(data_dir: Path, args: argparse.Namespace) -> None:
    """Warnings about the input (skipped empty rows, spaces around values) on stderr."""
    from casrec.pipeline import load
    from casrec.schema import format_problems

    problems = load(data_dir).problems
    notes = problems[problems["severity"] == "warning"]
    if len(notes):
        lines = format_problems(notes, args.max_problems)
        print("casrec: note:\n" + "\n".join("  - " + line for line in lines), file=sys.stderr)


def _add_analysis_options(parser: argparse.ArgumentParser) -> None:
    """How the claims are reconciled: the same two options for reconcile, validate and run."""
    from casrec.pipeline import DEFAULT_AS_OF_WINDOW_DAYS
    from casrec.reconcile import DEFAULT_POLICY, POLICIES

    parser.add_argument(
        "--policy", choices=POLICIES, default=DEFAULT_POLICY, help="how best is chosen"
    )
    parser.add_argument(
        "--as-of-window-days",
        type=_days,
        default=DEFAULT_AS_OF_WINDOW_DAYS,
        help="an aggregate's figures more than this many days older than its latest one form "
        f"its time series, outside the estimate (default {DEFAULT_AS_OF_WINDOW_DAYS})",
    )


def _add_reconcile(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "reconcile",
        help="reconcile the claims into one low / best / high row per key",
        description="Reconcile data/claims.csv into low / best / high estimates (no notebooks).",
    )
    parser.add_argument(
        "--data-dir", type=Path, default=DEFAULT_DATA_DIR, help="folder of the CSVs"
    )
    _add_analysis_options(parser)
    parser.add_argument("--out", type=Path, help="write reconciled CSV here instead of printing")
    parser.add_argument(
        "--skip-quality",
        action="store_true",
        help="do not run the critical data-quality rules first (faster; for trusted data)",
    )
    _add_problem_options(parser)
    parser.set_defaults(handler=_run_reconcile)


def _run_reconcile(args: argparse.Namespace) -> int:
    from casrec.pipeline import analyse
    from casrec.tables import readable_estimates, write_reconciled_csv

    analysis = analyse(args.data_dir, args.policy, args.as_of_window_days)
    result = analysis.reconciliation
    _print_notes(args.data_dir, args)
    if not args.skip_quality:
        from casrec import quality

        # Data that loads can still break rules that change the numbers (a revision by
        # another claimant, a cycle of supersedes): never print figures built on them.
        results = quality.validate(analysis)
        failed = results[(results["severity"] == "critical") & ~results["passed"]]
        if not failed.empty:
            rules = ", ".join(
                f"{t}.{r}" for t, r in zip(failed["table"], failed["rule"], strict=True)
            )
            print(
                f"casrec reconcile: critical data-quality rules failed ({rules}); no table "
                f"written. Run `casrec validate --data-dir {args.data_dir}` for the rows.",
                file=sys.stderr,
            )
            return EXIT_FAILED
    if args.out:
        if not _written(
            "reconcile", args.out, lambda: write_reconciled_csv(result.output(), args.out)
        ):
            return EXIT_BAD_INPUT
        print(f"wrote {len(result.estimates)} reconciled rows to {args.out}", file=sys.stderr)
    else:
        print(readable_estimates(result.estimates).to_string(index=False))
    return EXIT_OK


def _add_validate(commands: argparse._SubParsersAction) -> None:
    from datetime import date

    parser = commands.add_parser(
        "validate",
        help="check data/ against the data-quality rules (great-expectations suites)",
        description="Run the data-quality suites in expectations/ over the CSVs and the "
        "reconciled output; exit 1 when a critical rule fails, 2 when a file cannot be read.",
    )
    parser.add_argument(
        "--data-dir", type=Path, default=DEFAULT_DATA_DIR, help="folder of the CSVs"
    )
    parser.add_argument(
        "--run-date",
        type=date.fromisoformat,
        default=None,
        help="YYYY-MM-DD that no date may lie after (default: today)",
    )
    _add_analysis_options(parser)
    _add_problem_options(parser)
    parser.set_defaults(handler=_run_validate)


def _run_validate(args: argparse.Namespace) -> int:
    from casrec.pipeline import inspect
    from casrec.quality import all_problems, format_results, has_critical_failure, validate
    from casrec.schema import write_problems

    analysis = inspect(args.data_dir, args.policy, args.as_of_window_days)
    results = validate(analysis, run_date=args.run_date, max_listed=args.max_problems)
    print(f"casrec validate: {args.data_dir}")
    print(format_results(results))
    if args.problems_out:
        found = all_problems(analysis, run_date=args.run_date)
        if not _written(
            "validate", args.problems_out, lambda: write_problems(found, args.problems_out)
        ):
            return EXIT_BAD_INPUT
        print(f"wrote {len(found):,} problems to {args.problems_out}", file=sys.stderr)
    return EXIT_FAILED if has_critical_failure(results) else EXIT_OK


def _days(text: str) -> int:
    """A whole number of days, zero or more."""
    if not text.isdigit():
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of days (0 or more)")
    return int(text)


def _add_run(commands: argparse._SubParsersAction) -> None:
    from casrec.run import DEFAULT_CELL_TIMEOUT_SECONDS
    from casrec.run.executors import EXECUTORS

    parser = commands.add_parser(
        "run",
        help="render today's dated HTML reports with papermill (the main job)",
        description="Run the notebooks and publish reports/<date>/ only when every page succeeded.",
    )
    parser.add_argument("--date", help="report date YYYY-MM-DD (default: today)")
    parser.add_argument(
        "--events", default="all", help="all | contested | comma-separated event ids (default: all)"
    )
    _add_analysis_options(parser)
    parser.add_argument(
        "--project", type=Path, default=Path("."), help="project folder (default: this one)"
    )
    parser.add_argument("--reports-dir", type=Path, help="default: PROJECT/reports")
    parser.add_argument("--data-dir", type=Path, help="default: PROJECT/data")
    parser.add_argument(
        "--notebooks-dir",
        type=Path,
        help="default: PROJECT/notebooks when it holds notebooks, else casrec's packaged ones",
    )
    parser.add_argument(
        "--cell-timeout", type=int, default=DEFAULT_CELL_TIMEOUT_SECONDS, help="seconds per cell"
    )
    parser.add_argument("--quiet", action="store_true", help="no progress output (for cron)")
    _add_problem_options(parser)
    parser.add_argument(
        "--full", action="store_true", help="render every page (reuse none from earlier reports)"
    )
    parser.add_argument(
        "--workers",
        type=_positive,
        default=None,
        help="pages rendered in parallel, each on its own warm kernel (default: the cores)",
    )
    parser.add_argument(
        "--executor",
        choices=EXECUTORS,
        default="local",
        help="local warm kernels, or a Dask cluster (needs casrec[dask] and --scheduler)",
    )
    parser.add_argument("--scheduler", help="Dask scheduler address, e.g. tcp://10.0.0.5:8786")
    parser.add_argument(
        "--plan",
        action="store_true",
        help="print the page plan as JSON (keys, rendered or reused) and stop (for Airflow)",
    )
    parser.set_defaults(handler=_run_run)


def _positive(text: str) -> int:
    """A whole number, 1 or more."""
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of 1 or more")
    return int(text)


def _run_run(args: argparse.Namespace) -> int:
    import datetime as dt

    from casrec.run import (
        RunConfig,
        RunError,
        run_reports,
        terminal_progress,
    )

    try:
        date = dt.date.fromisoformat(args.date) if args.date else dt.date.today()
    except ValueError:
        print(f"casrec run: --date {args.date!r} is not YYYY-MM-DD", file=sys.stderr)
        return EXIT_BAD_INPUT
    from casrec.project import run_dirs
    from casrec.resources import ensure_kernel

    dirs = run_dirs(args.project, args.data_dir, args.reports_dir, args.notebooks_dir)
    args.data_dir = dirs.data_dir  # named in bad-input messages
    ensure_kernel()  # a wheel installed with pip or uv has no kernel spec yet
    config = RunConfig(
        date=date,
        data_dir=dirs.data_dir,
        reports_dir=dirs.reports_dir,
        notebooks_dir=dirs.notebooks.path,
        policy=args.policy,
        events=args.events,
        as_of_window_days=args.as_of_window_days,
        cell_timeout_seconds=args.cell_timeout,
        quiet=args.quiet,
        full=args.full,
        executor=args.executor,
        scheduler=args.scheduler,
    )
    if args.workers is not None:
        config.workers = args.workers
    if args.plan:
        import json

        from casrec.run import plan_run

        try:
            print(json.dumps(plan_run(config), indent=1, default=str))
        except RunError as error:
            print(f"casrec run: {error.reason}", file=sys.stderr)
            return error.exit_code
        return EXIT_OK
    if not args.quiet:
        _print_notes(args.data_dir, args)
    try:
        result = run_reports(config, terminal_progress(args.quiet))
    except RunError as error:
        print(f"casrec run: {error.reason}", file=sys.stderr)
        return error.exit_code
    except OSError as error:  # e.g. a reports folder that cannot be created or written
        print(f"casrec run: cannot write the report: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    for warning in result.warnings:  # worth a look even from cron: printed when quiet too
        print(f"casrec run: warning: {warning}", file=sys.stderr)
    for problem in result.publish_problems:
        print(f"casrec run: published {result.report_dir}, but {problem}", file=sys.stderr)
    if not args.quiet:
        print(
            f"published {result.report_dir} ({len(result.pages)} pages: {result.rendered} "
            f"rendered, {result.reused} reused; {result.seconds:.1f} s)",
            file=sys.stderr,
        )
    return EXIT_PUBLISHED_INCOMPLETE if result.publish_problems else EXIT_OK


# --- projects: casrec init, casrec lab, casrec datapackage (casrec.project, casrec.datapackage)


def _add_init(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "init",
        help="start a new project: data/ with empty tables, notebooks/, reports/, README",
        description="Create a casrec project in DIR (made if needed); never overwrites a file.",
    )
    parser.add_argument("dir", type=Path, help="folder of the new project")
    parser.add_argument(
        "--no-notebooks",
        action="store_true",
        help="do not copy the notebooks (runs then use the ones packaged with casrec)",
    )
    parser.set_defaults(handler=_run_init)


def _run_init(args: argparse.Namespace) -> int:
    from casrec.project import ProjectExists, init_project
    from casrec.resources import ensure_kernel

    try:
        written = init_project(args.dir, with_notebooks=not args.no_notebooks)
    except ProjectExists as error:
        print(f"casrec init: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except OSError as error:
        print(f"casrec init: cannot create the project: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    kernel = " and the casrec Jupyter kernel" if ensure_kernel() else ""
    print(f"casrec init: created {args.dir} ({len(written)} files){kernel}. Next:")
    print(f"  cd {args.dir}")
    print("  casrec lab     # add sources, events and claims to data/, open the notebooks")
    print("  casrec run     # render reports/<date>/")
    return EXIT_OK


def _add_lab(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "lab",
        help="open JupyterLab on the project's notebooks with the casrec kernel",
        description="Open JupyterLab on PROJECT/notebooks (copied from casrec when absent).",
    )
    parser.add_argument("--project", type=Path, default=Path("."), help="default: this folder")
    parser.add_argument(
        "--print-command",
        action="store_true",
        help="print the JupyterLab command instead of starting it",
    )
    parser.set_defaults(handler=_run_lab)


def _run_lab(args: argparse.Namespace) -> int:
    import shlex
    import subprocess

    from casrec.project import copy_notebooks, lab_command
    from casrec.resources import ensure_kernel

    if not (args.project / "data").is_dir():
        print(
            f"casrec lab: {args.project} has no data/ folder; start a project with "
            "`casrec init DIR`",
            file=sys.stderr,
        )
        return EXIT_BAD_INPUT
    copied = copy_notebooks(args.project)
    if copied:
        print(f"casrec lab: copied {len(copied)} notebooks into {args.project / 'notebooks'}")
    command = lab_command(args.project)
    if args.print_command:
        print(shlex.join(command))
        return EXIT_OK
    ensure_kernel()
    return subprocess.call(command)


def _add_datapackage(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "datapackage",
        help="print, write or check data/datapackage.json (generated from the contract)",
        description="The Frictionless Data Package (v2) of the data contract, generated from "
        "casrec.schema; --reconciled: the one each report ships for reconciled.csv.",
    )
    parser.add_argument(
        "--data-dir", type=Path, default=DEFAULT_DATA_DIR, help="folder of the CSVs"
    )
    what = parser.add_mutually_exclusive_group()
    what.add_argument("--write", action="store_true", help="write DATA_DIR/datapackage.json")
    what.add_argument(
        "--check", action="store_true", help="exit 1 when DATA_DIR/datapackage.json is stale"
    )
    parser.add_argument(
        "--reconciled", action="store_true", help="the descriptor of a report's reconciled.csv"
    )
    parser.add_argument("--out", type=Path, help="write the descriptor to this file")
    parser.set_defaults(handler=_run_datapackage)


def _run_datapackage(args: argparse.Namespace) -> int:
    from casrec import datapackage

    if args.reconciled and (args.write or args.check) and not args.out:
        print(
            "casrec datapackage: --reconciled needs --out FILE to write or check", file=sys.stderr
        )
        return EXIT_BAD_INPUT
    descriptor = datapackage.reconciled_package() if args.reconciled else datapackage.data_package()
    text = datapackage.dumps(descriptor)
    target = args.out or (args.data_dir / "datapackage.json")
    if args.check:
        current = target.read_text(encoding="utf-8") if target.is_file() else ""
        if current != text:
            print(
                f"casrec datapackage: {target} differs from the contract; regenerate it with "
                "`casrec datapackage --write` (or `make datapackage` in casrec's repository)",
                file=sys.stderr,
            )
            return EXIT_FAILED
        print(f"{target} matches the contract", file=sys.stderr)
    elif args.write or args.out:
        target.write_text(text, encoding="utf-8")
        print(f"wrote {target}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return EXIT_OK


def _add_extract(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "extract",
        help="propose every figure of a document as draft claims for review",
        description="Read a plain-text or HTML document and write candidate claims (claims.csv "
        "columns plus span_start, span_end, review) for the analyst to confirm. Never writes "
        "to data/.",
    )
    parser.add_argument("document", type=Path, help="the document: .txt or .html")
    parser.add_argument("--source-id", required=True, help="the document's sources.csv id")
    parser.add_argument("--event-id", help="event_id for every candidate (else left to choose)")
    parser.add_argument(
        "--publisher",
        help="claimant when the text names none (default: the source's publisher in sources.csv)",
    )
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=DEFAULT_DATA_DIR,
        help="folder with sources.csv, actors.csv, vague_quantities.csv (read)",
    )
    parser.add_argument("--out", type=Path, help="drafts CSV to write (default: print it)")
    parser.set_defaults(handler=_run_extract)


def _refuse_data_dir(out: Path, data_dir: Path, command: str) -> str | None:
    """A message when ``out`` lies inside the data folder (casrec never writes to data/)."""
    try:
        out.resolve().relative_to(data_dir.resolve())
    except ValueError:
        return None
    return f"casrec {command}: {out} is inside {data_dir}; casrec never writes to the data folder"


def _run_extract(args: argparse.Namespace) -> int:
    import re

    from casrec.extract import ExtractError, extract_file, write_drafts
    from casrec.schema import SLUG_PATTERN

    for option, value in (("--source-id", args.source_id), ("--event-id", args.event_id)):
        if value is not None and not re.fullmatch(SLUG_PATTERN, value):
            print(
                f"casrec extract: {option} {value!r} is not a slug (lower-case letters, digits "
                "and hyphens, as in sources.csv and events.csv)",
                file=sys.stderr,
            )
            return EXIT_BAD_INPUT
    if args.out is not None and (refusal := _refuse_data_dir(args.out, args.data_dir, "extract")):
        print(refusal, file=sys.stderr)
        return EXIT_BAD_INPUT
    try:
        _, drafts = extract_file(
            args.document, args.source_id, args.data_dir, args.event_id, args.publisher
        )
    except ExtractError as error:
        print(f"casrec extract: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    if args.out is None:
        drafts.to_csv(sys.stdout, index=False)
        return EXIT_OK
    try:
        write_drafts(drafts, args.out)
    except OSError as error:
        print(f"casrec extract: cannot write {args.out}: {error.strerror}", file=sys.stderr)
        return EXIT_BAD_INPUT
    flagged = int((drafts["review"] != "").sum())
    print(
        f"wrote {len(drafts)} candidate claims to {args.out} ({flagged} with something to review)",
        file=sys.stderr,
    )
    return EXIT_OK


def _add_import(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "import",
        help="draft sources, actors, events and claims from UCDP GED or ACLED files",
        description="Read a UCDP GED CSV or an ACLED export CSV in its published column layout "
        "and write a drafts folder (sources.csv, actors.csv, events.csv, claims.csv).",
    )
    parser.add_argument("dataset", choices=("ucdp-ged", "acled"), help="which layout the file has")
    parser.add_argument("file", type=Path, help="the CSV file")
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=DEFAULT_DATA_DIR,
        help="existing project data, to match events against (read only)",
    )
    parser.add_argument(
        "--out", type=Path, default=Path("drafts"), help="drafts folder to write (default: drafts/)"
    )
    parser.add_argument("--source-id", help="source_id for the file (default: from its name)")
    parser.add_argument("--published", help="the release or export date, YYYY or YYYY-MM(-DD)")
    parser.add_argument(
        "--date-order",
        choices=("day", "month"),
        help="whether numeric dates (7/2/2025) put the day or the month first, for a file "
        "whose own dates do not settle it (a spreadsheet's re-save)",
    )
    parser.set_defaults(handler=_run_import)


def _run_import(args: argparse.Namespace) -> int:
    import re

    from casrec.importers import ImportFileError, import_dataset
    from casrec.schema import DATE_PATTERN, SLUG_PATTERN

    if refusal := _refuse_data_dir(args.out, args.data_dir, "import"):
        print(refusal, file=sys.stderr)
        return EXIT_BAD_INPUT
    if args.source_id is not None and not re.fullmatch(SLUG_PATTERN, args.source_id):
        print(f"casrec import: --source-id {args.source_id!r} is not a slug", file=sys.stderr)
        return EXIT_BAD_INPUT
    if args.published is not None and not re.fullmatch(DATE_PATTERN, args.published):
        print(
            f"casrec import: --published {args.published!r} is not YYYY, YYYY-MM or YYYY-MM-DD",
            file=sys.stderr,
        )
        return EXIT_BAD_INPUT
    try:
        day_first = None if args.date_order is None else args.date_order == "day"
        summary = import_dataset(
            args.dataset, args.file, args.out, args.data_dir, args.source_id, args.published,
            day_first,
        )  # fmt: skip
    except ImportFileError as error:
        print(f"casrec import: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    print(f"casrec import: {summary}", file=sys.stderr)
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand."""
    parser = argparse.ArgumentParser(prog="casrec", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"casrec {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    _add_reconcile(commands)
    _add_validate(commands)
    _add_run(commands)
    _add_init(commands)
    _add_lab(commands)
    _add_datapackage(commands)
    _add_extract(commands)
    _add_import(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point: parse arguments, run the subcommand, turn known failures into exit codes."""
    from casrec.quantities import QuantityErrors
    from casrec.schema import DataError

    args = build_parser().parse_args(argv)
    try:
        code = args.handler(args)
        sys.stdout.flush()  # a reader that went away shows here, inside the handler below
        return code
    except DataError as error:
        return _bad_input(args, error)
    except QuantityErrors as error:
        print(f"casrec: bad input in {args.data_dir}:\n{error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except BrokenPipeError:
        return _reader_went_away()


def _bad_input(args: argparse.Namespace, error) -> int:
    """The located, capped message for input that breaks the contract (exit 2)."""
    from casrec.schema import DEFAULT_MAX_PROBLEMS, write_problems

    limit = getattr(args, "max_problems", DEFAULT_MAX_PROBLEMS)
    print(f"casrec: bad input in {args.data_dir}:\n{error.format(limit)}", file=sys.stderr)
    out = getattr(args, "problems_out", None)
    if out:
        if _written(args.command, out, lambda: write_problems(error.frame, out)):
            print(f"casrec: wrote all {len(error.frame):,} problems to {out}", file=sys.stderr)
    elif len(error.frame) > limit:
        print("casrec: --problems-out FILE writes every one of them", file=sys.stderr)
    return EXIT_BAD_INPUT


def _written(command: str, path, write) -> bool:
    """Run ``write``; False, with a message naming ``path``, when it cannot be written.

    An output path that is a folder, under a file or read-only is the user's input (exit 2),
    not a traceback.
    """
    try:
        write()
    except OSError as error:
        reason = error.strerror or str(error)
        print(f"casrec {command}: cannot write {path}: {reason}", file=sys.stderr)
        return False
    return True


def _reader_went_away() -> int:
    """Stop quietly when stdout's reader closed early (``casrec validate | head``).

    Output is pointed at /dev/null so the interpreter's final flush cannot raise again; the
    exit code is the one a process killed by SIGPIPE reports, as ``cat`` would.
    """
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)
    return EXIT_BROKEN_PIPE


if __name__ == "__main__":
    sys.exit(main())
