"""The two number namespaces the model is written against: one incident at a time, or many at once.

The decision rule (`sim.engine.model.rule`) and the tension formula are written once, as functions of a
namespace `xp`: `SCALAR` for the event-by-event path and the one-by-one walks (Python floats and bools),
`Rows` for the walks of many incidents (numpy arrays, one element per incident). Both give the same floats
element by element: they only use operations that numpy rounds exactly as Python does (`+ - * /`,
comparisons, selection), and `math.exp` itself applied element by element. Selections are written with
`where(cond, a, b)`, `at_most(a, b)` (`b if a > b else a`) and `at_least(a, b)` (`b if b > a else a`, as
Python's `max(a, b)`); booleans combine with `&` and `|` (bools and bool arrays alike) and `not_`.

A side's numbers are read as attributes of the side (`mover.retaliation`, `mover.up[rung]`): a
`sim.engine.model.parameters.Side` for one incident, a `sim.engine.walks` table of rows for many
(`mover.up[rung]` is then each incident's own rung of its own type's table). Random durations are drawn
with `xp.sample(sampler, u)`.
"""

from __future__ import annotations

import math
from typing import Any, Protocol

__all__ = ["Namespace", "SCALAR", "Scalar"]


class Namespace(Protocol):
    """What the model's formulas need of numbers: a scalar or an array implementation."""

    def where(self, cond: Any, a: Any, b: Any) -> Any: ...

    def at_most(self, a: Any, b: Any) -> Any: ...

    def at_least(self, a: Any, b: Any) -> Any: ...

    def not_(self, a: Any) -> Any: ...

    def exp(self, a: Any) -> Any: ...

    def sample(self, sampler: Any, u: Any) -> Any: ...

    def add_sample_where(self, cond: Any, value: Any, sampler: Any, u: Any) -> Any: ...

    def zeros_like(self, a: Any) -> Any: ...

    def any(self, a: Any) -> bool: ...


class Scalar:
    """One incident: Python floats, ints and bools."""

    __slots__ = ()

    @staticmethod
    def where(cond: bool, a: Any, b: Any) -> Any:
        return a if cond else b

    @staticmethod
    def at_most(a: float, b: float) -> float:
        return b if a > b else a

    @staticmethod
    def at_least(a: float, b: float) -> float:
        return b if b > a else a

    @staticmethod
    def not_(a: bool) -> bool:
        return not a

    exp = staticmethod(math.exp)

    @staticmethod
    def sample(sampler: Any, u: float) -> float:
        return sampler(u)

    @staticmethod
    def add_sample_where(cond: bool, value: float, sampler: Any, u: float) -> float:
        """`value + sampler(u)` where `cond`, else `value`."""
        return value + sampler(u) if cond else value

    @staticmethod
    def zeros_like(a: float) -> float:
        return 0.0

    @staticmethod
    def any(a: bool) -> bool:
        return a


class _Bound:
    """`Scalar`'s functions as plain attributes of an instance (read without the descriptor step of a
    static method: the event path reads them at every move)."""

    def __init__(self, namespace: type) -> None:
        for name, value in vars(namespace).items():
            if isinstance(value, staticmethod):
                setattr(self, name, value.__func__)


SCALAR: Namespace = _Bound(Scalar)  # type: ignore[assignment]
