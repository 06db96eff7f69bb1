"""numpy's PCG64 in compiled code: the same 64-bit words and the same doubles as `Generator(PCG64(seed))`.

A numpy Generator costs a few microseconds to make, which is more than drawing the few dozen uniforms a
short stream is made for (an incident's overflow stream reads 60). These kernels seed PCG64 from the
four words its seed sequence gives (`sim.engine.model.streams`) and draw doubles as numpy does:

- the state is 128 bits, held as (high, low) 64-bit words, with an increment of 128 bits too;
- seeding (numpy's `pcg64_set_seed`, O'Neill's `pcg_setseq_128_srandom_r`): the increment is the second
  pair of words shifted left by one with the low bit set; the state starts at zero, steps once, adds the
  first pair of words and steps again;
- a step multiplies the state by PCG's 128-bit multiplier and adds the increment (modulo 2**128);
- a 64-bit output is the state's two halves xor'ed and rotated right by the top six bits (XSL-RR), taken
  after the step; a double is its top 53 bits times 2**-53 (numpy's `next_double`);
- d steps at once (`jump`, numpy's `advance`): the state becomes A_d * state + increment * G_d with
  A_d = multiplier**d and G_d = 1 + multiplier + ... + multiplier**(d - 1), modulo 2**128: from a table
  for short jumps (below 128 steps), else applied for each power of two in d (Brown, "Random number
  generation with arbitrary strides", 1994); the tables are made once.

128-bit products are written in 64-bit words (numba has no 128-bit integers): the high word of a 64 by
64-bit product is one multiply in LLVM's 128-bit integers (`_mul_high`; `_mul_high_halves` gives the same
word from four 32-bit products, and the tests compare the two). `tests/test_pcg.py` compares every kernel with numpy's
Generator on random seeds.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..jit import COMPILED, jit

__all__ = ["seed_state", "fill", "jump", "next_double"]

_M32 = np.uint64(0xFFFFFFFF)
_S1, _S11, _S32, _S58, _S63, _S64 = (np.uint64(k) for k in (1, 11, 32, 58, 63, 64))
_ONE, _ZERO = np.uint64(1), np.uint64(0)
_MULT_HIGH = np.uint64(2549297995355413924)  # PCG_DEFAULT_MULTIPLIER_128
_MULT_LOW = np.uint64(4865540595714422341)
_TO_DOUBLE = 1.0 / 9007199254740992.0


def _powers() -> np.ndarray:
    """(A, G) for 2**k steps, k = 0..127, as rows (A high, A low, G high, G low)."""
    mod = 1 << 128
    a, g = (int(_MULT_HIGH) << 64) | int(_MULT_LOW), 1
    rows = []
    for _ in range(128):
        rows.append([a >> 64, a & (2**64 - 1), g >> 64, g & (2**64 - 1)])
        a, g = a * a % mod, g * (a + 1) % mod
    return np.array(rows, dtype=np.uint64)


def _strides(count: int) -> np.ndarray:
    """(A, G) for d steps, d = 0..count - 1, as rows like `_powers`' (a short jump in one step)."""
    mod = 1 << 128
    mult = (int(_MULT_HIGH) << 64) | int(_MULT_LOW)
    a, g = 1, 0
    rows = []
    for _ in range(count):
        rows.append([a >> 64, a & (2**64 - 1), g >> 64, g & (2**64 - 1)])
        a, g = a * mult % mod, (g * mult + 1) % mod
    return np.array(rows, dtype=np.uint64)


_POWERS = _powers()
_STRIDES = _strides(128)  # a walk's jump to the next block is shorter than a block (52 doubles)


def _mul_high_halves(a: np.uint64, b: np.uint64) -> np.uint64:
    """The high 64 bits of the 128-bit product a * b, from four 32-bit products."""
    a0, a1 = a & _M32, a >> _S32
    b0, b1 = b & _M32, b >> _S32
    p00, p01, p10, p11 = a0 * b0, a0 * b1, a1 * b0, a1 * b1
    mid = (p00 >> _S32) + (p01 & _M32) + (p10 & _M32)
    return p11 + (p01 >> _S32) + (p10 >> _S32) + (mid >> _S32)


