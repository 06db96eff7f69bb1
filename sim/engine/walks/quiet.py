"""Quiet incidents: the course of an incident that stays at or below its start rung, computed without events.

While an incident never climbs above the rung it started on, nothing outside it can reach it (calls,
protests and suspensions start only when a rung is first reached) and it reaches nothing but the
crisis-level tracker; what it reads from outside is the tension, through escalation feedback. `walk`
replays the incident's routine (`sim.engine.events.incident`) on its own block of uniforms with the same
rules of a move (`sim.engine.model.rule`), reading the
tension as it stands (valid until the next jump), and stops at the first move that would climb: such an
incident is then run event by event from its start instead. When tension jumps while a walked incident
is still open, the agenda walks it again up to that day and hands it to its routine from there (`Pending`),
so every decision after a jump reads the tension the event-by-event path would read.
"""

from __future__ import annotations

import math
from typing import NamedTuple

from ..model import rule
from ..model.incident import Pending
from ..model.parameters import IncidentTypeParameters, ModelParameters
from ..model.rule import CALM, DOWN
from ..model.state import Replication, covered_at_start
from ..model.streams import Draws
from ..model.xp import SCALAR

__all__ = ["walk", "Walk", "Resume", "may_walk", "CLIMBS", "TIED"]


class Walk(NamedTuple):
    """A walked course: moves as (day, old rung, new rung or -1 when it ends), days of its engine events,
    and, when the walk stopped at `until`, the state to resume from."""

    ops: list[tuple[float, int, int]]
    event_days: list[float]
    pending: Pending | None


CLIMBS = "climbs"  # the incident climbs above its start rung: run it event by event
TIED = "tied"  # a move falls exactly on `until`: only the event queue could order the two


def may_walk(p: ModelParameters, kind: IncidentTypeParameters) -> bool:
    """True when entering the start rung touches only counters and the crisis level: no tension jump, no
    call, no ally, no protest, no suspension, not the top rung; and no tilted choice is made on it."""
    start = kind.start_rung
    if start >= p.top or p.tension_jump[start] != 0.0:
        return False
    if p.tilt is not None and start >= p.tilt.from_rung:
        return False  # its moves on the start rung are tilted: the walks draw untilted
    if p.crisis is not None and start >= p.crisis.rung:
        return False  # it opens a crisis on entering
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
    """Where a walk of many incidents left one (`sim.engine.walks.batch`): before its move `move`, on `day`,
    on `rung`, with its course ending by `end`, in the situation the last move left."""

    move: int
    day: float
    end: float
    rung: int
    provoked: bool
    misread: bool
    other_stepped_down: bool


def walk(rep: Replication, kind: IncidentTypeParameters, covered: bool, start_day: float, draws: Draws,
         until: float = math.inf, resume: Resume | None = None) -> Walk | str:
    """The course of an incident of `kind` started on `start_day`, as the event-by-event routine would run
    it while it stays at or below its start rung; CLIMBS if it would climb, TIED if a move falls on `until`.
    With `resume`, the rest of it from there (its moves and event days from that move on; `draws` fresh)."""
    p = rep.p
    tension = rep.tension_of[kind.index]
    feedback = p.escalation_feedback
    mech = p.mechanisms
    weapons, ambiguous, accident_at = p.weapons_rung, p.ambiguous, kind.accident
    start = kind.start_rung
    xp = SCALAR
    mover, other = kind.responder_side, kind.initiator_side
    mover_index = 1
    if resume is None:
        now = start_day
        end = now + kind.max_duration_days(draws())
        u_crisis = draws()
        situation = CALM
        rung = start
        decisions = 0
    else:
        draws.skip(2 + 5 * resume.move)
        u_crisis = math.nan  # only a pending state (a hand-back) needs it, and a resumed walk has none
        now, end, rung = resume.day, resume.end, resume.rung
        situation = rule.Situation(resume.provoked, resume.misread, resume.other_stepped_down)
        decisions = resume.move
        if resume.move % 2:
            mover, other = other, mover
            mover_index = 0
    ops: list[tuple[float, int, int]] = []
    days: list[float] = []
    while True:
        u_delay, u_command, u_decide, u_accident, u_misread = draws.five()
        ending, wait = rule.next_decision(xp, mover, rung, u_delay, u_command, now, end)
        day = now + wait
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
        factor = rule.escalation_factor(xp, 1.0, covered, rung, mech)
        step, accident = rule.decide(mover, rung, situation, False, tension.at(now), feedback, factor, weapons,
                                     accident_at[rung], u_decide, u_accident, odds=p.odds,
                                     fatal_share=kind.fatal[rung], crisis_rung=p.crisis_rung)
        if step == DOWN and rung == 0:
            break
        new = rule.next_rung(xp, rung, step, p.top)
        if new > start:
            return CLIMBS
        if step:
            ops.append((now, rung, new))
            rung = new
        if new == 0 and step == DOWN:
            break
        situation = rule.after_move(xp, step, accident, u_misread, other, ambiguous[new])
        mover, other = other, mover
        mover_index = 1 - mover_index
    ops.append((now, rung, -1))
    return Walk(ops, days, None)
