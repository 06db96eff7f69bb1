"""Intervals and paired comparisons for binary outcomes. Knows nothing of SimPy or files.

- Wilson score interval for one proportion (Wilson 1927).
- For the difference of two paired proportions, Tango's asymptotic score interval (Tango 1998,
  Statistics in Medicine 17:891), which keeps close to its nominal coverage even with few discordant pairs
  all of one sign (the usual case when common random numbers pair two arms). Its width follows the
  discordant pairs, so it shows what common random numbers gain.
- The variance-reduction factor that common random numbers achieve on a paired difference.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from scipy.optimize import brentq
from scipy.stats import norm

__all__ = ["Interval", "wilson", "PairedCounts", "paired_difference", "variance_reduction", "z_value"]


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


def _tango_statistic(delta: float, b: int, c: int, n: int) -> float:
    """Score statistic for H0: p_first - p_second = delta, with the constrained MLE of p_second_only."""
    a2 = 2.0 * n
    b2 = -b - c + (2.0 * n - b + c) * delta
    c2 = -c * delta * (1.0 - delta)
    p21 = (math.sqrt(max(b2 * b2 - 4.0 * a2 * c2, 0.0)) - b2) / (2.0 * a2)
    var = n * (2.0 * p21 + delta * (1.0 - delta))
    num = b - c - n * delta
    if var <= 0.0:
        return math.copysign(math.inf, num) if num else 0.0
    return num / math.sqrt(var)


def paired_difference(t: PairedCounts, confidence: float = 0.95) -> Interval:
    """Difference p_first - p_second = (b - c) / n, with Tango's score interval for paired data."""
    n = t.n
    if n == 0:
        return Interval(math.nan, -1.0, 1.0)
    z = z_value(confidence)
    b, c = t.first_only, t.second_only
    estimate = (b - c) / n
    eps = 1e-10
    # The statistic falls as delta rises: the limits are where it crosses +z and -z.
    low = -1.0 if estimate <= -1.0 + eps else brentq(
        lambda d: _tango_statistic(d, b, c, n) - z, -1.0 + eps, estimate if b != c else eps, xtol=1e-12)
    high = 1.0 if estimate >= 1.0 - eps else brentq(
        lambda d: _tango_statistic(d, b, c, n) + z, estimate if b != c else -eps, 1.0 - eps, xtol=1e-12)
    return Interval(estimate, low, high)


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
