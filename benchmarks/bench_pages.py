"""Page weight: the size of each report page, the report folder, and a 5,000-event overview.

    .venv/bin/python benchmarks/bench_pages.py                  # render the shipped data
    .venv/bin/python benchmarks/bench_pages.py --report DIR     # measure a dated report folder
    .venv/bin/python benchmarks/bench_pages.py --compare OLD    # ... and print the ratio to OLD
    .venv/bin/python benchmarks/bench_pages.py --before a7ff1da^  # ... to a git revision's report
    .venv/bin/python benchmarks/bench_pages.py --synthetic 5000 # also a 5,000-event overview

Prints measured sizes; asserts nothing (the browser tests and test_views hold the limits).
``--before REV`` renders the shipped data of git revision REV (its code, notebooks and data,
on this environment's packages) as the baseline: ``a7ff1da^`` is the code before issue 16.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATE = "2026-01-15"
KOBE = "event-kobe-2025-02-07.html"


def render(data_dir: Path, reports: Path, events: str = "all") -> Path:
    from casrec.cli import main

    code = main(["run", "--quiet", "--date", DATE, "--reports-dir", str(reports),
                 "--data-dir", str(data_dir), "--events", events])  # fmt: skip
    if code != 0:
        raise SystemExit(f"casrec run exited {code}")
    return reports / DATE


def render_revision(revision: str, tmp: Path) -> Path:
    """The report of the shipped data at a git revision, rendered by that revision's casrec."""
    tree = tmp / "before"
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", "--format=tar", revision],
                             capture_output=True, check=True).stdout  # fmt: skip
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(tree, filter="data")
    # its src/ first on the path, in this process's children and in the kernels they start
    env = {**os.environ, "PYTHONPATH": str(tree / "src")}
    casrec = Path(sys.executable).with_name("casrec")
    reports = tmp / "before-reports"
    subprocess.run([str(casrec), "run", "--quiet", "--date", DATE, "--reports-dir", str(reports),
                    "--data-dir", str(tree / "data"), "--notebooks-dir", str(tree / "notebooks")],
                   cwd=tree, env=env, check=True)  # fmt: skip
    return reports / DATE


def folder_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def weights(day: Path) -> dict[str, float]:
    pages = sorted(day.glob("*.html"))
    sizes = [p.stat().st_size for p in pages]
    notebooks = [p for p in day.rglob("*") if p.is_file() and ".ipynb" in p.name]
    return {
        "pages": len(pages),
        "kobe_kb": (day / KOBE).stat().st_size / 1e3 if (day / KOBE).exists() else float("nan"),
        "overview_kb": (day / "index.html").stat().st_size / 1e3,
        "median_page_kb": statistics.median(sizes) / 1e3,
        "largest_page_kb": max(sizes) / 1e3,
        "html_mb": sum(sizes) / 1e6,
        "notebooks_mb": sum(p.stat().st_size for p in notebooks) / 1e6,
        "folder_mb": folder_size(day) / 1e6,
    }


def show(label: str, measured: dict[str, float], before: dict[str, float] | None) -> None:
    print(f"\n{label}")
    for name, value in measured.items():
        line = f"  {name:<16} {value:>10.1f}"
        if before and name in before and before[name]:
            line += f"   before {before[name]:>10.1f}   ratio {value / before[name]:.2f}"
        print(line)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--report", type=Path, help="a dated report folder to measure")
    parser.add_argument("--compare", type=Path, help="an earlier dated report folder")
    parser.add_argument("--before", help="a git revision whose report is the baseline")
    parser.add_argument("--synthetic", type=int, default=0, help="events in a synthetic overview")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="casrec-bench-pages-") as tmp:
        day = args.report or render(ROOT / "data", Path(tmp) / "reports")
        baseline = render_revision(args.before, Path(tmp)) if args.before else args.compare
        before = weights(baseline) if baseline else None
        if baseline:
            print(f"before: {args.before or baseline}")
        show(f"report folder {day}", weights(day), before)
        if args.synthetic:
            sys.path.insert(0, str(ROOT / "tests"))
            from synthetic import synthetic_dataset

            data = synthetic_dataset(Path(tmp) / "synthetic", args.synthetic)
            t0 = time.perf_counter()
            synthetic_day = render(data, Path(tmp) / "synthetic-reports", events="ev-00000")
            seconds = time.perf_counter() - t0
            overview = (synthetic_day / "index.html").stat().st_size
            rows = (synthetic_day / "index.html").read_text(encoding="utf-8").count("<tr data-s=")
            print(f"\nsynthetic: {args.synthetic:,} events, {rows:,} estimates in the overview")
            print(f"  overview_mb      {overview / 1e6:>10.2f}   (run took {seconds:.0f} s)")


if __name__ == "__main__":
    main()
