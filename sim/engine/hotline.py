"""The hotline: lines as a SimPy resource, hours of operation, suspensions, and the call itself.

A call's value is decided by a race: it clarifies intent only if it is answered and finished before the
next retaliation decision in the incident. Prior consultation, closed hours, a busy line, ringing out and
redials all spend time in that race.
"""

from __future__ import annotations

import math
from collections.abc import Generator
from typing import TYPE_CHECKING, Any

import simpy

from .parameters import HotlineParameters, PartyParameters
from .streams import Draws

if TYPE_CHECKING:
    from .incident import Incident
    from .world import World

__all__ = ["Hotline", "place_call"]


class Hotline:
    """State of the channel in one replication."""

    __slots__ = ("p", "lines", "suspended_until")

    def __init__(self, env: simpy.Environment, params: HotlineParameters):
        self.p = params
        self.lines = simpy.Resource(env, capacity=params.lines)
        self.suspended_until = -math.inf

    def suspend(self, now: float, days: float) -> None:
        self.suspended_until = max(self.suspended_until, now + days)

    def next_open(self, day: float) -> float:
        """The earliest time >= day at which a call can go through (not suspended, within hours)."""
        p = self.p
        day = max(day, self.suspended_until)
        if p.always_open:
            return day
        hours = day * 24.0 + p.offset_hours
        for _ in range(9):  # the next opening is never more than a week and a day away
            local_day = math.floor(hours / 24.0)
            hour_of_day = hours - local_day * 24.0
            weekday = (p.start_weekday + local_day) % 7
            if not p.weekdays_only or weekday < 5:
                if hour_of_day < p.open_hour:
                    return (local_day * 24.0 + p.open_hour - p.offset_hours) / 24.0
                if hour_of_day < p.close_hour:
                    return day
            hours = (local_day + 1) * 24.0
        raise AssertionError("hotline hours admit no opening")  # validation guarantees open < close


def place_call(world: World, incident: Incident, caller: PartyParameters, callee: PartyParameters,
               draws: Draws) -> Generator[Any, Any, None]:
    """One party calls the other about one incident: consult, wait for opening, dial, maybe redial."""
    env = world.env
    hotline = world.hotline
    p = hotline.p
    rung_at_trigger = incident.rung
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
            world.record.calls_placed += 1
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
                    world.record.calls_answered += 1
                    yield env.timeout(p.call_days(u_after))
                    world.events += 1
                    if incident.active:
                        in_time = incident.highest <= rung_at_trigger
                        world.record.calls_answered_in_time += in_time
                        incident.clarify("hotline call")
                    return
            world.log_event("no_answer", incident, callee.name, f"{callee.label} does not answer")
        attempt += 1
        if attempt > p.max_retries:
            return
        yield env.timeout(p.retry_days(u_after))
        world.events += 1
