"""The reports and the notebooks as people use them: in a real browser.

Debian's Chromium (/usr/bin/chromium) driven by Playwright's Python package. Reviewers open
the dated HTML offline: every request that is not ``file:`` or ``data:`` is aborted and
recorded, and the tests assert there were none. Analysts work in JupyterLab: one test starts
it on 127.0.0.1 over a temporary copy of the notebooks and data, and runs ``event.ipynb``
through the UI.

When the environment variable CI is set and the browser (or playwright) is missing, these
tests fail; elsewhere they are skipped with the reason. Screenshots go to tests/output/.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pandas as pd
import pytest
from conftest import DATA_DIR, PROJECT_ROOT, claim, write_dataset
from runs import DATE as RUN_DATE
from runs import TWO_EVENTS

from casrec.cli import EXIT_OK, main
from casrec.vocabulary import STATUSES

STATUS_CODES = STATUSES.codes

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# a reviewer offline: no host name resolves (one argument, as Chromium expects it)
OFFLINE = "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"
SCREENSHOTS = PROJECT_ROOT / "tests" / "output"
DATE = "2026-01-15"
EVENTS = ("kobe-2025-02-07", "bamako-2024-09-17")
KOBE = "event-kobe-2025-02-07.html"
TIMEOUT_MS = 60_000  # generous: a loaded 2-core machine
DESKTOP, PHONE = 1280, 390
# A4 (210 mm) less the 12 mm print margins on each side, in CSS pixels
PRINT_WIDTH = round((210 - 24) / 25.4 * 96)


# --- the browser ---------------------------------------------------------------------------


def browser_missing() -> str | None:
    """Why no browser can run here, or None."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed (make .venv/.casrec-installed)"
    if not CHROMIUM.exists():
        return f"{CHROMIUM} not found (apt-get install chromium; .ci/run does it in CI)"
    return None


def require_browser() -> None:
    """Fail in CI, skip elsewhere, when the browser cannot run."""
    reason = browser_missing()
    if reason is None:
        return
    if os.environ.get("CI"):
        pytest.fail(f"CI is set but the browser tests cannot run: {reason}", pytrace=False)
    pytest.skip(f"browser tests need Chromium and playwright: {reason}")


class Network:
    """Routes every request: file: and data: (and ``allowed`` prefixes) go, the rest is aborted."""

    def __init__(self, allowed: tuple[str, ...] = ()):
        self.allowed = ("file:", "data:", *allowed)
        self.blocked: list[str] = []

    def route(self, route) -> None:
        url = route.request.url
        if url.startswith(self.allowed):
            route.continue_()
        else:
            self.blocked.append(url)
            route.abort()


@contextlib.contextmanager
def chromium(browser, network: Network, viewport_width: int = DESKTOP, **options):
    """A fresh context of the module's Chromium (an empty profile, nothing shared with other
    contexts) whose requests go through ``network``; ``options`` as Playwright's new_context."""
    context = browser.new_context(viewport={"width": viewport_width, "height": 900}, **options)
    try:
        context.set_default_timeout(TIMEOUT_MS)
        context.set_default_navigation_timeout(TIMEOUT_MS)
        context.route("**/*", network.route)
        yield context
    finally:
        context.close()


class Watched:
    """A page that records console errors, uncaught exceptions and dialogs (dismissed)."""

    def __init__(self, context):
        self.page = context.new_page()
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.page.on(
            "console",
            lambda m: self.errors.append(f"console: {m.text}") if m.type == "error" else None,
        )
        self.page.on("pageerror", lambda e: self.errors.append(f"pageerror: {e}"))
        self.page.on("dialog", self._dialog)

    def _dialog(self, dialog) -> None:
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def open(self, path: Path) -> None:
        self.page.goto(path.as_uri(), wait_until="load")

    def reset(self) -> None:
        """As a new tab: blank, desktop size, screen media, nothing recorded."""
        self.page.goto("about:blank")  # the last test's document ends here, with its messages
        self.page.set_viewport_size({"width": DESKTOP, "height": 900})
        self.page.emulate_media(media="null")
        self.errors.clear()
        self.dialogs.clear()


# --- the reports ---------------------------------------------------------------------------


def render(reports: Path, data: Path, events: str) -> Path:
    code = main(["run", "--quiet", "--date", DATE, "--reports-dir", str(reports),
                 "--data-dir", str(data), "--events", events])  # fmt: skip
    assert code == EXIT_OK
    return reports


@pytest.fixture(scope="module")
def pw():
    """One Playwright driver for the module (its sync API cannot run two at once in a thread)."""
    require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="module")
