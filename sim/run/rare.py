"""Rare outcomes: the chance of reaching each rung at the top of the ladder, and its paired differences between
arms, by importance sampling of escalation choices (`sim.engine.model.tilt`), with the gain over plain
Monte Carlo measured in the same run.

Every arm runs the same seeds (common random numbers) with the tilt; a short pilot runs the first seeds
without it, to time plain replications. For rung k, replication i of arm a gives one number,
w_ai x 1{a reached k in i}; its mean over replications is the estimate, unbiased for P(reach k), and its
standard error the usual one (replications are independent). The paired difference of two arms is the
mean of the per-replication differences of those numbers. The gain is the factor by which plain Monte
Carlo would need more replications for the same interval, p(1 - p) / var(w x 1), and, in time, that factor
times the ratio of a plain replication's cost to a tilted one's.
"""

from __future__ import annotations

import dataclasses
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..engine import replication_seed, simulate
from ..engine.model.parameters import ModelParameters
from ..engine.model.tilt import DEFAULT_CAP, Tilt
from ..scenario.load import LoadedScenario
from .compile import compile_scenario
from .defaults import RARE_FACTOR
from .executors import Executor, SerialExecutor
from .experiment import collect_cycles
from .stats import z_value

__all__ = ["RareTask", "run_rare_chunk", "rare_analysis", "against_plain_run", "estimate", "difference", "default_from_rung", "weighted_mean",
           "PILOT_REPLICATIONS", "RELIABLE_SHARE"]

PILOT_REPLICATIONS = 200  # plain replications (at most) that time the cost of a plain replication
RELIABLE_SHARE = 0.2  # an estimate is flagged when one replication carries more than this share of it
_CHUNK = 50


@dataclass(frozen=True)
class RareTask:
    """Replications `first ..` of every arm: with each arm's tilt, or plain (the pilot)."""

    arms: tuple[tuple[str, ModelParameters], ...]
    first: int
    seeds: tuple[int, ...]


def run_rare_chunk(task: RareTask) -> dict[str, Any]:
    """Each arm's (highest rung, log weight) for every replication of the chunk, and its CPU seconds."""
    out: dict[str, Any] = {"first": task.first, "arms": {}}
    for arm, params in task.arms:
        start = time.process_time()
        rows = []
        for seed in task.seeds:
            rec = simulate(params, seed)
            rows.append((rec.highest_rung, rec.log_weight))
        out["arms"][arm] = {"rows": rows, "seconds": time.process_time() - start}
    collect_cycles()
    return out


def default_from_rung(params: ModelParameters) -> int:
    """The lowest rung the tilt starts at: above every incident type's start rung (so incidents climb from
    where they start as the model says, and the walks stay exact), and at least 1."""
    return max([1] + [kind.start_rung + 1 for kind in params.types])


def weighted_mean(values: list[float], confidence: float) -> dict[str, float]:
    """Mean, standard error and normal interval of independent numbers, and the largest one's share."""
    n = len(values)
    mean = math.fsum(values) / n if n else math.nan
    var = math.fsum((v - mean) ** 2 for v in values) / (n - 1) if n > 1 else math.nan
    se = math.sqrt(var / n) if n > 1 else math.nan
    half = z_value(confidence) * se
    total = math.fsum(abs(v) for v in values)
    share = max((abs(v) for v in values), default=0.0) / total if total > 0 else 0.0
    return {"estimate": mean, "low": mean - half, "high": mean + half, "se": se, "variance": var,
            "largest_share": share}


def estimate(rows: dict[str, list[tuple[int, float]]], rung: int, confidence: float = 0.95) -> dict[str, Any]:
    """Per arm, P(reach `rung`) from the tilted rows (each arm's list in replication order). The gain is
    given from ten weighted hits on (below, the variance itself is too uncertain to compare)."""
    out = {}
    for arm, arm_rows in rows.items():
        values = [math.exp(lw) if h >= rung else 0.0 for h, lw in arm_rows]
        stats = weighted_mean(values, confidence)
        hits = sum(1 for h, _ in arm_rows if h >= rung)
        p = stats["estimate"]
        plain_var = p * (1.0 - p)
        stats.update(low=max(stats["low"], 0.0), high=min(stats["high"], 1.0), hits=hits,
                     gain=(plain_var / stats["variance"]) if hits >= 10 and stats["variance"] > 0 else None,
                     reliable=hits >= 10 and stats["largest_share"] <= RELIABLE_SHARE)
        out[arm] = stats
    return out


def difference(rows: dict[str, list[tuple[int, float]]], arm: str, baseline: str, rung: int,
               confidence: float = 0.95) -> dict[str, Any]:
    """P(reach `rung`) of `arm` minus the baseline's, replication by replication on the same seeds."""
    values = [(math.exp(la) if ha >= rung else 0.0) - (math.exp(lb) if hb >= rung else 0.0)
              for (ha, la), (hb, lb) in zip(rows[arm], rows[baseline], strict=True)]
    stats = weighted_mean(values, confidence)
    stats["discordant"] = sum(1 for v in values if v != 0.0)
    stats["reliable"] = stats["discordant"] >= 10 and stats["largest_share"] <= RELIABLE_SHARE
    return stats


