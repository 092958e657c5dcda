"""Planning a run: what it depends on (``RunConfig``) and which pages it renders with what."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path

from casrec.run.errors import RunError
from casrec.views import displacement_page_name, event_page_name
from casrec.vocabulary import DISPLACEMENT_METRICS

DEFAULT_CELL_TIMEOUT_SECONDS = 300
NOTEBOOKS = ("overview", "event", "displacement", "data_quality")
# The notebooks that run the data-quality suites (great-expectations, seconds to import and
# run): rendered one after the other on one kernel, they validate once (the kernel's memo in
# casrec.pipeline) instead of once on each kernel.
VALIDATING_NOTEBOOKS = ("data_quality", "overview")


def default_workers() -> int:
    """One warm kernel per core this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


@dataclass
class RunConfig:
    """Everything a run depends on (recorded in run.json)."""

    date: dt.date
    data_dir: Path
    reports_dir: Path
    notebooks_dir: Path
    policy: str = "reliability"
    events: str = "all"  # "all", "contested", or comma-separated event ids
    as_of_window_days: int = 90
    cell_timeout_seconds: int = DEFAULT_CELL_TIMEOUT_SECONDS
    quiet: bool = False
    full: bool = False  # render every page, reusing none from earlier reports
    workers: int = field(default_factory=default_workers)  # warm kernels in parallel
    executor: str = "local"  # "local" (warm kernels here) or "dask" (needs scheduler)
    scheduler: str | None = None  # Dask scheduler address, e.g. tcp://10.0.0.5:8786


@dataclass
class Page:
    """One notebook run that becomes one HTML page."""

    notebook: str
    output_name: str  # e.g. event-kobe-2025-02-07 (-> .html and .ipynb)
    parameters: dict
    title: str
    seconds: float = 0.0


def select_events(analysis, selector: str) -> list[str]:
    """Event ids for ``--events``: all, contested (any key contested), or a list of ids."""
    events = analysis.dataset.events
    if selector == "all":
        return events["event_id"].tolist()
    if selector == "contested":
        contested = analysis.estimates.loc[analysis.estimates["status"] == "contested", "event_id"]
        return [e for e in events["event_id"] if e in set(contested)]
    wanted = [e.strip() for e in selector.split(",") if e.strip()]
    unknown = [e for e in wanted if e not in set(events["event_id"])]
    if unknown:
        raise RunError(
            f"--events names unknown event(s): {', '.join(unknown)} (see data/events.csv)", 2
        )
    return wanted


def plan_pages(config: RunConfig, analysis) -> list[Page]:
    """The pages of a report: data quality, overview, displacement pages, one per event."""
    events = select_events(analysis, config.events)
    claims = analysis.claims
    aggregates = analysis.dataset.events.loc[
        analysis.dataset.events["kind"] == "aggregate", "event_id"
    ]
    displacement = [
        e
        for e in aggregates
        if ((claims["event_id"] == e) & claims["metric"].isin(DISPLACEMENT_METRICS)).any()
    ]
    data_dir = str(config.data_dir.resolve())
    common = {
        "data_dir": data_dir,
        "policy": config.policy,
        "as_of_window_days": config.as_of_window_days,
        "chart_renderer": "svg",
    }
    titles = analysis.dataset.events.set_index("event_id")["title"]
    pages = [
        Page(
            "data_quality",
            "data_quality",
            {
                "data_dir": data_dir,
                "policy": config.policy,
                "as_of_window_days": config.as_of_window_days,
                "run_date": config.date.isoformat(),
                "fail_on_critical": True,
                "overview_page": "index.html",
            },
            "Data quality",
        ),
        Page(
            "overview",
            "index",
            {
                **common,
                "reports_dir": str(config.reports_dir.resolve()),
                "run_date": config.date.isoformat(),
                "event_pages": events,
                "displacement_pages": displacement,
            },
            "Casualty reconciliation: overview",
        ),
    ]
    for event_id in displacement:
        pages.append(
            Page(
                "displacement",
                displacement_page_name(event_id)[:-5],
                {**common, "event_id": event_id, "overview_page": "index.html"},
                f"Displacement over time: {titles[event_id]}",
            )
        )
    for event_id in events:
        pages.append(
            Page(
                "event",
                event_page_name(event_id)[:-5],
                {
                    **common,
                    "event_id": event_id,
                    "overview_page": "index.html",
                    "event_pages": events,  # the parent and children link to their pages
                },
                str(titles[event_id]),
            )
        )
    return pages


def check_parameters(notebooks_dir: Path, pages: list[Page]) -> None:
    """Refuse to run when a page passes a parameter its notebook does not declare."""
    import papermill

    declared: dict[str, set[str]] = {}
    for page in pages:
        if page.notebook not in declared:
            path = notebooks_dir / f"{page.notebook}.ipynb"
            if not path.exists():
                raise RunError(f"notebook not found: {path}", 2)
            declared[page.notebook] = set(papermill.inspect_notebook(str(path)))
        unknown = set(page.parameters) - declared[page.notebook]
        if unknown:
            raise RunError(
                f"{page.notebook}.ipynb has no parameter(s) {', '.join(sorted(unknown))}; "
                f"it declares: {', '.join(sorted(declared[page.notebook]))}",
                2,
            )


def kernel_groups(pages: list[Page]) -> list[list[Page]]:
    """The pages each kernel renders in one go, in order: the validating ones together."""
    validating = [p for p in pages if p.notebook in VALIDATING_NOTEBOOKS]
    alone = [[p] for p in pages if p.notebook not in VALIDATING_NOTEBOOKS]
    return [validating, *alone] if validating else alone
