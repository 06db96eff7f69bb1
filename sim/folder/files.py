"""The results folder: where a run's files live, written so that nothing is lost or half-written.

Every file but `replications.csv` is written atomically (a temporary file, then a rename). The CSV is
appended one whole chunk at a time and flushed to disk; on `--resume` any rows past the last complete
chunk are dropped before the run goes on. The manifest's `status` says whether the folder is `running`,
`complete`, `interrupted` or `failed`.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

__all__ = ["OutputError", "ResultsFolder", "default_folder_name", "utc_now"]

MANIFEST = "manifest.json"
SUMMARY = "summary.json"
REPLICATIONS = "replications.csv"
SCENARIO = "scenario.yaml"


class OutputError(Exception):
    """A results folder cannot be created or written; the message says why and what to do."""


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def default_folder_name(stem: str, when: dt.datetime | None = None) -> str:
    when = when or utc_now()
    return f"{stem}-{when.strftime('%Y%m%dT%H%M%SZ')}"


class ResultsFolder:
    """One run's folder."""

    def __init__(self, path: Path):
        self.path = path

    # --- creation ------------------------------------------------------------------------------
    @classmethod
    def create(cls, path: Path, force: bool = False) -> ResultsFolder:
        """Make a new folder; refuse an existing non-empty one unless `force`."""
        if path.exists() and not path.is_dir():
            raise OutputError(f"{path} exists and is not a folder; choose another --out")
        if path.is_dir() and any(path.iterdir()):
            if not force:
                raise OutputError(f"{path} already holds results; choose another --out, resume it with "
                                  f"--resume {path}, or pass --force to replace them")
            for name in (MANIFEST, SUMMARY, REPLICATIONS, SCENARIO):
                (path / name).unlink(missing_ok=True)
        try:
            path.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise OutputError(f"cannot create the results folder {path}: {exc.strerror}") from None
        return cls(path)

    @classmethod
    def open_existing(cls, path: Path) -> ResultsFolder:
        if not (path / MANIFEST).is_file():
            raise OutputError(f"{path} is not a results folder (no {MANIFEST}); give the folder a run wrote")
        return cls(path)

    # --- atomic writes -------------------------------------------------------------------------
    def write_text(self, name: str, text: str) -> None:
        target = self.path / name
        try:
            fd, tmp = tempfile.mkstemp(dir=self.path, prefix=f".{name}.", suffix=".tmp")
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as fh:
                    fh.write(text)
                    fh.flush()
                    os.fsync(fh.fileno())
                os.chmod(tmp, 0o644)  # mkstemp makes private files; results are meant to be shared
                os.replace(tmp, target)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        except OSError as exc:
            raise OutputError(f"cannot write {target}: {exc.strerror or exc}; files written before are intact")\
                from None

    def write_json(self, name: str, data: Any) -> None:
        self.write_text(name, json.dumps(data, indent=2, allow_nan=False) + "\n")

    def read_json(self, name: str) -> Any:
        try:
            return json.loads((self.path / name).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise OutputError(f"cannot read {self.path / name}: {exc}") from None

    # --- the replications table ----------------------------------------------------------------
    def start_table(self, columns: Sequence[str], name: str = REPLICATIONS) -> None:
        """Write a CSV table's header (atomically), replacing any rows it had."""
        self.write_text(name, ",".join(columns) + "\n")

    def append_rows(self, rows: Sequence[Sequence[str]], name: str = REPLICATIONS) -> None:
        """Append whole rows to a CSV table and flush them to disk."""
        target = self.path / name
        try:
            with open(target, "a", newline="", encoding="utf-8") as fh:
                csv.writer(fh, lineterminator="\n").writerows(rows)
                fh.flush()
                os.fsync(fh.fileno())
        except OSError as exc:
            raise OutputError(f"cannot write {target}: {exc.strerror or exc}; rows written before are intact")\
                from None

    def read_rows(self, name: str = REPLICATIONS) -> Iterator[dict[str, str]]:
        """Complete rows of a CSV table (a torn last line is skipped)."""
        target = self.path / name
        if not target.is_file():
            return
        with open(target, newline="", encoding="utf-8") as fh:
            header = next(csv.reader(fh), None)
            if header is None:
                return
            for values in csv.reader(fh):
                if len(values) == len(header):
                    yield dict(zip(header, values, strict=True))
