"""The calibration figure: each pattern's observed band beside the simulated mean and 90% interval."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from matplotlib.figure import Figure

from ..run.calibration import CalibrationRow
from .style import new_axes, title

__all__ = ["calibration_figure"]


def calibration_figure(rows: Sequence[CalibrationRow], ax: Any = None) -> Figure:
    """One line per pattern, scaled so that the observed band's upper end is 1 (0 for 'none observed')."""
    fig, ax = new_axes(ax, size=(7.0, 0.8 + 0.45 * len(rows)))
    for i, row in enumerate(rows):
        y = len(rows) - 1 - i
        scale = row.observed.high or max(row.high, row.mean, 1e-9)
        ax.barh(y, (row.observed.high - row.observed.low) / scale or 0.02, left=row.observed.low / scale,
                height=0.5, color="#bbbbbb", edgecolor="black", linewidth=0.4,
                label="observed" if i == 0 else None)
        colour = "#009E73" if row.inside else "#D55E00"
        ax.plot([row.low / scale, row.high / scale], [y, y], color=colour, linewidth=2)
        ax.plot([row.mean / scale], [y], marker="o" if row.fitted else "D", color=colour, markersize=6,
                label=None)
        ax.annotate(f"sim {row.mean:.3g} [{row.low:.3g}, {row.high:.3g}] vs obs {row.observed.text()}",
                    (max(row.high, row.observed.high) / scale, y), xytext=(6, 0), textcoords="offset points",
                    va="center", fontsize=7)
    ax.set_yticks(range(len(rows)), [f"{r.label} ({'fitted' if r.fitted else 'validation'})"
                                     for r in reversed(rows)], fontsize=7)
    ax.set_xlabel("relative to the upper end of the observed band")
    ax.set_xlim(0, 2.6)
    title(ax, "Simulated (mean, 90% interval; green inside, orange outside) vs observed (grey)")
    ax.grid(axis="y", visible=False)
    return fig
