"""Replays: one replication of one arm rerun with its event log on, from the seed the aggregate run used."""

from __future__ import annotations

from collections.abc import Callable

from ..engine import replication_seed
from ..engine.record import ReplicationRecord
from ..engine.world import World
from ..scenario.load import LoadedScenario
from .compile import compile_scenario
from .defaults import root_seed

__all__ = ["replay", "find_replication", "FINDERS", "NotFound"]


class NotFound(Exception):
    """No replication in the searched range shows the pattern."""


FINDERS: dict[str, Callable[[ReplicationRecord], bool]] = {
    "in-time": lambda r: r.calls_answered_in_time > 0,
    "too-late": lambda r: r.calls_placed > 0 and r.calls_answered_in_time == 0,
    "serious": lambda r: r.serious_incidents > 0,
    "clash": lambda r: r.highest_rung == len(r.first_day) - 1,
}


def find_replication(loaded: LoadedScenario, arm: str, what: str, start: int = 0, seed: int | None = None,
                     limit: int = 5000) -> int:
    """The first replication number from `start` whose story shows `what` (see FINDERS)."""
    test = FINDERS[what]
    for k in range(start, start + limit):
        if test(replay(loaded, arm, k, seed)):
            return k
    raise NotFound(f"no replication among {start}..{start + limit - 1} of arm {arm} shows {what!r}")


def replay(loaded: LoadedScenario, arm: str, replication: int, seed: int | None = None) -> ReplicationRecord:
    """Rerun one replication of one arm with the event log on; the same seed the aggregate run used."""
    root = root_seed(loaded.scenario.seed, seed)
    params = compile_scenario(loaded.arms[arm])
    return World(params, replication_seed(root, replication), log=True).run()


