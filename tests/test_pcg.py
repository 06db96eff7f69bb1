"""numpy's PCG64 in compiled code (`sim.engine.model.pcg`) against numpy's own Generator.

Every stream the fast path reads through these kernels must be the stream numpy would give for the same
key: a single differing double would change an incident's course, and the guard (fast path against the
event-by-event path, which still draws with numpy) would then fail somewhere, late and far from here.
"""

from __future__ import annotations

import numpy as np
import pytest

from sim.engine.jit import COMPILED, jit
from sim.engine.model import pcg
from sim.engine.model.streams import Purpose, Streams, UniformBlocks

pytestmark = pytest.mark.skipif(not COMPILED, reason="the kernels are compiled code")


def test_seeded_streams_give_numpys_doubles() -> None:
    """300 random seeds, 2,000 doubles each, drawn in pieces of uneven lengths: every double equal."""
    rng = np.random.default_rng(20261204)
    for _ in range(300):
        seq = np.random.SeedSequence(int(rng.integers(0, 2**63)), spawn_key=(int(rng.integers(0, 50)),))
        state = np.empty(4, np.uint64)
        pcg.seed_state(seq.generate_state(4, np.uint64), state)
        out = np.empty(2000)
        cuts = np.sort(rng.integers(0, 2000, 5))
        for lo, hi in zip([0, *cuts.tolist()], [*cuts.tolist(), 2000], strict=True):
            pcg.fill(state, out[lo:hi])
        assert np.array_equal(out, np.random.Generator(np.random.PCG64(seq)).random(2000))


def test_extreme_seed_words() -> None:
    """Seed words at the edges of 64 bits (carries through every add): numpy's doubles still."""
    top = np.uint64(2**64 - 1)
    for words in ([top, top, top, top], [0, 0, 0, 0], [top, 0, top, 0], [0, top, 0, top], [1, top, 2**63, 1]):
        w = np.array(words, dtype=np.uint64)
        state = np.empty(4, np.uint64)
        pcg.seed_state(w, state)
        out = np.empty(500)
        pcg.fill(state, out)
        reference = np.random.PCG64(_FixedWords(w))  # numpy seeded with the very same words
        assert np.array_equal(out, np.random.Generator(reference).random(500)), words


class _FixedWords(np.random.bit_generator.ISeedSequence):
    def __init__(self, words: np.ndarray):
        self._words = words

    def generate_state(self, n_words: int, dtype: object = np.uint32) -> np.ndarray:
        assert n_words == 4 and np.dtype(dtype) == np.uint64
        return self._words


def test_streams_states_match_their_generators() -> None:
    """`Streams.state` and `Streams.uniforms` give `Streams.generator`'s numbers, also for a key word
    above 2**32 (two words)."""
    streams = Streams(987654321)
    for key in [(int(Purpose.INCIDENT_OVERFLOW), 3, i, 0) for i in (0, 1, 17, 4095)] + [(3, 0, 2**40, 0), (2, 5)]:
        assert np.array_equal(streams.uniforms(key, 64), streams.generator(*key).random(64))
        out = np.empty(10)
        pcg.fill(streams.state(*key), out)
        assert np.array_equal(out, streams.generator(*key).random(10))


def test_uniform_blocks_are_the_generators_stream() -> None:
    """Blocks made with the compiled generator are rows of numpy's stream for (purpose, type)."""
    streams = Streams(42)
    blocks = UniformBlocks(streams, Purpose.INCIDENT, Purpose.INCIDENT_OVERFLOW, 2, 52)
    rows = blocks.rows(np.arange(130))
    reference = streams.generator(int(Purpose.INCIDENT), 2).random(130 * 52).reshape(130, 52)
    assert np.array_equal(rows, reference)
    assert np.array_equal(blocks.overflow_uniforms(7, 60),
                          streams.generator(int(Purpose.INCIDENT_OVERFLOW), 2, 7, 0).random(60))


def test_a_jump_is_numpys_advance() -> None:
    """`jump(state, d)` lands where `PCG64.advance(d)` does, for strides from 0 to past 2**40, and on from
    a stream already drawn from."""
    rng = np.random.default_rng(11)
    for steps in [0, 1, 2, 51, 52, 53, 64, 1000, 52 * 4095, 2**32 + 7, 2**40 + 3, *rng.integers(0, 2**50, 20).tolist()]:
        seq = np.random.SeedSequence(int(rng.integers(0, 2**63)))
        state = np.empty(4, np.uint64)
        pcg.seed_state(seq.generate_state(4, np.uint64), state)
        reference = np.random.PCG64(seq)
        ahead = np.empty(7)
        pcg.fill(state, ahead)
        generator = np.random.Generator(reference)
        generator.random(7)
        pcg.jump(state, int(steps))
        reference.advance(int(steps))
        out = np.empty(5)
        pcg.fill(state, out)
        assert np.array_equal(out, generator.random(5)), steps


def test_states_made_ahead_are_the_streams_own() -> None:
    """`Streams.prefetch` makes the states `state` would make one by one; each hand-out is a copy, so a
    consumer drawing from its state leaves the next one's untouched."""
    ahead, alone = Streams(20261204), Streams(20261204)
    ahead.prefetch([Purpose.INCIDENT, Purpose.ARRIVAL], 7)
    for purpose in (Purpose.INCIDENT, Purpose.ARRIVAL):
        for i in range(7):
            first = ahead.state(int(purpose), i)
            assert np.array_equal(first, alone.state(int(purpose), i))
            pcg.fill(first, np.empty(3))
            assert np.array_equal(ahead.state(int(purpose), i), alone.state(int(purpose), i))


def test_the_high_word_of_a_product_is_the_same_both_ways() -> None:
    """The LLVM multiply and the four 32-bit products give the same high words (edges and 20,000 random
    pairs), and both the high word of Python's exact product."""
    rng = np.random.default_rng(5)
    top = 2**64 - 1
    pairs = [(0, 0), (top, top), (top, 1), (2**32, 2**32), (2**63, 2), (2**32 - 1, 2**32 + 1)]
    pairs += [(int(a), int(b)) for a, b in rng.integers(0, 2**64, (20_000, 2), dtype=np.uint64)]
    for a, b in pairs:
        want = (a * b) >> 64
        assert int(pcg._mul_high_halves(np.uint64(a), np.uint64(b))) == want
    high = _high_words(np.array([a for a, _ in pairs], dtype=np.uint64), np.array([b for _, b in pairs], dtype=np.uint64))
    assert high.tolist() == [(a * b) >> 64 for a, b in pairs]


def _high_words(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    out = np.empty(len(a), dtype=np.uint64)
    _high_kernel(a, b, out)
    return out


@jit
def _high_kernel(a: np.ndarray, b: np.ndarray, out: np.ndarray) -> None:
    for i in range(len(a)):
        out[i] = pcg._mul_high(a[i], b[i])
