"""Streaming aggregation of replication rows into the run's summary (`summary.json`).

Memory does not grow with the number of replications: proportions are counts, integer outcomes keep a
histogram of their values (exact quantiles), float outcomes keep running moments. Arms are paired by
replication number, which is what makes the paired differences and their variance reduction possible.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from ..engine.model.record import ANSWER_DELAY_EDGES_HOURS, BY_TYPE_LEVELS
from .outcomes import (
    ANSWER_DELAY_LABELS,
    CALL_FATE_COLUMNS,
    COUNTS,
    CRISIS_COUNTS,
    CRISIS_DAYS,
    THIRD_PARTY_COUNTS,
    Row,
    newer_columns,
)
from .stats import PairedCounts, paired_difference, variance_reduction, wilson

__all__ = ["Accumulator", "SummarySpec"]

COUNT_OUTCOMES = COUNTS


@dataclass(frozen=True)
class SummarySpec:
    """What the summary needs to know about the scenario."""

    scenario: str
    arms: tuple[str, ...]
    rung_ids: tuple[str, ...]
    rung_labels: tuple[str, ...]
    type_names: tuple[str, ...]
    main_rung: int
    serious_rung: int
    horizon_days: float
    layers: tuple[str, ...] = ()
    bins: int = 73
    third_parties: bool = False  # rows have calls_mediated and allies_joined
    crisis: bool = False  # rows have the crisis counts and crisis_days_total
    newer_columns: bool = True  # rows have the call fates and the counts by type
    type_layers: tuple[str, ...] = ()  # the force layer of each incident type, in type_names' order
    pairs: tuple[tuple[str, str], ...] = ()  # (arm, other): paired differences beyond those from the baseline

    @property
    def baseline(self) -> str:
        return self.arms[0]


def _interval_dict(i: Any, n: int) -> dict[str, Any]:
    return {"estimate": _num(i.estimate), "ci_low": _num(i.low), "ci_high": _num(i.high), "n": n}


def _num(x: float | None) -> float | None:
    if x is None or math.isnan(x):
        return None
    return float(x)


@dataclass
class _Moments:
    n: int = 0
    mean: float = 0.0
    m2: float = 0.0

    def add(self, x: float) -> None:
        self.n += 1
        delta = x - self.mean
        self.mean += delta / self.n
        self.m2 += delta * (x - self.mean)

    def sd(self) -> float:
        return math.sqrt(self.m2 / (self.n - 1)) if self.n > 1 else 0.0


def _quantile(hist: Counter[int], n: int, q: float) -> float:
    """Lower empirical quantile from a histogram of integer values."""
    target = max(1, math.ceil(q * n))
    seen = 0
    for value in sorted(hist):
        seen += hist[value]
        if seen >= target:
            return float(value)
    return math.nan


@dataclass
class _Arm:
    n_rungs: int
    bins: int
    n: int = 0
    highest: list[int] = field(default_factory=list)
    counts: dict[str, Counter[int]] = field(default_factory=dict)
    floats: dict[str, _Moments] = field(default_factory=dict)
    first_main: list[int] = field(default_factory=list)
    sums: Counter[str] = field(default_factory=Counter)  # totals of per-layer, per-delay and crisis-day columns
    delay_hours: float = 0.0

    def __post_init__(self) -> None:
        self.highest = [0] * self.n_rungs
        self.first_main = [0] * self.bins


def _count_pair(table: list[list[int]], first: int, second: int) -> None:
    """Add one replication's pair of highest rungs to a paired table: per rung, whether both, only the
    first, only the second or neither arm reached it."""
    for r, cell in enumerate(table):
        a, b = first >= r, second >= r
        cell[0 if a and b else 1 if a else 2 if b else 3] += 1


class Accumulator:
    """Feed rows (in any grouping; arms of one replication are paired when all have arrived)."""

    def __init__(self, spec: SummarySpec):
        self.spec = spec
        n_rungs = len(spec.rung_ids)
        self._arms = {a: _Arm(n_rungs, spec.bins) for a in spec.arms}
        self._pairs = {a: [[0, 0, 0, 0] for _ in range(n_rungs)] for a in spec.arms[1:]}
        self._other_pairs = {pair: [[0, 0, 0, 0] for _ in range(n_rungs)] for pair in spec.pairs}
        self._pending: dict[int, dict[str, int]] = {}
        self._main_col = f"first_day_{spec.rung_ids[spec.main_rung]}"
        self._serious_days = f"days_at_or_above_{spec.rung_ids[spec.serious_rung]}"
        self._main_days = f"days_at_or_above_{spec.rung_ids[spec.main_rung]}"
        self._counts = ((COUNT_OUTCOMES + THIRD_PARTY_COUNTS if spec.third_parties else COUNT_OUTCOMES)
                        + (CRISIS_COUNTS if spec.crisis else ()))
        self._summed = ([f"serious_{layer}" for layer in spec.layers]
                        + [f"answer_delay_{label}" for label in ANSWER_DELAY_LABELS]
                        + (list(CRISIS_DAYS) if spec.crisis else [])
                        + (newer_columns(spec.type_names) if spec.newer_columns else []))

    @property
    def replications(self) -> int:
        """Replications seen in every arm."""
        return min(a.n for a in self._arms.values())

    def add_rows(self, rows: Iterable[Row]) -> None:
        for row in rows:
            self.add_row(row)

    def add_row(self, row: Row) -> None:
        arm = self._arms[row["arm"]]
        arm.n += 1
        highest = row["highest_rung"]
        arm.highest[highest] += 1
        for name in self._counts:
            arm.counts.setdefault(name, Counter())[row[name]] += 1
        for name in self._summed:
            arm.sums[name] += row.get(name, 0)
        arm.delay_hours += row.get("answer_delay_hours_total", 0.0)
        for name in (self._serious_days, self._main_days):
            arm.floats.setdefault(name, _Moments()).add(row[name])
        first = row[self._main_col]
        if not math.isnan(first):
            b = min(int(first / self.spec.horizon_days * self.spec.bins), self.spec.bins - 1)
            arm.first_main[b] += 1
        pending = self._pending.setdefault(row["replication"], {})
        pending[row["arm"]] = highest
        if len(pending) == len(self._arms):
            self._pair(self._pending.pop(row["replication"]))

    def _pair(self, highest: dict[str, int]) -> None:
        for arm, table in self._pairs.items():
            _count_pair(table, highest[arm], highest[self.spec.baseline])
        for (arm, other), table in self._other_pairs.items():
            _count_pair(table, highest[arm], highest[other])

    @staticmethod
    def _difference(table: list[list[int]], arm: str, other: str, main: int) -> dict[str, Any]:
        diffs: dict[str, Any] = {}
        for r, (a, b, c, d) in enumerate(table):
            counts = PairedCounts(a, b, c, d)
            entry = _interval_dict(paired_difference(counts), counts.n)
            vr = variance_reduction(counts)
            entry["variance_reduction"] = None if vr is None else (None if math.isinf(vr) else vr)
            entry["identical"] = b == 0 and c == 0
            diffs[str(r)] = entry
        return {"arm": arm, "baseline": other, "p_reach": diffs, "main": diffs[str(main)]}

    # --- the summary ---------------------------------------------------------------------------
    def summary(self, status: str = "complete") -> dict[str, Any]:
        spec = self.spec
        out: dict[str, Any] = {
            "status": status,
            "scenario": spec.scenario,
            "baseline": spec.baseline,
            "main_rung": {"index": spec.main_rung, "id": spec.rung_ids[spec.main_rung],
                          "label": spec.rung_labels[spec.main_rung]},
            "serious_rung": spec.serious_rung,
            "horizon_days": spec.horizon_days,
            "rungs": [{"index": i, "id": r, "label": lab}
                      for i, (r, lab) in enumerate(zip(spec.rung_ids, spec.rung_labels, strict=True))],
            "replications": self.replications,
            **({"incident_type_layers": dict(zip(spec.type_names, spec.type_layers, strict=True))}
               if spec.type_layers else {}),
            "arms": {name: self._arm_summary(arm) for name, arm in self._arms.items()},
            "differences": {},
        }
        for arm, table in self._pairs.items():
            out["differences"][f"{arm} - {spec.baseline}"] = self._difference(table, arm, spec.baseline,
                                                                              spec.main_rung)
        if self._other_pairs:  # (--differences: pairs the user named, neither of them the baseline)
            out["pair_differences"] = {f"{arm} - {other}": self._difference(table, arm, other, spec.main_rung)
                                       for (arm, other), table in self._other_pairs.items()}
        return out

    def _by_type(self, arm: _Arm) -> dict[str, Any]:
        """Incidents that reached the serious, main and top rungs, by incident type and by force layer."""
        by_type = {t: {level: arm.sums[f"reached_{level}_{t}"] for level in BY_TYPE_LEVELS}
                   for t in self.spec.type_names}
        by_layer: dict[str, dict[str, int]] = {}
        for t, layer in zip(self.spec.type_names, self.spec.type_layers, strict=False):
            into = by_layer.setdefault(layer, dict.fromkeys(BY_TYPE_LEVELS, 0))
            for level in BY_TYPE_LEVELS:
                into[level] += by_type[t][level]
        return {"reached_by_type": by_type, "reached_by_layer": by_layer}

    @staticmethod
    def _answer_delay(arm: _Arm, answered: int) -> dict[str, Any]:
        """Hours from deciding to call to the answer: counts per bin, the mean, and the bin of the median."""
        counts = [arm.sums[f"answer_delay_{label}"] for label in ANSWER_DELAY_LABELS]
        median_bin = None
        if answered:
            seen = 0
            for label, count in zip(ANSWER_DELAY_LABELS, counts, strict=True):
                seen += count
                if seen * 2 >= answered:
                    median_bin = label
                    break
        return {"edges_hours": list(ANSWER_DELAY_EDGES_HOURS), "bins": list(ANSWER_DELAY_LABELS),
                "counts": counts, "mean_hours": arm.delay_hours / answered if answered else None,
                "median_bin": median_bin}

    @staticmethod
    def _crisis(outcomes: dict[str, Any], arm: _Arm) -> dict[str, Any]:
        """Crises opened, how they ended (or that they were still open when the run stopped), their mean
        length in days (of those that ended), and the leaders' calls."""
        total = {name: outcomes.get(name, {}).get("total", 0) for name in CRISIS_COUNTS}
        ended = total["crises_settled"] + total["crises_frozen"] + total["crises_escalated"]
        settled = total["crises_settled"]
        return {**total, "open_at_end": total["crises"] - ended,
                "mean_days": arm.sums["crisis_days_total"] / ended if ended else None,
                "mean_days_settled": arm.sums["settled_crisis_days"] / settled if settled else None}

    def _arm_summary(self, arm: _Arm) -> dict[str, Any]:
        n = arm.n
        reach: dict[str, Any] = {}
        at_or_above = 0
        for r in range(len(arm.highest) - 1, -1, -1):
            at_or_above += arm.highest[r]
            reach[str(r)] = _interval_dict(wilson(at_or_above, n), n)
        reach = dict(sorted(reach.items(), key=lambda kv: int(kv[0])))
        outcomes: dict[str, Any] = {}
        for name, hist in arm.counts.items():
            total = sum(v * c for v, c in hist.items())
            mean = total / n if n else math.nan
            var = sum(c * (v - mean) ** 2 for v, c in hist.items()) / (n - 1) if n > 1 else 0.0
            outcomes[name] = {"mean": _num(mean), "sd": math.sqrt(var), "total": total,
                              "q05": _num(_quantile(hist, n, 0.05)), "q50": _num(_quantile(hist, n, 0.5)),
                              "q95": _num(_quantile(hist, n, 0.95))}
        for name, m in arm.floats.items():
            outcomes[name] = {"mean": _num(m.mean) if m.n else None, "sd": m.sd()}
        placed = outcomes.get("calls_placed", {}).get("total", 0)
        answered = outcomes.get("calls_answered", {}).get("total", 0)
        in_time = outcomes.get("calls_answered_in_time", {}).get("total", 0)
        cumulative = {"day": [], "estimate": [], "ci_low": [], "ci_high": []}
        running = 0
        width = self.spec.horizon_days / self.spec.bins
        for b, count in enumerate(arm.first_main):
            running += count
            w = wilson(running, n)
            cumulative["day"].append((b + 1) * width)
            cumulative["estimate"].append(_num(w.estimate))
            cumulative["ci_low"].append(w.low)
            cumulative["ci_high"].append(w.high)
        return {
            "n": n,
            "p_reach": reach,
            "highest_rung": {"counts": list(arm.highest)},
            "outcomes": outcomes,
            "hotline": {
                "calls_placed": placed, "calls_answered": answered, "calls_answered_in_time": in_time,
                "calls_unanswered": outcomes.get("calls_unanswered", {}).get("total", 0),
                "stand_downs": outcomes.get("stand_downs", {}).get("total", 0),
                "threats": outcomes.get("threats", {}).get("total", 0),
                **({name: outcomes.get(name, {}).get("total", 0) for name in THIRD_PARTY_COUNTS}
                   if self.spec.third_parties else {}),
                "answer_rate": answered / placed if placed else None,
                "in_time_rate": in_time / placed if placed else None,
                "answer_delay": self._answer_delay(arm, answered),
                **({"not_in_time": {c.removeprefix("call_fate_"): arm.sums[c] for c in CALL_FATE_COLUMNS},
                    "calls_in_time_for_other_side": arm.sums["calls_in_time_for_other_side"]}
                   if self.spec.newer_columns else {}),
            },
            **({"crisis": self._crisis(outcomes, arm)} if self.spec.crisis else {}),
            "serious_by_layer": {layer: arm.sums[f"serious_{layer}"] for layer in self.spec.layers},
            **(self._by_type(arm) if self.spec.newer_columns else {}),
            "cumulative_main": cumulative,
        }
