"""Samplers: a uniform in [0, 1) to a random duration by the inverse CDF, one at a time or an array at a time.

Plain picklable objects (compiled parameters travel to worker processes as they are), each with
`__call__(u)` and `many(u)` giving, element by element, the very floats of its scalar calls: the same IEEE
operations in the same order, with `math.log` and `math.exp` applied element by element (numpy's own
transcendental functions may round differently). A log-normal sampler also tells its normal's parameters
and the clipping of u (`lognormal`), a constant one its value (`constant`), so that arrays mixing several
can be sampled in one pass. A leaf module: the scenario builds these (`sim.scenario.distributions`), the
engine calls them.
"""

from __future__ import annotations

import math
from statistics import NormalDist

import numpy as np

from .quantiles import elementwise, normal_quantiles

__all__ = ["Sampler", "ConstantSampler", "ExponentialSampler", "LogNormalSampler", "UniformSampler",
           "TriangularSampler", "GammaSampler", "EPS"]

EPS = 1e-12  # u is clipped to [EPS, 1 - EPS] where the inverse CDF has no finite value at 0 or 1


class Sampler:
    """u in [0, 1) -> a duration (`__call__`), or an array of them (`many`), bit for bit alike."""

    __slots__ = ()
    lognormal: tuple[float, float, float] | None = None  # (mu, sigma, clipping of u) of a log-normal
    constant: float | None = None  # the value of a constant

    def __call__(self, u: float) -> float:  # pragma: no cover - every subclass overrides
        raise NotImplementedError

    def many(self, u: np.ndarray) -> np.ndarray:  # pragma: no cover
        raise NotImplementedError

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and self._key() == other._key()  # type: ignore[attr-defined]

    def __hash__(self) -> int:
        return hash((type(self), self._key()))

    _fields: tuple[str, ...] = ()  # what the sampler is (its equality, its repr, its pickle)

    def _key(self) -> tuple[float, ...]:
        return tuple(getattr(self, name) for name in self._fields)

    def __reduce__(self) -> tuple[type, tuple[float, ...]]:
        return type(self), self._key()

    def __repr__(self) -> str:
        return f"{type(self).__name__}{self._key()}"


class ConstantSampler(Sampler):
    __slots__ = ("value",)
    _fields = ("value",)

    def __init__(self, value: float):
        self.value = value

    @property
    def constant(self) -> float:  # type: ignore[override]
        return self.value

    def __call__(self, u: float) -> float:
        return self.value

    def many(self, u: np.ndarray) -> np.ndarray:
        return np.full(len(u), self.value)


class ExponentialSampler(Sampler):
    __slots__ = ("mean",)
    _fields = ("mean",)

    def __init__(self, mean: float):
        self.mean = mean

    def __call__(self, u: float) -> float:
        return -self.mean * math.log(1.0 - u)

    def many(self, u: np.ndarray) -> np.ndarray:
        return -self.mean * elementwise(math.log, 1.0 - u)


class LogNormalSampler(Sampler):
    """exp of a normal(mu, sigma) quantile, as `NormalDist(mu, sigma).inv_cdf` computes it."""

    __slots__ = ("mu", "sigma", "_inv_cdf")
    _fields = ("mu", "sigma")

    def __init__(self, mu: float, sigma: float):
        self.mu, self.sigma = mu, sigma
        self._inv_cdf = NormalDist(mu, sigma).inv_cdf

    @property
    def lognormal(self) -> tuple[float, float, float]:  # type: ignore[override]
        return self.mu, self.sigma, EPS

    def __call__(self, u: float) -> float:
        return math.exp(self._inv_cdf(min(max(u, EPS), 1.0 - EPS)))

    def many(self, u: np.ndarray) -> np.ndarray:
        return elementwise(math.exp, normal_quantiles(np.minimum(np.maximum(u, EPS), 1.0 - EPS), self.mu, self.sigma))


class UniformSampler(Sampler):
    __slots__ = ("low", "width")
    _fields = ("low", "width")

    def __init__(self, low: float, width: float):
        self.low, self.width = low, width

    def __call__(self, u: float) -> float:
        return self.low + self.width * u

    def many(self, u: np.ndarray) -> np.ndarray:
        return self.low + self.width * u


class TriangularSampler(Sampler):
    __slots__ = ("a", "c", "b", "_cut")
    _fields = ("a", "c", "b")

    def __init__(self, a: float, c: float, b: float):
        self.a, self.c, self.b = a, c, b
        self._cut = (c - a) / (b - a)

    def __call__(self, u: float) -> float:
        a, c, b = self.a, self.c, self.b
        if u < self._cut:
            return a + math.sqrt(u * (b - a) * (c - a))
        return b - math.sqrt((1.0 - u) * (b - a) * (b - c))

    def many(self, u: np.ndarray) -> np.ndarray:
        a, c, b = self.a, self.c, self.b
        return np.where(u < self._cut, a + np.sqrt(u * (b - a) * (c - a)),
                        b - np.sqrt((1.0 - u) * (b - a) * (b - c)))


class GammaSampler(Sampler):
    __slots__ = ("shape", "scale")
    _fields = ("shape", "scale")

    def __init__(self, shape: float, scale: float):
        self.shape, self.scale = shape, scale

    def __call__(self, u: float) -> float:
        from scipy.special import gammaincinv

        return float(gammaincinv(self.shape, min(max(u, EPS), 1.0 - EPS))) * self.scale

    def many(self, u: np.ndarray) -> np.ndarray:
        from scipy.special import gammaincinv

        return gammaincinv(self.shape, np.minimum(np.maximum(u, EPS), 1.0 - EPS)) * self.scale
