"""The collector during runs in the caller's process (`sim.run.collector`): what survives each chunk is
frozen while the run goes on (a full collection of a large process costs as much as a chunk), and the
caller's collector is as it was once the run has ended, however it ends."""

from __future__ import annotations

import gc
import weakref

import pytest

from sim.run.collector import collect_cycles, collector_scope
from sim.run.executors import SerialExecutor


def test_a_serial_run_freezes_only_while_it_goes_on() -> None:
    assert gc.get_freeze_count() == 0
    seen = []

    def chunk(k: int) -> int:
        collect_cycles()
        seen.append(gc.get_freeze_count())
        return k

    assert list(SerialExecutor().map(chunk, range(3))) == [0, 1, 2]
    assert all(count > 0 for count in seen)
    assert gc.get_freeze_count() == 0


def test_an_interrupted_run_unfreezes_too() -> None:
    def chunk(k: int) -> int:
        collect_cycles()
        if k == 1:
            raise KeyboardInterrupt
        return k

    with pytest.raises(KeyboardInterrupt):
        list(SerialExecutor().map(chunk, range(3)))
    assert gc.get_freeze_count() == 0


def test_a_collector_someone_else_froze_is_left_alone() -> None:
    gc.freeze()
    try:
        before = gc.get_freeze_count()
        with collector_scope():
            collect_cycles()
            assert gc.get_freeze_count() == before  # not ours to freeze further
        assert gc.get_freeze_count() == before  # nor to unfreeze
    finally:
        gc.unfreeze()


def test_cycles_a_chunk_leaves_are_still_freed() -> None:
    class Node:
        pass

    with collector_scope():
        collect_cycles()
        a, b = Node(), Node()
        a.other, b.other = b, a
        gone = weakref.ref(a)
        del a, b
        collect_cycles()
        assert gone() is None
