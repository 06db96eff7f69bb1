"""Intervals and paired comparisons for binary outcomes. Knows nothing of SimPy or files.

- Wilson score interval for one proportion (Wilson 1927).
- Newcombe's hybrid score interval for the difference of two paired proportions (Newcombe 1998,
  Statistics in Medicine 17:2635, method 10), which behaves well when events are rare.
- The variance-reduction factor that common random numbers achieve on a paired difference.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from scipy.stats import norm

__all__ = ["Interval", "wilson", "PairedCounts", "paired_difference", "variance_reduction", "z_value",
           "wilson_half_width"]


def z_value(confidence: float = 0.95) -> float:
    return float(norm.ppf(0.5 + confidence / 2))


@dataclass(frozen=True)
class Interval:
    estimate: float
    low: float
    high: float

    @property
    def half_width(self) -> float:
        return (self.high - self.low) / 2

    def contains(self, value: float) -> bool:
        return self.low <= value <= self.high


def wilson(successes: int, n: int, confidence: float = 0.95) -> Interval:
    """Wilson score interval for successes out of n. With n = 0 the interval is [0, 1]."""
    if n <= 0:
        return Interval(math.nan, 0.0, 1.0)
    if not 0 <= successes <= n:
        raise ValueError(f"successes must be within 0..n (got {successes} of {n})")
    z = z_value(confidence)
    p = successes / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    low = 0.0 if successes == 0 else max(0.0, centre - half)
    high = 1.0 if successes == n else min(1.0, centre + half)
    return Interval(p, low, high)


def wilson_half_width(successes: int, n: int, confidence: float = 0.95) -> float:
    return wilson(successes, n, confidence).half_width


@dataclass(frozen=True)
class PairedCounts:
    """A 2x2 table of paired binary outcomes: `both` yes, `first_only`, `second_only`, `neither`."""

    both: int
    first_only: int
    second_only: int
    neither: int

    @property
    def n(self) -> int:
        return self.both + self.first_only + self.second_only + self.neither


def paired_difference(t: PairedCounts, confidence: float = 0.95) -> Interval:
    """Difference p_first - p_second with Newcombe's method-10 interval for paired data."""
    n = t.n
    if n == 0:
        return Interval(math.nan, -1.0, 1.0)
    a, b, c, d = t.both, t.first_only, t.second_only, t.neither
    p1, p2 = (a + b) / n, (a + c) / n
    w1, w2 = wilson(a + b, n, confidence), wilson(a + c, n, confidence)
    denom = (a + b) * (c + d) * (a + c) * (b + d)
    phi = (a * d - b * c) / math.sqrt(denom) if denom > 0 else 0.0
    diff = p1 - p2
    dl = (p1 - w1.low) ** 2 - 2 * phi * (p1 - w1.low) * (w2.high - p2) + (w2.high - p2) ** 2
    du = (w1.high - p1) ** 2 - 2 * phi * (w1.high - p1) * (p2 - w2.low) + (p2 - w2.low) ** 2
    return Interval(diff, max(-1.0, diff - math.sqrt(max(dl, 0.0))), min(1.0, diff + math.sqrt(max(du, 0.0))))


def variance_reduction(t: PairedCounts) -> float | None:
    """Var(difference) had the arms been run independently, over Var(difference) with common random numbers.

    None when both are zero (no event in either arm); infinity when the paired variance is zero.
    """
    n = t.n
    if n == 0:
        return None
    p1, p2 = (t.both + t.first_only) / n, (t.both + t.second_only) / n
    independent = p1 * (1 - p1) + p2 * (1 - p2)
    paired = (t.first_only + t.second_only) / n - (p1 - p2) ** 2  # Var(X1 - X2) for 0/1 outcomes
    if independent <= 0:
        return None
    if paired <= 1e-15:
        return math.inf
    return independent / paired
