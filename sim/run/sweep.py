"""Sweeps: run every arm at many points of parameter space, with the same seeds at every point.

A point is a set of `--set`-style overrides applied to every arm. Designs: a full grid of listed values,
a Latin hypercube over ranges, or Saltelli (Sobol) and Morris samples from SALib. Every point runs with
the same root seed, so differences between points are not noise from different incidents. Finished points
are appended to `sweep.csv` one at a time; `--resume` skips them.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..scenario.load import LoadedScenario, apply_overrides
from ..scenario.problems import Location, Problem, ScenarioError
from .defaults import MAX_SWEEP_POINTS
from .executors import Executor
from .experiment import Experiment, Plan, chunk_size_for
from .outcomes import THIRD_PARTY_COUNTS

__all__ = ["Parameter", "parse_param", "design_points", "SweepPoint", "run_point", "SWEEP_COLUMNS", "CRISIS_SWEEP_COLUMNS", "RUN_SETTINGS", "run_setting_message",
           "DESIGNS", "SensitivityUnavailable", "check_points", "point_scenario", "overrides",
           "design_size", "check_params"]

DESIGNS = ("grid", "lhs", "sobol", "morris")


class SensitivityUnavailable(Exception):
    """SALib is needed for this design and is not installed."""


@dataclass(frozen=True)
class Parameter:
    """One swept parameter: one or more dotted keys (joined by '+') set to the same value."""

    keys: tuple[str, ...]
    values: tuple[Any, ...] | None = None  # grid: listed values
    low: float | None = None  # sampled designs: a range
    high: float | None = None

    @property
    def name(self) -> str:
        return "+".join(self.keys)

    def to_json(self) -> dict[str, Any]:
        return {"keys": list(self.keys), "values": list(self.values) if self.values is not None else None,
                "low": self.low, "high": self.high}

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Parameter:
        return cls(tuple(d["keys"]), tuple(d["values"]) if d["values"] is not None else None, d["low"], d["high"])


@dataclass(frozen=True)
class SweepPoint:
    """One point of a design: its number and its values by parameter name."""

    index: int
    values: dict[str, Any]


def _number(text: str, where: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise ScenarioError([Problem(Location("--param", 1, 1), ("--param",),
                                     f"{where}: expected a number", text)]) from None
    if not math.isfinite(value):
        raise ScenarioError([Problem(Location("--param", 1, 1), ("--param",), f"{where}: must be finite", text)])
    return value


def parse_param(text: str) -> Parameter:
    """`key=V1,V2,...` (values) or `key=LOW:HIGH` (a range); `key1+key2=...` sets several keys together."""
    if "=" not in text:
        raise ScenarioError([Problem(Location("--param", 1, 1), ("--param",),
                                     "expected KEY=V1,V2,... or KEY=LOW:HIGH", text)])
    key_text, _, spec = text.partition("=")
    keys = tuple(k.strip() for k in key_text.split("+") if k.strip())
    if not keys or not spec:
        raise ScenarioError([Problem(Location("--param", 1, 1), ("--param",),
                                     "expected KEY=V1,V2,... or KEY=LOW:HIGH", text)])
    if ":" in spec and "," not in spec:
        low_text, _, high_text = spec.partition(":")
        low, high = _number(low_text, key_text), _number(high_text, key_text)
        if not low < high:
            raise ScenarioError([Problem(Location("--param", 1, 1), ("--param",),
                                         f"{key_text}: LOW must be below HIGH", spec)])
        return Parameter(keys, None, low, high)
    import yaml

    values = []
    for text_value in spec.split(","):
        try:
            value = yaml.safe_load(text_value)
        except (yaml.YAMLError, RecursionError):
            value = text_value
        if isinstance(value, dict | list) or isinstance(value, float) and not math.isfinite(value):
            raise ScenarioError([Problem(Location("--param", 1, 1), ("--param",),
                                         f"{key_text}: each value must be a plain finite number or word", text_value)])
        values.append(value)
    return Parameter(keys, tuple(values))


# Top-level keys that say how to run or describe a scenario, not what happens in it: a sweep or a robustness
# analysis that moved one would report the run's own value (or a changed question) as a parameter's effect.
RUN_SETTINGS = ("replications", "seed", "name", "description", "sources", "calibration", "arms", "ranges", "main_rung", "extends")


def run_setting_message(key: str) -> str:
    """Why `key` cannot be swept or moved, and what to do instead."""
    return (f"{key} is a run setting, not a parameter of the model: set it for the whole run instead "
            "(--replications, --seed, or --set for the others)")


def check_params(params: list[Parameter]) -> None:
    """Refuse a key swept twice (the later --param would silently replace the first), and a run setting
    (`RUN_SETTINGS`: replications, seed, ...), which is not a parameter of the model."""
    seen: set[str] = set()
    for p in params:
        for key in p.keys:
            if key.split(".")[0] in RUN_SETTINGS:
                raise ScenarioError([Problem(Location("--param", 1, 1), ("--param",), run_setting_message(key))])
            if key in seen:
                raise ScenarioError([Problem(Location("--param", 1, 1), ("--param",),
                                             f"{key} is swept by two --param options; give it once")])
            seen.add(key)


def design_size(params: list[Parameter], design: str, samples: int) -> int:
    """How many points a design has, computed before any point is made."""
    if design == "grid":
        return math.prod(len(p.values or ()) for p in params)
    if design == "sobol":
        return samples * (len(params) + 2)
    if design == "morris":
        return samples * (len(params) + 1)
    return samples


def design_points(params: list[Parameter], design: str, samples: int, seed: int) -> list[dict[str, Any]]:
    """The points of a design, each a mapping parameter name -> value (at most MAX_SWEEP_POINTS)."""
    size = design_size(params, design, samples)
    if size > MAX_SWEEP_POINTS:
        raise ValueError(f"the {design} design has {size} points; sweeps are limited to {MAX_SWEEP_POINTS} "
                         "points (use fewer values or a smaller --samples)")
    if design == "grid":
        missing = [p.name for p in params if p.values is None]
        if missing:
            raise ValueError(f"a grid needs listed values (key=V1,V2,...) for: {', '.join(missing)}")
        return [dict(zip([p.name for p in params], combo, strict=True))
                for combo in itertools.product(*[p.values for p in params])]
    missing = [p.name for p in params if p.low is None]
    if missing:
        raise ValueError(f"a {design} design needs ranges (key=LOW:HIGH) for: {', '.join(missing)}")
    bounds = [[p.low, p.high] for p in params]
    if design == "lhs":
        from scipy.stats import qmc

        unit = qmc.LatinHypercube(d=len(params), seed=np.random.default_rng(seed)).random(samples)
        matrix = qmc.scale(unit, [b[0] for b in bounds], [b[1] for b in bounds])
    else:
        problem = salib_problem(params)
        try:
            if design == "sobol":
                from SALib.sample import sobol as sampler

                matrix = sampler.sample(problem, samples, calc_second_order=False, seed=seed)
            else:
                from SALib.sample import morris as sampler

                matrix = sampler.sample(problem, samples, num_levels=4, seed=seed)
        except ImportError:
            raise SensitivityUnavailable("the sobol and morris designs need SALib: pip install "
                                         "'hotline[sensitivity]'") from None
    return [{p.name: float(v) for p, v in zip(params, row, strict=True)} for row in matrix]


def salib_problem(params: list[Parameter]) -> dict[str, Any]:
    return {"num_vars": len(params), "names": [p.name for p in params],
            "bounds": [[p.low, p.high] for p in params]}


def overrides(params: list[Parameter], point: dict[str, Any]) -> dict[str, Any]:
    """A point's values as overrides: dotted key -> parsed value (never text)."""
    return {key: point[p.name] for p in params for key in p.keys}


