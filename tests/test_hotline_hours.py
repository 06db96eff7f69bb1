"""Hours of operation and suspensions decide when a call can go through."""

from __future__ import annotations

import dataclasses

import simpy

from sim.engine.events.hotline import Hotline
from sim.engine.model.parameters import HotlineParameters


def _hotline(**changes) -> Hotline:
    base = HotlineParameters(
        enabled=True, lines=1, always_open=False, open_hour=9, close_hour=18, weekdays_only=True,
        offset_hours=0.0, start_weekday=0, coverage=frozenset({"navy"}), ring_days=lambda u: 0.0,
        call_days=lambda u: 0.0, queue_when_busy=True, max_retries=0, retry_days=lambda u: 0.0,
        suspend_rung=99, suspension_days=lambda u: 0.0)
    return Hotline(simpy.Environment(), dataclasses.replace(base, **changes))


def hours(day: float) -> float:
    return round(day * 24, 6)


def test_open_during_office_hours() -> None:
    assert hours(_hotline().next_open(10 / 24)) == 10  # Monday 10:00


def test_before_opening_waits_until_nine() -> None:
    assert hours(_hotline().next_open(3 / 24)) == 9  # Monday 03:00 -> 09:00


def test_after_closing_waits_until_next_morning() -> None:
    assert hours(_hotline().next_open(20 / 24)) == 24 + 9  # Monday 20:00 -> Tuesday 09:00


def test_friday_evening_waits_until_monday() -> None:
    assert hours(_hotline().next_open(4 + 19 / 24)) == 7 * 24 + 9


def test_weekends_open_when_not_weekdays_only() -> None:
    assert hours(_hotline(weekdays_only=False).next_open(5 + 10 / 24)) == 5 * 24 + 10


def test_time_zone_offset_shifts_the_hours() -> None:
    # Clock in UTC, hotline in UTC+9: 09:00 local is 00:00 on the clock.
    line = _hotline(offset_hours=9.0, weekdays_only=False)
    assert hours(line.next_open(2 / 24)) == 2  # 02:00 clock = 11:00 local: open
    assert hours(line.next_open(10 / 24)) == 24  # 19:00 local: closed until 09:00 local = 24:00 clock


def test_always_open_is_open_now() -> None:
    assert hours(_hotline(always_open=True).next_open(3.3 / 24)) == 3.3


def test_suspension_delays_the_call_until_it_ends() -> None:
    line = _hotline(always_open=True)
    line.suspend(now=1.0, days=30.0)
    assert line.next_open(2.0) == 31.0
