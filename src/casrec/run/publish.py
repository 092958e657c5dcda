"""Publishing: the lock, the atomic swap of a complete staging folder, ``latest``, the runs index.

Nothing a reader can open is ever half-written: pages are rendered into
``reports/.staging/<date>-<pid>/`` and that folder replaces ``reports/<date>/`` by one rename.
"""

from __future__ import annotations

import ctypes
import datetime as dt
import errno
import fcntl
import gzip
import html
import json
import os
import shutil
from pathlib import Path

from casrec.history import dated_reports
from casrec.run.errors import RunLocked

LOCK_NAME = ".casrec-run.lock"
# Executed notebooks are kept for audit beside the pages, gzipped: they are half of a report
# folder's bytes as plain JSON and a fifth of that compressed, and no reviewer opens them.
EXECUTED_SUFFIX = ".ipynb.gz"


def executed_notebook_name(output_name: str) -> str:
    """The file, under a report's ``notebooks/``, holding the executed notebook of a page."""
    return f"{output_name}{EXECUTED_SUFFIX}"


def find_executed_notebook(report: Path, output_name: str) -> Path | None:
    """The executed notebook of a page in a report: gzipped, or plain in older reports."""
    for name in (executed_notebook_name(output_name), f"{output_name}.ipynb"):
        path = report / "notebooks" / name
        if path.is_file():
            return path
    return None


def gzip_notebook(data: bytes) -> bytes:
    """Gzip an executed notebook reproducibly: no time stamp or name, same bytes every run."""
    return gzip.compress(data, compresslevel=9, mtime=0)


