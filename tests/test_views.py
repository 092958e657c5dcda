"""The view layer: HTML fragments from templates, escaped by construction, one per view."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pandas as pd
import pytest
from conftest import claim, write_dataset
from markupsafe import Markup

from casrec import views, vocabulary
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
        views.results_section(estimates, claims.assign(claimant=SCRIPT)),
        views.sources_table(analysis.dataset.sources.assign(notes=SCRIPT), claims),
        views.page_links(["kobe"], ["war"], hostile.set_index("event_id")["title"]),
    ]
    script = "<script>" + views._script("estimates.js") + "</script>"
    for html in fragments:
        assert isinstance(html, Markup)
        assert "<script>" not in html.replace(script, ""), html
        assert SCRIPT in "".join(parse(html).text)


def test_rationale_links_known_claim_ids_only():
    html = views.link_claim_ids("Best 34: [kobe-hrw]; not [elsewhere]; <b>", ["kobe-hrw"])
    assert '[<a class="claim-id" href="#claim-kobe-hrw">kobe-hrw</a>]' in html
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


def test_results_section_opens_with_the_answer_then_the_rationale(analysis):
    claims, estimates = kobe(analysis)
    html = views.results_section(estimates, claims, actors=analysis.dataset.actors)
    answer = "".join(parse(html.split('<div class="answers">')[1].split("</div>")[0]).text)
    assert answer.startswith(
        "Civilians killed: 34 (25 to 34+), contested — Human Rights Watch: at least 34; "
        "Malian army: 25."
    )
    assert 'href="#claim-kobe-hrw">at least 34</a>' in html
    assert html.count('<h3 class="key"') == len(estimates)
    # the ranking criteria once per page, not once per key; nothing moves, so no sensitivity
    assert html.count("claims rank by claimant role") == 1
    assert "ranks first by" not in html and '<p class="sensitivity">' not in html


def test_sensitivity_is_shown_only_where_it_moves_the_best_figure(analysis):
    claims, estimates = kobe(analysis)
    moved = estimates.assign(best_without_party=estimates["best"] - 1)
    html = views.results_section(moved, claims)
    assert html.count('<p class="sensitivity">') == len(estimates)
    assert "Sensitivity: best without party claims <strong>33</strong>" in html


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
        "removed_keys": pd.DataFrame([{"event_id": "war", "metric": "idps",
                                       "population": "civilians"}]),
    }  # fmt: skip
    html = views.changes_block(changes, "2026-01-14", analysis.claims, ["kobe"])
    assert "1 estimate(s) of the previous report no longer made: war" in html
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


TOKENS = sorted(
    {code for vocab in vocabulary.ALL for code in vocab.codes if "_" in code}, key=len, reverse=True
)


def visible_tokens(html: str, actor_ids) -> list[str]:
    """Raw enum codes or actor ids in the text a reader sees (ids in code style excepted)."""

    class Reader(HTMLParser):
        def __init__(self):
            super().__init__()
            self.skip = 0
            self.found: list[str] = []

        def handle_starttag(self, tag, attrs):
            # ids in code style, and what data editors wrote (quotes, notes) are not casrec's words
            css = set((dict(attrs).get("class") or "").split())
            if self.skip or css & {"id", "quoted", "notes"} or tag in ("blockquote", "script"):
                self.skip += 1

        def handle_endtag(self, tag):
            if self.skip:
                self.skip -= 1

        def handle_data(self, data):
            if self.skip:
                return
            words = set(re.findall(r"[a-z][a-z0-9_-]*", data))
            self.found += [w for w in words if w in TOKENS or w in actor_ids]

    reader = Reader()
    reader.feed(str(html))
    return reader.found


def test_no_raw_enum_token_or_actor_id_in_visible_text_of_the_shipped_data():
    from conftest import DATA_DIR

    from casrec.consistency import stock_series

    a = analyse(DATA_DIR)
    actors, actor_ids = a.dataset.actors, set(a.dataset.actors["actor_id"])
    html = [
        views.estimates_table(a.estimates, a.dataset.events, a.dataset.events["event_id"], actors)
    ]
    for event_id in a.dataset.events["event_id"]:
        claims = a.claims[a.claims["event_id"] == event_id]
        estimates = a.estimates[a.estimates["event_id"] == event_id]
        html += [
            views.event_header(a.event(event_id)),
            views.results_section(estimates, claims, actors),
            views.claims_table(claims, a.dataset.sources, actors),
            views.sources_table(a.dataset.sources, claims),
            views.findings_section(a.findings[a.findings["event_id"] == event_id], actors),
            views.series_table(stock_series(a.claims, event_id), a.claims),
        ]
    found = {token for fragment in html for token in visible_tokens(fragment, actor_ids)}
    assert found == set()


def test_the_token_check_catches_a_raw_token():
    assert set(visible_tokens("<p>side fama, party_only</p>", {"fama"})) == {"fama", "party_only"}
    assert visible_tokens('<p><span class="id">fama-claim</span></p>', {"fama"}) == []


@pytest.mark.parametrize(
    ("key", "label"),
    [
        ({"metric": "killed", "population": "civilians"}, "Civilians killed"),
        ({"metric": "killed", "population": "security_forces", "side": "fama"},
         "Malian Armed Forces (FAMa) soldiers killed"),
        ({"metric": "refugees", "population": "all"}, "Refugees"),
        ({"metric": "casualties", "population": "civilians", "nationality": "Malian"},
         "Casualties (killed or injured) among civilians (Malian)"),
    ],
)  # fmt: skip
def test_key_labels_read_as_words_with_actor_names(key, label):
    assert views.key_label(key, {"fama": "Malian Armed Forces (FAMa)"}) == label


def test_status_colours_in_the_stylesheet_are_the_vocabulary_colours():
    css = views.STYLESHEET.read_text(encoding="utf-8")
    found = dict(re.findall(r"\.casrec \.status-([a-z_]+) \{ color: (#[0-9a-f]{6}); \}", css))
    assert found == vocabulary.STATUSES.colours


def test_overview_table_rows_carry_filters_and_the_script_is_inlined(analysis):
    html = views.estimates_table(
        analysis.estimates, analysis.dataset.events, ["kobe"], analysis.dataset.actors
    )
    assert (
        '<tr data-s="contested" data-r="0" data-c="MLI" data-a="" data-y="2025" data-m="killed">'
        in html
    )
    assert html.count("<script>") == 1 and 'getElementById("estimates")' in html
    assert "<noscript>" in html


def test_overview_rows_sharing_key_parts_each_read_their_own_label_status_and_place():
    # the table words each distinct key, status and place once and reuses the words: rows
    # that share some key parts, an event or a status must still read exactly their own
    key = {
        "metric": "killed",
        "population": "security_forces",
        "side": "",
        "nationality": "",
        "subgroup": "",
        "low": 1,
        "best": 2,
        "high": 3,
        "high_open": False,
        "n_claimants": 2,
    }
    rows = [
        {**key, "event_id": "gao", "status": "contested", "side": "fama"},
        {**key, "event_id": "gao", "status": "single_source", "side": "jnim"},
        {**key, "event_id": "kidal", "status": "contested", "side": "fama", "nationality": "Malian"},
        {**key, "event_id": "kidal", "status": "party_only", "population": "civilians"},
        {**key, "event_id": "kidal", "status": "corroborated", "population": "civilians",
         "subgroup": "women"},
    ]  # fmt: skip
    events = pd.DataFrame(
        [{"event_id": "gao", "title": "Gao", "date_start": "2024-05-01", "location": "Gao",
          "admin1": "Gao", "country": "MLI"},
         {"event_id": "kidal", "title": "Kidal", "date_start": "2024-06-01", "location": "Anefis",
          "admin1": "Kidal", "country": "MLI"}]
    )  # fmt: skip
    actors = {"fama": "Malian Armed Forces (FAMa)", "jnim": "JNIM"}
    html = str(views.estimates_table(pd.DataFrame(rows), events, actors=actors))
    shown = re.findall(r'<tr data-s="([a-z_]+)"[^>]*><td>(\w+)</td><td>[^<]*</td><td>([^<]*)</td>'
                       r"<td>([^<]*)</td>.*?<td>(<span class=\"status[^<]*</span>)</td>", html)  # fmt: skip
    expected = {
        (r["status"], r["event_id"].title(),
         str(Markup.escape(views.place_text(events.set_index("event_id").loc[r["event_id"]]))),
         str(Markup.escape(views.key_label(r, actors))), str(views.status_badge(r["status"])))
        for r in rows
    }  # fmt: skip
    assert len(shown) == len(rows) and set(shown) == expected
    assert len({label for _, _, _, label, _ in expected}) == len(rows)  # five different keys


def test_chart_figure_has_the_figures_as_its_text_alternative():
    html = views.chart_figure("<svg></svg>", "Estimate and claims. A: 34.", "Estimate", ["A: 34"])
    page = parse(html)
    img = next(attrs for tag, attrs in page.elements if tag == "img")
    assert img["alt"] == "Estimate and claims. A: 34."
    assert img["src"].startswith("data:image/svg+xml;base64,")
    assert "A: 34" in "".join(page.text)


def test_overview_header_counts_use_thousands_separators():
    from types import SimpleNamespace

    estimates = pd.DataFrame({"status": ["contested"] * 3047 + ["single_source"] * 12})
    empty = pd.DataFrame({"event_id": [], "title": []})
    analysis = SimpleNamespace(
        estimates=estimates,
        reconciliation=SimpleNamespace(policy="reliability"),
        as_of_window_days=90,
        dataset=SimpleNamespace(claims=range(12_500), sources=range(3), events=empty),
    )
    text = str(views.overview_header(analysis, "2026-01-15"))
    assert "12,500 claims" in text and "3,059 estimates" in text
    assert "3,047 contested" in text and "12 single source" in text


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
    assert views.key_label(row) == "Civilians killed (Malian), women"
    assert views.key_label({**row, "subgroup": "aid_workers"}).endswith(", aid workers")


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


def test_changes_table_shows_counts_with_thousands_separators(analysis):
    # reconciled.csv is read back as text: the table formats the counts as everywhere else
    changed = pd.DataFrame([{
        "event_id": "war", "metric": "idps", "population": "civilians", "side": "",
        "nationality": "", "subgroup": "", "low": "350001", "low_previous": "150000",
        "best": "350001", "best_previous": "200000", "high": "350001",
        "high_previous": "250000", "high_open": "true", "high_open_previous": "false",
        "status": "single_source", "status_previous": "single_source",
    }])  # fmt: skip
    empty = pd.DataFrame(columns=["claim_id"])
    changes = {"new_claims": empty, "removed_claims": empty, "changed_estimates": changed,
               "new_keys": empty, "removed_keys": empty}  # fmt: skip
    html = views.changes_block(changes, "2026-01-14")
    assert "150,000 → 350,001" in html and "250,000 → 350,001+" in html


def test_the_ranking_note_names_every_criterion_in_the_rationale_order():
    # the page's note and each key's rationale ("ranks first by claimant role, then certainty,
    # then specificity, ...") must describe the same ranking
    text = str(views.ranking_note("reliability"))
    criteria = ["claimant role", "certainty", "specificity", "later publication", "source type"]
    assert all(criterion in text for criterion in criteria)
    assert [text.index(c) for c in criteria] == sorted(text.index(c) for c in criteria)
