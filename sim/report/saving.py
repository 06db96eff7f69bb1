"""Writing figures and multi-page PDFs, atomically, through the folder stage's one writer.

A label with characters the figure's font lacks (CJK, emoji) is drawn as boxes; matplotlib says so in one
warning per glyph and file. Here those warnings are gathered and said once per process, in one line that
names the characters and the fix."""

from __future__ import annotations

import re
import sys
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure

from ..folder.files import write_atomically

__all__ = ["save_figure", "save_pages", "MISSING_GLYPH_NOTE"]

MISSING_GLYPH_NOTE = ("hotline: the figures' font has no glyph for {chars} (drawn as boxes); install a font that "
                      "has them (for example Noto Sans CJK or Noto Color Emoji) and name it in matplotlib's "
                      "font.family (matplotlibrc), or use Latin labels")
_GLYPH = re.compile(r"Glyph (\d+) .*missing from (?:current )?font", re.IGNORECASE)
_said: set[str] = set()


@contextmanager
def _one_line_for_missing_glyphs() -> Iterator[None]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield
    missing = []
    for w in caught:
        match = _GLYPH.search(str(w.message))
        if match:
            char = chr(int(match.group(1)))
            if char not in missing:
                missing.append(char)
        else:
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    new = [c for c in missing if c not in _said]
    if new:
        _said.update(new)
        shown = " ".join(f"{c!r} (U+{ord(c):04X})" for c in new[:5]) + (" ..." if len(new) > 5 else "")
        print(MISSING_GLYPH_NOTE.format(chars=shown), file=sys.stderr)


def _guarded(write: Callable[[Path], None]) -> Callable[[Path], None]:
    def run(tmp: Path) -> None:
        with _one_line_for_missing_glyphs():
            write(tmp)
    return run


def save_figure(fig: Figure, target: Path) -> None:
    """Save a figure atomically in the format its suffix names; a failure is an OutputError."""
    write_atomically(target, _guarded(lambda tmp: fig.savefig(tmp, format=target.suffix[1:])))


def save_pages(pages: list[Figure], target: Path) -> None:
    """Save figures as the pages of one PDF, atomically."""
    def write(tmp: Path) -> None:
        with PdfPages(tmp) as pdf:
            for page in pages:
                pdf.savefig(page)
    write_atomically(target, _guarded(write))
