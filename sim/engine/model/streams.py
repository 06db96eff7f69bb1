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

from ..jit import COMPILED, jit
from . import pcg

__all__ = ["Purpose", "Streams", "Draws", "UniformBlocks", "fill", "replication_seed"]


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
    CRISIS = 11
    CRISIS_CALL = 12


def replication_seed(root_seed: int, replication: int) -> int:
    """The 64-bit seed of one replication, derived from the root seed (the same in every arm)."""
    state = np.random.SeedSequence(root_seed, spawn_key=(replication,)).generate_state(2, np.uint32)
    return int(state[0]) << 32 | int(state[1])


class Streams:
    """Factory of independent generators for one replication: stream `key` is PCG64 seeded by
    `SeedSequence(seed, spawn_key=key)`, its words computed by `_SeedPool` (the same words, for less than
    half the cost of building a SeedSequence, which a replication does some fifteen times)."""

    __slots__ = ("seed", "_words", "_pairs")

    def __init__(self, seed: int):
        self.seed = seed
        self._words: _SeedPool | None = None
        self._pairs: dict[tuple[int, int], np.ndarray] = {}  # states made ahead (`prefetch`)

    def prefetch(self, purposes: list[Purpose], count: int) -> None:
        """Make the PCG64 states of streams (purpose, i), i < `count`, for every purpose, in one call of
        compiled code (`state` then hands out copies); nothing without compiled code."""
        if not COMPILED or self.seed < 0 or count <= 0:
            return
        if self._words is None:
            self._words = _SeedPool(self.seed)
        pool = self._words
        known = _PREFETCH.get((tuple(purposes), count, pool._next))
        if known is None:  # the keys' words and hash constants, the same for every seed
            keys = [(int(purpose), i) for purpose in purposes for i in range(count)]
            words = [[word for k in key for word in _uint32_words(k)] for key in keys]
            if len({len(w) for w in words}) != 1:
                return
            known = (keys, np.array(words, dtype=np.uint64), _table_a(_constants(pool._next + 4 * len(words[0]))))
            if len(_PREFETCH) >= 64:
                _PREFETCH.clear()
            _PREFETCH[(tuple(purposes), count, pool._next)] = known
        keys, words_array, table = known
        states = np.empty((len(keys), 4), np.uint64)
        _spawn_rows(pool._pool_array, words_array, table, pool._next, states)
        self._pairs.update(zip(keys, states, strict=True))

    def generator(self, *key: int) -> np.random.Generator:
        if not key or self.seed < 0 or min(key) < 0:  # not a stream of ours: numpy's own (and its errors)
            return np.random.Generator(np.random.PCG64(np.random.SeedSequence(self.seed, spawn_key=key)))
        if self._words is None:
            self._words = _SeedPool(self.seed)
        return np.random.Generator(np.random.PCG64(self._words.spawned(key)))

    def state(self, *key: int) -> np.ndarray:
        """The PCG64 state of stream `key` for `sim.engine.model.pcg`'s kernels (compiled code only): the
        stream `generator(*key)` draws, for less than a third of the cost of making that generator."""
        assert COMPILED and key and self.seed >= 0 and min(key) >= 0
        known = self._pairs.get(key) if len(key) == 2 else None  # type: ignore[arg-type]
        if known is not None:
            return known.copy()
        if self._words is None:
            self._words = _SeedPool(self.seed)
        return self._words.state(key)

    def source(self, *key: int) -> np.ndarray | np.random.Generator:
        """Stream `key` to draw from with `fill`: its PCG64 state in compiled code, else its Generator (the
        same numbers)."""
        if COMPILED and key and self.seed >= 0 and min(key) >= 0:
            return self.state(*key)
        return self.generator(*key)

    def seed_table(self, n_words: int) -> tuple[np.ndarray, np.ndarray, int]:
        """What compiled code needs to seed the streams of keys of `n_words` 32-bit words itself
        (`_spawn_words`): the seed's pool, the hash constants as an array, and the first constant's index."""
        assert COMPILED and self.seed >= 0
        if self._words is None:
            self._words = _SeedPool(self.seed)
        start = self._words._next
        return self._words._pool_array, _table_a(_constants(start + 4 * n_words)), start

    def uniforms(self, key: tuple[int, ...], count: int) -> np.ndarray:
        """The first `count` uniforms of stream `key` (`generator(*key).random(count)`)."""
        out = np.empty(count)
        fill(self.source(*key), out)
        return out

    def draws(self, *key: int) -> Draws:
        """Uniforms from a stream of their own, created only when the first one is needed."""
        return Draws([], 0, 0, self, tuple(int(k) for k in key))


