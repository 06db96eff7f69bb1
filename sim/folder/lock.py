"""One writer per folder: an advisory lock (`fcntl.flock`) on a lock file that names its holder.

The kernel releases a flock when its holder dies, however it dies, so a crashed or killed writer never
leaves a folder locked: a lock that can be taken means nobody is writing, whatever the manifest says.
The lock file holds the writer's pid and command for the message a second writer gets.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import sys
from pathlib import Path

__all__ = ["FolderLock", "FolderBusy", "LOCK_FILE", "writer_alive"]

LOCK_FILE = ".hotline.lock"


class FolderBusy(Exception):
    """Another live process holds the folder's lock; the message names the folder and the holder."""


def _holder(path: Path) -> str:
    try:
        text = path.read_text(encoding="utf-8", errors="replace").strip()
    except OSError:
        return ""
    return f" ({text[:200]})" if text else ""


class FolderLock:
    """An exclusive lock on a folder, taken at once or not at all (never waits)."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.path = folder / LOCK_FILE
        self._fd: int | None = None

    def acquire(self) -> FolderLock:
        while True:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                raise FolderBusy(f"{self.folder} is being written by another hotline process"
                                 f"{_holder(self.path)}; wait for it to finish, or choose another folder") from None
            try:  # the holder before us may have removed the file while we opened it: lock the live one
                same = os.fstat(fd).st_ino == os.stat(self.path).st_ino
            except FileNotFoundError:
                same = False
            if same:
                break
            os.close(fd)
        os.ftruncate(fd, 0)
        os.write(fd, f"pid {os.getpid()}: {' '.join(['hotline', *sys.argv[1:]])[:160]}\n".encode())
        self._fd = fd
        return self

    def release(self) -> None:
        if self._fd is None:
            return
        with contextlib.suppress(OSError):  # unlinked while still held, so no one locks a stale file
            self.path.unlink(missing_ok=True)
        os.close(self._fd)
        self._fd = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def __del__(self) -> None:
        self.release()


def writer_alive(folder: Path) -> bool:
    """Whether a live process holds the folder's lock now (a `running` manifest without one is a dead run)."""
    path = folder / LOCK_FILE
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
    return False
