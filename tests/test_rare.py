"""Rare outcomes by importance sampling (`sim.engine.model.tilt`, `sim.run.rare`): the tilt is exact in law,
the weighted estimates match closed forms where plain Monte Carlo sees nothing, both paths give the same
weights, and the estimates agree with plain Monte Carlo where it sees enough.

Seeds are fixed, so each check is deterministic; intervals are 99.9% (z = 3.29): a correct estimator fails
one by chance once in a thousand seeds, so a failure means the estimator changed.
"""

from __future__ import annotations

import dataclasses
import json
import math

from hypothesis import given, settings
from hypothesis import strategies as st

from sim.engine import replication_seed, simulate
from sim.engine.model.parameters import ModelParameters
from sim.engine.model.tilt import Tilt, Weight
from sim.run.rare import default_from_rung, difference, estimate

from .engine_helpers import QUIET, params, party, single_incident

Row = tuple[int, float]

Z = 3.29

SEVEN = """
ladder:
  rungs:
    - {id: r0, label: bottom, mid_level: 1}
    - {id: r1, label: one, mid_level: 2}
    - {id: r2, label: two, mid_level: 2}
    - {id: r3, label: three, mid_level: 3}
    - {id: r4, label: four, mid_level: 3}
    - {id: r5, label: five, mid_level: 4}
    - {id: r6, label: top, mid_level: 5}
  weapons_rung: r5
  military_rung: r3
  serious_rung: r3
"""


def _ruin(p_up: float, start: int = 1, top: int = 6) -> float:
    """Gambler's ruin: up with p, down with 1 - p, from `start`; P(reach `top` before 0)."""
    r = (1 - p_up) / p_up
    return (1 - r**start) / (1 - r**top)


def _walk(p_up: float, rate: float = 1.0, horizon: str = "1000") -> str:
    q = 1 - p_up
    return (f"name: rare\nhorizon_days: {horizon}\n" + SEVEN + "parties:" + party("A", p_up, q) + party("B", p_up, q)
            + QUIET + f"""
hotline: {{enabled: false}}
incident_types:
  walk: {{label: a walk, rate_per_year: {rate}, initiator: A, layer: navy, start_rung: r1,
         max_duration_hours: 1000000}}
""")


def _one(p: ModelParameters, seed: int) -> Row:
    """One incident's highest rung and the log of its weight."""
    record, _ = single_incident(p, seed)
    return record.highest_rung, record.log_weight


@settings(max_examples=40, deadline=None)
@given(p=st.floats(1e-6, 0.99), factor=st.floats(1.0, 50.0), down=st.floats(0.0, 1.0))
def test_the_tilt_changes_the_law_of_a_choice_by_exactly_its_weight(p: float, factor: float, down: float) -> None:
    """Over a fine grid of uniforms, weight x 1{step up} integrates to p and weight x 1{step down} to the
    step-down chance d (a share of 1 - p): the weighted tilted choice has the model's law. A grid of n
    midpoints integrates these step functions to within a cell at each of their two ends, each cell
    weighing at most `factor` / n."""
    d = down * (1 - p)
    n = 20_000
    up_sum = down_sum = 0.0
    tilt = Tilt(factor, 0)
    for i in range(n):
        w = Weight(tilt)
        u = w.uniform((i + 0.5) / n, p)
        weight = math.exp(w.log)
        up_sum += weight * (u < p)
        down_sum += weight * (p <= u < p + d)
    assert abs(up_sum / n - p) < 2 / n * max(1.0, factor)
    assert abs(down_sum / n - d) < 2 / n * max(1.0, factor)
    assert tilt.chance(p) >= p


