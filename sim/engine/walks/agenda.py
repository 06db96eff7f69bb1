"""The agenda: what a replication's fast path computed without events, and when it must defer to them.

Walked incidents (`sim.engine.walks.batch`, `sim.engine.walks.quiet`) touch nothing but the record: they
are counted, and their changes of rung go into the crisis level (`sim.engine.model.level`), which is computed
once the run has stopped from every change sorted by day. What they read is the tension of their pair, so
when it is about to jump the agenda asks the emulated arrivals (`sim.engine.walks.traffic.Traffic`) to keep, for that
pair's types, what came before, and hands walked incidents still open back to their routines
(the event-by-event routine, from the state `quiet.walk` reaches on the jump's day). Anything whose order only the
event queue could decide - two things on exactly the same day, one of them walked - marks the replication
`tied`, and `simulate` reruns it event by event.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np

from ..jit import COMPILED, jit
from ..model.parameters import IncidentTypeParameters
from .quiet import Walk, walk
from .traffic import Traffic, settle_quiet_types
from .walked import Batch

if TYPE_CHECKING:
    from .host import Host

__all__ = ["Agenda", "Settled"]


class Settled(NamedTuple):
    """What the walked incidents add once the run has stopped: engine events, their changes of rung
    (day, rung, sign, owner) in each owner's own order, and their start days by incident type."""

    events: int
    d_day: np.ndarray
    d_rung: np.ndarray
    d_sign: np.ndarray
    d_owner: np.ndarray
    starts: dict[int, np.ndarray]


class Agenda:
    """The walked part of one replication."""

    def __init__(self, world: Host):
        self.world = world
        self.tied = False
        self.traffic: Traffic | None = None  # the walkable types whose incidents may climb
        self.quiet_types: list[IncidentTypeParameters] = []  # settled after the run (`settle_quiet_types`)
        # Ids of events whose order among others on their day cannot matter (never a tie): those that only
        # resume drawing arrivals, and arrivals taken back when tension jumped (they lapse).
        self.orderless: set[int] = set()

    def event_at(self, day: float) -> Any:
        """An event processed on exactly `day`."""
        env = self.world.env
        if env.queued_on(day, self.orderless):
            self.tied = True  # the event queue would order the two by when they were scheduled
        return env.at(day)

    def resume_at(self, day: float) -> Any:
        """An event on `day` that resumes drawing arrivals: it changes nothing that another event on the same
        day reads, so its order among them does not matter."""
        event = self.world.env.at(day)
        self.orderless.add(id(event))
        event.callbacks.append(lambda e: self.orderless.discard(id(e)))
        return event

    def right_after(self, callback: Any) -> None:
        """Call `callback` once the event being processed is over, before anything else on its day."""
        self.world.env.right_after(callback)

    def before_jump(self, day: float, pairs: list[int]) -> None:
        """Tension of `pairs` is about to jump on `day`."""
        if self.traffic is not None:
            self.traffic.before_jump(day, pairs)

    def hand_back(self, batch: Batch, day: float, affected: np.ndarray) -> None:
        """Walked incidents of `batch` of the types `affected` (a mask by type index) open on `day` go back
        to their routines from the state they reach then; their walked moves after `day` are taken back."""
        world = self.world
        rep = world.rep
        started = (batch.starts < day) & affected[batch.types]
        if (started & (batch.last == day)).any():
            self.tied = True
        open_now = np.flatnonzero(started & (batch.last > day) & (batch.cut == math.inf))
        for i in open_now.tolist():
            kind = world.p.types[int(batch.types[i])]
            covered = rep.covered[kind.index]
            if (batch.e_day[batch.e_owner == i] == day).any():
                self.tied = True
                continue
            batch.cut[i] = day
            number = int(batch.numbers[i])
            draws = rep.block(kind, number)
            course = walk(rep, kind, covered, float(batch.starts[i]), draws, until=day)
            if not isinstance(course, Walk) or course.pending is None:
                self.tied = True  # cannot happen: the same tension gives the same course up to `day`
                continue
            world.resume(kind, number, draws, course.pending, covered)

    def finish(self, stop: float) -> Settled:
        """What the walked incidents add, up to the day the run stopped."""
        world = self.world
        batches = [settle_quiet_types(world, self.quiet_types, stop)] if self.quiet_types else []
        if self.traffic is not None:
            batches += self.traffic.batches
        starts: dict[int, list[np.ndarray]] = {}
        for b in batches:
            started = b.starts < stop
            for j in np.flatnonzero(np.bincount(b.types[started])).tolist():
                starts.setdefault(j, []).append(b.starts[started & (b.types == j)])
        by_type = {j: np.concatenate(s) for j, s in starts.items()}
        if COMPILED:
            total = sum(len(b.d_day) for b in batches)
            days, rungs, signs, owners = np.empty(total), *(np.empty(total, dtype=np.int64) for _ in range(3))
            out = np.zeros(3, dtype=np.int64)  # events, tied, changes kept so far
            offset = 0
            for b in batches:
                _settle_batch(b.cand_days, b.e_day, b.e_owner, b.d_day, b.d_rung, b.d_sign, b.d_owner, b.cut,
                              float(stop), offset, days, rungs, signs, owners, out)
                offset += len(b.starts)
            events, tied, kept = out.tolist()
            self.tied = self.tied or bool(tied)
            return Settled(events, days[:kept], rungs[:kept], signs[:kept], owners[:kept], by_type)
        events = 0
        parts: list[list[np.ndarray]] = [[], [], [], []]
        offset = 0
        for b in batches:
            events += int((b.cand_days < stop).sum())
            if (b.cand_days == stop).any() or (b.e_day == stop).any() or (b.d_day == stop).any():
                self.tied = True
            events += int(((b.e_day < stop) & (b.e_day <= b.cut[b.e_owner])).sum())
            keep = (b.d_day < stop) & (b.d_day <= b.cut[b.d_owner])
            for part, x in zip(parts, (b.d_day[keep], b.d_rung[keep], b.d_sign[keep], b.d_owner[keep] + offset),
                               strict=True):
                part.append(x)
            offset += len(b.starts)
        empty_f, empty_i = np.empty(0), np.empty(0, dtype=np.int64)
        return Settled(events, *(np.concatenate(part) if part else empty for part, empty in
                                 zip(parts, (empty_f, empty_i, empty_i, empty_i), strict=True)), by_type)


