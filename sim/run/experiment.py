"""Experiments: replications of every arm with common random numbers, in chunks, with adaptive precision.

The parent derives each replication's seed from the root seed and hands out chunks of replication
numbers; a chunk runs every arm on the same seeds, so arms are paired replication by replication.
Chunk boundaries depend only on the plan, never on the number of workers, which is why the results are
identical for any executor.
"""

from __future__ import annotations

import copy
import dataclasses
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from ..engine import replication_seed
from ..engine.events.world import simulate_touched
from ..engine.model.coupling import shares_years
from ..engine.model.parameters import ModelParameters
from ..scenario.load import LoadedScenario
from .collector import collect_cycles, collector_scope
from .compile import compile_scenario
from .defaults import MAX_PRECISION_REPLICATIONS, MAX_REPLICATIONS, root_seed
from .executors import Executor, SerialExecutor
from .outcomes import Layout, Row
from .summary import Accumulator, SummarySpec

__all__ = ["Plan", "Experiment", "ChunkTask", "run_chunk", "collect_cycles", "collector_scope", "run_experiment", "chunk_size_for", "summary_spec",
           "layout_for", "PRECISION_OF"]

# What --precision targets: the 95% half-width of every paired difference of the main outcome (the question a
# comparison asks), or of every arm's own probability (needs several times more replications).
PRECISION_OF = ("differences", "arms")


def chunk_size_for(replications: int) -> int:
    """Chunks of 5-100 replications per arm: big enough to keep overhead small, small enough to resume."""
    return max(5, min(100, math.ceil(replications / 40)))


@dataclass(frozen=True)
class Plan:
    """What to run. Everything that decides the results is here, and goes into the manifest."""

    arms: tuple[str, ...]
    replications: int
    seed: int
    chunk_size: int
    precision: float | None = None
    max_replications: int = MAX_PRECISION_REPLICATIONS
    precision_of: str = "differences"  # one of PRECISION_OF; a single arm has no difference: its own width
    exact: bool = False  # run every replication event by event (the engine's reference path)
    pairs: tuple[tuple[str, str], ...] = ()  # (arm, other): paired differences beyond those from the baseline

    def __post_init__(self) -> None:
        if self.precision_of not in PRECISION_OF:
            raise ValueError(f"precision_of must be one of {PRECISION_OF}, not {self.precision_of!r}")
        unknown = [x for pair in self.pairs for x in pair if x not in self.arms]
        if unknown:
            raise ValueError(f"pairs name arms that are not run: {unknown}")

    def to_json(self) -> dict[str, Any]:
        return {"arms": list(self.arms), "replications": self.replications, "seed": self.seed,
                "chunk_size": self.chunk_size, "precision": self.precision,
                "max_replications": self.max_replications, "precision_of": self.precision_of,
                "exact": self.exact, "pairs": [list(p) for p in self.pairs]}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Plan:
        # Manifests written before precision_of existed targeted every arm's own half-width.
        return cls(tuple(data["arms"]), int(data["replications"]), int(data["seed"]), int(data["chunk_size"]),
                   data.get("precision"), int(data.get("max_replications", MAX_PRECISION_REPLICATIONS)),
                   data.get("precision_of", "arms"), bool(data.get("exact", False)),
                   tuple((str(p[0]), str(p[1])) for p in data.get("pairs", [])))


@dataclass(frozen=True)
class ChunkTask:
    """Replications `first .. first+len(seeds)-1` of every arm. Arms travel compiled (picklable parameters:
    each arm is validated and compiled once, in the process that plans the experiment)."""

    arms: tuple[tuple[str, ModelParameters], ...]
    first: int
    seeds: tuple[int, ...]
    layout: Layout
    exact: bool = False
    # Arms that take another arm's untouched years, and from which (`share_donors`); None: worked out here.
    donors: tuple[tuple[str, str], ...] | None = None


SHARE_YEARS = True  # (tests switch it off to compare shared years with the full computation)


def run_chunk(task: ChunkTask) -> list[Row]:
    """Run one chunk in whatever process this is; rows come arm by arm, replications in order.

    An arm without a hotline whose years are provably those of an arm with one whenever the line did not
    matter (`sim.engine.model.coupling.shares_years`) takes that arm's record in such a year instead of
    simulating it again."""
    if not SHARE_YEARS:
        donors: dict[str, str] = {}
    else:
        donors = share_donors(task.arms) if task.donors is None else dict(task.donors)
    params_of = dict(task.arms)
    records: dict[str, list[Any]] = {}
    touched: dict[str, list[bool]] = {}
    for arm in [a for a, _ in task.arms if a not in donors] + [a for a, _ in task.arms if a in donors]:
        donor = donors.get(arm)
        records[arm], touched[arm] = [], []
        for offset, seed in enumerate(task.seeds):
            if donor is not None and not touched[donor][offset]:
                rec, was_touched = copy.deepcopy(records[donor][offset]), False
            else:
                rec, was_touched = simulate_touched(params_of[arm], seed, exact=task.exact)
            records[arm].append(rec)
            touched[arm].append(was_touched)
    rows = [task.layout.row(arm, task.first + offset, seed, records[arm][offset])
            for arm, _ in task.arms for offset, seed in enumerate(task.seeds)]
    collect_cycles()
    return rows


