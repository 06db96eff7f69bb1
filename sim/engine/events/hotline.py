"""The hotline as a channel: lines as a SimPy resource, hours of operation, and suspensions.

What a call does (who calls, the race, the mechanisms) is in `sim.engine.call`.
"""

from __future__ import annotations

import math

import simpy

from ..model.parameters import HotlineParameters

__all__ = ["Hotline"]


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
