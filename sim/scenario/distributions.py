"""Random durations as small validated mappings, each able to turn a uniform draw into a value.

Sampling by inverse CDF lets the engine feed every distribution from its common-random-number blocks:
one uniform in, one duration out, whatever the distribution. `sampler(scale)` gives the picklable sampler
of `sim.samplers` (which also maps arrays of uniforms, bit for bit as its scalar calls).
"""

from __future__ import annotations

import math
from statistics import NormalDist
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from ..samplers import (
    ConstantSampler,
    ExponentialSampler,
    GammaSampler,
    LogNormalSampler,
    Sampler,
    TriangularSampler,
    UniformSampler,
)
from .numbers import refuse_booleans

__all__ = ["Duration", "Constant", "Exponential", "LogNormal", "Uniform", "Triangular", "Gamma"]

_Z90 = NormalDist().inv_cdf(0.9)
# The longest duration a distribution may name, in the unit of its field (hours or days): longer than the
# longest run (36,500 days is 876,000 hours), so "never within the run" is still expressible, and small
# enough that every draw stays a finite float on both paths.
LONGEST = 1e7
# The widest lognormal: a 90th percentile at most this many times the median (sigma <= 5.4). Wider has no
# meaning as an expert's delay, and its largest draws overflow a float.
WIDEST_LOGNORMAL = 1000.0


class _Dist(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    @model_validator(mode="before")
    @classmethod
    def _no_booleans_for_numbers(cls, data: Any) -> Any:
        return refuse_booleans(cls, data)

    def sampler(self, scale: float = 1.0) -> Sampler:  # pragma: no cover - every subclass overrides
        """u in [0, 1) -> value * scale, by the inverse CDF."""
        raise NotImplementedError

    def mean(self) -> float:  # pragma: no cover
        raise NotImplementedError


class Constant(_Dist):
    """Always the same value."""

    dist: Literal["constant"] = "constant"
    value: float = Field(ge=0, le=LONGEST, description="the value, in the unit of the field that holds it")

    def sampler(self, scale: float = 1.0) -> Sampler:
        return ConstantSampler(self.value * scale)

    def mean(self) -> float:
        return self.value


class Exponential(_Dist):
    """Memoryless waiting time with the given mean."""

    dist: Literal["exponential"]
    mean_value: float = Field(gt=0, le=LONGEST, alias="mean", description="mean, in the unit of the field")

    def sampler(self, scale: float = 1.0) -> Sampler:
        return ExponentialSampler(self.mean_value * scale)

    def mean(self) -> float:
        return self.mean_value


class LogNormal(_Dist):
    """Right-skewed delay given by its median and 90th percentile (easier to elicit than mu and sigma)."""

    dist: Literal["lognormal"]
    median: float = Field(gt=0, le=LONGEST, description="median, in the unit of the field")
    p90: float = Field(gt=0, le=LONGEST, description="90th percentile, in the unit of the field; above the "
                       f"median and at most {WIDEST_LOGNORMAL:g} times it")

    @model_validator(mode="after")
    def _p90_above_median(self) -> LogNormal:
        if self.p90 <= self.median:
            raise ValueError(f"p90 ({self.p90}) must be above the median ({self.median})")
        if self.p90 > WIDEST_LOGNORMAL * self.median:
            raise ValueError(f"p90 ({self.p90:g}) is more than {WIDEST_LOGNORMAL:g} times the median "
                             f"({self.median:g}): a delay that wide has no meaning and its draws overflow; raise "
                             "the median or lower p90")
        return self

    def sampler(self, scale: float = 1.0) -> Sampler:
        mu = math.log(self.median)
        sigma = (math.log(self.p90) - mu) / _Z90
        return LogNormalSampler(mu + math.log(scale), sigma)

    def mean(self) -> float:
        sigma = (math.log(self.p90) - math.log(self.median)) / _Z90
        return self.median * math.exp(sigma * sigma / 2)


class Uniform(_Dist):
    """Any value between low and high equally likely."""

    dist: Literal["uniform"]
    low: float = Field(ge=0, le=LONGEST)
    high: float = Field(ge=0, le=LONGEST)

    @model_validator(mode="after")
    def _ordered(self) -> Uniform:
        if self.high < self.low:
            raise ValueError(f"high ({self.high}) must not be below low ({self.low})")
        return self

    def sampler(self, scale: float = 1.0) -> Sampler:
        return UniformSampler(self.low * scale, (self.high - self.low) * scale)

    def mean(self) -> float:
        return (self.low + self.high) / 2


class Triangular(_Dist):
    """Minimum, most likely and maximum: the usual three-point expert estimate."""

    dist: Literal["triangular"]
    low: float = Field(ge=0, le=LONGEST)
    mode: float = Field(ge=0, le=LONGEST)
    high: float = Field(ge=0, le=LONGEST)

    @model_validator(mode="after")
    def _ordered(self) -> Triangular:
        if not self.low <= self.mode <= self.high or self.low == self.high:
            raise ValueError(f"need low <= mode <= high and low < high (got {self.low}, {self.mode}, {self.high})")
        return self

    def sampler(self, scale: float = 1.0) -> Sampler:
        return TriangularSampler(self.low * scale, self.mode * scale, self.high * scale)

    def mean(self) -> float:
        return (self.low + self.mode + self.high) / 3


class Gamma(_Dist):
    """Gamma with a shape and a mean (scale = mean / shape)."""

    dist: Literal["gamma"]
    shape: float = Field(ge=0.01, le=1e6, description="shape (0.01 to 1e6: below, nearly every draw is 0)")
    mean_value: float = Field(gt=0, le=LONGEST, alias="mean")

    def sampler(self, scale: float = 1.0) -> Sampler:
        return GammaSampler(self.shape, self.mean_value / self.shape * scale)

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
