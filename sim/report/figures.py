"""Figures. Each takes prepared data (see datasets.py) and `ax=None`, and returns the figure."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from typing import Any

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, PercentFormatter
from matplotlib.transforms import offset_copy

from .datasets import CallCounts, Difference, Series
from .style import arm_style, new_axes, title, type_scale

__all__ = ["BY_TYPE_GAP_POINTS", "by_type_figure", "call_fates_figure", "wrapped_arm", "legend_rows", "below_inches", "CALLS_GAP_POINTS", "escalation_profile_figure", "cumulative_figure", "differences_figure", "hotline_figure",
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


def _band(n_arms: int) -> float:
    """The height one category row takes in a horizontal figure, in inches."""
    return 0.16 + 0.1 * n_arms


def _log_axis_if_rare(ax: Any, values: Sequence[float], highs: Sequence[float]) -> bool:
    """Put the x axis on a log scale when some probability that matters is below 5% (rare rungs would be
    invisible on a linear one); percentages either way. Returns whether the axis is logarithmic."""
    positives = [v for v in values if v and v > 0]
    if positives and min(positives) < 0.05:
        ax.set_xscale("log")
        floor = min(min(positives), *[v for v in highs if v > 0]) / 3
        ax.set_xlim(left=max(floor, 1e-5), right=1.5)
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{100 * v:g}%"))
        return True
    ax.set_xlim(0, 1.05)
    _percent_axis(ax.xaxis)
    return False


def _legend_columns(names: Sequence[str]) -> int:
    """As many legend columns (at most three) as names of this length fit across a 6-inch figure."""
    longest = max((len(pretty_arm(n)) for n in names), default=1)
    return max(1, min(3, len(names), 60 // (longest + 8)))


LEGEND_GAP_POINTS = 30  # from the bottom of the axes to the legend below it: tick labels and a one-line x label
LEGEND_ROW_POINTS = 10  # one row of the legend below (7 pt type)


def _legend_below(ax: Any, names: Sequence[str], gap: float = LEGEND_GAP_POINTS, ncol: int | None = None) -> None:
    """The legend under the axes, `gap` points below them whatever their height (in as many columns as
    fit), so that it covers no data and no label."""
    anchor = offset_copy(ax.transAxes, fig=ax.figure, y=-gap * type_scale(), units="points")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, 0.0), bbox_transform=anchor,
              ncol=ncol or _legend_columns(names), frameon=False, fontsize=7 * type_scale())


def below_inches(names: Sequence[str], gap: float = LEGEND_GAP_POINTS) -> float:
    """The room, in inches, that the x label and a legend below the axes take."""
    return (gap + LEGEND_ROW_POINTS * legend_rows(names) + 6) / 72


def legend_rows(names: Sequence[str]) -> int:
    """How many rows `_legend_below` takes for these arms."""
    return -(-len(names) // _legend_columns(names))


def escalation_profile_figure(series: Sequence[Series], rung_names: Sequence[str], ax: Any = None) -> Figure:
    """P(reaching rung k or higher) per arm, with 95% intervals: one row per rung (the top of the ladder at
    the top), the arms as separate points in it, not joined by lines (a line across rungs would make the
    arms drawn lower in a row look less likely); on a log scale when probabilities are small."""
    ks = [int(k) for k in series[0].x] if series else []
    arms = [s.arm for s in series]
    fig, ax = new_axes(ax, size=(6.4, 1.3 + 0.16 * legend_rows(arms) + _band(len(series)) * len(ks)))
    step = 0.7 / max(len(series), 1)
    for i, s in enumerate(series):
        style = arm_style(i)
        y = np.asarray(s.x) + ((len(series) - 1) / 2 - i) * step
        est, lo, hi = map(np.asarray, (s.estimate, s.low, s.high))
        ax.errorbar(est, y, xerr=[est - lo, hi - est], label=pretty_arm(s.arm), capsize=2, markersize=4,
                    linewidth=1, linestyle="none", color=style["color"], marker=style["marker"])
    _log_axis_if_rare(ax, [v for s in series for v in s.estimate], [v for s in series for v in s.high])
    ax.set_yticks(ks, [_wrapped_label(rung_names[k]) for k in ks])
    ax.set_ylim(min(ks, default=0) - 0.5, max(ks, default=0) + 0.5)
    ax.grid(axis="y", visible=False)
    ax.set_xlabel("P(reaching this rung or higher), 95% CI")
    title(ax, "Escalation profile: chance of reaching each rung")
    _legend_below(ax, arms)
    return fig


def _wrapped_label(text: str, width: int = 30) -> str:
    lines = textwrap.wrap(text, width) or [""]
    return "\n".join(lines[:2]) + ("..." if len(lines) > 2 else "")


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
    title(ax, f"Cumulative probability of {main_label} (95% bands)")
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
        ax.annotate(f"{100 * d.estimate:+.2f} ({100 * d.low:+.2f} to {100 * d.high:+.2f})",  # beside the axes,
                    (1.0, y), xycoords=("axes fraction", "data"), xytext=(6, 0), textcoords="offset points",
                    va="center", fontsize=8)  # so that no line or interval runs through the numbers
    ax.axvline(0, color="#555555", linewidth=0.8)
    ax.set_yticks(range(len(diffs)), [wrapped_arm(d.arm) for d in reversed(diffs)])
    ax.set_ylim(-0.7, len(diffs) - 0.3)
    lo = min([100 * d.low for d in diffs] + [0])
    hi = max([100 * d.high for d in diffs] + [0])
    pad = (hi - lo) * 0.1 + 0.05
    ax.set_xlim(lo - pad, hi + pad)
    ax.set_xlabel(f"difference in P({main_label}), percentage points (negative = lower risk)")
    title(ax, f"Paired difference against {pretty_arm(baseline)} (95% CI)")
    ax.grid(axis="y", visible=False)
    return fig


CALLS_GAP_POINTS = 40  # the calls figure's x label has two lines


def hotline_figure(calls: Sequence[CallCounts], ax: Any = None) -> Figure:
    """Calls per replication: placed, answered, answered in time, one row per arm."""
    fig, ax = new_axes(ax, size=(6.4, 1.5 + _band(3) * max(len(calls), 1)))
    kinds = [("placed", "placed_per_replication", ""), ("answered", "answered_per_replication", "//"),
             ("answered in time", "in_time_per_replication", "xx")]
    y = np.arange(len(calls))[::-1]
    height = 0.26
    for j, (label, attr, hatch) in enumerate(kinds):
        values = [getattr(c, attr) for c in calls]
        ax.barh(y + (1 - j) * height, values, height, label=label, color=("#0072B2", "#56B4E9", "#009E73")[j],
                hatch=hatch, edgecolor="black", linewidth=0.5)
    ax.set_yticks(y, [wrapped_arm(c.arm) for c in calls])
    ax.set_ylim(-0.6, len(calls) - 0.4)
    ax.grid(axis="y", visible=False)
    ax.set_xlabel("calls per replication\n('in time': the call ended before the other side's next move)")
    title(ax, "Hotline use: calls placed, answered, answered in time")
    _legend_below(ax, [k[0] for k in kinds], gap=CALLS_GAP_POINTS, ncol=3)
    return fig


def highest_rung_figure(shares: dict[str, list[float]], rung_names: Sequence[str], ax: Any = None) -> Figure:
    """Distribution of the highest rung reached, per arm: one row per rung (the top at the top), on a log
    scale when some rung is rare (the top rungs would be invisible on a linear one)."""
    arms = list(shares)
    fig, ax = new_axes(ax, size=(6.4, 1.3 + 0.16 * legend_rows(arms) + _band(len(arms)) * len(rung_names)))
    height = 0.8 / max(len(arms), 1)
    y = np.arange(len(rung_names))
    for i, arm in enumerate(arms):
        style = arm_style(i)
        ax.barh(y + ((len(arms) - 1) / 2 - i) * height, shares[arm], height, label=pretty_arm(arm),
                color=style["color"], alpha=0.85, edgecolor="black", linewidth=0.4,
                hatch=("", "//", "..", "xx", "\\\\", "++", "oo", "--")[i % 8])
    values = [v for arm in arms for v in shares[arm]]
    log = _log_axis_if_rare(ax, values, values)
    ax.set_yticks(y, [_wrapped_label(n) for n in rung_names])
    ax.set_ylim(-0.5, len(rung_names) - 0.5)
    ax.grid(axis="y", visible=False)
    ax.set_xlabel("share of replications" + (" (log scale)" if log else ""))
    title(ax, "Highest rung reached in a replication")
    _legend_below(ax, arms)
    return fig


_FATE_COLOURS = ("#999999", "#E69F00", "#0072B2", "#CC79A7", "#F0E442", "#D55E00", "#56B4E9", "#009E73", "#000000")
_FATE_HATCHES = ("", "//", "", "xx", "..", "", "\\\\", "++", "")


def call_fates_figure(fates: dict[str, dict[str, int]], in_time: dict[str, int], words: dict[str, str],
                      replications: int, ax: Any = None) -> Figure:
    """Why calls did not come in time: for each arm with calls, the calls that failed, split by first cause
    (the segments add up to the bar); the calls that came in time are written at the end of the bar."""
    arms = [a for a in fates if sum(fates[a].values()) + in_time.get(a, 0) > 0]
    names = list(next(iter(fates.values()), {}))
    fig, ax = new_axes(ax, size=(6.4, 1.9 + 0.12 * -(-len(names) // 3) + 0.4 * max(len(arms), 1)))
    y = np.arange(len(arms))[::-1]
    left = np.zeros(len(arms))
    for j, name in enumerate(names):
        values = np.array([fates[a].get(name, 0) for a in arms], dtype=float)
        if not values.any():
            continue
        ax.barh(y, values, 0.6, left=left, label=words.get(name, name), color=_FATE_COLOURS[j % 9],
                hatch=_FATE_HATCHES[j % 9], edgecolor="black", linewidth=0.4)
        left += values
    for yy, total, arm in zip(y, left, arms, strict=True):
        ax.annotate(f"{int(total)} failed, {in_time.get(arm, 0)} in time", (total, yy), xytext=(4, 0),
                    textcoords="offset points", va="center", fontsize=7)
    ax.set_xlim(0, max(left.max() if len(arms) else 1.0, 1.0) * 1.35)
    ax.set_yticks(y, [wrapped_arm(a) for a in arms])
    ax.set_ylim(-0.6, max(len(arms), 1) - 0.4)
    ax.grid(axis="y", visible=False)
    ax.set_xlabel(f"calls that did not come in time, by first cause (over {replications} replications)")
    title(ax, "Why calls fail: the first obstacle each call met")
    _legend_below(ax, ["x"] * 9, ncol=3)
    return fig


BY_TYPE_GAP_POINTS = 40  # its x label has two lines


def by_type_figure(counts: dict[str, dict[str, dict[str, int]]], layers: dict[str, str], main_label: str,
                   top_label: str, replications: int, ax: Any = None) -> Figure:
    """Where the serious incidents come from: per incident type (its force layer beside it), one bar per arm
    of the serious incidents per 100 replications, with the uses of the main rung and of the top rung
    written at the end of each bar (counts over the run)."""
    arms = list(counts)
    types = list(next(iter(counts.values()), {}))
    fig, ax = new_axes(ax, size=(6.4, 1.5 + 0.16 * legend_rows(arms) + _band(len(arms)) * max(len(types), 1)))
    height = 0.8 / max(len(arms), 1)
    y = np.arange(len(types))[::-1]
    scale = 100.0 / max(replications, 1)
    most = 0.0
    for i, arm in enumerate(arms):
        style = arm_style(i)
        values = np.array([counts[arm][t]["serious"] * scale for t in types])
        ys = y + ((len(arms) - 1) / 2 - i) * height
        ax.barh(ys, values, height, label=pretty_arm(arm), color=style["color"], alpha=0.85, edgecolor="black",
                linewidth=0.4, hatch=("", "//", "..", "xx", "\\\\", "++", "oo", "--")[i % 8])
        for yy, v, t in zip(ys, values, types, strict=True):
            c = counts[arm][t]
            if c["main"] or c["top"]:
                ax.annotate(f"{main_label} {c['main']}, {top_label} {c['top']}", (v, yy), xytext=(3, 0),
                            textcoords="offset points", va="center", fontsize=6)
        most = max(most, float(values.max(initial=0.0)))
    ax.set_xlim(0, max(most, 1e-9) * 1.6 if most else 1.0)
    ax.set_yticks(y, [_wrapped_label(f"{t} ({layers.get(t, '?')})") for t in types])
    ax.set_ylim(-0.6, max(len(types), 1) - 0.4)
    ax.grid(axis="y", visible=False)
    ax.set_xlabel("\n".join(textwrap.wrap(f"serious incidents per 100 replications (at the end of a bar: incidents "
                                           f"that reached {main_label} and {top_label}, counts over {replications} "
                                           "replications)", 90)), fontsize=7)
    title(ax, "Where serious incidents come from: by incident type and force layer")
    _legend_below(ax, arms, gap=BY_TYPE_GAP_POINTS)
    return fig