def point_scenario(loaded: LoadedScenario, params: list[Parameter], point: SweepPoint) -> LoadedScenario:
    """The loaded scenario with a point's values set in every arm and validated again."""
    return apply_overrides(loaded, overrides(params, point.values), "--param", point.index + 1)


def check_points(loaded: LoadedScenario, params: list[Parameter], points: list[dict[str, Any]]) -> None:
    """Validate every point before any runs, so that a bad point cannot stop a sweep half way."""
    problems = []
    for index, values in enumerate(points):
        try:
            point_scenario(loaded, params, SweepPoint(index, values))
        except ScenarioError as exc:
            problems += [Problem(p.location, p.path, f"point {index} {_short(values)}: {p.message}", p.got)
                         for p in exc.problems]
            if len(problems) >= 20:
                break
    if problems:
        raise ScenarioError(problems)


def _short(values: dict[str, Any]) -> str:
    text = ", ".join(f"{k}={v!r}" for k, v in values.items())
    return f"({text[:80]})"


CRISIS_SWEEP_COUNTS = ("crises", "crises_settled", "crises_frozen", "crises_escalated", "leader_calls_answered")
CRISIS_SWEEP_COLUMNS = ("p_top", "p_top_low", "p_top_high", *CRISIS_SWEEP_COUNTS)
SWEEP_COLUMNS = ["point", "arm", "replications", "p_main", "p_main_low", "p_main_high", "p_serious",
                 "p_serious_low", "p_serious_high", "diff_main", "diff_main_low", "diff_main_high",
                 "calls_placed", "calls_answered", "calls_answered_in_time"]


def run_point(loaded: LoadedScenario, params: list[Parameter], point: SweepPoint, replications: int, seed: int,
              executor: Executor, on_chunk: Callable[[int, int], None] | None = None) -> list[dict[str, Any]]:
    """Run all arms of `loaded` at one point with the common root seed; one row per arm."""
    at_point = point_scenario(loaded, params, point)
    chosen = tuple(at_point.arms)
    plan = Plan(chosen, replications, seed, chunk_size_for(replications))
    summary = Experiment(at_point, plan, executor, on_chunk=on_chunk).run()
    main, serious = str(summary["main_rung"]["index"]), str(summary["serious_rung"])
    rows = []
    for arm, data in summary["arms"].items():
        m, s = data["p_reach"][main], data["p_reach"][serious]
        diff = summary["differences"].get(f"{arm} - {summary['baseline']}", {}).get("main")
        row = {"point": point.index, **point.values, "arm": arm, "replications": data["n"],
               "p_main": m["estimate"], "p_main_low": m["ci_low"], "p_main_high": m["ci_high"],
               "p_serious": s["estimate"], "p_serious_low": s["ci_low"], "p_serious_high": s["ci_high"],
               "diff_main": diff["estimate"] if diff else 0.0, "diff_main_low": diff["ci_low"] if diff else 0.0,
               "diff_main_high": diff["ci_high"] if diff else 0.0,
               "calls_placed": data["hotline"]["calls_placed"], "calls_answered": data["hotline"]["calls_answered"],
               "calls_answered_in_time": data["hotline"]["calls_answered_in_time"],
               **{name: data["hotline"][name] for name in THIRD_PARTY_COUNTS if name in data["hotline"]}}
        if "crisis" in data:  # the top rung (the armed clash beside the main one) and how the crises ended
            top = data["p_reach"][str(len(summary["rungs"]) - 1)]
            row.update({"p_top": top["estimate"], "p_top_low": top["ci_low"], "p_top_high": top["ci_high"],
                        **{name: data["crisis"][name] for name in CRISIS_SWEEP_COUNTS}})
        rows.append(row)
    return rows