def share_donors(arms: tuple[tuple[str, ModelParameters], ...]) -> dict[str, str]:
    """For each arm without a hotline, the first arm with one whose untouched years it shares, if any."""
    donors: dict[str, str] = {}
    for arm, params in arms:
        for other, other_params in arms:
            if (other != arm and any(c.enabled for c in other_params.channels)
                    and shares_years(params, other_params)):
                donors[arm] = other
                break
    return donors


def summary_spec(loaded: LoadedScenario, arms: tuple[str, ...]) -> SummarySpec:
    s = loaded.scenario
    layout = layout_for(loaded)
    return SummarySpec(scenario=s.name, arms=arms, rung_ids=tuple(s.ladder.ids),
                       rung_labels=tuple(r.label for r in s.ladder.rungs),
                       type_names=tuple(s.incident_types), main_rung=s.main_rung_index,
                       serious_rung=s.ladder.index(s.ladder.serious_rung), horizon_days=s.horizon_days,
                       layers=layout.layers, third_parties=layout.third_parties, crisis=layout.crisis,
                       type_layers=tuple(t.layer for t in s.incident_types.values()))


def layout_for(loaded: LoadedScenario) -> Layout:
    s = loaded.scenario
    layers = tuple(dict.fromkeys(layer for p in s.parties.values() for layer in p.forces))
    third = any(any(p.allied_with for p in arm.parties.values()) or any(c.mediator for c in arm.channels.values())
                for arm in (s, *loaded.arms.values()))
    crisis = any(arm.crisis.enabled for arm in (s, *loaded.arms.values()))
    return Layout(tuple(s.ladder.ids), tuple(s.incident_types), layers, third, crisis)


class Experiment:
    """Runs a plan chunk by chunk, feeding rows to an accumulator and to an optional sink (the CSV)."""

    def __init__(self, loaded: LoadedScenario, plan: Plan, executor: Executor | None = None,
                 sink: Callable[[list[Row]], None] | None = None,
                 on_chunk: Callable[[int, int], None] | None = None, newer_columns: bool = True):
        unknown = [a for a in plan.arms if a not in loaded.arms]
        if unknown:
            raise ValueError(f"unknown arms: {unknown}")
        self.loaded = loaded
        self.plan = plan
        self.executor = executor or SerialExecutor()
        self.layout = dataclasses.replace(layout_for(loaded), newer_columns=newer_columns)
        self.spec = dataclasses.replace(summary_spec(loaded, plan.arms), newer_columns=newer_columns,
                                        pairs=plan.pairs)
        self.accumulator = Accumulator(self.spec)
        self.sink = sink
        self.on_chunk = on_chunk
        self.done = 0
        self.target = plan.replications
        self._arms = tuple((a, compile_scenario(loaded.arms[a])) for a in plan.arms)
        self._donors = tuple(share_donors(self._arms).items())  # (once, not in every chunk)

    def resume(self, rows: Iterator[Row], target: int) -> list[Row]:
        """Take rows already on disk; keep those of whole chunks and return them (for rewriting the CSV)."""
        kept: list[Row] = []
        by_rep: dict[int, list[Row]] = {}
        for row in rows:
            by_rep.setdefault(row["replication"], []).append(row)
        complete = 0
        while len(by_rep.get(complete, [])) == len(self.plan.arms):
            complete += 1
        if complete < target:
            complete -= complete % self.plan.chunk_size
        for first in range(0, complete, self.plan.chunk_size):
            chunk_rows = [r for rep in range(first, min(first + self.plan.chunk_size, complete))
                          for r in by_rep[rep]]
            chunk_rows.sort(key=lambda r: (self.plan.arms.index(r["arm"]), r["replication"]))
            kept += chunk_rows
        self.accumulator.add_rows(kept)
        self.done = complete
        self.target = max(target, self.plan.replications)
        return kept

    def _tasks(self, start: int, stop: int) -> Iterator[ChunkTask]:
        size = self.plan.chunk_size
        for first in range(start, stop, size):
            last = min(first + size, stop)
            seeds = tuple(replication_seed(self.plan.seed, k) for k in range(first, last))
            yield ChunkTask(self._arms, first, seeds, self.layout, self.plan.exact, self._donors)

    def _run_until(self, stop: int) -> None:
        if stop <= self.done:
            return
        for rows in self.executor.map(run_chunk, self._tasks(self.done, stop)):
            if self.sink is not None:
                self.sink(rows)
            self.accumulator.add_rows(rows)
            self.done = rows[-1]["replication"] + 1
            if self.on_chunk is not None:
                self.on_chunk(self.done, self.target)

    def worst_half_width(self) -> float:
        """Largest 95% half-width among those --precision targets (`targeted`)."""
        widths = self.half_widths()
        return max(widths[name] for name in self.targeted())

    def targeted(self) -> list[str]:
        """What --precision targets: each paired difference of the main outcome to the baseline (the
        default, when there is more than one arm), or each arm's own probability."""
        if self.plan.precision_of == "differences" and len(self.plan.arms) > 1:
            return [f"{arm} - {self.plan.arms[0]}" for arm in self.plan.arms[1:]]
        return list(self.plan.arms)

    def half_widths(self) -> dict[str, float]:
        """95% half-width of the main outcome: of each arm (by arm name) and of each paired difference."""
        summary = self.accumulator.summary()
        main = str(self.spec.main_rung)
        widths = {}
        for arm, data in summary["arms"].items():
            p = data["p_reach"][main]
            widths[arm] = (p["ci_high"] - p["ci_low"]) / 2
        for name, diff in summary["differences"].items():
            widths[name] = (diff["main"]["ci_high"] - diff["main"]["ci_low"]) / 2
        return widths

    def next_target(self) -> int | None:
        """With --precision: the next round's size, or None when the target is met or the cap reached."""
        precision = self.plan.precision
        if precision is None:
            return None
        worst = self.worst_half_width()
        if worst <= precision or self.done >= self.plan.max_replications:
            return None
        needed = math.ceil(self.done * (worst / precision) ** 2 * 1.1)
        needed = max(needed, self.done + self.plan.chunk_size)
        needed = min(needed, 4 * self.done, self.plan.max_replications)
        size = self.plan.chunk_size
        return math.ceil(needed / size) * size

    def run(self) -> dict[str, Any]:
        while True:
            self._run_until(self.target)
            nxt = self.next_target()
            if nxt is None:
                break
            self.target = nxt
        return self.summary()

    def summary(self, status: str = "complete") -> dict[str, Any]:
        out = self.accumulator.summary(status)
        if self.plan.precision is not None:
            out["precision"] = {"target_half_width": self.plan.precision,
                                "of": "differences" if " - " in self.targeted()[0] else "arms",
                                "targeted": self.targeted(),
                                "reached_half_width": self.worst_half_width() if self.done else None,
                                "met": bool(self.done) and self.worst_half_width() <= self.plan.precision,
                                "max_replications": self.plan.max_replications}
        return out