def fill(source: np.ndarray | np.random.Generator, out: np.ndarray) -> None:
    """The next `len(out)` uniforms of a stream (`Streams.source`) into `out`; the source moves on."""
    if isinstance(source, np.ndarray):
        pcg.fill(source, out)
    else:
        source.random(out=out)


# `Streams.prefetch`'s keys, their words and hash constants, by (purposes, count, first constant)
_PREFETCH: dict[tuple[tuple[Purpose, ...], int, int], tuple[list[tuple[int, int]], np.ndarray, np.ndarray]] = {}

_MASK = 0xFFFFFFFF
_INIT_A, _MULT_A, _INIT_B, _MULT_B = 0x43B0D7E5, 0x931E8875, 0x8B51F9DD, 0x58F38DED
_MIX_L, _MIX_R = 0xCA01F9DD, 0x4973F715


def _uint32_words(n: int) -> list[int]:
    """A non-negative integer as 32-bit words, lowest first (zero is one word), as SeedSequence reads it."""
    words = [n & _MASK]
    n >>= 32
    while n:
        words.append(n & _MASK)
        n >>= 32
    return words


def _hash_constants(count: int, init: int, mult: int) -> list[tuple[int, int]]:
    """The (xor, multiplier) pairs the hash uses, in order: its constant before and after each update."""
    out, h = [], init
    for _ in range(count):
        after = (h * mult) & _MASK
        out.append((h, after))
        h = after
    return out


_HASH_A = tuple(_hash_constants(16 + 4 * 32, _INIT_A, _MULT_A))  # pool of four: 4 + 12, then 4 per extra word
_HASH_B = tuple(_hash_constants(8, _INIT_B, _MULT_B))  # four 64-bit words of state out


def _constants(count: int) -> tuple[tuple[int, int], ...]:
    """At least `count` of the pool's hash constants (a longer table is built whole, then swapped in)."""
    global _HASH_A
    table = _HASH_A
    if count > len(table):
        table = tuple(_hash_constants(max(count, 2 * len(table)), _INIT_A, _MULT_A))
        _HASH_A = table
    return table


def _hashmix(value: int, constant: tuple[int, int]) -> int:
    xor, mult = constant
    value = ((value ^ xor) * mult) & _MASK
    return value ^ (value >> 16)


def _mix(x: int, y: int) -> int:
    result = (_MIX_L * x - _MIX_R * y) & _MASK
    return result ^ (result >> 16)


class _SeedPool:
    """The pool of `numpy.random.SeedSequence(seed, spawn_key=key)` for every key of one seed, written out in
    Python integers (numpy's algorithm, after Melissa O'Neill's seed_seq): the seed's words are mixed in once,
    each key's words on top of a copy; `spawned(key)` gives the words PCG64 is seeded with (tests compare
    the streams with numpy's on random seeds and keys)."""

    __slots__ = ("_pool", "_next", "_pool_array")

    def __init__(self, seed: int):
        words = _uint32_words(int(seed))
        words += [0] * (4 - len(words))  # with a spawn key, SeedSequence pads the seed to the pool's size
        h = _constants(16 + 4 * len(words))
        pool = [_hashmix(words[i], h[i]) for i in range(4)]
        i = 4
        for src in range(4):
            for dst in range(4):
                if src != dst:
                    pool[dst] = _mix(pool[dst], _hashmix(pool[src], h[i]))
                    i += 1
        for word in words[4:]:
            for dst in range(4):
                pool[dst] = _mix(pool[dst], _hashmix(word, h[i]))
                i += 1
        self._pool, self._next = pool, i
        self._pool_array = np.array(pool, dtype=np.uint64)

    def state(self, key: tuple[int, ...]) -> np.ndarray:
        """The PCG64 state (`sim.engine.model.pcg`) of the generator seeded with `spawned(key)` (compiled
        code only: every key word is below 2**32 and not negative)."""
        words, h, i = self._key(key)
        state = np.empty(4, np.uint64)
        _spawn_state(self._pool_array, np.array(words, dtype=np.uint64), _table_a(h), i, state)
        return state

    def _key(self, key: tuple[int, ...]) -> tuple[list[int], tuple[tuple[int, int], ...], int]:
        """A key's 32-bit words, the hash constants they need, and the first one's index."""
        words = [word for k in key for word in _uint32_words(int(k))]
        return words, _constants(self._next + 4 * len(words)), self._next

    def spawned(self, key: tuple[int, ...]) -> _Words:
        words, h, i = self._key(key)
        if COMPILED:  # (every word is below 2**32, and keys are never negative here: `Streams.generator`)
            state = np.empty(4, np.uint64)
            _spawn_words(self._pool_array, np.array(words, dtype=np.uint64), _table_a(h), i, state)
            return _Words(state)
        pool = list(self._pool)
        mask, left, right = _MASK, _MIX_L, _MIX_R
        for word in words:
            for dst in range(4):  # `_mix(pool[dst], _hashmix(word, h[i]))`, written out: this runs per stream
                xor, mult = h[i]
                value = ((word ^ xor) * mult) & mask
                value = (left * pool[dst] - right * (value ^ (value >> 16))) & mask
                pool[dst] = value ^ (value >> 16)
                i += 1
        out = []
        for j, word in enumerate(pool + pool):
            xor, mult = _HASH_B[j]
            value = ((word ^ xor) * mult) & mask
            out.append(value ^ (value >> 16))
        return _Words(np.array([out[0] | out[1] << 32, out[2] | out[3] << 32, out[4] | out[5] << 32,
                                out[6] | out[7] << 32], dtype=np.uint64))


