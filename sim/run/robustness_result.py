"""The result of a robustness analysis, from the rows of its one-at-a-time sweep.

For each arm after the first: the paired difference in the main outcome at the scenario as written, and
at each assumption's low and high value, with 95% intervals (Tango's, as in every run), and whether the
finding flips there. A finding is one of three verdicts: lower than the baseline arm (the interval lies
below zero), higher (above zero), or indistinguishable from zero. It flips when the verdict changes:
`reverses` (lower <-> higher), `loses` (no longer distinguishable), `gains` (becomes distinguishable);
`sign` marks a point estimate that changes sign while both stay indistinguishable (noted, not a flip of
the verdict).
"""

from __future__ import annotations

from typing import Any

__all__ = ["verdict", "flip", "fragile", "robustness_result", "OVERTURNS", "public_json", "FRAGILE_EVENTS"]

# A verdict that this many replications' outcomes, moved one way or the other, would change is too weak to
# call a flip of the finding: it is reported as underpowered, not as "could overturn".
FRAGILE_EVENTS = 2

OVERTURNS = ("reverses", "loses", "gains")


def verdict(interval: dict[str, float]) -> str:
    """`lower`, `higher` or `unclear`: where a 95% interval of a difference lies against zero."""
    if interval["ci_high"] < 0:
        return "lower"
    if interval["ci_low"] > 0:
        return "higher"
    return "unclear"


def flip(base: dict[str, float], moved: dict[str, float]) -> str | None:
    """How the finding changes from `base` to `moved` (see the module docstring), or None."""
    before, after = verdict(base), verdict(moved)
    if before != after:
        if {before, after} == {"lower", "higher"}:
            return "reverses"
        return "loses" if after == "unclear" else "gains"
    if base["estimate"] * moved["estimate"] < 0:
        return "sign"
    return None


def fragile(interval: dict[str, float], replications: int, events: int = FRAGILE_EVENTS) -> bool:
    """Whether `events` paired outcomes changed one way or the other could change the verdict of a
    difference: an interval edge within events/replications of zero (each discordant replication moves
    the paired difference by 1/replications, and its interval with it, to a first approximation)."""
    if replications <= 0:
        return True
    step = events / replications
    v = verdict(interval)
    if v == "lower":
        return interval["ci_high"] > -step
    if v == "higher":
        return interval["ci_low"] < step
    return interval["ci_high"] < step or interval["ci_low"] > -step


def _interval(row: dict[str, str]) -> dict[str, float]:
    return {"estimate": float(row["diff_main"]), "ci_low": float(row["diff_main_low"]),
            "ci_high": float(row["diff_main_high"])}


def robustness_result(manifest: dict[str, Any], rows: list[dict[str, str]], main_rung: str,
                      ranges: dict[str, Any] | None = None) -> dict[str, Any]:
    """robustness.json: the public shape (main_rung, baseline, parameters with low/high differences) and,
    per parameter, its value, where low and high came from, and the flips. Parameters whose two points are
    not both finished yet are left out."""
    arms = list(manifest["arms"])
    compared = arms[1:]
    by_point: dict[int, dict[str, dict[str, str]]] = {}
    for row in rows:
        by_point.setdefault(int(row["point"]), {})[row["arm"]] = row
    base_rows = by_point.get(0, {})
    result: dict[str, Any] = {
        "main_rung": main_rung,
        "baseline": {arm: _interval(base_rows[arm]) for arm in compared if arm in base_rows},
        "parameters": [],
        "baseline_arm": arms[0], "replications": manifest["replications"], "seed": manifest["seed"],
        "status": manifest.get("status"),
    }
    for i, param in enumerate(manifest["params"]):
        low_rows, high_rows = by_point.get(2 * i + 1, {}), by_point.get(2 * i + 2, {})
        if not (base_rows and all(a in low_rows and a in high_rows for a in compared)):
            continue
        key = param["keys"][0]
        value, low, high = param["values"]
        entry: dict[str, Any] = {"key": key, "low": low, "high": high, "differences": {}, "value": value,
                                 "source": "range" if key in (ranges or {}) else "factor", "flips": {}}
        for arm in compared:
            sides = {"low": _interval(low_rows[arm]), "high": _interval(high_rows[arm])}
            entry["differences"][arm] = sides
            entry["flips"][arm] = {side: flip(result["baseline"][arm], d) for side, d in sides.items()}
            n = int(manifest["replications"])
            entry.setdefault("underpowered", {})[arm] = {
                side: entry["flips"][arm][side] in OVERTURNS and (fragile(result["baseline"][arm], n) or fragile(d, n))
                for side, d in sides.items()}
        result["parameters"].append(entry)
    return result


def public_json(result: dict[str, Any]) -> dict[str, Any]:
    """The shape `hotline robustness --json` prints, and nothing more."""
    return {"main_rung": result["main_rung"], "baseline": result["baseline"],
            "parameters": [{k: p[k] for k in ("key", "low", "high", "differences")} for p in result["parameters"]]}
