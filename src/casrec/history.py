"""Report history: the published dated reports, the one before a date, and what changed since.

Notebooks and the runner both read it (the overview shows what changed since the previous
report; the runner points ``latest`` and lists runs), so it lives in the library, not in the
runner.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from casrec.changes import compare_reports, read_reconciled

REPORT_FOLDER = re.compile(r"\d{4}-\d{2}-\d{2}")


def resolve_date(text: str | dt.date | None) -> str:
    """'' or None -> today; a date or YYYY-MM-DD text -> that day, as YYYY-MM-DD."""
    if text in (None, ""):
        return dt.date.today().isoformat()
    if isinstance(text, dt.date):
        return text.isoformat()
    return dt.date.fromisoformat(str(text)).isoformat()


@dataclass
class PreviousReport:
    """An earlier published report (for 'what changed')."""

    date: str
    path: Path

    @property
    def label(self) -> str:
        """How the overview names it."""
        return self.date


def dated_reports(reports_dir: str | Path) -> list[Path]:
    """Published report folders (YYYY-MM-DD with a run.json), oldest first."""
    root = Path(reports_dir)
    if not root.is_dir():
        return []
    folders = [p for p in root.iterdir() if REPORT_FOLDER.fullmatch(p.name) and p.is_dir()]
    return sorted(p for p in folders if (p / "run.json").exists())


def previous_report(reports_dir: str | Path, before: str) -> PreviousReport | None:
    """The newest published report dated before ``before`` (YYYY-MM-DD), if any."""
    earlier = [p for p in dated_reports(reports_dir) if p.name < before]
    if not earlier:
        return None
    return PreviousReport(earlier[-1].name, earlier[-1] / "reconciled.csv")


def changes_since(previous: PreviousReport | None, current: pd.DataFrame):
    """compare_reports against a previous report's reconciled.csv (None when there is none)."""
    if previous is None or not previous.path.exists():
        return None
    from casrec.tables import csv_ready

    return compare_reports(read_reconciled(previous.path), csv_ready(current))
