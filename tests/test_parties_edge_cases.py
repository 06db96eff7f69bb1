"""Edge cases of more than two parties found by attacking the feature as a new user would: each test was
written failing against the first version, states what went wrong then, and guards the fix.
"""

from __future__ import annotations

import dataclasses

import pytest

from sim.engine import World, replication_seed, simulate
from sim.run.compile import compile_scenario
from sim.run.explain import mechanisms_on
from sim.scenario import ScenarioError, load_scenario_text

from .engine_helpers import params
from .test_parties import MEDIATED, _one


def _record(rec: object) -> str:
    data = dataclasses.asdict(rec)  # type: ignore[call-overload]
    data.pop("log", None)
    return repr(data)


# --- 1. a valid file crashes the engine -----------------------------------------------------------

START_RUNG_JUMPS = """
name: the start rung raises tension
horizon_days: 60
parties:
  A: {label: Alpha}
  B: {label: Beta}
  C: {label: Gamma}
incident_types:
  patrol:
    label: a patrol
    rate_per_year: 10
    initiator: A
    responder: B
    layer: navy
    start_rung: forces_engaged
tension:
  jump_by_rung: {default: 0.0, by_rung: {forces_engaged: 0.5}}
"""


@pytest.mark.parametrize("exact", [False, True])
def test_review_1_a_start_rung_with_a_tension_jump_does_not_crash(exact: bool) -> None:
    """Found: `hotline run` on this valid file ends with 'internal error: RuntimeError: A process is not
    allowed to interrupt itself' (exit 1). The arrival process spawns the incident synchronously, the
    incident's start rung raises its pair's tension, and the tension's listener interrupts the arrival
    process that is running (sim/engine/world.py, `arrivals` -> `spawn` -> `_reach` -> `Tension.rise`).
    Also with two parties (drop C and `responder`), and already before the parties feature; the default
    arrival_feedback (0.2) is enough."""
    p = params(START_RUNG_JUMPS)
    for k in range(5):
        simulate(p, replication_seed(1, k), exact=exact)


# --- 2. the fast path differs from the exact path -------------------------------------------------

NO_ARRIVAL_FEEDBACK = """
name: jumps without arrival feedback
parties:
  A: {label: Alpha}
  B: {label: Beta}
  C: {label: Gamma}
incident_types:
  standoff:
    label: a standoff
    rate_per_year: 20
    initiator: A
    responder: B
    layer: coast_guard
    start_rung: shadowing
tension:
  arrival_feedback: 0.0
  jump_by_rung: {by_rung: {physical_coercion: 0.5}}
"""


def test_review_2_the_fast_path_equals_the_exact_path_without_arrival_feedback() -> None:
    """Found: `hotline run FILE --replications 60` and `... --exact` write different replications.csv
    (days_at_or_above_* and events differ in 4 of 60 rows; also with two parties, and before the parties
    feature). Emulated arrivals walk their incidents ahead on the tension as it stands
    (sim/engine/traffic.py `_draw`), but `Agenda.before_jump` interrupts them only when arrival_feedback
    is non-zero; with escalation_feedback > 0 an incident drawn ahead but starting after a jump must read
    the new tension."""
    p = params(NO_ARRIVAL_FEEDBACK)
    differing = [k for k in range(40)
                 if _record(simulate(p, replication_seed(7, k))) != _record(simulate(p, replication_seed(7, k),
                                                                                         exact=True))]
    assert differing == []


# --- 3. explain ignores channels enabled under a disabled template --------------------------------

TEMPLATE_OFF_CHANNEL_ON = """
name: template off, one channel on
horizon_days: 120
main_rung: physical_coercion
parties:
  A:
    label: A
    forces: {navy: {}}
    posture: {escalate_probability: 0.2, de_escalate_probability: 0.3}
    weapons_release_rung: forces_engaged
    hotline: {call_at_rung: shadowing, prior_consultation_hours: 0}
  B:
    label: B
    forces: {navy: {}}
    posture: {escalate_probability: 0.2, de_escalate_probability: 0.3}
    weapons_release_rung: forces_engaged
    hotline: {call_at_rung: shadowing, prior_consultation_hours: 0, answer_probability: 1}
  C: {label: C, forces: {navy: {}}}
incident_types:
  t: {label: t, rate_per_year: 20, initiator: A, responder: B, layer: navy, start_rung: shadowing}
hotline: {enabled: false, coverage: [navy], hours: {always_open: true}}
channels:
  ab: {between: [A, B], enabled: true}
arms:
  none: {channels.ab.enabled: false}
  line: {}
"""


def test_review_3_explain_sees_the_mechanisms_of_a_channel_enabled_under_a_disabled_template() -> None:
    """Found: `hotline run` shows arm `line` 77.5 points below `none` (40 replications, seed 3), but
    `hotline explain` on the same file prints 'line: total +0.00 ... no mechanism changed the outcome':
    `mechanisms_on` (sim/run/explain.py) looks only at `hotline.enabled`, so the arm is simulated with every
    mechanism off. The engine's rule (sim/run/compile.py) is: mechanisms act when any channel is enabled."""
    loaded = load_scenario_text(TEMPLATE_OFF_CHANNEL_ON)
    assert compile_scenario(loaded.arms["line"]).mechanisms.clarification  # the engine: on
    assert "clarification" in mechanisms_on(loaded.arms["line"])  # explain: nothing is on


