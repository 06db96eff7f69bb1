"""The agenda: what happens in a replication without events of its own, let happen in the order of days.

Walked incidents (`sim.engine.quiet`) and emulated arrivals (`sim.engine.traffic`) do not schedule
events; their moves and arrivals wait here and are applied to the world - the crisis-level tracker and
the record - in the order of their days, before anything that reads what they change happens: before a
real incident moves, before tension jumps, and when the run stops. Events that would fall on exactly the
same day as something else are ties only the event queue could order: the agenda marks the replication
`tied` and `simulate` reruns it event by event.
"""

from __future__ import annotations

import heapq
import math
from typing import TYPE_CHECKING, Any

from .incident import Incident
from .parameters import IncidentTypeParameters
from .quiet import Walk, walk
from .routine import start_routine
from .traffic import Traffic

if TYPE_CHECKING:
    from .world import World

__all__ = ["Agenda"]


class Agenda:
    """Moves and arrivals of one replication waiting for their day."""

    def __init__(self, world: World):
        self.world = world
        self.tied = False
        self.next_day = math.inf  # the earliest day on the agenda
        self.traffic: list[Traffic] = []
        self._ops: list[tuple[float, int, int, int, int]] = []  # (day, serial, old, new or -1, owner)
        self._serial = 0
        self._event_days: list[float] = []
        self._retracted_days: list[float] = []
        # Walked incidents still open, handed back to their routines when tension jumps:
        # (last day, owner, kind, number in type, start day, event days).
        self._open: list[tuple[float, int, IncidentTypeParameters, int, float, list[float]]] = []
        self._cancelled: dict[int, float] = {}  # owner -> day after which its walked moves were taken back

    def event_at(self, day: float) -> Any:
        """An event processed on exactly `day`."""
        env = self.world.env
        queue = env._queue
        if any(item[0] == day for item in queue):
            self.tied = True  # the event queue would order the two by when they were scheduled
        event = env.event()
        event._ok = True
        event._value = None
        heapq.heappush(queue, (day, 1, next(env._eid), event))  # 1: simpy.events.NORMAL
        return event

    def enter_walked(self, kind: IncidentTypeParameters, day: float, course: Walk) -> None:
        """An incident whose course was walked starts on `day`."""
        world = self.world
        number = world.enter_counted(kind, day)
        owner = self._serial
        ops = self._ops
        for op_day, old, new in course.ops:
            self._serial += 1
            heapq.heappush(ops, (op_day, self._serial, old, new, owner))
        self._event_days += course.event_days
        last = course.ops[-1][0]
        if world.p.escalation_feedback and last > day and world.can_climb[kind.index]:
            self._open.append((last, owner, kind, number, day, course.event_days))

    def refresh(self) -> None:
        ops = self._ops
        cancelled = self._cancelled
        while ops and ops[0][4] in cancelled and ops[0][0] > cancelled[ops[0][4]]:
            heapq.heappop(ops)
        self.next_day = min([ops[0][0] if ops else math.inf] + [t.next_day for t in self.traffic])

    def catch_up(self, now: float) -> None:
        """Let everything on the agenda before `now` happen, in the order of its days."""
        ops = self._ops
        traffic = self.traffic
        cancelled = self._cancelled
        apply = self.world.apply_move
        while True:
            while ops and ops[0][4] in cancelled and ops[0][0] > cancelled[ops[0][4]]:
                heapq.heappop(ops)  # taken back when its incident went back to its routine
            day = ops[0][0] if ops else math.inf
            first = None
            for stream in traffic:
                if stream.next_day < day:
                    day, first = stream.next_day, stream
                elif stream.next_day == day != math.inf:
                    self.tied = True
            if day >= now:
                if day == now:
                    self.tied = True
                break
            if first is not None:
                first.arrive()
                continue
            day, _, old, new, owner = heapq.heappop(ops)
            if ops and ops[0][0] == day and ops[0][4] != owner:
                self.tied = True
            apply(day, old, new)
        self.next_day = day

    def before_jump(self, day: float, pairs: list[int]) -> None:
        """Tension of `pairs` is about to jump on `day`: what came before happens with the old tension;
        walked incidents still open go back to their routines (all of them: handing back never changes a
        course); arrivals of incident types whose pair's tension changes are interrupted."""
        if day >= self.next_day:
            self.catch_up(day)
        if self._open:
            self._hand_back(day)
        if self.world.p.arrival_feedback:
            for stream in self.traffic:
                if stream.kind.pair in pairs and not stream.interrupt():
                    self.tied = True
        self.refresh()

    def _hand_back(self, day: float) -> None:
        world = self.world
        for last, owner, kind, number, start_day, event_days in self._open:
            if last < day:
                continue
            if last == day or day in event_days:
                self.tied = True
                continue
            self._cancelled[owner] = day
            self._retracted_days += [d for d in event_days if d > day]
            draws = world.block(kind, number)
            course = walk(world, kind, world.covered[kind.index], start_day, draws, until=day)
            if not isinstance(course, Walk) or course.pending is None:
                self.tied = True  # cannot happen: the same tension gives the same course up to `day`
                continue
            pending = course.pending
            incident = Incident(world, kind, -1, number, draws)
            incident.rung = pending.rung
            incident.decisions = pending.decisions
            incident.covered = world.covered[kind.index]
            start_routine(incident.run(pending))
        self._open = []

    def finish(self, stop: float) -> int:
        """Let the agenda happen up to the day the run stopped; return the engine events it held."""
        self.catch_up(stop)
        days = self._event_days
        if stop in days:
            self.tied = True
        return sum(day < stop for day in days) - sum(day < stop for day in self._retracted_days)
