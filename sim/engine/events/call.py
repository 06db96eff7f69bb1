"""The call path in time: who calls over which channel, the race against the next decision, allies joining
an incident, and the slow fallback channel. What an answered or an unanswered call does to the incident
(the mechanisms) is the model's (`sim.engine.model.mechanisms`).

A call's random numbers come from a stream of its own, addressed by the incident and the caller, and are
read in a fixed order (decide, consult, then per attempt ring/answer/after - and, on a mediated channel,
the two relays - then after an answer threat/stand-down/pause), so switching a mechanism off never
shifts the draws of anything else. Calls between two parties try the channels joining them in order: a
channel that leaves the call unanswered hands it to the next, and only the last one's silence is read as
a signal.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import TYPE_CHECKING, Any

from ..model.incident import Incident
from ..model.mechanisms import after_answer, after_silence, answer_chance
from ..model.parameters import AllyParameters, HotlineParameters, PartyParameters, Side
from ..model.record import CALL_FATE_WORDS, CALL_FATES, answer_delay_bin
from ..model.streams import Draws, Purpose
from .routine import start_routine

if TYPE_CHECKING:
    from .host import Driver

__all__ = ["on_rung_reached", "place_call", "protest", "join"]

_FATE = {name: i for i, name in enumerate(CALL_FATES)}


def _missed(world: Driver, incident: Incident, obstacle: str | None, otherwise: str) -> None:
    """Count a call that did not come in time under its first cause: leaders taking the incident over,
    else the first obstacle the call met, else `otherwise`. Counting only: nothing here changes the call."""
    name = "leaders_took_over" if incident.crisis is not None else obstacle or otherwise
    world.record.call_fates[_FATE[name]] += 1
    world.rep.log_event("call_failed", incident, "", f"the call did not come in time: {CALL_FATE_WORDS[name]}")


def _closed_why(line: Any, now: float) -> str:
    return "line_suspended" if line.suspended_until > now else "line_closed"


def on_rung_reached(world: Driver, incident: Incident, rung: int, actor: int) -> None:
    """An incident first reached `rung` through a move of party `actor`: the side on the receiving end may
    call (only the incident's sides, only over a channel that joins caller and callee and covers the
    incident); allies may join; suspensions and protests may follow."""
    p = world.p
    kind = incident.kind
    if not incident.covered and rung >= p.military_rung and kind.defense_cover:
        incident.covered = True  # defense forces have joined: a defense line now covers the incident
    if incident.covered and not incident.clarified:
        side = kind.responder_side if actor == kind.initiator else kind.initiator_side
        _consider_call(world, incident, side, p.parties[actor], rung, (Purpose.HOTLINE, kind.index,
                                                                       incident.index_in_type, side.party.index))
    if incident.joined and not incident.clarified:
        for k, ally in enumerate(kind.allies):
            if incident.joined >> k & 1 and actor == ally.opponent:
                _ally_call(world, incident, ally, rung)
    for k, ally in enumerate(kind.allies):
        if rung == ally.join_rung or (rung == kind.start_rung and rung > ally.join_rung):
            draws = world.streams.draws(Purpose.ALLY, kind.index, incident.index_in_type, ally.party.index)
            u_join, u_delay = draws(), draws()
            if u_join < ally.probability:
                start_routine(join(world, incident, k, ally, ally.delay_days(u_delay)))
    for channel in world.pair_channels[kind.pair]:
        c = channel.p
        if c.enabled and rung >= c.suspend_rung:
            world.touched = True
            days = c.suspension_days(float(world.rep.suspension_draws(c.index).random()))
            channel.suspend(world.env.now, days)
            world.rep.log_event("suspended", incident, "", f"{c.label} is suspended for {days:.0f} days")
    if rung == p.fallback_rung and p.fallback_enabled:
        draws = world.streams.draws(Purpose.FALLBACK, kind.index, incident.index_in_type)
        start_routine(protest(world, incident, draws))


def _consider_call(world: Driver, incident: Incident, side: Side, callee: PartyParameters, rung: int,
                   key: tuple[int, ...], layers: tuple[str, ...] | None = None) -> None:
    """`side` decides once per incident whether to call `callee`, when the incident is at its call rung."""
    caller = side.party
    bit = 1 << caller.index
    if not caller.calls or rung < side.call_rung or incident.called & bit:
        return
    kind = incident.kind
    military = incident.highest >= world.p.military_rung
    layers = layers or (kind.layer, kind.responder_layer)
    channels = [c for c in world.p.channels_between(caller.index, callee.index) if c.covers(layers, military)]
    if not channels:
        return
    world.touched = True  # from here on the line can change the year (`sim.engine.model.coupling`)
    incident.called |= bit
    draws = world.streams.draws(*key)
    if draws() < caller.call_probability:
        start_routine(place_call(world, incident, caller, callee, draws, channels))
    else:
        world.record.call_fates[_FATE["not_placed"]] += 1


def _ally_call(world: Driver, incident: Incident, ally: AllyParameters, rung: int) -> None:
    side = ally.party_side
    opponent = world.p.parties[ally.opponent]
    kind = incident.kind
    opponent_layer = kind.layer if ally.opponent == kind.initiator else kind.responder_layer
    _consider_call(world, incident, side, opponent, rung,
                   (Purpose.HOTLINE, kind.index, incident.index_in_type, ally.party.index, 1),
                   (side.layer, opponent_layer))


def join(world: Driver, incident: Incident, k: int, ally: AllyParameters, delay: float) -> Generator[Any, Any, None]:
    """An ally's forces or leaders join its partner's side after `delay` days (if the incident is still open)."""
    yield world.env.timeout(delay)
    world.rep.events += 1
    if not incident.active:
        return
    incident.joined |= 1 << k
    world.record.allies_joined += 1
    incident.up_factor[ally.side] *= ally.resolve
    incident.up_factor[1 - ally.side] *= ally.deterrence
    world.rep.log_event("ally", incident, ally.party.name, f"{ally.party.label} joins its partner's side")
    world.tensions.jump(world.env.now, ally.tension_jump, ally.pair)
    if incident.active and not incident.clarified:
        _ally_call(world, incident, ally, incident.highest)


def place_call(world: Driver, incident: Incident, caller: PartyParameters, callee: PartyParameters,
               draws: Draws, channels: list[HotlineParameters]) -> Generator[Any, Any, None]:
    """One party calls another about one incident: consult, then try each channel in turn (wait for it to
    open, relay through a mediator, dial, maybe redial) until one is answered."""
    env = world.env
    rec = world.record
    decided_at = env.now
    decisions_at_call = incident.decisions
    next_at_call = incident.next_mover
    world.rep.log_event("call_decided", incident, caller.name, f"{caller.label} decides to call the hotline")
    yield env.timeout(channels[0].consultation_days[caller.index](draws()))
    world.rep.events += 1
    # The first obstacle the call meets (or the consultation, when the incident was over by its end): why
    # it did not come in time, if it does not.
    obstacle = ("consultation" if not incident.active or incident.clarified or incident.decisions != decisions_at_call
                else None)
    for n, c in enumerate(channels):
        line = world.channels[c.index]
        tension = world.tensions[c.pair]
        answer_p0, sensitivity = c.answer_probability[callee.index], c.answer_sensitivity[callee.index]
        last = n == len(channels) - 1
        attempt = 0
        while True:
            if not last and line.next_open(env.now) > env.now:
                obstacle = obstacle or _closed_why(line, env.now)
                break  # closed or suspended: the call goes on to the next channel instead of waiting
            while incident.active and incident.crisis is None:
                opening = line.next_open(env.now)
                if opening <= env.now:
                    break
                why = _closed_why(line, env.now)
                obstacle = obstacle or why
                world.rep.log_event("line_closed", incident, caller.name,
                                    f"{c.label} is {why.removeprefix('line_')}; it opens in "
                                    f"{(opening - env.now) * 24.0:.1f} h, and the call waits")
                yield env.timeout(opening - env.now)
                world.rep.events += 1
            if not incident.active or incident.clarified or incident.crisis is not None:
                _missed(world, incident, obstacle, "incident_over")
                return  # (once leaders have taken over, only their own call goes on)
            if attempt == 0:
                rec.calls_placed += 1
            u_ring, u_answer, u_after = draws(), draws(), draws()
            back = 0.0
            if c.relay_days is not None:  # the mediator passes the message on (its own time, not the line's)
                relay, back = c.relay_days(draws()), c.relay_days(draws())
                world.rep.log_event("relay", incident, caller.name, f"{caller.label} asks {c.mediator} to pass the "
                                "message on")
                yield env.timeout(relay)
                world.rep.events += 1
                if not incident.active or incident.clarified or incident.crisis is not None:
                    _missed(world, incident, obstacle, "incident_over")
                    return
            answered = False
            if line.lines.count >= line.lines.capacity:
                obstacle = obstacle or "lines_busy"
            if not c.queue_when_busy and line.lines.count >= line.lines.capacity:
                world.rep.log_event("busy", incident, caller.name, f"{caller.label} calls; every line is busy")
            else:
                with line.lines.request() as held:
                    yield held
                    world.rep.log_event("call", incident, caller.name, f"{caller.label} calls {c.label}")
                    yield env.timeout(c.ring_days(u_ring))
                    world.rep.events += 1
                    answer_p = 0.0
                    if callee.answers and line.suspended_until <= env.now:
                        answer_p = answer_chance(answer_p0, sensitivity, tension.at(env.now))
                    answered = u_answer < answer_p
                    if not answered:
                        obstacle = obstacle or ("line_suspended" if line.suspended_until > env.now
                                                else "not_answered")
                    if answered:
                        world.rep.log_event("answer", incident, callee.name, f"{callee.label} answers")
                        rec.calls_answered += 1
                        rec.calls_mediated += c.relay_days is not None
                        hours = (env.now - decided_at) * 24.0
                        rec.answer_delay_bins[answer_delay_bin(hours)] += 1
                        rec.answer_delay_hours_total += hours
                        yield env.timeout(c.call_days(u_after))
                        world.rep.events += 1
                        if not back:
                            _call_over(world, incident, caller, draws, c.pair, decisions_at_call, obstacle, next_at_call)
                            return
                if answered:  # the answer comes back through the mediator, once the line is free again
                    yield env.timeout(back)
                    world.rep.events += 1
                    _call_over(world, incident, caller, draws, c.pair, decisions_at_call, obstacle, next_at_call)
                    return
                world.rep.log_event("no_answer", incident, callee.name, f"{callee.label} does not answer")
            attempt += 1
            if attempt > c.max_retries:
                break
            yield env.timeout(c.retry_days(u_after))
            world.rep.events += 1
        if attempt and incident.active and not incident.clarified and incident.crisis is None:
            after_silence(world.rep, incident, caller, c.pair, last=last)
    _missed(world, incident, obstacle, "not_answered")


def _call_over(world: Driver, incident: Incident, caller: PartyParameters, draws: Draws, pair: int,
               decisions_at_call: int, obstacle: str | None = None, next_at_call: int = -1) -> None:
    """An answered call is over: if the incident is still open, count whether it came in time (no decision
    was taken while it went on) and let the mechanisms act (not once leaders have taken the incident over in
    a crisis: then only their own call counts, `sim.engine.events.crisis`)."""
    if incident.active and incident.crisis is None:
        in_time = incident.decisions == decisions_at_call
        world.rep.record.calls_answered_in_time += in_time
        # In time for the other side's next move: no decision, or only the caller's own (sides alternate).
        taken = incident.decisions - decisions_at_call
        world.rep.record.calls_in_time_for_other_side += taken == 0 or (
            taken == 1 and next_at_call == incident.side_index(caller.index))
        if not in_time:
            _missed(world, incident, obstacle, "too_late")
        after_answer(world.rep, incident, caller, draws, pair)
    else:
        _missed(world, incident, obstacle, "incident_over")


def protest(world: Driver, incident: Incident, draws: Draws) -> Generator[Any, Any, None]:
    """The slow fallback: a diplomatic protest that may clarify intent days later."""
    p = world.p
    delay, u = p.fallback_days(draws()), draws()
    if not incident.active:
        return
    yield world.env.timeout(delay)
    world.rep.events += 1
    if incident.active and u < p.fallback_probability:
        incident.clarify("diplomatic protest")
