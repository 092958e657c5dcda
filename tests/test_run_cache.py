"""Incremental runs: what a page depends on, its cache key, and reusing unchanged pages."""

import csv
import json
import os
import shutil

import pytest
from conftest import DATA_DIR, DEFAULT_EVENTS, claim, write_dataset
from runs import DATE, NOTEBOOKS, run

from casrec.cli import EXIT_OK
from casrec.pipeline import analyse
from casrec.run import cache
from casrec.run.plan import Page


@pytest.fixture
def dataset(tmp_path):
    events = [*DEFAULT_EVENTS, {"event_id": "other", "title": "Other", "kind": "incident",
                                "date_start": "2025-03-01", "country": "MLI"}]  # fmt: skip
    claims = [
        claim("hrw", "34"),
        claim("army", "25", source_id="army", claimant="Malian army",
              claimant_role="party_own", claimant_actor="fama"),
        claim("later", "40", event_id="other", source_id="wire", claimant="Human Rights Watch",
              supersedes="hrw"),
        claim("unrelated", "3", event_id="other", source_id="wiki", claimant="Wikipedia"),
    ]  # fmt: skip
    return analyse(write_dataset(tmp_path / "data", claims, events=events)).dataset


def test_an_event_depends_on_its_rows_and_what_they_refer_to(dataset):
    chosen = cache.Dependencies(dataset).closure("kobe")
    assert ("claims", "hrw") in chosen and ("claims", "army") in chosen
    assert ("sources", "army") in chosen and ("actors", "fama") in chosen
    assert ("claims", "later") in chosen  # it supersedes a claim on the page
    assert ("sources", "wire") in chosen
    assert ("claims", "unrelated") not in chosen  # another event's claim, unrelated
    assert ("sources", "wiki") not in chosen
    assert ("events", "war") not in chosen


def test_the_digest_changes_exactly_with_the_rows_it_depends_on(dataset):
    before = cache.Dependencies(dataset)
    claims = dataset.claims.copy()
    claims.loc[claims["claim_id"] == "unrelated", "value"] = "4"
    dataset.claims = claims
    after = cache.Dependencies(dataset)
    assert before.digest("kobe") == after.digest("kobe")
    assert before.digest("other") != after.digest("other")


def test_moving_the_data_folder_does_not_change_a_page_key(dataset):
    page = Page("event", "event-kobe", {"event_id": "kobe", "data_dir": "/a", "policy": "x"}, "")
    moved = Page("event", "event-kobe", {"event_id": "kobe", "data_dir": "/b", "policy": "x"}, "")
    other = Page("event", "event-kobe", {"event_id": "kobe", "data_dir": "/a", "policy": "y"}, "")
    deps = cache.Dependencies(dataset)
    key = [
        cache.key_of(cache.page_parts(p, NOTEBOOKS, "code", deps, {})) for p in (page, moved, other)
    ]
    assert key[0] == key[1] != key[2]


def test_a_page_is_re_rendered_with_the_reason(tmp_path):
    day = tmp_path / DATE
    (day / "notebooks").mkdir(parents=True)
    parts = {"notebook": "n", "parameters": "p", "code": "c", "inputs": "i"}
    entry = {"page": "e.html", "cache_key": cache.key_of(parts), "cache_parts": parts}
    (day / "run.json").write_text(json.dumps({"notebooks": [entry]}))
    (day / "e.html").write_text("page")
    (day / "notebooks" / "e.ipynb").write_text("{}")
    index = cache.ReuseIndex(tmp_path, "2026-01-16")
    assert index.match("e.html", cache.key_of(parts)).label == f"{DATE}/e.html"
    assert index.match("f.html", cache.key_of(parts)) is None
    assert index.why_render("e.html", {**parts, "inputs": "j"}) == "the inputs it shows changed"
    assert index.why_render("f.html", parts).startswith("new page")
    (day / "run.json").write_text("")  # damaged: its pages are simply not reused
    assert cache.ReuseIndex(tmp_path, "2026-01-16").problems


def test_a_reused_page_brings_its_notebook_gzipped_or_plain_from_an_older_report(tmp_path):
    staging = tmp_path / "staging"
    (staging / "notebooks").mkdir(parents=True)
    for name, notebook in (("new", "e.ipynb.gz"), ("old", "f.ipynb")):
        (tmp_path / name / "notebooks").mkdir(parents=True)
        (tmp_path / name / f"{notebook.split('.')[0]}.html").write_text("page")
        (tmp_path / name / "notebooks" / notebook).write_bytes(b"executed")
    cache.reuse(cache.Earlier(tmp_path / "new", {"page": "e.html"}), staging)
    cache.reuse(cache.Earlier(tmp_path / "old", {"page": "f.html"}), staging)
    assert sorted(p.name for p in (staging / "notebooks").iterdir()) == ["e.ipynb.gz", "f.ipynb"]
    assert os.path.samefile(staging / "e.html", tmp_path / "new" / "e.html")  # a hard link


