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

__all__ = ["Duration", "Constant", "Exponential", "LogNormal", "Uniform", "Triangular", "Gamma"]

_EPS = 1e-12
_Z90 = NormalDist().inv_cdf(0.9)
Sampler = Callable[[float], float]


class _Sampler:
    """u in [0, 1) -> value, one at a time (`__call__`) or an array at a time (`many`), bit for bit alike."""

    __slots__ = ("_one", "_many")

    def __init__(self, one: Callable[[float], float], many: Callable[[np.ndarray], np.ndarray]):
        self._one = one
        self._many = many

    def __call__(self, u: float) -> float:
        return self._one(u)

    def many(self, u: np.ndarray) -> np.ndarray:
        return self._many(u)


def _elementwise(f: Callable[[float], float], x: np.ndarray) -> np.ndarray:
    return np.array([f(v) for v in x.tolist()], dtype=float)


# Wichura's AS241 coefficients, as `statistics.NormalDist.inv_cdf` uses them, highest power first.
_CENTRAL_NUM = (2.5090809287301226727e+3, 3.3430575583588128105e+4, 6.7265770927008700853e+4,
                4.5921953931549871457e+4, 1.3731693765509461125e+4, 1.9715909503065514427e+3,
                1.3314166789178437745e+2, 3.3871328727963666080e+0)
_CENTRAL_DEN = (5.2264952788528545610e+3, 2.8729085735721942674e+4, 3.9307895800092710610e+4,
                2.1213794301586595867e+4, 5.3941960214247511077e+3, 6.8718700749205790830e+2,
                4.2313330701600911252e+1, 1.0)
_NEAR_NUM = (7.74545014278341407640e-4, 2.27238449892691845833e-2, 2.41780725177450611770e-1,
             1.27045825245236838258e+0, 3.64784832476320460504e+0, 5.76949722146069140550e+0,
             4.63033784615654529590e+0, 1.42343711074968357734e+0)
_NEAR_DEN = (1.05075007164441684324e-9, 5.47593808499534494600e-4, 1.51986665636164571966e-2,
             1.48103976427480074590e-1, 6.89767334985100004550e-1, 1.67638483018380384940e+0,
             2.05319162663775882187e+0, 1.0)
_FAR_NUM = (2.01033439929228813265e-7, 2.71155556874348757815e-5, 1.24266094738807843860e-3,
            2.65321895265761230930e-2, 2.96560571828504891230e-1, 1.78482653991729133580e+0,
            5.46378491116411436990e+0, 6.65790464350110377720e+0)
_FAR_DEN = (2.04426310338993978564e-15, 1.42151175831644588870e-7, 1.84631831751005468180e-5,
            7.86869131145613259100e-4, 1.48753612908506148525e-2, 1.36929880922735805310e-1,
            5.99832206555887937690e-1, 1.0)


def _horner(coefficients: tuple[float, ...], r: np.ndarray) -> np.ndarray:
    value = coefficients[0] * r + coefficients[1]
    for c in coefficients[2:]:
        value = value * r + c
    return value


def normal_quantiles(p: np.ndarray, mu: float, sigma: float) -> np.ndarray:
    """`NormalDist(mu, sigma).inv_cdf` of every element of `p` (0 < p < 1), the same floats it returns."""
    q = p - 0.5
    x = np.empty_like(p)
    central = np.abs(q) <= 0.425
    if central.any():
        qc = q[central]
        r = 0.180625 - qc * qc
        x[central] = (_horner(_CENTRAL_NUM, r) * qc) / _horner(_CENTRAL_DEN, r)
    tail = ~central
    if tail.any():
        qt = q[tail]
        r = np.where(qt <= 0.0, p[tail], 1.0 - p[tail])
        r = np.sqrt(-_elementwise(math.log, r))
        xt = np.empty_like(r)
        near = r <= 5.0
        if near.any():
            rn = r[near] - 1.6
            xt[near] = _horner(_NEAR_NUM, rn) / _horner(_NEAR_DEN, rn)
        far = ~near
        if far.any():
            rf = r[far] - 5.0
            xt[far] = _horner(_FAR_NUM, rf) / _horner(_FAR_DEN, rf)
        x[tail] = np.where(qt < 0.0, -xt, xt)
    return mu + (x * sigma)


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
        return _Sampler(lambda u: v, lambda u: np.full(len(u), v))

    def mean(self) -> float:
        return self.value


class Exponential(_Dist):
    """Memoryless waiting time with the given mean."""

    dist: Literal["exponential"]
    mean_value: float = Field(gt=0, alias="mean", description="mean, in the unit of the field")

    def sampler(self, scale: float = 1.0) -> Sampler:
        m = self.mean_value * scale
        log = math.log
        return _Sampler(lambda u: -m * log(1.0 - u), lambda u: -m * _elementwise(log, 1.0 - u))

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
            return _elementwise(exp, normal_quantiles(np.minimum(np.maximum(u, _EPS), 1.0 - _EPS), mean, sd))

        return _Sampler(lambda u: exp(inv(min(max(u, _EPS), 1.0 - _EPS))), many)

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
