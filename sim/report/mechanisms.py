"""Where the hotline's effect comes from, and how fast calls are answered: datasets, figures and words.

Reads an explanation (`explanation.json`, written by `hotline explain`) and a run's summary; never reruns
the model.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from matplotlib.figure import Figure

from .figures import pretty_arm
from .style import arm_style, new_axes, title

__all__ = ["Part", "mechanism_parts", "mechanisms_figure", "explanation_sentence", "answer_delays",
           "answer_delay_figure"]


@dataclass(frozen=True)
class Part:
    """One mechanism's share of one arm's difference, with its 95% interval (probability points as 0-1)."""

    arm: str
    mechanism: str
    estimate: float
    low: float
    high: float


def mechanism_parts(explanation: dict[str, Any]) -> list[Part]:
    """Every arm's parts, mechanisms in the order the explanation lists them, then 'other' if not zero."""
    parts = []
    for arm, data in explanation["arms"].items():
        for name, v in data["mechanisms"].items():
            parts.append(Part(arm, name, v["estimate"] or 0.0, v["ci_low"] or 0.0, v["ci_high"] or 0.0))
        other = data.get("other") or {}
        if other.get("estimate"):
            parts.append(Part(arm, "other", other["estimate"], other["ci_low"], other["ci_high"]))
    return parts


def mechanisms_figure(parts: Sequence[Part], main_id: str, ax: Any = None) -> Figure:
    """Horizontal bars: each mechanism's part of each arm's difference in P(main rung), with 95% intervals."""
    fig, ax = new_axes(ax, size=(6.4, 0.5 + 0.28 * max(len(parts), 1)))
    arms = list(dict.fromkeys(p.arm for p in parts))
    y = np.arange(len(parts))[::-1]
    for i, part in enumerate(parts):
        style = arm_style(arms.index(part.arm) + 1)
        ax.barh(y[i], 100 * part.estimate, color=style["color"], alpha=0.8, edgecolor="black", linewidth=0.4,
                label=pretty_arm(part.arm) if part == next(p for p in parts if p.arm == part.arm) else None)
        ax.plot([100 * part.low, 100 * part.high], [y[i], y[i]], color="black", linewidth=0.8)
    ax.axvline(0, color="#444444", linewidth=0.8)
    ax.set_yticks(y, [f"{p.mechanism.replace('_', ' ')}" for p in parts])
    ax.set_xlabel(f"part of the difference in P({main_id}), points (95% CI)")
    title(ax, "Each mechanism's part of each arm's difference (Shapley; parts sum to the total)")
    if len(arms) > 1:
        ax.legend(frameon=False, loc="best", fontsize=7)
    return fig


def explanation_sentence(explanation: dict[str, Any]) -> str:
    """One sentence per arm naming the mechanisms that carry most of its difference."""
    sentences = []
    for arm, data in explanation["arms"].items():
        total = data["total"]["estimate"] or 0.0
        sign = 1.0 if total > 0 else -1.0
        # Largest contributions in the direction of the total first.
        parts = sorted(((v["estimate"] or 0.0, name) for name, v in data["mechanisms"].items()),
                       key=lambda t: -sign * t[0])
        if not parts or total == 0.0:
            sentences.append(f"In {pretty_arm(arm)} no mechanism changed the outcome in these replications.")
            continue
        leading = [(v, n) for v, n in parts if v * total > 0][:2]
        # (a part that rounds to 0.00 points is not said to work the other way)
        against = [(v, n) for v, n in reversed(parts) if v * total < 0 and abs(100 * v) >= 0.005]
        words = " and ".join(f"{n.replace('_', ' ')} ({100 * v:+.2f} points)" for v, n in leading)
        text = (f"In {pretty_arm(arm)} ({100 * total:+.2f} points in all), most of the difference comes from "
                f"{words or 'no single mechanism'}")
        if against:
            text += f"; {against[0][1].replace('_', ' ')} works the other way ({100 * against[0][0]:+.2f})"
        sentences.append(text + ".")
    return " ".join(sentences)


def answer_delays(summary: dict[str, Any]) -> dict[str, tuple[list[str], list[float]]]:
    """Per arm with answered calls: bin labels and the share of answered calls in each bin."""
    out = {}
    for arm, data in summary["arms"].items():
        delay = data.get("hotline", {}).get("answer_delay")
        if not delay or not sum(delay["counts"]):
            continue
        total = sum(delay["counts"])
        out[arm] = (list(delay["bins"]), [c / total for c in delay["counts"]])
    return out


def answer_delay_figure(delays: dict[str, tuple[list[str], list[float]]], ax: Any = None) -> Figure:
    """Share of answered calls by hours from deciding to call to the answer, per arm."""
    fig, ax = new_axes(ax)
    arms = list(delays)
    width = 0.8 / max(len(arms), 1)
    labels: list[str] = delays[arms[0]][0] if arms else []
    x = np.arange(len(labels))
    for i, arm in enumerate(arms):
        style = arm_style(i + 1)
        ax.bar(x + (i - (len(arms) - 1) / 2) * width, delays[arm][1], width, label=pretty_arm(arm),
               color=style["color"], alpha=0.85, edgecolor="black", linewidth=0.4)
    ax.set_xticks(x, [label.replace("_", "-").replace("-plus", "+") for label in labels], rotation=20)
    ax.set_xlabel("hours from deciding to call to the answer")
    ax.set_ylabel("share of answered calls")
    title(ax, "How fast calls are answered")
    if arms:
        ax.legend(frameon=False)
    return fig
