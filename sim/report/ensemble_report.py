"""The briefing's page "What the record allows": a difference as a distribution over the fitted ensemble,
and the box of assumptions where the line stops helping."""

from __future__ import annotations

import textwrap
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from .figures import pretty_arm
from .style import ARM_COLOURS, apply_style

__all__ = ["record_page", "ensemble_figure", "record_sentence"]

_PAGE = (8.27, 11.69)


def record_sentence(answer: dict[str, Any]) -> str:
    """One sentence on the first arm over the ensemble."""
    a = answer["answers"][0]
    spread = (f"the assumptions the record leaves open move it between {100 * a['band90_low']:+.2f} and "
              f"{100 * a['band90_high']:+.2f} (90%)" if a["between_sd"] > 0 else
              "the members differ no more than their Monte Carlo noise, so the assumptions the record leaves open "
              "do not measurably move it at these replications")
    return (f"Across the model variants consistent with the record ({answer['members']} members drawn by weight), "
            f"{pretty_arm(a['arm'])} changes P(main outcome) by {100 * a['mean']:+.2f} points on average against "
            f"{pretty_arm(a['baseline'])} (Monte Carlo 95% {100 * a['mc_low']:+.2f} to {100 * a['mc_high']:+.2f}); "
            f"{spread}; it lowers the risk in {100 * a['share_lower']:.0f}% of the members.")


def ensemble_figure(answer: dict[str, Any], ax: Axes | None = None) -> Figure | None:
    """Each member's estimate of the first arm's difference (points), bars as tall as the member's share of
    the ensemble, with its Monte Carlo interval; the mean, the between-model 90% band and zero."""
    a = answer["answers"][0]
    fig = None
    if ax is None:
        apply_style()
        fig = Figure(figsize=(7.5, 3.6))
        ax = fig.add_axes((0.1, 0.16, 0.86, 0.74))
    members = sorted(a["by_member"], key=lambda m: m["diff"])
    y = np.arange(len(members))
    d = np.array([100 * m["diff"] for m in members])
    e = np.array([100 * 1.96 * m["se"] for m in members])
    size = np.array([m["share"] for m in members])
    ax.axvspan(100 * a["band90_low"], 100 * a["band90_high"], color="#0072B2", alpha=0.12,
               label="90% across plausible models")
    ax.errorbar(d, y, xerr=e, fmt="none", ecolor="#999999", elinewidth=0.8, label="member's Monte Carlo 95%")
    ax.scatter(d, y, s=20 + 400 * size, color=ARM_COLOURS[1], zorder=3, label="member (size: its share)")
    ax.axvline(100 * a["mean"], color=ARM_COLOURS[2], lw=1.5, label=f"mean {100 * a['mean']:+.2f}")
    ax.axvline(0, color="black", lw=0.8)
    ax.set_yticks([])
    ax.set_ylabel("members, by estimate")
    ax.set_xlabel(f"{pretty_arm(a['arm'])} minus {pretty_arm(a['baseline'])}, percentage points")
    ax.legend(fontsize=7, loc="lower right", frameon=False)
    return fig


