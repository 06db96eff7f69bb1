"""Many incidents as rows: the array namespace the model's rules run on, and the sides' numbers by row.

`Rows` is the array counterpart of `sim.engine.model.xp.SCALAR`: numpy's selections and comparisons
(exactly rounded, as Python's), `math.exp` element by element, and random durations drawn type by type
with each sampler's `many` (the very floats of its scalar calls). `SideTables` turns the sides of the
walked incident types into arrays by (type, side[, rung]) - every field of `Side`, found from the
dataclass, so a new posture term needs nothing here - and `SideTables.side(t, s)` reads them as a `Side`
reads: `mover.retaliation` is each row's number, `mover.up[rung]` each row's rung of its table.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any

import numpy as np

from ...quantiles import elementwise, normal_quantiles, standard_normal_quantiles
from ..model.cache import by_identity
from ..model.parameters import Side

__all__ = ["Rows", "SideTables", "SideRows", "sample_many", "by_type", "LogNormalDelays", "SMALL", "MOVES_IN_BLOCK"]

SMALL = 48  # fewer elements than this are cheaper one by one than through array operations
MOVES_IN_BLOCK = 10  # a block holds two draws for durations and five for each of ten moves


def sample_many(sampler: Any, u: np.ndarray) -> np.ndarray:
    """The sampler applied to every element (its `many` when it has one, else element by element)."""
    many = getattr(sampler, "many", None)
    if many is not None and len(u) >= SMALL:
        return many(u)
    return np.array([sampler(x) for x in u.tolist()], dtype=float)


def _lognormal(samplers: list[Any]) -> tuple[np.ndarray, np.ndarray, float] | None:
    """When every sampler is log-normal with the same clipping of u: their normals' mu and sigma (by
    position) and that clipping; else None."""
    params = [getattr(s, "lognormal", None) for s in samplers]
    if any(q is None for q in params) or len({q[2] for q in params}) != 1:  # type: ignore[index]
        return None
    return (np.array([q[0] for q in params]), np.array([q[1] for q in params]),  # type: ignore[index]
            params[0][2])  # type: ignore[index]


def by_type(samplers: list[Any], t: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Each element's own type's sampler applied to it: log-normal ones (and constant ones) all in one
    pass with parameters by element (the same arithmetic, element by element), others type by type."""
    first = samplers[0]
    if len(samplers) == 1 or all(s is first for s in samplers):
        return sample_many(first, u)
    lognormal = _lognormal(samplers) if len(u) >= SMALL else None
    if lognormal is not None:
        mu, sigma, eps = lognormal
        return elementwise(math.exp, normal_quantiles(np.minimum(np.maximum(u, eps), 1.0 - eps), mu[t], sigma[t]))
    constant = [getattr(s, "constant", None) for s in samplers]
    if all(x is not None for x in constant):
        return np.array(constant, dtype=float)[t]
    out = np.empty(len(u))
    for j in np.unique(t).tolist():
        mask = t == j
        out[mask] = sample_many(samplers[j], u[mask])
    return out


class _ByRung:
    """A side's table by rung, for many rows: `[rung]` is each row's own rung of its own type's table
    (the side's tables by type laid end to end, `flat`, read at `t * rungs + rung`)."""

    __slots__ = ("_flat", "_offset")

    def __init__(self, flat: np.ndarray, offset: np.ndarray):
        self._flat, self._offset = flat, offset

    def __getitem__(self, rung: np.ndarray) -> np.ndarray:
        return self._flat.take(self._offset + rung)


class _Samplers:
    """A side's random durations, for many rows: each row's type's sampler."""

    __slots__ = ("name", "side", "by_type", "t")

    def __init__(self, name: str, side: int, samplers: list[Any], t: np.ndarray):
        self.name, self.side, self.by_type, self.t = name, side, samplers, t


class SideTables:
    """Every numeric field of the sides of some incident types, as arrays by (type, side[, rung]) (`table`);
    random durations as lists by side and type. Side 0 is the initiator's, 1 the responder's. Rows read
    each side's numbers from contiguous copies (`column`: by type; by type and rung laid end to end)."""

    def __init__(self, sides: list[tuple[Side, Side]]):
        self._sides = sides
        self._tables: dict[str, Any] = {}
        self._columns: dict[tuple[str, int], Any] = {}
        self.rungs = len(sides[0][0].up)

    def table(self, name: str) -> Any:
        table = self._tables.get(name)
        if table is None:
            values = [[getattr(side, name) for side in pair] for pair in self._sides]
            sample = values[0][0]
            if callable(sample):
                table = [[pair[s] for pair in values] for s in (0, 1)]
            elif isinstance(sample, bool | int | float | tuple):
                table = np.array(values, dtype=float if isinstance(sample, float | tuple) else None)
            else:
                raise AttributeError(f"the side's {name!r} is not a number: walks cannot read it")
            self._tables[name] = table
        return table

    def column(self, name: str, s: int) -> Any:
        """Side `s`'s `name`: by type (flattened by type and rung for tables by rung); samplers by type."""
        key = (name, s)
        column = self._columns.get(key)
        if column is None:
            table = self.table(name)
            column = table[s] if isinstance(table, list) else np.ascontiguousarray(table[:, s]).ravel()
            self._columns[key] = column
        return column

    def lognormal_delays(self) -> list[tuple[np.ndarray, np.ndarray, float]] | None:
        """Both sides' decision delays as log-normal parameters by type, if all are log-normal with the same
        clipping of u (worked out once)."""
        if "lognormal delays" not in self._columns:
            delays = self.table("delay_days")
            by_side = [_lognormal(delays[side]) for side in (0, 1)]
            ok = by_side[0] is not None and by_side[1] is not None and by_side[0][2] == by_side[1][2]
            self._columns["lognormal delays"] = by_side if ok else None  # type: ignore[index]
        return self._columns["lognormal delays"]  # type: ignore[index]

    def by_rung(self, name: str) -> bool:
        table = self.table(name)
        return not isinstance(table, list) and table.ndim == 3

    def side(self, t: np.ndarray, s: int) -> SideRows:
        return SideRows(self, t, s)

    @staticmethod
    def of(sides: list[tuple[Side, Side]]) -> SideTables:
        """The tables of these sides, built once for all the replications of an arm (by the sides' identity)."""
        return by_identity(_KNOWN, tuple(side for pair in sides for side in pair), lambda: SideTables(sides))