def page_entries(day):
    return {n["page"]: n for n in json.loads((day / "run.json").read_text())["notebooks"]}


@pytest.mark.slow
def test_an_unchanged_rerun_reuses_every_page_byte_for_byte(published, tmp_path):
    reports = tmp_path / "reports"
    shutil.copytree(published, reports, symlinks=True)
    rendered = {p.name: p.read_bytes() for p in (published / DATE).glob("*.html")}
    assert run(reports, "--events", "kobe-2025-02-07,bamako-2024-09-17") == EXIT_OK
    entries = page_entries(reports / DATE)
    assert {e["how"] for e in entries.values()} == {"reused"}
    assert {p.name: p.read_bytes() for p in (reports / DATE).glob("*.html")} == rendered
    executed = {p.name: p.read_bytes() for p in (published / DATE / "notebooks").iterdir()}
    assert {p.name: p.read_bytes() for p in (reports / DATE / "notebooks").iterdir()} == executed
    kobe = reports / DATE / "event-kobe-2025-02-07.html"
    assert os.stat(kobe).st_nlink >= 1
    assert not (reports / ".staging").exists()


@pytest.mark.slow
def test_one_changed_claim_re_renders_its_event_page_and_the_summaries(published, tmp_path):
    reports, data = tmp_path / "reports", tmp_path / "data"
    shutil.copytree(published, reports, symlinks=True)
    shutil.copytree(DATA_DIR, data)
    with (data / "claims.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        if row["claim_id"] == "kobe-hrw-killed-civilians":
            row["notes"] = (row["notes"] + " Checked again.").strip()
    with (data / "claims.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    assert run(reports, "--events", "kobe-2025-02-07,bamako-2024-09-17", data=data,
               date="2026-01-16") == EXIT_OK  # fmt: skip
    entries = page_entries(reports / "2026-01-16")
    rendered = {page for page, e in entries.items() if e["how"] == "rendered"}
    # the pages of the events that contain Kobe (the Mali War, within the Sahel insurgency)
    # show their children's figures, so they change with it; the rest is reused
    with (data / "events.csv").open(encoding="utf-8", newline="") as handle:
        parents = {row["event_id"]: row["parent_event"] for row in csv.DictReader(handle)}
    ancestors, event = set(), parents["kobe-2025-02-07"]
    while event:
        ancestors.add(event)
        event = parents.get(event, "")
    containing = {p for p in entries if p.removesuffix(".html").split("-", 1)[-1] in ancestors}
    assert containing  # the shipped data puts Kobe within the Mali War
    expected = {"index.html", "data_quality.html", "event-kobe-2025-02-07.html", *containing}
    assert rendered == expected
    assert entries["event-kobe-2025-02-07.html"]["why"] == "the inputs it shows changed"
    assert entries["event-bamako-2024-09-17.html"]["why"].startswith(
        "same cache key as 2026-01-15/"
    )
    assert "Checked again." in (reports / "2026-01-16" / "event-kobe-2025-02-07.html").read_text()


def test_the_plan_lists_every_page_with_its_key_and_writes_nothing(tmp_path, capsys):
    reports = tmp_path / "reports"
    assert run(reports, "--events", "kobe-2025-02-07", "--plan") == EXIT_OK
    plan = json.loads(capsys.readouterr().out)
    pages = {p["page"]: p for p in plan["pages"]}
    assert {"index.html", "data_quality.html", "event-kobe-2025-02-07.html"} <= set(pages)
    assert all(p["how"] == "rendered" and p["why"].startswith("new page") for p in pages.values())
    assert len({p["cache_key"] for p in pages.values()}) == len(pages)
    assert not reports.exists()


@pytest.mark.slow
def test_pages_rendered_ahead_are_reused_then_cleared(published, tmp_path, capsys):
    from casrec.run import prerender

    reports = tmp_path / "reports"
    shutil.copytree(published, reports, symlinks=True)
    assert run(reports, "--events", "kobe-2025-02-07,bamako-2024-09-17", "--plan", "--full") == 0
    plan = json.loads(capsys.readouterr().out)
    kobe = next(p for p in plan["pages"] if p["page"] == "event-kobe-2025-02-07.html")
    folder = prerender(kobe, reports)
    assert (reports / ".pages" / kobe["cache_key"]).is_dir()
    # so only the page rendered ahead can be reused for Kobe (the rest is the report's own)
    (reports / DATE / "event-kobe-2025-02-07.html").unlink()
    assert run(reports, "--events", "kobe-2025-02-07,bamako-2024-09-17") == EXIT_OK
    entries = page_entries(reports / DATE)
    assert entries["event-kobe-2025-02-07.html"]["how"] == "reused"
    assert kobe["cache_key"] in entries["event-kobe-2025-02-07.html"]["why"]
    assert not os.path.exists(folder)
    kobe_html = (reports / DATE / "event-kobe-2025-02-07.html").read_bytes()
    assert kobe_html == (published / DATE / "event-kobe-2025-02-07.html").read_bytes()
