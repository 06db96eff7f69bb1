"""Where chunks of replications run: in this process, in local worker processes, or on Dask.

Every executor returns chunk results in the order the chunks were given, so the results do not depend
on which worker ran what. Seeds are fixed before a chunk leaves the parent.
"""

from __future__ import annotations

import multiprocessing as mp
import re
import signal
from collections.abc import Callable, Iterable, Iterator
from typing import Any, Protocol

__all__ = ["Executor", "SerialExecutor", "ProcessExecutor", "DaskExecutor", "ExecutorError", "make_executor"]


class ExecutorError(Exception):
    """An executor cannot be set up; the message says what to do."""


class Executor(Protocol):
    workers: int

    def map(self, fn: Callable[[Any], Any], tasks: Iterable[Any]) -> Iterator[Any]: ...

    def close(self) -> None: ...


class SerialExecutor:
    """Runs chunks one after another in this process (one worker)."""

    workers = 1

    def map(self, fn: Callable[[Any], Any], tasks: Iterable[Any]) -> Iterator[Any]:
        return map(fn, tasks)

    def close(self) -> None:
        pass


def _ignore_sigint() -> None:
    # Ctrl-C is the parent's to handle: it stops the pool and marks the folder interrupted.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


class ProcessExecutor:
    """A pool of local worker processes (spawned, so no state leaks from the parent)."""

    def __init__(self, workers: int):
        self.workers = workers
        self._pool = mp.get_context("spawn").Pool(workers, initializer=_ignore_sigint)

    def map(self, fn: Callable[[Any], Any], tasks: Iterable[Any]) -> Iterator[Any]:
        return self._pool.imap(fn, tasks, chunksize=1)

    def close(self) -> None:
        self._pool.terminate()
        self._pool.join()


_ADDRESS = re.compile(r"^(tcp|tls|inproc|ucx)://[^\s:/]+(:\d{1,5})?/?$|^[A-Za-z0-9.\-]+:\d{1,5}$")


def check_scheduler_address(address: str) -> str:
    if not _ADDRESS.match(address):
        raise ExecutorError(f"--scheduler {address!r} is not a scheduler address; write it as "
                            "tcp://HOST:PORT (for example tcp://127.0.0.1:8786)")
    return address if "://" in address else f"tcp://{address}"


class DaskExecutor:
    """Chunks as tasks on a dask.distributed cluster: the one at `scheduler`, or a LocalCluster."""

    def __init__(self, workers: int, scheduler: str | None = None, connect_timeout_s: float = 10.0):
        try:
            from dask.distributed import Client, LocalCluster
        except ImportError:
            raise ExecutorError("--executor dask needs the optional extra: pip install 'hotline[distributed]'")\
                from None
        self.workers = workers
        self._cluster = None
        try:
            if scheduler:
                self._client = Client(check_scheduler_address(scheduler), timeout=connect_timeout_s)
            else:
                self._cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                             host="127.0.0.1", dashboard_address=None)
                self._client = Client(self._cluster)
        except ExecutorError:
            raise
        except (OSError, TimeoutError) as exc:
            raise ExecutorError(f"cannot reach the Dask scheduler at {scheduler}: {exc}; check the address "
                                "and that the scheduler is running") from None

    def map(self, fn: Callable[[Any], Any], tasks: Iterable[Any]) -> Iterator[Any]:
        futures = self._client.map(fn, list(tasks), pure=False)
        for future in futures:
            yield future.result()

    def close(self) -> None:
        self._client.close()
        if self._cluster is not None:
            self._cluster.close()


def make_executor(kind: str, workers: int, scheduler: str | None = None) -> Executor:
    if workers < 1:
        raise ExecutorError(f"--workers must be at least 1 (got {workers})")
    if kind == "dask":
        return DaskExecutor(workers, scheduler)
    if kind != "local":
        raise ExecutorError(f"--executor must be local or dask (got {kind!r})")
    if scheduler:
        raise ExecutorError("--scheduler goes with --executor dask")
    return SerialExecutor() if workers == 1 else ProcessExecutor(workers)
