"""Executors: a local pool of warm kernels and a Dask cluster give the same pages as one kernel."""

import shutil
import threading

import pytest
from runs import DATE, run

from casrec.cli import EXIT_OK
from casrec.run.errors import RunError
from casrec.run.executors import KernelPool, make_executor


def test_the_pool_runs_every_task_on_its_threads_and_returns_results():
    pool = KernelPool(2)
    try:
        futures = [
            pool.submit(lambda n: (n * n, threading.current_thread().name), n) for n in range(8)
        ]
        results = [f.result(timeout=10) for f in futures]
    finally:
        pool.shutdown()
    assert [r[0] for r in results] == [n * n for n in range(8)]
    assert {r[1] for r in results} <= {"casrec-kernel-1", "casrec-kernel-2"}


def test_a_task_that_raises_hands_its_error_to_the_future():
    pool = KernelPool(1)
    try:
        future = pool.submit(lambda: 1 / 0)
        with pytest.raises(ZeroDivisionError):
            future.result(timeout=10)
    finally:
        pool.shutdown()


def test_dask_without_a_scheduler_is_bad_input():
    with pytest.raises(RunError) as refused:
        make_executor("dask", 2, None)
    assert refused.value.exit_code == 2 and "--scheduler" in refused.value.reason


def html_pages(day):
    return {p.name: p.read_bytes() for p in day.glob("*.html")}


@pytest.mark.slow
def test_one_kernel_and_two_give_identical_pages(published, tmp_path):
    reports = tmp_path / "reports"
    shutil.copytree(published, reports, symlinks=True)
    parallel = html_pages(published / DATE)  # rendered with --workers = the cores
    assert run(reports, "--events", "kobe-2025-02-07,bamako-2024-09-17", "--full",
               "--workers", "1") == EXIT_OK  # fmt: skip
    assert html_pages(reports / DATE) == parallel


@pytest.mark.slow
def test_the_dask_executor_renders_a_report_on_a_local_cluster(published, tmp_path):
    from distributed import LocalCluster

    reports = tmp_path / "reports"
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      dashboard_address=None) as cluster:  # fmt: skip
        code = run(reports, "--events", "kobe-2025-02-07", "--executor", "dask",
                   "--scheduler", cluster.scheduler_address)  # fmt: skip
    assert code == EXIT_OK
    rendered = html_pages(reports / DATE)
    expected = html_pages(published / DATE)
    assert "event-kobe-2025-02-07.html" in rendered
    for name in ("event-kobe-2025-02-07.html", "displacement-mali-war.html", "data_quality.html"):
        assert rendered[name] == expected[name], name
