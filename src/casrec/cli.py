"""The ``casrec`` command: reconcile, validate and render reports from a terminal or a scheduler.

Exit codes (documented in the README): 0 success; 1 a critical data-quality rule failed or a
report run failed; 2 the input cannot be read (message names file, row, column); 3 another run
holds the lock.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from casrec import __version__

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_BAD_INPUT = 2
EXIT_LOCKED = 3

DEFAULT_DATA_DIR = Path("data")


def _add_reconcile(commands: argparse._SubParsersAction) -> None:
    from casrec.reconcile import DEFAULT_POLICY, POLICIES

    parser = commands.add_parser(
        "reconcile",
        help="reconcile the claims into one low / best / high row per key",
        description="Reconcile data/claims.csv into low / best / high estimates (no notebooks).",
    )
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR, help="folder of the CSVs")
    parser.add_argument("--policy", choices=POLICIES, default=DEFAULT_POLICY, help="how best is chosen")
    parser.add_argument("--out", type=Path, help="write reconciled CSV here instead of printing")
    parser.set_defaults(handler=_run_reconcile)


def _run_reconcile(args: argparse.Namespace) -> int:
    from casrec.pipeline import load_and_reconcile
    from casrec.tables import readable_estimates, write_reconciled_csv

    result = load_and_reconcile(args.data_dir, policy=args.policy)
    if args.out:
        write_reconciled_csv(result.output(), args.out)
        print(f"wrote {len(result.estimates)} reconciled rows to {args.out}", file=sys.stderr)
    else:
        print(readable_estimates(result.estimates).to_string(index=False))
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand."""
    parser = argparse.ArgumentParser(prog="casrec", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"casrec {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    _add_reconcile(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point: parse arguments, run the subcommand, turn known failures into exit codes."""
    from casrec.quantities import QuantityErrors
    from casrec.schema import DataError

    args = build_parser().parse_args(argv)
    try:
        return args.handler(args)
    except (DataError, QuantityErrors) as error:
        print(f"casrec: bad input in {args.data_dir}:\n{error}", file=sys.stderr)
        return EXIT_BAD_INPUT


if __name__ == "__main__":
    sys.exit(main())
