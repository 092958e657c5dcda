"""Executing pages: warm kernel == cold kernel, real parameter sets, renumbering, reasons."""

import nbformat
import pytest
from conftest import DATA_DIR
from runs import NOTEBOOKS

from casrec.run import execute
from casrec.run.execute import (
    PageOutcome,
    PageTask,
    WarmKernel,
    execute_page,
    failure_reason,
    normalise_execution_counts,
    notebook_to_html,
    render_pages,
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


def test_a_page_carries_no_stylesheet_for_code_it_does_not_show(tmp_path):
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("print('hidden')")
    cell.outputs = [nbformat.v4.new_output("display_data", data={"text/html": "<p>shown</p>"})]
    nb.cells.append(cell)
    nbformat.write(nb, tmp_path / "page.ipynb")
    notebook_to_html(tmp_path / "page.ipynb", tmp_path / "page.html", "A page")
    page = (tmp_path / "page.html").read_text(encoding="utf-8")
    assert "<p>shown</p>" in page and "print(" not in page
    assert ".highlight" not in page  # Pygments' rules colour code, and pages show none
    assert len(page.encode()) < 16_000  # casrec's own stylesheet, not JupyterLab's 260 KB


def as_parsed(html: str) -> str:
    """The page as nbconvert's HTMLExporter writes a parsed tree back out (its own spelling)."""
    from bs4 import BeautifulSoup

    return str(BeautifulSoup(html, features="html.parser"))


def stock_exporter():
    """nbconvert's HTMLExporter with casrec's template and settings, re-parse included."""
    from nbconvert import HTMLExporter

    ours = execute._page_exporter()
    return HTMLExporter(config=ours.config, template_name="casrec",
                        extra_template_basedirs=ours.extra_template_basedirs)  # fmt: skip


def both_ways(nb):
    resources = {"metadata": {"name": "A page"}, "inlining": {"css": []}}
    ours, _ = execute._page_exporter().from_notebook_node(nb, resources=dict(resources))
    stock, _ = stock_exporter().from_notebook_node(nb, resources=dict(resources))
    return ours, stock


@pytest.mark.slow
def test_every_page_of_a_report_is_the_tree_nbconvert_would_write(published):
    import gzip

    from runs import DATE

    executed = sorted((published / DATE / "notebooks").glob("*.ipynb.gz"))
    assert len(executed) >= 5
    for path in executed:
        nb = nbformat.reads(gzip.decompress(path.read_bytes()).decode("utf-8"), as_version=4)
        nb.metadata["title"] = "A page"
        ours, stock = both_ways(nb)
        assert as_parsed(ours) == stock, path.name
        assert ours.count('tabindex="0"') == stock.count('tabindex="0"') > 0, path.name


def test_cells_stay_focusable_and_an_image_without_alt_text_says_so():
    nb = nbformat.v4.new_notebook()
    nb.cells.append(nbformat.v4.new_markdown_cell("A *note*"))
    cell = nbformat.v4.new_code_cell("show()")
    pixel = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYGD4DwABBAEAwS2OUAAAAABJRU5ErkJggg=="
    cell.outputs = [
        nbformat.v4.new_output("display_data", data={"image/png": pixel}),
        nbformat.v4.new_output("display_data", data={"text/html": '<img src="x.svg" alt="a chart">'
                               '<img title="a > b" src=\'y.svg\'/><IMG SRC="z.svg" ALT="z">'
                               '<div class="jp-OutputArea-output" TabIndex="-1">own</div>'}),
        nbformat.v4.new_output("execute_result", data={"text/plain": "1"}, execution_count=1),
    ]  # fmt: skip
    nb.cells.append(cell)
    ours, stock = both_ways(nb)
    assert as_parsed(ours) == stock
    assert ours.count(f'alt="{execute.NO_ALT_TEXT}"') == 2 and 'alt="a chart"' in ours
    # the note's input, each of the three outputs, and the output's own div (its -1 reset)
    assert ours.count('tabindex="0"') == 5 and 'TabIndex="-1"' not in ours


def test_failure_reasons_are_one_line():
    assert failure_reason(TimeoutError("x")).startswith("a cell ran longer")
    assert failure_reason(ValueError("first\nsecond")) == "ValueError: first"


@pytest.fixture(scope="module")
def kernel():
    """One warm kernel for this file's pages, as a report run's pages share one."""
    warm = WarmKernel(NOTEBOOKS)
    yield warm
    warm.shutdown()


def executed(kernel, tmp_path, notebook, parameters):
    """``notebook`` run by papermill (casrec's engine) on the warm kernel; the output path."""
    out = tmp_path / "out.ipynb"
    execute_page(Page(notebook, "out", parameters, notebook), NOTEBOOKS, out, kernel, 300)
    return out


@pytest.mark.slow
@pytest.mark.parametrize("policy", ["reliability", "conservative"])
@pytest.mark.parametrize(("event_id", "best"), [("kobe-2025-02-07", {"reliability": 34, "conservative": 25}),
                                                ("bamako-2024-09-17", {"reliability": 78, "conservative": 78})])  # fmt: skip
def test_event_notebook_with_real_parameter_sets(kernel, tmp_path, policy, event_id, best):
    out = executed(kernel, tmp_path, "event",
                   {"event_id": event_id, "policy": policy, "chart_renderer": "svg"})  # fmt: skip
    assert f"Best <strong>{best[policy]}</strong>" in page_html(out)
    nb = nbformat.read(out, as_version=4)
    assert any(
        "data:image/svg+xml;base64," in o.get("data", {}).get("text/html", "")
        for c in nb.cells
        for o in c.get("outputs", [])
    )  # the chart, as an image with alt text


@pytest.mark.slow
def test_a_warm_kernel_gives_the_same_outputs_as_a_cold_one(kernel, tmp_path):
    # the warm kernel has run other pages (this file's, and another event's just before)
    common = {"data_dir": str(DATA_DIR), "chart_renderer": "svg"}
    kobe = Page("event", "kobe", {**common, "event_id": "kobe-2025-02-07"}, "Kobe")
    other = Page("event", "konna", {**common, "event_id": "konna-2013-01"}, "Konna")
    execute_page(kobe, NOTEBOOKS, tmp_path / "cold.ipynb", None, 300)
    execute_page(other, NOTEBOOKS, tmp_path / "first.ipynb", kernel, 300)
    execute_page(kobe, NOTEBOOKS, tmp_path / "warm.ipynb", kernel, 300)

    def outputs(name):
        nb = nbformat.read(tmp_path / name, as_version=4)
        return [(c.get("execution_count"), c.get("outputs")) for c in nb.cells]

    assert outputs("warm.ipynb") == outputs("cold.ipynb")


@pytest.mark.slow
def test_displacement_page_says_when_an_event_has_no_stock_figures(kernel, tmp_path):
    out = executed(kernel, tmp_path, "displacement",
                   {"event_id": "kobe-2025-02-07", "chart_renderer": "svg"})  # fmt: skip
    assert "no displacement, refugee or IDP figures" in page_html(out)


def test_a_warm_kernel_rereads_no_input_until_one_is_edited(tmp_path):
    """Each page calls analyse(); only the first may read the files, an edit invalidates it."""
    import sys

    from conftest import claim, write_dataset, write_table

    from casrec.pipeline import analyse

    data = write_dataset(tmp_path / "data", [claim("hrw", "34")])
    opened: list[str] = []
    watching = {"on": False}

    def audit(event, args):
        if watching["on"] and event == "open" and str(args[0]).startswith(str(data)):
            opened.append(str(args[0]))

    sys.addaudithook(audit)
    first = analyse(data)
    watching["on"] = True
    assert analyse(data) is first
    assert opened == []
    write_table(data, "claims", [claim("hrw", "34"), claim("second", "35", source_id="wire")])
    edited = analyse(data)
    watching["on"] = False
    assert edited is not first and len(edited.dataset.claims) == 2
    assert any(path.endswith("claims.csv") for path in opened)


def test_a_kernel_start_that_fails_is_retried(monkeypatch, tmp_path):
    from casrec.run import execute

    attempts = []

    class Flaky:
        def __init__(self, cwd):
            attempts.append(cwd)
            if len(attempts) < 3:
                raise RuntimeError("Address already in use")

    monkeypatch.setattr(execute, "WarmKernel", Flaky)
    monkeypatch.setattr(execute.time, "sleep", lambda seconds: None)
    kernel = execute.start_kernel(tmp_path)
    execute._KERNELS.discard(kernel)
    assert isinstance(kernel, Flaky) and len(attempts) == 3
    attempts.clear()
    monkeypatch.setattr(execute, "KERNEL_START_ATTEMPTS", 2)
    with pytest.raises(RuntimeError, match="did not start after 2 attempts"):
        execute.start_kernel(tmp_path, attempts=2)


def test_pages_rendered_in_one_go_stop_at_the_first_failure(monkeypatch):
    rendered = []

    def fake_render(task):
        rendered.append(task.page.output_name)
        return PageOutcome(
            task.page.output_name, None, None, error="boom" * (task.page.title == "bad")
        )

    monkeypatch.setattr(execute, "render_page", fake_render)
    tasks = [PageTask(Page("event", name, {}, title), "nb", 10)
             for name, title in (("a", "ok"), ("b", "bad"), ("c", "ok"))]  # fmt: skip
    outcomes = render_pages(tasks)
    assert rendered == ["a", "b"] and [o.error for o in outcomes] == ["", "boom"]
