"""Quiet incidents: the course of an incident that stays at or below its start rung, computed without events.

While an incident never climbs above the rung it started on, nothing outside it can reach it (calls,
protests and suspensions start only when a rung is first reached) and it reaches nothing but the
crisis-level tracker; what it reads from outside is the tension, through escalation feedback. `walk`
replays `Incident.run` on the incident's own block of uniforms with the same arithmetic, reading the
tension as it stands (valid until the next jump), and stops at the first move that would climb: such an
incident is then run event by event from its start instead. When tension jumps while a walked incident
is still open, the world walks it again up to that day and hands it to its routine from there (`Pending`),
so every decision after a jump reads the tension the event-by-event path would read.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, NamedTuple

from .decision import DOWN, Situation, decide
from .parameters import IncidentTypeParameters, ModelParameters
from .streams import Draws

if TYPE_CHECKING:
    from .world import World

__all__ = ["walk", "Walk", "Pending", "Resume", "may_walk", "can_climb", "covered_at_start", "CLIMBS", "TIED"]


class Pending(NamedTuple):
    """An incident's state while it waits for its next engine event (a move, or its end) on `day`."""

    day: float
    ending: bool
    u_decide: float
    u_accident: float
    u_misread: float
    rung: int
    mover_index: int
    situation: Situation
    end: float
    u_crisis: float
    decisions: int


class Walk(NamedTuple):
    """A walked course: moves as (day, old rung, new rung or -1 when it ends), days of its engine events,
    and, when the walk stopped at `until`, the state to resume from."""

    ops: list[tuple[float, int, int]]
    event_days: list[float]
    pending: Pending | None


_CALM = Situation()
_AFTER_STEP_DOWN = Situation(other_stepped_down=True)
CLIMBS = "climbs"  # the incident climbs above its start rung: run it event by event
TIED = "tied"  # a move falls exactly on `until`: only the event queue could order the two


def covered_at_start(p: ModelParameters, kind: IncidentTypeParameters) -> bool:
    """Whether the line covers an incident of `kind` once it has entered (as `on_rung_reached` decides)."""
    return kind.covered_layers or (kind.start_rung >= p.military_rung and kind.defense_cover)


def can_climb(kind: IncidentTypeParameters) -> bool:
    """False when no move from the start rung or below can ever go up: the escalation chance is zero for
    both sides there (everything that changes it - tension feedback, retaliation, a call's restraint or
    threats, moral hazard - multiplies it) and no accident can happen. Such an incident never reads
    tension, so a jump never needs to hand it back."""
    below = range(kind.start_rung + 1)
    sides = (kind.initiator_side, kind.responder_side)
    return any(side.up[r] != 0.0 for side in sides for r in below) or any(kind.accident[r] != 0.0 for r in below)


def may_walk(p: ModelParameters, kind: IncidentTypeParameters) -> bool:
    """True when entering the start rung touches only counters and the crisis level: no tension jump, no
    call, no ally, no protest, no suspension, not the top rung."""
    start = kind.start_rung
    if start >= p.top or p.tension_jump[start] != 0.0:
        return False
    channels = p.channels_between(kind.initiator, kind.responder)
    if any(c.enabled and start >= c.suspend_rung for c in channels):
        return False
    if p.fallback_enabled and start == p.fallback_rung:
        return False
    if any(ally.join_rung <= start for ally in kind.allies):
        return False
    caller = kind.responder_side
    may_call = covered_at_start(p, kind) and caller.party.calls and start >= caller.call_rung
    return not may_call


class Resume(NamedTuple):
    """Where a walk of many incidents left one (`sim.engine.batch`): before its move `move`, on `day`,
    on `rung`, with its course ending by `end`, provoked or told the other stepped down."""

    move: int
    day: float
    end: float
    rung: int
    provoked: bool
    other_stepped_down: bool


def walk(world: World, kind: IncidentTypeParameters, covered: bool, start_day: float, draws: Draws,
         until: float = math.inf, resume: Resume | None = None) -> Walk | str:
    """The course of an incident of `kind` started on `start_day`, as `Incident.run` would run it while
    it stays at or below its start rung; CLIMBS if it would climb, TIED if a move falls on `until`. With
    `resume`, the rest of it from there (its moves and event days from that move on; `draws` fresh)."""
    p = world.p
    tension = world.tension_of[kind.index]
    feedback = p.escalation_feedback
    mech = p.mechanisms
    hazard, hazard_below = mech.hazard_multiplier, mech.hazard_below_rung
    weapons, ambiguous, accident_at = p.weapons_rung, p.ambiguous, kind.accident
    start = kind.start_rung
    mover, other = kind.responder_side, kind.initiator_side
    mover_index = 1
    if resume is None:
        now = start_day
        end = now + kind.max_duration_days(draws())
        u_crisis = draws()
        situation = _CALM
        rung = start
        decisions = 0
    else:
        draws.skip(2 + 5 * resume.move)
        u_crisis = math.nan  # only a pending state (a hand-back) needs it, and a resumed walk has none
        now, end, rung = resume.day, resume.end, resume.rung
        situation = Situation(resume.provoked, False, resume.other_stepped_down)  # misread: read if clarified
        decisions = resume.move
        if resume.move % 2:
            mover, other = other, mover
            mover_index = 0
    ops: list[tuple[float, int, int]] = []
    days: list[float] = []
    while True:
        u_delay, u_command, u_decide, u_accident, u_misread = draws.five()
        delay = mover.delay_days(u_delay)
        if rung >= mover.command_rung:
            delay += mover.command_days(u_command)
        ending = now + delay >= end
        day = now + max(end - now, 0.0) if ending else now + delay
        if day >= until:
            if day == until:
                return TIED
            return Walk(ops, days, Pending(day, ending, u_decide, u_accident, u_misread, rung, mover_index,
                                           situation, end, u_crisis, decisions))
        now = day
        days.append(now)
        if ending or now >= end:
            break
        decisions += 1
        p_up = mover.up[rung]
        if feedback:
            p_up *= 1.0 + feedback * tension.at(now)
        factor = 1.0
        if hazard != 1.0 and covered and rung < hazard_below:
            factor *= hazard
        step, accident = decide(mover, rung, p_up, factor, situation, False, weapons, accident_at[rung],
                                u_decide, u_accident)
        if step == DOWN and rung == 0:
            break
        new = rung + step
        if new > start:
            return CLIMBS
        if step:
            ops.append((now, rung, new))
            rung = new
        if new == 0 and step == DOWN:
            break
        if step > 0:
            situation = Situation.after_step_up(accident, u_misread < other.misperception, ambiguous[new])
        else:
            situation = _AFTER_STEP_DOWN if step == DOWN else _CALM
        mover, other = other, mover
        mover_index = 1 - mover_index
    ops.append((now, rung, -1))
    return Walk(ops, days, None)
