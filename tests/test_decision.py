"""The decision rule of one move, branch by branch, with fixed draws (sim.engine.model.rule), and the same
rule on arrays (the walks' namespace) giving, element by element, what it gives one incident at a time."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.engine.model import rule
from sim.engine.model.parameters import PartyParameters, Side
from sim.engine.model.rule import DOWN, HOLD, UP, Situation
from sim.engine.model.xp import SCALAR
from sim.engine.walks.rows import Rows, SideTables

RUNGS = 6


def side(up: float = 0.2, down: float = 0.3, retaliation: float = 2.0, reciprocity: float = 1.5,
         face_saving: float = 0.5, release_rung: int = 0) -> Side:
    party = PartyParameters(0, "A", "A", {}, {}, {}, {}, {}, {}, {}, lambda u: 0.0, 9, {}, True, {}, 1.0, True)
    return Side(party, "navy", (up,) * RUNGS, (down,) * RUNGS, retaliation, reciprocity, 0.0, face_saving,
                lambda u: 0.0, 9, lambda u: 0.0, release_rung, 5)


def decide(mover: Side, rung: int, p_up: float, factor: float, situation: Situation, clarified: bool, weapons: int,
           accident: float, u_decide: float, u_accident: float) -> tuple[int, bool]:
    """The rule for a mover whose escalation chance on `rung` is `p_up` (no tension to read)."""
    assert p_up == mover.up[rung]
    step, happened = rule.decide(mover, rung, situation, clarified, None, 0.0, factor, weapons, accident, u_decide,
                                 u_accident)
    return int(step), bool(happened)


CALM = Situation()
PROVOKED = Situation(provoked=True)
MISREAD = Situation(provoked=True, misread=True)


def test_a_draw_below_the_escalation_chance_steps_up_and_above_it_steps_down_or_holds() -> None:
    s = side(up=0.2, down=0.3)
    assert decide(s, 1, 0.2, 1.0, CALM, False, 4, 0.0, 0.19, 0.9) == (UP, False)
    assert decide(s, 1, 0.2, 1.0, CALM, False, 4, 0.0, 0.21, 0.9) == (DOWN, False)
    assert decide(s, 1, 0.2, 1.0, CALM, False, 4, 0.0, 0.51, 0.9) == (HOLD, False)


def test_retaliation_multiplies_the_escalation_chance_of_a_provoked_mover() -> None:
    s = side(up=0.2, retaliation=2.0)
    assert decide(s, 1, 0.2, 1.0, PROVOKED, False, 4, 0.0, 0.39, 0.9)[0] == UP
    assert decide(s, 1, 0.2, 1.0, CALM, False, 4, 0.0, 0.39, 0.9)[0] != UP


def test_a_clarified_misreading_removes_retaliation_but_a_deliberate_provocation_keeps_it() -> None:
    s = side(up=0.2, retaliation=2.0)
    assert decide(s, 1, 0.2, 1.0, MISREAD, True, 4, 0.0, 0.39, 0.9)[0] != UP  # corrected
    assert decide(s, 1, 0.2, 1.0, MISREAD, False, 4, 0.0, 0.39, 0.9)[0] == UP  # not yet corrected
    assert decide(s, 1, 0.2, 1.0, PROVOKED, True, 4, 0.0, 0.39, 0.9)[0] == UP  # deliberate: nothing to correct


def test_face_saving_turns_a_share_of_holds_into_step_downs_once_intent_is_clarified() -> None:
    s = side(up=0.2, down=0.3, face_saving=0.5)  # hold band 0.5 -> 0.25 of it becomes a step down
    assert decide(s, 1, 0.2, 1.0, CALM, True, 4, 0.0, 0.74, 0.9)[0] == DOWN
    assert decide(s, 1, 0.2, 1.0, CALM, False, 4, 0.0, 0.74, 0.9)[0] == HOLD
    assert decide(s, 1, 0.2, 1.0, CALM, True, 4, 0.0, 0.76, 0.9)[0] == HOLD


def test_reciprocity_raises_the_step_down_chance_after_the_other_stepped_down() -> None:
    s = side(up=0.2, down=0.3, reciprocity=1.5)  # 0.3 -> 0.45
    after = Situation(other_stepped_down=True)
    assert decide(s, 1, 0.2, 1.0, after, False, 4, 0.0, 0.64, 0.9)[0] == DOWN
    assert decide(s, 1, 0.2, 1.0, CALM, False, 4, 0.0, 0.64, 0.9)[0] == HOLD


def test_rules_of_engagement_hold_a_step_onto_the_weapons_rung_below_the_release_rung() -> None:
    held = side(up=0.5, release_rung=4)
    free = side(up=0.5, release_rung=3)
    assert decide(held, 3, 0.5, 1.0, CALM, False, 4, 0.0, 0.1, 0.9) == (HOLD, False)
    assert decide(free, 3, 0.5, 1.0, CALM, False, 4, 0.0, 0.1, 0.9) == (UP, False)
    assert decide(held, 2, 0.5, 1.0, CALM, False, 4, 0.0, 0.1, 0.9) == (UP, False)  # below the weapons rung


def test_an_accident_adds_one_rung_to_a_hold_or_a_step_up_but_never_to_a_step_down() -> None:
    s = side(up=0.2, down=0.3)
    assert decide(s, 1, 0.2, 1.0, CALM, False, 4, 0.5, 0.9, 0.4) == (UP, True)  # hold + accident
    assert decide(s, 1, 0.2, 1.0, CALM, False, 4, 0.5, 0.1, 0.4) == (UP + 1, True)  # up + accident
    assert decide(s, 1, 0.2, 1.0, CALM, False, 4, 0.5, 0.3, 0.4) == (DOWN, False)
    assert decide(s, 1, 0.2, 1.0, CALM, False, 4, 0.5, 0.9, 0.6) == (HOLD, False)  # draw above the chance


def test_the_mechanism_factor_multiplies_the_escalation_chance_and_zero_forbids_a_deliberate_climb() -> None:
    s = side(up=0.2)
    assert decide(s, 1, 0.2, 0.5, CALM, False, 4, 0.0, 0.11, 0.9)[0] != UP
    assert decide(s, 1, 0.2, 0.5, CALM, False, 4, 0.0, 0.09, 0.9)[0] == UP
    assert all(decide(s, 1, 0.2, 0.0, PROVOKED, False, 4, 0.0, u / 10, 0.9)[0] != UP for u in range(10))


def test_the_escalation_chance_is_capped_at_one() -> None:
    s = side(up=0.8, down=0.3, retaliation=3.0)  # 2.4 -> 1: no room left to step down
    assert decide(s, 1, 0.8, 1.0, PROVOKED, False, 4, 0.0, 0.999, 0.9)[0] == UP


_probabilities = st.floats(0.0, 1.0)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(_probabilities, _probabilities), min_size=RUNGS, max_size=RUNGS),
       st.floats(1.0, 5.0), st.floats(0.0, 3.0), st.floats(0.0, 1.0), st.floats(0.0, 3.0), st.integers(0, RUNGS),
       st.integers(0, 2**32 - 1))
def test_the_rule_on_arrays_gives_each_incident_what_it_gives_one_at_a_time(
        chances: list[tuple[float, float]], retaliation: float, reciprocity: float, misperception: float,
        feedback: float, release: int, seed: int) -> None:
    up = tuple(min(a, 1.0 - b) for a, b in chances)
    down = tuple(b for _, b in chances)
    party = side().party
    mover = Side(party, "navy", up, down, retaliation, reciprocity, misperception, 0.5, lambda u: 0.0, 9,
                 lambda u: 0.0, release, 5)
    other = Side(party, "navy", down, up, retaliation, reciprocity, 1.0 - misperception, 0.2, lambda u: 0.0, 9,
                 lambda u: 0.0, release, 5)
    rng = np.random.default_rng(seed)
    n = 300
    rung = rng.integers(0, RUNGS, n)
    situation = Situation(rng.random(n) < 0.4, rng.random(n) < 0.3, rng.random(n) < 0.3)
    tension = rng.random(n) * 2.0
    factor = np.where(rng.random(n) < 0.5, 1.0, rng.random(n) * 2.0)
    accident = rng.random(n) * 0.2
    ambiguous = rng.random(n) < 0.5
    u = rng.random((n, 3))
    tables = SideTables([(other, mover)])  # side 1 moves: the mover
    t = np.zeros(n, dtype=np.int64)
    xp = Rows()
    clarified = rng.random(n) < 0.3
    step, happened = rule.decide(tables.side(t, 1), rung, situation, clarified, tension, feedback, factor, 4, accident,
                                 u[:, 0], u[:, 1], xp)
    after = rule.after_move(xp, step, happened, u[:, 2], tables.side(t, 0), ambiguous)
    for i in range(n):
        one = Situation(bool(situation.provoked[i]), bool(situation.misread[i]), bool(situation.other_stepped_down[i]))
        s, h = rule.decide(mover, int(rung[i]), one, bool(clarified[i]), float(tension[i]), feedback, float(factor[i]), 4,
                           float(accident[i]), float(u[i, 0]), float(u[i, 1]))
        assert (s, h) == (step[i], happened[i])
        assert rule.after_move(SCALAR, s, h, float(u[i, 2]), other, bool(ambiguous[i])) == tuple(
            x[i] for x in after)


def _odds_decide(mover: Side, rung: int, situation: Situation, factor: float, u: float, tension: float = 0.0,
                 feedback: float = 0.0) -> int:
    return int(rule.decide(mover, rung, situation, False, tension, feedback, factor, 4, 0.0, u, 0.9, odds=True)[0])


def test_on_the_odds_a_factor_of_three_on_three_quarters_is_nine_tenths_not_certainty() -> None:
    # up 0.75, down 0.2, hold 0.05; provoked, retaliation 3: weights 2.25, 0.2, 0.05 -> up 0.9, down 0.08.
    s = side(up=0.75, down=0.2, retaliation=3.0)
    assert _odds_decide(s, 1, PROVOKED, 1.0, 0.8999) == UP
    assert _odds_decide(s, 1, PROVOKED, 1.0, 0.9001) == DOWN  # 0.9 to 0.98 steps down
    assert _odds_decide(s, 1, PROVOKED, 1.0, 0.9799) == DOWN
    assert _odds_decide(s, 1, PROVOKED, 1.0, 0.9801) == HOLD
    # The capped product (files written before) makes the same step certain.
    assert decide(s, 1, 0.75, 1.0, PROVOKED, False, 4, 0.0, 0.9999, 0.9)[0] == UP


@settings(max_examples=200, deadline=None)
@given(st.floats(0.0, 0.999), st.floats(0.001, 1.0), st.floats(1.0, 100.0), st.floats(0.0, 100.0),
       st.floats(0.0, 100.0), st.floats(0.0, 10.0))
def test_on_the_odds_no_finite_factor_makes_a_step_up_certain(up: float, rest: float, retaliation: float,
                                                               factor: float, feedback: float,
                                                               tension: float) -> None:
    down = (1.0 - up) * rest * 0.5  # some room both to step down and to hold
    s = side(up=up, down=down, retaliation=retaliation)
    p_up = 1.0 - 1e-12
    # The largest draw below 1 that still escalates marks the chance; it is below 1 whenever down or hold have weight.
    assert _odds_decide(s, 1, PROVOKED, factor, p_up, tension, feedback) != UP or up * retaliation * factor * (
        1 + feedback * tension) / (1.0 - up) > 1e11
