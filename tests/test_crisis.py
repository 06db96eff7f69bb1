"""The crisis after force is used: its rules (sim.engine.model.crisis) in limiting cases and against closed
forms, and the driver's crises in small scenarios and on the flagship."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.engine import World, replication_seed, simulate
from sim.engine.model import crisis as model
from sim.engine.model.parameters import CrisisParameters, LeaderParameters
from sim.engine.model.rule import on_odds
from sim.engine.model.xp import SCALAR
from sim.run.compile import compile_scenario
from sim.run.stats import wilson
from sim.scenario import load_scenario

from .conftest import REPO
from .engine_helpers import LADDER, QUIET, params, party, single_incident


def crisis_params(**changes: float) -> CrisisParameters:
    values = dict(rung=4, detention=0.0, by_actor=0.6, demand=0.0, anger=0.0, max_days=100.0, call=0.0,
                  restraint=0.5, settle_factor=2.0)
    values.update(changes)
    return CrisisParameters(**values)  # type: ignore[arg-type]


def leader_params(**changes: float) -> LeaderParameters:
    values = dict(decision_days=lambda u: 1.0, escalate=0.1, settle=0.3, release=0.2, apology=0.25, answer=1.0,
                  response_days=lambda u: 0.1)
    values.update(changes)
    return LeaderParameters(**values)  # type: ignore[arg-type]


# The rules ----------------------------------------------------------------------------------------------


def test_the_opening_holds_a_crew_below_the_detention_chance_by_the_actor_below_its_share() -> None:
    c = crisis_params(detention=0.4, by_actor=0.6, demand=0.5)
    assert model.opening(c, 0, 1, 0.39, 0.59, 0.49) == (0, True)  # held by the actor, an apology demanded
    assert model.opening(c, 0, 1, 0.39, 0.61, 0.51) == (1, False)  # held by the victim (the EP-3 crew)
    assert model.opening(c, 0, 1, 0.41, 0.0, 0.0).holder == -1  # no one held


def test_what_is_owed_comes_in_order_release_then_apology_then_settle() -> None:
    state = model.CrisisState(actor=0, victim=1, holder=1, apology_owed=True, start=0.0)
    assert (model.owed(state, 1), model.owed(state, 0)) == (model.RELEASE, model.APOLOGY)
    state.holder = -1
    assert (model.owed(state, 1), model.owed(state, 0)) == (None, model.APOLOGY)  # the victim waits
    state.apology_owed = False
    assert (model.owed(state, 1), model.owed(state, 0)) == (model.SETTLE, model.SETTLE)


def test_a_decision_without_anger_or_talks_has_the_leaders_own_chances() -> None:
    c, leaders = crisis_params(), leader_params(escalate=0.1, settle=0.3)
    state = model.CrisisState(0, 1, -1, False, 0.0)
    assert model.leaders_decide(c, leaders, state, 0, 5.0, 0.0999) == (model.ESCALATE, None)
    assert model.leaders_decide(c, leaders, state, 0, 5.0, 0.1001) == (model.ACT, model.SETTLE)
    assert model.leaders_decide(c, leaders, state, 0, 5.0, 0.3999) == (model.ACT, model.SETTLE)
    assert model.leaders_decide(c, leaders, state, 0, 5.0, 0.4001) == (model.HOLD, None)


def test_anger_and_talks_act_on_the_odds() -> None:
    # escalate 0.1, settle 0.3, hold 0.6; anger 1 + 0.5 x 2 = 2: weights 0.2, 0.15, 0.6 over 0.95.
    c, leaders = crisis_params(anger=0.5), leader_params(escalate=0.1, settle=0.3)
    state = model.CrisisState(0, 1, -1, False, 0.0)
    up, down = 0.2 / 0.95, 0.15 / 0.95
    assert model.leaders_decide(c, leaders, state, 0, 2.0, up - 1e-9)[0] == model.ESCALATE
    assert model.leaders_decide(c, leaders, state, 0, 2.0, up + 1e-9)[0] == model.ACT
    assert model.leaders_decide(c, leaders, state, 0, 2.0, up + down + 1e-9)[0] == model.HOLD
    # Leaders who talked: the armed response x0.5, the settlement x2 (weights 0.1, 0.3, 0.6 over 1.0).
    state.talked = True
    assert model.leaders_decide(c, leaders, state, 0, 2.0, 0.1 - 1e-9)[0] == model.ESCALATE
    assert model.leaders_decide(c, leaders, state, 0, 2.0, 0.4 - 1e-9)[0] == model.ACT
    assert model.leaders_decide(c, leaders, state, 0, 2.0, 0.4 + 1e-9)[0] == model.HOLD


@settings(max_examples=300, deadline=None)
@given(st.floats(0.0, 1.0), st.floats(0.0, 1.0))
def test_on_the_odds_neutral_factors_give_the_chances_back(up: float, rest: float) -> None:
    down = (1.0 - up) * rest
    p_up, p_down = on_odds(SCALAR, up, down, up, down)
    assert p_up == pytest.approx(up, abs=1e-12) and p_down == pytest.approx(down, abs=1e-12)
    assert p_up + p_down <= 1.0 + 1e-12


# Crises in time -----------------------------------------------------------------------------------------


def _leaders(escalate: float, settle: float, decision: str = "24") -> str:
    return (f"leaders: {{decision_hours: {decision}, escalate_probability: {escalate}, settle_probability: {settle}, "
            "release_probability: 1, apology_probability: 1, answer_probability: 1, response_hours: 1}")


def standoff(escalate: float = 0.0, settle: float = 1.0, crisis: str | None = None, hotline: str = "enabled: false",
             start: str = "r3", b_up: float = 1.0, accident: str = "0", extra_type: str = "",
             enabled: str = "true") -> str:
    """B, moving first, takes an incident from `start` towards r4 (the crisis rung, below the top r5); the
    leaders of both decide every 24 hours."""
    leaders = _leaders(escalate, settle)
    settings = {"detention_probability": "0", "demand_probability": "0", "anger_feedback": "0",
                "call_probability": "0", "max_days": "1000"}
    for item in (crisis or "").split(","):
        if item.strip():
            key, value = item.split(":")
            settings[key.strip()] = value.strip()
    block = ", ".join(f"{k}: {v}" for k, v in settings.items())
    return ("name: crisis standoff\nhorizon_days: 2000\ncombine_chances: odds\n" + LADDER + "parties:"
            + party("A", 0.0, 0.0, extra=leaders)
            + party("B", b_up, 0.0, extra=leaders)
            + QUIET + f"""
