"""An ensemble of model variants weighted by the record: priors, members, likelihood weights, and answers
over the ensemble.

The method is likelihood weighting (importance sampling with the prior as the proposal): members are a
Latin hypercube over the priors' ranges (scipy's `qmc`), each member's weight is its likelihood under
the record (`sim.run.evidence`), normalised. The weighted members stand for the posterior: the parameter
sets consistent with the record, in proportion to how well they reproduce it. Its effective sample size
(1 / sum of squared weights) says how many equally weighted members the ensemble is worth.

Every member runs its years on the same seeds (common random numbers across members), so a pattern no
prior can move gets the same tally in every member and leaves the weights exactly flat.

Answers over the ensemble (`ensemble_answer`): each member's paired difference with its Monte Carlo
interval, weighted. Members run on seeds of their own (`sim.folder.ensemble_run.member_seeds`; the arms
share a member's), so their Monte Carlo errors are independent: on common seeds they would share one
error, the spread between members would understate the noise, and the mean's interval would be too narrow. Between-model spread is separated from Monte Carlo noise as in a random-effects
meta-analysis (DerSimonian-Laird): the members' estimates vary by both, and their squared standard
errors are subtracted from the weighted variance.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .evidence import Evidence, Tally

__all__ = ["Prior", "draw_members", "member_loglik", "weights_of", "effective_size", "weighted_quantile",
           "resample", "fit_summary", "ensemble_answer", "PRIOR_SHAPE"]

PRIOR_SHAPE = "uniform"  # the documented default: every value in [low, high] equally plausible a priori


@dataclass(frozen=True)
class Prior:
    """A uniform prior over [low, high] for the number at a dotted key; `integer` values are rounded."""

    key: str
    low: float
    high: float
    integer: bool = False
    source: str = "ranges"  # "ranges": the scenario's ranges:; "--prior": the command line

    def to_json(self) -> dict[str, Any]:
        return {"key": self.key, "low": self.low, "high": self.high, "integer": self.integer,
                "source": self.source, "shape": PRIOR_SHAPE}

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Prior:
        return cls(str(d["key"]), float(d["low"]), float(d["high"]), bool(d["integer"]), str(d["source"]))


def draw_members(priors: Sequence[Prior], n: int, seed: int) -> list[dict[str, float]]:
    """`n` members: a Latin hypercube over the priors (each prior's range cut in `n` equal strata, one
    member in each), as values by key."""
    from scipy.stats import qmc

    unit = qmc.LatinHypercube(d=len(priors), seed=np.random.default_rng(seed)).random(n)
    members = []
    for row in unit:
        values: dict[str, float] = {}
        for prior, u in zip(priors, row, strict=True):
            value = prior.low + float(u) * (prior.high - prior.low)
            values[prior.key] = float(round(value)) if prior.integer else value
        members.append(values)
    return members


def member_loglik(evidence: Sequence[Evidence], tallies: dict[str, Tally]) -> dict[str, float]:
    """Each pattern's log-likelihood for one member's tallies."""
    return {e.key: e.loglik(tallies[e.key]) for e in evidence}


def weights_of(logliks: Sequence[float]) -> np.ndarray:
    """Normalised weights from log-likelihoods (a member at -inf weighs nothing)."""
    x = np.asarray(logliks, dtype=float)
    if not len(x) or not np.isfinite(x).any():
        raise ValueError("no member has a finite likelihood under the record")
    w = np.exp(x - np.max(x[np.isfinite(x)]))
    w[~np.isfinite(x)] = 0.0
    return w / w.sum()


def effective_size(weights: np.ndarray) -> float:
    """Kish's effective sample size, 1 / sum(w^2) for normalised weights."""
    return float(1.0 / np.sum(np.square(weights)))


def weighted_quantile(values: Sequence[float], weights: Sequence[float], q: float) -> float:
    """The `q` quantile of a weighted sample (the inverse of its step distribution function, taking the
    midpoint convention so that equal weights give the usual order statistics' interpolation)."""
    v = np.asarray(values, dtype=float)
    w = np.asarray(weights, dtype=float)
    order = np.argsort(v, kind="stable")
    v, w = v[order], w[order]
    keep = w > 0
    v, w = v[keep], w[keep]
    if not len(v):
        return math.nan
    cum = (np.cumsum(w) - 0.5 * w) / w.sum()
    return float(np.interp(q, cum, v))


def resample(weights: np.ndarray, k: int, seed: int) -> dict[int, int]:
    """Systematic resampling: `k` draws in proportion to the weights, as member -> times drawn (a member
    drawn m times stands for m/k of the ensemble)."""
    rng = np.random.default_rng(seed)
    positions = (rng.random() + np.arange(k)) / k
    picks = np.searchsorted(np.cumsum(weights), positions, side="right")
    picks = np.minimum(picks, len(weights) - 1)
    out: dict[int, int] = {}
    for i in picks.tolist():
        out[i] = out.get(i, 0) + 1
    return out


