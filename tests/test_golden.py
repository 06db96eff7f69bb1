"""Golden results: a small flagship run must give exactly the stored rows, so that no change to the model
or the random streams goes unnoticed. After an intended change, regenerate with

    HOTLINE_REGENERATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_golden.py

and explain the change in the commit message."""

from __future__ import annotations

import os
from pathlib import Path

from sim import load_scenario
from sim.folder.files import ResultsFolder
from sim.folder.run_folder import start_run
from sim.run.executors import SerialExecutor
from sim.run.experiment import Plan

from .conftest import REPO

GOLDEN = REPO / "tests" / "golden" / "flagship_60_days.csv"


def test_small_flagship_run_matches_the_golden_table(tmp_path: Path) -> None:
    arms = ("no_hotline", "hotline_as_is", "hotline_rapid")
    loaded = load_scenario(REPO / "scenarios" / "senkaku_baseline.yaml", ["horizon_days=60"]).select(arms)
    start_run(loaded, Plan(arms, 12, 20211227, 4), ResultsFolder.create(tmp_path / "r"), SerialExecutor(), ["t"])
    produced = (tmp_path / "r" / "replications.csv").read_text()
    if os.environ.get("HOTLINE_REGENERATE_GOLDEN"):
        GOLDEN.write_text(produced)
    assert produced == GOLDEN.read_text(), "results changed; if intended, regenerate (see the module docstring)"
