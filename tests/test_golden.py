"""Golden results: small runs must give exactly the stored rows, so that no change to the model or the random
streams goes unnoticed. After an intended change, regenerate with

    HOTLINE_REGENERATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_golden.py

and say in docs/validation.md and the commit message what moved and why."""

from __future__ import annotations

import csv
import os
from pathlib import Path

from sim import load_scenario
from sim.folder.files import ResultsFolder
from sim.folder.run_folder import start_run
from sim.run.executors import SerialExecutor
from sim.run.experiment import Plan

from .conftest import REPO

GOLDEN = REPO / "tests" / "golden"
FLAGSHIP_TABLE = GOLDEN / "flagship_60_days.csv"
HOT_SCENARIO = GOLDEN / "hot_scenario.yaml"
HOT_TABLE = GOLDEN / "hot_scenario.csv"
HOT_ARMS = ("no_hotline", "hotline_office_hours", "hotline_rapid", "hotline_everything")


def _table(path: Path, arms: tuple[str, ...], sets: list[str], replications: int, seed: int, tmp: Path) -> str:
    loaded = load_scenario(path, sets).select(arms)
    start_run(loaded, Plan(arms, replications, seed, 4), ResultsFolder.create(tmp / "r"), SerialExecutor(), ["t"])
    return (tmp / "r" / "replications.csv").read_text()


def _check(produced: str, golden: Path) -> None:
    if os.environ.get("HOTLINE_REGENERATE_GOLDEN"):
        golden.write_text(produced)
    assert produced == golden.read_text(), "results changed; if intended, regenerate (see the module docstring)"


def test_small_flagship_run_matches_the_golden_table(tmp_path: Path) -> None:
    arms = ("no_hotline", "hotline_as_is", "hotline_rapid")
    produced = _table(REPO / "scenarios" / "senkaku_baseline.yaml", arms, ["horizon_days=60"], 12, 20211227, tmp_path)
    _check(produced, FLAGSHIP_TABLE)


def test_hot_scenario_matches_the_golden_table(tmp_path: Path) -> None:
    _check(_table(HOT_SCENARIO, HOT_ARMS, [], 12, 4242, tmp_path), HOT_TABLE)


def test_the_hot_golden_table_exercises_the_hotline_in_arms_that_differ() -> None:
    """The golden rows can only guard what they contain: calls placed, answered, in time and unanswered,
    stand-downs, threats, serious incidents and clashes, in arms whose rows differ."""
    rows = list(csv.DictReader(HOT_TABLE.open()))
    total = {c: sum(int(r[c]) for r in rows) for c in ("calls_placed", "calls_answered", "calls_answered_in_time",
                                                        "calls_unanswered", "stand_downs", "threats",
                                                        "serious_incidents")}
    assert all(v > 0 for v in total.values()), total
    clashes = {arm: sum(r["highest_rung"] == "8" for r in rows if r["arm"] == arm) for arm in HOT_ARMS}
    assert len(set(clashes.values())) > 1 and max(clashes.values()) > 0, clashes
    by_arm = {arm: [{k: v for k, v in r.items() if k != "arm"} for r in rows if r["arm"] == arm] for arm in HOT_ARMS}
    assert all(by_arm[a] != by_arm["no_hotline"] for a in HOT_ARMS[1:])


def test_a_hotline_that_is_never_answered_breaks_the_golden_table(tmp_path: Path) -> None:
    never = ["parties.RED.hotline.answers=false", "parties.BLUE.hotline.answers=false"]
    assert _table(HOT_SCENARIO, HOT_ARMS, never, 12, 4242, tmp_path) != HOT_TABLE.read_text()
