"""Random durations as small validated mappings, each able to turn a uniform draw into a value.

Sampling by inverse CDF lets the engine feed every distribution from its common-random-number blocks:
one uniform in, one duration out, whatever the distribution. Each sampler also maps an array of uniforms
at once (`many`), giving for every element the very float its scalar call gives: the same IEEE operations
in the same order, with `math.log` and `math.exp` themselves applied element by element (numpy's own
transcendental functions may round differently). The engine's fast path relies on that equality.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from statistics import NormalDist
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from ..quantiles import elementwise, normal_quantiles

__all__ = ["Duration", "Constant", "Exponential", "LogNormal", "Uniform", "Triangular", "Gamma"]

_EPS = 1e-12
_Z90 = NormalDist().inv_cdf(0.9)
Sampler = Callable[[float], float]


class _Sampler:
    """u in [0, 1) -> value, one at a time (`__call__`) or an array at a time (`many`), bit for bit alike.
    A log-normal one also tells its normal's (mu, sigma) and the clipping of u (`lognormal`), so that
    arrays mixing several can be sampled in one pass; a constant one its value (`constant`)."""

    __slots__ = ("_one", "_many", "lognormal", "constant")

    def __init__(self, one: Callable[[float], float], many: Callable[[np.ndarray], np.ndarray],
                 lognormal: tuple[float, float, float] | None = None, constant: float | None = None):
        self._one = one
        self._many = many
        self.lognormal = lognormal
        self.constant = constant

    def __call__(self, u: float) -> float:
        return self._one(u)

    def many(self, u: np.ndarray) -> np.ndarray:
        return self._many(u)


class _Dist(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    def sampler(self, scale: float = 1.0) -> Sampler:  # pragma: no cover - every subclass overrides
        """u in [0, 1) -> value * scale, by the inverse CDF."""
        raise NotImplementedError

    def mean(self) -> float:  # pragma: no cover
        raise NotImplementedError


class Constant(_Dist):
    """Always the same value."""

    dist: Literal["constant"] = "constant"
    value: float = Field(ge=0, description="the value, in the unit of the field that holds it")

    def sampler(self, scale: float = 1.0) -> Sampler:
        v = self.value * scale
        return _Sampler(lambda u: v, lambda u: np.full(len(u), v), constant=v)

    def mean(self) -> float:
        return self.value


class Exponential(_Dist):
    """Memoryless waiting time with the given mean."""

    dist: Literal["exponential"]
    mean_value: float = Field(gt=0, alias="mean", description="mean, in the unit of the field")

    def sampler(self, scale: float = 1.0) -> Sampler:
        m = self.mean_value * scale
        log = math.log
        return _Sampler(lambda u: -m * log(1.0 - u), lambda u: -m * elementwise(log, 1.0 - u))

    def mean(self) -> float:
        return self.mean_value


class LogNormal(_Dist):
    """Right-skewed delay given by its median and 90th percentile (easier to elicit than mu and sigma)."""

    dist: Literal["lognormal"]
    median: float = Field(gt=0, description="median, in the unit of the field")
    p90: float = Field(gt=0, description="90th percentile, in the unit of the field; above the median")

    @model_validator(mode="after")
    def _p90_above_median(self) -> LogNormal:
        if self.p90 <= self.median:
            raise ValueError(f"p90 ({self.p90}) must be above the median ({self.median})")
        return self

    def sampler(self, scale: float = 1.0) -> Sampler:
        mu = math.log(self.median)
        sigma = (math.log(self.p90) - mu) / _Z90
        dist = NormalDist(mu + math.log(scale), sigma)
        inv, exp = dist.inv_cdf, math.exp
        mean, sd = dist.mean, dist.stdev

        def many(u: np.ndarray) -> np.ndarray:
            return elementwise(exp, normal_quantiles(np.minimum(np.maximum(u, _EPS), 1.0 - _EPS), mean, sd))

        return _Sampler(lambda u: exp(inv(min(max(u, _EPS), 1.0 - _EPS))), many, lognormal=(mean, sd, _EPS))

    def mean(self) -> float:
        sigma = (math.log(self.p90) - math.log(self.median)) / _Z90
        return self.median * math.exp(sigma * sigma / 2)


class Uniform(_Dist):
    """Any value between low and high equally likely."""

    dist: Literal["uniform"]
    low: float = Field(ge=0)
    high: float = Field(ge=0)

    @model_validator(mode="after")
    def _ordered(self) -> Uniform:
        if self.high < self.low:
            raise ValueError(f"high ({self.high}) must not be below low ({self.low})")
        return self

    def sampler(self, scale: float = 1.0) -> Sampler:
        lo, width = self.low * scale, (self.high - self.low) * scale
        return _Sampler(lambda u: lo + width * u, lambda u: lo + width * u)

    def mean(self) -> float:
        return (self.low + self.high) / 2


class Triangular(_Dist):
    """Minimum, most likely and maximum: the usual three-point expert estimate."""

    dist: Literal["triangular"]
    low: float = Field(ge=0)
    mode: float = Field(ge=0)
    high: float = Field(ge=0)

    @model_validator(mode="after")
    def _ordered(self) -> Triangular:
        if not self.low <= self.mode <= self.high or self.low == self.high:
            raise ValueError(f"need low <= mode <= high and low < high (got {self.low}, {self.mode}, {self.high})")
        return self

    def sampler(self, scale: float = 1.0) -> Sampler:
        a, c, b = self.low * scale, self.mode * scale, self.high * scale
        cut = (c - a) / (b - a)
        sqrt = math.sqrt

        def draw(u: float) -> float:
            if u < cut:
                return a + sqrt(u * (b - a) * (c - a))
            return b - sqrt((1.0 - u) * (b - a) * (b - c))

        def many(u: np.ndarray) -> np.ndarray:
            return np.where(u < cut, a + np.sqrt(u * (b - a) * (c - a)), b - np.sqrt((1.0 - u) * (b - a) * (b - c)))

        return _Sampler(draw, many)

    def mean(self) -> float:
        return (self.low + self.mode + self.high) / 3


class Gamma(_Dist):
    """Gamma with a shape and a mean (scale = mean / shape)."""

    dist: Literal["gamma"]
    shape: float = Field(gt=0)
    mean_value: float = Field(gt=0, alias="mean")

    def sampler(self, scale: float = 1.0) -> Sampler:
        from scipy.special import gammaincinv

        k, scale = self.shape, self.mean_value / self.shape * scale
        return _Sampler(lambda u: float(gammaincinv(k, min(max(u, _EPS), 1.0 - _EPS))) * scale,
                        lambda u: gammaincinv(k, np.minimum(np.maximum(u, _EPS), 1.0 - _EPS)) * scale)

    def mean(self) -> float:
        return self.mean_value


def _shorthand(value: Any) -> Any:
    """A bare number means a constant."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return {"dist": "constant", "value": value}
    return value


Duration = Annotated[
    Constant | Exponential | LogNormal | Uniform | Triangular | Gamma,
    Field(discriminator="dist"),
    BeforeValidator(_shorthand),
]
