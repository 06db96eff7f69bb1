"""`hotline explain`: exact Shapley parts that sum to each arm's difference, and their place in the briefing."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest

from sim import load_scenario
from sim.engine import replication_seed, simulate
from sim.report.briefing import briefing_pages
from sim.report.build import _read_scenario
from sim.run.compile import compile_scenario
from sim.run.explain import (
    CALL_MECHANISMS,
    STATIC_MECHANISMS,
    ExplainedArm,
    _arm_outcomes,
    explain,
    mechanisms_on,
    shapley_weights,
    with_mechanisms,
)

from .conftest import REPO

HOT = REPO / "tests" / "golden" / "hot_scenario.yaml"


def test_shapley_weights_of_n_players_sum_over_coalitions_to_one() -> None:
    for n in range(1, 9):
        w = shapley_weights(n)
        total = sum(w[s] * len(list(itertools.combinations(range(n - 1), s))) for s in range(n))
        assert abs(total - 1.0) < 1e-12


def test_skipping_replications_no_call_touched_gives_the_brute_force_outcomes() -> None:
    """The shortcut (a replication whose run without call mechanisms has no answered or abandoned call is
    simulated once) must equal simulating every subset of mechanisms."""
    loaded = load_scenario(HOT)
    arm = loaded.arms["hotline_everything"]
    on = mechanisms_on(arm)
    assert len(on) == 8
    explained = ExplainedArm.of("hotline_everything", arm, on)
    main = loaded.scenario.main_rung_index
    touched = 0
    compiled = {frozenset(keep): compile_scenario(with_mechanisms(arm, frozenset(keep)))  # once per subset
                for size in range(len(on) + 1) for keep in itertools.combinations(on, size)}
    for k in range(6):
        seed = replication_seed(99, k)
        fast = _arm_outcomes(explained, seed, main)
        for keep, params in compiled.items():
            rec = simulate(params, seed)
            assert fast[keep] == int(rec.highest_rung >= main), (k, sorted(keep))
        touched += len(set(fast.values())) > 1
    assert touched, "some replication's outcome depended on the mechanisms"


def test_parts_sum_to_the_total_and_other_is_zero_when_the_arms_differ_only_by_mechanisms() -> None:
    loaded = load_scenario(HOT).select(("no_hotline", "hotline_office_hours", "hotline_everything"))
    result = explain(loaded, tuple(loaded.arms), 10, 7)
    for arm, data in result["arms"].items():
        parts = sum(v["estimate"] for v in data["mechanisms"].values()) + data["other"]["estimate"]
        assert abs(parts - data["total"]["estimate"]) < 1e-12, arm
        assert data["other"]["estimate"] == 0.0  # with every mechanism off the arm is the baseline
    assert any(abs(v["estimate"]) > 0 for d in result["arms"].values() for v in d["mechanisms"].values())


def test_cli_json_prints_the_documented_shape_and_nothing_else(cli, tmp_path: Path) -> None:
    status, out, err = cli("explain", HOT, "--arms", "no_hotline,hotline_rapid", "--replications", "8",
                           "--workers", "1", "--out", tmp_path / "e", "--json")
    assert status == 0, err
    data = json.loads(out)
    assert set(data) == {"main_rung", "arms"} and set(data["arms"]) == {"hotline_rapid"}
    arm = data["arms"]["hotline_rapid"]
    assert set(arm["total"]) == {"estimate", "ci_low", "ci_high"}
    assert len(arm["mechanisms"]) >= 5 and all(set(v) == {"estimate", "ci_low", "ci_high"}
                                               for v in arm["mechanisms"].values())
    assert (tmp_path / "e" / "explanation.json").is_file() and (tmp_path / "e" / "mechanisms.png").is_file()


def test_an_explanation_in_a_results_folder_adds_a_page_to_the_briefing(cli, tmp_path: Path) -> None:
    run = tmp_path / "run"
    assert cli("run", HOT, "--replications", "8", "--workers", "1", "--out", run, "--quiet")[0] == 0
    assert cli("explain", HOT, "--arms", "no_hotline,hotline_office_hours", "--replications", "8", "--workers", "1",
               "--out", run, "--quiet")[0] == 0
    status, out, err = cli("report", run)
    assert status == 0, err
    summary = json.loads((run / "summary.json").read_text())
    explanation = json.loads((run / "explanation.json").read_text())
    scenario = _read_scenario(run)
    pages = briefing_pages(summary, scenario, {}, explanation)
    without = briefing_pages(summary, scenario, {})
    assert len(pages) == len(without) + 1  # the explanation adds one page, the last
    assert "Where the hotline's effect comes from" in [t.get_text() for t in pages[-1].texts]
    assert (run / "figures" / "mechanisms.png").is_file() and (run / "figures" / "answer_delay.png").is_file()
    again = cli("explain", HOT, "--replications", "8", "--workers", "1", "--out", run, "--quiet")
    assert again[0] == 2 and "already exists" in again[2]


@pytest.mark.parametrize("mechanism", CALL_MECHANISMS)
def test_a_mechanism_declared_to_act_only_through_calls_changes_nothing_without_one(mechanism: str) -> None:
    # What explain's shortcut rests on, mechanism by mechanism: each one a class declares as acting only
    # through calls (`acts_without_a_call = False`) leaves a replication with no answered and no abandoned
    # call exactly as it was, whole record compared. A mechanism that acts from the line's existence but is
    # declared otherwise (a recipe that forgot the declaration) fails here.
    loaded = load_scenario(HOT, ["horizon_days=10"])
    arm = loaded.arms["hotline_everything"]
    static = frozenset(STATIC_MECHANISMS)
    without = compile_scenario(with_mechanisms(arm, static))
    with_it = compile_scenario(with_mechanisms(arm, static | {mechanism}))
    quiet = 0
    for k in range(30):
        seed = replication_seed(41, k)
        rec = simulate(without, seed)
        if rec.calls_answered == 0 and rec.calls_unanswered == 0:
            quiet += 1
            assert simulate(with_it, seed) == rec, k
    assert quiet >= 5, f"only {quiet} replications without an answered or abandoned call"
