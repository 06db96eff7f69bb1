"""Figures. Each takes prepared data (see datasets.py) and `ax=None`, and returns the figure."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from typing import Any

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, PercentFormatter

from .datasets import CallCounts, Difference, Series
from .style import arm_style, new_axes

__all__ = ["wrapped_arm", "escalation_profile_figure", "cumulative_figure", "differences_figure", "hotline_figure",
           "highest_rung_figure", "pretty_arm"]


def pretty_arm(name: str) -> str:
    return name.replace("_", " ")


def wrapped_arm(name: str, width: int = 22) -> str:
    """An arm's name for an axis label: wrapped onto lines of at most `width` characters (a 40-character
    name would run off the figure), and at most three lines."""
    lines = textwrap.wrap(pretty_arm(name), width, break_long_words=True) or [""]
    return "\n".join(lines[:3]) + ("..." if len(lines) > 3 else "")


def _percent_axis(axis: Any) -> None:
    axis.set_major_formatter(PercentFormatter(1.0, decimals=None))


def escalation_profile_figure(series: Sequence[Series], rung_names: Sequence[str], ax: Any = None) -> Figure:
    """P(reaching rung k or higher) per arm, with 95% intervals, on a log scale when probabilities are small."""
    fig, ax = new_axes(ax)
    width = 0.6 / max(len(series), 1)
    positives = [v for s in series for v in s.estimate if v and v > 0]
    for i, s in enumerate(series):
        style = arm_style(i)
        x = np.asarray(s.x) + (i - (len(series) - 1) / 2) * width
        est, lo, hi = map(np.asarray, (s.estimate, s.low, s.high))
        ax.errorbar(x, est, yerr=[est - lo, hi - est], label=pretty_arm(s.arm), capsize=2, markersize=4,
                    linewidth=1, **style)
    if positives and min(positives) < 0.05:
        ax.set_yscale("log")
        floor = min(min(positives), *[v for s in series for v in s.high if v > 0]) / 3
        ax.set_ylim(bottom=max(floor, 1e-5), top=1.5)
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{100 * v:g}%"))
    else:
        ax.set_ylim(0, 1.05)
        _percent_axis(ax.yaxis)
    ticks = [int(k) for k in series[0].x] if series else []
    ax.set_xticks(ticks, [rung_names[k] for k in ticks], rotation=20, ha="right")
    ax.set_ylabel("P(reaching this rung or higher)")
    ax.set_title("Escalation profile: chance of reaching each rung (95% CI)")
    ax.legend(frameon=False)
    return fig


def cumulative_figure(series: Sequence[Series], main_label: str, ax: Any = None) -> Figure:
    """Cumulative probability of first reaching the main rung over the horizon, with 95% bands."""
    fig, ax = new_axes(ax)
    for i, s in enumerate(series):
        style = arm_style(i)
        ax.step(s.x, s.estimate, where="post", color=style["color"], linestyle=style["linestyle"],
                label=pretty_arm(s.arm), linewidth=1.3)
        ax.fill_between(s.x, s.low, s.high, step="post", color=style["color"], alpha=0.12, linewidth=0)
    ax.set_xlabel("day")
    ax.set_ylabel(f"P({main_label}) so far")
    ax.set_ylim(bottom=0)
    ax.set_xlim(left=0)
    _percent_axis(ax.yaxis)
    ax.set_title(f"Cumulative probability of {main_label} (95% bands)")
    ax.legend(frameon=False)
    return fig


def differences_figure(diffs: Sequence[Difference], baseline: str, main_label: str, ax: Any = None) -> Figure:
    """Forest plot: each arm minus the baseline, in percentage points, with paired 95% intervals."""
    fig, ax = new_axes(ax, size=(6.4, 0.6 + 0.5 * max(len(diffs), 1)))
    for i, d in enumerate(diffs):
        style = arm_style(i + 1)
        y = len(diffs) - 1 - i
        ax.plot([100 * d.low, 100 * d.high], [y, y], color=style["color"], linewidth=2)
        ax.plot([100 * d.estimate], [y], marker=style["marker"], color=style["color"], markersize=7)
        ax.annotate(f"{100 * d.estimate:+.2f} ({100 * d.low:+.2f} to {100 * d.high:+.2f})",
                    (100 * d.high, y), xytext=(6, 0), textcoords="offset points", va="center", fontsize=8)
    ax.axvline(0, color="#555555", linewidth=0.8)
    ax.set_yticks(range(len(diffs)), [wrapped_arm(d.arm) for d in reversed(diffs)])
    ax.set_ylim(-0.7, len(diffs) - 0.3)
    lo = min([100 * d.low for d in diffs] + [0])
    hi = max([100 * d.high for d in diffs] + [0])
    pad = (hi - lo) * 0.6 + 0.1
    ax.set_xlim(lo - 0.1 * pad, hi + pad)
    ax.set_xlabel(f"difference in P({main_label}), percentage points (negative = lower risk)")
    ax.set_title(f"Paired difference against {pretty_arm(baseline)} (95% CI)")
    ax.grid(axis="y", visible=False)
    return fig


def hotline_figure(calls: Sequence[CallCounts], ax: Any = None) -> Figure:
    """Calls per replication: placed, answered, answered in time, per arm."""
    fig, ax = new_axes(ax)
    kinds = [("placed", "placed_per_replication", ""), ("answered", "answered_per_replication", "//"),
             ("answered in time", "in_time_per_replication", "xx")]
    x = np.arange(len(calls))
    width = 0.26
    for j, (label, attr, hatch) in enumerate(kinds):
        values = [getattr(c, attr) for c in calls]
        ax.bar(x + (j - 1) * width, values, width, label=label, color=("#0072B2", "#56B4E9", "#009E73")[j],
               hatch=hatch, edgecolor="black", linewidth=0.5)
    ax.set_xticks(x, [pretty_arm(c.arm) for c in calls], rotation=15, ha="right")
    ax.set_ylabel("calls per replication")
    ax.set_title("Hotline use: calls placed, answered, answered in time")
    ax.legend(frameon=False)
    return fig


def highest_rung_figure(shares: dict[str, list[float]], rung_names: Sequence[str], ax: Any = None) -> Figure:
    """Distribution of the highest rung reached, per arm."""
    fig, ax = new_axes(ax)
    arms = list(shares)
    width = 0.8 / max(len(arms), 1)
    x = np.arange(len(rung_names))
    for i, arm in enumerate(arms):
        style = arm_style(i)
        ax.bar(x + (i - (len(arms) - 1) / 2) * width, shares[arm], width, label=pretty_arm(arm),
               color=style["color"], alpha=0.85, edgecolor="black", linewidth=0.4,
               hatch=("", "//", "..", "xx", "\\\\", "++", "oo", "--")[i % 8])
    ax.set_xticks(x, rung_names, rotation=30, ha="right")
    ax.set_ylabel("share of replications")
    _percent_axis(ax.yaxis)
    ax.set_title("Highest rung reached in a replication")
    ax.legend(frameon=False)
    return fig
