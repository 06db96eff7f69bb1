"""The drivers' clock: SimPy's `Environment`, able to schedule an event on exactly a given day.

SimPy's public API schedules an event a delay after now, and `now + (day - now)` is not always `day` in
floating point. The fast path must put an event on exactly the day a walk computed (a walked incident that
climbs, a window's end), and must know whether another event is queued on that very day (only the queue
could then order the two). Both need SimPy's internals (`_queue`, `_eid`, and a triggered event's `_ok`
and `_value`); this is the only module that touches them, and `pyproject.toml` keeps simpy below its next
major version.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Container
from typing import Any

import simpy
from simpy.events import NORMAL, URGENT

__all__ = ["Clock"]


class Clock(simpy.Environment):
    """A SimPy environment that also schedules events on given days."""

    def _triggered(self) -> simpy.Event:
        event = simpy.Event(self)
        event._ok = True
        event._value = None
        return event

    def at(self, day: float) -> simpy.Event:
        """A triggered event, processed on exactly `day` (after what is already queued on it)."""
        event = self._triggered()
        heapq.heappush(self._queue, (day, NORMAL, next(self._eid), event))
        return event

    def queued_on(self, day: float, ignore: Container[int] = ()) -> bool:
        """Whether an event is queued on exactly `day`, other than those whose `id` is in `ignore`."""
        return any(item[0] == day and id(item[3]) not in ignore for item in self._queue)

    def right_after(self, callback: Callable[[Any], None]) -> None:
        """Call `callback` once the event being processed is over, before anything else on its day (an
        urgent event, as SimPy delivers an interrupt)."""
        event = self._triggered()
        event.callbacks.append(callback)
        self.schedule(event, URGENT)
