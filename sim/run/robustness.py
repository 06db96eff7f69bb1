"""Robustness to assumptions: does the finding survive moving each `[assumption]` down and up?

Each chosen assumption is moved, one at a time, to a low and a high value: by a factor (x(1-F) and
x(1+F), clipped to the field's valid range), or to the ends of the range the scenario file states under
`ranges:`. The points form a one-at-a-time sweep (`sim.run.sweep`): point 0 is the scenario as written,
then each assumption at its low and its high value, all with the same root seed, so every point sees the
same incidents and the paired differences between arms move only because the assumption moved.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from ..scenario.assumptions import (
    AssumptionNumber,
    assumption_numbers,
    describe_number,
    split_key,
)
from ..scenario.load import LoadedScenario
from ..scenario.references import suggest
from ..scenario.schema import Scenario
from .defaults import ROBUSTNESS_FACTOR, ROBUSTNESS_LIMIT
from .sweep import RUN_SETTINGS, Parameter, run_setting_message

__all__ = ["ONE_AT_A_TIME", "DEFAULT_FACTOR", "DEFAULT_LIMIT", "RobustnessError", "Move", "shared_assumptions",
           "choose_assumptions", "move", "plan_points"]

ONE_AT_A_TIME = "one-at-a-time"  # the sweep design a robustness folder records
DEFAULT_FACTOR = ROBUSTNESS_FACTOR
DEFAULT_LIMIT = ROBUSTNESS_LIMIT


class RobustnessError(ValueError):
    """A key or setting cannot be used; the message says which and why."""


@dataclass(frozen=True)
class Move:
    """One assumption, its value in the scenario, and the low and high values it is moved to."""

    key: str
    value: float
    low: float
    high: float
    source: str  # "range": the file's `ranges:`; "factor": moved by the factor, clipped to the valid range
    integer: bool = False

    def to_parameter(self) -> Parameter:
        values = (self.value, self.low, self.high)
        return Parameter((self.key,), tuple(int(v) for v in values) if self.integer else values)


def arm_setting(key: str, loaded: LoadedScenario, arms: tuple[str, ...]) -> str | None:
    """The first of `arms` whose overrides set this key (or a path above or below it), or None."""
    return _touched(key, loaded, arms)


def _touched(key: str, loaded: LoadedScenario, arms: tuple[str, ...]) -> str | None:
    """The first compared arm whose overrides set this key (or a path above or below it)."""
    parts = split_key(key)
    for arm in arms:
        for override in loaded.resolved["arms"].get(arm, {}):
            other = split_key(str(override))
            n = min(len(parts), len(other))
            if parts[:n] == other[:n]:
                return arm
    return None


def shared_assumptions(loaded: LoadedScenario, arms: tuple[str, ...]) -> list[AssumptionNumber]:
    """The `[assumption]` numbers no compared arm sets for itself, in the file's order."""
    return [a for a in assumption_numbers(loaded.resolved) if _touched(a.key, loaded, arms) is None]


def choose_assumptions(loaded: LoadedScenario, arms: tuple[str, ...], keys: list[str] | None = None,
                       limit: int = DEFAULT_LIMIT) -> list[AssumptionNumber]:
    """The named keys; or, by default, up to `limit` (0: all) shared assumptions: those with a stated range
    first, then single numbers, then entries of per-rung or per-layer tables. Whole numbers (counts, hours
    of the day) and zeros without a stated range are left to `--keys`."""
    ranges = loaded.scenario.ranges
    if keys:
        return [_named(loaded, arms, key) for key in keys]
    shared = shared_assumptions(loaded, arms)
    ranged = [_named(loaded, arms, key, "ranges") for key in ranges if _touched(key, loaded, arms) is None]
    rest = [a for a in shared if a.key not in ranges and not a.integer and a.value != 0.0]
    chosen = ranged + [a for a in rest if not a.table_entry] + [a for a in rest if a.table_entry]
    return chosen[:limit] if limit else chosen


def _named(loaded: LoadedScenario, arms: tuple[str, ...], key: str, where: str = "--keys") -> AssumptionNumber:
    if key.split(".")[0] in RUN_SETTINGS:
        raise RobustnessError(f"{where}: {run_setting_message(key)}")
    number = describe_number(loaded.resolved, key)
    if number is None:
        keys = [a.key for a in assumption_numbers(loaded.resolved)]
        raise RobustnessError(f"{where}: {key!r} names no number in the scenario{suggest(key, keys)}")
    arm = _touched(key, loaded, arms)
    if arm is not None:
        raise RobustnessError(f"{where}: arm {arm} sets {key} itself, so the compared arms do not share it; "
                              "drop the key or compare other arms")
    if number.value == 0.0 and key not in loaded.scenario.ranges:
        raise RobustnessError(f"{where}: {key} is 0, which a factor cannot move; state its range in the "
                              f"scenario file, e.g. ranges: {{{key}: [0, 0.5]}}")
    return number


def _valid(loaded: LoadedScenario, arms: tuple[str, ...], key: str, value: float) -> bool:
    """Whether every compared arm stays a valid scenario with `key` set to `value` (cross-field rules such
    as escalate + de-escalate <= 1 hold)."""
    for arm in arms:
        data = loaded.arms[arm].model_dump(mode="json", by_alias=True)
        parts = split_key(key)
        node: Any = data
        for part in parts[:-1]:
            node = node[part]
        node[parts[-1]] = int(value) if isinstance(node[parts[-1]], int) else value
        try:
            Scenario.model_validate(data)
        except ValidationError:
            return False
    return True


def _inside(loaded: LoadedScenario, arms: tuple[str, ...], number: AssumptionNumber, target: float) -> float:
    """`target`, or the furthest value towards it that keeps every arm valid."""
    if _valid(loaded, arms, number.key, target):
        return target
    good, bad = number.value, target
    for _ in range(30):
        mid = number.clip((good + bad) / 2)
        if mid in (good, bad):
            break
        good, bad = (mid, bad) if _valid(loaded, arms, number.key, mid) else (good, mid)
    return good


def move(loaded: LoadedScenario, arms: tuple[str, ...], number: AssumptionNumber,
         factor: float = DEFAULT_FACTOR) -> Move:
    """Where one assumption goes: the stated range, or x(1-F) and x(1+F) clipped to what is valid."""
    stated = loaded.scenario.ranges.get(number.key)
    if stated is not None:
        low, high, source = float(stated[0]), float(stated[1]), "range"
    else:
        low, high, source = number.clip(number.value * (1 - factor)), number.clip(number.value * (1 + factor)), \
            "factor"
    low, high = _inside(loaded, arms, number, low), _inside(loaded, arms, number, high)
    if low == number.value == high:
        raise RobustnessError(f"{number.key} = {number.value:g} cannot move within its valid range; state a "
                              "range for it under ranges: or leave it out")
    return Move(number.key, number.value, low, high, source, number.integer)


def plan_points(moves: list[Move]) -> tuple[list[Parameter], list[dict[str, Any]]]:
    """Sweep parameters and points: point 0 as written, then each assumption at its low and high value."""
    params = [m.to_parameter() for m in moves]
    base = {p.name: p.values[0] for p in params}
    points = [dict(base)]
    for p in params:
        points += [{**base, p.name: p.values[1]}, {**base, p.name: p.values[2]}]
    return params, points
