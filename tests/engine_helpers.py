"""Small scenarios that reduce the engine to textbook cases, and a way to run single incidents."""

from __future__ import annotations

from sim.engine import World, replication_seed
from sim.engine.model.parameters import ModelParameters
from sim.engine.model.record import ReplicationRecord
from sim.run.compile import compile_scenario
from sim.scenario import load_scenario_text

LADDER = """
ladder:
  rungs:
    - {id: r0, label: bottom, mid_level: 1}
    - {id: r1, label: one, mid_level: 2}
    - {id: r2, label: two, mid_level: 3}
    - {id: r3, label: three, mid_level: 3}
    - {id: r4, label: four, mid_level: 4}
    - {id: r5, label: top, mid_level: 5}
  weapons_rung: r4
  military_rung: r3
  serious_rung: r3
"""

SHORT_LADDER = """
ladder:
  rungs:
    - {id: r0, label: bottom, mid_level: 1}
    - {id: r1, label: trigger, mid_level: 2}
    - {id: r2, label: top, mid_level: 5}
  weapons_rung: r2
  military_rung: r1
  serious_rung: r1
"""


def party(name: str, up: float, down: float, delay: str = "1", extra: str = "") -> str:
    return f"""
  {name}:
    label: {name}
    posture: {{escalate_probability: {up}, de_escalate_probability: {down}, retaliation_multiplier: 1,
              reciprocity_multiplier: 1, misperception_probability: 0, face_saving_step_down: 0}}
    decision_delay_hours: {delay}
    weapons_release_rung: r0
    {extra}
"""


QUIET = """
tension: {arrival_feedback: 0, escalation_feedback: 0}
fallback: {enabled: false}
"""


def params(text: str) -> ModelParameters:
    return compile_scenario(load_scenario_text(text).scenario)


def single_incident(p: ModelParameters, seed: int, kind: int = 0) -> tuple[ReplicationRecord, int]:
    """Run exactly one incident of type `kind` to its end; return the record and the number of moves."""
    world = World(p, replication_seed(seed, 0))
    world.spawn(p.types[kind])
    world.env.run()
    if world.rep.weight is not None:  # (the record's own copy is made when a whole run finishes)
        world.record.log_weight = world.rep.weight.log
    return world.record, world.rep.events
