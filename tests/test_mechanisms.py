"""Each of the hotline's mechanisms in a limiting case or against a closed form, and all of them off."""

from __future__ import annotations

import math

from sim.engine import World, replication_seed, simulate
from sim.run.compile import compile_scenario
from sim.run.stats import wilson
from sim.scenario import load_scenario, load_scenario_text

from .conftest import REPO
from .engine_helpers import QUIET, SHORT_LADDER, params, party, single_incident

MECHANISMS = ("clarification", "restraint", "stand_down", "buying_time", "silence", "prevention")


def only(*names: str, **settings: str) -> str:
    """A hotline.mechanisms block with only the named mechanisms on (and their settings)."""
    parts = []
    for m in (*MECHANISMS, "moral_hazard", "threats"):
        extra = settings.get(m, "")
        parts.append(f"{m}: {{enabled: {'true' if m in names else 'false'}{', ' + extra if extra else ''}}}")
    return "mechanisms: {" + ", ".join(parts) + "}"


def standoff(mechanisms: str, b_up: float = 1.0, b_down: float = 0.0, b_delay: str = "{dist: exponential, mean: 1.0}",
             answer: str = "answer_probability: 1, answer_tension_sensitivity: 0", consultation: str = "0.5",
             max_hours: float = 10.0) -> str:
    """A starts a standoff at r1; B, to move first, calls at r1; B escalates with b_up (r2 is the top)."""
    return ("name: standoff\nhorizon_days: 1000\n" + SHORT_LADDER + "parties:"
            + party("A", 0.0, 0.0, extra=f"hotline: {{{answer}}}")
            + party("B", b_up, b_down, delay=b_delay,
                    extra=f"hotline: {{call_at_rung: r1, prior_consultation_hours: {consultation}}}")
            + QUIET + f"""
hotline: {{coverage: [navy], hours: {{always_open: true}}, ring_hours: 0, call_duration_hours: 0,
          {mechanisms}}}
incident_types:
  standoff: {{label: a standoff, rate_per_year: 1, initiator: A, layer: navy, start_rung: r1,
             max_duration_hours: {max_hours}}}
""")


def test_restraint_to_zero_after_an_answered_call_decides_the_race_against_the_next_decision() -> None:
    """B escalates for sure at its first decision, after D ~ Exp(1 h); the call ends at 0.5 h and restraint
    sets B's escalation chance to zero. The top is reached only when D < 0.5 h: P = 1 - exp(-0.5). Without
    restraint every incident reaches the top, so here the call changes the outcome. 99.9% Wilson interval
    over 3,000 incidents."""
    restrained = params(standoff(only("restraint", restraint="escalation_factor: 0")))
    n = 3000
    tops = sum(single_incident(restrained, 7000 + k)[0].highest_rung == 2 for k in range(n))
    assert wilson(tops, n, 0.999).contains(1 - math.exp(-0.5)), tops / n
    free = params(standoff(only()))
    assert all(single_incident(free, 7000 + k)[0].highest_rung == 2 for k in range(200))


def test_restraint_to_zero_stops_every_later_deliberate_climb() -> None:
    p = params(standoff(only("restraint", restraint="escalation_factor: 0"), b_up=0.3, b_down=0.0,
                        consultation="0", max_hours=200))
    for k in range(200):
        world = World(p, replication_seed(k, 0), log=True)
        world.spawn(p.types[0])
        world.env.run()
        restrained_at = min((e.day for e in world.record.log if e.kind == "restraint"), default=math.inf)
        assert not [e for e in world.record.log if e.kind == "move" and e.day > restrained_at]


def _first_decision_day(p, seed: int) -> float:
    world = World(p, replication_seed(seed, 0), log=True)
    world.spawn(p.types[0])
    world.env.run()
    return next(e.day for e in world.record.log if e.kind in ("move", "end", "absorbed"))


def test_a_pause_of_d_hours_moves_the_next_decision_by_exactly_d() -> None:
    """B decides after a constant 3 h; the call ends at 1 h and buys 2.5 h: the decision comes at 5.5 h."""
    base = dict(b_up=1.0, b_delay="3", consultation="1", max_hours=100)
    paused = params(standoff(only("buying_time", buying_time="pause_hours: 2.5"), **base))
    plain = params(standoff(only(), **base))
    for seed in range(5):
        assert math.isclose(_first_decision_day(plain, seed) * 24, 3.0, abs_tol=1e-9)
        assert math.isclose(_first_decision_day(paused, seed) * 24, 5.5, abs_tol=1e-9)


def test_an_agreed_stand_down_steps_the_incident_down_at_the_end_of_the_call() -> None:
    p = params(standoff(only("stand_down", stand_down="probability: 1, rungs: 1"), b_delay="3", consultation="1",
                        max_hours=100))
    rec, _ = single_incident(p, 3)
    assert rec.stand_downs == 1 and rec.highest_rung == 1  # stepped down to r0 (which ends it) before B moved


