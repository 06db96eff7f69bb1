"""--precision answers the question a comparison asks: it adds replications until the 95% half-width of every
paired difference of the main outcome meets the target (or, with precision_of='arms', each arm's own)."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim import load_scenario
from sim.run.experiment import Experiment, Plan

from .conftest import REPO

ARMS = ("no_hotline", "hotline_rapid")


@pytest.fixture(scope="module")
def loaded():
    return load_scenario(REPO / "scenarios" / "senkaku_baseline.yaml", ["horizon_days=60"]).select(ARMS)


def _run(loaded, precision_of: str) -> dict:
    plan = Plan(ARMS, 20, 3, 10, precision=0.02, max_replications=2000, precision_of=precision_of)
    return Experiment(loaded, plan).run()


def test_precision_targets_the_paired_difference_by_default(loaded) -> None:
    summary = _run(loaded, "differences")
    precision = summary["precision"]
    assert precision["of"] == "differences" and precision["targeted"] == ["hotline_rapid - no_hotline"]
    main = summary["differences"]["hotline_rapid - no_hotline"]["main"]
    assert (main["ci_high"] - main["ci_low"]) / 2 == precision["reached_half_width"] <= 0.02
    assert precision["met"]


def test_precision_of_arms_keeps_targeting_each_arms_own_half_width(loaded) -> None:
    summary = _run(loaded, "arms")
    precision = summary["precision"]
    assert precision["of"] == "arms" and precision["targeted"] == list(ARMS)
    main = str(summary["main_rung"]["index"])
    widths = [(d["p_reach"][main]["ci_high"] - d["p_reach"][main]["ci_low"]) / 2 for d in summary["arms"].values()]
    assert precision["reached_half_width"] == max(widths) <= 0.02


def test_a_single_arm_targets_its_own_half_width(loaded) -> None:
    one = loaded.select(("no_hotline",))
    summary = Experiment(one, Plan(("no_hotline",), 20, 3, 10, precision=0.05, max_replications=500)).run()
    assert summary["precision"]["of"] == "arms" and summary["precision"]["targeted"] == ["no_hotline"]


def test_runs_recorded_before_precision_of_existed_keep_targeting_each_arm() -> None:
    plan = Plan.from_json({"arms": list(ARMS), "replications": 10, "seed": 1, "chunk_size": 5, "precision": 0.01})
    assert plan.precision_of == "arms" and not plan.exact
    assert Plan.from_json(Plan(ARMS, 10, 1, 5, 0.01).to_json()).precision_of == "differences"


def test_an_unknown_precision_target_is_refused() -> None:
    with pytest.raises(ValueError, match="precision_of"):
        Plan(ARMS, 10, 1, 5, 0.01, precision_of="everything")


def test_precision_says_which_half_width_it_targeted(cli, tmp_path: Path) -> None:
    status, out, err = cli("run", REPO / "scenarios" / "radar_lock_crisis.yaml", "--replications", "20",
                           "--precision", "0.2", "--max-replications", "200", "--workers", "1", "--quiet",
                           "--arms", "no_hotline,answered_at_once", "--set", "horizon_days=5", "--out", tmp_path / "r")
    assert status == 0, err
    assert "of each paired difference of the main outcome (answered_at_once - no_hotline)" in out.replace("\n", " ")
