"""Political tension: a level per pair of parties that serious incidents raise and that decays with a
half-life. A rise between two parties reaches every other pair in part (the spillover)."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable
from typing import Any

from .xp import SCALAR, Namespace

__all__ = ["Tension", "Tensions", "level_at", "MOST_TENSION"]

# Tension saturates here (tension units; the largest jump and initial level the schema allows). Without a
# ceiling, large jumps with arrival feedback feed each other without bound: more incidents, more tension,
# more incidents, until a run never ends. No shipped scenario comes within a factor of ten of it.
MOST_TENSION = 100.0


def level_at(level: float, since: float, decay: float, day: Any, xp: Namespace = SCALAR) -> Any:
    """The tension on `day` (a day or an array of days, none before the last rise) of a pair at `level` on
    `since`, decaying by `decay` per day: level * exp(-decay (day - since)). The one formula every path
    reads."""
    if level == 0.0:
        return xp.zeros_like(day)
    return level * xp.exp(-decay * (day - since))


class Tension:
    """Exponentially decaying tension of one pair, evaluated lazily: level(t) = level0 * exp(-k (t - t0))."""

    __slots__ = ("_level", "_since", "_decay", "_listeners", "history")

    def __init__(self, initial: float, decay_per_day: float):
        self._level = initial
        self._since = 0.0
        self._decay = decay_per_day
        self._listeners: list[Callable[[], None]] = []
        self.history: list[tuple[float, float]] = [(0.0, initial)]  # (since, level) after each rise

    @property
    def decay(self) -> float:
        return self._decay

    @property
    def state(self) -> tuple[float, float, float]:
        """(level, since, decay per day): what `at` reads until the next rise."""
        return self._level, self._since, self._decay

    def at(self, day: float) -> float:
        if day < self._since:  # (a walk settled after the run asks about a day before the last rise)
            return self._before(day)
        if self._level == 0.0:
            return 0.0
        return level_at(self._level, self._since, self._decay, day)

    def _before(self, day: float) -> float:
        """The level on a day before the last rise, from the history of rises (never exp of a positive
        number, which overflows when tension decays fast)."""
        i = bisect_right(self.history, day, key=lambda h: h[0]) - 1
        since, level = self.history[max(i, 0)]
        return 0.0 if level == 0.0 else level_at(level, since, self._decay, max(day, since))

    def rise(self, day: float, amount: float) -> None:
        """Raise the level now and tell listeners (arrival processes whose rate bounds just went stale)."""
        self._level = min(self.at(day) + amount, MOST_TENSION)
        self._since = day
        self.history.append((day, self._level))
        for notify in self._listeners:
            notify()

    def listen(self, callback: Callable[[], None]) -> None:
        self._listeners.append(callback)

    def listeners_clear(self) -> None:
        self._listeners.clear()


class Tensions:
    """The tension of every pair of parties in one replication."""

    __slots__ = ("pairs", "_spillover", "before_jump")

    def __init__(self, n_pairs: int, initial: float, decay_per_day: float, spillover: float):
        self.pairs = [Tension(initial, decay_per_day) for _ in range(n_pairs)]
        self._spillover = spillover
        # Told the day and the pairs whose level is about to change, before it changes.
        self.before_jump: Callable[[float, list[int]], None] | None = None

    def __getitem__(self, pair: int) -> Tension:
        return self.pairs[pair]

    def jump(self, day: float, amount: float, pair: int | None = 0) -> None:
        """Raise the tension of `pair` by `amount` now, and of every other pair by the spillover's share of
        it; `pair=None` raises every pair by the whole amount (a shock that concerns all)."""
        if amount <= 0.0:
            return
        n = len(self.pairs)
        spill = amount * self._spillover
        if pair is None:
            rises = [(q, amount) for q in range(n)]
        elif n == 1 or spill <= 0.0:
            rises = [(pair, amount)]
        else:
            rises = [(q, amount if q == pair else spill) for q in range(n)]
        if self.before_jump is not None:
            self.before_jump(day, [q for q, _ in rises])
        for q, rise in rises:
            self.pairs[q].rise(day, rise)

    def listeners_clear(self) -> None:
        for tension in self.pairs:
            tension.listeners_clear()