def chromium_process(pw):
    """One Chromium for the module: each test below works in a fresh context of it."""
    browser = pw.chromium.launch(
        executable_path=str(CHROMIUM), headless=True, args=[*CHROMIUM_ARGS, OFFLINE]
    )
    try:
        yield browser
    finally:
        browser.close()


@pytest.fixture(scope="module")
def browser(chromium_process):
    network = Network()
    with chromium(chromium_process, network) as context:
        yield context, network


@pytest.fixture(scope="module")
def report(published) -> Path:
    """The session's report of two events (and the displacement pages) from data/: read only."""
    assert ",".join(EVENTS) == TWO_EVENTS and DATE == RUN_DATE  # the report these tests read
    return published


def day(reports: Path) -> Path:
    return reports / DATE


def pages(reports: Path) -> list[Path]:
    """Every page of the dated report, and the runs index."""
    return [*sorted(day(reports).glob("*.html")), reports / "index.html"]


@pytest.fixture(scope="module")
def tab(browser):
    """One tab for the module's page tests: a new tab per test cost a quarter-second of CPU."""
    context, _ = browser
    watched = Watched(context)
    yield watched
    watched.page.close()


@pytest.fixture
def page(tab):
    """The module's tab, reset for this test as a new tab would be."""
    tab.reset()
    return tab


# --- reviewer: offline, no errors, charts, links, the Kobe result -----------------------------


def test_no_request_leaves_the_machine_and_no_console_errors(report, page, browser):
    _, network = browser
    opened = pages(report)
    assert len(opened) >= 7
    for path in opened:
        page.open(path)
    assert network.blocked == []
    assert page.errors == []
    assert page.dialogs == []


def test_every_chart_is_visible_with_a_non_zero_size(report, page):
    charted = [day(report) / "index.html", day(report) / KOBE,
               day(report) / "event-bamako-2024-09-17.html",
               day(report) / "displacement-mali-war.html"]  # fmt: skip
    for path in charted:
        page.open(path)
        charts = page.page.locator(".jp-OutputArea-output img")
        assert charts.count() >= 1, f"{path.name} has no chart"
        for i in range(charts.count()):
            chart = charts.nth(i)
            chart.scroll_into_view_if_needed()
            assert chart.is_visible(), f"{path.name}: chart {i} is not visible"
            box = chart.bounding_box()
            assert box and box["width"] > 50 and box["height"] > 50, f"{path.name}: {box}"
            decoded = chart.evaluate("img => img.complete && img.naturalWidth > 0")
            assert decoded, f"{path.name}: chart {i} did not decode"


def test_overview_links_to_every_event_page_and_each_page_links_back(report, page):
    overview = day(report) / "index.html"
    page.open(overview)
    hrefs = set(
        page.page.eval_on_selector_all("a[href]", "as => as.map(a => a.getAttribute('href'))")
    )
    expected = {f"event-{e}.html" for e in EVENTS} | {"data_quality.html",
                                                      "displacement-mali-war.html"}  # fmt: skip
    assert expected <= hrefs
    linked_pages = sorted(h for h in hrefs if h.endswith(".html") and h != "index.html")
    assert {p.name for p in day(report).glob("*.html")} - {"index.html"} == set(linked_pages)
    for href in linked_pages:
        # each page is followed from the overview: the back link of the one before has just
        # brought it back (checked below), so it is opened anew only where that is not so
        if not page.page.url.endswith(f"/{DATE}/index.html"):
            page.open(overview)
        page.page.locator(f'a[href="{href}"]').first.click()
        page.page.wait_for_url(re.compile(re.escape(href) + "$"))
        assert page.page.locator("h1").first.is_visible()
        page.page.locator("nav.back a").click()
        page.page.wait_for_url(re.compile(r"/index\.html$"))
        assert page.page.locator("h1").first.inner_text() == "Casualty reconciliation: overview"
    assert page.errors == []


def cells(row) -> list[str]:
    return [c.strip() for c in row.locator("td").all_inner_texts()]


KOBE_ANSWER = (
    "Civilians killed: 34 (25 to 34+), contested — Human Rights Watch: at least 34; "
    "Malian army: 25."
)


