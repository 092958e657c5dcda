"""A backfill of several dates in one process: kernels kept warm between runs vs a cold start each.

Run: nice .venv/bin/python benchmarks/bench_warm_kernels.py [--days 4] [--events all]
Target: inside ``casrec.run.warm_kernels()`` a run after the second (both kernels warm, the
quality page's great-expectations imported) costs at most 0.7 of a run with its own kernels,
both measured in this one run on the shipped data, every page rendered (``full``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import tempfile
import time
from pathlib import Path

from casrec.run import RunConfig, default_notebooks_dir, run_reports, warm_kernels

ROOT = Path(__file__).resolve().parents[1]
TARGET = 0.7


def backfill(reports: Path, days: int, events: str, keep: int | None) -> list[float]:
    """Seconds of each run of ``days`` consecutive dates; ``keep`` kernels kept between runs."""
    seconds = []
    with warm_kernels(keep):
        for offset in range(days):
            config = RunConfig(
                date=dt.date(2026, 1, 1) + dt.timedelta(days=offset),
                data_dir=ROOT / "data",
                reports_dir=reports,
                notebooks_dir=default_notebooks_dir(),
                events=events,
                full=True,  # every page rendered: the cache would hide the kernels' cost
                quiet=True,
            )
            start = time.perf_counter()
            run_reports(config)
            seconds.append(time.perf_counter() - start)
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--days", type=int, default=4, help="dates to render (at least 3)")
    parser.add_argument("--events", default="kobe-2025-02-07,bamako-2024-09-17")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        # warm first: its first run also pays this process's own imports, against it
        warm = backfill(Path(tmp) / "warm", max(3, args.days), args.events, None)
        cold = backfill(Path(tmp) / "cold", max(3, args.days), args.events, 0)
    print("run seconds, warm kernels:", " ".join(f"{s:.1f}" for s in warm))
    print("run seconds, own kernels: ", " ".join(f"{s:.1f}" for s in cold))
    ratio = statistics.mean(warm[2:]) / statistics.mean(cold)
    verdict = "ok" if ratio <= TARGET else "OVER TARGET"
    print(f"warm run (3rd on) / cold run: {ratio:.2f} (target <= {TARGET}) {verdict}")


if __name__ == "__main__":
    main()
