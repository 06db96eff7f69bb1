"""One look for every figure: Okabe-Ito colours (safe for colour-blind readers), each arm also told apart
by marker and line style so that a greyscale print still reads."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import matplotlib

matplotlib.use("Agg", force=False)
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

__all__ = ["arm_style", "new_axes", "apply_style", "larger_type", "type_scale", "ARM_COLOURS", "title", "title_room"]

ARM_COLOURS = ("#000000", "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442")
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")
LINES = ("-", "--", "-.", ":", (0, (5, 1)), (0, (3, 1, 1, 1)), (0, (1, 1)), (0, (5, 5)))

RC: dict[str, Any] = {
    "font.size": 9, "axes.titlesize": 10, "axes.labelsize": 9, "legend.fontsize": 8, "xtick.labelsize": 8,
    "ytick.labelsize": 8, "axes.spines.top": False, "axes.spines.right": False, "axes.grid": True,
    "grid.color": "#dddddd", "grid.linewidth": 0.6, "figure.dpi": 110, "savefig.dpi": 200,
    "pdf.fonttype": 42, "svg.fonttype": "none",
}


_SIZES = ("font.size", "axes.titlesize", "axes.labelsize", "legend.fontsize", "xtick.labelsize", "ytick.labelsize")
_scale = [1.0]


def apply_style() -> None:
    plt.rcParams.update({k: v * _scale[0] if k in _SIZES else v for k, v in RC.items()})


def type_scale() -> float:
    """How much larger than the briefing's the type of figures made now is (see `larger_type`)."""
    return _scale[0]


@contextmanager
def larger_type(factor: float) -> Iterator[None]:
    """Every figure made inside draws its type `factor` times larger (slides are read from across a room)."""
    before = _scale[0]
    _scale[0] = factor
    try:
        apply_style()
        yield
    finally:
        _scale[0] = before
        apply_style()


def arm_style(index: int) -> dict[str, Any]:
    i = index % len(ARM_COLOURS)
    return {"color": ARM_COLOURS[i], "marker": MARKERS[i], "linestyle": LINES[i]}


def new_axes(ax: Any = None, size: tuple[float, float] = (6.4, 3.6)) -> tuple[Figure, Any]:
    """The given axes and their figure, or a new figure with one axes."""
    apply_style()
    if ax is not None:
        return ax.figure, ax
    fig = Figure(figsize=size, layout="constrained")
    return fig, fig.add_subplot()


def title(ax: Any, text: str, width: int = 62, **kw: Any) -> None:
    """The axes' title, wrapped onto lines of at most `width` characters (a long arm or rung name would
    otherwise run off the figure)."""
    import textwrap

    ax.set_title("\n".join(textwrap.wrap(text, width, break_long_words=True)) or text, **kw)


def title_room(text: str, width: int = 62) -> float:
    """The room, in inches, that `title(ax, text)` takes above its axes."""
    import textwrap

    return 0.2 + 0.17 * max(1, len(textwrap.wrap(text, width, break_long_words=True)))