_KNOWN: dict[tuple[int, ...], Any] = {}


_FIELDS = {f.name for f in dataclasses.fields(Side)}


class SideRows:
    """One side (`s`) of many incidents (their type positions `t`), read as a `Side` is read."""

    __slots__ = ("_tables", "_t", "_s", "_offset")

    def __init__(self, tables: SideTables, t: np.ndarray, s: int):
        self._tables, self._t, self._s = tables, t, s
        self._offset: np.ndarray | None = None

    def __getattr__(self, name: str) -> Any:
        if name not in _FIELDS:
            raise AttributeError(name)
        column = self._tables.column(name, self._s)
        if isinstance(column, list):
            return _Samplers(name, self._s, column, self._t)
        if self._tables.by_rung(name):
            if self._offset is None:
                self._offset = self._t * self._tables.rungs
            return _ByRung(column, self._offset)
        return column.take(self._t)


class LogNormalDelays:
    """Decision delays when every side's is log-normal: the standard normal quantiles of the uniforms of
    several moves are computed at once (for the incidents still going when the first of them is needed),
    and move k's delay is `exp(mu + (x * sigma))` with the mover's parameters, as `NormalDist(mu, sigma)
    .inv_cdf` and `math.exp` compute it."""

    BLOCKS = ((0, 2), (2, 5), (5, MOVES_IN_BLOCK))  # moves whose quantiles are computed together

    def __init__(self, rows: np.ndarray, by_side: list[tuple[np.ndarray, np.ndarray, float]]):
        self.rows = rows
        self.eps = by_side[0][2]
        self.x = np.empty((len(rows), MOVES_IN_BLOCK))
        self.mu = [mu for mu, _, _ in by_side]
        self.sigma = [sigma for _, sigma, _ in by_side]

    def __call__(self, k: int, side: int, alive: np.ndarray, t: np.ndarray) -> np.ndarray:
        for first, stop in self.BLOCKS:
            if k == first:
                u = self.rows[alive, 2 + 5 * first:2 + 5 * stop:5]
                self.x[alive, first:stop] = standard_normal_quantiles(np.minimum(np.maximum(u, self.eps),
                                                                                 1.0 - self.eps))
        return elementwise(math.exp, self.mu[side][t] + (self.x[alive, k] * self.sigma[side][t]))

    @staticmethod
    def of(tables: SideTables, rows: np.ndarray) -> LogNormalDelays | None:
        """The delays of the sides if every one's is log-normal, all with the same clipping; else None."""
        by_side = tables.lognormal_delays()
        return None if by_side is None else LogNormalDelays(rows, by_side)


class Rows:
    """The array namespace of one move of many incidents (`sim.engine.model.xp`): move `k` of the rows
    `alive` of a batch; `delays`, when given, computes the decision delays from the batch's uniforms."""

    __slots__ = ("_k", "_alive", "_delays")

    def __init__(self, k: int = 0, alive: np.ndarray | None = None, delays: LogNormalDelays | None = None):
        self._k, self._alive, self._delays = k, alive, delays

    where = staticmethod(np.where)
    not_ = staticmethod(np.logical_not)

    @staticmethod
    def at_most(a: Any, b: Any) -> Any:
        return np.where(a > b, b, a)

    @staticmethod
    def at_least(a: Any, b: Any) -> Any:
        return np.where(b > a, b, a)

    @staticmethod
    def exp(a: np.ndarray) -> np.ndarray:
        return elementwise(math.exp, a)

    @staticmethod
    def zeros_like(a: np.ndarray) -> np.ndarray:
        return np.zeros(len(a))

    @staticmethod
    def any(a: np.ndarray) -> bool:
        return np.count_nonzero(a) > 0  # (a.any() costs three times as much on small arrays)

    def sample(self, samplers: _Samplers, u: np.ndarray) -> np.ndarray:
        if samplers.name == "delay_days" and self._delays is not None:
            # `u` is the decision-delay uniform of move k of the rows: the quantiles are at hand.
            return self._delays(self._k, samplers.side, self._alive, samplers.t)  # type: ignore[arg-type]
        return by_type(samplers.by_type, samplers.t, u)

    @staticmethod
    def add_sample_where(cond: np.ndarray, value: np.ndarray, samplers: _Samplers, u: np.ndarray) -> np.ndarray:
        out = value.copy()
        out[cond] = value[cond] + by_type(samplers.by_type, samplers.t[cond], u[cond])
        return out
