"""One writer per results folder: a second writer (run, --force, --resume, report) is refused with exit 2
while the first lives, and the lock never outlives a writer, however it dies."""

from __future__ import annotations

import csv
import json
import signal
import subprocess
import sys
import time
from pathlib import Path

from sim.engine import replication_seed
from sim.folder.files import ResultsFolder
from sim.folder.lock import FolderLock, writer_alive

from .conftest import REPO

CRISIS = REPO / "scenarios" / "radar_lock_crisis.yaml"


def _with_ctrl_c() -> None:
    # A suite started in the background (`make test &`) ignores SIGINT, and so would the writer started
    # here; a user's terminal does not: give the child Ctrl-C back.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _hotline(*args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "sim", *map(str, args)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, cwd=REPO, preexec_fn=_with_ctrl_c)


def _run_args(out: Path, seed: int, replications: int = 400) -> list[str]:
    return ["run", CRISIS, "--replications", str(replications), "--workers", "1", "--quiet", "--seed", str(seed),
            "--set", "horizon_days=60", "--out", out]


def _wait_for_rows(out: Path, timeout_s: float = 60) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        manifest = out / "manifest.json"
        try:
            if json.loads(manifest.read_text()).get("replications_done", 0) > 0:
                return
        except (OSError, ValueError):
            pass
        time.sleep(0.05)
    raise AssertionError("the first run wrote no rows in time")


def _assert_consistent(out: Path, seed: int) -> None:
    with open(out / "replications.csv", newline="") as fh:
        rows = list(csv.DictReader(fh))
    keys = [(r["arm"], int(r["replication"])) for r in rows]
    assert len(keys) == len(set(keys)), "duplicated (arm, replication) rows"
    assert all(int(r["seed"]) == replication_seed(seed, int(r["replication"])) for r in rows), "mixed seeds"
    summary = json.loads((out / "summary.json").read_text())
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["root_seed"] == seed
    assert all(arm["n"] == len(rows) // len(summary["arms"]) for arm in summary["arms"].values())


def test_two_runs_started_together_one_wins_and_the_other_exits_2(tmp_path: Path) -> None:
    out = tmp_path / "same"
    first, second = _hotline(*_run_args(out, 1, 20)), _hotline(*_run_args(out, 2, 20))
    results = [(p.wait(timeout=300), p.stderr.read()) for p in (first, second)]
    statuses = sorted(status for status, _ in results)
    assert statuses == [0, 2], results
    loser_err = next(err for status, err in results if status == 2)
    assert str(out) in loser_err and "Traceback" not in loser_err
    assert "being written by another hotline process" in loser_err or "already holds results" in loser_err
    winner_seed = 1 if results[0][0] == 0 else 2
    _assert_consistent(out, winner_seed)


def test_resume_force_and_report_during_a_run_exit_2_and_leave_the_folder_consistent(tmp_path: Path, cli) -> None:
    out = tmp_path / "r"
    running = _hotline(*_run_args(out, 7, 200))  # chunks of 5; long enough to outlast the three attempts
    try:
        _wait_for_rows(out)
        for args in (["run", "--resume", out, "--workers", "1", "--quiet"], [*_run_args(out, 8, 10), "--force"],
                     ["report", out]):
            status, _, err = cli(*args)  # in this process: another process than the writer all the same
            assert status == 2, (args, err)
            assert f"{out} is being written by another hotline process (pid {running.pid}" in err, err
        assert writer_alive(out)
    finally:
        running.send_signal(signal.SIGINT)
        running.communicate(timeout=120)
    assert json.loads((out / "manifest.json").read_text())["status"] == "interrupted"
    _assert_consistent(out, 7)


def test_a_killed_writer_leaves_no_lock_and_its_run_can_be_resumed(tmp_path: Path, cli) -> None:
    out = tmp_path / "killed"
    running = _hotline(*_run_args(out, 3, 20))
    _wait_for_rows(out)
    running.kill()
    running.communicate(timeout=60)
    assert json.loads((out / "manifest.json").read_text())["status"] == "running"
    assert not writer_alive(out)
    status, _, err = cli("report", out)
    assert status == 2 and f"the run that wrote {out} stopped before it finished" in err
    status, _, err = cli("run", "--resume", out, "--workers", "1", "--quiet")
    assert status == 0, err
    assert cli(*_run_args(tmp_path / "whole", 3, 20))[0] == 0
    for name in ("replications.csv", "summary.json"):
        assert (out / name).read_bytes() == (tmp_path / "whole" / name).read_bytes(), name


def test_lock_is_exclusive_within_a_process_and_released_with_its_holder(tmp_path: Path) -> None:
    folder = ResultsFolder.create(tmp_path / "f")
    try:
        ResultsFolder.create(tmp_path / "f", force=True)
    except Exception as exc:  # noqa: BLE001
        assert "is being written by another hotline process" in str(exc)
    else:
        raise AssertionError("a second writer was let in")
    folder.release()
    assert not writer_alive(tmp_path / "f")
    lock = FolderLock(tmp_path / "f").acquire()
    assert writer_alive(tmp_path / "f")
    lock.release()
    assert not (tmp_path / "f" / ".hotline.lock").exists()
