"""The arrivals of walkable incident types, and their incidents, decided in batches.

- `Traffic` (the types whose incidents could climb, together): draws every type's candidates of a window
  of days with the tension as it stands (`sim.engine.arrivals`) and walks the accepted ones of all types
  at once (`sim.engine.walked`); an incident that would climb gets a real event on exactly its day and
  runs event by event from its start; an event at the window's end draws the next one. When a pair's
  tension is about to jump, what its types drew after the jump is taken back (drawn again after it with
  arrival feedback, walked again without), and their walked incidents still open go back to their routines.
  Jumps come in bursts (an incident climbing rung after rung, a call that goes badly): after one, only a
  few days are drawn and walked again at first (`AFTER_JUMP`), and the rest of the window once those have
  passed without another jump (more stretches in between were measured and cost more than they save).
- `settle_quiet_types` (types whose incidents can never climb, so never matter to anything but the record):
  after the run, on the tension history it left, with the interrupts where the jumps were.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np

from ..model import arrival
from ..model.parameters import IncidentTypeParameters
from .arrivals import ArrivalStream, Drawn, draw, drawn_until
from .walked import Batch, Gathered, kinds_of

if TYPE_CHECKING:
    from .host import Host

__all__ = ["Traffic", "settle_quiet_types", "WINDOW", "AFTER_JUMP"]

WINDOW = 2048  # incidents expected in a window of days drawn and walked together (a jump retakes one)
AFTER_JUMP = 4  # incidents expected in the days drawn and walked again first after a jump


class _Stream:
    """One type's arrivals in a `Traffic`: where drawing stands, and what the current window drew."""

    __slots__ = ("kind", "arrivals", "pair", "last", "bound", "number", "prevented", "tail", "walked",
                 "generation", "pending")

    def __init__(self, world: Host, kind: IncidentTypeParameters):
        self.kind = kind
        self.arrivals = ArrivalStream(world.rep, kind)
        self.pair = 0  # the next candidate's uniforms
        self.last = 0.0  # the day of the last candidate drawn (or of the last jump)
        self.bound = arrival.rate(kind.rate_per_day, world.p.arrival_feedback, world.rep.tension_of[kind.index].at(0.0))
        self.number = 0  # the number in its type of the next accepted candidate
        self.prevented = 0  # prevention uniforms used
        # The current window's draw, the position from which it is walked, and the number and prevention
        # uniform of the first accepted candidate from there; and how far it has been walked.
        self.tail: tuple[Drawn, int, int, int] | None = None
        self.walked = 0
        self.generation = 0  # bumped when what it drew is taken back (its real arrivals lapse)
        self.pending: list[Any] = []  # events of its real arrivals still to come