crisis: {{enabled: {enabled}, {block}}}
hotline: {{{hotline}}}
incident_types:
  standoff: {{label: a standoff, rate_per_year: 1, initiator: A, layer: navy, start_rung: {start},
             max_duration_hours: 100, accident_probability: {accident} {extra_type}}}
""")


def test_leaders_deciding_in_turn_end_in_a_clash_with_the_closed_form_chance() -> None:
    """Each decision orders an armed response with 0.1 and settles with 0.3, independently: the crisis ends
    in a clash with probability 0.1 / (0.1 + 0.3) = 0.25, whatever the number of decisions. 99.9% Wilson
    interval over 2,000 incidents (a false alarm once in a thousand runs of this seed-fixed test)."""
    p = params(standoff(escalate=0.1, settle=0.3))
    n = 2000
    clashes = settled = 0
    for k in range(n):
        rec, _ = single_incident(p, 11000 + k)
        assert rec.crises == 1 and rec.crises_escalated + rec.crises_settled == 1
        clashes += rec.crises_escalated
        settled += rec.crises_settled
        assert rec.highest_rung == (5 if rec.crises_escalated else 4)
        if rec.crises_settled:  # decisions come every 24 hours: a settled crisis lasts whole days
            assert rec.settled_crisis_days == pytest.approx(round(rec.settled_crisis_days), abs=1e-9)
            assert rec.settled_crisis_days > 0.99
    assert wilson(clashes, n, 0.999).contains(0.25), clashes / n


def test_leaders_who_neither_act_nor_escalate_freeze_into_a_stand_off_at_max_days() -> None:
    p = params(standoff(escalate=0.0, settle=0.0, crisis="max_days: 30"))
    rec, _ = single_incident(p, 5)
    assert (rec.crises, rec.crises_frozen, rec.highest_rung) == (1, 1, 4)
    assert rec.crisis_days_total == pytest.approx(30.0, abs=1e-9) and rec.settled_crisis_days == 0


def test_a_step_that_would_pass_the_crisis_rung_stops_on_it_and_only_leaders_order_the_clash() -> None:
    # B steps up from r3 with an accident for sure: +2, to the top r5, unless the crisis stops it at r4.
    with_crisis = params(standoff(escalate=0.0, settle=1.0, accident="1"))
    without = params(standoff(escalate=0.0, settle=1.0, accident="1", enabled="false"))
    for seed in range(20):
        rec, _ = single_incident(with_crisis, seed)
        assert (rec.highest_rung, rec.crises, rec.crises_settled) == (4, 1, 1)
        assert single_incident(without, seed)[0].highest_rung == 5


def test_a_fatal_accident_jumps_to_the_crisis_rung_without_the_rungs_between() -> None:
    # B holds at r1 (no step up or down), and every move there is an accident that kills.
    p = params(standoff(start="r1", b_up=0.0, accident="1", extra_type=", fatal_accident_share: 1"))
    for seed in range(20):
        world = World(p, replication_seed(seed, 0), log=True)
        world.spawn(p.types[0])
        world.env.run()
        rec = world.record
        assert (rec.highest_rung, rec.crises) == (4, 1)
        # The rungs between are passed in no time (first_day is when a rung or higher was first reached).
        assert rec.first_day[2] == rec.first_day[3] == rec.first_day[4] < math.inf
        (jump,) = [e for e in rec.log if e.kind in ("move", "accident")]
        assert jump.rung == 4 and "kills or seizes at once" in jump.detail
    # With no fatal share the same accident adds one rung to B's hold.
    plain = params(standoff(start="r1", b_up=0.0, accident="1"))
    world = World(plain, replication_seed(0, 0), log=True)
    world.spawn(plain.types[0])
    world.env.run()
    assert next(e.rung for e in world.record.log if e.kind == "accident") == 2


LINE = ("enabled: true, coverage: [navy], hours: {always_open: true}, max_retries: 2, "
        "mechanisms: {clarification: {enabled: false}, restraint: {enabled: false}, stand_down: {enabled: false}, "
        "buying_time: {enabled: false}, silence: {enabled: false}, prevention: {enabled: false}}")


def test_an_answered_leaders_call_with_full_restraint_prevents_every_clash() -> None:
    """The victim's leaders call at once; the answer comes after 1 hour, before the first decision at 24
    hours; a restraint factor of 0 then removes the armed response. Without the line half the crises end
    in a clash (escalate 0.5, settle 0.5: P = 0.5)."""
    talk = "call_probability: 1, restraint_factor: 0"
    line = params(standoff(escalate=0.5, settle=0.5, crisis=talk, hotline=LINE))
    none = params(standoff(escalate=0.5, settle=0.5, crisis=talk))
    n = 200
    recs = [single_incident(line, 300 + k)[0] for k in range(n)]
    assert all(r.leader_calls == 1 and r.leader_calls_answered == 1 and r.crises_escalated == 0 for r in recs)
    clashes = sum(single_incident(none, 300 + k)[0].crises_escalated for k in range(n))
    assert wilson(clashes, n, 0.999).contains(0.5) and clashes > 50


def test_unanswered_leaders_redial_as_the_line_allows_and_never_talk() -> None:
    text = standoff(escalate=0.0, settle=0.0, crisis="call_probability: 1, max_days: 30", hotline=LINE)
    p = params(text.replace("answer_probability: 1", "answer_probability: 0"))
    world = World(p, replication_seed(1, 0), log=True)
    world.spawn(p.types[0])
    world.env.run()
    kinds = [e.kind for e in world.record.log]
    assert kinds.count("leaders_call") == 3 and kinds.count("leaders_no_answer") == 3  # 1 + max_retries
    assert world.record.leader_calls == 1 and world.record.leader_calls_answered == 0


def test_on_the_flagship_every_crisis_follows_limited_force_and_its_counts_add_up() -> None:
    # Air intercepts that now and then kill at once: a few crises a year, so that they also overlap.
    loaded = load_scenario(REPO / "scenarios" / "senkaku_baseline.yaml", [
        "incident_types.air_intercept.accident_probability.by_rung.forces_engaged=0.003",
        "incident_types.air_intercept.fatal_accident_share.by_rung.forces_engaged=1"])
    p = compile_scenario(loaded.arms["hotline_as_is"])
    force = [r.id for r in loaded.scenario.ladder.rungs].index("limited_force")
    reached = with_crisis = 0
    for i in range(60):
        rec = simulate(p, replication_seed(loaded.scenario.seed, i))
        ended = rec.crises_settled + rec.crises_frozen + rec.crises_escalated
        assert ended <= rec.crises  # (the rest still open at the horizon)
        assert rec.crisis_days_total >= rec.settled_crisis_days >= 0
        if rec.crises:
            assert not math.isnan(rec.first_day[force])
        reached += not math.isnan(rec.first_day[force])
        with_crisis += rec.crises > 0
    # Reaching limited force opens a crisis unless an answered call ended the incident on that very move.
    assert reached >= 20 and with_crisis >= 0.9 * reached, (reached, with_crisis)