def against_plain_run(analysis: dict[str, Any], summary: dict[str, Any]) -> None:
    """Beside a plain run of the same arms, replications and seed (`run --rare`): each paired difference gets
    the run's own paired interval (same seeds, without the tilt) and the gain in replications, the square of
    the ratio of the two half-widths."""
    differences = summary.get("differences", {})
    for rung in analysis["rungs"]:
        for name, d in rung["differences"].items():
            plain = differences.get(name, {}).get("p_reach", {}).get(str(rung["index"]))
            if not plain or plain.get("ci_low") is None:
                continue
            half = (plain["ci_high"] - plain["ci_low"]) / 2
            own = (d["high"] - d["low"]) / 2
            d["plain"] = {"estimate": plain["estimate"], "low": plain["ci_low"], "high": plain["ci_high"]}
            d["gain"] = (half / own) ** 2 if own > 0 and d["reliable"] else None


def rare_analysis(loaded: LoadedScenario, arms: tuple[str, ...], replications: int, seed: int, *,
                  factor: float = RARE_FACTOR, from_rung: int | None = None, cap: float = DEFAULT_CAP,
                  confidence: float = 0.95, executor: Executor | None = None,
                  on_chunk: Callable[[int, int], None] | None = None) -> dict[str, Any]:
    """The analysis `hotline rare` writes: per arm and rung from the tilt's rung to the top, P(reach it), the
    paired differences against the first arm, and the gain over plain Monte Carlo."""
    executor = executor or SerialExecutor()
    plain = {arm: compile_scenario(loaded.arms[arm]) for arm in arms}
    lowest = max(default_from_rung(p) for p in plain.values())
    top = next(iter(plain.values())).top
    start = lowest if from_rung is None else from_rung
    ids = loaded.scenario.ladder.ids
    if lowest > top:
        raise ValueError(f"an incident type starts on the top rung ({ids[top]}): no rung above every start rung is "
                         "left to tilt")
    if start < lowest or start > top:
        raise ValueError(f"the tilt starts at a rung from {ids[lowest]} (the rung above every incident type's start "
                         f"rung: the walks draw untilted there) up to {ids[top]}, not at {ids[start]}")
    tilt = Tilt(factor, start, cap)
    tilted = tuple((arm, dataclasses.replace(p, tilt=tilt)) for arm, p in plain.items())
    seeds = [replication_seed(seed, k) for k in range(replications)]
    pilot = min(PILOT_REPLICATIONS, replications)
    tasks = [RareTask(tilted, first, tuple(seeds[first:first + _CHUNK])) for first in range(0, replications, _CHUNK)]
    tasks += [RareTask(tuple(plain.items()), -1 - first, tuple(seeds[first:min(first + _CHUNK, pilot)]))
              for first in range(0, pilot, _CHUNK)]
    rows: dict[str, dict[int, list[tuple[int, float]]]] = {arm: {} for arm in arms}
    seconds = {"tilted": 0.0, "plain": 0.0}
    for done, result in enumerate(executor.map(run_rare_chunk, tasks), 1):
        first = result["first"]
        for arm, got in result["arms"].items():
            if first >= 0:
                rows[arm][first] = [tuple(r) for r in got["rows"]]
                seconds["tilted"] += got["seconds"]
            else:
                seconds["plain"] += got["seconds"]
        if on_chunk is not None:
            on_chunk(done, len(tasks))
    ordered = {arm: [r for first in sorted(chunks) for r in chunks[first]] for arm, chunks in rows.items()}
    per_plain = seconds["plain"] / (pilot * len(arms))
    per_tilted = seconds["tilted"] / (replications * len(arms))
    cost = per_plain / per_tilted if per_tilted > 0 else math.nan
    s = loaded.scenario
    rungs = []
    for k in range(start, top + 1):
        arms_at = estimate(ordered, k, confidence)
        for stats in arms_at.values():
            stats["time_gain"] = None if stats["gain"] is None else stats["gain"] * cost
        diffs = {f"{arm} - {arms[0]}": difference(ordered, arm, arms[0], k, confidence) for arm in arms[1:]}
        rungs.append({"index": k, "id": s.ladder.ids[k], "arms": arms_at, "differences": diffs})
    return {"method": "importance sampling of escalation choices", "factor": factor, "cap": cap,
            "from_rung": {"index": start, "id": s.ladder.ids[start]}, "replications": replications, "seed": seed,
            "confidence": confidence, "arms": list(arms), "baseline": arms[0],
            "main_rung": {"index": s.main_rung_index, "id": s.ladder.ids[s.main_rung_index]},
            "seconds_per_replication": {"tilted": per_tilted, "plain": per_plain, "pilot_replications": pilot},
            "rungs": rungs}
