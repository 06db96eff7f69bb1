"""Common random numbers: every draw comes from a stream addressed by replication, purpose and index.

A numpy Generator per incident would cost more than the whole replication, so each purpose keeps one
generator per incident type and hands out fixed-width blocks of uniforms: incident i of type j always
reads block i of stream (replication, purpose, j), whatever happened before it in the run and whichever
arm is simulated. An incident that needs more than its block gets a lazily created overflow stream keyed
by its own address, so it never borrows numbers from a neighbour.
"""

from __future__ import annotations

from enum import IntEnum

import numpy as np

__all__ = ["Purpose", "Streams", "Draws", "UniformBlocks", "replication_seed"]


class Purpose(IntEnum):
    ARRIVAL = 1
    INCIDENT = 2
    INCIDENT_OVERFLOW = 3
    HOTLINE = 4
    FALLBACK = 6
    SHOCK = 7
    SUSPENSION = 8
    PREVENTION = 9
    ALLY = 10


def replication_seed(root_seed: int, replication: int) -> int:
    """The 64-bit seed of one replication, derived from the root seed (the same in every arm)."""
    state = np.random.SeedSequence(root_seed, spawn_key=(replication,)).generate_state(2, np.uint32)
    return int(state[0]) << 32 | int(state[1])


class Streams:
    """Factory of independent generators for one replication."""

    __slots__ = ("seed",)

    def __init__(self, seed: int):
        self.seed = seed

    def generator(self, *key: int) -> np.random.Generator:
        return np.random.Generator(np.random.PCG64(np.random.SeedSequence(self.seed, spawn_key=key)))

    def draws(self, *key: int) -> Draws:
        """Uniforms from a stream of their own, created only when the first one is needed."""
        return Draws([], 0, 0, self, tuple(int(k) for k in key))


class Draws:
    """Uniforms for one consumer: its own block first, then its own overflow stream."""

    __slots__ = ("_buf", "_pos", "_end", "_streams", "_key", "_extra")

    def __init__(self, buf: list[float], start: int, width: int, streams: Streams, key: tuple[int, ...]):
        self._buf = buf
        self._pos = start
        self._end = start + width
        self._streams = streams
        self._key = key
        self._extra: list[float] = []

    def __call__(self) -> float:
        pos = self._pos
        if pos < self._end:
            self._pos = pos + 1
            return self._buf[pos]
        return self._overflow()

    def five(self) -> list[float]:
        """The next five draws at once (one call instead of five on the hot path of a move)."""
        pos = self._pos
        if pos + 5 <= self._end:
            self._pos = pos + 5
            return self._buf[pos:pos + 5]
        return [self(), self(), self(), self(), self()]

    def _overflow(self) -> float:
        if not self._extra:
            # The overflow stream is keyed by this consumer's own address, so it borrows from nobody;
            # each further batch comes from a further key.
            self._extra = self._streams.generator(*self._key).random(64).tolist()[::-1]
            self._key = self._key + (0,)
        return self._extra.pop()


class UniformBlocks:
    """Blocks of `width` uniforms, block i for item i, from one stream generated lazily in chunks."""

    __slots__ = ("_streams", "_gen", "_buf", "_width", "_chunk", "_purpose", "_overflow", "_sub")

    def __init__(self, streams: Streams, purpose: Purpose, overflow: Purpose, sub: int, width: int,
                 chunk_items: int = 64):
        self._streams = streams
        self._gen: np.random.Generator | None = None
        self._buf: list[float] = []
        self._width = width
        self._chunk = chunk_items * width
        self._purpose = purpose
        self._overflow = overflow
        self._sub = sub

    def release(self) -> None:
        """Free the uniforms (in place, so that draws still held by suspended incidents let go too)."""
        self._buf.clear()

    def block(self, index: int) -> Draws:
        """Draws for item `index`: its own block, then its own overflow stream."""
        start = index * self._width
        while start + self._width > len(self._buf):
            if self._gen is None:
                self._gen = self._streams.generator(int(self._purpose), self._sub)
            self._buf.extend(self._gen.random(self._chunk).tolist())
        return Draws(self._buf, start, self._width, self._streams, (int(self._overflow), self._sub, index, 0))
