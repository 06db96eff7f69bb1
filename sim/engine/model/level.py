"""The world's crisis level: the highest rung among open incidents, and the days spent at each level.

Incidents put +1 on a rung when they enter or move onto it and -1 when they leave it or end. The level
after each change is the highest rung with an incident on it (-1: none open). Time at a level is summed
in the order the level changes, one piece (days since the last change) at a time, as a tracker updated
event by event would sum it; `days_at_levels` computes that from the whole list of changes at once, which
lets changes be recorded in any order and sorted afterwards. A change that leaves the level where it was
adds nothing; one that passes through another level and back at the same instant adds a piece of 0.0
there, which changes no sum.
"""

from __future__ import annotations

import math

import numpy as np

from ..jit import COMPILED, jit

__all__ = ["days_at_levels", "days_at_or_above", "order_of_days"]


def days_at_levels(days: np.ndarray, rungs: np.ndarray, signs: np.ndarray, end: float, n_rungs: int) -> list[float]:
    """Days spent at each level up to `end`, given the changes (day, rung, +1 or -1) in the order they
    happened."""
    if not COMPILED:
        return _on_arrays(days, rungs, signs, end, n_rungs)
    totals = np.zeros(n_rungs)
    if len(days):
        _sum_levels(np.ascontiguousarray(days, dtype=float), np.ascontiguousarray(rungs, dtype=np.int64),
                    np.ascontiguousarray(signs, dtype=np.int64), float(end), totals)
    return totals.tolist()


def _on_arrays(days: np.ndarray, rungs: np.ndarray, signs: np.ndarray, end: float, n_rungs: int) -> list[float]:
    """`days_at_levels` without compiled code: the open incidents on each rung after each change by a
    cumulative sum, the level after each, and the pieces at each level summed by `np.cumsum` (one after
    another, as the tracker adds them): the same floats."""
    n = len(days)
    totals = [0.0] * n_rungs
    if n == 0:
        return totals
    counts = np.zeros((n_rungs, n), dtype=np.int32)  # open incidents on each rung after each change
    counts[n_rungs - 1 - rungs, np.arange(n)] = signs  # the top rung first
    np.cumsum(counts, axis=1, out=counts)
    occupied = np.empty((n_rungs + 1, n), dtype=bool)
    np.greater(counts, 0, out=occupied[:n_rungs])
    occupied[n_rungs] = True  # below the bottom rung: "none open", level -1
    level = n_rungs - 1 - np.argmax(occupied, axis=0)
    before = np.empty_like(level)
    before[0] = -1
    before[1:] = level[:-1]
    changes = np.flatnonzero(level != before)
    if not len(changes):
        return totals
    at = days[changes]
    levels = level[changes]  # the level from each change to the next
    pieces = np.empty(len(changes))
    pieces[:-1] = at[1:] - at[:-1]
    pieces[-1] = end - at[-1]
    for rung in np.unique(levels[levels >= 0]).tolist():
        totals[rung] = float(np.cumsum(pieces[levels == rung])[-1])
    return totals


@jit
def _sum_levels(days: np.ndarray, rungs: np.ndarray, signs: np.ndarray, end: float, totals: np.ndarray) -> None:
    """The tracker, change by change: the open incidents on each rung, the level (the highest rung with
    one, -1 with none) after each change, and each piece of time added to the level it was spent at when
    the level changes (from 0.0, one piece after another: the floats a tracker updated by events sums)."""
    n_rungs = len(totals)
    counts = np.zeros(n_rungs, np.int64)
    level = -1
    since = 0.0
    started = False
    for i in range(len(days)):
        counts[rungs[i]] += signs[i]
        new = -1
        for r in range(n_rungs - 1, -1, -1):
            if counts[r] > 0:
                new = r
                break
        if new != level:
            if started and level >= 0:
                totals[level] += days[i] - since
            since = days[i]
            level = new
            started = True
    if started and level >= 0:
        totals[level] += end - since


def days_at_or_above(at_level: list[float]) -> list[float]:
    """Days at or above each rung: the days at each level summed from the top down."""
    out = [0.0] * len(at_level)
    total = 0.0
    for rung in range(len(at_level) - 1, -1, -1):
        total += at_level[rung]
        out[rung] = total
    return out


def order_of_days(days: np.ndarray) -> np.ndarray:
    """`np.argsort(days, kind="stable")`: the changes in the order of their days, ties in the order given.
    In compiled code, by a bucket sort: as many buckets as changes over the days' range, each change put in
    its bucket in the order given, then each bucket sorted by insertion (moving an element only past greater
    days, which keeps ties in order). The bucket of a day never decreases with the day, so this is a stable
    sort, and a stable sort has only one result. Days bunched so that a bucket holds more than
    `_CROWDED` are left to numpy."""
    n = len(days)
    if not COMPILED or n < 64:
        return np.argsort(days, kind="stable")
    order = np.empty(n, dtype=np.int64)
    if not _order_of_days(np.ascontiguousarray(days, dtype=float), order):
        return np.argsort(days, kind="stable")
    return order


_CROWDED = 256  # changes in one bucket beyond which insertion would cost more than numpy's sort


@jit
def _order_of_days(days: np.ndarray, order: np.ndarray) -> bool:
    """The bucket sort of `order_of_days` into `order`; False (nothing promised in `order`) when a day is
    not finite or a bucket is crowded."""
    n = len(days)
    lo = days[0]
    hi = days[0]
    for i in range(n):
        d = days[i]
        if not math.isfinite(d):
            return False
        if d < lo:
            lo = d
        if d > hi:
            hi = d
    if hi == lo:
        for i in range(n):
            order[i] = i
        return True
    scale = n / (hi - lo)
    starts = np.zeros(n + 2, np.int64)
    for i in range(n):
        b = int((days[i] - lo) * scale)
        b = n - 1 if b > n - 1 else b
        starts[b + 1] += 1
    for b in range(1, n + 1):
        if starts[b] > _CROWDED:
            return False
        starts[b] += starts[b - 1]
    fill = starts[:n].copy()
    for i in range(n):
        b = int((days[i] - lo) * scale)
        b = n - 1 if b > n - 1 else b
        order[fill[b]] = i
        fill[b] += 1
    for b in range(n):
        first = starts[b]
        for j in range(first + 1, starts[b + 1]):
            k = order[j]
            key = days[k]
            m = j - 1
            while m >= first and days[order[m]] > key:
                order[m + 1] = order[m]
                m -= 1
            order[m + 1] = k
    return True
