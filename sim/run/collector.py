"""The garbage collector during runs: replications leave reference cycles (suspended routines), and a full
collection of a large process costs as much as a chunk of replications."""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
from collections.abc import Iterator

__all__ = ["collect_cycles", "collector_scope"]


def collect_cycles() -> None:
    """Free the reference cycles replications leave (suspended routines), chunk by chunk, then freeze what
    survived: it is alive (modules, compiled arms, caches), so the next collection need not scan it again.
    A full collection of a process's heap costs more than a chunk of flagship replications (45-80 ms in a
    process that loaded the command, against about 100 ms for a chunk of 100 pairs); after a freeze it
    scans only what the chunk made. Frozen objects are still freed by reference counting; only a cycle
    among them that dies later waits for `gc.unfreeze`. Worker processes freeze for good; a caller's own
    process only while a run is in progress in it (`collector_scope`), which unfreezes at its end."""
    gc.collect()
    if multiprocessing.parent_process() is not None or _SCOPES[0] > 0:
        gc.freeze()


_SCOPES = [0]  # runs in progress in this process that froze its collector (`collector_scope`)


@contextlib.contextmanager
def collector_scope() -> Iterator[None]:
    """While a run goes on in this process: what survives each chunk is frozen (`collect_cycles`), and
    everything is unfrozen when the last such run ends, so the caller's collector is as it was. A process
    whose collector someone else froze is left alone."""
    if _SCOPES[0] == 0 and (gc.get_freeze_count() > 0 or multiprocessing.parent_process() is not None):
        yield
        return
    _SCOPES[0] += 1
    try:
        yield
    finally:
        _SCOPES[0] -= 1
        if _SCOPES[0] == 0:
            gc.unfreeze()
