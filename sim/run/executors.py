"""Where chunks of replications run: in this process, in local worker processes, or on Dask.

Every executor returns chunk results in the order the chunks were given, so the results do not depend
on which worker ran what. Seeds are fixed before a chunk leaves the parent.
"""

from __future__ import annotations

import multiprocessing as mp
import re
import signal
import socket
import struct
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import Any, Protocol

from .collector import collector_scope
from .defaults import MAX_WORKERS

__all__ = ["Executor", "SerialExecutor", "ProcessExecutor", "DaskExecutor", "ExecutorError", "make_executor",
           "check_scheduler_address", "probe_scheduler"]


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
        def run() -> Iterator[Any]:
            with collector_scope():  # chunk by chunk, the collector scans only what the chunk made
                for task in tasks:
                    yield fn(task)
        return run()

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


_ADDRESS = re.compile(r"^(?:tcp://)?(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.\-]+):(\d{1,5})/?$")
_HANDSHAKE_LIMIT = 1 << 20  # a Dask handshake is a few dozen bytes; a larger length means another protocol


def check_scheduler_address(address: str) -> str:
    """`tcp://HOST:PORT` (or `HOST:PORT`): the only addresses a scheduler in another process can have."""
    match = _ADDRESS.match(address) if len(address) <= 300 else None
    if not match or not 0 < int(match.group(2)) < 65536:
        raise ExecutorError(f"--scheduler {address[:80]!r} is not a scheduler address; write it as "
                            "tcp://HOST:PORT (for example tcp://127.0.0.1:8786)")
    return f"tcp://{match.group(1)}:{match.group(2)}"


def _read_exactly(sock: socket.socket, n: int, deadline: float) -> bytes:
    data = b""
    while len(data) < n:
        sock.settimeout(max(0.01, deadline - time.monotonic()))
        chunk = sock.recv(n - len(data))
        if not chunk:
            raise ConnectionError("the connection was closed")
        data += chunk
    return data


def probe_scheduler(address: str, timeout_s: float) -> None:
    """Check, within `timeout_s`, that a Dask scheduler answers at `address` (tcp://HOST:PORT): it greets
    every connection with a handshake naming its pickle protocol. Anything else is a clear ExecutorError."""
    host, _, port = address.removeprefix("tcp://").rpartition(":")
    host = host.strip("[]")
    deadline = time.monotonic() + timeout_s
    where = f"the Dask scheduler at {address}"
    try:
        with socket.create_connection((host, int(port)), timeout=timeout_s) as sock:
            (size,) = struct.unpack("<Q", _read_exactly(sock, 8, deadline))
            if not 16 <= size <= _HANDSHAKE_LIMIT:
                raise ExecutorError(f"{address} answers, but not as a Dask scheduler (another protocol); "
                                    "check the address and port")
            if b"pickle-protocol" not in _read_exactly(sock, size, deadline):
                raise ExecutorError(f"{address} answers, but not as a Dask scheduler; check the address and port")
    except TimeoutError:
        raise ExecutorError(f"{where} did not answer within {timeout_s:g} s; check the address and that the "
                            "scheduler is running") from None
    except OSError as exc:
        raise ExecutorError(f"cannot reach {where}: {exc.strerror or exc}; check the address and that the "
                            "scheduler is running") from None


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
                address = check_scheduler_address(scheduler)
                probe_scheduler(address, connect_timeout_s)
                self._client = Client(address, timeout=connect_timeout_s)
            else:
                self._cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                             host="127.0.0.1", dashboard_address=None)
                self._client = Client(self._cluster)
        except ExecutorError:
            raise
        except Exception as exc:  # noqa: BLE001 - whatever Dask raises, the user needs the address and a fix
            raise ExecutorError(f"cannot use the Dask scheduler at {scheduler or 'a LocalCluster'}: "
                                f"{type(exc).__name__}: {str(exc)[:120]}; check the address and that the "
                                "scheduler is running") from None

    def map(self, fn: Callable[[Any], Any], tasks: Iterable[Any]) -> Iterator[Any]:
        # A bounded window of tasks in flight: memory does not grow with the number of chunks.
        window = max(4, 4 * self.workers)
        pending: deque[Any] = deque()
        for task in tasks:
            pending.append(self._client.submit(fn, task, pure=False))
            if len(pending) >= window:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()

    def close(self) -> None:
        self._client.close()
        if self._cluster is not None:
            self._cluster.close()


def make_executor(kind: str, workers: int, scheduler: str | None = None) -> Executor:
    if not 1 <= workers <= MAX_WORKERS:
        raise ExecutorError(f"--workers must be between 1 and {MAX_WORKERS} (got {workers})")
    if kind == "dask":
        return DaskExecutor(workers, scheduler)
    if kind != "local":
        raise ExecutorError(f"--executor must be local or dask (got {kind!r})")
    if scheduler:
        raise ExecutorError("--scheduler goes with --executor dask")
    return SerialExecutor() if workers == 1 else ProcessExecutor(workers)
