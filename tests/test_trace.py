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


def test_find_without_arm_picks_an_arm_where_a_call_can_happen(cli) -> None:
    status, out, err = cli("trace", FLAGSHIP, "--find", "in-time", "--quiet")
    assert status == 0, err
    assert out.startswith("(--find in-time: searching arm hotline_as_is")
    assert "arm hotline_as_is, replication" in out and "answers" in out


def test_find_in_an_arm_where_it_cannot_happen_exits_2_without_searching(cli, monkeypatch) -> None:
    import sim.run.replay

    def no_search(*args, **kwargs):
        raise AssertionError("searched an arm where the pattern cannot happen")

    monkeypatch.setattr(sim.run.replay, "simulate", no_search)
    status, out, err = cli("trace", FLAGSHIP, "--arm", "no_hotline", "--find", "in-time")
    assert status == 2 and out == ""
    assert "cannot happen in arm no_hotline: it has no hotline" in err
    assert "it can in: hotline_as_is, hotline_with_coast_guard, hotline_rapid" in err
    status, _, err = cli("trace", FLAGSHIP, "--arm", "hotline_as_is", "--find", "too-late",
                         "--set", "parties.CHN.hotline.calls=false", "--set", "parties.JPN.hotline.calls=false")
    assert status == 2 and "no party ever places a call" in err


def test_find_stops_at_its_limit_and_says_how_to_go_on(cli) -> None:
    status, _, err = cli("trace", FLAGSHIP, "--arm", "hotline_as_is", "--find", "clash", "--limit", "3",
                         "--set", "horizon_days=1", "--quiet")
    assert status == 2 and "no replication among 0..2 of arm hotline_as_is shows 'clash'" in err
    assert "--limit N" in err
