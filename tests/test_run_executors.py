"""Executors: a local pool of warm kernels and a Dask cluster give the same pages as one kernel."""

import shutil
import threading
from pathlib import Path

import nbformat
import pytest
from runs import DATE, run

from casrec.cli import EXIT_OK
from casrec.run import execute, executors
from casrec.run.errors import RunError
from casrec.run.executors import KernelPool, make_executor, warm_kernels
from casrec.run.plan import Page


def html_pages(day):
    return {p.name: p.read_bytes() for p in day.glob("*.html")}


@pytest.fixture
def own_kernels():
    """The session's warm kernels set aside while a test starts, keeps and ends its own.

    Its kernels run in another folder and its ``warm_kernels`` blocks end idle kernels, so
    it would otherwise end the session's (great-expectations imported, the shipped data
    validated) and leave the next report run of this process to start cold.
    """
    with executors._IDLE_LOCK:
        session, keep = list(executors._IDLE), executors._KEEP
        executors._IDLE.clear()
    try:
        yield
    finally:
        executors._keep_at_most(0)  # whatever the test left warm
        with executors._IDLE_LOCK:
            executors._IDLE.extend(session)
        executors._keep_at_most(keep)


@pytest.mark.slow
def test_one_kernel_and_two_give_identical_pages(published, tmp_path):
    reports = tmp_path / "reports"
    shutil.copytree(published, reports, symlinks=True)
    parallel = html_pages(published / DATE)  # rendered with --workers = the cores
    assert run(reports, "--events", "kobe-2025-02-07,bamako-2024-09-17", "--full",
               "--workers", "1") == EXIT_OK  # fmt: skip
    assert html_pages(reports / DATE) == parallel


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
    assert len(pool.thread_names) == 2
    assert {r[1] for r in results} <= set(pool.thread_names)


def test_each_run_gives_its_first_task_to_the_same_warm_thread():
    # the runner submits the validating pages first: they land on the kernel that imported
    # great-expectations in the run before, not on whichever thread is quickest to wake
    def name():
        threading.Event().wait(0.02)  # long enough for the other thread to compete
        return threading.current_thread().name

    firsts, everyone = [], set()
    with warm_kernels(2):
        for _ in range(10):
            pool = KernelPool(2)
            futures = [pool.submit(name) for _ in range(4)]
            pool.shutdown()
            firsts.append(futures[0].result(timeout=10))
            everyone |= {f.result(timeout=10) for f in futures}
    assert len(everyone) == 2, "the other thread took no task"
    assert len(set(firsts)) == 1, firsts


def test_a_pool_given_nothing_to_do_ends_every_thread(own_kernels):
    pool = KernelPool(3)  # only the leading thread serves until a first task is submitted
    ending = threading.Thread(target=pool.shutdown)
    ending.start()
    ending.join(timeout=10)
    assert not ending.is_alive(), "shutdown waits on a thread that never started serving"


def test_a_task_that_raises_hands_its_error_to_the_future():
    pool = KernelPool(1)
    try:
        future = pool.submit(lambda: 1 / 0)
        with pytest.raises(ZeroDivisionError):
            future.result(timeout=10)
    finally:
        pool.shutdown()


def kernel_pids(tmp_path, workers=1) -> list[int]:
    """The kernel processes one pool (one run) uses for ``workers`` tasks, one per thread."""
    pool = KernelPool(workers)
    barrier = threading.Barrier(workers)  # one task on each thread

    def pid():
        barrier.wait(timeout=60)
        return execute.thread_kernel(tmp_path).km.provisioner.pid

    try:
        return sorted(f.result(timeout=120) for f in [pool.submit(pid) for _ in range(workers)])
    finally:
        pool.shutdown()


def running(pid: int) -> bool:
    state = Path(f"/proc/{pid}/stat")
    return state.exists() and state.read_text().split(") ")[-1][0] != "Z"


