"""Political tension: a level that serious incidents raise and that decays with a half-life."""

from __future__ import annotations

import math
from collections.abc import Callable

__all__ = ["Tension"]


class Tension:
    """Exponentially decaying tension, evaluated lazily: level(t) = level0 * exp(-k (t - t0))."""

    __slots__ = ("_level", "_since", "_decay", "_listeners", "before_jump")

    def __init__(self, initial: float, decay_per_day: float):
        self._level = initial
        self._since = 0.0
        self._decay = decay_per_day
        self._listeners: list[Callable[[], None]] = []
        self.before_jump: Callable[[float], None] | None = None  # told the day before the level changes

    def at(self, day: float) -> float:
        if self._level == 0.0:
            return 0.0
        return self._level * math.exp(-self._decay * (day - self._since))

    def jump(self, day: float, amount: float) -> None:
        """Raise tension now and tell listeners (arrival processes whose rate bounds just went stale)."""
        if amount <= 0.0:
            return
        if self.before_jump is not None:
            self.before_jump(day)
        self._level = self.at(day) + amount
        self._since = day
        for notify in self._listeners:
            notify()

    def listen(self, callback: Callable[[], None]) -> None:
        self._listeners.append(callback)

    def listeners_clear(self) -> None:
        self._listeners.clear()
