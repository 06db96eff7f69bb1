"""Experiments: results identical for any number of workers; interrupted runs resume to the same files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sim import load_scenario
from sim.folder.files import ResultsFolder
from sim.folder.run_folder import resume_run, start_run
from sim.run.executors import ProcessExecutor, SerialExecutor
from sim.run.experiment import Experiment, Plan

from .conftest import REPO

FLAGSHIP = REPO / "scenarios" / "senkaku_baseline.yaml"
ARMS = ("no_hotline", "hotline_rapid")


@pytest.fixture(scope="module")
def loaded():
    return load_scenario(FLAGSHIP, ["horizon_days=60"]).select(ARMS)


def _run(loaded, folder: Path, executor, replications: int = 24) -> dict:
    plan = Plan(ARMS, replications, 99, chunk_size=5)
    return start_run(loaded, plan, ResultsFolder.create(folder), executor, ["test"])


def test_one_and_two_workers_write_identical_files(loaded, tmp_path: Path) -> None:
    _run(loaded, tmp_path / "one", SerialExecutor())
    two = ProcessExecutor(2)
    try:
        _run(loaded, tmp_path / "two", two)
    finally:
        two.close()
    for name in ("replications.csv", "summary.json", "scenario.yaml"):
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes(), name
    manifest = json.loads((tmp_path / "two" / "manifest.json").read_text())
    assert manifest["status"] == "complete" and manifest["workers"] == 2


class _StopAfter(SerialExecutor):
    """Runs `chunks` chunks, then behaves as if Ctrl-C had been pressed."""

    def __init__(self, chunks: int):
        self.chunks = chunks

    def map(self, fn, tasks):
        for i, task in enumerate(tasks):
            if i == self.chunks:
                raise KeyboardInterrupt
            yield fn(task)


def test_interrupted_run_is_marked_and_resumes_to_the_uninterrupted_result(loaded, tmp_path: Path) -> None:
    _run(loaded, tmp_path / "whole", SerialExecutor())
    with pytest.raises(KeyboardInterrupt):
        _run(loaded, tmp_path / "cut", _StopAfter(2))
    manifest = json.loads((tmp_path / "cut" / "manifest.json").read_text())
    summary = json.loads((tmp_path / "cut" / "summary.json").read_text())
    assert manifest["status"] == "interrupted" and manifest["replications_done"] == 10
    assert summary["status"] == "partial" and summary["replications"] == 10
    # a torn line at the end (the process died mid-write) is dropped on resume
    with open(tmp_path / "cut" / "replications.csv", "a") as fh:
        fh.write("no_hotline,10,123")
    resume_run(tmp_path / "cut", SerialExecutor(), ["test", "--resume"])
    for name in ("replications.csv", "summary.json"):
        assert (tmp_path / "cut" / name).read_bytes() == (tmp_path / "whole" / name).read_bytes(), name
    assert json.loads((tmp_path / "cut" / "manifest.json").read_text())["status"] == "complete"


def test_precision_mode_adds_replications_until_the_half_width_is_met(loaded) -> None:
    experiment = Experiment(loaded, Plan(ARMS, 20, 3, 5, precision=0.08, max_replications=400))
    summary = experiment.run()
    assert summary["precision"]["met"]
    assert summary["replications"] > 20
    assert summary["precision"]["reached_half_width"] <= 0.08


def test_paired_design_reduces_variance(tmp_path: Path) -> None:
    loaded = load_scenario(FLAGSHIP).select(("no_hotline", "hotline_rapid"))
    experiment = Experiment(loaded, Plan(("no_hotline", "hotline_rapid"), 300, 5, 25))
    summary = experiment.run()
    diff = summary["differences"]["hotline_rapid - no_hotline"]["p_reach"]
    factors = [d["variance_reduction"] for d in diff.values() if d["variance_reduction"]]
    assert factors and max(factors) > 2
