"""Executing pages: warm kernel == cold kernel, real parameter sets, renumbering, reasons."""

import nbformat
import papermill
import pytest
from conftest import DATA_DIR
from runs import NOTEBOOKS

from casrec.run.execute import (
    WarmKernel,
    execute_page,
    failure_reason,
    normalise_execution_counts,
)
from casrec.run.plan import Page


def page_html(path) -> str:
    nb = nbformat.read(path, as_version=4)
    return "".join(
        o.get("data", {}).get("text/html", "") for c in nb.cells for o in c.get("outputs", [])
    )


def test_execution_counts_are_renumbered_like_a_cold_run(tmp_path):
    nb = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_code_cell("1"), nbformat.v4.new_code_cell("2")]
    )
    nb.cells[0].execution_count, nb.cells[1].execution_count = 41, 42
    nb.cells[1].outputs = [
        nbformat.v4.new_output("execute_result", {"text/plain": "2"}, execution_count=42)
    ]
    path = tmp_path / "n.ipynb"
    nbformat.write(nb, path)
    normalise_execution_counts(path)
    again = nbformat.read(path, as_version=4)
    assert [c.execution_count for c in again.cells] == [1, 2]
    assert again.cells[1].outputs[0]["execution_count"] == 2


def test_failure_reasons_are_one_line():
    assert failure_reason(TimeoutError("x")).startswith("a cell ran longer")
    assert failure_reason(ValueError("first\nsecond")) == "ValueError: first"


@pytest.mark.slow
@pytest.mark.parametrize("policy", ["reliability", "conservative"])
@pytest.mark.parametrize(("event_id", "best"), [("kobe-2025-02-07", {"reliability": 34, "conservative": 25}),
                                                ("bamako-2024-09-17", {"reliability": 78, "conservative": 78})])  # fmt: skip
def test_event_notebook_with_real_parameter_sets(tmp_path, policy, event_id, best):
    out = tmp_path / "out.ipynb"
    papermill.execute_notebook(str(NOTEBOOKS / "event.ipynb"), str(out), kernel_name="casrec",
                               cwd=str(NOTEBOOKS), progress_bar=False,
                               parameters={"event_id": event_id, "policy": policy,
                                           "chart_renderer": "svg"})  # fmt: skip
    assert f"Best <strong>{best[policy]}</strong>" in page_html(out)
    nb = nbformat.read(out, as_version=4)
    assert any("image/svg+xml" in o.get("data", {}) for c in nb.cells for o in c.get("outputs", []))


@pytest.mark.slow
def test_a_warm_kernel_gives_the_same_outputs_as_a_cold_one(tmp_path):
    common = {"data_dir": str(DATA_DIR), "chart_renderer": "svg"}
    kobe = Page("event", "kobe", {**common, "event_id": "kobe-2025-02-07"}, "Kobe")
    other = Page("event", "konna", {**common, "event_id": "konna-2013-01"}, "Konna")
    execute_page(kobe, NOTEBOOKS, tmp_path / "cold.ipynb", None, 300)
    kernel = WarmKernel(NOTEBOOKS)
    try:
        execute_page(other, NOTEBOOKS, tmp_path / "first.ipynb", kernel, 300)
        execute_page(kobe, NOTEBOOKS, tmp_path / "warm.ipynb", kernel, 300)
    finally:
        kernel.shutdown()

    def outputs(name):
        nb = nbformat.read(tmp_path / name, as_version=4)
        return [(c.get("execution_count"), c.get("outputs")) for c in nb.cells]

    assert outputs("warm.ipynb") == outputs("cold.ipynb")


@pytest.mark.slow
def test_displacement_page_says_when_an_event_has_no_stock_figures(tmp_path):
    out = tmp_path / "out.ipynb"
    papermill.execute_notebook(str(NOTEBOOKS / "displacement.ipynb"), str(out), kernel_name="casrec",
                               cwd=str(NOTEBOOKS), progress_bar=False,
                               parameters={"event_id": "kobe-2025-02-07", "chart_renderer": "svg"})  # fmt: skip
    assert "no displacement, refugee or IDP figures" in page_html(out)