if COMPILED:  # one 64 x 64 -> 128-bit multiply instruction, written in LLVM's own integers
    from llvmlite import ir
    from numba import types
    from numba.extending import intrinsic

    @intrinsic
    def _mul_high(typingctx: Any, a: Any, b: Any) -> Any:
        """The high 64 bits of the 128-bit product a * b."""
        def codegen(context: Any, builder: Any, signature: Any, args: Any) -> Any:
            wide = ir.IntType(128)
            product = builder.mul(builder.zext(args[0], wide), builder.zext(args[1], wide))
            return builder.trunc(builder.lshr(product, ir.Constant(wide, 64)), ir.IntType(64))
        return types.uint64(types.uint64, types.uint64), codegen
else:
    _mul_high = _mul_high_halves


@jit
def _step(state: np.ndarray) -> None:
    """state = state * multiplier + increment (mod 2**128); state[0:2] is the state (high, low),
    state[2:4] the increment."""
    high, low = state[0], state[1]
    new_low = low * _MULT_LOW
    new_high = _mul_high(low, _MULT_LOW) + low * _MULT_HIGH + high * _MULT_LOW
    added = new_low + state[3]
    carry = _ONE if added < new_low else _ZERO
    state[0] = new_high + state[2] + carry
    state[1] = added


@jit
def _mul128(ah: np.uint64, al: np.uint64, bh: np.uint64, bl: np.uint64) -> tuple[np.uint64, np.uint64]:
    """(high, low) of a * b modulo 2**128."""
    return _mul_high(al, bl) + al * bh + ah * bl, al * bl


@jit
def _apply(state: np.ndarray, table: np.ndarray, k: int) -> None:
    """state = A * state + increment * G, (A, G) from row k of `table`."""
    ah, al = _mul128(state[0], state[1], table[k, 0], table[k, 1])
    ch, cl = _mul128(state[2], state[3], table[k, 2], table[k, 3])
    low = al + cl
    carry = _ONE if low < al else _ZERO
    state[0] = ah + ch + carry
    state[1] = low


@jit
def jump(state: np.ndarray, steps: int) -> None:
    """Move the stream on by `steps` doubles without drawing them (`PCG64.advance(steps)`)."""
    if steps < _STRIDES.shape[0]:
        _apply(state, _STRIDES, steps)
        return
    k = 0
    d = np.uint64(steps)
    while d:
        if d & _ONE:
            _apply(state, _POWERS, k)
        d = d >> _S1
        k += 1


@jit
def seed_state(words: np.ndarray, state: np.ndarray) -> None:
    """PCG64's state after seeding with the four words `words` (its seed sequence's), into `state`."""
    state[2] = (words[2] << _S1) | (words[3] >> _S63)
    state[3] = (words[3] << _S1) | _ONE
    state[0] = _ZERO
    state[1] = _ZERO
    _step(state)
    low = state[1] + words[1]
    carry = _ONE if low < state[1] else _ZERO
    state[0] = state[0] + words[0] + carry
    state[1] = low
    _step(state)


@jit
def next_double(state: np.ndarray) -> float:
    """The stream's next double (`Generator.random()`); `state` moves on."""
    _step(state)
    high = state[0]
    x = high ^ state[1]
    rot = high >> _S58
    out = (x >> rot) | (x << ((_S64 - rot) & np.uint64(63)))
    return float(out >> _S11) * _TO_DOUBLE


@jit
def fill(state: np.ndarray, out: np.ndarray) -> None:
    """The stream's next `len(out)` doubles into `out` (`Generator.random(out=out)`); `state` moves on."""
    for i in range(len(out)):
        out[i] = next_double(state)

