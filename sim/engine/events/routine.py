"""A light way to run a generator on SimPy events, for the engine's many short-lived routines.

`env.process` costs two extra scheduled events per process (its start and its end) and a general resume
path with interrupt handling. Incidents, calls and protests are never interrupted and nobody waits for
their end, so they are driven here by attaching a callback to each event they yield: same semantics for
what they do (timeouts, resource requests), fewer events. Arrivals, which are interrupted when tension
jumps, stay SimPy processes.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

__all__ = ["start_routine"]


def start_routine(routine: Generator[Any, Any, None]) -> None:
    """Run `routine` now until its first yield, then resume it each time the yielded event is processed."""
    send = routine.send

    def resume(event: Any) -> None:
        try:
            target = send(event._value)
        except StopIteration:
            return
        target.callbacks.append(resume)

    try:
        first = send(None)
    except StopIteration:
        return
    first.callbacks.append(resume)
