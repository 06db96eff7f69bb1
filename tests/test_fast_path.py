"""The engine's fast path (walked incidents, emulated arrivals, sim.engine.walks.agenda) gives exactly the records
of the event-by-event reference path: the same replications.csv, byte for byte, on every scenario."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest

from sim import load_scenario
from sim.engine import World, replication_seed, simulate
from sim.engine.model.state import can_climb
from sim.engine.walks.agenda import Agenda, Settled
from sim.engine.walks.quiet import may_walk
from sim.folder.files import ResultsFolder
from sim.folder.run_folder import start_run
from sim.run.compile import compile_scenario
from sim.run.executors import SerialExecutor
from sim.run.experiment import Plan

from .conftest import REPO

SCENARIOS = sorted((REPO / "scenarios").glob("*.yaml"))
# Ten times every flagship rate: serious incidents, calls, tension jumps (which hand walked incidents back
# to their routines and interrupt arrivals) and armed clashes in a short run.
STRESS = [f"incident_types.{t}.rate_per_year={r * 10}" for t, r in
          (("cz_presence", 1060), ("ts_entry", 30), ("fishing_pursuit", 14), ("air_intercept", 520),
           ("warship_transit", 12), ("jmsdf_transit", 1))]


def _csv(loaded, arms: tuple[str, ...], replications: int, exact: bool, folder: Path) -> str:
    plan = Plan(arms, replications, 20211227, 10, exact=exact)
    start_run(loaded, plan, ResultsFolder.create(folder), SerialExecutor(), ["test"])
    return (folder / "replications.csv").read_text()


def _both(tmp_path: Path, path: Path, sets: list[str], replications: int,
          arms: tuple[str, ...] | None = None) -> tuple[str, str]:
    loaded = load_scenario(path, sets)
    arms = arms or tuple(loaded.arms)
    loaded = loaded.select(arms)
    return (_csv(loaded, arms, replications, True, tmp_path / "exact"),
            _csv(loaded, arms, replications, False, tmp_path / "fast"))


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_fast_path_writes_the_same_replications_csv_as_the_exact_path(tmp_path: Path, path: Path) -> None:
    horizon = min(load_scenario(path).scenario.horizon_days, 45.0)
    exact, fast = _both(tmp_path, path, [f"horizon_days={horizon}"], 60)
    assert fast == exact


def test_fast_path_is_exact_where_calls_serious_incidents_and_clashes_happen(tmp_path: Path) -> None:
    arms = ("no_hotline", "hotline_as_is", "hotline_rapid")
    # Air intercepts that now and then kill at once, and leaders quick to order an armed response, so that
    # crises open and end in clashes within 40 days.
    leaders = [f"parties.{p}.leaders.escalate_probability=0.3" for p in ("CHN", "JPN")] + [
        "incident_types.air_intercept.accident_probability.by_rung.forces_engaged=0.0005",
        "incident_types.air_intercept.fatal_accident_share.by_rung.forces_engaged=1"]
    exact, fast = _both(tmp_path, REPO / "scenarios" / "senkaku_baseline.yaml",
                        ["horizon_days=40", *STRESS, *leaders], 30, arms)
    assert fast == exact
    rows = list(csv.DictReader(exact.splitlines()))
    assert any(int(r["calls_answered"]) for r in rows), "the comparison should include answered calls"
    assert any(int(r["serious_incidents"]) for r in rows), "... and serious incidents"
    assert any(r["first_day_armed_clash"] for r in rows), "... and armed clashes"
    assert any(int(r["leader_calls_answered"]) for r in rows), "... and leaders' calls answered in a crisis"


def test_the_flagship_year_is_exact_replication_by_replication() -> None:
    params = compile_scenario(load_scenario(REPO / "scenarios" / "senkaku_baseline.yaml").arms["hotline_as_is"])
    for k in range(6):
        seed = replication_seed(3, k)
        assert simulate(params, seed) == simulate(params, seed, exact=True)


@pytest.mark.parametrize("arm", ["ally_emboldens", "us_china_link_answered"])
def test_a_jump_between_one_pair_takes_back_that_pairs_walks_in_every_window(arm: str) -> None:
    # With tension per pair kept apart (spillover 0), a jump between China and the United States after an
    # earlier one between China and Japan must take back the US-China walks drawn in the window before:
    # only the last batch was truncated once, and these replications differed from the exact path.
    loaded = load_scenario(REPO / "scenarios" / "senkaku_alliance.yaml", ["tension.spillover=0"])
    params = compile_scenario(loaded.arms[arm])
    for k in (0, 37, 44):
        seed = replication_seed(5, k)
        assert simulate(params, seed) == simulate(params, seed, exact=True), k


def test_routine_patrols_are_counted_not_simulated_and_intercepts_are_walked() -> None:
    params = compile_scenario(load_scenario(REPO / "scenarios" / "senkaku_baseline.yaml").arms["hotline_as_is"])
    kinds = {kind.name: kind for kind in params.types}
    assert not can_climb(kinds["cz_presence"])  # zero escalation chance and no accident on routine presence
    assert can_climb(kinds["air_intercept"])
    assert all(may_walk(params, kind) for kind in params.types)


def test_an_incident_type_whose_start_rung_triggers_a_call_is_never_walked() -> None:
    loaded = load_scenario(REPO / "scenarios" / "senkaku_baseline.yaml",
                           ["parties.JPN.hotline.call_at_rung=forces_engaged"])
    params = compile_scenario(loaded.arms["hotline_as_is"])
    air = next(kind for kind in params.types if kind.name == "air_intercept")
    assert not may_walk(params, air)
    seed = replication_seed(1, 0)
    assert simulate(params, seed) == simulate(params, seed, exact=True)


def _flagship_world() -> World:
    params = compile_scenario(load_scenario(REPO / "scenarios" / "senkaku_baseline.yaml").arms["no_hotline"])
    return World(params, replication_seed(4, 0))


def _settled_with_a_walked_end_on(day: float) -> Settled:
    # One walked patrol, entered on day 1.0 and ending on `day` (owner 0).
    return Settled(0, np.array([1.0, day]), np.array([0, 0]), np.array([1, -1]), np.array([0, 0]), {0: np.array([1.0])})


@pytest.mark.parametrize("walked_end, tied", [(4.0, False), (5.0, True)])
def test_a_walked_change_on_the_same_day_as_a_real_one_is_a_tie(walked_end: float, tied: bool,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    world = _flagship_world()
    monkeypatch.setattr(world.agenda, "finish", lambda stop: _settled_with_a_walked_end_on(walked_end))
    real = (np.array([2.0, 5.0]), np.array([3, 3]), np.array([1, -1]))  # a real incident on rung 3, days 2 to 5
    days, rungs, signs = world._settle(10.0, *real)
    assert world.agenda.tied is tied  # on day 5.0 only the event queue could order the two
    assert days.tolist() == sorted(days.tolist()) and len(days) == 4
    assert world.record.incidents == 1 and world.record.first_day[0] == 1.0


def test_a_tied_replication_is_rerun_event_by_event(monkeypatch: pytest.MonkeyPatch) -> None:
    params = compile_scenario(load_scenario(REPO / "scenarios" / "senkaku_baseline.yaml",
                                            ["horizon_days=30"]).arms["no_hotline"])
    finish = Agenda.finish
    paths: list[bool] = []

    def tied_finish(self: Agenda, stop: float) -> Settled:
        settled = finish(self, stop)
        self.tied = True
        return settled

    original_run = World.run

    def run(self: World):  # type: ignore[no-untyped-def]
        paths.append(self.exact)
        return original_run(self)

    monkeypatch.setattr(Agenda, "finish", tied_finish)
    monkeypatch.setattr(World, "run", run)
    seed = replication_seed(4, 1)
    record = simulate(params, seed)
    assert paths == [False, True]
    assert record == simulate(params, seed, exact=True)


def test_hotline_run_exact_writes_the_same_results_and_records_the_choice(cli, tmp_path: Path) -> None:
    common = [REPO / "scenarios" / "senkaku_baseline.yaml", "--arms", "no_hotline,hotline_as_is", "--replications",
              "6", "--set", "horizon_days=20", "--workers", "1", "--quiet"]
    assert cli("run", *common, "--out", tmp_path / "fast")[0] == 0
    status, out, err = cli("run", *common, "--exact", "--out", tmp_path / "exact")
    assert status == 0, err
    assert (tmp_path / "fast" / "replications.csv").read_bytes() == (tmp_path / "exact" / "replications.csv").read_bytes()
    assert '"exact": true' in (tmp_path / "exact" / "manifest.json").read_text()



def test_two_rises_at_one_instant_are_walked_not_rerun() -> None:
    # An incident that climbs two rungs at once (an accident on a step up) raises tension twice at one
    # instant; with arrival feedback each rise interrupts the arrival processes, and each interrupt drops
    # the candidate drawn after the one before. The fast path emulates that (the streams go on one
    # candidate later per further rise) instead of rerunning the year event by event; its records must be
    # the exact path's. Ten times the flagship's rates: such years are common (about one in eight).
    loaded = load_scenario(REPO / "scenarios" / "senkaku_baseline.yaml", STRESS)
    seen = 0
    for arm in ("no_hotline", "hotline_rapid"):
        params = compile_scenario(loaded.arms[arm])
        for k in range(30):
            seed = replication_seed(2, k)
            world = World(params, seed)
            fast = world.run()
            if not any(len(t.history) != len({day for day, _ in t.history}) for t in world.tensions.pairs):
                continue
            seen += 1
            assert not world.agenda.tied, (arm, k)
            assert fast == World(params, seed, exact=True).run(), (arm, k)
    assert seen >= 4, "the test needs years with two rises at one instant"
