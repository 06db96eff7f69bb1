"""An explanation (`hotline explain`) on disk: `explanation.json`, beside a run's results or on its own."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .files import EXPLANATION, OutputError, ResultsFolder

__all__ = ["EXPLANATION", "save_explanation", "read_explanation", "check_explanation_target"]


def check_explanation_target(path: Path, force: bool) -> None:
    """Refuse, before any work, an --out that cannot take an explanation."""
    if path.exists() and not path.is_dir():
        raise OutputError(f"{path} exists and is not a folder; choose another --out")
    if (path / EXPLANATION).exists() and not force:
        raise OutputError(f"{path / EXPLANATION} already exists; choose another --out or pass --force to replace it")


def save_explanation(path: Path, explanation: dict[str, Any], force: bool = False) -> ResultsFolder:
    """Write the explanation into `path` (a new folder, or a run's results folder to be reported with it).
    An explanation already there is kept unless `force`. The folder is returned locked: release it when
    the files that go with the explanation are written."""
    check_explanation_target(path, force)
    folder = ResultsFolder.claim(path)
    try:
        check_explanation_target(path, force)
        folder.write_json(EXPLANATION, explanation)
    except BaseException:
        folder.release()
        raise
    return folder


def read_explanation(path: Path) -> dict[str, Any] | None:
    """The explanation in a folder (or the file itself), or None when there is none."""
    file = path if path.suffix == ".json" else path / EXPLANATION
    if not file.is_file():
        return None
    data = ResultsFolder(file.parent).read_json(file.name)
    if not isinstance(data, dict) or not isinstance(data.get("arms"), dict):
        raise OutputError(f"{file} is not an explanation written by hotline explain")
    return data
