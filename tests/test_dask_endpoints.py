"""Addresses that are not a Dask scheduler: a clear error within the stated timeout, no folder left."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from sim.run.executors import ExecutorError, check_scheduler_address, probe_scheduler

from .conftest import REPO

CRISIS = REPO / "scenarios" / "radar_lock_crisis.yaml"


@contextmanager
def _server(greeting: bytes | None) -> Iterator[str]:
    """A throwaway TCP server on 127.0.0.1 that sends `greeting` to each connection (None: says nothing)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    listener.settimeout(0.2)
    stop = threading.Event()
    held: list[socket.socket] = []

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except OSError:
                continue
            held.append(conn)
            if greeting is not None:
                conn.sendall(greeting)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"tcp://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        stop.set()
        thread.join(timeout=5)
        for conn in held:
            conn.close()
        listener.close()


@pytest.mark.parametrize("greeting,needle", [
    (b"SSH-2.0-OpenSSH_9.6\r\n", "answers, but not as a Dask scheduler"),
    (b"HTTP/1.1 400 Bad Request\r\n\r\n", "answers, but not as a Dask scheduler"),
    (None, "did not answer within 2 s"),
], ids=["ssh", "http", "silent"])
def test_endpoint_that_is_not_a_scheduler_fails_clearly_in_time(greeting: bytes | None, needle: str) -> None:
    with _server(greeting) as address:
        started = time.monotonic()
        with pytest.raises(ExecutorError, match=needle):
            probe_scheduler(address, 2.0)
        assert time.monotonic() - started < 4.0


@pytest.mark.parametrize("address", ["inproc://x", "ucx://h:1", "tls://h:1", "tcp://h:70000", "h", "x" * 400])
def test_addresses_another_process_cannot_reach_are_refused(address: str) -> None:
    with pytest.raises(ExecutorError, match="is not a scheduler address; write it as tcp://HOST:PORT"):
        check_scheduler_address(address)


def test_run_against_a_silent_endpoint_exits_2_and_leaves_no_folder(tmp_path: Path, cli) -> None:
    pytest.importorskip("dask.distributed")
    out = tmp_path / "never"
    with _server(None) as address:
        started = time.monotonic()
        status, _, err = cli("run", CRISIS, "--replications", "5", "--executor", "dask", "--scheduler", address,
                             "--quiet", "--out", out)
        elapsed = time.monotonic() - started
    assert status == 2 and "did not answer within 10 s" in err and len(err.strip().splitlines()) == 1
    assert elapsed < 20
    assert not out.exists()


def test_run_against_another_protocol_exits_2_and_leaves_no_folder(tmp_path: Path, cli) -> None:
    pytest.importorskip("dask.distributed")
    out = tmp_path / "never"
    with _server(b"\xff" * 64) as address:
        status, _, err = cli("sweep", CRISIS, "--param", "hotline.lines=1,2", "--replications", "5",
                             "--executor", "dask", "--scheduler", address, "--quiet", "--out", out)
    assert status == 2 and "not as a Dask scheduler" in err and "MemoryError" not in err
    assert not out.exists()
