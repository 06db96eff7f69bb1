"""A political crisis in time: each side's leaders deciding every few days, the leaders' call over the
hotline, and the stand-off a crisis freezes into after `max_days`. What a decision is, and how the crisis
opens, are the model's (`sim.engine.model.crisis`).

Random numbers: the opening reads three uniforms from the incident's crisis stream; each side's leaders
read theirs (gap, decision, in turn) from a stream of their own, addressed by the incident and the party;
the leaders' call reads (whether to call, then per attempt response, answer, redial) from another. So a
crisis reads the same numbers in every arm until the arms' crises differ, and a call never shifts a
decision's draws.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import TYPE_CHECKING, Any

from ..model import crisis as model
from ..model.incident import Incident
from ..model.parameters import PartyParameters
from ..model.streams import Draws, Purpose
from .routine import start_routine

if TYPE_CHECKING:
    from .host import Driver

__all__ = ["open_crisis", "in_crisis"]


def in_crisis(incident: Incident) -> bool:
    """Whether local commanders have handed the incident to their leaders (their calls then change nothing)."""
    return incident.crisis is not None


def open_crisis(world: Driver, incident: Incident, actor: int) -> None:
    """The incident has reached the crisis rung through a move of party `actor`: its leaders take over."""
    p = world.p
    c = p.crisis
    assert c is not None
    kind = incident.kind
    rep = world.rep
    victim = kind.responder if actor == kind.initiator else kind.initiator
    address = (kind.index, incident.index_in_type)
    draws = world.streams.draws(Purpose.CRISIS, *address)
    opened = model.opening(c, actor, victim, draws(), draws(), draws())
    state = model.CrisisState(actor, victim, opened.holder, opened.apology_owed, world.env.now)
    incident.crisis = state
    rec = rep.record
    rec.crises += 1
    actor_p, victim_p = p.parties[actor], p.parties[victim]
    rep.log_event("crisis", incident, actor_p.name, f"force has been used: the incident becomes a political "
                  f"crisis between the leaders of {actor_p.label} and {victim_p.label}")
    if opened.holder >= 0:
        rec.detentions += 1
        held = p.parties[opened.holder]
        other = victim_p if opened.holder == actor else actor_p
        rep.log_event("detention", incident, held.name, f"{held.label} holds {other.label}'s crew or dead")
    if opened.apology_owed:
        rep.log_event("demand", incident, victim_p.name, f"{victim_p.label} demands an apology from {actor_p.label}")
    for party in (actor, victim):
        start_routine(_leaders(world, incident, state, p.parties[party],
                               world.streams.draws(Purpose.CRISIS, *address, party + 1)))
    start_routine(_deadline(world, incident, state, c.max_days))
    calls = world.streams.draws(Purpose.CRISIS_CALL, *address)
    if calls() < c.call:
        channels = [ch for ch in p.channels_between(victim, actor) if ch.enabled]
        if channels:
            world.touched = True
            start_routine(_leaders_call(world, incident, state, victim_p, actor_p, channels[0].index, calls))


def _end(world: Driver, incident: Incident, state: model.CrisisState, how: str, counter: str) -> None:
    state.over = True
    rec = world.record
    setattr(rec, counter, getattr(rec, counter) + 1)
    rec.crisis_days_total += world.env.now - state.start
    if counter == "crises_settled":
        rec.settled_crisis_days += world.env.now - state.start
    if how:
        incident.end_now(how)


def _leaders(world: Driver, incident: Incident, state: model.CrisisState, party: PartyParameters,
             draws: Draws) -> Generator[Any, Any, None]:
    """One side's leaders, deciding every few days until the crisis ends."""
    env = world.env
    rep = world.rep
    c = world.p.crisis
    leaders = party.leaders
    assert c is not None and leaders is not None
    tension = rep.tensions[incident.kind.pair]
    other = world.p.parties[state.victim if party.index == state.actor else state.actor]
    while True:
        yield env.timeout(leaders.decision_days(draws()))
        u = draws()
        rep.events += 1
        if state.over or not incident.active:
            return
        choice, act = model.leaders_decide(c, leaders, state, party.index, tension.at(env.now), u, rep.weight)
        if choice == model.ESCALATE:
            _end(world, incident, state, "", "crises_escalated")
            rep.log_event("leaders", incident, party.name, f"{party.label}'s leaders order an armed response")
            rep.move(incident, world.p.top, party, False)
            return
        if choice == model.HOLD:
            rep.log_event("hold", incident, party.name, f"{party.label}'s leaders hold their position")
        elif act == model.RELEASE:
            state.holder = -1
            rep.log_event("release", incident, party.name, f"{party.label} releases the crew or dead it holds")
        elif act == model.APOLOGY:
            state.apology_owed = False
            rep.log_event("apology", incident, party.name, f"{party.label} expresses the regret {other.label} "
                          "demanded")
        else:
            _end(world, incident, state, f"{party.label}'s and {other.label}'s leaders settle the crisis; "
                 "forces step back", "crises_settled")
            return


def _deadline(world: Driver, incident: Incident, state: model.CrisisState, days: float) -> Generator[Any, Any, None]:
    yield world.env.timeout(days)
    world.rep.events += 1
    if not state.over and incident.active:
        _end(world, incident, state, f"no exit after {days:g} days: the crisis freezes into a stand-off",
             "crises_frozen")


def _leaders_call(world: Driver, incident: Incident, state: model.CrisisState, caller: PartyParameters,
                  callee: PartyParameters, channel: int, draws: Draws) -> Generator[Any, Any, None]:
    """The victim's leaders call the actor's over the hotline (waiting for the line to open), and redial
    as the channel allows; an answer is the leaders talking for the rest of the crisis."""
    env = world.env
    rep = world.rep
    line = world.channels[channel]
    leaders = callee.leaders
    assert leaders is not None
    rec = rep.record
    for attempt in range(1 + line.p.max_retries):
        while not state.over and line.next_open(env.now) > env.now:
            yield env.timeout(line.next_open(env.now) - env.now)
            rep.events += 1
        if state.over or not incident.active:
            return
        u_response, u_answer, u_retry = draws(), draws(), draws()
        if attempt == 0:
            rec.leader_calls += 1
        rep.log_event("leaders_call", incident, caller.name, f"{caller.label}'s leaders call {callee.label}'s "
                      f"over {line.p.label}")
        yield env.timeout(leaders.response_days(u_response))
        rep.events += 1
        if state.over or not incident.active:
            return
        if u_answer < leaders.answer and line.suspended_until <= env.now:
            state.talked = True
            rec.leader_calls_answered += 1
            rep.log_event("leaders_answer", incident, callee.name, f"{callee.label}'s leaders answer: the two "
                          "sides' leaders talk")
            return
        rep.log_event("leaders_no_answer", incident, callee.name, f"{callee.label}'s leaders do not answer")
        yield env.timeout(line.p.retry_days(u_retry))
        rep.events += 1
