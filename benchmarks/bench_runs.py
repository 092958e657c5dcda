"""Scheduled runs on a synthetic archive: what an unchanged day, a one-claim day and two cores cost.

Run: nice .venv/bin/python benchmarks/bench_runs.py [--events 500] [--workers 2]
Targets (issue 15), all measured in this one run on the shipped data plus ``--events``
synthetic incidents:
  unchanged rerun / full run           <= 10%
  one changed claim rerun / full run   <= 15%, and exactly its event page + the summaries
  --workers 2 / --workers 1 (full)     <= 0.65 on a 2-core machine
  reads of each input file per run     <= 1 in the runner + 1 per kernel (strace -f)
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CASREC = [sys.executable, "-m", "casrec.cli"]
DATE = "2026-01-15"
SOURCE = "hrw-2025-02-kobe"  # published 2025-02: synthetic incidents happen before it


def synthetic_data(target: Path, events: int) -> Path:
    """The shipped data plus ``events`` incidents of three claims each (a contested pair)."""
    shutil.copytree(ROOT / "data", target)
    with (target / "events.csv").open("a", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        for n in range(events):
            day = f"2024-{1 + n % 12:02d}-{1 + n % 28:02d}"
            writer.writerow([f"synthetic-{n:04d}", f"Synthetic incident {n}", "incident", day,
                             "", "MLI", "", "", ""])  # fmt: skip
    with (target / "claims.csv").open("a", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        for n in range(events):
            for k, value in enumerate((10 + n % 50, 20 + n % 70, 5 + n % 9)):
                writer.writerow([f"synthetic-{n:04d}-{k}", f"synthetic-{n:04d}", SOURCE,
                                 f"Witness {k}", "independent", "", "killed", "civilians", "",
                                 "", "", str(value), "", "", "",
                                 f"killing {value} civilians in the attack", ""])  # fmt: skip
    return target


def change_one_claim(data: Path, claim_id: str) -> None:
    """Edit the notes of one claim, as an analyst correcting a row would."""
    path = data / "claims.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        if row["claim_id"] == claim_id:
            row["notes"] = "Corrected after a second reading."
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def casrec_run(reports: Path, data: Path, *extra: str, strace: Path | None = None) -> float:
    """Seconds one ``casrec run`` takes (wall clock, the whole process)."""
    command = [*CASREC, "run", "--quiet", "--date", DATE, "--reports-dir", str(reports),
               "--data-dir", str(data), *extra]  # fmt: skip
    if strace is not None:
        command = ["strace", "-f", "-qq", "-e", "trace=openat", "-o", str(strace), *command]
    start = time.perf_counter()
    subprocess.run(command, check=True)
    return time.perf_counter() - start


def pages_by_how(reports: Path) -> dict[str, list[str]]:
    info = json.loads((reports / DATE / "run.json").read_text())
    found: dict[str, list[str]] = {"rendered": [], "reused": []}
    for entry in info["notebooks"]:
        found[entry["how"]].append(entry["page"])
    return found


def reads_per_process(trace: Path, data: Path) -> dict[str, Counter]:
    """Successful opens of each input file, per process id, from an strace -f log."""
    per_file: dict[str, Counter] = {}
    pattern = re.compile(r'^(\d+)\s+openat\(.*?"([^"]+)".*\)\s+=\s+(\d+)')
    for line in trace.read_text(errors="replace").splitlines():
        match = pattern.match(line)
        if match and Path(match.group(2)).parent == data:
            per_file.setdefault(Path(match.group(2)).name, Counter())[match.group(1)] += 1
    return per_file


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=500, help="synthetic incidents to add")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        data = synthetic_data(work / "data", args.events)
        reports = work / "reports"
        # the parallel full run first: on a busy machine the reruns' ratios matter most
        full = casrec_run(reports, data, "--full", "--workers", str(args.workers))
        pages = sum(len(v) for v in pages_by_how(reports).values())
        unchanged = casrec_run(reports, data, "--workers", str(args.workers))
        unchanged_pages = pages_by_how(reports)
        change_one_claim(data, "synthetic-0007-1")
        one_claim = casrec_run(reports, data, "--workers", str(args.workers))
        changed_pages = pages_by_how(reports)
        # reads are counted on one more such run, under strace (which slows it: not timed)
        change_one_claim(data, "synthetic-0011-2")
        trace = work / "strace.log"
        casrec_run(reports, data, "--workers", str(args.workers), strace=trace)
        serial = casrec_run(reports, data, "--full", "--workers", "1")
        reads = reads_per_process(trace, data.resolve())
    print(f"{pages} pages ({args.events} synthetic incidents + the shipped data)")
    print(f"full run, --workers 1:                  {serial:7.1f} s")
    print(f"full run, --workers {args.workers}:                  {full:7.1f} s")
    print(f"unchanged rerun:                        {unchanged:7.1f} s "
          f"({len(unchanged_pages['rendered'])} rendered)")  # fmt: skip
    print(f"rerun after one changed claim:          {one_claim:7.1f} s "
          f"(rendered: {', '.join(sorted(changed_pages['rendered']))})")  # fmt: skip
    print(f"ratio unchanged / full:                 {unchanged / full:7.1%}   (target <= 10%)")
    print(f"ratio one claim / full:                 {one_claim / full:7.1%}   (target <= 15%)")
    print(f"ratio --workers {args.workers} / --workers 1:           {full / serial:7.2f}   "
          "(target <= 0.65)")  # fmt: skip
    print("reads of each input file in a one-claim rerun (per process, runner first):")
    for name, counts in sorted(reads.items()):
        per_process = ", ".join(
            str(n) for _, n in sorted(counts.items(), key=lambda kv: int(kv[0]))
        )
        total = sum(counts.values())
        print(f"  {name:22s} {total:3d} reads in {len(counts)} processes: {per_process}")


if __name__ == "__main__":
    main()