def _box_axes(ax: Axes, answer: dict[str, Any]) -> None:
    box = answer.get("discovery") or {}
    a = answer["answers"][0]
    priors = answer["priors"]
    keys = list(box.get("limits") or {})[:2]
    keys += [p["key"] for p in priors if p["key"] not in keys][: 2 - len(keys)]
    if len(keys) < 2:
        ax.set_axis_off()
        ax.text(0.5, 0.5, "one assumption fitted: no plane to show", ha="center", va="center", fontsize=8)
        return
    values = answer.get("member_values") or {}
    xs, ys = values.get(keys[0]), values.get(keys[1])
    if xs is None or ys is None:
        ax.set_axis_off()
        return
    fails = [m["diff"] >= 0 for m in sorted(a["by_member"], key=lambda m: m["member"])]
    ax.scatter([x for x, f in zip(xs, fails, strict=True) if not f], [v for v, f in zip(ys, fails, strict=True) if not f],
               s=14, color=ARM_COLOURS[1], label="lowers the risk")
    ax.scatter([x for x, f in zip(xs, fails, strict=True) if f], [v for v, f in zip(ys, fails, strict=True) if f],
               s=18, marker="x", color=ARM_COLOURS[2], label="does not")
    lims = box.get("limits") or {}
    if box.get("found"):
        bounds = {p["key"]: (p["low"], p["high"]) for p in priors}
        x0, x1 = (lims[keys[0]]["low"], lims[keys[0]]["high"]) if keys[0] in lims else bounds[keys[0]]
        y0, y1 = (lims[keys[1]]["low"], lims[keys[1]]["high"]) if keys[1] in lims else bounds[keys[1]]
        ax.add_patch(Rectangle((x0, y0), x1 - x0, y1 - y0, fill=False, ec="black", ls="--", lw=1.2,
                               label="PRIM box"))
    ax.set_xlabel("\n".join(textwrap.wrap(keys[0], 45)), fontsize=7)
    ax.set_ylabel("\n".join(textwrap.wrap(keys[1], 35)), fontsize=7)
    ax.legend(fontsize=7, frameon=False, loc="best")


def record_page(answer: dict[str, Any], size: tuple[float, float] = _PAGE) -> Figure:
    """The page: the sentence, how to read it, the members' estimates, the box, and each arm's numbers."""
    apply_style()
    page = Figure(figsize=size)
    page.text(0.06, 0.965, "What the record allows", fontsize=14, weight="bold", va="top")
    lines = textwrap.wrap(record_sentence(answer), 100)
    page.text(0.06, 0.935, "\n".join(lines), fontsize=10, va="top")
    y = 0.935 - len(lines) * 10 * 1.45 / 72 / size[1] - 0.01
    ess = answer.get("fit_effective_size")
    fit_members = answer.get("fit_members")
    note = ("The ensemble: parameter sets drawn from the priors over the assumptions the scenario leaves open "
            "(uniform over each stated range) and weighted by how well each reproduces the public record "
            f"(hotline fit{'' if ess is None else f'; effective sample size {ess:.0f}'}). It is conditional on "
            "the model's structure: the record cannot vouch for mechanisms the model lacks. The 90% band is the "
            "spread between plausible models with each member's Monte Carlo noise taken out (random effects); "
            "the Monte Carlo interval is that of the mean."
            + (" The record barely tells these variants apart (effective size near the number of members): the "
               "ensemble is close to the prior, so this shows what the record leaves open rather than what it "
               "supports." if ess is not None and fit_members and ess >= 0.9 * fit_members else ""))
    note_lines = textwrap.wrap(note, 130)
    page.text(0.06, y, "\n".join(note_lines), fontsize=7.5, color="#444444", va="top")
    y -= len(note_lines) * 7.5 * 1.45 / 72 / size[1] + 0.03
    line = 1.45 / 72 / size[1]  # the height of a line of text of one point, as a share of the page
    ensemble_figure(answer, ax=page.add_axes((0.1, y - 0.27, 0.85, 0.26)))
    y -= 0.33
    rows = [textwrap.fill(
        f"{pretty_arm(a['arm'])}: mean {100 * a['mean']:+.2f} (MC {100 * a['mc_low']:+.2f} to "
        f"{100 * a['mc_high']:+.2f}); 90% across models {100 * a['band90_low']:+.2f} to "
        f"{100 * a['band90_high']:+.2f}; lowers the risk in {100 * a['share_lower']:.0f}% of members "
        f"({100 * a['share_clearly_lower']:.0f}% clearly)", 125) for a in answer["answers"]]
    text = "\n".join(rows)
    page.text(0.06, y, text, fontsize=7.5, va="top")
    y -= (text.count("\n") + 1) * 7.5 * line + 0.025
    box = answer.get("discovery")
    if box:
        box_lines = textwrap.wrap("Where it fails. " + box["sentence"], 110)
        page.text(0.06, y, "\n".join(box_lines), fontsize=8.5, va="top")
        y -= len(box_lines) * 8.5 * line + 0.02
        height = min(0.22, y - 0.1)
        if height > 0.08:
            _box_axes(page.add_axes((0.16, y - height, 0.5, height)), answer)
    return page