_TABLES: dict[int, np.ndarray] = {}


def _table_a(h: tuple[tuple[int, int], ...]) -> np.ndarray:
    """The pool's hash constants as an array (rows: xor, multiplier), built once per table."""
    table = _TABLES.get(id(h))
    if table is None or len(table) != len(h):
        table = _TABLES[id(h)] = np.array(h, dtype=np.uint64)
    return table


_TABLE_B = np.array(_HASH_B, dtype=np.uint64)
_U32 = np.uint64(_MASK)
_S16, _S32 = np.uint64(16), np.uint64(32)
_LEFT, _RIGHT = np.uint64(_MIX_L), np.uint64(_MIX_R)


@jit
def _spawn_words(pool0: np.ndarray, words: np.ndarray, h: np.ndarray, start: int, state: np.ndarray) -> None:
    """`_SeedPool.spawned` in unsigned 64-bit arithmetic (every product of two 32-bit words fits; a
    difference wraps modulo 2**64, whose low 32 bits are Python's result modulo 2**32): the same words,
    into `state`."""
    pool = pool0.copy()
    i = start
    for w in range(len(words)):
        for dst in range(4):
            value = ((words[w] ^ h[i, 0]) * h[i, 1]) & _U32
            value = (_LEFT * pool[dst] - _RIGHT * (value ^ (value >> _S16))) & _U32
            pool[dst] = value ^ (value >> _S16)
            i += 1
    out = np.empty(8, np.uint64)
    for j in range(8):
        value = ((pool[j % 4] ^ _TABLE_B[j, 0]) * _TABLE_B[j, 1]) & _U32
        out[j] = value ^ (value >> _S16)
    for j in range(4):
        state[j] = out[2 * j] | (out[2 * j + 1] << _S32)


@jit
def _spawn_state(pool0: np.ndarray, words: np.ndarray, h: np.ndarray, start: int, state: np.ndarray) -> None:
    """The PCG64 state of the generator seeded with `_spawn_words`' words, into `state`."""
    seed = np.empty(4, np.uint64)
    _spawn_words(pool0, words, h, start, seed)
    pcg.seed_state(seed, state)


@jit
def _spawn_rows(pool0: np.ndarray, words: np.ndarray, h: np.ndarray, start: int, states: np.ndarray) -> None:
    """`_spawn_state` for each row of `words` (keys of one length), into the rows of `states`."""
    for i in range(words.shape[0]):
        _spawn_state(pool0, words[i], h, start, states[i])