def compress_notebooks(folder: Path) -> list[Path]:
    """Replace every plain ``*.ipynb`` in ``folder`` by its ``*.ipynb.gz`` (in staging).

    Pages linked from an earlier report already come gzipped and are left as they are.
    """
    written = []
    for plain in sorted(folder.glob("*.ipynb")):
        target = plain.with_name(plain.name + ".gz")
        tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        tmp.write_bytes(gzip_notebook(plain.read_bytes()))
        os.replace(tmp, target)
        plain.unlink()
        written.append(target)
    return written


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` so readers (and crashes) see the old file or the new one."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with tmp.open("w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def read_record(path: Path) -> tuple[dict | None, str]:
    """A run.json as a dict, or None and why it cannot be read (damaged, empty, unreadable)."""
    try:
        info = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        return None, f"{path} cannot be read ({type(error).__name__}: {error})"
    if not isinstance(info, dict):
        return None, f"{path} is not a run record (a JSON object)"
    return info, ""


def write_runs_index(reports_dir: Path) -> list[str]:
    """reports/index.html: every dated run (published or failed), newest first, with status.

    A damaged run record does not stop the index: its run is listed as ``damaged`` with the
    reason, and the reasons are returned so the run can say so in its log.
    """
    runs, problems = [], []
    for folder in dated_reports(reports_dir):
        info, problem = read_record(folder / "run.json")
        if info is None:
            problems.append(problem)
            info, status = {"reason": problem}, "damaged"
        else:
            status = "ok"
        runs.append(
            (info.get("finished", ""), folder.name, status, f"{folder.name}/index.html", info)
        )
    failed_root = reports_dir / "failed"
    if failed_root.is_dir():
        for folder in sorted(failed_root.iterdir()):
            run_json = folder / "run.json"
            if not run_json.exists():
                continue
            info, problem = read_record(run_json)
            if info is None:
                problems.append(problem)
                info = {"date": folder.name[:10], "reason": problem}
                runs.append(("", info["date"], "damaged", "", info))
                continue
            page = info.get("failed_page_html") or ""
            status = "stopped" if info.get("status") == "stopped" else "failed"
            href = f"failed/{folder.name}/{page}" if page else ""
            runs.append((info.get("finished", ""), info.get("date", ""), status, href, info))
    runs.sort(key=lambda r: (str(r[1]), str(r[0])), reverse=True)
    rows = []
    for finished, date, status, href, info in runs:
        date, finished = str(date), str(finished)
        link = (
            f'<a href="{html.escape(href)}">{html.escape(date)}</a>' if href else html.escape(date)
        )
        reason = html.escape(str(info.get("reason", ""))) if status != "ok" else ""
        parameters = info.get("parameters")
        policy = (
            html.escape(str(parameters.get("policy", ""))) if isinstance(parameters, dict) else ""
        )
        css = "ok" if status == "ok" else "failed"
        rows.append(
            f'<tr><td>{link}</td><td class="{css}">{status}</td>'
            f"<td>{html.escape(finished)}</td><td>{policy}</td><td>{reason}</td></tr>"
        )
    write_atomic(reports_dir / "index.html", RUNS_PAGE.replace("{rows}", "\n".join(rows)))
    return problems


RUNS_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>casrec reports</title>
<style>
body { font-family: system-ui, sans-serif; margin: 1.5em; max-width: 60em; }
table { border-collapse: collapse; }
th, td { border-bottom: 1px solid #ccc; padding: .3em .7em; text-align: left; }
th { background: #f2f2f2; } .ok { color: #262; } .failed { color: #a33; font-weight: 600; }
.table-scroll { overflow-x: auto; }
</style></head>
<body><h1>casrec reports</h1>
<p>Every dated run, newest first. <a href="latest/index.html">Latest report</a>.</p>
<div class="table-scroll"><table><thead><tr><th scope="col">Date</th><th scope="col">Status</th>
<th scope="col">Finished (UTC)</th><th scope="col">Policy</th><th scope="col">Reason</th></tr>
</thead><tbody>
{rows}
</tbody></table></div></body></html>
"""


_RENAME_EXCHANGE = 2


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two directories (Linux renameat2); False where unsupported."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd = -100
    result = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), _RENAME_EXCHANGE)
    if result != 0:
        err = ctypes.get_errno()
        if err in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
            return False
        raise OSError(err, os.strerror(err), str(a))
    return True


def publish(staging: Path, final: Path) -> None:
    """Move a complete staging folder to ``final`` by rename; an older report is swapped out."""
    if not final.exists():
        os.rename(staging, final)
        return
    if _exchange(staging, final):
        shutil.rmtree(staging)  # now holds the previous report
        return
    old = final.with_name(f".old-{final.name}-{os.getpid()}")
    os.rename(final, old)
    os.rename(staging, final)
    shutil.rmtree(old)


def point_latest(reports_dir: Path, date: str) -> None:
    """reports/latest -> <date> (a symlink replaced by rename, so never missing)."""
    tmp = reports_dir / f".latest-{os.getpid()}"
    if tmp.is_symlink() or tmp.exists():
        tmp.unlink()
    os.symlink(date, tmp)
    os.replace(tmp, reports_dir / "latest")


class RunLock:
    """An exclusive, non-blocking lock on reports/.casrec-run.lock (released on exit or crash)."""

    def __init__(self, reports_dir: Path):
        self.path = reports_dir / LOCK_NAME
        self.handle = None

    def __enter__(self) -> RunLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.handle = self.path.open("a+")
        try:
            fcntl.flock(self.handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self.handle.seek(0)
            holder = self.handle.read().strip() or "unknown"
            self.handle.close()
            raise RunLocked(
                f"another casrec run is in progress ({holder}); not starting a second one", 3
            ) from None
        self.handle.seek(0)
        self.handle.truncate()
        self.handle.write(
            f"pid {os.getpid()}, started {dt.datetime.now(dt.UTC):%Y-%m-%dT%H:%M:%SZ}"
        )
        self.handle.flush()
        return self

    def __exit__(self, *exc) -> None:
        self.handle.seek(0)
        self.handle.truncate()
        fcntl.flock(self.handle, fcntl.LOCK_UN)
        self.handle.close()


def clean_staging(reports_dir: Path) -> None:
    """Remove the empty ``.staging`` folder a finished run leaves."""
    staging_root = reports_dir / ".staging"
    if staging_root.is_dir() and not any(staging_root.iterdir()):
        staging_root.rmdir()


def remove_stale_staging(reports_dir: Path) -> list[Path]:
    """Remove what runs that died (SIGKILL, power cut) left: staging and half-swapped folders.

    Call it only while holding the run lock. Staging folders are named ``<date>-<pid>`` and
    the lock records the pid of the run holding it; while this process holds the lock no
    other run on ``reports_dir`` is alive, so every staging folder of another pid is debris.
    """
    removed = []
    own = os.getpid()
    staging_root = reports_dir / ".staging"
    leftovers = list(staging_root.iterdir()) if staging_root.is_dir() else []
    leftovers += [p for p in reports_dir.glob(".old-*") if p.is_dir()]
    leftovers += [p for p in reports_dir.glob(".latest-*") if p.is_symlink()]
    for path in leftovers:
        pid = path.name.rsplit("-", 1)[-1]
        if pid.isdigit() and int(pid) == own:
            continue
        if path.is_symlink() or not path.is_dir():
            path.unlink()
        else:
            shutil.rmtree(path)
        removed.append(path)
    return removed