def fit_summary(priors: Sequence[Prior], members: Sequence[dict[str, float]], evidence: Sequence[Evidence],
                tallies: Sequence[dict[str, Tally]], logliks: Sequence[float]) -> dict[str, Any]:
    """Weights, effective sample size, each prior's and posterior's centre and 90% band, and each pattern's
    fit: the observed figure beside the prior's and the ensemble's simulated mean, and whether the record
    lies inside the ensemble's predictive 90% (coverage)."""
    w = weights_of(logliks)
    n = len(members)
    flat = np.full(n, 1.0 / n)
    params = {}
    for prior in priors:
        x = [m[prior.key] for m in members]
        params[prior.key] = {
            "prior": {"low": prior.low, "high": prior.high, "median": weighted_quantile(x, flat, 0.5)},
            "posterior": {"mean": float(np.dot(w, x)), "p05": weighted_quantile(x, w, 0.05),
                          "median": weighted_quantile(x, w, 0.5), "p95": weighted_quantile(x, w, 0.95)}}
    patterns = []
    for e in evidence:
        sim = np.array([e.simulated(t[e.key]) for t in tallies])
        ps = np.array([e.predictive_p(t[e.key]) for t in tallies])
        below, above = float(np.dot(w, ps[:, 0])), float(np.dot(w, ps[:, 1]))
        ok = np.isfinite(sim)
        inside = below >= 0.05 and above >= 0.05
        patterns.append({
            "key": e.key, "label": e.label, "kind": e.kind, "observed": e.observed_text, "source": e.source,
            "prior_mean": float(np.mean(sim[ok])) if ok.any() else math.nan,
            "ensemble_mean": float(np.dot(w[ok], sim[ok]) / w[ok].sum()) if ok.any() and w[ok].sum() else math.nan,
            "p_below": below, "p_above": above, "inside": inside})
    ess = effective_size(w)
    return {"members": n, "effective_size": ess, "ess_share": ess / n, "weights": w.tolist(),
            "parameters": params, "patterns": patterns,
            "coverage": sum(p["inside"] for p in patterns) / len(patterns) if patterns else math.nan}


def ensemble_answer(rows: Sequence[dict[str, Any]], shares: dict[int, float], arm: str, baseline: str,
                    z90: float = 1.6448536269514722) -> dict[str, Any]:
    """The distribution over the ensemble of `arm - baseline` on the main outcome, from the rows of a run
    on the members (`point` = member, `diff_main` with its 95% interval) and each member's share of the
    ensemble. Returns the weighted mean, the 5th-95th percentile of the members' estimates (assumptions
    and noise together), the between-model standard deviation with Monte Carlo noise taken out
    (DerSimonian-Laird) and its normal 90% band, the Monte Carlo 95% interval of the mean, and the share of
    the ensemble in which the arm lowers the risk: by point estimate, and clearly (interval below zero)."""
    est, se, wts, members = [], [], [], []
    for r in rows:
        if r["arm"] != arm:
            continue
        point = int(r["point"])
        if point not in shares:
            continue
        d, lo, hi = float(r["diff_main"]), float(r["diff_main_low"]), float(r["diff_main_high"])
        est.append(d)
        se.append(max((hi - lo) / (2 * 1.959963984540054), 0.0))
        wts.append(shares[point])
        members.append(point)
    if not est:
        raise ValueError(f"no rows of arm {arm} for the ensemble's members")
    e, s, w = np.array(est), np.array(se), np.array(wts) / sum(wts)
    mean = float(np.dot(w, e))
    spread2 = float(np.dot(w, (e - mean) ** 2))
    noise2 = float(np.dot(w, s ** 2))
    tau = math.sqrt(max(spread2 - noise2, 0.0))
    mc_se = math.sqrt(float(np.dot(w ** 2, s ** 2)))
    from scipy.stats import norm

    lowers_model = float(norm.cdf(-mean / tau)) if tau > 0 else float(mean < 0)
    # How many members would look failing (estimate >= 0) from Monte Carlo noise alone, were the effect the
    # ensemble's mean in every one of them: the base rate a real failure region must stand out from.
    noise_fail = float(np.dot(w, [norm.sf(-mean / q) if q > 0 else float(mean >= 0) for q in s]))
    return {"arm": arm, "baseline": baseline, "members": len(est), "mean": mean,
            "p05": weighted_quantile(e, w, 0.05), "p95": weighted_quantile(e, w, 0.95),
            "between_sd": tau, "band90_low": mean - z90 * tau, "band90_high": mean + z90 * tau,
            "mc_low": mean - 1.959963984540054 * mc_se, "mc_high": mean + 1.959963984540054 * mc_se,
            "noise_sd": math.sqrt(noise2), "share_lower": float(np.dot(w, e < 0)),
            "share_clearly_lower": float(np.dot(w, (e + 1.959963984540054 * s) < 0)),
            "share_lower_model": lowers_model, "noise_fail_rate": noise_fail,
            "by_member": [{"member": m, "share": float(x), "diff": float(d), "se": float(q)}
                          for m, x, d, q in zip(members, w, e, s, strict=True)]}
