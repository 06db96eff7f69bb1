"""Pictures and words from a robustness folder: a tornado of the paired difference at each assumption's
low and high value, and the sentence naming the assumptions that could overturn the finding."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from matplotlib.figure import Figure

from ..folder.robustness_folder import read_robustness
from ..run.robustness_result import OVERTURNS, verdict
from .figures import pretty_arm
from .style import apply_style, new_axes, title

__all__ = ["TornadoBar", "tornado_data", "tornado_figure", "overturning", "robustness_sentence",
           "robustness_page", "robustness_pages", "build_robustness_report"]

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
    ax.set_yticks(range(len(bars)), [_key_label(b) for b in reversed(bars)], fontsize=7)
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


def _key_label(bar: TornadoBar) -> str:
    """A tornado's y label: the assumption's key broken at its dots (a long key would run off the page),
    then its low and high values."""
    key = bar.key.removeprefix("parties.")
    lines = textwrap.wrap(key.replace(".", ". "), 34, break_long_words=True)
    return "\n".join(line.replace(". ", ".") for line in lines) + \
        f"\nlow {bar.low_value:g} (circle) / high {bar.high_value:g} (square)"


_PAGE = (8.27, 11.69)


def robustness_pages(result: dict[str, Any], size: tuple[float, float] = _PAGE) -> list[Figure]:
    """The briefing's pages "Does the finding hold?": the sentence, a tornado per compared arm and the
    numbers behind them, each block placed below the one before it and continued on a further page when
    it does not fit."""
    apply_style()
    inch = 1 / size[1]
    page = Figure(figsize=size)
    pages = [page]
    page.text(0.06, 0.965, "Does the finding hold?", fontsize=14, weight="bold", va="top")
    lines = textwrap.wrap(robustness_sentence(result), 100)
    page.text(0.06, 0.935, "\n".join(lines), fontsize=10, va="top")
    note = ("Each assumption was moved, one at a time, to the ends of the range the scenario states for it or by "
            "the factor, all on the same random numbers as the scenario as written. Grey band: the 95% interval "
            "as written; orange: a value at which the verdict (lower, higher, or indistinguishable from zero) "
            "changes; an underpowered change (one or two replications could undo it) stays grey.")
    y = 0.935 - len(lines) * 10 * 1.45 / 72 / size[1] - 0.01
    note_lines = textwrap.wrap(note, 130)
    page.text(0.06, y, "\n".join(note_lines), fontsize=7.5, color="#444444", va="top")
    y -= len(note_lines) * 7.5 * 1.45 / 72 / size[1] + 0.01

    def room(inches: float) -> None:
        nonlocal page, y
        if (y - 0.04) / inch < inches:
            page = Figure(figsize=size)
            page.text(0.06, 0.965, "Does the finding hold? (continued)", fontsize=14, weight="bold", va="top")
            pages.append(page)
            y = 0.93

    for arm in list(result["baseline"]):
        bars = tornado_data(result, arm)
        lines_per = max((_key_label(b).count("\n") + 1 for b in bars), default=2)
        height = max(len(bars), 1) * (0.11 * lines_per + 0.06) + 0.1
        room(height + 1.0)
        top = y - 0.45 * inch
        h = min(height * inch, top - 0.55 * inch - 0.04)
        ax = page.add_axes((0.42, top - h, 0.53, h))
        tornado_figure(bars, result["baseline"][arm], arm, result["baseline_arm"], result["main_rung"], ax=ax)
        y = top - h - 0.55 * inch
    rows = _numbers_rows(result)
    line = 0.13
    per_row = [max(c.count("\n") + 1 for c in r) * line + 0.03 for r in rows]
    header = 2 * line + 0.03
    start = 0
    while start < len(rows):
        room(header + per_row[start] + 0.1)
        fit, used = start, header
        while fit < len(rows) and used + per_row[fit] <= (y - 0.04) / inch - 0.05:
            used += per_row[fit]
            fit += 1
        fit = max(fit, start + 1)
        _numbers_table(page, rows[start:fit], per_row[start:fit], header, y - 0.01, size)
        y -= used * inch + 0.03
        start = fit
        if start < len(rows):
            y = 0.0  # the rest on the next page
    return pages


def robustness_page(result: dict[str, Any], size: tuple[float, float] = _PAGE) -> Figure:
    """The first page of `robustness_pages`."""
    return robustness_pages(result, size)[0]


_NUMBER_COLUMNS = ["arm", "assumption", "as written", "low / high", "at low", "at high", "changes"]
_NUMBER_WIDTHS = [0.13, 0.28, 0.07, 0.09, 0.15, 0.15, 0.13]


def _numbers_rows(result: dict[str, Any]) -> list[list[str]]:
    """The numbers behind the tornado: each assumption's values and the difference (points) at each."""
    def text(d: dict[str, float]) -> str:
        return f"{100 * d['estimate']:+.2f}\n({100 * d['ci_low']:+.2f} to {100 * d['ci_high']:+.2f})"

    rows = []
    for arm in result["baseline"]:
        for p in result["parameters"]:
            sides, flips = p["differences"][arm], p.get("flips", {}).get(arm, {})
            weak = p.get("underpowered", {}).get(arm, {})
            changes = ", ".join(f"{s}: {f}" + (" (underpowered)" if weak.get(s) else "")
                                for s, f in flips.items() if f) or "-"
            rows.append(["\n".join(textwrap.wrap(pretty_arm(arm), 18)),
                         "\n".join(textwrap.wrap(p["key"].removeprefix("parties.").replace(".", ". "), 44,
                                                  break_long_words=True)).replace(". ", "."),
                         f"{p['value']:g}", f"{p['low']:g} /\n{p['high']:g}", text(sides["low"]),
                         text(sides["high"]), "\n".join(textwrap.wrap(changes, 18))])
    return rows


def _numbers_table(page: Figure, rows: list[list[str]], heights: list[float], header: float, top: float,
                   size: tuple[float, float]) -> None:
    inch = 1 / size[1]
    total = (header + sum(heights)) * inch
    ax = page.add_axes((0.06, top - total, 0.88, total))
    ax.axis("off")
    table = ax.table(cellText=rows, colLabels=_NUMBER_COLUMNS, colWidths=_NUMBER_WIDTHS, loc="upper center",
                     cellLoc="left")
    table.auto_set_font_size(False)
    table.set_fontsize(6)
    for (r, _), cell in table.get_celld().items():
        cell.set_height((header if r == 0 else heights[r - 1]) * inch / total)
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