class _Words(np.random.bit_generator.ISeedSequence):
    """A seed sequence that hands PCG64 the four words it asks for, computed beforehand."""

    def __init__(self, state: np.ndarray):
        self._state = state

    def generate_state(self, n_words: int, dtype: object = np.uint32) -> np.ndarray:
        if n_words != 4 or np.dtype(dtype) != np.uint64:  # what PCG64 asks for
            raise ValueError("these words seed PCG64 only (4 words of uint64)")
        return self._state


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

    def skip(self, n: int) -> None:
        """Pass over the next `n` draws of a fresh block (they were read elsewhere)."""
        assert self._pos + n <= self._end
        self._pos += n

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
            self._extra = self._streams.uniforms(self._key, 64).tolist()[::-1]
            self._key = self._key + (0,)
        return self._extra.pop()


def _fast_state(streams: Streams) -> bool:
    """Whether `streams` can hand out PCG64 states for compiled code (`Streams.state`)."""
    return COMPILED and streams.seed >= 0


class UniformBlocks:
    """Blocks of `width` uniforms, block i for item i, from one stream generated lazily in chunks and kept as
    rows of a 2-D array (so a batch of items can read its rows at once, `rows`)."""

    __slots__ = ("_streams", "_gen", "_arr", "_n", "_width", "_chunk_items", "_purpose", "_overflow", "_sub",
                 "_base")

    def __init__(self, streams: Streams, purpose: Purpose, overflow: Purpose, sub: int, width: int,
                 chunk_items: int = 64):
        self._streams = streams
        self._gen: np.random.Generator | np.ndarray | None = None  # a PCG64 state in compiled code
        self._arr = np.empty((0, width))
        self._n = 0  # rows generated
        self._width = width
        self._chunk_items = chunk_items
        self._purpose = purpose
        self._overflow = overflow
        self._sub = sub
        self._base: np.ndarray | None = None  # compiled code: the stream's state before its first double

    @property
    def width(self) -> int:
        return self._width

    def base_state(self) -> np.ndarray:
        """The PCG64 state of the blocks' stream before its first double (compiled code only): block i
        starts `i * width` doubles on (`pcg.jump`). Read only."""
        if self._base is None:
            self._base = self._streams.state(int(self._purpose), self._sub)
        return self._base

    def release(self) -> None:
        """Free the uniforms."""
        self._arr = np.empty((0, self._width))
        self._n = 0
        self._gen = None

    def _ensure(self, items: int) -> None:
        """Generate rows until there are at least `items` (the stream's numbers in order, a chunk at a time)."""
        if items <= self._n:
            return
        if self._gen is None:
            self._gen = (self.base_state().copy() if _fast_state(self._streams) else
                         self._streams.generator(int(self._purpose), self._sub))
        fresh = -(-(items - self._n) // self._chunk_items) * self._chunk_items
        if self._n + fresh > len(self._arr):
            grown = np.empty((max(2 * len(self._arr), self._n + fresh), self._width))
            grown[:self._n] = self._arr[:self._n]
            self._arr = grown
        fill(self._gen, self._arr[self._n:self._n + fresh].reshape(-1))  # rows are contiguous
        self._n += fresh

    def rows(self, numbers: np.ndarray) -> np.ndarray:
        """The blocks of items `numbers` (increasing), one row each; read only (a view when they follow
        one another)."""
        if not len(numbers):
            return self._arr[:0]
        first, last = int(numbers[0]), int(numbers[-1])
        self._ensure(last + 1)
        if last - first + 1 == len(numbers):
            return self._arr[first:last + 1]
        return self._arr[numbers]

    def overflow_uniforms(self, index: int, count: int) -> np.ndarray:
        """The first `count` (at most 64) uniforms item `index` reads once its block has run out: those
        its `block(index)` hands out after the block's own."""
        assert count <= 64  # `Draws._overflow` takes 64 from a key, then moves to a further key
        return self._streams.uniforms((int(self._overflow), self._sub, index, 0), count)

    def block(self, index: int) -> Draws:
        """Draws for item `index`: its own block, then its own overflow stream. (In compiled code a block
        beyond those generated is drawn by itself, a jump into the stream, without the blocks before it.)"""
        key = (int(self._overflow), self._sub, index, 0)
        if index >= self._n and _fast_state(self._streams):
            state = self.base_state().copy()
            pcg.jump(state, index * self._width)
            row = np.empty(self._width)
            pcg.fill(state, row)
            return Draws(row.tolist(), 0, self._width, self._streams, key)
        self._ensure(index + 1)
        return Draws(self._arr[index].tolist(), 0, self._width, self._streams, key)
