"""Emulated arrivals: the arrival process of an incident type whose incidents can be walked.

`Traffic` reproduces `World.arrivals` (thinning with tension feedback, an interrupt when tension jumps,
prevention) on the same uniforms without an event per arrival. It draws candidates ahead, working out
each one's fate with the tension as it stands (valid until the next jump, which interrupts the process
and takes back everything drawn after it): an arrival that is accepted and whose incident would climb
above its start rung gets a real event on exactly its day and runs event by event from its start; the
others wait on the agenda (`sim.engine.agenda`), which lets them happen in the order of days, their
incidents walked (`sim.engine.quiet.walk`). Drawing ahead stops at such a real arrival or after `AHEAD`
candidates, where an event of its own resumes it before the clock can pass an undrawn arrival.
"""

from __future__ import annotations

import heapq
import math
from collections import deque
from typing import TYPE_CHECKING, Any, NamedTuple

from .parameters import IncidentTypeParameters
from .quiet import Walk, walk
from .streams import Purpose

if TYPE_CHECKING:
    from .world import World

__all__ = ["Traffic", "AHEAD"]

AHEAD = 32  # candidates drawn ahead before an event resumes the drawing


class Candidate(NamedTuple):
    day: float
    u_accept: float
    bound: float
    rate: float
    course: Walk | None  # the walked incident, if accepted and quiet
    real: bool  # accepted, and its incident would climb: it runs event by event
    pair: int  # which pair of uniforms it read


class Traffic:
    """The arrivals of one walkable incident type, emulated on the uniforms `World.arrivals` would read."""

    __slots__ = ("world", "kind", "_gen", "_u", "_pair", "_base", "_feedback", "_keep", "_prevent", "_bound",
                 "_covered", "_tension", "_ahead", "_accepted_ahead", "_last_day", "_real", "_resume", "next_day")

    def __init__(self, world: World, kind: IncidentTypeParameters, covered: bool):
        self.world = world
        self.kind = kind
        streams = world.streams
        self._gen = streams.generator(int(Purpose.ARRIVAL), kind.index)
        self._u: list[float] = []
        self._pair = 0
        self._base = kind.rate_per_day
        self._feedback = world.p.arrival_feedback
        self._keep = kind.prevention_rate_factor
        self._prevent = streams.generator(int(Purpose.PREVENTION), kind.index) if self._keep < 1.0 else None
        self._covered = covered
        self._ahead: deque[Candidate] = deque()
        self._accepted_ahead = 0
        self._real: Any = None  # the event of the real arrival drawn ahead, if any
        self._resume: Any = None  # the event that resumes drawing ahead
        self.next_day = math.inf  # the day of the next arrival the agenda lets happen (inf: none)
        self._tension = world.tension_of[kind.index]
        self._bound = self._base * (1.0 + self._feedback * self._tension.at(0.0))
        self._last_day = 0.0
        self._look_ahead()

    def _draw(self) -> bool:
        """Draw the next candidate after the last one, as `World.arrivals` would; True if it is real."""
        i = self._pair
        u = self._u
        if len(u) < 2 * i + 2:
            u += self._gen.random(512).tolist()
        self._pair = i + 1
        bound = self._bound
        day = self._last_day + -math.log(1.0 - u[2 * i]) / bound
        u_accept = u[2 * i + 1]
        world = self.world
        base = self._base
        rate = base * (1.0 + self._feedback * self._tension.at(day)) if self._feedback else base
        course = None
        real = False
        if u_accept * bound < rate:
            kind = self.kind
            number = world.count_of(kind) + self._accepted_ahead
            self._accepted_ahead += 1
            walked = walk(world, kind, self._covered, day, world.block(kind, number))
            if isinstance(walked, Walk):
                course = walked
            else:
                real = True
        self._ahead.append(Candidate(day, u_accept, bound, rate, course, real, i))
        self._bound = rate
        self._last_day = day
        return real

    def _look_ahead(self) -> None:
        horizon = self.world.p.horizon_days
        for _ in range(AHEAD):
            if self._draw():
                self._real = self.world.agenda.event_at(self._last_day)
                self._real.callbacks.append(self._arrive_for_real)
                break
            if self._last_day > horizon:
                break
        else:
            env = self.world.env
            self._resume = event = env.event()
            event._ok = True
            event._value = None
            event.callbacks.append(self._resume_drawing)
            heapq.heappush(env._queue, (self._last_day, 1, next(env._eid), event))
        self._set_next_day()

    def _set_next_day(self) -> None:
        ahead = self._ahead
        self.next_day = ahead[0].day if ahead and not ahead[0].real else math.inf

    def arrive(self) -> None:
        """The first candidate happens (`World.arrivals` after its timeout): accept or thin it."""
        c = self._ahead.popleft()
        self._set_next_day()
        world = self.world
        world.events += 1
        if c.u_accept * c.bound < c.rate:
            self._accepted_ahead -= 1
            if self._prevent is None or self._prevent.random() < self._keep:
                if c.real:
                    world.spawn(self.kind)
                else:
                    assert c.course is not None
                    world.agenda.enter_walked(self.kind, c.day, c.course)
            else:
                world.skip_incident(self.kind)

    def _arrive_for_real(self, event: Any) -> None:
        if event is self._real:  # else the candidate was interrupted meanwhile
            self._real = None
            agenda = self.world.agenda
            if event.env.now >= agenda.next_day:
                agenda.catch_up(event.env.now)  # what came before happens first; this arrival is now first
            self.arrive()
            self._look_ahead()
            self.world.agenda.refresh()

    def _resume_drawing(self, event: Any) -> None:
        if event is self._resume:
            self._resume = None
            self._look_ahead()
            self.world.agenda.refresh()

    def interrupt(self) -> bool:
        """Tension is about to jump (everything before today has happened): the pending candidate is dropped
        and what was drawn after it taken back; a new one is drawn once the jumping event is over (an
        urgent event, as SimPy delivers an Interrupt), with the tension it left. False if the pending
        candidate falls on today (a tie)."""
        ahead = self._ahead
        if not ahead:
            return False
        now = self.world.env.now
        tie = ahead[0].day == now
        self._pair = ahead[0].pair + 1
        ahead.clear()
        self._accepted_ahead = 0
        self._real = self._resume = None
        self.next_day = math.inf
        env = self.world.env
        event = env.event()
        event._ok = True
        event._value = None
        event.callbacks.append(self._renew)
        env.schedule(event, 0)  # simpy.events.URGENT
        return not tie

    def _renew(self, _event: object) -> None:
        now = self.world.env.now
        self._bound = self._base * (1.0 + self._feedback * self._tension.at(now))
        self._last_day = now
        self._look_ahead()
        self.world.agenda.refresh()
