"""One incident's routine, event by event: two sides moving in turn on the escalation ladder.

Each move reads five uniforms from the incident's own block, always in the same order and always all
five, so that the k-th move of an incident uses the same numbers in every arm of a comparison: decision
delay, chain-of-command delay, decision, accident, misperception. The arithmetic of a move is the model's
(`sim.engine.model.rule`, the same functions the walks call); this routine adds only time: waiting for the
decision, the pauses a call buys, and the ends a call or the course of the incident can bring.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import TYPE_CHECKING, Any

from ..model import rule
from ..model.incident import Incident, Pending
from ..model.rule import CALM, DOWN, Situation
from ..model.xp import SCALAR
from .crisis import open_crisis

if TYPE_CHECKING:
    from .host import Driver

__all__ = ["run_incident"]


def run_incident(world: Driver, incident: Incident, pending: Pending | None = None) -> Generator[Any, Any, None]:
    """The incident's routine from its start, or, with `pending`, from a state `sim.engine.walks.quiet.walk`
    reached (the incident has entered and waits for the event on `pending.day`)."""
    rep = world.rep
    env = world.env
    kind = incident.kind
    draws = incident.draws
    p = rep.p
    top = p.top
    weapons = p.weapons_rung
    feedback = p.escalation_feedback
    ambiguous = p.ambiguous
    mech = p.mechanisms
    accident_at, fatal_at = kind.accident, kind.fatal
    odds, crisis_rung = p.odds, p.crisis_rung
    leaders_take_over = None if p.crisis is None else p.crisis.rung
    tension = rep.tension_of[kind.index]
    timeout = env.timeout
    xp = SCALAR
    weight = rep.weight
    mover, other = kind.responder_side, kind.initiator_side
    if pending is None:
        end = env.now + kind.max_duration_days(draws())
        crisis = kind.crisis_days(draws())  # drawn now so that every arm reads the same number
        mover_index = 1
        situation = CALM
        rep.enter(incident)
        if leaders_take_over is not None and top > incident.rung >= leaders_take_over:
            open_crisis(world, incident, kind.initiator)  # it starts where leaders decide
            return
    else:
        end, crisis = pending.end, kind.crisis_days(pending.u_crisis)
        mover_index, situation = pending.mover_index, pending.situation
        if mover_index == 0:
            mover, other = other, mover
    while incident.active:
        incident.next_mover = mover_index
        if pending is None:
            u_delay, u_command, u_decide, u_accident, u_misread = draws.five()
            ending, wait = rule.next_decision(xp, mover, incident.rung, u_delay, u_command, env.now, end)
            yield timeout(wait)
        else:
            day, ending, u_decide, u_accident, u_misread = pending[:5]
            pending = None
            yield world.agenda.event_at(day)
        if not incident.active:  # an agreed stand-down ended it while this routine waited
            return
        rep.events += 1
        if ending:
            rep.log_event("end", incident, "", "the incident runs its course and ends")
            break
        while incident.pause_days > 0.0:  # an answered call bought time: the pending decision waits
            pause, incident.pause_days = incident.pause_days, 0.0
            yield timeout(min(pause, max(end - env.now, 0.0)))
            rep.events += 1
            if not incident.active:
                return
        if env.now >= end:
            rep.log_event("end", incident, "", "the incident runs its course and ends")
            break
        if incident.truce:
            incident.truce = False
            situation = Situation(other_stepped_down=True)
        incident.decisions += 1
        incident.next_mover = 1 - mover_index  # (what a call decided during this move races against)
        rung = incident.rung
        factor = rule.escalation_factor(xp, incident.up_factor[mover_index], incident.covered, rung, mech)
        step, accident = rule.decide(mover, rung, situation, incident.clarified, tension.at(env.now), feedback,
                                     factor, weapons, accident_at[rung], u_decide, u_accident, odds=odds,
                                     fatal_share=fatal_at[rung], crisis_rung=crisis_rung, tilt=weight)
        if step == DOWN and rung == 0:
            rep.log_event("end", incident, mover.party.name, f"{mover.party.label} stands down; the incident ends")
            break
        new = rule.next_rung(xp, rung, step, top, leaders_take_over)
        if step:
            if new >= weapons > incident.highest:
                end = max(end, env.now + crisis)  # the encounter has become a political crisis
            rep.move(incident, new, mover.party, accident)
        if new >= top or (new == 0 and step == DOWN):
            if new == 0:
                rep.log_event("end", incident, mover.party.name, "back to routine; the incident ends")
            break
        if leaders_take_over is not None and new >= leaders_take_over:
            if incident.active:  # (a call answered on reaching the rung may have ended it)
                open_crisis(world, incident, mover.party.index)
            return  # the leaders decide from now on
        situation = rule.after_move(xp, step, accident, u_misread, other, ambiguous[new])
        if situation.provoked and accident:
            rep.log_event("misread", incident, other.party.name,
                          f"{other.party.label} reads the accident as deliberate")
        mover, other = other, mover
        mover_index = 1 - mover_index
    if incident.active:
        incident.active = False
        rep.leave(incident)
