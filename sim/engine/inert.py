"""Inert traffic: incident types that can never climb, counted instead of simulated.

An incident type is inert in an arm when, on its start rung and every rung below it, neither side can ever
step up (the escalation chance is zero, and everything that changes it - tension feedback, retaliation, a
call's restraint or threats, moral hazard - multiplies it) and no accident can happen; and when entering its
start rung touches nothing but counters and the crisis level (no tension jump, no call, no protest, no
suspension, not the top rung). Such an incident only ever holds or steps down until it ends, reading the
same uniforms of its own block as the event-by-event routine, so its whole course is a pure function of its
block and its start: `resolve` computes it without scheduling anything.

`InertStream` emulates the type's arrival process (thinning with tension feedback, interrupts when tension
jumps, prevention) on the same uniforms, lazily: the world advances it to the present before anything that
reads what it changes (the crisis-level tracker) and before tension changes (which its acceptance reads).
When the emulation meets two things at exactly the same time, whose order the event queue would decide,
it reports a tie and the world reruns the replication event by event (`World.tied`).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from .decision import DOWN, Situation, decide
from .parameters import IncidentTypeParameters, ModelParameters
from .streams import Draws, Purpose

if TYPE_CHECKING:
    from .world import World

__all__ = ["is_inert", "resolve", "InertStream"]


def is_inert(p: ModelParameters, kind: IncidentTypeParameters) -> bool:
    """True when incidents of `kind` provably never climb above their start rung nor touch anything shared."""
    start = kind.start_rung
    below = range(start + 1)
    sides = (kind.initiator_side, kind.responder_side)
    if any(side.up[r] != 0.0 for side in sides for r in below) or any(kind.accident[r] != 0.0 for r in below):
        return False
    if start >= p.top or p.tension_jump[start] != 0.0:
        return False
    h = p.hotline
    if h.enabled and start >= h.suspend_rung:
        return False
    if p.fallback_enabled and start == p.fallback_rung:
        return False
    covered = kind.covered_layers or (start >= p.military_rung and bool(h.coverage & p.defense_layers))
    caller = kind.responder_side
    may_call = (h.enabled and covered and caller.party.index != kind.initiator and caller.party.calls
                and start >= caller.call_rung)
    return not may_call


def resolve(p: ModelParameters, kind: IncidentTypeParameters, start_day: float, draws: Draws,
            ops: list[tuple[float, int, int]], event_days: list[float]) -> None:
    """The course of one inert incident from `start_day`: the same arithmetic as `Incident.run`.

    Appends its moves on the ladder to `ops` as (day, old rung, new rung or -1 when it ends), and the days of
    its engine events to `event_days`.
    """
    now = start_day
    end = now + kind.max_duration_days(draws())
    draws()  # the crisis duration: read (so positions match) but never needed, the incident cannot climb
    mover, other = kind.responder_side, kind.initiator_side
    situation = Situation()
    rung = kind.start_rung
    weapons = p.weapons_rung
    accident_at = kind.accident
    while True:
        u_delay, u_command, u_decide, u_accident, _ = draws.five()
        delay = mover.delay_days(u_delay)
        if rung >= mover.command_rung:
            delay += mover.command_days(u_command)
        if now + delay >= end:
            now = now + max(end - now, 0.0)
            event_days.append(now)
            break
        now = now + delay
        event_days.append(now)
        if now >= end:
            break
        step, _accident = decide(mover, rung, 0.0, 1.0, situation, False, weapons, accident_at[rung],
                                 u_decide, u_accident)
        if step == DOWN and rung == 0:
            break
        if step:
            ops.append((now, rung, rung + step))
            rung += step
        if rung == 0 and step == DOWN:
            break
        situation = Situation(other_stepped_down=step == DOWN)
        mover, other = other, mover
    ops.append((now, rung, -1))


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