def test_kobe_page_opens_with_the_answer_then_the_rationale(report, page):
    page.open(day(report) / KOBE)
    p = page.page
    assert p.locator("h1").first.inner_text() == "Attack on a civilian convoy at Kobe"
    answer = p.locator("p.answer").first
    assert answer.inner_text() == KOBE_ANSWER
    assert (
        answer.locator("a[href='#claim-kobe-hrw-killed-civilians']").inner_text() == "at least 34"
    )
    rationale = p.locator("p.rationale", has_text="Best 34 from Human Rights Watch").first
    text = rationale.inner_text()
    assert rationale.is_visible()
    assert "[kobe-hrw-killed-civilians]" in text and "Malian army, “25”" in text
    assert "ranked below by claimant role" in text
    # the ranking criteria once per page; no sensitivity line where nothing moves
    body = p.inner_text("body")
    assert body.count("claims rank by claimant role") == 1
    assert "ranks first by claimant role" not in body
    assert p.locator("p.sensitivity").count() == 0


def test_runs_index_lists_the_run(report, page):
    page.open(report / "index.html")
    row = page.page.locator("tr", has=page.page.locator(f'a[href="{DATE}/index.html"]'))
    assert cells(row)[:2] == [DATE, "ok"]
    row.locator("a").click()
    page.page.wait_for_url(re.compile(rf"/{DATE}/index\.html$"))
    assert "Report date 2026-01-15" in page.page.inner_text("body")


def test_screenshots_of_the_overview_and_the_kobe_page(report, page):
    """Full-page screenshots at 1280 px for a person to look at (tests/output/)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.page.set_viewport_size({"width": DESKTOP, "height": 900})
    for name, path in (("overview", day(report) / "index.html"), ("kobe", day(report) / KOBE)):
        page.open(path)
        target = SCREENSHOTS / f"{name}-{DESKTOP}.png"
        page.page.screenshot(path=str(target), full_page=True)
        assert target.stat().st_size > 10_000


# --- reviewer quality: widths, tables, numbers, traceability, print ---------------------------

OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  const out = {page: document.documentElement.scrollWidth - width, tables: [], images: [],
    wide: [...document.querySelectorAll('body *')]
      .filter(e => e.getBoundingClientRect().right > width + 1 && !e.closest('.table-scroll'))
      .slice(0, 5).map(e => e.tagName + '.' + e.className + ' ' + e.getBoundingClientRect().right)};
  for (const t of document.querySelectorAll('table')) {
    const wrapper = t.closest('.table-scroll');
    const scrolls = wrapper && ['auto', 'scroll'].includes(getComputedStyle(wrapper).overflowX);
    const right = (wrapper || t).getBoundingClientRect().right;
    if (!scrolls && t.getBoundingClientRect().right > width + 1) out.tables.push(t.outerHTML.slice(0, 80));
    if (right > width + 1) out.tables.push('wrapper: ' + t.outerHTML.slice(0, 80));
  }
  for (const img of document.querySelectorAll('img')) {
    if (img.getBoundingClientRect().right > width + 1) out.images.push(img.getBoundingClientRect().width);
  }
  return out;
}"""


@pytest.mark.parametrize("width", [DESKTOP, PHONE])
def test_no_horizontal_overflow_at_desktop_and_phone_widths(report, page, width):
    page.page.set_viewport_size({"width": width, "height": 900})
    for path in pages(report):
        page.open(path)
        found = page.page.evaluate(OVERFLOW)
        assert found["page"] <= 1, (
            f"{path.name} at {width}px: the page is {found['page']}px too wide: {found['wide']}"
        )
        assert found["tables"] == [], f"{path.name} at {width}px: tables overflow: {found}"
        assert found["images"] == [], f"{path.name} at {width}px: charts overflow: {found}"
    if width == PHONE:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.open(day(report) / KOBE)
        page.page.screenshot(path=str(SCREENSHOTS / f"kobe-{PHONE}.png"), full_page=True)


NUMBERS = """() => [...document.querySelectorAll(
  'td.num, th.num, table.estimates td:nth-child(n+5):nth-child(-n+7)')].map(c => ({
  text: c.innerText.trim(), align: getComputedStyle(c).textAlign,
  figure: c.classList.contains('figure')}))"""


@pytest.mark.parametrize(
    "name", ["index.html", KOBE, "displacement-mali-war.html", "data_quality.html"]
)
def test_tables_have_headers_and_right_aligned_separated_numbers(report, page, name):
    page.open(day(report) / name)
    tables = page.page.locator("table")
    assert tables.count() >= 1
    for i in range(tables.count()):
        assert tables.nth(i).locator("thead th").count() >= 2, f"table {i} has no header cells"
    numbers = page.page.evaluate(NUMBERS)
    assert numbers, f"{name}: no number cells"
    assert {n["align"] for n in numbers} == {"right"}
    computed = [n["text"] for n in numbers if not n["figure"]]
    unseparated = [t for t in computed if re.search(r"\d{4,}", t)]
    assert unseparated == [], f"{name}: numbers without thousands separators: {unseparated}"


