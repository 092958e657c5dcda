"""Incremental runs: a cache key per page, and reuse of pages from earlier published reports.

A page's key is made of four parts, each a sha256: the notebook's source, its parameters,
the code (casrec's own files, its version, the lock file, the installed package versions)
and the content of exactly the inputs the page depends on. A page whose key matches one in
an earlier published report is the same page, so it is linked (or copied) from there.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from casrec import __version__, resources
from casrec.history import dated_reports, previous_report
from casrec.run.plan import Page
from casrec.run.publish import find_executed_notebook, read_record
from casrec.schema import TABLES

# Parameters naming a folder: the page depends on what is in it (the inputs part, or the
# previous report), not on where it is, so moving data/ does not re-render every page.
PATH_PARAMETERS = ("data_dir", "reports_dir")
PRERENDERED = ".pages"  # reports/.pages/<cache key>/: pages rendered ahead (casrec.run.prerender)
PART_REASONS = {
    "notebook": "the notebook changed",
    "parameters": "its parameters changed",
    "code": "casrec, its lock file or a package version changed",
    "inputs": "the inputs it shows changed",
}


def sha256(data: bytes | str) -> str:
    """Hex sha256 of bytes or UTF-8 text."""
    return hashlib.sha256(data.encode("utf-8") if isinstance(data, str) else data).hexdigest()


def _tree_digest(root: Path, suffixes: tuple[str, ...]) -> str:
    files = sorted(p for p in root.rglob("*") if p.is_file() and p.suffix in suffixes)
    return sha256("".join(f"{p.relative_to(root)}\0{sha256(p.read_bytes())}\n" for p in files))


@cache
def code_digest(package_versions: tuple[tuple[str, str], ...]) -> str:
    """What makes the pages besides data: casrec's files and version, suites, lock, packages."""
    lock = resources.SOURCE_TREE / "requirements.lock"
    parts = [
        __version__,
        _tree_digest(resources.PACKAGE_DIR, (".py", ".j2", ".json", ".css", ".html")),
        _tree_digest(resources.expectations_dir(), (".json",)),
        # a clone pins its packages in the lock; a wheel's are in package_versions
        sha256(lock.read_bytes()) if lock.is_file() else "",
        json.dumps(package_versions),
    ]
    return sha256("\n".join(parts))


class Dependencies:
    """Which input rows each event's page reads, following the contract's references.

    Starting from the event and its claims, every reference a selected row makes (a claim's
    source, claimant actor, side, the claims it is part of or supersedes) is followed, and so
    is every claim that refers to a selected claim. An event that refers to a selected event
    (a child in a hierarchy, should the contract gain one) brings its claims too. Built once
    per run from the frames already loaded: no file is read again.
    """

    TABLE_NAMES = ("sources", "actors", "events", "claims", "subgroups")

    def __init__(self, dataset):
        self.rows: dict[str, dict[str, str]] = {}  # table -> id -> the row as JSON text
        self.refs: dict[tuple[str, str], set[tuple[str, str]]] = {}  # (table, id) -> targets
        self.referred_by: dict[tuple[str, str], set[tuple[str, str]]] = {}
        self.claims_of: dict[str, list[str]] = {}
        for name in self.TABLE_NAMES:
            frame = getattr(dataset, name)
            table = TABLES[name]
            ids = frame[table.id_column].astype(str).tolist()
            values = json.loads(frame.to_json(orient="values", date_format="iso"))
            self.rows[name] = {
                i: json.dumps(v, ensure_ascii=False) for i, v in zip(ids, values, strict=True)
            }
            for column in table.columns:
                if column.ref is None or column.name not in frame:
                    continue
                target = column.ref[0]
                for source_id, value in zip(ids, frame[column.name].tolist(), strict=True):
                    if isinstance(value, str) and value:
                        self.refs.setdefault((name, source_id), set()).add((target, value))
                        self.referred_by.setdefault((target, value), set()).add((name, source_id))
        claims = dataset.claims
        for claim_id, event_id in zip(claims["claim_id"], claims["event_id"], strict=True):
            self.claims_of.setdefault(str(event_id), []).append(str(claim_id))
        self.lexicon = dataset.lexicon.to_csv(index=False)

    def closure(self, event_id: str) -> set[tuple[str, str]]:
        """(table, id) of every row the page of ``event_id`` depends on."""
        chosen: set[tuple[str, str]] = set()
        expanded: set[str] = set()  # events whose claims are all on the page
        todo = [("events", event_id)]
        pages = [event_id]
        while pages or todo:
            while pages:
                page_event = pages.pop()
                if page_event not in expanded:
                    expanded.add(page_event)
                    todo.extend(("claims", c) for c in self.claims_of.get(page_event, ()))
                    for referring in self.referred_by.get(("events", page_event), ()):
                        if referring[0] == "events":  # a child event: its claims count too
                            todo.append(referring)
                            pages.append(referring[1])
            if not todo:
                break
            row = todo.pop()
            if row in chosen:
                continue
            chosen.add(row)
            todo.extend(self.refs.get(row, ()))  # its source, actors, event, claims it names
            if row[0] == "claims":
                todo.extend(r for r in self.referred_by.get(row, ()) if r[0] == "claims")
        return chosen

    def digest(self, event_id: str) -> str:
        """sha256 of the rows ``closure`` selects and of the whole lexicon (the vocabulary)."""
        chosen = self.closure(event_id)
        parts = [
            f"{name}\t{row_id}\t{self.rows[name].get(row_id, '')}"
            for name, row_id in sorted(chosen)
        ]
        return sha256("\n".join([*parts, self.lexicon]))


