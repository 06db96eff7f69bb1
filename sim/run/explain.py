"""Where an arm's effect comes from: the difference in the main outcome attributed to each mechanism.

For each arm after the baseline, the mechanisms that are on in that arm are switched off in every
combination on the same random numbers, and the difference is split by Shapley values (exact: every
subset is simulated). The parts plus `other` (what the arm changes besides its mechanisms, e.g. a
hotline that exists but does nothing) sum to the arm's total difference, replication by replication.

Two kinds of mechanism keep this affordable. *Static* ones (prevention, moral hazard) act from the start.
*Call* ones (clarification, restraint, stand-down, buying time, silence, threats) act only when a call is
answered or given up. A replication whose run without call mechanisms has no answered and no abandoned
call therefore has the same outcome under every subset of call mechanisms: it is simulated once, not
2^k times. This is exact, not an approximation (tests/test_explain.py checks it against brute force).
"""

from __future__ import annotations

import hashlib
import itertools
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from ..engine import replication_seed, simulate
from ..engine.model.parameters import ModelParameters
from ..scenario.load import LoadedScenario
from ..scenario.mechanisms import MECHANISM_NAMES, acts_without_a_call
from ..scenario.schema import Scenario
from .compile import compile_scenario
from .executors import Executor, SerialExecutor

__all__ = ["explain", "ExplainTask", "run_explain_chunk", "STATIC_MECHANISMS", "CALL_MECHANISMS",
           "mechanisms_on", "with_mechanisms", "shapley_weights", "MAX_EXACT_MECHANISMS"]

STATIC_MECHANISMS = tuple(m for m in MECHANISM_NAMES if acts_without_a_call(m))  # as each declares
CALL_MECHANISMS = tuple(m for m in MECHANISM_NAMES if m not in STATIC_MECHANISMS)
MAX_EXACT_MECHANISMS = 8  # every one of the model's mechanisms: 2^8 subsets at most


def mechanisms_on(s: Scenario) -> tuple[str, ...]:
    """The mechanisms that act in an arm (none when no channel exists: as `sim.run.compile` decides)."""
    if not any(c.settings.enabled for c in s.resolved_channels()):
        return ()
    return tuple(s.hotline.mechanisms.enabled_names())


def with_mechanisms(s: Scenario, keep: frozenset[str]) -> Scenario:
    """The arm with every mechanism not in `keep` switched off (the others as the arm has them)."""
    m = s.hotline.mechanisms
    update = {name: getattr(m, name).model_copy(update={"enabled": False})
              for name in MECHANISM_NAMES if name not in keep and getattr(m, name).enabled}
    if not update:
        return s
    hotline = s.hotline.model_copy(update={"mechanisms": m.model_copy(update=update)})
    return s.model_copy(update={"hotline": hotline})


def shapley_weights(n: int) -> list[float]:
    """Weight of a coalition of size s (not holding the player) among n players: s! (n-s-1)! / n!."""
    return [math.factorial(s) * math.factorial(n - s - 1) / math.factorial(n) for s in range(n)]


@dataclass(frozen=True)
class ExplainedArm:
    """An arm as it travels to a worker: validated once (a pickled model is not validated again), with a
    digest of its content that keys the worker's compiled subsets of mechanisms."""

    name: str
    digest: str
    scenario: Scenario
    on: tuple[str, ...]  # the mechanisms on in it

    @staticmethod
    def of(name: str, scenario: Scenario, on: tuple[str, ...] = ()) -> ExplainedArm:
        digest = hashlib.sha256(scenario.model_dump_json(by_alias=True).encode()).hexdigest()
        return ExplainedArm(name, digest, scenario, on)


@dataclass(frozen=True)
class ExplainTask:
    """Replications `first ..` for the baseline and every explained arm."""

    baseline: ExplainedArm
    arms: tuple[ExplainedArm, ...]
    first: int
    seeds: tuple[int, ...]
    main_rung: int


_COMPILED: dict[tuple[str, frozenset[str]], ModelParameters] = {}


def _params(arm: ExplainedArm, keep: frozenset[str]) -> ModelParameters:
    """The arm with only the mechanisms `keep`, compiled once per process."""
    key = (arm.digest, keep)
    params = _COMPILED.get(key)
    if params is None:
        if len(_COMPILED) >= 1024:
            _COMPILED.clear()
        params = _COMPILED[key] = compile_scenario(with_mechanisms(arm.scenario, keep))
    return params


def _subsets(names: tuple[str, ...]) -> Iterator[frozenset[str]]:
    for size in range(len(names) + 1):
        for combo in itertools.combinations(names, size):
            yield frozenset(combo)


