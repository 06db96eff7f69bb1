"""A rare-outcome analysis (`hotline rare`) on disk: `rare.json`, beside a run's results or on its own."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .files import RARE, OutputError, ResultsFolder

__all__ = ["RARE", "save_rare", "read_rare", "check_rare_target"]


def check_rare_target(path: Path, force: bool) -> None:
    """Refuse, before any work, an --out that cannot take the analysis."""
    if path.exists() and not path.is_dir():
        raise OutputError(f"{path} exists and is not a folder; choose another --out")
    if (path / RARE).exists() and not force:
        raise OutputError(f"{path / RARE} already exists; choose another --out or pass --force to replace it")


def save_rare(path: Path, analysis: dict[str, Any], force: bool = False) -> Path:
    """Write the analysis into `path` (a new folder, or a run's results folder); one already there is kept
    unless `force`."""
    check_rare_target(path, force)
    folder = ResultsFolder.claim(path)
    try:
        check_rare_target(path, force)
        folder.write_json(RARE, analysis)
    finally:
        folder.release()
    return path / RARE


def read_rare(path: Path) -> dict[str, Any] | None:
    """The analysis in a folder (or the file itself), or None when there is none."""
    file = path if path.suffix == ".json" else path / RARE
    if not file.is_file():
        return None
    data = ResultsFolder(file.parent).read_json(file.name)
    if not isinstance(data, dict) or not isinstance(data.get("rungs"), list):
        raise OutputError(f"{file} is not an analysis written by hotline rare")
    return data
