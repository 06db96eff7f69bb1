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

import numpy as np

from ..jit import jit

__all__ = ["days_at_levels", "days_at_or_above"]


def days_at_levels(days: np.ndarray, rungs: np.ndarray, signs: np.ndarray, end: float, n_rungs: int) -> list[float]:
    """Days spent at each level up to `end`, given the changes (day, rung, +1 or -1) in the order they
    happened."""
    totals = np.zeros(n_rungs)
    if len(days):
        _sum_levels(np.ascontiguousarray(days, dtype=float), np.ascontiguousarray(rungs, dtype=np.int64),
                    np.ascontiguousarray(signs, dtype=np.int64), float(end), totals)
    return totals.tolist()


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
