"""Checks that a drawn figure or page can be read: no text outside the canvas, no text clipped by the
table cell that holds it, no two blocks (an axes with its labels and legend, a free text) drawn over each
other, no tick labels or annotations of one axes over each other.

Matplotlib reports where everything was drawn (`get_window_extent`, `get_tightbbox` after a draw); this
module only compares those boxes, so it holds for any figure the report makes, whatever its data.
"""

from __future__ import annotations

from itertools import combinations

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.legend import Legend
from matplotlib.table import Table
from matplotlib.text import Text
from matplotlib.transforms import Bbox

__all__ = ["layout_problems"]

_SLACK = 1.5  # pixels: boxes that touch within this are not drawn over each other


def _overlap(a: Bbox, b: Bbox) -> bool:
    return (min(a.x1, b.x1) - max(a.x0, b.x0) > _SLACK) and (min(a.y1, b.y1) - max(a.y0, b.y0) > _SLACK)


def _inside(inner: Bbox, outer: Bbox) -> bool:
    return (inner.x0 >= outer.x0 - _SLACK and inner.y0 >= outer.y0 - _SLACK and inner.x1 <= outer.x1 + _SLACK
            and inner.y1 <= outer.y1 + _SLACK)


def _shown(text: Text) -> bool:
    return text.get_visible() and bool(text.get_text().strip()) and (text.get_alpha() or 1.0) >= 0.5


def _label(text: Text) -> str:
    words = " ".join(text.get_text().split())
    return repr(words if len(words) <= 40 else words[:37] + "...")


def _tick_labels(ax: Axes, renderer: object) -> list[Text]:
    """The tick labels the axes really draws (those of ticks inside the view)."""
    out = []
    for axis in (ax.xaxis, ax.yaxis):
        low, high = sorted(axis.get_view_interval())
        for tick in axis.get_major_ticks() + axis.get_minor_ticks():
            loc = tick.get_loc()
            if loc is None or not low - 1e-9 * (abs(low) + 1) <= loc <= high + 1e-9 * (abs(high) + 1):
                continue
            out += [t for t in (tick.label1, tick.label2) if _shown(t)]
    return out


def layout_problems(fig: Figure, name: str = "figure") -> list[str]:
    """Every place where `fig`, drawn, cannot be read; an empty list when it can."""
    canvas = FigureCanvasAgg(fig) if not isinstance(fig.canvas, FigureCanvasAgg) else fig.canvas
    canvas.draw()
    renderer = canvas.get_renderer()
    page = fig.bbox
    problems: list[str] = []
    blocks: list[tuple[str, Bbox]] = []
    for text in fig.texts:
        if _shown(text):
            box = text.get_window_extent(renderer)
            blocks.append((f"text {_label(text)}", box))
    axes = [ax for ax in fig.axes if ax.get_visible()]
    for i, ax in enumerate(axes):
        title = next((t.get_text() for t in (ax.title, ax._left_title, ax._right_title) if t.get_text()), "")
        what = f"axes {i + 1}" + (f" ({title[:40]!r})" if title else "")
        box = ax.get_tightbbox(renderer)
        if box is not None:
            blocks.append((what, box))
        ticks = _tick_labels(ax, renderer)
        every_tick = {id(t) for axis in (ax.xaxis, ax.yaxis) for tick in axis.get_major_ticks()
                      + axis.get_minor_ticks() for t in (tick.label1, tick.label2)}
        texts = [t for t in ax.findobj(Text) if _shown(t) and id(t) not in every_tick] + ticks
        for text in texts:
            if not _inside(text.get_window_extent(renderer), page):
                problems.append(f"{name}: {what}: {_label(text)} runs outside the canvas")
        for a, b in combinations(ticks, 2):
            if _overlap(a.get_window_extent(renderer), b.get_window_extent(renderer)):
                problems.append(f"{name}: {what}: tick labels {_label(a)} and {_label(b)} overlap")
        free = ([t for t in (*ax.texts, ax.xaxis.label, ax.yaxis.label) if _shown(t)]
                + [lg for lg in ax.findobj(Legend) if lg.get_visible()])
        for a, b in combinations(free, 2):
            if _overlap(a.get_window_extent(renderer), b.get_window_extent(renderer)):
                problems.append(f"{name}: {what}: {_describe(a)} and {_describe(b)} overlap")
        for table in ax.findobj(Table):
            problems += _table_problems(table, renderer, f"{name}: {what}")
    for text in fig.texts:
        if _shown(text) and not _inside(text.get_window_extent(renderer), page):
            problems.append(f"{name}: text {_label(text)} runs outside the canvas")
    for (a, box_a), (b, box_b) in combinations(blocks, 2):
        if _overlap(box_a, box_b):
            problems.append(f"{name}: {a} and {b} are drawn over each other")
    return problems


def _describe(artist: object) -> str:
    return "the legend" if isinstance(artist, Legend) else f"text {_label(artist)}"  # type: ignore[arg-type]


def _table_problems(table: Table, renderer: object, where: str) -> list[str]:
    out = []
    for (row, col), cell in table.get_celld().items():
        text = cell.get_text()
        if not _shown(text):
            continue
        box, room = text.get_window_extent(renderer), cell.get_window_extent(renderer)
        if box.width > room.width + _SLACK or box.height > room.height + _SLACK:
            out.append(f"{where}: table cell (row {row}, column {col}) {_label(text)} does not fit its cell")
    return out