def test_displacement_shows_374000_with_separators(report, page):
    page.open(day(report) / "displacement-mali-war.html")
    texts = page.page.locator("td.num").all_inner_texts()
    assert "373,500–374,500" in [t.strip() for t in texts]  # the claim's interval
    answer = page.page.locator("p.answer", has_text="People displaced").first
    assert answer.locator("strong.best").inner_text() == "374,000"
    assert "(373,500 to 374,500)" in answer.inner_text()


def test_open_ended_highs_read_with_a_plus(report, page):
    page.open(day(report) / "index.html")
    p = page.page
    kobe = p.locator("tr", has=p.locator(f'a[href="{KOBE}"]')).filter(has_text="Civilians killed")
    assert cells(kobe.first)[4:7] == ["25", "34", "34+"]
    page.open(day(report) / KOBE)
    assert p.locator("td.num", has_text=re.compile(r"^34\+$")).count() >= 1  # the claim
    assert "(25 to 34+)" in p.locator("p.answer").first.inner_text()  # the result


def test_every_figure_on_the_kobe_page_traces_to_source_and_evidence(report, page):
    page.open(day(report) / KOBE)
    p = page.page
    internal = p.eval_on_selector_all(
        "a[href^='#']",
        "as => as.map(a => a.getAttribute('href'))"
        ".map(h => [h, document.getElementById(h.slice(1)) !== null])",
    )
    assert internal and all(found for _, found in internal), [h for h, f in internal if not f]
    # every result block cites at least one claim of this page in its rationale
    for block in p.locator("p.rationale").all():
        assert block.locator("a[href^='#claim-']").count() >= 1, block.inner_text()
    rows = p.locator("tr[id^='claim-']")
    claims = pd.read_csv(DATA_DIR / "claims.csv", dtype=str)
    assert rows.count() == (claims["event_id"] == "kobe-2025-02-07").sum()  # one row per claim
    for row in rows.all():
        source = row.locator("td.source").inner_text().strip()
        evidence = row.locator("td.evidence").inner_text().strip()
        assert source and evidence, row.inner_text()
        href = row.locator("td.source a").get_attribute("href")
        assert p.locator(f"[id='{href[1:]}']").count() == 1  # the document in the sources table
    # following a rationale link lands on that claim's row, with its evidence in view
    p.locator("p.rationale a[href='#claim-kobe-army-killed-civilians']").first.click()
    row = p.locator("#claim-kobe-army-killed-civilians")
    assert p.evaluate("location.hash") == "#claim-kobe-army-killed-civilians"
    assert row.is_visible() and "caused 25 civilian deaths" in row.inner_text()
    box, viewport = row.bounding_box(), p.viewport_size
    # the anchor scrolls the row's top to the window's top, give or take a sub-pixel rounding
    assert -1 <= box["y"] < viewport["height"]


PRINT = """(width) => {
  const bad = [];
  for (const e of document.querySelectorAll('table, img, .table-scroll, p, h1, h2, h3')) {
    const r = e.getBoundingClientRect();
    if (r.width && r.right > width + 1) bad.push(e.tagName + ' ' + Math.round(r.right));
    if (e.classList.contains('table-scroll') && e.scrollWidth > e.clientWidth + 1) bad.push('scroller');
  }
  return {page: document.documentElement.scrollWidth - width, bad};
}"""


@pytest.mark.parametrize(
    "name", ["index.html", KOBE, "displacement-mali-war.html", "data_quality.html"]
)
def test_pages_print_without_cutting_anything_off(report, page, name):
    p = page.page
    p.set_viewport_size({"width": PRINT_WIDTH, "height": 1100})
    page.open(day(report) / name)
    p.emulate_media(media="print")
    try:
        found = p.evaluate(PRINT, PRINT_WIDTH)
        assert found["page"] <= 1 and found["bad"] == [], f"{name} in print: {found}"
        pdf = p.pdf(format="A4", print_background=True)
        assert pdf.startswith(b"%PDF") and len(pdf) > 10_000
        if name == KOBE:
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            (SCREENSHOTS / "kobe-print.pdf").write_bytes(pdf)
    finally:
        p.emulate_media(media="screen")


# --- the overview at scale: filters, sorting, no scripts, phones, 5,000 events -----------------

VISIBLE_ROWS = """() => [...document.querySelectorAll('#estimates tbody tr')]
  .filter(r => !r.hidden).map(r => ({s: r.dataset.s, y: r.dataset.y, m: r.dataset.m,
    text: r.innerText, best: r.cells[5].innerText.trim()}))"""


