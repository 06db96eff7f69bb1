"""Writing figures and multi-page PDFs, atomically, through the folder stage's one writer."""

from __future__ import annotations

from pathlib import Path

from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure

from ..folder.files import write_atomically

__all__ = ["save_figure", "save_pages"]


def save_figure(fig: Figure, target: Path) -> None:
    """Save a figure atomically in the format its suffix names; a failure is an OutputError."""
    write_atomically(target, lambda tmp: fig.savefig(tmp, format=target.suffix[1:]))


def save_pages(pages: list[Figure], target: Path) -> None:
    """Save figures as the pages of one PDF, atomically."""
    def write(tmp: Path) -> None:
        with PdfPages(tmp) as pdf:
            for page in pages:
                pdf.savefig(page)
    write_atomically(target, write)