def test_a_one_in_seven_thousand_top_matches_gamblers_ruin() -> None:
    """Up 0.15 and down 0.85 from r1 on seven rungs: P(reach the top) = 1.41e-4 (gambler's ruin). 10,000
    single incidents with the default tilt (from r2, three times the chance of stepping up, capped at
    0.5): the 99.9% interval holds the exact value, and the relative standard error is below 12% (8.3%
    measured), where plain Monte Carlo's would be 84% (1.4 hits expected); the gain over plain Monte
    Carlo is above 50 (98 measured: a tilt that did nothing would give 1)."""
    p = params(_walk(0.15))
    tilted = dataclasses.replace(p, tilt=Tilt(3.0, default_from_rung(p)))
    assert default_from_rung(p) == 2
    rows = {"a": [_one(tilted, 1000 + k) for k in range(10_000)]}
    got = estimate(rows, 6, confidence=0.999)["a"]
    exact = _ruin(0.15)
    assert 1.3e-4 < exact < 1.5e-4
    assert got["low"] <= exact <= got["high"], (got, exact)
    assert got["se"] < 0.12 * exact
    assert got["gain"] > 50


def test_a_paired_difference_of_rare_tops_matches_the_closed_forms() -> None:
    """Two arms, up 0.15 and 0.12, on the same seeds: P(top) 1.41e-4 and 4.04e-5 (gambler's ruin), the
    difference -1.0e-4. The 99.9% interval of the paired difference holds it and excludes zero."""
    arms = {name: dataclasses.replace(params(_walk(up)), tilt=Tilt(3.0, 2)) for name, up in (("a", 0.15), ("b", 0.12))}
    rows = {name: [_one(p, 3000 + k) for k in range(4000)] for name, p in arms.items()}
    got = difference(rows, "b", "a", 6, confidence=0.999)
    exact = _ruin(0.12) - _ruin(0.15)
    assert got["low"] <= exact <= got["high"], (got, exact)
    assert got["high"] < 0


def test_a_year_of_rare_walks_matches_its_poisson_closed_form() -> None:
    """Twenty incidents a year, each reaching the top with q = 1.41e-4: a year reaches it with
    1 - exp(-20 q) = 2.8e-3 (an incident's moves take hours, so the horizon cuts off a negligible share).
    The estimate from 1,000 replications of whole years, on the default path, holds it."""
    p = params(_walk(0.15, rate=20.0, horizon="365.25"))
    tilted = dataclasses.replace(p, tilt=Tilt(3.0, 2))
    rows = {"a": [(r.highest_rung, r.log_weight) for r in (simulate(tilted, replication_seed(11, k)) for k in range(1000))]}
    got = estimate(rows, 6, confidence=0.999)["a"]
    exact = 1 - math.exp(-20 * 365.25 / 365.25 * _ruin(0.15))
    assert got["low"] <= exact <= got["high"], (got, exact)


def _flagship(arm: str) -> ModelParameters:
    from sim import load_scenario
    from sim.run.compile import compile_scenario

    return compile_scenario(load_scenario("scenarios/senkaku_baseline.yaml", []).arms[arm])


def test_both_paths_give_the_same_tilted_records_and_weights() -> None:
    """The walks never make a tilted choice (the tilt starts above every start rung, and a type starting
    at a tilted rung is not walked), so the default path and the event-by-event reference give equal
    records, weights included, on the flagship (its crisis phase and calls too) and on a tilt from the
    lowest rung of all."""
    weighted = {}
    for arm, from_rung, years in (("hotline_as_is", None, 25), ("no_hotline", 1, 12)):
        p = _flagship(arm)
        tilt = Tilt(4.0, default_from_rung(p) if from_rung is None else from_rung)
        tilted = dataclasses.replace(p, tilt=tilt)
        weighted[arm] = 0
        for k in range(years):
            fast, exact = simulate(tilted, replication_seed(3, k)), simulate(tilted, replication_seed(3, k), exact=True)
            assert fast == exact, (arm, k)
            weighted[arm] += fast.log_weight != 0.0
    assert weighted["hotline_as_is"] >= 2 and weighted["no_hotline"] >= 10, weighted  # the tilt did act


