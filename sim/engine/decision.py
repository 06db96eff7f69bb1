"""The decision rule of one move: escalate, hold or step down, and whether an accident makes it worse.

A pure function of the mover's posture, the situation the mover believes it is in, and two uniforms, so
that each branch can be tested with fixed draws (tests/test_decision.py).
"""

from __future__ import annotations

from typing import NamedTuple

from .parameters import Side

__all__ = ["UP", "HOLD", "DOWN", "Situation", "decide"]

UP, HOLD, DOWN = 1, 0, -1


class Situation(NamedTuple):
    """What the mover believes about the other side's last act."""

    provoked: bool = False  # the other's last act was read as a deliberate escalation
    misread: bool = False  # ... and that reading is wrong (an accident, an act on an ambiguous rung)
    other_stepped_down: bool = False

    @staticmethod
    def after_step_up(accident: bool, read_as_deliberate: bool, ambiguous: bool) -> Situation:
        """The other side's view of a step up: a deliberate step provokes; an accident provokes only if read
        as deliberate; an act on an ambiguous rung reads as preparing an attack. The last two are
        misreadings that a clarification of intent corrects."""
        provoked = (not accident) or read_as_deliberate
        return Situation(provoked, provoked and (accident or ambiguous), False)


def decide(mover: Side, rung: int, p_up: float, factor: float, situation: Situation, clarified: bool,
           weapons_rung: int, accident_probability: float, u_decide: float, u_accident: float) -> tuple[int, bool]:
    """The step (-1, 0, +1, or +2 when an accident adds to a step up) and whether an accident happened.

    `p_up` is the mover's escalation chance on this rung after tension feedback; `factor` multiplies it for
    what the hotline's mechanisms did in this incident (restraint, silence, threats, moral hazard).
    Retaliation applies when the mover was provoked, unless the provocation was a misreading that a
    clarification corrected; once intent is clarified, a share of 'hold' decisions become a face-saving step
    down. Rules of engagement turn a step onto the weapons rungs into a hold below the release rung.
    """
    if situation.provoked and not (situation.misread and clarified):
        p_up *= mover.retaliation
    if factor != 1.0:
        p_up *= factor
    p_down = mover.down[rung]
    if situation.other_stepped_down:
        p_down *= mover.reciprocity
    if p_up > 1.0:
        p_up = 1.0
    if p_down > 1.0 - p_up:
        p_down = 1.0 - p_up
    if clarified:
        p_down += mover.face_saving * (1.0 - p_up - p_down)
    if u_decide < p_up:
        step = UP
        if rung + 1 >= weapons_rung and rung < mover.release_rung:
            step = HOLD  # rules of engagement forbid stepping onto the weapons rungs from here
    elif u_decide < p_up + p_down:
        step = DOWN
    else:
        step = HOLD
    accident = step != DOWN and u_accident < accident_probability
    if accident:
        step += 1
    return step, accident
