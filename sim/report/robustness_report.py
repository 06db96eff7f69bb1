"""Pictures and words from a robustness folder: a tornado of the paired difference at each assumption's
low and high value, and the sentence naming the assumptions that could overturn the finding."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from matplotlib.figure import Figure

from ..folder.robustness_folder import read_robustness
from ..run.robustness_result import OVERTURNS, verdict
from .figures import pretty_arm
from .style import new_axes, title

__all__ = ["TornadoBar", "tornado_data", "tornado_figure", "overturning", "robustness_sentence",
           "robustness_page", "build_robustness_report"]

_PHRASES = {"reverses": "the difference changes sign", "loses": "it can no longer be told apart from zero",
            "gains": "it becomes distinguishable from zero"}
_FLIPPED, _STEADY = "#D55E00", "#0072B2"


@dataclass(frozen=True)
class TornadoBar:
    """One assumption: its low and high value and the difference (estimate, 95% CI) at each."""

    key: str
    low_value: float
    high_value: float
    low: dict[str, float]
    high: dict[str, float]
    overturns: bool

    @property
    def span(self) -> float:
        return abs(self.high["estimate"] - self.low["estimate"])


def tornado_data(result: dict[str, Any], arm: str) -> list[TornadoBar]:
    """The bars for one compared arm, widest first."""
    bars = []
    for p in result["parameters"]:
        sides = p["differences"][arm]
        flips = p.get("flips", {}).get(arm, {})
        weak = p.get("underpowered", {}).get(arm, {})
        bars.append(TornadoBar(p["key"], p["low"], p["high"], sides["low"], sides["high"],
                               any(flips.get(s) in OVERTURNS and not weak.get(s) for s in ("low", "high"))))
    return sorted(bars, key=lambda b: -b.span)


def tornado_figure(bars: list[TornadoBar], base: dict[str, float], arm: str, baseline_arm: str, main_rung: str,
                   ax: Any = None) -> Figure:
    """Difference in P(main rung) (points) at each assumption's low (open) and high (filled) value, with
    95% intervals; the band is the interval as written. Bars that overturn the finding are orange."""
    fig, ax = new_axes(ax, size=(7.0, 1.0 + 0.45 * max(len(bars), 1)))
    ax.axvspan(100 * base["ci_low"], 100 * base["ci_high"], color="#999999", alpha=0.18, linewidth=0)
    ax.axvline(100 * base["estimate"], color="#555555", linewidth=0.9)
    ax.axvline(0, color="black", linewidth=0.6, linestyle=":")
    for i, bar in enumerate(bars):
        y = len(bars) - 1 - i
        colour = _FLIPPED if bar.overturns else _STEADY
        lo, hi = 100 * bar.low["estimate"], 100 * bar.high["estimate"]
        ax.barh(y, hi - lo, left=lo, height=0.35, color=colour, alpha=0.45, linewidth=0)
        for d, offset, marker in ((bar.low, -0.18, "o"), (bar.high, 0.18, "s")):
            ax.plot([100 * d["ci_low"], 100 * d["ci_high"]], [y + offset] * 2, color=colour, linewidth=0.8)
            ax.plot([100 * d["estimate"]], [y + offset], marker=marker, color=colour, markersize=5,
                    markerfacecolor="white" if marker == "o" else colour)
    ax.set_yticks(range(len(bars)), [f"{b.key.removeprefix('parties.')}\nlow {b.low_value:g} (circle) / high {b.high_value:g} (square)"
                                     for b in reversed(bars)], fontsize=7)
    ax.set_ylim(-0.7, len(bars) - 0.3)
    ax.set_xlabel(f"{pretty_arm(arm)} minus {pretty_arm(baseline_arm)}: P({main_rung}), percentage points")
    title(ax, "Each assumption at its low value (circle) and high value (square): paired difference, 95% CI", fontsize=9)
    ax.grid(axis="y", visible=False)
    return fig


def overturning(result: dict[str, Any], underpowered: bool = False) -> list[tuple[str, str, str, float, str]]:
    """(key, arm, side, value, how) for every low or high value that overturns an arm's finding; with
    `underpowered`, those whose change of verdict one or two replications could undo instead (see
    `sim.run.robustness_result.fragile`)."""
    out = []
    for p in result["parameters"]:
        for arm, sides in p.get("flips", {}).items():
            weak = p.get("underpowered", {}).get(arm, {})
            for side in ("low", "high"):
                if sides.get(side) in OVERTURNS and bool(weak.get(side)) == underpowered:
                    out.append((p["key"], arm, side, p[side], sides[side]))
    return out


def robustness_sentence(result: dict[str, Any]) -> str:
    """One sentence: which tested assumptions could overturn the finding, or that none did."""
    n = len(result["parameters"])
    base = pretty_arm(result.get("baseline_arm", "the baseline"))
    words = {"lower": f"lower risk than {base}", "higher": f"higher risk than {base}",
             "unclear": f"no difference from {base} that can be told apart from zero"}
    finding = "; ".join(f"{pretty_arm(arm)}: {words[verdict(d)]}" for arm, d in result["baseline"].items())
    how = (f"{n} assumption{'s' if n != 1 else ''} tested ({result['replications']} paired replications per "
           "point, each assumption moved down and up on the same random numbers)")
    found = overturning(result)
    weak = overturning(result, underpowered=True)
    weak_text = ""
    if weak:
        keys = sorted({w[0] for w in weak})
        weak_text = (f" Underpowered (one or two replications either way would undo the change, so "
                     f"{result['replications']} replications cannot say): {', '.join(keys)}; rerun with more "
                     "--replications to tell.")
    if not found:
        return f"None of the {how} overturned the finding as written ({finding}).{weak_text}"
    several = len(result["baseline"]) > 1
    groups: dict[tuple[str, str], list[str]] = {}
    for key, arm, _side, value, kind in found:
        groups.setdefault((kind, arm), []).append(f"{key} at {value:g}")
    parts = [f"{', '.join(items)} ({_PHRASES[kind]}{' for ' + pretty_arm(arm) if several else ''})"
             for (kind, arm), items in groups.items()]
    keys = len({f[0] for f in found})
    return (f"Of the {how}, {keys} could overturn the finding as written ({finding}): " + "; ".join(parts) + "."
            + weak_text)


def robustness_page(result: dict[str, Any], size: tuple[float, float] = (8.27, 11.69)) -> Figure:
    """The briefing's page "Does the finding hold?": the sentence, then a tornado per compared arm."""
    import textwrap

    page = Figure(figsize=size)
    page.text(0.06, 0.965, "Does the finding hold?", fontsize=14, weight="bold", va="top")
    lines = textwrap.wrap(robustness_sentence(result), 100)
    page.text(0.06, 0.935, "\n".join(lines), fontsize=10, va="top")
    note = ("Each assumption was moved, one at a time, to the ends of the range the scenario states for it or by "
            "the factor, all on the same random numbers as the scenario as written. Grey band: the 95% interval "
            "as written; orange: a value at which the verdict (lower, higher, or indistinguishable from zero) "
            "changes.")
    top = 0.935 - len(lines) * 10 * 1.45 / 72 / size[1] - 0.01
    page.text(0.06, top, "\n".join(textwrap.wrap(note, 130)), fontsize=7.5, color="#444444", va="top")
    arms = list(result["baseline"])[:3]
    height = min((top - 0.1) / max(len(arms), 1), 0.1 + 0.055 * len(result["parameters"]))
    for i, arm in enumerate(arms):
        ax = page.add_axes([0.42, top - 0.04 - (i + 1) * height + 0.04, 0.53, height - 0.07])
        tornado_figure(tornado_data(result, arm), result["baseline"][arm], arm, result["baseline_arm"],
                       result["main_rung"], ax=ax)
    bottom = top - 0.04 - len(arms) * height - 0.02
    _numbers_table(page, result, [0.06, max(0.05, bottom - 0.03 * (len(result["parameters"]) * len(arms) + 1)),
                                  0.88, 0.03 * (len(result["parameters"]) * len(arms) + 1)])
    return page