def test_overview_filters_searches_and_sorts_with_scripts(report, page):
    page.open(day(report) / "index.html")
    p = page.page
    total = p.locator("#estimates tbody tr").count()
    assert p.locator("p.count").inner_text() == f"Showing {total} of {total} estimates."
    p.select_option("form.filters select[name=s]", "contested")
    shown = p.evaluate(VISIBLE_ROWS)
    assert shown and {r["s"] for r in shown} == {"contested"}
    assert p.locator("p.count").inner_text() == f"Showing {len(shown)} of {total} estimates."
    p.select_option("form.filters select[name=s]", "")
    p.fill("form.filters input[type=search]", "kobe")
    shown = p.evaluate(VISIBLE_ROWS)
    assert shown and all("kobe" in r["text"].lower() for r in shown)
    p.fill("form.filters input[type=search]", "")
    p.select_option("form.filters select[name=y]", "2024")
    p.select_option("form.filters select[name=m]", "killed")
    shown = p.evaluate(VISIBLE_ROWS)
    assert shown and {(r["y"], r["m"]) for r in shown} == {("2024", "killed")}
    # the metric filter reads labels, not codes
    options = p.locator("form.filters select[name=m] option").all_inner_texts()
    assert "Killed" in options and all("_" not in o for o in options)
    p.select_option("form.filters select[name=y]", "")
    p.select_option("form.filters select[name=m]", "")
    best = p.locator("#estimates th", has_text="Best").locator("button")
    best.click()
    values = [int(r["best"].replace(",", "")) for r in p.evaluate(VISIBLE_ROWS) if r["best"]]
    assert values == sorted(values)
    best.click()
    values = [int(r["best"].replace(",", "")) for r in p.evaluate(VISIBLE_ROWS) if r["best"]]
    assert values == sorted(values, reverse=True)
    assert p.locator("#estimates th", has_text="Best").get_attribute("aria-sort") == "descending"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    p.screenshot(path=str(SCREENSHOTS / "overview-sorted.png"))
    assert page.errors == []


def test_overview_without_scripts_is_a_plain_table_contested_first(report, chromium_process):
    network = Network()
    with chromium(chromium_process, network, java_script_enabled=False) as context:
        p = context.new_page()
        p.goto((day(report) / "index.html").as_uri(), wait_until="load")
        assert p.locator("form.filters").count() == 0
        assert p.locator("noscript p, p.note", has_text="Scripts are off").count() >= 1
        rows = p.locator("#estimates tbody tr")
        statuses = rows.evaluate_all("rows => rows.map(r => r.getAttribute('data-s'))")
        assert len(statuses) > 100 and all(rows.nth(i).is_visible() for i in range(5))
        ranks = [list(STATUS_CODES).index(s) for s in statuses]
        assert ranks == sorted(ranks) and statuses[0] == "contested"
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        p.screenshot(path=str(SCREENSHOTS / "overview-no-scripts.png"))
    assert network.blocked == []


def test_phone_shows_the_first_figure_and_best_high_status_without_scrolling(report, page):
    p = page.page
    p.set_viewport_size({"width": PHONE, "height": 844})
    page.open(day(report) / "index.html")
    first = p.locator("#estimates tbody tr").first
    for index in (5, 6, 7):  # Best, High, Status
        box = first.locator("td").nth(index).bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= PHONE, (index, box)
    low = first.locator("td").nth(4).bounding_box()
    assert low["y"] + low["height"] <= 844, f"the first figure is below the first screen: {low}"
    assert p.evaluate("document.documentElement.scrollWidth") <= PHONE
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    p.screenshot(path=str(SCREENSHOTS / f"overview-{PHONE}-first-screen.png"))
    page.open(day(report) / KOBE)
    answer = p.locator("p.answer").first.bounding_box()
    assert answer["y"] + answer["height"] <= 844
    p.screenshot(path=str(SCREENSHOTS / f"kobe-{PHONE}-first-screen.png"))


VISIBLE_TEXT = """() => {
  const body = document.body.cloneNode(true);
  body.querySelectorAll('.id, blockquote, .quoted, td.notes, script, noscript, style')
    .forEach(e => e.remove());
  return body.innerText;
}"""


def test_pages_show_labels_not_enum_tokens_or_actor_ids(report, page):
    from casrec import vocabulary

    tokens = {code for vocab in vocabulary.ALL for code in vocab.codes if "_" in code}
    actors = set(pd.read_csv(DATA_DIR / "actors.csv")["actor_id"])
    for path in pages(report):
        page.open(path)
        words = set(re.findall(r"[a-z][a-z0-9_-]*", page.page.evaluate(VISIBLE_TEXT)))
        assert words & (tokens | actors) == set(), path.name


