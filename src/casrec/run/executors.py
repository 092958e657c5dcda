"""Where pages execute: one ``concurrent.futures.Executor`` interface, two engines.

``KernelPool`` runs pages on N threads of this machine, each thread owning one warm kernel
(kept between runs in one process inside ``warm_kernels``).
``DaskExecutor`` sends them to a Dask distributed cluster, whose worker threads keep their own
warm kernels between tasks. Either way the runner submits ``execute.render_page`` and gets
``PageOutcome`` bytes back; planning, caching and publishing stay with the runner.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import queue
import threading
from concurrent.futures import Executor, Future

from casrec.run.errors import RunError
from casrec.run.execute import kill_all_kernels, release_thread_kernel

EXECUTORS = ("local", "dask")


class _KernelThread:
    """A thread owning one warm kernel; it serves the page queue of one run at a time.

    A kernel stays on the thread that started it: its client's sockets belong to that
    thread's event loop. Between runs the thread waits, kernel warm, on its ``inbox``.
    """

    def __init__(self, name: str):
        self.name = name
        self.inbox: queue.SimpleQueue = queue.SimpleQueue()
        self.thread = threading.Thread(target=self._main, name=name, daemon=True)
        self.thread.start()

    def serve(
        self, tasks: queue.SimpleQueue, done: threading.Event, took_first: threading.Event
    ) -> None:
        """Take pages from ``tasks`` until its end marker, then set ``done``.

        ``took_first`` is set once this thread has taken its first item from ``tasks``.
        """
        self.inbox.put((tasks, done, took_first))

    def stop(self) -> None:
        """End the thread (its kernel is shut down) and wait for it."""
        self.inbox.put(None)
        self.thread.join()

    def _main(self) -> None:
        done = None
        try:
            while (item := self.inbox.get()) is not None:
                tasks, done, took_first = item
                _work(tasks, took_first)
                if not _keep(self):
                    return
                done.set()  # kept: warm, waiting for the next run
                done = None
        finally:
            release_thread_kernel()  # before the run's shutdown returns, as it waits on done
            with _IDLE_LOCK:
                _NAMES.discard(self.name)
            if done is not None:
                done.set()


def _work(tasks: queue.SimpleQueue, took_first: threading.Event) -> None:
    """Run queued ``(future, fn, args, kwargs)`` until the end marker (None)."""
    name = threading.current_thread().name
    while True:
        item = tasks.get()
        took_first.set()
        if item is None:
            return
        future, fn, args, kwargs = item
        with _IDLE_LOCK:
            _WORKING.add(name)
        try:
            _run(future, fn, args, kwargs)
        finally:
            with _IDLE_LOCK:
                _WORKING.discard(name)


def _run(future: Future, fn, args, kwargs) -> None:
    """Run one task into its future, unless it was cancelled while queued."""
    if not future.set_running_or_notify_cancel():
        return
    try:
        future.set_result(fn(*args, **kwargs))
    except BaseException as error:  # handed to whoever waits on the future
        future.set_exception(error)


# Kernel threads kept warm between runs in this process (see ``warm_kernels``).
_IDLE: list[_KernelThread] = []
_IDLE_LOCK = threading.Lock()
_NAMES: set[str] = set()  # names of the kernel threads alive in this process
_WORKING: set[str] = set()  # names of the kernel threads running a task right now
_KEEP = 0  # how many threads stay warm after a run; 0: a run's kernels end with it


def _keep(thread: _KernelThread) -> bool:
    """Put a thread whose run ended back among the idle ones, if warm kernels are wanted."""
    with _IDLE_LOCK:
        if len(_IDLE) < _KEEP:
            _IDLE.append(thread)
            return True
    return False


def _number(thread: _KernelThread) -> int:
    return int(thread.name.rsplit("-", 1)[1])


def _kernel_threads(count: int) -> list[_KernelThread]:
    """``count`` threads for a run: idle warm ones first, lowest number first, new ones after.

    The lowest-numbered idle thread leads (``KernelPool`` gives it the run's first pages).
    """
    with _IDLE_LOCK:
        _IDLE.sort(key=_number)
        threads = [_IDLE.pop(0) for _ in range(min(count, len(_IDLE)))]
        while len(threads) < count:
            # the lowest free number, so a run's threads read casrec-kernel-1, -2, ...
            name = next(f"casrec-kernel-{n}" for n in itertools.count(1)
                        if f"casrec-kernel-{n}" not in _NAMES)  # fmt: skip
            _NAMES.add(name)
            threads.append(_KernelThread(name))
    return threads


@contextlib.contextmanager
def warm_kernels(threads: int | None = None):
    """Keep up to ``threads`` kernels (default: one per core; 0: none) warm between runs.

    For a program that runs several reports in one process (a backfill loop, a long-lived
    scheduler worker, the test suite): each run after the first skips starting kernels and
    importing pandas and great-expectations in them. A kept kernel keeps the
    environment variables it started with; a page that failed never leaves its kernel behind
    (``execute.render_page`` shuts it down). On leaving, the kept kernels are shut down.
    """
    previous = _KEEP
    _keep_at_most((os.cpu_count() or 1) if threads is None else max(0, threads))
    try:
        yield
    finally:
        _keep_at_most(previous)


def _keep_at_most(threads: int) -> None:
    """From now on keep ``threads`` kernel threads warm; stop the idle ones beyond that."""
    global _KEEP
    with _IDLE_LOCK:
        _KEEP = threads
        leaving = _IDLE[threads:]
        del _IDLE[threads:]
    for thread in leaving:
        thread.stop()


# How long the first page may wait to be taken by the leading thread before the others start
# anyway (it is taken at once: the leader is idle); never a deadlock on a stuck thread.
FIRST_TAKEN_WAIT_SECONDS = 10


class KernelPool(Executor):
    """``workers`` threads, each with its own warm kernel, taking pages in submission order.

    The first task submitted always runs on the leading thread (the lowest-numbered one, warm
    from earlier runs inside ``warm_kernels``): the runner submits the pages that validate
    first, so the kernel that imported great-expectations in one run validates in the next,
    instead of a second kernel importing it too (seconds of CPU).
    """

    def __init__(self, workers: int):
        self._tasks: queue.SimpleQueue = queue.SimpleQueue()
        self._threads = _kernel_threads(max(1, workers))
        self._done = [threading.Event() for _ in self._threads]
        self._closed = False
        self._first_taken = threading.Event()
        self._threads[0].serve(self._tasks, self._done[0], self._first_taken)
        # the others start once the leader has taken the first task
        self._held = list(zip(self._threads[1:], self._done[1:], strict=True))

    def _start_held(self) -> None:
        for thread, done in self._held:
            thread.serve(self._tasks, done, threading.Event())
        self._held = []

    @property
    def thread_names(self) -> list[str]:
        """The names of the threads this pool's pages run on."""
        return [thread.name for thread in self._threads]

    def submit(self, fn, /, *args, **kwargs) -> Future:
        """Queue ``fn(*args, **kwargs)``; the future holds its result."""
        if self._closed:
            raise RuntimeError("the kernel pool is shut down")
        future: Future = Future()
        self._tasks.put((future, fn, args, kwargs))
        if self._held:
            self._first_taken.wait(FIRST_TAKEN_WAIT_SECONDS)
            self._start_held()
        return future

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        """Stop taking pages (``cancel_futures``: drop the queued ones); running pages finish.

        Each thread then gives up its kernel, or keeps it warm for the next run.
        """
        if not self._closed:
            self._closed = True
            if cancel_futures:
                self._cancel_queued()
            for _ in self._threads:
                self._tasks.put(None)
            self._start_held()  # a pool given nothing to do: each thread takes its end marker
        if wait:
            for done in self._done:
                done.wait()

    def abort(self, keep_idle: bool = False) -> None:
        """Cancel queued pages and kill running kernels, so running pages end within a second.

        ``keep_idle``: a thread not running a page keeps its kernel (it finished its pages
        cleanly), warm for the next run; a failed page's kernel is already gone
        (``execute.render_page``). Without it (a stop signal), every kernel of the run goes.
        """
        self._cancel_queued()
        owners = set(self.thread_names)
        if keep_idle:
            with _IDLE_LOCK:
                owners &= _WORKING  # a task taken in the instant of the abort may run to its end
        kill_all_kernels(owners)

    def _cancel_queued(self) -> None:
        while True:
            try:
                item = self._tasks.get_nowait()
            except queue.Empty:
                break
            if item is not None:
                item[0].cancel()


class DaskExecutor(Executor):
    """Pages as tasks on a Dask distributed scheduler at ``address`` (``casrec[dask]``)."""

    def __init__(self, address: str):
        try:
            from distributed import Client
        except ImportError:
            raise RunError(
                "--executor dask needs the optional dependency: pip install 'casrec[dask]'", 2
            ) from None
        try:
            self.client = Client(address, timeout="30s")
        except OSError as error:
            raise RunError(f"cannot reach the Dask scheduler at {address}: {error}", 2) from None
        self._executor = self.client.get_executor(pure=False)
        self._futures: list[Future] = []

    def submit(self, fn, /, *args, **kwargs) -> Future:
        """Send ``fn(*args, **kwargs)`` to the cluster; a ``concurrent.futures.Future`` back."""
        future = self._executor.submit(fn, *args, **kwargs)
        self._futures.append(future)
        return future

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        """Release the tasks and disconnect (the workers and their kernels stay up)."""
        if cancel_futures:
            self.abort()
        self._executor.shutdown(wait=wait)
        self.client.close()

    def abort(self, keep_idle: bool = False) -> None:
        """Cancel every page not yet finished (a running one completes on its worker, unused).

        The workers' kernels are the workers' own: ``keep_idle`` changes nothing here.
        """
        for future in self._futures:
            future.cancel()  # cancels the Dask task behind it


def make_executor(kind: str, workers: int, scheduler: str | None) -> Executor:
    """The executor ``casrec run --executor`` names."""
    if kind == "dask":
        if not scheduler:
            raise RunError("--executor dask needs --scheduler ADDRESS (e.g. tcp://host:8786)", 2)
        return DaskExecutor(scheduler)
    return KernelPool(workers)
