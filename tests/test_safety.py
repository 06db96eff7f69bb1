"""Safety: interruption by signal, write failures, reproduction, and identical results everywhere."""

from __future__ import annotations

import errno
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim import load_scenario
from sim.folder.files import OutputError, ResultsFolder
from sim.folder.run_folder import start_run
from sim.run.executors import DaskExecutor, ExecutorError, ProcessExecutor, SerialExecutor
from sim.run.experiment import Plan

from .conftest import REPO

CRISIS = REPO / "scenarios" / "radar_lock_crisis.yaml"
ARMS = ("no_hotline", "answered_at_once")


@pytest.fixture(scope="module")
def loaded():
    return load_scenario(CRISIS, ["horizon_days=10"]).select(ARMS)


def _with_ctrl_c() -> None:
    # A suite started in the background (`make test &`) ignores SIGINT, and so would the run started here;
    # a user's terminal does not: give the child Ctrl-C back.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _hotline(*args: str, **kw) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "sim", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, cwd=REPO, preexec_fn=_with_ctrl_c, **kw)


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_signal_leaves_an_interrupted_folder_that_resume_completes(tmp_path: Path, signum: int) -> None:
    out = tmp_path / "run"
    args = ["run", str(CRISIS), "--replications", "400", "--workers", "1", "--quiet", "--out", str(out)]
    proc = _hotline(*args)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:  # wait until the first chunk is on disk
        manifest = out / "manifest.json"
        if manifest.is_file() and json.loads(manifest.read_text()).get("replications_done", 0) > 0:
            break
        time.sleep(0.05)
    proc.send_signal(signum)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "Traceback" not in err and "--resume" in err
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["status"] == "interrupted" and 0 < manifest["replications_done"] < 400
    assert json.loads((out / "summary.json").read_text())["status"] == "partial"
    resumed = _hotline("run", "--resume", str(out), "--workers", "1", "--quiet")
    _, err = resumed.communicate(timeout=300)
    assert resumed.returncode == 0, err
    whole = _hotline(*args[:-1], str(tmp_path / "whole"))
    whole.communicate(timeout=300)
    for name in ("replications.csv", "summary.json"):
        assert (out / name).read_bytes() == (tmp_path / "whole" / name).read_bytes(), name


def test_disk_full_gives_a_clear_error_and_keeps_earlier_rows(loaded, tmp_path: Path, monkeypatch) -> None:
    real = ResultsFolder.append_rows
    calls = {"n": 0}

    def failing(self, rows):
        calls["n"] += 1
        if calls["n"] == 3:
            raise OutputError(f"cannot write {self.path / 'replications.csv'}: "
                              f"{os.strerror(errno.ENOSPC)}; rows written before are intact")
        return real(self, rows)

    monkeypatch.setattr(ResultsFolder, "append_rows", failing)
    folder = ResultsFolder.create(tmp_path / "r")
    with pytest.raises(OutputError, match="No space left on device"):
        start_run(loaded, Plan(ARMS, 40, 1, 5), folder, SerialExecutor(), ["test"])
    lines = (tmp_path / "r" / "replications.csv").read_text().splitlines()
    assert len(lines) == 1 + 2 * 2 * 5  # header and the two chunks written before the failure
    assert json.loads((tmp_path / "r" / "manifest.json").read_text())["status"] == "failed"


def test_real_write_failure_is_reported_not_raised_raw(tmp_path: Path) -> None:
    folder = ResultsFolder(tmp_path / "gone")  # a folder that does not exist: every write fails
    with pytest.raises(OutputError, match="cannot write"):
        folder.write_json("summary.json", {})


def test_cli_never_overwrites_without_force(tmp_path: Path, cli) -> None:
    out = tmp_path / "r"
    args = ("run", CRISIS, "--replications", "5", "--workers", "1", "--quiet", "--out", out)
    assert cli(*args)[0] == 0
    before = (out / "replications.csv").read_bytes()
    status, _, err = cli(*args)
    assert status == 2 and "already holds results" in err and "--force" in err
    assert (out / "replications.csv").read_bytes() == before


def test_reproduce_confirms_a_run(tmp_path: Path, cli) -> None:
    out = tmp_path / "r"
    assert cli("run", CRISIS, "--replications", "10", "--workers", "1", "--quiet", "--out", out)[0] == 0
    status, text, err = cli("run", "--reproduce", out, "--workers", "1", "--quiet", "--out", tmp_path / "again")
    assert status == 0, err
    assert "results match" in text and "replications.csv: identical" in text


def test_local_processes_and_dask_local_cluster_write_identical_tables(loaded, tmp_path: Path) -> None:
    pytest.importorskip("distributed", reason="the distributed extra (dask.distributed) is not installed")
    plan = Plan(ARMS, 24, 11, 6)
    start_run(loaded, plan, ResultsFolder.create(tmp_path / "serial"), SerialExecutor(), ["t"])
    pool = ProcessExecutor(2)
    try:
        start_run(loaded, plan, ResultsFolder.create(tmp_path / "pool"), pool, ["t"])
    finally:
        pool.close()
    dask = DaskExecutor(2)
    try:
        start_run(loaded, plan, ResultsFolder.create(tmp_path / "dask"), dask, ["t"])
    finally:
        dask.close()
    reference = (tmp_path / "serial" / "replications.csv").read_bytes()
    assert (tmp_path / "pool" / "replications.csv").read_bytes() == reference
    assert (tmp_path / "dask" / "replications.csv").read_bytes() == reference


def test_unreachable_scheduler_is_a_clear_error() -> None:
    pytest.importorskip("distributed", reason="the distributed extra (dask.distributed) is not installed")
    with pytest.raises(ExecutorError, match="cannot reach the Dask scheduler at tcp://127.0.0.1:9"):
        DaskExecutor(1, "tcp://127.0.0.1:9", connect_timeout_s=2)


@settings(max_examples=4, deadline=None, derandomize=True)
@given(seed=st.integers(0, 2**32), workers=st.sampled_from([1, 2]))
def test_results_do_not_depend_on_worker_count(loaded, tmp_path_factory, seed: int, workers: int) -> None:
    base = tmp_path_factory.mktemp("w")
    plan = Plan(ARMS, 12, seed, 4)
    start_run(loaded, plan, ResultsFolder.create(base / "one"), SerialExecutor(), ["t"])
    executor = SerialExecutor() if workers == 1 else ProcessExecutor(workers)
    try:
        start_run(loaded, plan, ResultsFolder.create(base / "many"), executor, ["t"])
    finally:
        executor.close()
    for name in ("replications.csv", "summary.json"):
        assert (base / "one" / name).read_bytes() == (base / "many" / name).read_bytes()
