"""The results folder: where a run's files live, written so that nothing is lost or half-written.

Every file the tool writes goes through `write_atomically` (a temporary file beside the target, flushed
to disk, then renamed over it), except the CSV tables, which grow by whole chunks of rows flushed to disk.
The manifest records how many bytes of each table are committed and their SHA-256, so `--resume` trusts
exactly those rows: a torn last line, or rows written after the last manifest update, never pass.
Only one process writes a folder at a time (`lock.FolderLock`).
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import hashlib
import io
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from .lock import LOCK_FILE, FolderBusy, FolderLock

__all__ = ["OutputError", "ResultsFolder", "default_folder_name", "utc_now", "write_atomically",
           "write_text_atomically", "MANIFEST", "SUMMARY", "REPLICATIONS", "SCENARIO", "SWEEP_CSV", "FIGURES",
           "BRIEFING_PDF", "BRIEFING_PNG", "SENSITIVITY", "CALIBRATION_CSV", "CALIBRATION_FIGURE",
           "COMPARISON_CSV", "COMPARISON_FIGURE", "TEMP_SUFFIX", "EXPLANATION", "MECHANISMS_FIGURE", "TABLES",
           "SLIDES", "MEMO_PDF"]

# Every file name of a results, sweep or calibration folder, in one place.
MANIFEST = "manifest.json"
SUMMARY = "summary.json"
REPLICATIONS = "replications.csv"
SCENARIO = "scenario.yaml"
SWEEP_CSV = "sweep.csv"
FIGURES = "figures"
BRIEFING_PDF = "briefing.pdf"
BRIEFING_PNG = "briefing.png"
SENSITIVITY = "sensitivity.json"
CALIBRATION_CSV = "calibration.csv"
CALIBRATION_FIGURE = "calibration"  # .png and .pdf
COMPARISON_CSV = "comparison.csv"
COMPARISON_FIGURE = "comparison"  # .png and .pdf
EXPLANATION = "explanation.json"
MECHANISMS_FIGURE = "mechanisms"  # .png and .pdf, beside explanation.json
RARE = "rare.json"  # hotline rare: rare outcomes by importance sampling
TEMP_SUFFIX = ".tmp"

_RESULTS = (MANIFEST, SUMMARY, REPLICATIONS, SCENARIO, SWEEP_CSV)
# Derived from the results: stale as soon as the results change, so removed whenever they do.
TABLES = "tables"  # arms.csv (percentage points), arms.md, arms.tex
SLIDES = "slides"  # 16:9 PNGs, one message each (hotline report --slides)
MEMO_PDF = "memo.pdf"  # the one-page policy memo
DERIVED = (FIGURES, BRIEFING_PDF, BRIEFING_PNG, SENSITIVITY, TABLES, SLIDES, MEMO_PDF)
# Computed from the scenario, not the results, but stale once --force puts another run in the folder.
ENSEMBLE_ANSWER = "ensemble_answer.json"  # run --ensemble: the answers over a fitted ensemble ...
ENSEMBLE_RUNS = "ensemble"  # ... and the sweep folder of the members' runs
_OTHERS = (CALIBRATION_CSV, EXPLANATION, RARE, ENSEMBLE_ANSWER, ENSEMBLE_RUNS,
           *(f"{s}.{f}" for s in (CALIBRATION_FIGURE, MECHANISMS_FIGURE) for f in ("png", "pdf")))


class OutputError(Exception):
    """A results folder cannot be created, read or written; the message says why and what to do."""


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def default_folder_name(stem: str, when: dt.datetime | None = None) -> str:
    when = when or utc_now()
    return f"{stem}-{when.strftime('%Y%m%dT%H%M%SZ')}"


def write_atomically(target: Path, write: Callable[[Path], None]) -> None:
    """Have `write(tmp)` fill a temporary file beside `target`, flush it to disk, then rename it over
    `target`: readers see the old file or the new one, never a part. Failures are OutputErrors. An
    interrupt at any point (even just after the temporary file was made) leaves no temporary behind."""
    made: list[str] = []
    try:
        fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=TEMP_SUFFIX)
        made.append(tmp_name)
        os.close(fd)
        tmp = Path(tmp_name)
        write(tmp)
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)  # mkstemp makes private files; results are meant to be shared
        os.replace(tmp, target)
        made.clear()
    except OSError as exc:
        raise OutputError(f"cannot write {target}: {exc.strerror or exc}; files written before are intact")\
            from None
    finally:
        for name in made:
            Path(name).unlink(missing_ok=True)


def write_text_atomically(target: Path, text: str) -> None:
    write_atomically(target, lambda tmp: tmp.write_text(text, encoding="utf-8"))


def _csv_text(rows: Sequence[Sequence[str]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue()


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink(missing_ok=True)


class ResultsFolder:
    """One run's (or sweep's) folder. Made by `create` or `open_for_writing`, it holds the folder's lock
    until `release` (or until the process ends)."""

    def __init__(self, path: Path):
        self.path = path
        self._lock: FolderLock | None = None
        self._made = False
        self._tables: dict[str, tuple[int, Any]] = {}

    # --- creation and locking ------------------------------------------------------------------
    @classmethod
    def create(cls, path: Path, force: bool = False) -> ResultsFolder:
        """Make a new folder and lock it; refuse a folder that holds anything unless `force`, which removes
        the results and everything derived from them (figures, briefing) first."""
        cls.check_new(path, force)
        folder = cls(path)
        try:
            folder._made = not path.exists()
            path.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise OutputError(f"cannot create the results folder {path}: {exc.strerror or exc}") from None
        folder._take_lock()
        try:
            cls.check_new(path, force)
            if force:
                for name in (*_RESULTS, *DERIVED, *_OTHERS):
                    _remove(path / name)
            folder.remove_temporaries()
        except OSError as exc:
            folder.release()
            raise OutputError(f"cannot clear {path}: {exc.strerror or exc}") from None
        except BaseException:
            folder.release()
            raise
        return folder

    @staticmethod
    def check_new(path: Path, force: bool) -> None:
        """Refuse, before any work starts, an --out that cannot take a new run."""
        if path.is_symlink() and not path.exists():
            raise OutputError(f"{path} is a symbolic link to {os.readlink(path)}, which does not exist; remove the "
                              "link, create its target, or choose another --out")
        if path.exists() and not path.is_dir():
            raise OutputError(f"{path} exists and is not a folder; choose another --out")
        if path.is_dir() and not force and any(p.name != LOCK_FILE for p in path.iterdir()):
            raise OutputError(f"{path} already holds results; choose another --out, resume it with "
                              f"--resume {path}, or pass --force to replace them")

    @classmethod
    def open_existing(cls, path: Path) -> ResultsFolder:
        """A folder a run wrote, for reading."""
        if not path.is_dir():
            raise OutputError(f"{path} is not a results folder (no such folder); give the folder a run wrote")
        if not (path / MANIFEST).is_file():
            raise OutputError(f"{path} is not a results folder (no {MANIFEST}); give the folder a run wrote")
        return cls(path)

    @classmethod
    def open_for_writing(cls, path: Path) -> ResultsFolder:
        """A folder a run wrote, locked for this process (to resume it or draw its report)."""
        folder = cls.open_existing(path)
        folder._take_lock()
        folder.remove_temporaries()
        return folder

    @classmethod
    def claim(cls, path: Path) -> ResultsFolder:
        """Any folder (made if missing) locked for this process, to add files to it (an explanation)."""
        if path.exists() and not path.is_dir():
            raise OutputError(f"{path} exists and is not a folder; choose another --out")
        folder = cls(path)
        try:
            folder._made = not path.exists()
            path.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise OutputError(f"cannot create {path}: {exc.strerror or exc}") from None
        folder._take_lock()
        folder.remove_temporaries()
        return folder

    def _take_lock(self) -> None:
        try:
            self._lock = FolderLock(self.path).acquire()
        except FolderBusy as exc:
            raise OutputError(str(exc)) from None
        except OSError as exc:
            raise OutputError(f"cannot lock {self.path}: {exc.strerror or exc}") from None

    def release(self) -> None:
        """Let other processes write the folder again."""
        if self._lock is not None:
            self._lock.release()
            self._lock = None

    def discard(self) -> None:
        """Undo `create` when nothing was written: remove the folder if this process made it."""
        self.release()
        if self._made:
            with contextlib.suppress(OSError):
                self.path.rmdir()

    def remove_temporaries(self) -> None:
        """Temporary files left by a writer that was killed mid-write (only called under the lock)."""
        for base in (self.path, self.path / FIGURES):
            if base.is_dir():
                for tmp in base.glob(f".*{TEMP_SUFFIX}"):
                    tmp.unlink(missing_ok=True)

    def remove_derived(self) -> None:
        """Figures and briefing drawn from earlier results: stale once the results change."""
        try:
            for name in DERIVED:
                _remove(self.path / name)
        except OSError as exc:
            raise OutputError(f"cannot remove the old report in {self.path}: {exc.strerror or exc}") from None

    # --- atomic writes -------------------------------------------------------------------------
    def write_text(self, name: str, text: str) -> None:
        write_text_atomically(self.path / name, text)

    def write_json(self, name: str, data: Any) -> None:
        try:
            text = json.dumps(data, indent=2, allow_nan=False) + "\n"
        except ValueError as exc:
            raise OutputError(f"cannot write {self.path / name}: {exc}") from None
        self.write_text(name, text)

    def read_json(self, name: str, kind: type = dict) -> Any:
        """A JSON file of the folder; damaged, missing or wrongly shaped files are OutputErrors."""
        target = self.path / name
        try:
            data = json.loads(target.read_bytes().decode("utf-8"))
        except FileNotFoundError:
            raise OutputError(f"{target} is missing") from None
        except (OSError, ValueError, RecursionError) as exc:
            raise OutputError(f"{target} is damaged and cannot be read ({type(exc).__name__}: "
                              f"{str(exc)[:120]})") from None
        if not isinstance(data, kind):
            raise OutputError(f"{target} is damaged: it holds a {type(data).__name__}, not a JSON object")
        return data

    # --- the CSV tables --------------------------------------------------------------------------
    def start_table(self, columns: Sequence[str], name: str = REPLICATIONS) -> None:
        """Write a CSV table's header (atomically), replacing any rows it had."""
        header = ",".join(columns) + "\n"
        self.write_text(name, header)
        self._commit(name, header.encode())

    def _commit(self, name: str, content: bytes) -> None:
        self._tables[name] = (len(content), hashlib.sha256(content))

    def committed(self) -> dict[str, dict[str, Any]]:
        """What the manifest records of each table: its committed length and SHA-256."""
        return {name: {"bytes": size, "sha256": digest.hexdigest()} for name, (size, digest) in
                self._tables.items()}

    def append_rows(self, rows: Sequence[Sequence[str]], name: str = REPLICATIONS) -> None:
        """Append whole rows to a CSV table and flush them to disk."""
        target = self.path / name
        data = _csv_text(rows).encode()
        try:
            with open(target, "ab") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
        except OSError as exc:
            raise OutputError(f"cannot write {target}: {exc.strerror or exc}; rows written before are intact")\
                from None
        if name in self._tables:
            size, digest = self._tables[name]
            digest.update(data)
            self._tables[name] = (size + len(data), digest)

    def trusted_rows(self, name: str, committed: dict[str, Any] | None) -> list[dict[str, str]]:
        """The rows of a table that can be trusted: the committed bytes the manifest vouches for, or, in
        folders written before manifests recorded them, every line that ends with its newline."""
        target = self.path / name
        try:
            data = target.read_bytes()
        except FileNotFoundError:
            if committed is None:
                return []
            raise OutputError(f"{target} is missing, so the run cannot be trusted; start a new run") from None
        except OSError as exc:
            raise OutputError(f"cannot read {target}: {exc.strerror or exc}") from None
        if committed is not None:
            size, digest = committed.get("bytes"), committed.get("sha256")
            if not isinstance(size, int) or len(data) < size or hashlib.sha256(data[:size]).hexdigest() != digest:
                raise OutputError(f"{target} was changed after hotline wrote it (its rows no longer match the "
                                  f"checksum in {MANIFEST}), so it cannot be trusted; start a new run instead")
            data = data[:size]
        else:
            data = data[: data.rfind(b"\n") + 1]
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            raise OutputError(f"{target} is damaged (not UTF-8 text); start a new run instead") from None
        reader = csv.reader(io.StringIO(text, newline=""))
        header = next(reader, None)
        if header is None:
            return []
        return [dict(zip(header, values, strict=True)) for values in reader if len(values) == len(header)]

    def drop_uncommitted(self, name: str, committed: dict[str, Any]) -> None:
        """Cut whatever follows the committed bytes of a table (a torn row, or bytes added by hand)."""
        target = self.path / name
        size = committed.get("bytes")
        try:
            if isinstance(size, int) and target.stat().st_size > size:
                with open(target, "rb+") as fh:
                    fh.truncate(size)
                    os.fsync(fh.fileno())
        except OSError as exc:
            raise OutputError(f"cannot write {target}: {exc.strerror or exc}") from None

    def keep_rows(self, name: str, columns: Sequence[str], rows: Sequence[Sequence[str]],
                  save_manifest: Callable[[], None]) -> None:
        """Make a table hold exactly `columns` and `rows`, such that a crash at any moment leaves a table
        whose committed part (as the manifest records it) is intact: when the rows are what the file
        begins with, the manifest is saved first and the file cut after; else the file is replaced whole."""
        content = (",".join(columns) + "\n" + _csv_text(rows)).encode()
        target = self.path / name
        try:
            current = target.read_bytes() if target.is_file() else b""
            if current.startswith(content):
                self._commit(name, content)
                save_manifest()
                with open(target, "rb+") as fh:
                    fh.truncate(len(content))
                    os.fsync(fh.fileno())
                return
        except OSError as exc:
            raise OutputError(f"cannot write {target}: {exc.strerror or exc}") from None
        write_atomically(target, lambda tmp: tmp.write_bytes(content))
        self._commit(name, content)
        save_manifest()