def _arm_outcomes(arm: ExplainedArm, seed: int, main: int) -> dict[frozenset[str], int]:
    """The main outcome (0/1) of one replication under every subset of the arm's mechanisms."""
    on = arm.on
    static = tuple(m for m in on if m in STATIC_MECHANISMS)
    calls = tuple(m for m in on if m not in STATIC_MECHANISMS)
    out: dict[frozenset[str], int] = {}
    for fixed in _subsets(static):
        rec = simulate(_params(arm, fixed), seed)
        quiet = rec.calls_answered == 0 and rec.calls_unanswered == 0
        y = int(rec.highest_rung >= main)
        for extra in _subsets(calls):
            if not extra or quiet:
                out[fixed | extra] = y
            else:
                out[fixed | extra] = int(simulate(_params(arm, fixed | extra), seed).highest_rung >= main)
    return out


def run_explain_chunk(task: ExplainTask) -> list[dict[str, Any]]:
    """Per replication and arm: the total difference, the Shapley part of each mechanism, and the rest."""
    base_params = _params(task.baseline, frozenset(MECHANISM_NAMES))
    results = []
    for seed in task.seeds:
        y_base = int(simulate(base_params, seed).highest_rung >= task.main_rung)
        per_arm: dict[str, Any] = {}
        for arm in task.arms:
            name, on = arm.name, arm.on
            outcomes = _arm_outcomes(arm, seed, task.main_rung)
            full, empty = frozenset(on), frozenset()
            weights = shapley_weights(len(on)) if on else []
            parts = {}
            for m in on:
                others = tuple(x for x in on if x != m)
                parts[m] = sum(weights[len(s)] * (outcomes[s | {m}] - outcomes[s]) for s in _subsets(others))
            per_arm[name] = {"total": outcomes[full] - y_base, "other": outcomes[empty] - y_base, "parts": parts}
        results.append(per_arm)
    return results


@dataclass
class _Mean:
    n: int = 0
    total: float = 0.0
    squares: float = 0.0

    def add(self, x: float) -> None:
        self.n += 1
        self.total += x
        self.squares += x * x

    def interval(self) -> dict[str, float | None]:
        """Mean with a 95% normal interval over replications (paired: every arm sees the same numbers)."""
        if not self.n:
            return {"estimate": None, "ci_low": None, "ci_high": None}
        mean = self.total / self.n
        var = max(self.squares / self.n - mean * mean, 0.0) * self.n / (self.n - 1) if self.n > 1 else 0.0
        half = 1.959963984540054 * math.sqrt(var / self.n)
        return {"estimate": mean, "ci_low": mean - half, "ci_high": mean + half}


def explain(loaded: LoadedScenario, arms: tuple[str, ...], replications: int, seed: int,
            executor: Executor | None = None, chunk_size: int = 25,
            on_chunk: Callable[[int, int], None] | None = None) -> dict[str, Any]:
    """Split each arm's difference to the first arm into the parts of its mechanisms (see module doc)."""
    executor = executor or SerialExecutor()
    base = arms[0]
    explained = []
    for arm in arms[1:]:
        on = mechanisms_on(loaded.arms[arm])
        if len(on) > MAX_EXACT_MECHANISMS:  # pragma: no cover - the model has eight mechanisms
            raise ValueError(f"arm {arm}: {len(on)} mechanisms are more than can be attributed exactly")
        explained.append(ExplainedArm.of(arm, loaded.arms[arm], on))
    baseline = ExplainedArm.of(base, loaded.arms[base])
    main = loaded.scenario.main_rung_index
    sums = {a.name: {"total": _Mean(), "other": _Mean(), "parts": {m: _Mean() for m in a.on}} for a in explained}

    def tasks() -> Iterator[ExplainTask]:
        for first in range(0, replications, chunk_size):
            last = min(first + chunk_size, replications)
            seeds = tuple(replication_seed(seed, k) for k in range(first, last))
            yield ExplainTask(baseline, tuple(explained), first, seeds, main)

    done = 0
    for rows in executor.map(run_explain_chunk, tasks()):
        for per_arm in rows:
            for arm, values in per_arm.items():
                sums[arm]["total"].add(values["total"])
                sums[arm]["other"].add(values["other"])
                for m, v in values["parts"].items():
                    sums[arm]["parts"][m].add(v)
        done += len(rows)
        if on_chunk is not None:
            on_chunk(done, replications)
    s = loaded.scenario
    return {
        "main_rung": {"index": main, "id": s.ladder.ids[main], "label": s.ladder.rungs[main].label},
        "baseline": base,
        "replications": replications,
        "seed": seed,
        "arms": {arm: {"total": sums[arm]["total"].interval(),
                       "mechanisms": {m: sums[arm]["parts"][m].interval() for m in on},
                       "other": sums[arm]["other"].interval()}
                 for arm, on in ((a.name, a.on) for a in explained)},
    }
