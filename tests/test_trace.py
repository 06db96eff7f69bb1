"""`hotline trace` tells the same story for the same replication, and the story matches the aggregate run."""

from __future__ import annotations

from sim import load_scenario
from sim.engine import replication_seed, simulate
from sim.report.narrative import trace
from sim.run.compile import compile_scenario
from sim.run.replay import find_replication, replay

from .conftest import REPO

FLAGSHIP = REPO / "scenarios" / "senkaku_baseline.yaml"


def test_trace_output_is_stable_for_a_fixed_seed() -> None:
    loaded = load_scenario(FLAGSHIP)
    first = trace(loaded, "hotline_as_is", 3, replay(loaded, "hotline_as_is", 3))
    assert first == trace(loaded, "hotline_as_is", 3, replay(loaded, "hotline_as_is", 3))
    assert first.startswith("Senkaku/Diaoyu islands, one year: arm hotline_as_is, replication 3")
    assert "Outcome: highest rung" in first


def test_replay_equals_the_record_of_the_aggregate_run() -> None:
    loaded = load_scenario(FLAGSHIP)
    arm = "hotline_rapid"
    record = replay(loaded, arm, 5)
    plain = simulate(compile_scenario(loaded.arms[arm]), replication_seed(loaded.scenario.seed, 5))
    record.log = None
    assert record == plain


def test_find_in_time_call_shows_a_clarification_before_further_escalation() -> None:
    loaded = load_scenario(FLAGSHIP)
    k = find_replication(loaded, "hotline_rapid", "in-time")
    story = trace(loaded, "hotline_rapid", k, replay(loaded, "hotline_rapid", k))
    assert "answers" in story and "intent clarified by hotline call" in story


def test_cli_trace_writes_a_timeline(cli, tmp_path) -> None:
    status, out, err = cli("trace", FLAGSHIP, "--arm", "hotline_rapid", "--find", "serious",
                           "--figure", tmp_path / "t.png")
    assert status == 0, err
    assert (tmp_path / "t.png").stat().st_size > 5000 and "timeline:" in out
