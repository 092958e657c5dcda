"""Charts: what they draw, their text alternatives, and their colours from the vocabulary."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from conftest import claim, write_dataset

from casrec import charts, vocabulary
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
    return figure.chart.to_dict()["layer"]


def test_intervals_chart_draws_the_estimate_band_best_and_each_claim(analysis):
    figure = charts.intervals_chart(analysis.claims, analysis.estimates, analysis.dataset.actors)
    data = next(iter(figure.chart.to_dict()["datasets"].values()))
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
    data = next(iter(figure.chart.to_dict()["datasets"].values()))
    hrw = next(row for row in data if row["text"].startswith("Human Rights Watch"))
    assert hrw["open"] is True and hrw["solid_end"] < hrw["end"]
    army = next(row for row in data if row["text"].startswith("Malian army"))
    assert army["open"] is False and army["solid_end"] == army["end"]


def test_legends_use_labels_not_codes(analysis):
    spec = str(charts.intervals_chart(analysis.claims, analysis.estimates).chart.to_dict())
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
