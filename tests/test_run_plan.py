"""Planning: which pages a run renders, with which parameters, and refusing bad selections."""

import datetime as dt

import pytest
from conftest import DEFAULT_EVENTS, claim, write_dataset
from runs import NOTEBOOKS, run

from casrec.cli import EXIT_BAD_INPUT
from casrec.pipeline import analyse
from casrec.run.errors import RunError
from casrec.run.plan import (
    Page,
    RunConfig,
    check_parameters,
    kernel_groups,
    plan_pages,
    select_events,
)


@pytest.fixture
def analysis(tmp_path):
    events = [*DEFAULT_EVENTS, {"event_id": "quiet", "title": "Quiet day", "kind": "incident",
                                "date_start": "2025-03-01", "country": "MLI"}]  # fmt: skip
    claims = [
        claim("hrw", "34"),
        claim(
            "army",
            "25",
            source_id="army",
            claimant="Malian army",
            claimant_role="party_own",
            claimant_actor="fama",
        ),
        claim("war-idps", "1000", event_id="war", metric="idps", population="all"),
        claim("quiet-one", "2", event_id="quiet"),
    ]
    return analyse(write_dataset(tmp_path / "data", claims, events=events))


def config(tmp_path, events="all"):
    return RunConfig(dt.date(2026, 1, 15), tmp_path / "data", tmp_path / "reports", NOTEBOOKS,
                     events=events)  # fmt: skip


def test_plan_has_quality_overview_displacement_and_one_page_per_event(analysis, tmp_path):
    pages = plan_pages(config(tmp_path), analysis)
    names = [p.output_name for p in pages]
    assert names[:2] == ["data_quality", "index"]
    assert "displacement-war" in names  # an aggregate with displacement figures
    assert {"event-kobe", "event-war", "event-quiet"} <= set(names)
    overview = pages[1].parameters
    assert overview["event_pages"] == ["kobe", "war", "quiet"]
    assert overview["displacement_pages"] == ["war"] and overview["run_date"] == "2026-01-15"
    assert all(p.parameters.get("chart_renderer", "svg") == "svg" for p in pages)


def test_the_two_validating_pages_share_a_kernel_and_every_other_page_has_its_own(
    analysis, tmp_path
):
    pages = plan_pages(config(tmp_path), analysis)
    groups = kernel_groups(pages)
    # the quality page first: the overview then reads its results from the kernel's memo
    assert [p.output_name for p in groups[0]] == ["data_quality", "index"]
    assert all(len(g) == 1 for g in groups[1:])
    assert sorted(p.output_name for g in groups for p in g) == sorted(p.output_name for p in pages)
    events_only = [p for p in pages if p.notebook == "event"]
    assert kernel_groups(events_only) == [[p] for p in events_only]


def test_contested_selects_only_events_with_a_contested_key(analysis):
    assert select_events(analysis, "contested") == ["kobe"]
    assert select_events(analysis, " quiet , kobe ") == ["quiet", "kobe"]


def test_unknown_events_are_refused_with_exit_2(analysis):
    with pytest.raises(RunError) as refused:
        select_events(analysis, "kobe,atlantis")
    assert refused.value.exit_code == 2 and "atlantis" in refused.value.reason


def test_a_parameter_the_notebook_does_not_declare_is_refused():
    with pytest.raises(RunError) as refused:
        check_parameters(NOTEBOOKS, [Page("event", "e", {"event_id": "x", "colour": "red"}, "")])
    assert refused.value.exit_code == 2 and "colour" in refused.value.reason


def test_unknown_event_is_bad_input_on_the_command_line(tmp_path, capsys):
    assert run(tmp_path / "r", "--events", "atlantis") == EXIT_BAD_INPUT
    assert "unknown event(s): atlantis" in capsys.readouterr().err
