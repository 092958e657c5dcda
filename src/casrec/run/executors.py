"""Where pages execute: one ``concurrent.futures.Executor`` interface, two engines.

``KernelPool`` runs pages on N threads of this machine, each thread owning one warm kernel.
``DaskExecutor`` sends them to a Dask distributed cluster, whose worker threads keep their own
warm kernels between tasks. Either way the runner submits ``execute.render_page`` and gets
``PageOutcome`` bytes back; planning, caching and publishing stay with the runner.
"""

from __future__ import annotations

import queue
import threading
from concurrent.futures import Executor, Future

from casrec.run.errors import RunError
from casrec.run.execute import kill_all_kernels, release_thread_kernel

EXECUTORS = ("local", "dask")


class KernelPool(Executor):
    """``workers`` threads, each with its own warm kernel, taking pages in submission order."""

    def __init__(self, workers: int):
        self._tasks: queue.SimpleQueue = queue.SimpleQueue()
        self._threads = [
            threading.Thread(target=self._work, name=f"casrec-kernel-{n}", daemon=True)
            for n in range(1, max(1, workers) + 1)
        ]
        self._closed = False
        for thread in self._threads:
            thread.start()

    def submit(self, fn, /, *args, **kwargs) -> Future:
        """Queue ``fn(*args, **kwargs)``; the future holds its result."""
        if self._closed:
            raise RuntimeError("the kernel pool is shut down")
        future: Future = Future()
        self._tasks.put((future, fn, args, kwargs))
        return future

    def _work(self) -> None:
        try:
            while (item := self._tasks.get()) is not None:
                future, fn, args, kwargs = item
                if not future.set_running_or_notify_cancel():
                    continue
                try:
                    future.set_result(fn(*args, **kwargs))
                except BaseException as error:  # handed to whoever waits on the future
                    future.set_exception(error)
        finally:
            release_thread_kernel()

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        """Stop taking pages; each thread shuts its kernel down when its current page ends."""
        self._closed = True
        if cancel_futures:
            self.abort()
        for _ in self._threads:
            self._tasks.put(None)
        if wait:
            for thread in self._threads:
                thread.join()

    def abort(self) -> None:
        """Cancel queued pages and kill running kernels, so running pages end within a second."""
        while True:
            try:
                item = self._tasks.get_nowait()
            except queue.Empty:
                break
            if item is not None:
                item[0].cancel()
        kill_all_kernels()


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

    def abort(self) -> None:
        """Cancel every page not yet finished (a running one completes on its worker, unused)."""
        for future in self._futures:
            future.cancel()  # cancels the Dask task behind it


def make_executor(kind: str, workers: int, scheduler: str | None) -> Executor:
    """The executor ``casrec run --executor`` names."""
    if kind == "dask":
        if not scheduler:
            raise RunError("--executor dask needs --scheduler ADDRESS (e.g. tcp://host:8786)", 2)
        return DaskExecutor(scheduler)
    return KernelPool(workers)
