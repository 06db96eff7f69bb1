"""Quantiles of the normal distribution for arrays, the very floats `statistics.NormalDist.inv_cdf` gives.

Wichura's algorithm AS241 as CPython writes it (rational functions of the probability, a logarithm in the
tails): the same IEEE operations in the same order, element by element, with `math.log` itself applied to
each element (numpy's logarithm may round differently). A leaf module: the scenario's samplers and the
engine's batch walks both use it.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from statistics import NormalDist

import numpy as np

__all__ = ["standard_normal_quantiles", "normal_quantiles", "elementwise"]


def elementwise(f: Callable[[float], float], x: np.ndarray) -> np.ndarray:
    """`f` (a scalar function such as `math.exp`) applied to every element."""
    return np.fromiter(map(f, x.tolist()), dtype=float, count=len(x))


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


# `NormalDist.inv_cdf` itself, one element at a time, gives the same floats and costs less than some twenty
# array operations for up to about this many elements (measured): for all of a small array, for the tails.
ONE_BY_ONE = 128
FEW_TAILS = 256
_STANDARD = NormalDist()


def _stacked(numerator: tuple[float, ...], denominator: tuple[float, ...]) -> np.ndarray:
    return np.array([numerator, denominator], dtype=float).T[:, :, None]  # (power, 2, 1)


_CENTRAL = _stacked(_CENTRAL_NUM, _CENTRAL_DEN)
_NEAR = _stacked(_NEAR_NUM, _NEAR_DEN)
_FAR = _stacked(_FAR_NUM, _FAR_DEN)


def _horner(coefficients: np.ndarray, r: np.ndarray) -> np.ndarray:
    """Numerator and denominator (rows 0 and 1) by Horner's rule, as `NormalDist.inv_cdf` writes them
    (((c0 * r + c1) * r + c2) ...): both polynomials in one array operation per power."""
    value = coefficients[0] * r
    value += coefficients[1]
    for c in coefficients[2:]:  # in place: the same operations, without a new array for each
        value *= r
        value += c
    return value


def standard_normal_quantiles(p: np.ndarray) -> np.ndarray:
    """The standard normal quantile `x` of every element of `p` (0 < p < 1) that `NormalDist(mu, sigma)
    .inv_cdf` computes before it returns `mu + (x * sigma)`: the same floats. Any shape."""
    shape = p.shape
    p = p.ravel()
    if len(p) <= ONE_BY_ONE:
        return elementwise(_STANDARD.inv_cdf, p).reshape(shape)
    q = p - 0.5
    r = 0.180625 - q * q
    nd = _horner(_CENTRAL, r)
    x = nd[0] * q
    x /= nd[1]  # the central formula, right where |q| <= 0.425
    tail = np.flatnonzero(np.abs(q) > 0.425)
    if len(tail) > FEW_TAILS:
        x[tail] = _tails(p[tail], q[tail])
    elif len(tail):
        x[tail] = elementwise(_STANDARD.inv_cdf, p[tail])
    return x.reshape(shape)


def _tails(p: np.ndarray, q: np.ndarray) -> np.ndarray:
    """The quantiles where |q| > 0.425: a logarithm, then one of two rational functions."""
    r = np.sqrt(-elementwise(math.log, np.where(q <= 0.0, p, 1.0 - p)))
    near = r <= 5.0
    if near.all():
        nd = _horner(_NEAR, r - 1.6)
        x = nd[0] / nd[1]
    else:
        x = np.empty_like(r)
        nd = _horner(_NEAR, r[near] - 1.6)
        x[near] = nd[0] / nd[1]
        far = ~near
        nd = _horner(_FAR, r[far] - 5.0)
        x[far] = nd[0] / nd[1]
    return np.where(q < 0.0, -x, x)


def normal_quantiles(p: np.ndarray, mu: float | np.ndarray, sigma: float | np.ndarray) -> np.ndarray:
    """`NormalDist(mu, sigma).inv_cdf` of every element of `p` (mu and sigma may differ by element)."""
    return mu + (standard_normal_quantiles(p) * sigma)