class Traffic:
    """The arrivals of the walkable incident types whose incidents can climb, emulated window by window."""

    def __init__(self, world: Host, kinds: list[IncidentTypeParameters]):
        self.world = world
        self.streams = [_Stream(world, kind) for kind in kinds]
        self.kinds = kinds_of(world.rep, kinds)
        self.pairs = {kind.pair for kind in kinds}  # the pairs whose tension these types read
        self.batches: list[Batch] = []
        self._feedback = world.p.arrival_feedback
        self._span = WINDOW / sum(kind.rate_per_day for kind in kinds)  # days in a window
        self.window_end = 0.0
        self._renewing = False  # a jump happened on this instant; drawing or walking again comes after it
        self._renew_hit: set[int] = set()  # the streams that jump reached
        self._next_window()

    def _draw(self, s: _Stream, until: float) -> None:
        """Draw stream `s` on from where it stands, up to `until`; where it stands moves to there."""
        kind = s.kind
        tension = self.world.rep.tension_of[kind.index]
        drawn = draw(s.arrivals, s.pair, s.last, s.bound, kind.rate_per_day, self._feedback, tension.state, until)
        if drawn.pending_day == self.world.p.horizon_days:
            self.world.agenda.tied = True
        s.tail = (drawn, 0, s.number, s.prevented)
        s.walked = 0
        taken = int(drawn.accepted.sum())
        s.number += taken
        if kind.prevention_rate_factor < 1.0:
            s.prevented += taken
        s.pair, s.last, s.bound = drawn.pending, drawn.last, drawn.bound

    def _next_window(self) -> None:
        world = self.world
        horizon = world.p.horizon_days
        end = min(horizon, self.window_end + self._span)
        if end <= self.window_end:  # a span too small to move the day (absurd rates): the rest at once
            end = horizon
        self.window_end = end
        for s in self.streams:
            self._draw(s, end)
        self._walk(range(len(self.streams)))
        if end < horizon:
            event = world.agenda.resume_at(end)
            event.callbacks.append(lambda _e: self._next_window())

    def _walk(self, positions: range | list[int], until: float = math.inf) -> None:
        """Walk the accepted candidates of the tails of the streams at `positions` not walked yet, up to (not
        including) `until`, all at once."""
        world = self.world
        gathered = Gathered()
        for t in positions:
            s = self.streams[t]
            assert s.tail is not None
            drawn, first, number, prevented = s.tail
            start = s.walked
            stop = len(drawn.days) if until == math.inf else int(np.searchsorted(drawn.days, until, side="left"))
            s.walked = stop
            before = int(drawn.accepted[first:start].sum()) if start > first else 0
            thinning = (None if s.kind.prevention_rate_factor >= 1.0 else
                        lambda count, s=s, prevented=prevented + before: s.arrivals.prevention(prevented, count))
            gathered.add(t, s.kind, drawn.days[start:stop], drawn.accepted[start:stop], number + before, thinning)
        batch, a, climbers = gathered.walk(world.rep, self.kinds, True)
        self.batches.append(batch)
        for i in climbers.tolist():
            s = self.streams[int(a.t[i])]
            event = world.agenda.event_at(float(a.days[i]))
            event.callbacks.append(lambda e, s=s, n=int(a.numbers[i]), g=s.generation: self._arrive(e, s, n, g))
            s.pending.append(event)

    def _arrive(self, event: Any, s: _Stream, number: int, generation: int) -> None:
        if generation == s.generation:
            s.pending.remove(event)
            self.world.spawn(s.kind, number)
        else:
            self.world.agenda.orderless.discard(id(event))

    def before_jump(self, day: float, pairs: list[int]) -> None:
        """The tension of `pairs` is about to jump on `day` (nothing later has happened): for their types,
        keep what came before, hand back walked incidents still open, and draw (or walk) again after it."""
        if self.pairs.isdisjoint(pairs):
            return
        agenda = self.world.agenda
        hit = [t for t, s in enumerate(self.streams) if s.kind.pair in pairs]
        if self._renewing:
            # A second rise on the same instant. Without arrival feedback the walks are redone after both.
            # With it, each rise interrupts the arrival process again, which drops the candidate it drew
            # after the last interrupt (its gap at the bound of the tension as it then stood; only its two
            # uniforms matter): the streams go on one candidate later, from the tension after both. A rise
            # that reaches a stream the first did not is left to the event queue.
            if self._feedback:
                if set(hit) <= self._renew_hit:
                    for t in hit:
                        self.streams[t].pair += 1
                else:
                    agenda.tied = True
            return
        affected = np.zeros(len(self.world.p.types), dtype=bool)
        for t in hit:
            affected[self.streams[t].kind.index] = True
        for batch in self.batches:
            if batch.max_cand >= day:  # it holds candidates on or after the jump: those of `affected` go
                if ((batch.cand_days == day) & affected[batch.cand_types]).any():
                    agenda.tied = True
                batch.truncate(day, affected)
        for batch in self.batches:
            if batch.max_last > day:
                agenda.hand_back(batch, day, affected)
        for t in hit:
            s = self.streams[t]
            assert s.tail is not None
            drawn, offset, number, prevented = s.tail
            if drawn.pending_day == day:
                agenda.tied = True
            happened = int(np.searchsorted(drawn.days, day, side="left"))
            before = int(drawn.accepted[offset:happened].sum())
            number += before
            if s.kind.prevention_rate_factor < 1.0:
                prevented += before
            s.generation += 1
            for lapsed in s.pending:  # arrivals taken back: their events stay queued but do nothing
                agenda.orderless.add(id(lapsed))
            s.pending = []
            if self._feedback:
                pending = drawn.first + happened  # the first candidate on or after the jump
                s.pair, s.last, s.number, s.prevented = pending + 1, day, number, prevented
                s.tail = None
            else:
                s.tail = (drawn, happened, number, prevented)
                s.walked = happened
        self._renewing = True
        self._renew_hit = set(hit)
        agenda.right_after(lambda _e: self._renew(hit))  # once the tension has risen

    def _renew(self, hit: list[int]) -> None:
        """Draw (with arrival feedback) and walk again the streams `hit` by a jump: a few days first, then
        the rest of the window unless another jump takes them back before."""
        self._renewing = False
        if self._feedback:
            for t in hit:
                s = self.streams[t]
                kind = s.kind
                s.bound = arrival.rate(kind.rate_per_day, self._feedback, self.world.rep.tension_of[kind.index].at(s.last))
        # A few incidents expected at the rates as they stand after the jump (arrival feedback may have
        # multiplied them), not at the base rates: with high tension that would be many more.
        rate = sum(self.streams[t].bound for t in hit)
        days = AFTER_JUMP / rate if rate > 0.0 else math.inf
        self._stretch(hit, [self.streams[t].generation for t in hit], days)

    def _stretch(self, hit: list[int], generations: list[int], days: float) -> None:
        """The next `days` (up to the window's end) of the streams `hit`, unless a later jump took them back;
        the rest of the window after that."""
        hit = [t for t, g in zip(hit, generations, strict=True) if self.streams[t].generation == g]
        if not hit:
            return
        end = min(self.window_end, self.world.env.now + days)
        if self._feedback:
            for t in hit:
                self._draw(self.streams[t], end)
        self._walk(hit, end)
        if end < self.window_end:
            event = self.world.agenda.resume_at(end)
            event.callbacks.append(lambda _e: self._stretch(hit, generations, math.inf))


def settle_quiet_types(world: Host, kinds: list[IncidentTypeParameters], stop: float) -> Batch:
    """The arrivals up to `stop` of types whose incidents never climb, on the tension history of their
    pairs (interrupted where it rose, as their arrival processes were), and their walked courses."""
    rep = world.rep
    gathered = Gathered()
    for t, kind in enumerate(kinds):
        stream = ArrivalStream(rep, kind)
        day, accepted, tied = drawn_until(rep, kind, stream, stop)
        if tied:
            world.agenda.tied = True
        thinning = (None if kind.prevention_rate_factor >= 1.0 else
                    lambda count, stream=stream: stream.prevention(0, count))
        gathered.add(t, kind, day, accepted, 0, thinning)
    batch, _, climbers = gathered.walk(rep, kinds_of(rep, kinds), False)
    if len(climbers):  # cannot happen: no move of such an incident goes up
        world.agenda.tied = True
    return batch
