"""How incidents arrive: a Poisson process whose rate rises with the tension of the type's pair, drawn by
thinning, and thinned again by prevention. The formulas every driver reads (the arrival process of the
event-by-event path, the emulated arrivals of the walks); they hold for numbers and numpy arrays alike.

Thinning: candidates come at the rate `bound` (the rate as it stood at the last candidate: tension only
decays between jumps, so it bounds the rate until the next jump), and one is accepted when
`u * bound < rate` (its rate on its day). Prevention keeps an accepted incident with the probability
`prevention_rate_factor` (its own uniform below it).
"""

from __future__ import annotations

from typing import Any

__all__ = ["rate", "accepted", "kept", "gap"]


def rate(base_per_day: float, feedback: float, tension: Any) -> Any:
    """The arrival rate at a tension level (arrival feedback: the rate is multiplied by 1 + feedback x tension)."""
    return base_per_day * (1.0 + feedback * tension)


def accepted(u: Any, bound: Any, rate_now: Any) -> Any:
    """Whether a candidate drawn at the rate `bound` is an arrival at the rate `rate_now`."""
    return u * bound < rate_now


def kept(u: Any, factor: float) -> Any:
    """Whether prevention lets an accepted incident happen."""
    return u < factor


def gap(unit_gap: float, bound: float) -> float:
    """Days to the next candidate: a gap of the unit-rate process (-log(1 - u)) at the rate `bound`."""
    return unit_gap / bound
