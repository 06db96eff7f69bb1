"""Scenario discovery over an ensemble: the box of assumptions in which the hotline stops helping.

PRIM (the patient rule induction method; EMA Workbench's implementation, an optional extra) peels a box
of the assumptions' space towards the members in which the effect vanishes or reverses (the arm's paired
difference on the main outcome is not below zero). Members resampled by weight enter as many times as they
were drawn, so the box is found in the ensemble, not in the prior. Of the boxes on PRIM's peeling
trajectory this takes the densest that still holds at least half the members where the effect fails
(coverage >= 0.5) and a twentieth of the ensemble (mass >= 0.05).

Coverage: the share of the failing members inside the box. Density: the share of the box's members that
fail (against the share in the whole ensemble, the base rate)."""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np

__all__ = ["DiscoveryUnavailable", "prim_box", "box_sentence", "beyond_noise", "MIN_COVERAGE", "MIN_MASS"]

MIN_COVERAGE = 0.5
MIN_MASS = 0.05


class DiscoveryUnavailable(Exception):
    """EMA Workbench is not installed."""


def prim_box(x: dict[str, Sequence[float]], fails: Sequence[bool], counts: Sequence[int]) -> dict[str, Any]:
    """The box where the effect fails, from members' values `x` (by key), whether each fails, and how many
    times each was drawn. Returns the box's limits on the restricted keys, coverage, density, mass, the base
    rate, and `found` False with a reason when there is nothing to find."""
    keys = list(x)
    reps = np.asarray(counts, dtype=int)
    y = np.repeat(np.asarray(fails, dtype=bool), reps)
    base = float(y.mean()) if len(y) else math.nan
    out: dict[str, Any] = {"found": False, "base_rate": base, "draws": int(len(y)), "limits": {}}
    if not len(y) or y.all() or not y.any():
        out["reason"] = ("the effect fails in every member" if len(y) and y.all()
                         else "the effect holds in every member")
        return out
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            import pandas as pd
            from ema_workbench.analysis import prim
    except ImportError:
        raise DiscoveryUnavailable("scenario discovery needs EMA Workbench: pip install 'hotline[discovery]'") from None
    frame = pd.DataFrame({k: np.repeat(np.asarray(x[k], dtype=float), reps) for k in keys})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        finder = prim.Prim(frame, y, threshold=0.01, peel_alpha=0.05)
        box = finder.find_box()
    trajectory = box.peeling_trajectory
    ok = trajectory[(trajectory["coverage"] >= MIN_COVERAGE) & (trajectory["mass"] >= MIN_MASS)]
    if ok.empty:
        out["reason"] = "no box holds half of the failing members"
        return out
    best = int(ok["density"].idxmax())
    limits = box.box_lims[best]
    first = box.box_lims[0]
    for k in keys:
        lo, hi = float(limits[k].iloc[0]), float(limits[k].iloc[1])
        if lo > float(first[k].iloc[0]) or hi < float(first[k].iloc[1]):
            out["limits"][k] = {"low": lo, "high": hi, "low_bound": lo > float(first[k].iloc[0]),
                                "high_bound": hi < float(first[k].iloc[1])}
    row = trajectory.loc[best]
    out.update(found=bool(out["limits"]), coverage=float(row["coverage"]), density=float(row["density"]),
               mass=float(row["mass"]))
    if not out["limits"]:
        out["reason"] = "PRIM restricted no assumption"
    return out


def beyond_noise(base_rate: float, draws: int, noise: float, level: float = 0.05) -> bool:
    """Whether the members that look failing are more than Monte Carlo noise alone would make look so: a
    one-sided binomial test of their count among the draws against the noise rate, at `level`."""
    from scipy.stats import binomtest

    if draws <= 0 or noise >= 1.0:
        return False
    k = round(base_rate * draws)
    return bool(binomtest(k, draws, max(noise, 1e-12), alternative="greater").pvalue < level)


def box_sentence(box: dict[str, Any], labels: dict[str, str] | None = None) -> str:
    """One sentence on the box: where the line stops helping, how much of the failure it covers and how dense."""
    labels = labels or {}
    noise = box.get("noise_rate")
    caveat = "" if noise is None else (
        f" Monte Carlo noise alone would make {100 * noise:.0f}% of the members look failing were the effect the "
        "same in all; more replications per member tell a real region from noise.")
    if not box.get("found"):
        return f"No box of assumptions isolates where the line stops helping: {box.get('reason', 'none found')}." \
            + caveat
    parts = []
    for key, lim in box["limits"].items():
        name = labels.get(key, key)
        if lim["low_bound"] and lim["high_bound"]:
            parts.append(f"{name} is between {lim['low']:.3g} and {lim['high']:.3g}")
        elif lim["low_bound"]:
            parts.append(f"{name} is above {lim['low']:.3g}")
        else:
            parts.append(f"{name} is below {lim['high']:.3g}")
    where = " and ".join(parts)
    if noise is not None and not beyond_noise(box["base_rate"], box["draws"], noise):
        return (f"The line seems not to help in {100 * box['base_rate']:.0f}% of the plausible models, not clearly "
                f"more than Monte Carlo noise alone would make look so ({100 * noise:.0f}%, one-sided binomial test "
                f"at 5%) were the effect the same in all: no "
                f"region of the assumptions is shown where it stops helping (PRIM's best box, {where}, may be "
                "noise); more replications per member can tell.")
    return (f"The line stops helping when {where}: that box holds {100 * box['coverage']:.0f}% of the plausible "
            f"models in which it fails, and it fails in {100 * box['density']:.0f}% of the models inside it "
            f"(against {100 * box['base_rate']:.0f}% over the whole ensemble).") + caveat