def run_experiment(loaded: LoadedScenario, *, replications: int | None = None, seed: int | None = None,
                   arms: tuple[str, ...] | None = None, precision: float | None = None,
                   executor: Executor | None = None, precision_of: str = "differences",
                   exact: bool = False) -> dict[str, Any]:
    """Run every arm (or the ones named) and return the summary, without writing files.

    >>> from sim import load_scenario
    >>> loaded = load_scenario("scenarios/senkaku_baseline.yaml")
    >>> summary = run_experiment(loaded, replications=4, arms=("no_hotline", "hotline_as_is"))
    >>> summary["replications"], sorted(summary["arms"])
    (4, ['hotline_as_is', 'no_hotline'])
    """
    chosen = _checked_arguments(loaded, replications, seed, arms, precision, precision_of)
    reps = replications if replications is not None else loaded.scenario.replications
    plan = Plan(chosen, reps, root_seed(loaded.scenario.seed, seed),
                chunk_size_for(reps), precision, precision_of=precision_of, exact=exact)
    return Experiment(loaded, plan, executor).run()


def _checked_arguments(loaded: Any, replications: Any, seed: Any, arms: Any, precision: Any,
                       precision_of: Any) -> tuple[str, ...]:
    """run_experiment's arguments checked, each named in the error; the arms to run."""
    if not isinstance(loaded, LoadedScenario):
        raise TypeError(f"loaded must be a LoadedScenario (from sim.load_scenario), not {type(loaded).__name__}; "
                        "load the file first: run_experiment(load_scenario(path), ...)")
    for name, value, low in (("replications", replications, 1), ("seed", seed, 0)):
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"{name} must be a whole number, not {type(value).__name__}")
        if not low <= value <= (MAX_REPLICATIONS if name == "replications" else 2**63 - 1):
            raise ValueError(f"{name} must be at least {low}" + (f" and at most {MAX_REPLICATIONS:,}"
                                                                  if name == "replications" else "")
                             + f" (got {value})")
    if arms is None:
        chosen = tuple(loaded.arms)
    else:
        if isinstance(arms, str) or not all(isinstance(a, str) for a in arms):
            raise TypeError("arms must be a sequence of arm names, e.g. ('no_hotline', 'hotline_as_is'), not "
                            + ("one string" if isinstance(arms, str) else "a mix of types"))
        chosen = tuple(arms)
        if not chosen:
            raise ValueError("arms must name at least one arm")
        unknown = [a for a in chosen if a not in loaded.arms]
        if unknown:
            raise ValueError(f"arms: no arm {unknown[0]!r} in the scenario (it has {', '.join(loaded.arms)})")
        if len(set(chosen)) != len(chosen):
            raise ValueError("arms: an arm is named twice")
    if precision is not None and (isinstance(precision, bool) or not isinstance(precision, int | float)
                                  or not 0 < precision < 1):
        raise ValueError(f"precision must be a number between 0 and 1 (a half-width; got {precision!r})")
    if precision_of not in PRECISION_OF:
        raise ValueError(f"precision_of must be one of {PRECISION_OF} (got {precision_of!r})")
    return chosen