def test_silence_raises_tension_and_the_callers_resolve_after_the_last_redial() -> None:
    """A never answers. With silence, B's escalation chance 0.01 x 100 = 1 after it gives up: B climbs at
    its first decision (2.5 h, after the last redial at 2 h) in every incident; without silence B seldom
    climbs within 50 hours."""
    mute = "answers: false"
    loud = params(standoff(only("silence", silence="tension_jump: 0.7, resolve_multiplier: 100"), b_up=0.01,
                           b_down=0.0, b_delay="2.5", answer=mute, consultation="0", max_hours=50))
    quiet = params(standoff(only(), b_up=0.01, b_down=0.0, b_delay="2.5", answer=mute, consultation="0",
                            max_hours=50))
    loud_tops = quiet_tops = 0
    for k in range(100):
        world = World(loud, replication_seed(k, 0))
        world.spawn(loud.types[0])
        world.env.run()
        assert world.record.calls_unanswered == 1
        assert world.tensions[0].at(world.env.now) > 0.0
        loud_tops += world.record.highest_rung == 2
        quiet_tops += single_incident(quiet, k)[0].highest_rung == 2
    assert loud_tops == 100 and quiet_tops < 30


def test_prevention_removes_accidents_and_encounters_of_covered_layers_only_while_a_line_exists() -> None:
    text = (REPO / "scenarios" / "senkaku_baseline.yaml").read_text()
    sets = ["hotline.mechanisms.prevention.accident_factor=0", "hotline.mechanisms.prevention.rate_factor=0"]
    loaded = load_scenario(REPO / "scenarios" / "senkaku_baseline.yaml", sets)
    on = compile_scenario(loaded.arms["hotline_as_is"])
    off = compile_scenario(loaded.arms["no_hotline"])
    for kind_on, kind_off in zip(on.types, off.types, strict=True):
        covered = kind_on.covered_layers
        assert (max(kind_on.accident) == 0.0) == (covered or max(kind_off.accident) == 0.0), kind_on.name
        assert kind_on.prevention_rate_factor == (0.0 if covered else 1.0)
        assert kind_off.prevention_rate_factor == 1.0
    rec = simulate(on, replication_seed(1, 0))
    names = [t.name for t in on.types]
    assert rec.incidents_by_type[names.index("air_intercept")] == 0
    assert rec.incidents_by_type[names.index("cz_presence")] > 0
    assert "coast_guard" in text  # the flagship has uncovered coast guard incidents to keep


def test_threats_replace_restraint_and_stand_down() -> None:
    text = standoff(only("restraint", "stand_down", "threats", restraint="escalation_factor: 0",
                         stand_down="probability: 1", threats="probability: 1, tension_jump: 0.5"),
                    b_delay="3", consultation="1", max_hours=100)
    rec, _ = single_incident(params(text), 2)
    assert rec.threats == 1 and rec.stand_downs == 0 and rec.highest_rung == 2  # restraint did not hold B


def test_moral_hazard_doubling_equals_a_posture_with_doubled_escalation_below_the_rung() -> None:
    """Multiplying by 2 is exact in floating point, so a line that doubles the escalation chances of covered
    incidents below r2 must give bit-identical results to the same posture doubled by hand."""
    def text(b_up: float, hazard: str) -> str:
        return standoff(only(*(["moral_hazard"] if hazard else []), moral_hazard=hazard), b_up=b_up,
                        b_down=0.2, b_delay="{dist: exponential, mean: 1.0}", consultation="0", max_hours=20,
                        answer="answers: false").replace("calls: true", "calls: false")
    hazard = params(text(0.15, "escalation_multiplier: 2, below_rung: r2"))
    doubled = params(text(0.3, ""))
    for k in range(300):
        assert single_incident(hazard, k)[0].highest_rung == single_incident(doubled, k)[0].highest_rung


def test_with_every_mechanism_off_each_hotline_arm_equals_no_hotline_bit_for_bit() -> None:
    sets = [f"hotline.mechanisms.{m}.enabled=false" for m in MECHANISMS]
    loaded = load_scenario(REPO / "scenarios" / "senkaku_baseline.yaml", sets)
    base = compile_scenario(loaded.arms["no_hotline"])
    arms = {a: compile_scenario(s) for a, s in loaded.arms.items() if a != "no_hotline"}
    calls = 0
    for k in range(40):
        seed = replication_seed(loaded.scenario.seed, k)
        ref = simulate(base, seed)
        for arm, p in arms.items():
            rec = simulate(p, seed)
            calls += rec.calls_placed
            for field in ("highest_rung", "first_day", "incidents_by_type", "serious_by_layer", "days_at_or_above"):
                assert getattr(rec, field) == getattr(ref, field) or field == "first_day" and str(
                    rec.first_day) == str(ref.first_day), (arm, k, field)
    assert calls > 0, "calls were placed, so the arms did run their hotline"


def test_a_mechanism_block_accepts_the_documented_switches() -> None:
    loaded = load_scenario_text("name: x\nparties: {A: {label: A}, B: {label: B}}\nincident_types:\n"
                                "  t: {label: t, rate_per_year: 1, initiator: A, layer: navy, start_rung: "
                                "routine_presence}\nhotline: {mechanisms: {restraint: {enabled: false}}}\n")
    assert loaded.scenario.hotline.mechanisms.enabled_names() == [
        "clarification", "stand_down", "buying_time", "silence", "prevention"]