def test_event_page_prints_on_at_most_two_a4_pages(report, page):
    p = page.page
    page.open(day(report) / KOBE)
    p.emulate_media(media="print")
    try:
        pdf = p.pdf(format="A4", print_background=True)
    finally:
        p.emulate_media(media="screen")
    printed = pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages")
    assert 1 <= printed <= 2, f"the Kobe page prints on {printed} A4 pages"


def test_charts_have_text_alternatives_with_the_figures(report, page):
    page.open(day(report) / KOBE)
    alt = page.page.locator("figure.chart img").first.get_attribute("alt")
    assert "Civilians killed: estimate 25–34+, best 34 (contested)" in alt
    assert "Human Rights Watch: at least 34" in alt
    page.open(day(report) / "index.html")
    assert "No description" not in page.page.content()


@pytest.fixture(scope="module")
def synthetic_report(tmp_path_factory) -> Path:
    """5,000 synthetic events: the overview lists every estimate (one event page only)."""
    from synthetic import synthetic_dataset

    data = synthetic_dataset(tmp_path_factory.mktemp("synthetic") / "data", SYNTHETIC_EVENTS)
    return render(tmp_path_factory.mktemp("synthetic-reports"), data, "ev-00000")


SYNTHETIC_EVENTS = 5_000


def test_a_5000_event_overview_stays_under_3_mb_and_filters(synthetic_report, page):
    overview = day(synthetic_report) / "index.html"
    size = overview.stat().st_size
    assert size < 3_000_000, f"the 5,000-event overview is {size / 1e6:.2f} MB"
    p = page.page
    started = time.perf_counter()
    page.open(overview)
    loaded = time.perf_counter() - started
    rows = p.locator("#estimates tbody tr").count()
    assert rows >= SYNTHETIC_EVENTS
    started = time.perf_counter()
    p.select_option("form.filters select[name=s]", "contested")
    p.select_option("form.filters select[name=a]", "Mopti")
    p.select_option("form.filters select[name=y]", "2024")
    shown = p.evaluate(VISIBLE_ROWS)
    filtered = time.perf_counter() - started
    assert shown and {(r["s"], r["y"]) for r in shown} == {("contested", "2024")}
    assert all("Mopti" in r["text"] for r in shown)
    print(f"\n5,000 events: {size / 1e6:.2f} MB, {rows} rows, loaded in {loaded:.1f} s, "
          f"three filters in {filtered:.2f} s, {len(shown)} rows shown")  # fmt: skip
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    p.screenshot(path=str(SCREENSHOTS / "overview-5000-filtered.png"))
    assert page.errors == []


# --- hostile data -----------------------------------------------------------------------------

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
QUOTES = "\"double\" and 'single'"
ARABIC = "هجوم على قافلة مدنية"
HEBREW = "התקפה על שיירה"
HOSTILE = {
    "event title": f"Convoy {SCRIPT} at Kobe {QUOTES} {ARABIC}",
    "second event title": f"Gao {IMG} attack {HEBREW}",
    "source title": f"Press release {IMG} {QUOTES}",
    "source notes": f"Issued by {SCRIPT} {HEBREW}",
    "second source title": f"Army {SCRIPT} statement {ARABIC}",
    "claimant": f"Rights {SCRIPT} Watch {QUOTES}",
    "party claimant": f"Army {IMG} spokesman {HEBREW}",
    "claim notes": f"Quoted {IMG} by HRW {ARABIC}",
    "evidence": f"killing at least 34 civilians {SCRIPT} {QUOTES}",
    "party evidence": f"caused 25 civilian deaths {IMG} {HEBREW}",
}