def page_parts(
    page: Page,
    notebooks_dir: Path,
    code: str,
    dependencies: Dependencies,
    checksums: dict[str, str],
) -> dict[str, str]:
    """The four parts of a page's cache key.

    A page with an ``event_id`` parameter depends on that event's rows (``event_closure``);
    any other page summarises everything, so it depends on every input file, and a page that
    reads ``reports_dir`` also on the previous report it compares with.
    """
    parameters = {k: v for k, v in page.parameters.items() if k not in PATH_PARAMETERS}
    if "event_id" in page.parameters:
        inputs = dependencies.digest(str(page.parameters["event_id"]))
    else:
        inputs = sha256(json.dumps(sorted(checksums.items())))
        if "reports_dir" in page.parameters:
            before = page.parameters.get("run_date", "")
            previous = previous_report(page.parameters["reports_dir"], before=before)
            if previous is not None and previous.path.exists():
                inputs = sha256(f"{inputs}\n{previous.date}\n{sha256(previous.path.read_bytes())}")
    return {
        "notebook": sha256((notebooks_dir / f"{page.notebook}.ipynb").read_bytes()),
        "parameters": sha256(json.dumps(parameters, sort_keys=True, default=str)),
        "code": code,
        "inputs": inputs,
    }


def key_of(parts: dict[str, str]) -> str:
    """The cache key: one sha256 over the four parts."""
    return sha256(json.dumps(parts, sort_keys=True))


@dataclass
class Earlier:
    """A page of an earlier published report that a new page may reuse."""

    report: Path
    entry: dict
    prerendered: bool = False

    @property
    def label(self) -> str:
        """<date>/<page>.html, for run.json and the log."""
        return f"{self.report.name}/{self.entry.get('page', '')}"


class ReuseIndex:
    """Pages of the earlier published reports a run may reuse, by cache key and by page name.

    Candidates are the report of the same date (a rerun), ``latest``, the newest report
    before the date, and pages rendered ahead under ``reports/.pages/`` (Airflow). A damaged
    run.json only means its pages are not reused.
    """

    def __init__(self, reports_dir: Path, date: str):
        self.by_key: dict[str, Earlier] = {}
        self.by_page: dict[str, Earlier] = {}
        self.problems: list[str] = []
        candidates = []
        for folder in (reports_dir / date, reports_dir / "latest"):
            if (folder / "run.json").exists():
                candidates.append(folder.resolve())
        earlier = [p for p in dated_reports(reports_dir) if p.name < date]
        if earlier:
            candidates.append(earlier[-1].resolve())
        ahead = reports_dir / PRERENDERED
        prerendered = (
            sorted(p for p in ahead.iterdir() if not p.name.startswith("."))
            if (ahead.is_dir())
            else []
        )
        for folder in [*prerendered, *dict.fromkeys(candidates)]:
            info, problem = read_record(folder / "run.json")
            if info is None:
                self.problems.append(f"not reusing pages of {folder.name}: {problem}")
                continue
            for entry in info.get("notebooks", []):
                if not isinstance(entry, dict) or "page" not in entry:
                    continue
                found = Earlier(folder, entry, folder.parent == ahead)
                self.by_page.setdefault(entry["page"], found)
                if entry.get("cache_key") and _files_exist(found):
                    self.by_key.setdefault(entry["cache_key"], found)

    def match(self, page_file: str, key: str) -> Earlier | None:
        """The earlier page with this key (its files still there), if any."""
        found = self.by_key.get(key)
        return found if found is not None and found.entry.get("page") == page_file else None

    def why_render(self, page_file: str, parts: dict[str, str]) -> str:
        """Why a page without a match is rendered, compared with its earlier version."""
        earlier = self.by_page.get(page_file)
        if earlier is None:
            return "new page (no earlier report has it)"
        before = earlier.entry.get("cache_parts")
        if not isinstance(before, dict):
            return f"{earlier.label} has no cache key"
        changed = [PART_REASONS[name] for name in PART_REASONS if before.get(name) != parts[name]]
        return "; ".join(changed) or f"{earlier.label} is missing its files"


def _executed(found: Earlier) -> Path | None:
    return find_executed_notebook(found.report, found.entry["page"][: -len(".html")])


def _files_exist(found: Earlier) -> bool:
    return (found.report / found.entry["page"]).is_file() and _executed(found) is not None


def reuse(found: Earlier, staging: Path) -> None:
    """Hard-link (or, across file systems, copy) an earlier page and its notebook into staging.

    The notebook keeps its name: a plain one from an older report is gzipped in staging.
    """
    page = found.entry["page"]
    notebook = _executed(found)
    pairs = [(found.report / page, staging / page),
             (notebook, staging / "notebooks" / notebook.name)]  # fmt: skip
    for source, target in pairs:
        try:
            os.link(source, target)
        except OSError:  # another file system, or links not allowed: a copy is as good
            shutil.copy2(source, target)
