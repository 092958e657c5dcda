"""Charts: what they draw, their text alternatives, and their colours from the vocabulary."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from altair.utils.schemapi import validate_jsonschema
from altair.vegalite.v6.schema.core import load_schema
from conftest import claim, write_dataset

from casrec import charts, vocabulary
from casrec.consistency import stock_series
from casrec.pipeline import analyse


def hrw_against_the_army(folder, hrw_value: str, army_value: str):
    """The analysis of one Kobe key: HRW's figure against the Malian army's (a party's)."""
    claims = [
        claim("kobe-hrw", hrw_value),
        claim("kobe-army", army_value, source_id="army", claimant="Malian army",
              claimant_role="party_other", claimant_actor="fama"),
    ]  # fmt: skip
    return analyse(write_dataset(folder, claims))


@pytest.fixture
def analysis(tmp_path):
    return hrw_against_the_army(tmp_path / "data", "at least 34", "25")


def layers(figure):
    return figure.spec["layer"]


def test_intervals_chart_draws_the_estimate_band_best_and_each_claim(analysis):
    figure = charts.intervals_chart(analysis.claims, analysis.estimates, analysis.dataset.actors)
    data = figure.spec["data"]["values"]
    kinds = [row["kind"] for row in data]
    assert kinds == ["estimate", "claim", "claim"]
    estimate = data[0]
    assert (estimate["start"], estimate["best"], estimate["status"]) == (25, 34, "contested")
    assert estimate["open"] is True
    marks = [layer["mark"]["type"] if isinstance(layer["mark"], dict) else layer["mark"]
             for layer in layers(figure)]  # fmt: skip
    assert "bar" in marks and "tick" in marks and "point" in marks  # band, best, arrow heads


def test_a_claim_of_one_figure_is_drawn_as_a_visible_mark(analysis):
    charts.use_renderer("svg")
    figure = charts.intervals_chart(analysis.claims, analysis.estimates, analysis.dataset.actors)
    svg = figure.svg()
    # the army's "25" is a line from 25 to 25 (no length, nothing drawn) and a dot
    marks = re.findall(
        r'<(\w+) aria-label="[^"]*row: Civilians killed — Malian army: 25;[^>]*>', svg
    )
    assert "path" in marks, marks  # the dot (a symbol path), in its claimant's colour
    dot = re.search(r'<path aria-label="[^"]*Malian army: 25;[^"]*"[^>]*fill="([^"]+)"', svg)
    assert dot.group(1) == vocabulary.CLAIMANT_ROLES.colours["party_other"]


def test_intervals_chart_text_alternative_lists_the_figures(analysis):
    figure = charts.intervals_chart(analysis.claims, analysis.estimates)
    assert "Civilians killed: estimate 25–34+, best 34 (contested)" in figure.alt_text
    assert "Human Rights Watch: at least 34" in figure.alt_text
    assert "Malian army: 25" in figure.alt_text


def test_open_ended_claim_ends_in_an_arrow_and_fades(analysis):
    figure = charts.intervals_chart(analysis.claims, analysis.estimates)
    data = figure.spec["data"]["values"]
    hrw = next(row for row in data if row["text"].startswith("Human Rights Watch"))
    assert hrw["open"] is True and hrw["solid_end"] < hrw["end"]
    army = next(row for row in data if row["text"].startswith("Malian army"))
    assert army["open"] is False and army["solid_end"] == army["end"]


def test_legends_use_labels_not_codes(analysis):
    spec = str(charts.intervals_chart(analysis.claims, analysis.estimates).spec)
    assert "party_other" not in spec.replace("claimant_role", "")
    assert vocabulary.CLAIMANT_ROLES.label("party_other") in spec


def test_report_mode_displays_an_image_with_its_alternative(analysis):
    charts.use_renderer("svg")
    figure = charts.discrepancy_chart(analysis.estimates, analysis.dataset.events)
    bundle = figure._repr_mimebundle_()
    assert list(bundle) == ["text/html"]
    assert 'alt="Where sources disagree most' in bundle["text/html"]
    assert "1.36 (contested)" in bundle["text/html"]


def test_discrepancy_chart_names_a_contest_whose_ratio_is_undefined(tmp_path):
    # "no one was killed" against "at least 12": contested, but largest ÷ smallest is undefined
    analysis = hrw_against_the_army(tmp_path, "at least 12", "none")
    (estimate,) = analysis.estimates.itertuples()
    assert estimate.status == "contested" and pd.isna(estimate.discrepancy)
    figure = charts.discrepancy_chart(analysis.estimates, analysis.dataset.events)
    assert not any("No estimate has claimants that disagree" in f for f in figure.figures)
    assert any("contested" in f and "undefined" in f for f in figure.figures), figure.figures


def every_chart(analysis):
    """Each kind of chart, and each with nothing to draw."""
    claims, estimates, events = analysis.claims, analysis.estimates, analysis.dataset.events
    return {
        "discrepancy": charts.discrepancy_chart(estimates, events),
        "intervals": charts.intervals_chart(claims, estimates, analysis.dataset.actors),
        "no claims": charts.intervals_chart(claims.iloc[:0]),
        "stocks": charts.stocks_chart(stock_series(claims, "kobe-2025-02-07")),
        "no stocks": charts.stocks_chart(stock_series(claims.iloc[:0], "kobe-2025-02-07")),
    }


def test_every_chart_is_a_valid_vega_lite_specification(analysis, tmp_path):
    # the specifications are written as data, not through Altair's classes: the schema of the
    # Vega-Lite version casrec declares is what catches a misspelt channel or property
    displaced = [claim("war-unhcr", "1,000", event_id="war", metric="displaced",
                       population="all", as_of="2025-01"),
                 claim("war-iom", "1,200", event_id="war", metric="displaced",
                       population="all", as_of="2025-03", claimant="IOM")]  # fmt: skip
    stocks = analyse(write_dataset(tmp_path / "stocks", displaced))
    figures = {**every_chart(analysis),
               "displacement": charts.stocks_chart(stock_series(stocks.claims, "war"))}  # fmt: skip
    assert figures["displacement"].spec["data"]["values"], "the stock series draws nothing"
    schema = load_schema()
    for name, figure in figures.items():
        assert figure.spec["$schema"] == charts.VEGA_LITE_SCHEMA
        error = validate_jsonschema(figure.spec, schema, raise_error=False)
        assert error is None, f"the {name} chart is not valid Vega-Lite: {error}"


def test_chart_data_is_json_with_nulls_for_missing_values(analysis):
    import json

    for name, figure in every_chart(analysis).items():
        text = json.dumps(figure.spec, allow_nan=False)  # NaN would make the page's JSON invalid
        assert "NaN" not in text, name
    data = charts.intervals_chart(analysis.claims, analysis.estimates).spec["data"]["values"]
    assert [row["best"] for row in data if row["kind"] == "claim"] == [None, None]


def interactive(figure) -> str:
    charts.use_renderer("interactive")
    try:
        return figure._repr_mimebundle_()["text/html"]
    finally:
        charts.use_renderer("svg")


def test_interactive_mode_inlines_the_chart_and_fetches_nothing(analysis):
    html = interactive(charts.discrepancy_chart(analysis.estimates, analysis.dataset.events))
    assert "vegaEmbed" in html and "1.36" in html
    assert not re.search(r"<script[^>]+src=", html), "a script fetched from elsewhere"


@pytest.fixture
def script_cache(tmp_path, monkeypatch):
    """A cache folder of this test's own, and vl-convert's bundler replaced by a counted one."""
    import vl_convert

    bundled = []
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setattr(vl_convert, "javascript_bundle",
                        lambda vl_version: bundled.append(vl_version) or "/* vega-embed */")  # fmt: skip
    charts.vega_embed_script.cache_clear()
    yield bundled
    charts.vega_embed_script.cache_clear()


def test_the_interactive_script_is_bundled_once_and_kept_for_later_kernels(analysis, script_cache):
    import vl_convert

    figure = charts.discrepancy_chart(analysis.estimates, analysis.dataset.events)
    first = interactive(figure)
    assert script_cache == [charts.vega_lite_version()] == ["6.4"]
    kept = charts.script_cache_path()
    assert kept.read_text(encoding="utf-8") == "/* vega-embed */"
    assert not [p for p in kept.parent.iterdir() if p != kept], "a partial file was left"
    charts.vega_embed_script.cache_clear()  # a new kernel: the script is read, not bundled
    assert interactive(figure).count("/* vega-embed */") == 1
    assert len(script_cache) == 1
    assert "vegaEmbed" in first and f"vl-convert{vl_convert.__version__}" in kept.name


def test_an_unwritable_cache_folder_still_draws_the_chart_and_says_why(analysis, script_cache,
                                                                       tmp_path, monkeypatch):  # fmt: skip
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the cache folder would be")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))
    figure = charts.discrepancy_chart(analysis.estimates, analysis.dataset.events)
    with pytest.warns(UserWarning, match="cannot keep the chart script"):
        html = interactive(figure)
    assert "/* vega-embed */" in html and "vegaEmbed" in html
    assert blocked.read_text() == "a file where the cache folder would be"


def test_text_in_the_data_cannot_end_the_interactive_chart_script(tmp_path, script_cache):
    hostile = "</script><script>alert(1)</script><!--"
    claims = [claim("kobe-hrw", "at least 34"),
              claim("kobe-army", "25", source_id="army", claimant=hostile,
                    claimant_role="party_other", claimant_actor="fama")]  # fmt: skip
    analysis = analyse(write_dataset(tmp_path / "data", claims))
    html = interactive(charts.intervals_chart(analysis.claims, analysis.estimates))
    assert html.count("<script") == 2 and html.count("</script>") == 2
    assert "alert(1)" in html and hostile not in html  # the name is there, as JSON text


def test_a_chart_is_drawn_once_per_specification(analysis, tmp_path, monkeypatch):
    # a warm kernel draws the same charts in every run over unchanged data: the SVG is reused,
    # and a chart of other figures is drawn anew
    import vl_convert

    drawn = []
    draw = vl_convert.vegalite_to_svg
    monkeypatch.setattr(vl_convert, "vegalite_to_svg", lambda spec: drawn.append(1) or draw(spec))
    charts._svg_of.cache_clear()
    try:
        first = charts.intervals_chart(analysis.claims, analysis.estimates).svg()
        again = charts.intervals_chart(analysis.claims, analysis.estimates).svg()
        assert again == first and len(drawn) == 1
        other = hrw_against_the_army(tmp_path / "other", "at least 40", "25")
        changed = charts.intervals_chart(other.claims, other.estimates).svg()
        assert len(drawn) == 2 and changed != first and "at least 40" in changed
    finally:
        charts._svg_of.cache_clear()  # nothing drawn through the stand-in outlives the test
