"""Time and memory of casrec's message for a claims.csv full of junk (10k and 100k rows).

Run: .venv/bin/python benchmarks/bench_validate.py [--rows 10000 100000] [--quality]
Targets (issue 10): 100,000 junk rows give their located, capped message in under 10 s and
under 1 GB. Each size runs in a fresh process (``casrec reconcile --skip-quality``, the path
a scheduled run takes), so the peak memory printed is that run's own. With ``--quality`` the
full ``casrec validate`` (great-expectations) is measured too.
"""

from __future__ import annotations

import argparse
import csv
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
TARGET_SECONDS = 10
TARGET_PEAK_MB = 1024


def junk_claims(path: Path, rows: int) -> None:
    """claims.csv of ``rows`` rows, each breaking several rules the way hand edits do."""
    header = ["claim_id", "event_id", "source_id", "claimant", "claimant_role", "metric",
              "population", "value", "evidence"]  # fmt: skip
    metrics = ["dead", "killed", "Killed", "deaths", "wounded"]
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for i in range(rows):
            writer.writerow([
                f"Claim {i}" if i % 3 else f"claim-{i % 1000}",  # not a slug, or a duplicate
                f"event-{i}" if i % 2 else "Kobe-2025-02-07",  # dangling, or the wrong case
                "hrw-2025-kobe" if i % 5 else f"source {i}",
                "" if i % 7 == 0 else "Someone",
                "witness" if i % 4 == 0 else "independent",
                metrics[i % len(metrics)],
                "civilians",
                f"lots {i}" if i % 2 else str(i),
                "" if i % 11 == 0 else f"killing {i} people",
            ])  # fmt: skip


def measure(command: list[str]) -> tuple[float, float, float, int, int]:
    """Wall and CPU seconds, peak MB of the child, exit code and lines printed.

    CPU seconds are printed too: on a shared machine the wall time also counts waiting.
    """
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    peak_mb = after.ru_maxrss / 1024
    return seconds, cpu, peak_mb, done.returncode, len((done.stdout + done.stderr).splitlines())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--quality", action="store_true", help="also time casrec validate")
    args = parser.parse_args()
    casrec = str(Path(sys.executable).with_name("casrec"))
    print(f"{'rows':>8} {'command':<28} {'wall s':>8} {'cpu s':>8} {'peak MB':>8} {'exit':>5} "
          f"{'lines':>6}")  # fmt: skip
    for rows in args.rows:
        with tempfile.TemporaryDirectory() as folder:
            data = Path(folder) / "data"
            shutil.copytree(PROJECT / "data", data)
            junk_claims(data / "claims.csv", rows)
            commands = {"reconcile --skip-quality": [casrec, "reconcile", "--skip-quality"]}
            if args.quality:
                commands["validate"] = [casrec, "validate"]
            for name, command in commands.items():
                # a fresh child per measurement: RUSAGE_CHILDREN is the largest child so far,
                # so the sizes run smallest first
                seconds, cpu, peak, code, lines = measure([*command, "--data-dir", str(data)])
                print(f"{rows:>8} {name:<28} {seconds:>8.2f} {cpu:>8.2f} {peak:>8.0f} {code:>5} "
                      f"{lines:>6}")  # fmt: skip
    print(f"targets for 100,000 rows: under {TARGET_SECONDS} s and {TARGET_PEAK_MB} MB, exit 2")


if __name__ == "__main__":
    main()