def test_tilted_estimates_agree_with_plain_monte_carlo_on_the_flagship() -> None:
    """The flagship's `hotline_as_is`, 200 tilted years against 200 plain ones on other seeds (independent):
    for every rung from the tilt's to the main rung, the two estimates differ by less than 3.29 standard
    errors of their difference."""
    p = _flagship("hotline_as_is")
    tilted = dataclasses.replace(p, tilt=Tilt(3.0, default_from_rung(p)))
    rows = {"tilted": [(r.highest_rung, r.log_weight) for r in (simulate(tilted, replication_seed(21, k)) for k in range(200))],
            "plain": [(r.highest_rung, 0.0) for r in (simulate(p, replication_seed(22, k)) for k in range(200))]}
    checked = 0
    for rung in range(default_from_rung(p), p.main_rung + 1):
        got = estimate(rows, rung)
        a, b = got["tilted"], got["plain"]
        if b["hits"] < 5:
            continue
        assert abs(a["estimate"] - b["estimate"]) < Z * math.hypot(a["se"], b["se"]), (rung, a, b)
        checked += 1
    assert checked >= 2


def test_hotline_rare_writes_its_analysis_and_refuses_bad_input(cli, tmp_path) -> None:
    """The command: rare.json with every rung from the tilt's up and the differences; an existing analysis
    is kept; a rung that is not one, or below the lowest allowed, is refused with exit 2 and the fix."""
    out = tmp_path / "r"
    flagship = "scenarios/senkaku_baseline.yaml"
    status, text, _ = cli("rare", flagship, "--arms", "no_hotline,hotline_as_is", "--replications", "12", "--out", out,
                          "--quiet", "--workers", "1")
    assert status == 0, text
    data = json.loads((out / "rare.json").read_text())
    assert [r["id"] for r in data["rungs"]] == ["physical_coercion", "weapon_signalling", "limited_force", "armed_clash"]
    assert set(data["rungs"][0]["differences"]) == {"hotline_as_is - no_hotline"}
    assert data["replications"] == 12 and data["seconds_per_replication"]["pilot_replications"] == 12
    assert "P(reach limited_force)  (main outcome)" in text
    status, _, err = cli("rare", flagship, "--replications", "12", "--out", out)
    assert status == 2 and "already exists" in err
    status, _, err = cli("rare", flagship, "--from", "nowhere", "--out", tmp_path / "x")
    assert status == 2 and "give one of routine_presence" in err
    status, _, err = cli("rare", flagship, "--from", "shadowing", "--replications", "5", "--out", tmp_path / "y")
    assert status == 2 and "from physical_coercion" in err and not (tmp_path / "y" / "rare.json").exists()


def test_run_rare_estimates_beside_the_run_with_its_settings(cli, tmp_path) -> None:
    """`run --rare` puts rare.json in the run's folder, with the run's replications and seed, and sets the
    run's plain paired intervals beside its own."""
    out = tmp_path / "run"
    status, text, _ = cli("run", "scenarios/senkaku_baseline.yaml", "--arms", "no_hotline,hotline_as_is",
                          "--replications", "10", "--seed", "5", "--out", out, "--quiet", "--rare", "--workers", "1")
    assert status == 0, text
    data = json.loads((out / "rare.json").read_text())
    assert data["replications"] == 10 and data["seed"] == 5 and data["arms"] == ["no_hotline", "hotline_as_is"]
    run = json.loads((out / "summary.json").read_text())["differences"]["hotline_as_is - no_hotline"]["p_reach"]
    for rung in data["rungs"]:  # beside each difference, the run's own plain interval on the same seeds
        plain = rung["differences"]["hotline_as_is - no_hotline"]["plain"]
        assert plain["low"] == run[str(rung["index"])]["ci_low"]
    assert "rare outcomes by importance sampling" in text
