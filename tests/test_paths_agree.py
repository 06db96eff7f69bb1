"""The guard: the default (fast) path and `--exact` give identical records whatever the assumptions.

The fast path walks quiet incidents on arrays and emulates arrivals without events; it is exact only if
every term of the model that the event-by-event path reads is read by the walks too. The shipped
scenarios' own values are not enough to show that: a new term that is neutral by default (a multiplier of
1.0, a probability of 0.0) changes nothing until a user sets it. So this test takes every `[assumption]`
number the schema lists for each shipped scenario (found as `hotline robustness` finds them,
`sim.scenario.assumptions.assumption_numbers`: a new key with `basis="assumption"` joins by itself),
moves it down and up (x0.5 and x1.5, clipped to its valid range and to what the scenario's cross-field
rules allow; a zero to a small positive value), and compares the two paths' records field by field for
every arm, one short replication each (a different seed for every move, so together they cover many).

Cost: about 2,000 moved scenarios, each arm simulated on both paths over HORIZON_DAYS; under a minute on
two cores under `make test` (one test per scenario, spread over the workers). A term the walks leave out
shows within days (the planted one below is seen on a single moved key).
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from sim import load_scenario
from sim.engine import replication_seed, simulate
from sim.engine.model.record import ReplicationRecord
from sim.run.compile import compile_scenario
from sim.scenario.assumptions import AssumptionNumber, assumption_numbers
from sim.scenario.load import LoadedScenario, apply_overrides
from sim.scenario.problems import ScenarioError

from .conftest import REPO

SCENARIOS = sorted((REPO / "scenarios").glob("*.yaml"))
HORIZON_DAYS = 12.0  # some 55 flagship incidents: walks, event-by-event climbs, now and then a call or a jump
FACTOR = 0.5  # down to x(1 - FACTOR), up to x(1 + FACTOR)
SMALL = 0.05  # where a zero goes (a probability, a multiplier's excess, a tension): small, not negligible


def _targets(number: AssumptionNumber) -> list[float]:
    """Where the guard moves one assumption: down and up, or from zero to a small positive value."""
    if number.value == 0.0:
        wanted = [1.0 if number.integer else SMALL]
    else:
        wanted = [number.value * (1 - FACTOR), number.value * (1 + FACTOR)]
    out = []
    for target in wanted:
        moved = number.clip(target)
        if moved != number.value and moved not in out:
            out.append(moved)
    return out


def _moved(loaded: LoadedScenario, number: AssumptionNumber, target: float) -> LoadedScenario | None:
    """The scenario with the number at `target`, or, where a rule between fields forbids that (escalate +
    de-escalate <= 1, open before close), at the furthest value towards it that every arm accepts."""
    good, bad = number.value, target
    value = target
    for _ in range(12):
        try:
            return apply_overrides(loaded, {number.key: int(value) if number.integer else value}, "guard")
        except ScenarioError:
            bad = value
            value = number.clip((good + bad) / 2)
            if value in (good, bad):
                return None
    return None


def _differences(a: ReplicationRecord, b: ReplicationRecord) -> list[str]:
    """The fields in which two records differ (nan equals nan: a rung never reached)."""
    out = []
    for name in ReplicationRecord.__dataclass_fields__:
        x, y = getattr(a, name), getattr(b, name)
        if name == "first_day":
            same = len(x) == len(y) and all(p == q or (math.isnan(p) and math.isnan(q)) for p, q in zip(x, y, strict=True))
        else:
            same = x == y
        if not same:
            out.append(name)
    return out


def disagreements(path: Path, keys: list[str] | None = None) -> tuple[list[str], int]:
    """Every (key, value, arm, fields) where the two paths' records differ in the moved scenarios of
    `path`, and how many moved scenarios were compared."""
    loaded = load_scenario(path, [f"horizon_days={min(HORIZON_DAYS, load_scenario(path).scenario.horizon_days)}"])
    numbers = [n for n in assumption_numbers(loaded.resolved) if keys is None or n.key in keys]
    found: list[str] = []
    compared = 0
    for number in numbers:
        for target in _targets(number):
            moved = _moved(loaded, number, target)
            if moved is None:
                continue
            compared += 1
            seed = replication_seed(20211227, compared)
            for arm, scenario in moved.arms.items():
                params = compile_scenario(scenario)
                fields = _differences(simulate(params, seed), simulate(params, seed, exact=True))
                if fields:
                    found.append(f"{number.key}={target:g} arm {arm}: {', '.join(fields)}")
    return found, compared


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_every_assumption_moved_down_and_up_gives_identical_records_on_both_paths(path: Path) -> None:
    found, compared = disagreements(path)
    assert compared >= 20, f"only {compared} moved scenarios: is the schema's basis metadata still read?"
    assert not found, (f"the default path differs from --exact in {len(found)} arm runs; a term of the model "
                       "is missing from the walks (sim/engine) - first ones:\n" + "\n".join(found[:10]))


def test_the_guard_sees_a_term_the_walks_leave_out(monkeypatch: pytest.MonkeyPatch) -> None:
    # A posture term added to the event path's decision rule and left out of the walks: every escalation
    # chance x1.5 when incidents run event by event (the walks call the rule as written). The guard must
    # report it on the flagship.
    import types

    from sim.engine.events import incident
    from sim.engine.model import rule

    def with_a_new_term(mover, rung, situation, clarified, tension, feedback, factor, *rest, **options):  # type: ignore[no-untyped-def]
        return rule.decide(mover, rung, situation, clarified, tension, feedback, factor * 1.5, *rest, **options)

    drifted = types.SimpleNamespace(**{name: getattr(rule, name) for name in rule.__all__})
    drifted.decide = with_a_new_term
    monkeypatch.setattr(incident, "rule", drifted)
    found, compared = disagreements(REPO / "scenarios" / "senkaku_baseline.yaml",
                                    keys=["parties.CHN.posture.retaliation_multiplier"])
    assert compared == 2
    assert found, "a term of the event path that the walks leave out went unseen"