@pytest.mark.slow
def test_warm_kernels_serve_the_next_run_and_end_with_the_block(tmp_path, own_kernels):
    with warm_kernels(0), warm_kernels(2):  # the outer block: none kept around this test
        first = kernel_pids(tmp_path, 2)
        assert kernel_pids(tmp_path, 2) == first  # no kernel started for the second run
        assert all(running(pid) for pid in first)
    assert not any(running(pid) for pid in first)  # shut down on leaving the block


@pytest.mark.slow
def test_without_warm_kernels_a_runs_kernels_end_with_it(tmp_path, own_kernels):
    with warm_kernels(0):
        first = kernel_pids(tmp_path)
        assert not running(first[0])
        assert kernel_pids(tmp_path) != first


@pytest.mark.slow
def test_a_failed_page_never_leaves_its_kernel_to_the_next_run(tmp_path, own_kernels):
    (tmp_path / "broken.ipynb").write_text(nbformat.writes(nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_code_cell("import os; os.chdir('/'); 1 / 0")])))  # fmt: skip
    page = Page(notebook="broken", output_name="broken", title="Broken", parameters={})
    with warm_kernels(1):
        before = kernel_pids(tmp_path)
        pool = KernelPool(1)
        outcome = pool.submit(execute.render_page, execute.PageTask(page, str(tmp_path), 30))
        assert "ZeroDivisionError" in outcome.result(timeout=120).error
        pool.shutdown()
        assert not running(before[0])
        assert kernel_pids(tmp_path) != before  # a fresh kernel, not the one left in "/"


@pytest.mark.slow
@pytest.mark.parametrize("keep_idle", [True, False])
def test_a_failed_run_kills_the_kernels_at_work_and_keeps_the_idle_ones_warm(
    tmp_path, own_kernels, keep_idle
):
    """What a failed run does (``keep_idle``); a stopped run kills every kernel it used."""
    working, release = threading.Event(), threading.Event()

    def idle_after_its_page():
        return execute.thread_kernel(tmp_path).km.provisioner.pid

    def still_at_work():
        pid = execute.thread_kernel(tmp_path).km.provisioner.pid
        working.set()
        release.wait(timeout=60)
        return pid

    with warm_kernels(2):
        pool = KernelPool(2)
        done = pool.submit(idle_after_its_page)
        busy = pool.submit(still_at_work)
        idle_pid = done.result(timeout=120)
        assert working.wait(timeout=120)
        pool.abort(keep_idle=keep_idle)
        release.set()
        busy_pid = busy.result(timeout=10)
        pool.shutdown()
        assert not running(busy_pid)
        assert running(idle_pid) is keep_idle
        assert (idle_pid in kernel_pids(tmp_path, 2)) is keep_idle


def test_dask_without_a_scheduler_is_bad_input():
    with pytest.raises(RunError) as refused:
        make_executor("dask", 2, None)
    assert refused.value.exit_code == 2 and "--scheduler" in refused.value.reason


@pytest.mark.slow
def test_the_dask_executor_renders_a_report_on_a_local_cluster(published, tmp_path):
    from distributed import LocalCluster

    reports = tmp_path / "reports"
    # one worker process with two threads: two kernels, pages sent over the wire as to any
    # cluster, without paying a second worker's start (dask and casrec imported again)
    with LocalCluster(n_workers=1, threads_per_worker=2, processes=True,
                      dashboard_address=None) as cluster:  # fmt: skip
        code = run(reports, "--events", "kobe-2025-02-07", "--executor", "dask",
                   "--scheduler", cluster.scheduler_address)  # fmt: skip
    assert code == EXIT_OK
    rendered = html_pages(reports / DATE)
    expected = html_pages(published / DATE)
    assert "event-kobe-2025-02-07.html" in rendered
    for name in ("event-kobe-2025-02-07.html", "displacement-mali-war.html", "data_quality.html"):
        assert rendered[name] == expected[name], name