# --- 4. a shock between a party and itself --------------------------------------------------------

def _shock_file(between: str) -> str:
    return START_RUNG_JUMPS.replace("tension:", f"""shocks:
  - {{label: a purchase, at_day: 5, tension_jump: 2.0, between: {between}}}
tension:""").replace("{forces_engaged: 0.5}", "{}")


def test_review_4_a_shock_between_a_party_and_itself_is_located() -> None:
    """Found: `shocks[].between: [B, B]` loads without a word (`hotline validate` says valid), and the
    shock then raises the tension of an unrelated pair: pair_index(b, b) is the index of another pair
    ([B, B] -> the pair A-C; [A, A] -> -1, the last pair B-C), and its suspension matches no channel.
    It should be a located problem like `channels.x.between` ('... two different parties')."""
    with pytest.raises(ScenarioError) as err:
        load_scenario_text(_shock_file("[B, B]"))
    assert "shocks.0.between" in str(err.value)


def test_review_4b_a_shock_between_a_party_and_itself_raises_no_other_pair() -> None:
    """Found: the same, seen in the engine: the A-C pair (index 1), which the shock does not name,
    rises by the whole jump with spillover 0."""
    try:
        loaded = load_scenario_text(_shock_file("[B, B]").replace("tension:", "tension:\n  spillover: 0.0"))
    except ScenarioError:
        return  # rejected: fine
    world = World(compile_scenario(loaded.scenario), replication_seed(1, 0))
    world.run()
    assert world.tensions[1].at(5.0) == 0.0  # A-C


# --- 5. a closed or suspended channel holds the call instead of handing it on ---------------------

VIA_C = ("  via_c: {between: [B, A], answer_probability: 1, mediator: {label: C, relay_hours: 3},"
         " call_duration_hours: 0}\n")


def test_review_5_a_suspended_first_channel_hands_the_call_to_the_next() -> None:
    """Found: the direct channel is suspended for 100 days by the incident itself; the mediated channel
    is open and always answers. The call waits on the suspended line until the incident ends and the
    mediator is never tried (calls placed 0), although with the mediated channel alone the call goes
    through (placed 1, answered 1). Docs (scenarios.md, 'Who calls, over what'; the Scarborough arm
    `direct_then_mediator`: 'the direct line first; if unanswered, the mediator') promise that the
    channels are tried in order; a suspended channel (China cutting the line) is exactly when the
    mediator matters. Same with a direct line outside its hours: `hotline trace
    scenarios/scarborough_2012.yaml --arm direct_then_mediator --find in-time` shows a call decided at
    21:36 waiting until 08:00 for the office-hours line while the always-open route is idle."""
    direct = "  direct: {between: [A, B], answer_probability: 1, suspension: {after_rung: r1, duration_days: 100}}\n"
    rec = _one(MEDIATED + "channels:\n" + direct + VIA_C, 0)
    assert rec.calls_mediated == 1 and rec.calls_answered == 1


# --- 6. an ally allied with both sides ------------------------------------------------------------

BOTH_SIDES = """
name: an ally of both sides
parties:
  CHN: {label: China, forces: {navy: {}}}
  JPN: {label: Japan, forces: {navy: {}}}
  USA:
    label: United States
    forces: {navy: {}}
    allied_with:
      CHN: {layer: navy, join_at_rung: forces_engaged, join_probability: 1}
      JPN: {layer: navy, join_at_rung: forces_engaged, join_probability: 1}
incident_types:
  standoff: {label: s, rate_per_year: 20, initiator: CHN, responder: JPN, layer: navy, start_rung: shadowing}
hotline: {coverage: [navy]}
"""


def test_review_6_an_ally_of_both_sides_of_an_incident_is_located() -> None:
    """Found: accepted silently. In a CHN-JPN incident the US then joins *both* sides at the same instant
    (the two alliances read the same ALLY stream, keyed by the ally), `allies_joined` counts 2, the
    deterrence and resolve factors of both alliances multiply both sides, and `Incident.side_index` gives
    the US whichever side is listed first (for the silence mechanism). `hotline trace` shows 'United
    States joins its partner's side' twice on the same minute. Either a located problem, or documented
    and handled (the ally joins neither side, or one)."""
    control = BOTH_SIDES.replace("      CHN: {layer", "      KOR: {layer").replace(
        "  JPN: {label: Japan", "  KOR: {label: Korea, forces: {navy: {}}}\n  JPN: {label: Japan")
    load_scenario_text(control)  # allied with JPN and a fourth party: valid, so the file is otherwise fine
    with pytest.raises(ScenarioError) as err:  # the same file with the US allied with both sides
        load_scenario_text(BOTH_SIDES)
    assert "allied_with" in str(err.value)
