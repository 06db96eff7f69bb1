"""What is worked out once per arm and read in every replication: cached by the identity of what it is made
from (compiled parameters are immutable, and a run keeps them alive)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

__all__ = ["by_identity"]

T = TypeVar("T")
_LIMIT = 64  # entries a cache keeps before it starts again (arms of a sweep come and go)


def by_identity(cache: dict[tuple[int, ...], tuple[tuple[Any, ...], Any]], holders: tuple[Any, ...],
                make: Callable[[], T]) -> T:
    """`make()` for the objects `holders`, made once per identity of theirs: the cache keeps them beside the
    result, so that no id is reused while it is known."""
    key = tuple(map(id, holders))
    known = cache.get(key)
    if known is None or any(a is not b for a, b in zip(known[0], holders, strict=True)):
        if len(cache) >= _LIMIT:
            cache.clear()
        known = cache[key] = (holders, make())
    return known[1]  # type: ignore[no-any-return]
