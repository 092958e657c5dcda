"""The view layer: HTML fragments from templates, escaped by construction, one per view."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pandas as pd
import pytest
from conftest import claim, write_dataset
from markupsafe import Markup

from casrec import views
from casrec.pipeline import analyse

SCRIPT = "<script>alert(1)</script>"


class Visible(HTMLParser):
    """Collects the text a reader sees and every element with its attributes."""

    def __init__(self):
        super().__init__()
        self.text: list[str] = []
        self.elements: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def parse(html: str) -> Visible:
    parser = Visible()
    parser.feed(str(html))
    return parser


@pytest.fixture
def analysis(tmp_path):
    """Kobe in miniature: HRW 'at least 34' (with a hostile note) against the army's 25."""
    claims = [
        claim("kobe-hrw", "at least 34", notes=f"Quoted {SCRIPT} by HRW"),
        claim("kobe-army", "25", source_id="army", claimant="Malian army",
              claimant_role="party_other", claimant_actor="fama", evidence=f"25 dead {SCRIPT}"),
        claim("war-hrw", "1,200", event_id="war", metric="displaced", population="all",
              as_of="2024-06-01"),
    ]  # fmt: skip
    return analyse(write_dataset(tmp_path / "data", claims))


def kobe(analysis):
    return (
        analysis.claims[analysis.claims["event_id"] == "kobe"],
        analysis.estimates[analysis.estimates["event_id"] == "kobe"],
    )


def test_a_claim_note_with_a_script_renders_as_text(analysis):
    claims, _ = kobe(analysis)
    html = views.claims_table(claims, analysis.dataset.sources)
    page = parse(html)
    assert "script" not in {tag for tag, _ in page.elements}
    assert f"Note: Quoted {SCRIPT} by HRW" in "".join(page.text)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_every_value_from_data_is_escaped_in_every_view(analysis):
    hostile = analysis.dataset.events.assign(title=SCRIPT, description=SCRIPT, location=SCRIPT)
    event = hostile.set_index("event_id").loc["kobe"].rename("kobe")
    event["event_id"] = "kobe"
    claims, estimates = kobe(analysis)
    fragments = [
        views.event_header(event, overview_page=f"index.html{SCRIPT}"),
        views.estimates_table(analysis.estimates, hostile, linked=["kobe"]),
        views.results_section(estimates.assign(rationale=f"{SCRIPT} [kobe-hrw]"), claims),
        views.sources_table(analysis.dataset.sources.assign(notes=SCRIPT), claims),
        views.page_links(["kobe"], ["war"], hostile.set_index("event_id")["title"]),
    ]
    for html in fragments:
        assert isinstance(html, Markup)
        assert "<script>" not in html, html
        assert SCRIPT in "".join(parse(html).text)


def test_rationale_links_known_claim_ids_only():
    html = views.link_claim_ids("Best 34: [kobe-hrw]; not [elsewhere]; <b>", ["kobe-hrw"])
    assert '[<a href="#claim-kobe-hrw">kobe-hrw</a>]' in html
    assert "[elsewhere]" in html and "&lt;b&gt;" in html


@pytest.mark.parametrize(
    ("url", "linked"),
    [("https://hrw.org/x", True), ("javascript:alert(1)", False), ("ftp://x", False)],
)
def test_only_http_urls_become_links(url, linked):
    html = views.web_link(url, "Report <1>")
    assert ("<a href" in html) is linked
    assert "Report &lt;1&gt;" in html


def test_table_cells_are_text_unless_markup_and_stack_tables_label_each_cell():
    html = views.table(
        ["Name", "Count"],
        ["a group <heading>", [SCRIPT, Markup("<b>1,000</b>")]],
        numeric=[False, True],
        row_attrs=[None, {"id": "claim-x", "class": None}],
        stack=True,
    )
    assert '<th scope="colgroup" colspan="2">a group &lt;heading&gt;</th>' in html
    assert '<tr id="claim-x">' in html
    assert '<td class="num" data-label="Count"><div class="cell"><b>1,000</b></div></td>' in html
    assert "&lt;script&gt;" in html


def test_a_row_with_the_wrong_number_of_cells_is_refused():
    with pytest.raises(ValueError, match="row 0 has 1 cells for 2 columns"):
        views.table(["a", "b"], [["only one"]])


def test_estimates_table_lists_contested_first_and_links_event_pages(analysis):
    html = views.estimates_table(analysis.estimates, analysis.dataset.events, linked=["kobe"])
    statuses = re.findall(r'class="status status-([a-z_]+)"', html)
    assert statuses[0] == "contested"
    assert '<a href="event-kobe.html">Kobe convoy attack</a>' in html
    assert "34+" in html


def test_results_section_has_summary_headline_rationale_and_sensitivity(analysis):
    claims, estimates = kobe(analysis)
    html = views.results_section(estimates, claims)
    assert '<p class="headline">Best <strong>34</strong> (range 25–34+) ' in html
    assert 'href="#claim-kobe-hrw"' in html
    assert html.count('<h3 class="key"') == len(estimates)
    assert "Sensitivity:" in html


def test_results_section_says_when_there_is_nothing(analysis):
    assert "No estimate" in views.results_section(analysis.estimates.iloc[0:0], analysis.claims)