@jit
def _settle_batch(cand_days: np.ndarray, e_day: np.ndarray, e_owner: np.ndarray, d_day: np.ndarray,
                  d_rung: np.ndarray, d_sign: np.ndarray, d_owner: np.ndarray, cut: np.ndarray, stop: float,
                  offset: int, days: np.ndarray, rungs: np.ndarray, signs: np.ndarray, owners: np.ndarray,
                  out: np.ndarray) -> None:
    """What one batch adds once the run stopped on `stop` (`Agenda.finish`): its candidates' arrival events
    and its incidents' engine events before `stop` and not taken back (on or before their `cut`) counted
    in out[0]; out[1] set if anything falls on `stop` itself (a tie); its changes before `stop` and not
    taken back appended to `days`, `rungs`, `signs` and `owners` (owners + `offset`) from out[2] on."""
    events = 0
    tied = False
    for i in range(len(cand_days)):
        if cand_days[i] < stop:
            events += 1
        elif cand_days[i] == stop:
            tied = True
    for i in range(len(e_day)):
        if e_day[i] < stop and e_day[i] <= cut[e_owner[i]]:
            events += 1
        elif e_day[i] == stop:
            tied = True
    k = out[2]
    for i in range(len(d_day)):
        day = d_day[i]
        if day < stop and day <= cut[d_owner[i]]:
            days[k] = day
            rungs[k] = d_rung[i]
            signs[k] = d_sign[i]
            owners[k] = d_owner[i] + offset
            k += 1
        elif day == stop:
            tied = True
    out[0] += events
    if tied:
        out[1] = 1
    out[2] = k
