"""The hotline's call path in one place: who calls, the race against the next decision, and what an
answered or an unanswered call does to the incident (the mechanisms), plus the slow fallback channel.

A call's random numbers come from a stream of its own, addressed by the incident and the caller, and are
read in a fixed order (decide, consult, then per attempt ring/answer/after, then after an answer
threat/stand-down/pause), so switching a mechanism off never shifts the draws of anything else.
"""

from __future__ import annotations

import math
from collections.abc import Generator
from typing import TYPE_CHECKING, Any

from .parameters import PartyParameters
from .record import answer_delay_bin
from .routine import start_routine
from .streams import Draws, Purpose

if TYPE_CHECKING:
    from .incident import Incident
    from .world import World

__all__ = ["on_rung_reached", "place_call", "after_answer", "after_silence", "protest"]


def on_rung_reached(world: World, incident: Incident, rung: int, actor: int) -> None:
    """An incident first reached `rung` through a move of party `actor`: the side on the receiving end may
    call (only the incident's two sides, only if the line covers the incident); suspensions and protests
    may follow."""
    p = world.p
    hotline = p.hotline
    kind = incident.kind
    if not incident.covered and rung >= p.military_rung and hotline.coverage & p.defense_layers:
        incident.covered = True  # defense forces have joined: the defense line now covers the incident
    if hotline.enabled and incident.covered and not incident.clarified:
        side = kind.responder_side if actor == kind.initiator else kind.initiator_side
        caller = side.party
        bit = 1 << caller.index
        if caller.index != actor and caller.calls and rung >= side.call_rung and not incident.called & bit:
            incident.called |= bit
            draws = world.streams.draws(Purpose.HOTLINE, kind.index, incident.index_in_type, caller.index)
            if draws() < caller.call_probability:
                callee = p.parties[kind.initiator if caller.index != kind.initiator else kind.responder]
                start_routine(place_call(world, incident, caller, callee, draws))
    if rung >= hotline.suspend_rung and hotline.enabled:
        days = hotline.suspension_days(float(world.suspension_draws.random()))
        world.hotline.suspend(world.env.now, days)
        world.log_event("suspended", incident, "", f"the hotline is suspended for {days:.0f} days")
    if rung == p.fallback_rung and p.fallback_enabled:
        draws = world.streams.draws(Purpose.FALLBACK, kind.index, incident.index_in_type)
        start_routine(protest(world, incident, draws))


def place_call(world: World, incident: Incident, caller: PartyParameters, callee: PartyParameters,
               draws: Draws) -> Generator[Any, Any, None]:
    """One party calls the other about one incident: consult, wait for opening, dial, maybe redial."""
    env = world.env
    hotline = world.hotline
    p = hotline.p
    rec = world.record
    decided_at = env.now
    decisions_at_call = incident.decisions
    world.log_event("call_decided", incident, caller.name, f"{caller.label} decides to call the hotline")
    yield env.timeout(caller.consultation_days(draws()))
    world.events += 1
    attempt = 0
    while True:
        while incident.active:
            opening = hotline.next_open(env.now)
            if opening <= env.now:
                break
            yield env.timeout(opening - env.now)
            world.events += 1
        if not incident.active or incident.clarified:
            return
        if attempt == 0:
            rec.calls_placed += 1
        u_ring, u_answer, u_after = draws(), draws(), draws()
        if not p.queue_when_busy and hotline.lines.count >= hotline.lines.capacity:
            world.log_event("busy", incident, caller.name, f"{caller.label} calls; every line is busy")
        else:
            with hotline.lines.request() as line:
                yield line
                world.log_event("call", incident, caller.name, f"{caller.label} calls the hotline")
                yield env.timeout(p.ring_days(u_ring))
                world.events += 1
                answer_p = 0.0
                if callee.answers and hotline.suspended_until <= env.now:
                    answer_p = callee.answer_probability * math.exp(
                        -callee.answer_sensitivity * world.tension.at(env.now))
                if u_answer < answer_p:
                    world.log_event("answer", incident, callee.name, f"{callee.label} answers")
                    rec.calls_answered += 1
                    hours = (env.now - decided_at) * 24.0
                    rec.answer_delay_bins[answer_delay_bin(hours)] += 1
                    rec.answer_delay_hours_total += hours
                    yield env.timeout(p.call_days(u_after))
                    world.events += 1
                    if incident.active:
                        rec.calls_answered_in_time += incident.decisions == decisions_at_call
                        after_answer(world, incident, caller, draws)
                    return
            world.log_event("no_answer", incident, callee.name, f"{callee.label} does not answer")
        attempt += 1
        if attempt > p.max_retries:
            if incident.active and not incident.clarified:
                after_silence(world, incident, caller)
            return
        yield env.timeout(p.retry_days(u_after))
        world.events += 1


def after_answer(world: World, incident: Incident, caller: PartyParameters, draws: Draws) -> None:
    """An answered call has ended while the incident is still open: apply the mechanisms that are on."""
    m = world.p.mechanisms
    u_threat, u_stand, u_pause = draws(), draws(), draws()  # always all three: the order never shifts
    if m.clarification:
        incident.clarify("hotline call")
    if u_threat < m.threat_probability:
        world.record.threats += 1
        world.tension.jump(world.env.now, m.threat_tension_jump)
        incident.up_factor[0] *= m.threat_multiplier
        incident.up_factor[1] *= m.threat_multiplier
        world.log_event("threat", incident, caller.name, "the call carries a threat; both sides harden")
    else:
        if m.restraint_factor != 1.0:
            incident.up_factor[0] *= m.restraint_factor
            incident.up_factor[1] *= m.restraint_factor
            world.log_event("restraint", incident, "", "leaders order their forces to hold")
        if u_stand < m.stand_down_probability:
            _stand_down(world, incident, m.stand_down_rungs)
            if not incident.active:
                return
    if m.pause_days is not None:
        pause = m.pause_days(u_pause)
        incident.pause_days += pause
        world.log_event("pause", incident, "", f"the call buys {pause * 24.0:.1f} hours before the next decision")


def _stand_down(world: World, incident: Incident, rungs: int) -> None:
    world.record.stand_downs += 1
    target = max(incident.rung - rungs, 0)
    world.move(incident, target, None, False, "both sides agree to step back together")
    if target == 0:
        incident.end_now("the agreed stand-down ends the incident")
    else:
        incident.truce = True


def after_silence(world: World, incident: Incident, caller: PartyParameters) -> None:
    """The caller gave up on a call that was never answered: silence is read as a signal."""
    world.record.calls_unanswered += 1
    m = world.p.mechanisms
    if m.silence_tension_jump > 0.0 or m.silence_resolve != 1.0:
        world.tension.jump(world.env.now, m.silence_tension_jump)
        incident.up_factor[incident.side_index(caller.index)] *= m.silence_resolve
        world.log_event("silence", incident, caller.name, f"{caller.label} reads the silence as hostile")


def protest(world: World, incident: Incident, draws: Draws) -> Generator[Any, Any, None]:
    """The slow fallback: a diplomatic protest that may clarify intent days later."""
    p = world.p
    delay, u = p.fallback_days(draws()), draws()
    if not incident.active:
        return
    yield world.env.timeout(delay)
    world.events += 1
    if incident.active and u < p.fallback_probability:
        incident.clarify("diplomatic protest")
