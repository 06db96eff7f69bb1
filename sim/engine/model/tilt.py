"""Importance sampling at the top of the ladder: escalation choices made more often, each replication weighted.

A rare outcome (reaching the top rungs) needs plain Monte Carlo replications in inverse proportion to its
chance. With a tilt, every choice to escalate at or above `from_rung` (a mover's step up, a crisis
leader's armed response when the crisis rung is at or above it) is drawn with a larger chance q instead of the model's p: `q = min(factor x p,
cap)`, never below p. The choice's uniform u is replaced by u' of density g, g = q/p below p (the step up)
and (1-q)/(1-p) above it, by the inverse of g's distribution function:

    u < q:  u' = u x p / q                    (a step up)
    u >= q: u' = p + (u - q) x (1-p) / (1-q)  (hold or step down, in the model's own proportions)

and the replication's weight is multiplied by the likelihood ratio 1/g(u'): p/q after a step up,
(1-p)/(1-q) otherwise. Everything downstream reads u' as it would read u, so no rule changes.

Why the weighted estimate is unbiased: g may depend on the state the choice is made in (p is computed from
it), but not on the choice's own uniform; then for any outcome A of the replication, the product of the
ratios over every tilted choice is the density of the model's path over the tilted path, and
E_tilted[weight x 1{A}] = P(A) exactly (sequential importance sampling; e.g. Asmussen and Glynn,
Stochastic Simulation, ch. V). Replications are independent, so the mean of weight x 1{A} has the usual
standard error; for two arms on the same seeds, the difference of their weighted indicators is one number
per replication, and its mean and standard error give the paired difference's interval the same way.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

__all__ = ["Tilt", "Weight", "DEFAULT_CAP"]

DEFAULT_CAP = 0.5  # a tilted chance is at most an even chance (and never below the model's)


@dataclass(frozen=True)
class Tilt:
    """Which choices are tilted (escalation at `from_rung` and above) and by how much."""

    factor: float
    from_rung: int
    cap: float = DEFAULT_CAP

    def __post_init__(self) -> None:
        if not (self.factor >= 1.0 and math.isfinite(self.factor)):
            raise ValueError(f"a tilt's factor is at least 1, not {self.factor}")
        if not 0.0 < self.cap < 1.0:
            raise ValueError(f"a tilt's cap is between 0 and 1, not {self.cap}")

    def chance(self, p: float) -> float:
        """The tilted chance q of a choice the model makes with chance p."""
        if p <= 0.0 or p >= self.cap:
            return p
        return min(p * self.factor, self.cap)


class Weight:
    """One replication's likelihood ratio, kept as its logarithm, and the tilt that builds it."""

    __slots__ = ("tilt", "log")

    def __init__(self, tilt: Tilt):
        self.tilt = tilt
        self.log = 0.0

    def uniform(self, u: float, p: float) -> float:
        """The uniform the model reads for a choice it makes when u' < p (see the module)."""
        q = self.tilt.chance(p)
        if q == p:
            return u
        if u < q:
            self.log += math.log(p / q)
            v = u * (p / q)
            return v if v < p else math.nextafter(p, 0.0)  # (rounding never turns a step up into a hold)
        self.log += math.log((1.0 - p) / (1.0 - q))
        return p + (u - q) * ((1.0 - p) / (1.0 - q))
