"""Replays: one replication of one arm rerun with its event log on, from the seed the aggregate run used."""

from __future__ import annotations

from collections.abc import Callable

from ..engine import replication_seed, simulate
from ..engine.events.world import World
from ..engine.model.record import CALL_FATES, ReplicationRecord
from ..scenario.load import LoadedScenario
from ..scenario.schema import Scenario
from .compile import compile_scenario
from .defaults import FIND_LIMIT, MAX_TRACE_REPLICATION, root_seed

__all__ = ["replay", "find_replication", "FINDERS", "NotFound", "why_impossible", "arms_where_possible"]


class NotFound(Exception):
    """No replication in the searched range shows the pattern."""


FINDERS: dict[str, Callable[[ReplicationRecord], bool]] = {
    "in-time": lambda r: r.calls_answered_in_time > 0,
    "too-late": lambda r: r.calls_placed > 0 and r.calls_answered_in_time == 0,
    "line-closed": lambda r: r.call_fates[CALL_FATES.index("line_closed")] > 0,
    "not-answered": lambda r: r.call_fates[CALL_FATES.index("not_answered")] > 0,
    "consultation": lambda r: r.call_fates[CALL_FATES.index("consultation")] > 0,
    "serious": lambda r: r.serious_incidents > 0,
    "clash": lambda r: r.highest_rung == len(r.first_day) - 1,
    "crisis": lambda r: r.crises > 0,
}


def why_impossible(scenario: Scenario, what: str) -> str | None:
    """Why an arm can never show `what` (a hotline pattern without a hotline, say), or None if it can."""
    if not any(t.rate_per_year > 0 for t in scenario.incident_types.values()):
        return "no incident ever happens (every incident type's rate_per_year is 0)"
    if what == "crisis":
        return None if scenario.crisis.enabled else "it has no crisis phase (crisis.enabled is false)"
    if what not in ("in-time", "too-late", "line-closed", "not-answered", "consultation"):
        return None
    if not any(c.settings.enabled for c in scenario.resolved_channels()):
        return "it has no hotline (hotline.enabled is false, and no channel is enabled)"
    policies = [p.hotline for p in scenario.parties.values()]
    if not any(p.calls and p.call_probability > 0 for p in policies):
        return "no party ever places a call (hotline.calls or call_probability)"
    if what == "in-time" and not any(p.answers and p.answer_probability > 0 for p in policies):
        return "no party ever answers (hotline.answers or answer_probability)"
    return None


def arms_where_possible(loaded: LoadedScenario, what: str) -> list[str]:
    """The arms, in order, in which `what` can happen at all; for a crisis, those with a channel the leaders
    can call over first (the story then has its leaders' call)."""
    arms = [arm for arm, scenario in loaded.arms.items() if why_impossible(scenario, what) is None]
    if what == "crisis":
        arms.sort(key=lambda arm: not any(c.settings.enabled for c in loaded.arms[arm].resolved_channels()))
    return arms


def find_replication(loaded: LoadedScenario, arm: str, what: str, start: int = 0, seed: int | None = None,
                     limit: int = FIND_LIMIT, on_progress: Callable[[int, int], None] | None = None) -> int:
    """The first replication number from `start` whose story shows `what` (see FINDERS), searching at most
    `limit` replications (without the event log, which the replay of the one found then switches on)."""
    test = FINDERS[what]
    params = compile_scenario(loaded.arms[arm])
    root = root_seed(loaded.scenario.seed, seed)
    limit = max(0, min(limit, MAX_TRACE_REPLICATION + 1 - start))  # (no number trace could not replay)
    for done, k in enumerate(range(start, start + limit), start=1):
        if test(simulate(params, replication_seed(root, k))):
            return k
        if on_progress is not None and done % 10 == 0:
            on_progress(done, limit)
    raise NotFound(f"no replication among {start}..{start + limit - 1} of arm {arm} shows {what!r}; "
                   "search further with --replication N or --limit N")


def replay(loaded: LoadedScenario, arm: str, replication: int, seed: int | None = None) -> ReplicationRecord:
    """Rerun one replication of one arm with the event log on; the same seed the aggregate run used."""
    root = root_seed(loaded.scenario.seed, seed)
    params = compile_scenario(loaded.arms[arm])
    return World(params, replication_seed(root, replication), log=True).run()


