"""Pure functions from a run's summary to the numbers each figure draws. Tested numerically."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["Series", "by_type", "call_fates", "escalation_profile", "first_informative_rung", "cumulative_main", "differences", "hotline_performance",
           "highest_rung_distribution"]


@dataclass(frozen=True)
class Series:
    """One arm's estimates with their 95% interval, against x."""

    arm: str
    x: list[float]
    estimate: list[float]
    low: list[float]
    high: list[float]


def escalation_profile(summary: dict[str, Any], from_rung: int = 1) -> list[Series]:
    """P(reaching rung k or higher) for k >= from_rung, per arm (rung 0 is reached by definition)."""
    out = []
    for arm, data in summary["arms"].items():
        ks = [k for k in range(from_rung, len(summary["rungs"]))]
        p = [data["p_reach"][str(k)] for k in ks]
        out.append(Series(arm, [float(k) for k in ks], [e["estimate"] for e in p], [e["ci_low"] for e in p],
                          [e["ci_high"] for e in p]))
    return out


def first_informative_rung(summary: dict[str, Any]) -> int:
    """The highest rung that every arm reaches in (nearly) every replication: the profile starts there."""
    start = 1
    for k in range(1, len(summary["rungs"])):
        if all((a["p_reach"][str(k)]["estimate"] or 0) >= 0.999 for a in summary["arms"].values()):
            start = k
    return start


def cumulative_main(summary: dict[str, Any]) -> list[Series]:
    """Probability of having reached the main rung by each day, per arm, starting at day 0 with 0."""
    out = []
    for arm, data in summary["arms"].items():
        c = data["cumulative_main"]
        out.append(Series(arm, [0.0, *c["day"]], [0.0, *c["estimate"]], [0.0, *c["ci_low"]],
                          [0.0, *c["ci_high"]]))
    return out


@dataclass(frozen=True)
class Difference:
    arm: str
    estimate: float
    low: float
    high: float
    variance_reduction: float | None

    @property
    def distinguishable(self) -> bool:
        """True when the 95% interval excludes zero."""
        return self.low > 0 or self.high < 0


def differences(summary: dict[str, Any], rung: int | None = None) -> list[Difference]:
    """Paired difference of each arm minus the baseline in P(reaching `rung`), default the main rung."""
    key = str(summary["main_rung"]["index"] if rung is None else rung)
    out = []
    for diff in summary["differences"].values():
        d = diff["p_reach"][key]
        out.append(Difference(diff["arm"], d["estimate"], d["ci_low"], d["ci_high"], d.get("variance_reduction")))
    return out


@dataclass(frozen=True)
class CallCounts:
    arm: str
    placed_per_replication: float
    answered_per_replication: float
    in_time_per_replication: float


def hotline_performance(summary: dict[str, Any]) -> list[CallCounts]:
    """Mean calls per replication: placed, answered, answered in time."""
    out = []
    for arm, data in summary["arms"].items():
        n = data["n"] or 1
        h = data["hotline"]
        in_time = h.get("calls_in_time_for_other_side", h["calls_answered_in_time"])  # (older runs: any decision)
        out.append(CallCounts(arm, h["calls_placed"] / n, h["calls_answered"] / n, in_time / n))
    return out


def highest_rung_distribution(summary: dict[str, Any]) -> dict[str, list[float]]:
    """Share of replications whose highest rung is each index, per arm (each list sums to 1)."""
    out = {}
    for arm, data in summary["arms"].items():
        counts = data["highest_rung"]["counts"]
        total = sum(counts) or 1
        out[arm] = [c / total for c in counts]
    return out


def call_fates(summary: dict[str, Any]) -> tuple[dict[str, dict[str, int]], dict[str, int]] | None:
    """Per arm, the calls that did not come in time by first cause, and those that came in time; None when
    no arm made a call or the run did not record the causes."""
    arms = summary["arms"]
    if not all(isinstance(a["hotline"].get("not_in_time"), dict) for a in arms.values()):
        return None
    fates = {arm: dict(a["hotline"]["not_in_time"]) for arm, a in arms.items()}
    in_time = {arm: int(a["hotline"].get("calls_answered_in_time", 0)) for arm, a in arms.items()}
    if not any(sum(f.values()) + in_time[a] for a, f in fates.items()):
        return None
    return fates, in_time


def by_type(summary: dict[str, Any]) -> dict[str, dict[str, dict[str, int]]] | None:
    """arm -> incident type -> {serious, main, top}: incidents that reached those rungs; None when the run
    did not record them or nothing serious happened."""
    arms = summary["arms"]
    if not all(isinstance(a.get("reached_by_type"), dict) for a in arms.values()):
        return None
    out = {arm: a["reached_by_type"] for arm, a in arms.items()}
    if not any(c["serious"] or c["main"] or c["top"] for types in out.values() for c in types.values()):
        return None
    return out
