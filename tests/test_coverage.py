"""Who calls about which incident: coverage by force layer, defense layers joining at the military rung,
call rungs by layer, and only the incident's two sides."""

from __future__ import annotations

from sim.engine import World, replication_seed

from .engine_helpers import LADDER, QUIET, params, single_incident


def scenario(coverage: str, defense_layers: str, call_at: str, third_party: bool = False) -> str:
    """A (coast guard) starts at r1 and climbs one rung per move for sure; B never escalates and calls."""
    parties = f"""
parties:
  A:
    label: A
    forces: {{coast_guard: {{}}, navy: {{}}}}
    posture: {{escalate_probability: 1.0, de_escalate_probability: 0.0, retaliation_multiplier: 1}}
    decision_delay_hours: 1
    weapons_release_rung: r0
    hotline: {{calls: false}}
  B:
    label: B
    forces: {{coast_guard: {{}}, navy: {{}}}}
    posture: {{escalate_probability: 0.0, de_escalate_probability: 0.0, retaliation_multiplier: 1}}
    decision_delay_hours: 1
    hotline: {{call_at_rung: {call_at}, prior_consultation_hours: 0, answer_probability: 1}}
"""
    if third_party:
        parties += """
  C:
    label: C
    forces: {coast_guard: {}, navy: {}}
    hotline: {call_at_rung: r1, prior_consultation_hours: 0}
"""
    responder = "    responder: B\n" if third_party else ""
    return ("name: coverage\nhorizon_days: 10\n" + LADDER + parties + QUIET + f"""
hotline: {{coverage: {coverage}, defense_layers: {defense_layers}, hours: {{always_open: true}}}}
incident_types:
  standoff:
    label: a coast guard standoff
    rate_per_year: 1
    initiator: A
{responder}    layer: coast_guard
    start_rung: r1
    max_duration_hours: 100
""")


def calls(text: str, n: int = 20) -> int:
    p = params(text)
    return sum(single_incident(p, k)[0].calls_placed for k in range(n))


def test_an_uncovered_coast_guard_incident_draws_no_call_without_defense_layers() -> None:
    assert calls(scenario("[navy]", "[]", "r2")) == 0


def test_defense_layers_bring_an_incident_under_the_line_once_it_reaches_the_military_rung() -> None:
    # The ladder's military rung is r3: B calls at r3 (not before: the line covers navies only).
    text = scenario("[navy]", "[navy]", "r2")
    assert calls(text) == 20
    p = params(text)
    world = World(p, replication_seed(0, 0), log=True)
    world.spawn(p.types[0])
    world.env.run()
    decided = [e for e in world.record.log if e.kind == "call_decided"]
    assert len(decided) == 1 and decided[0].rung == 3


def test_the_call_rung_can_differ_by_the_callers_force_layer() -> None:
    covered = "[navy, coast_guard]"
    by_layer = "{default: r4, by_layer: {coast_guard: r2}}"
    p = params(scenario(covered, "[]", by_layer))
    world = World(p, replication_seed(0, 0), log=True)
    world.spawn(p.types[0])
    world.env.run()
    assert [e.rung for e in world.record.log if e.kind == "call_decided"] == [2]
    navy_rule = params(scenario(covered, "[]", "{default: r2, by_layer: {coast_guard: r4}}"))
    world = World(navy_rule, replication_seed(0, 0), log=True)
    world.spawn(navy_rule.types[0])
    world.env.run()
    assert [e.rung for e in world.record.log if e.kind == "call_decided"] == [4]


def test_a_third_party_never_calls_about_an_incident_between_two_others() -> None:
    text = scenario("[navy, coast_guard]", "[]", "r1", third_party=True)
    p = params(text)
    for k in range(20):
        world = World(p, replication_seed(k, 0), log=True)
        world.spawn(p.types[0])
        world.env.run()
        callers = {e.party for e in world.record.log if e.kind == "call_decided"}
        assert callers == {"B"}, callers
