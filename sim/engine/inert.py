"""Inert traffic: incident types that can never climb, counted instead of simulated.

An incident type is inert in an arm when, on its start rung and every rung below it, neither side can ever
step up (the escalation chance is zero, and everything that changes it - tension feedback, retaliation, a
call's restraint or threats, moral hazard - multiplies it) and no accident can happen; and when entering its
start rung touches nothing but counters and the crisis level (no tension jump, no call, no protest, no
suspension, not the top rung). Such an incident only ever holds or steps down until it ends, reading the
same uniforms of its own block as the event-by-event routine, so its whole course is a pure function of its
block and its start: `sim.engine.quiet.walk` computes it without scheduling anything, and no tension
jump can change it.

`InertStream` emulates the type's arrival process (thinning with tension feedback, interrupts when tension
jumps, prevention) on the same uniforms, lazily: the world advances it to the present before anything that
reads what it changes (the crisis-level tracker) and before tension changes (which its acceptance reads).
When the emulation meets two things at exactly the same time, whose order the event queue would decide,
it reports a tie and the world reruns the replication event by event (`World.tied`).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from .parameters import IncidentTypeParameters, ModelParameters
from .quiet import may_walk
from .streams import Purpose

if TYPE_CHECKING:
    from .world import World

__all__ = ["is_inert", "InertStream"]


def is_inert(p: ModelParameters, kind: IncidentTypeParameters) -> bool:
    """True when incidents of `kind` provably never climb above their start rung nor touch anything shared."""
    start = kind.start_rung
    below = range(start + 1)
    sides = (kind.initiator_side, kind.responder_side)
    if any(side.up[r] != 0.0 for side in sides for r in below) or any(kind.accident[r] != 0.0 for r in below):
        return False
    return may_walk(p, kind)


class InertStream:
    """The arrival process of one inert type, emulated on the uniforms `World.arrivals` would read."""

    __slots__ = ("world", "kind", "_gen", "_buf", "_base", "_feedback", "_keep", "_prevent", "_bound",
                 "next_day", "_u_accept")

    def __init__(self, world: World, kind: IncidentTypeParameters):
        self.world = world
        self.kind = kind
        streams = world.streams
        self._gen = streams.generator(int(Purpose.ARRIVAL), kind.index)
        self._buf: list[float] = []
        self._base = kind.rate_per_day
        self._feedback = world.p.arrival_feedback
        self._keep = kind.prevention_rate_factor
        self._prevent = streams.generator(int(Purpose.PREVENTION), kind.index) if self._keep < 1.0 else None
        self._bound = self._base * (1.0 + self._feedback * world.tension.at(0.0))
        self.next_day = 0.0
        self._u_accept = 0.0
        self._draw(0.0)

    def _draw(self, now: float) -> None:
        buf = self._buf
        if len(buf) < 2:
            buf = self._buf = self._gen.random(512).tolist()[::-1]
        gap, self._u_accept = -math.log(1.0 - buf.pop()) / self._bound, buf.pop()
        self.next_day = now + gap

    def arrive(self) -> None:
        """The pending candidate arrival happens (its day is `next_day`): accept or thin it, draw the next."""
        world = self.world
        now = self.next_day
        world.events += 1
        base = self._base
        rate = base * (1.0 + self._feedback * world.tension.at(now)) if self._feedback else base
        if self._u_accept * self._bound < rate:
            if self._prevent is None or self._prevent.random() < self._keep:
                world.spawn_inert(self.kind, now)
            else:
                world.skip_incident(self.kind)
        self._bound = rate
        self._draw(now)

    def interrupt(self) -> None:
        """Tension is about to jump: the pending candidate is dropped; a new one is drawn once the jumping
        event is over (an urgent event, as SimPy delivers an Interrupt), with the tension it left."""
        self.next_day = math.inf
        env = self.world.env
        event = env.event()
        event._ok = True
        event._value = None
        event.callbacks.append(self._renew)
        env.schedule(event, 0)  # simpy.events.URGENT

    def _renew(self, _event: object) -> None:
        now = self.world.env.now
        self._bound = self._base * (1.0 + self._feedback * self.world.tension.at(now))
        self._draw(now)
        self.world.inert_changed()
