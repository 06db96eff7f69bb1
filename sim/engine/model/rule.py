"""The rules of one move, written once for both drivers: when the mover decides, the chances it weighs,
what it chooses, whether an accident makes it worse, and how the other side reads it.

Every function takes a number namespace `xp` (`sim.engine.model.xp`): `SCALAR` when one incident moves
(the event-by-event path, `sim.engine.events.incident`, and the one-by-one walks, `sim.engine.walks.quiet`),
rows of arrays when many incidents move together (`sim.engine.walks.batch`). Sides are read by attribute
(`mover.up[rung]`, `mover.retaliation`), so a new posture term is a field of `Side` and a line here; the
guard (`tests/test_paths_agree.py`) checks that both drivers give the same records whatever its value.

A move, in order: the decision delay (and the chain of command's from the command rung up), which may
run past the incident's end; the escalation and step-down chances (tension feedback, retaliation after a
provocation unless it was a misreading a clarification corrected, what calls, allies and the line's
existence did, reciprocity after the other stepped down, the face-saving exit once intent is clarified);
the choice (rules of engagement hold a step onto the weapons rungs below the release rung; an accident adds
a rung to anything but a step down); and the situation the other side then believes it is in.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from .xp import SCALAR, Namespace

__all__ = ["UP", "HOLD", "DOWN", "NEUTRAL", "Situation", "CALM", "next_decision", "escalation_factor", "decide", "on_odds",
           "after_move", "next_rung"]

UP, HOLD, DOWN = 1, 0, -1
NEUTRAL = 1.0  # the factor of an incident no call, ally or hazard has touched (`escalation_factor`)


class Situation(NamedTuple):
    """What the mover believes about the other side's last act (bools, or bool arrays for many incidents)."""

    provoked: Any = False  # the other's last act was read as a deliberate escalation
    misread: Any = False  # ... and that reading is wrong (an accident, an act on an ambiguous rung)
    other_stepped_down: Any = False


CALM = Situation()


def next_decision(xp: Namespace, mover: Any, rung: Any, u_delay: Any, u_command: Any, now: Any,
                  end: Any) -> tuple[Any, Any]:
    """When the mover decides next: its decision delay, plus the chain of command's at or above its command
    rung; unless the incident runs its course first (it ends on `end`). Whether it ends first, and the days to
    wait for whichever comes first."""
    delay = xp.sample(mover.delay_days, u_delay)
    chain = rung >= mover.command_rung
    if xp.any(chain):
        delay = xp.add_sample_where(chain, delay, mover.command_days, u_command)
    ending = now + delay >= end
    return ending, xp.where(ending, xp.at_least(end - now, 0.0), delay)


def escalation_factor(xp: Namespace, up_factor: Any, covered: Any, rung: Any, mechanisms: Any) -> Any:
    """The factor on the mover's escalation chance: what calls and allies did in this incident (`up_factor`,
    1.0 before any), times the moral hazard of a covered incident below the mechanism's rung."""
    hazard = mechanisms.hazard_multiplier
    if hazard == 1.0:
        return NEUTRAL if up_factor == 1.0 else up_factor
    return xp.where(covered & (rung < mechanisms.hazard_below_rung), up_factor * hazard, up_factor)


def next_rung(xp: Namespace, rung: Any, step: Any, top: int, stop_at: int | None = None) -> Any:
    """The rung a step leads to: an accident on top of a step up from just below the top stops at the top;
    with `stop_at` (the crisis rung, when leaders take over there), a step from below it that would pass it
    stops on it: commanders use force, only leaders order the armed clash."""
    new = xp.at_most(rung + step, top)
    if stop_at is None:
        return new
    return xp.where((rung < stop_at) & (new > stop_at), stop_at, new)


def after_move(xp: Namespace, step: Any, accident: Any, u_misread: Any, other: Any, ambiguous: Any) -> Situation:
    """What the other side believes after the step: a deliberate step up provokes; an accident provokes only
    if read as deliberate; a step up onto an ambiguous rung (`ambiguous`: of the rung reached) reads as
    preparing an attack. The last two are misreadings that a clarification corrects."""
    provoked = step > 0
    if xp.any(provoked):  # (else nobody is provoked nor misreads)
        provoked = provoked & (xp.not_(accident) | (u_misread < other.misperception))
        return Situation(provoked, provoked & (accident | ambiguous), step == DOWN)
    return Situation(provoked, provoked, step == DOWN)