def test_changes_block_first_report_and_counts(analysis):
    assert "this is the first one" in views.changes_block(None)
    empty = pd.DataFrame(columns=["claim_id"])
    changes = {
        "new_claims": pd.DataFrame({"claim_id": ["kobe-hrw", "gone-1"]}),
        "removed_claims": pd.DataFrame({"claim_id": ["old <1>"]}),
        "changed_estimates": pd.DataFrame(),
        "new_keys": empty,
    }
    html = views.changes_block(changes, "2026-01-14", analysis.claims, ["kobe"])
    assert "2 new claim(s): " in html
    assert 'href="event-kobe.html#claim-kobe-hrw"' in html
    assert "old &lt;1&gt;" in html and "No estimate changed." in html


def test_quality_summary_counts_and_lists_failures():
    results = pd.DataFrame(
        {
            "table": ["claims", "claims"],
            "rule": ["unique ids", "dates <script>"],
            "severity": ["critical", "warning"],
            "passed": [True, False],
            "n_failing": [0, 2],
            "failing": [[], ["row 3", "row 4"]],
            "explanation": ["ids are unique", "dates are not in the future"],
        }
    )
    html = views.quality_summary(results, link="data_quality.html")
    assert "2 rules checked: 1 passed, 0 critical and 1 warning failures" in html
    assert "dates &lt;script&gt;" in html and "row 3; row 4" in html
    assert '(<a href="data_quality.html">full table</a>)' in html


def test_series_table_keeps_anchors_and_strikes_superseded(analysis):
    from casrec.consistency import stock_series

    series = stock_series(analysis.claims, "war")
    html = views.series_table(series, analysis.claims)
    assert 'id="claim-war-hrw"' in html and "1,200" in html
    assert "no displacement" in views.series_table(series.iloc[0:0])


def test_key_anchors_are_unique():
    assert views.key_anchors(["killed · civilians", "killed · civilians", "x"]) == [
        "key-killed-civilians",
        "key-killed-civilians-2",
        "key-x",
    ]


def test_wrap_carries_no_style_and_the_stylesheet_is_one_file():
    html = views.wrap("<p>x</p>")
    assert "<style" not in html and html.startswith('<div class="casrec">')
    style = views.notebook_style()
    assert style.count("<style>") == 1 and ".casrec table.ct" in style


def test_the_page_template_carries_the_style_once_however_many_fragments(tmp_path):
    import nbformat

    from casrec.run.execute import notebook_to_html

    nb = nbformat.v4.new_notebook()
    for n in range(4):
        cell = nbformat.v4.new_code_cell("")
        cell.outputs = [
            nbformat.v4.new_output(
                "display_data", data={"text/html": str(views.wrap(f"<p>fragment {n}</p>"))}
            )
        ]
        nb.cells.append(cell)
    notebook = tmp_path / "page.ipynb"
    nbformat.write(nb, notebook)
    notebook_to_html(notebook, tmp_path / "page.html", "A <page>")
    page = (tmp_path / "page.html").read_text(encoding="utf-8")
    assert page.count(views.STYLESHEET.read_text(encoding="utf-8")) == 1
    assert page.count('<div class="casrec">') == 4
    assert "<title>A &lt;page&gt;</title>" in page


# --- subgroups and the event hierarchy ---------------------------------------------------

FAMILY_EVENTS = pd.DataFrame(
    [
        {"event_id": "war", "title": "Mali War", "kind": "aggregate", "date_start": "2012",
         "country": "MLI", "parent_event": pd.NA},
        {"event_id": "town", "title": "Attack on Ouro", "kind": "incident",
         "date_start": "2025-03-01", "country": "MLI", "parent_event": "war"},
        {"event_id": "camp", "title": "Attack on the camp <b>", "kind": "incident",
         "date_start": "2025-03-01", "country": "MLI", "parent_event": "town"},
    ]
)  # fmt: skip


def test_a_key_label_shows_the_subgroup():
    row = {"metric": "killed", "population": "civilians", "side": pd.NA,
           "nationality": "Malian", "subgroup": "women"}  # fmt: skip
    assert views.key_label(row) == "killed · civilians · Malian · women"
    assert views.key_label({**row, "subgroup": "aid_workers"}).endswith("· aid workers")


def test_the_event_header_links_the_parent_and_names_the_children():
    town = FAMILY_EVENTS.iloc[1]
    html = views.event_header(town, "index.html", events=FAMILY_EVENTS, linked=["war"])
    assert f'Within: <a href="{views.event_page_name("war")}">Mali War' in html
    # a child without a page in the report is named, not linked; titles are escaped
    assert "Children (1): Attack on the camp &lt;b&gt;" in html
    assert views.event_page_name("camp") not in html


def test_an_event_header_without_the_events_table_is_unchanged():
    town = FAMILY_EVENTS.iloc[1]
    assert "Within" not in views.event_header(town)


def test_many_children_are_folded():
    many = pd.concat(
        [FAMILY_EVENTS]
        + [
            FAMILY_EVENTS.iloc[[2]].assign(event_id=f"c{i}", parent_event="town") for i in range(13)
        ],
        ignore_index=True,
    )
    html = views.event_header(many.iloc[1], events=many)
    assert "<details" in html and "<summary>Children (14)</summary>" in html
