"""Compiled numeric kernels: `jit` compiles a function with numba (cached beside its module), or leaves it
as Python when numba is not installed or `HOTLINE_COMPILED=0` (the same results, slower; where a loop in
Python would be slow, the module keeps its array code for that case and picks it by `COMPILED`).

Kernels never return arrays: they write into arrays their callers made and return numbers. numba hands
arrays it made to Python in a way that a signal's handler raising at that moment (Ctrl-C, or SIGTERM, which
the command turns into Ctrl-C) can leave as a `SystemError`, a double free or a hang (numba issues 2324 and
5551); numbers and the caller's arrays are not exposed to that (`tests/test_compiled_walks.py` interrupts
kernels thousands of times).

Compiled code costs memory: numba and LLVM add about 110 MB to a process (measured: 95 MB after numpy
and scipy, 208 MB with a kernel loaded). `HOTLINE_COMPILED=0` does not import numba at all.

Kernels compiled here must give the very floats of the Python they stand for: numba does not fuse or
reorder floating-point operations without `fastmath` (never used), and its `math.log`, `math.exp` and
`math.sqrt` call the C library as CPython's do. Each kernel's tests compare it with the Python code bit
for bit.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

njit: Any = None
if os.environ.get("HOTLINE_COMPILED", "1") != "0":
    try:  # an optional speed-up: without numba the kernels run as Python
        from numba import njit
    except ImportError:  # pragma: no cover - numba is a dependency; this keeps a broken install running
        njit = None

__all__ = ["jit", "COMPILED"]

COMPILED = njit is not None


def jit(f: Callable[..., Any]) -> Callable[..., Any]:
    """`f` compiled to machine code on first call (and cached on disk), or `f` itself without numba."""
    return f if njit is None else njit(cache=True, nogil=True)(f)