def on_odds(xp: Namespace, p_up: Any, p_down: Any, up0: Any, down0: Any) -> tuple[Any, Any]:
    """Chances `up0` and `down0` after factors made them `p_up` and `p_down`, combined on the odds scale: the
    factors act on the weights of stepping up and down against the weight of holding (1 - up0 - down0),
    which then are shared out again. Neutral factors give back `up0` and `down0`; no finite factor makes
    a step certain. (A total of zero, both weights zero and no hold left, leaves both chances zero.)"""
    total = xp.at_least(p_up + p_down + xp.at_least(1.0 - up0 - down0, 0.0), 5e-324)
    return p_up / total, p_down / total


def decide(mover: Any, rung: Any, situation: Situation, clarified: Any, tension: Any, feedback: float, factor: Any,
           weapons: int, accident_probability: Any, u_decide: Any, u_accident: Any,
           xp: Namespace = SCALAR, *, odds: bool = False, fatal_share: Any = 0.0,
           crisis_rung: int = 0, tilt: Any = None) -> tuple[Any, Any]:
    """The mover's decision on `rung`: the step (-1, 0, +1, +2 when an accident adds to a step up, or the
    jump to `crisis_rung` of a fatal accident) and whether an accident happened. `tension` None: no tension
    to read (its feedback would multiply by 1.0); `clarified` False for every incident skips the face-saving
    exit; `factor` is `escalation_factor`'s.

    How the factors combine: `odds` multiplies the weights of stepping up and down against the weight of
    holding (1 - up - down), then normalises, so that no finite factor makes a step certain (a factor of 3
    on 0.75 up and 0.2 down gives 0.9, not 1); otherwise (files written before) each chance is multiplied
    and capped: up at 1, down at what up leaves.

    `tilt` (a `sim.engine.model.tilt.Weight`, one incident moving): at its rungs the decision's uniform is
    drawn with the tilted chance of stepping up, and the weight takes the likelihood ratio."""
    # The chances to step up and to step down.
    up0 = p_up = mover.up[rung]
    if feedback and tension is not None:
        p_up = p_up * (1.0 + feedback * tension)
    if clarified is False:  # (provoked and not (misread and False)) is provoked
        retaliates = situation.provoked
    else:
        retaliates = situation.provoked & xp.not_(situation.misread & clarified)
    if xp.any(retaliates):  # (where nothing is selected, `where` gives p_up back: skipped)
        p_up = xp.where(retaliates, p_up * mover.retaliation, p_up)
    if factor is not NEUTRAL:  # x * 1.0 is x
        p_up = p_up * factor
    down0 = p_down = mover.down[rung]
    if xp.any(situation.other_stepped_down):
        p_down = xp.where(situation.other_stepped_down, p_down * mover.reciprocity, p_down)
    if odds:
        p_up, p_down = on_odds(xp, p_up, p_down, up0, down0)
    else:
        p_up = xp.at_most(p_up, 1.0)
        p_down = xp.at_most(p_down, 1.0 - p_up)
    if clarified is not False:
        p_down = xp.where(clarified, p_down + mover.face_saving * (1.0 - p_up - p_down), p_down)
    # The choice: rules of engagement hold a step onto the weapons rungs below the release rung; an
    # accident adds a rung to anything but a step down.
    if tilt is not None and rung >= tilt.tilt.from_rung:
        u_decide = tilt.uniform(u_decide, p_up)
    step = xp.where(u_decide < p_up, UP, xp.where(u_decide < p_up + p_down, DOWN, HOLD))
    barred = rung + 1 >= weapons
    if xp.any(barred):
        step = xp.where(barred & (step == UP) & (rung < mover.release_rung), HOLD, step)
    accident = (step != DOWN) & (u_accident < accident_probability)
    # A share of accidents kill or seize at once (the same uniform, below that share of the chance): the
    # incident jumps to the crisis rung.
    if isinstance(fatal_share, float) and fatal_share == 0.0:
        return step + accident, accident
    fatal = accident & (u_accident < accident_probability * fatal_share) & (rung < crisis_rung)
    if xp.any(fatal):
        return xp.where(fatal, crisis_rung - rung, step + accident), accident
    return step + accident, accident


