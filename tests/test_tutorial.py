"""The seminar tutorial (docs/tutorial.ipynb) runs from top to bottom, as a student would run it from docs/."""

from __future__ import annotations

import nbformat
from nbclient import NotebookClient

from .conftest import REPO


def test_tutorial_notebook_runs_top_to_bottom() -> None:
    notebook = nbformat.read(REPO / "docs" / "tutorial.ipynb", as_version=4)
    NotebookClient(notebook, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(REPO / "docs")}}).execute()
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    assert sum(o.output_type == "display_data" for o in outputs) >= 2  # the figures drawn on own axes
    text = "".join(o.get("text", "") for o in outputs)
    assert "Senkaku/Diaoyu islands, one year" in text and "arm hotline_rapid, replication" in text