def hostile_dataset(directory: Path) -> Path:
    """Two events, two sources, three claims: every text field carries markup, quotes and RTL."""
    h = HOSTILE
    sources = [
        {"source_id": "hrw", "publisher": "Human Rights Watch", "title": h["source title"],
         "url": "javascript:alert(1)", "published": "2025-02-20", "source_type": "ngo",
         "notes": h["source notes"]},
        {"source_id": "army", "publisher": f"Malian army {QUOTES}", "title": h["second source title"],
         "url": 'https://example.org/"><script>alert(1)</script>', "published": "2025-02-07",
         "source_type": "government", "notes": IMG},
    ]  # fmt: skip
    actors = [{"actor_id": "fama", "name": f"Malian Armed Forces {IMG}", "kind": "state"}]
    events = [
        {"event_id": "kobe", "title": h["event title"], "kind": "incident",
         "date_start": "2025-02-07", "country": "MLI", "location": f"Kobe {IMG}",
         "description": f"Description {QUOTES} {HEBREW} {SCRIPT}"},
        {"event_id": "gao", "title": h["second event title"], "kind": "incident",
         "date_start": "2025-02-01", "country": "MLI"},
    ]  # fmt: skip
    claims = [
        claim("kobe-hrw-killed", "at least 34", claimant=h["claimant"], evidence=h["evidence"],
              notes=h["claim notes"]),
        claim("kobe-army-killed", "25", source_id="army", claimant=h["party claimant"],
              claimant_role="party_other", claimant_actor="fama", evidence=h["party evidence"],
              notes=SCRIPT),
        claim("gao-hrw-killed", "12", event_id="gao", claimant=h["claimant"],
              evidence=f"12 people died {QUOTES} {HEBREW}"),
    ]  # fmt: skip
    return write_dataset(directory, claims, sources=sources, actors=actors, events=events)


@pytest.fixture(scope="module")
def hostile_report(tmp_path_factory) -> Path:
    """The hostile dataset passes the critical rules, so the run publishes."""
    data = hostile_dataset(tmp_path_factory.mktemp("hostile") / "data")
    return render(tmp_path_factory.mktemp("hostile-reports"), data, "all")


INJECTED = """(own) => ({
  scripts: [...document.querySelectorAll('script')].filter(s => s.textContent !== own).length,
  onerror: document.querySelectorAll('img[onerror]').length,
  handlers: [...document.querySelectorAll('*')].flatMap(e => [...e.attributes]
    .filter(a => a.name.startsWith('on')).map(a => e.tagName + ' ' + a.name)),
  images: [...document.querySelectorAll('img')].map(i => i.getAttribute('src'))
    .filter(src => !src.startsWith('data:image/svg+xml;base64,')),
  javascript: [...document.querySelectorAll('[href], [src]')]
    .map(e => e.getAttribute('href') || e.getAttribute('src'))
    .filter(u => /^\\s*javascript:/i.test(u)),
})"""


OWN_SCRIPT = (PROJECT_ROOT / "src/casrec/templates/fragments/estimates.js").read_text(
    encoding="utf-8"
)


def test_hostile_data_renders_as_text_and_injects_nothing(hostile_report, page, browser):
    _, network = browser
    opened = pages(hostile_report)
    assert {p.name for p in opened} >= {"index.html", "event-kobe.html", "event-gao.html"}
    shown = ""
    for path in opened:
        page.open(path)
        injected = page.page.evaluate(INJECTED, OWN_SCRIPT)
        assert injected == {"scripts": 0, "onerror": 0, "handlers": [], "images": [],
                            "javascript": []}, f"{path.name}: {injected}"  # fmt: skip
        shown += page.page.inner_text("body") + "\n"
    assert page.dialogs == []
    assert page.errors == []
    assert network.blocked == []
    missing = [field for field, text in HOSTILE.items() if text not in shown]
    assert missing == [], f"not shown as text: {missing}"
    page.open(day(hostile_report) / "event-kobe.html")
    assert page.page.locator("h1").first.inner_text() == HOSTILE["event title"]
    assert page.page.title() == HOSTILE["event title"]


# --- analyst: JupyterLab ------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(condition, timeout: float, what: str, interval: float = 0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


