"""Full report of the dataset: cold cost of one notebook vs marginal cost per extra event page.

Run: .venv/bin/python benchmarks/bench_report.py [--events all]
Target (issue 5): the marginal cost of an event page is at most 15% of the cold cost of one
notebook (kernel start + imports + work + HTML), both measured in this one run, on one warm
kernel (--workers 1; benchmarks/bench_runs.py measures parallel runs and reuse).
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import statistics
import tempfile
import time
from pathlib import Path

from casrec.run import Page, RunConfig, execute, run_reports

ROOT = Path(__file__).resolve().parents[1]


def cold_page_seconds(notebooks_dir: Path, data_dir: Path, workdir: Path) -> float:
    """One event page from nothing: a new kernel, every import, the work, the HTML."""
    page = Page("event", "event-cold", {"event_id": "kobe-2025-02-07",
                       "data_dir": str(data_dir), "chart_renderer": "svg"}, "cold")  # fmt: skip
    start = time.perf_counter()
    kernel = execute.WarmKernel(notebooks_dir)
    try:
        execute.execute_page(page, notebooks_dir, workdir / "cold.ipynb", kernel, 300)
        execute.notebook_to_html(workdir / "cold.ipynb", workdir / "cold.html", "cold")
    finally:
        kernel.shutdown()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", default="all")
    args = parser.parse_args()
    notebooks_dir, data_dir = ROOT / "notebooks", ROOT / "data"
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        cold = cold_page_seconds(notebooks_dir, data_dir, workdir)
        config = RunConfig(date=dt.date.today(), data_dir=data_dir,
                                  reports_dir=workdir / "reports", notebooks_dir=notebooks_dir,
                                  events=args.events, quiet=True, full=True,
                                  workers=1)  # fmt: skip
        start = time.perf_counter()
        result = run_reports(config)
        total = time.perf_counter() - start
        run = json.loads((result.report_dir / "run.json").read_text())
    pages = [n for n in run["notebooks"] if n["notebook"] == "event"]
    # Marginal cost = how much later each event page starts than the one before: the real
    # throughput, including HTML conversion where it does not overlap the next execution.
    starts = [n["started_after_seconds"] for n in pages]
    gaps = [b - a for a, b in itertools.pairwise(starts)]
    marginal = statistics.median(gaps) if gaps else pages[0]["seconds"]
    print(f"full report: {len(run['notebooks'])} pages in {total:.1f} s ({len(pages)} event pages)")
    print(f"cold cost of one notebook (kernel start + imports + work + HTML): {cold:6.2f} s")
    print(f"marginal cost per extra event page (median gap between starts): {marginal:6.2f} s")
    print(f"ratio marginal / cold: {marginal / cold:6.1%}   (target <= 15%)")


if __name__ == "__main__":
    main()
