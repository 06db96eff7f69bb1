"""An explanation (`hotline explain`) on disk: `explanation.json`, beside a run's results or on its own."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .files import OutputError, ResultsFolder

__all__ = ["EXPLANATION", "save_explanation", "read_explanation"]

EXPLANATION = "explanation.json"


def save_explanation(path: Path, explanation: dict[str, Any], force: bool = False) -> ResultsFolder:
    """Write the explanation into `path` (a new folder, or a run's results folder to be reported with it).
    An explanation already there is kept unless `force`."""
    if path.exists() and not path.is_dir():
        raise OutputError(f"{path} exists and is not a folder; choose another --out")
    if (path / EXPLANATION).exists() and not force:
        raise OutputError(f"{path / EXPLANATION} already exists; choose another --out or pass --force to replace it")
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create {path}: {exc.strerror}") from None
    folder = ResultsFolder(path)
    folder.write_json(EXPLANATION, explanation)
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