@contextlib.contextmanager
def jupyterlab(root: Path, home: Path):
    """JupyterLab from .venv on a free 127.0.0.1 port: no token, offline, own config dirs."""
    port = free_port()
    # no build check: it runs node to compare the installed extensions with the build (about
    # a second of CPU as the page loads), and nothing here installs an extension
    labconfig = home / "config" / "labconfig"
    labconfig.mkdir(parents=True, exist_ok=True)
    (labconfig / "page_config.json").write_text(json.dumps({"buildCheck": False}))
    # user settings of a fresh profile: render every cell (no windowing, so the page holds
    # all outputs) and do not ask about fetching news
    for plugin, name, values in (
        ("notebook-extension", "tracker", {"windowingMode": "none"}),
        ("apputils-extension", "notification", {"fetchNews": "false"}),
    ):
        folder = home / "lab-settings" / "@jupyterlab" / plugin
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{name}.jupyterlab-settings").write_text(json.dumps(values))
    env = {
        **os.environ,
        "JUPYTER_CONFIG_DIR": str(home / "config"),
        "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
        "JUPYTER_DATA_DIR": str(home / "data"),
        "JUPYTERLAB_SETTINGS_DIR": str(home / "lab-settings"),
        "JUPYTERLAB_WORKSPACES_DIR": str(home / "workspaces"),
        "IPYTHONDIR": str(home / "ipython"),
    }
    log = (home / "jupyterlab.log").open("wb")
    command = [
        sys.executable, "-m", "jupyterlab", "--no-browser", "--allow-root",
        "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
        "--IdentityProvider.token=", "--ServerApp.password=",
        f"--ServerApp.root_dir={root}",
        "--LabApp.news_url=None",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        "--LabApp.expose_app_in_browser=True",
        "--LanguageServerManager.autodetect=False",  # no language servers here: none to look for
    ]  # fmt: skip
    server = subprocess.Popen(
        command, cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    url = f"http://127.0.0.1:{port}"

    def up() -> bool:
        if server.poll() is not None:
            raise AssertionError(
                f"JupyterLab exited ({server.returncode}): {(home / 'jupyterlab.log').read_text()}"
            )
        try:
            with urllib.request.urlopen(f"{url}/api/status", timeout=5) as response:
                return response.status == 200
        except OSError:
            return False

    try:
        wait_for(up, 120, "JupyterLab to answer on /api/status")
        yield url
    finally:
        server.terminate()  # SIGTERM: the server shuts its kernels down and exits
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)  # the session started for this server only
            server.wait(timeout=30)
        log.close()


MODEL = """() => {
  const panel = window.jupyterapp.shell.currentWidget;
  if (!panel || !panel.content || !panel.content.model) return null;
  const cells = [...panel.content.model.cells].map(c => c.toJSON());
  const kernel = panel.sessionContext.session && panel.sessionContext.session.kernel;
  return {
    status: kernel ? kernel.status : 'none',
    cells: cells.filter(c => c.cell_type === 'code').map(c => ({
      count: c.execution_count,
      errors: (c.outputs || []).filter(o => o.output_type === 'error')
        .map(o => o.ename + ': ' + o.evalue),
    })),
  };
}"""


def test_event_notebook_runs_in_jupyterlab(tmp_path, chromium_process):
    project = tmp_path / "project"
    shutil.copytree(PROJECT_ROOT / "notebooks", project / "notebooks")
    shutil.copytree(DATA_DIR, project / "data")
    before = {p: p.read_bytes() for p in (PROJECT_ROOT / "notebooks").glob("*.ipynb")}
    home = tmp_path / "jupyter"
    with jupyterlab(project / "notebooks", home) as url:
        network = Network(allowed=(url + "/",))
        with chromium(chromium_process, network) as context:
            lab = Watched(context)
            p = lab.page
            p.goto(f"{url}/lab/tree/event.ipynb", wait_until="load")
            p.locator(".jp-NotebookPanel .jp-Notebook .jp-Cell").first.wait_for()
            wait_for(lambda: (p.evaluate(MODEL) or {}).get("status") == "idle", 120, "the kernel")
            # run every cell through the UI: the Run menu, "Run All Cells"
            p.locator("#jp-MainMenu .lm-MenuBar-itemLabel", has_text=re.compile("^Run$")).click()
            p.locator(".lm-Menu-itemLabel", has_text=re.compile("^Run All Cells$")).click()

            def finished():
                state = p.evaluate(MODEL)
                done = state["status"] == "idle" and all(
                    isinstance(c["count"], int) for c in state["cells"]
                )
                return state if done else None

            state = wait_for(finished, 300, "every code cell to run and the kernel to be idle")
            assert [c["errors"] for c in state["cells"] if c["errors"]] == []
            assert len(state["cells"]) >= 6
            # the interactive renderer inlines vega: it draws an svg or a canvas
            chart = p.locator(".jp-OutputArea-output").locator("svg.marks, canvas.marks").first
            chart.wait_for(state="visible", timeout=120_000)
            chart.scroll_into_view_if_needed()
            box = chart.bounding_box()
            assert box and box["width"] > 50 and box["height"] > 50
            assert p.locator(".jp-OutputArea-output", has_text="Traceback").count() == 0
            assert "Attack on a civilian convoy at Kobe" in p.inner_text(".jp-NotebookPanel")
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            p.screenshot(path=str(SCREENSHOTS / "jupyterlab-event.png"))
            assert lab.errors == []
            assert network.blocked == []
    after = {p: p.read_bytes() for p in (PROJECT_ROOT / "notebooks").glob("*.ipynb")}
    assert after == before  # JupyterLab worked on the copy; the repository is untouched
