"""Compiled numeric kernels: `jit` compiles a function with numba (cached beside its module), or leaves it
as Python when numba is not installed (the same results, slower).

Kernels compiled here must give the very floats of the Python they stand for: numba does not fuse or
reorder floating-point operations without `fastmath` (never used), and its `math.log`, `math.exp` and
`math.sqrt` call the C library as CPython's do. Each kernel's tests compare it with the Python code bit
for bit.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

try:  # an optional speed-up: without numba the kernels run as Python
    from numba import njit
except ImportError:  # pragma: no cover - numba is a dependency; this keeps a broken install running
    njit = None

__all__ = ["jit", "COMPILED"]

COMPILED = njit is not None


def jit(f: Callable[..., Any]) -> Callable[..., Any]:
    """`f` compiled to machine code on first call (and cached on disk), or `f` itself without numba."""
    return f if njit is None else njit(cache=True, nogil=True)(f)