def _numbers_table(page: Figure, result: dict[str, Any], rect: list[float]) -> None:
    """The numbers behind the tornado: each assumption's values and the difference (points) at each."""
    def text(d: dict[str, float]) -> str:
        return f"{100 * d['estimate']:+.2f} ({100 * d['ci_low']:+.2f} to {100 * d['ci_high']:+.2f})"

    rows = []
    for arm in result["baseline"]:
        for p in result["parameters"]:
            sides, flips = p["differences"][arm], p.get("flips", {}).get(arm, {})
            rows.append([pretty_arm(arm), p["key"].removeprefix("parties."), f"{p['value']:g}",
                         f"{p['low']:g} / {p['high']:g}", text(sides["low"]), text(sides["high"]),
                         ", ".join(f"{s}: {f}" for s, f in flips.items() if f) or "-"])
    ax = page.add_axes(rect)
    ax.axis("off")
    table = ax.table(cellText=rows, colLabels=["arm", "assumption", "as written", "low / high", "at low",
                                               "at high", "changes"],
                     colWidths=[0.10, 0.37, 0.07, 0.09, 0.14, 0.14, 0.09], loc="upper center", cellLoc="left")
    table.auto_set_font_size(False)
    table.set_fontsize(6)
    for (r, _), cell in table.get_celld().items():
        cell.set_linewidth(0.3)
        if r == 0:
            cell.set_text_props(weight="bold")
            cell.set_facecolor("#eeeeee")


def build_robustness_report(path: Path, formats: tuple[str, ...] = ("png",)) -> list[Path]:
    """figures/robustness_tornado.<format>: one panel per compared arm."""
    from .saving import save_figure

    result = read_robustness(path)
    arms = list(result["baseline"])
    if not arms or not result["parameters"]:
        return []
    n = max(len(result["parameters"]), 1)
    fig = Figure(figsize=(7.5, (1.2 + 0.45 * n) * len(arms)), layout="constrained")
    for i, arm in enumerate(arms):
        ax = fig.add_subplot(len(arms), 1, i + 1)
        tornado_figure(tornado_data(result, arm), result["baseline"][arm], arm, result["baseline_arm"],
                       result["main_rung"], ax=ax)
    (path / "figures").mkdir(exist_ok=True)
    written = []
    for fmt in formats:
        target = path / "figures" / f"robustness_tornado.{fmt}"
        save_figure(fig, target)
        written.append(target)
    return written
