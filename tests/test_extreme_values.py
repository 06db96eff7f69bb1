"""Every number the schema accepts runs, on both paths, with identical records (hardening III, class 3).

Each number of a shipped scenario (facts, assumptions and the parameters of random durations alike) is
set, one at a time, to the ends of the range the schema allows: its minimum (just above it when the
minimum is excluded, e.g. 1e-300 for a positive number), its maximum (just below an excluded one), and,
where the schema sets no end, 0 or -1e300 and 1e300. A value a rule between fields refuses (p90 above the
median, open before close) is skipped: the schema refused it, which is the other allowed outcome. Each
accepted scenario is simulated for every arm on the default path and with `exact=True`; the two records
must be equal field by field, and neither may raise. A run that takes longer than STEP_SECONDS fails the
test instead of hanging it (signal.alarm).

Horizons are short (HORIZON_DAYS; the highest arrival rates get a shorter one, so that about a hundred
incidents arrive): the extremes that broke a path did so within the first incidents (an overflow, a
tension that never decays, arrivals that feed themselves).
"""

from __future__ import annotations

import math
import signal
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sim import load_scenario
from sim.engine import replication_seed, simulate
from sim.engine.model.record import ReplicationRecord
from sim.run.compile import compile_scenario
from sim.scenario.assumptions import AssumptionNumber, _child, _number, _number_node, _resolve
from sim.scenario.load import apply_overrides
from sim.scenario.problems import ScenarioError
from sim.scenario.schema_paths import scenario_json_schema

from .conftest import REPO

HORIZON_DAYS = 1.0
STEP_SECONDS = 30  # one arm on one path; a healthy one takes milliseconds
# The flagship (crisis phase on), one with allies and a mediated channel, one with other parties and
# ladder, and the golden hot scenario (many calls): every kind of number the schema has.
SCENARIOS = [REPO / "scenarios" / f"{name}.yaml" for name in ("senkaku_baseline", "senkaku_alliance",
                                                              "second_thomas_shoal")] + [REPO / "tests" / "golden" / "hot_scenario.yaml"]
_SKIP_TOP = ("arms", "ranges", "replications", "seed", "horizon_days")


def every_number(data: Any) -> Iterator[AssumptionNumber]:
    """Every number of a scenario's resolved data with the limits its schema node gives."""
    def walk(value: Any, nodes: list[dict[str, Any]], path: tuple[Any, ...]) -> Iterator[AssumptionNumber]:
        if isinstance(value, dict):
            for key, sub in value.items():
                if not (not path and key in _SKIP_TOP):
                    yield from walk(sub, _child(nodes, key), (*path, key))
        elif isinstance(value, list):
            for i, sub in enumerate(value):
                yield from walk(sub, _child(nodes, i), (*path, i))
        elif isinstance(value, int | float) and not isinstance(value, bool):
            node = _number_node(nodes)
            if node is not None:
                yield _number(".".join(map(str, path)), float(value), node, False)

    yield from walk(data, _resolve(scenario_json_schema()), ())


def extremes(n: AssumptionNumber) -> list[float]:
    out: list[float] = []
    if n.minimum is None:
        out += [-1e300, 0.0]
    elif n.exclusive_minimum:
        out.append(1e-300 if n.minimum == 0 else math.nextafter(n.minimum, math.inf))
    else:
        out.append(n.minimum)
    if n.maximum is None:
        out.append(1e300)
    else:
        out.append(math.nextafter(n.maximum, -math.inf) if n.exclusive_maximum else n.maximum)
    if n.integer:
        out = [float(round(v)) for v in out if abs(v) < 1e15]
    return [v for v in dict.fromkeys(out) if v != n.value]


def _timeout(*_: Any) -> None:
    raise TimeoutError


def _same(a: ReplicationRecord, b: ReplicationRecord) -> list[str]:
    def equal(x: Any, y: Any) -> bool:
        if isinstance(x, list):
            return len(x) == len(y) and all(equal(p, q) for p, q in zip(x, y, strict=True))
        return x == y or (isinstance(x, float) and math.isnan(x) and math.isnan(y))

    return [f for f in ReplicationRecord.__dataclass_fields__ if f != "log" and not equal(getattr(a, f), getattr(b, f))]


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_every_number_at_the_ends_of_its_range_runs_on_both_paths_alike(path: Path) -> None:
    loaded = load_scenario(path, [f"horizon_days={HORIZON_DAYS}"])
    found: list[str] = []
    tried = 0
    old = signal.signal(signal.SIGALRM, _timeout)
    try:
        for i, number in enumerate(every_number(loaded.resolved)):
            for value in extremes(number):
                over: dict[str, Any] = {number.key: int(value) if number.integer else value}
                if number.key.endswith("rate_per_year") and value > 1e4:
                    over["horizon_days"] = 36.5 / value * 1000  # about a hundred arrivals
                try:
                    moved = apply_overrides(loaded, over, "extremes")
                except ScenarioError:
                    continue  # refused at validation: allowed
                tried += 1
                seed = replication_seed(5, i)
                for arm, scenario in moved.arms.items():
                    records = []
                    for exact in (False, True):
                        signal.alarm(STEP_SECONDS)
                        try:
                            records.append(simulate(compile_scenario(scenario), seed, exact=exact))
                        except TimeoutError:
                            found.append(f"{number.key}={value!r} arm {arm}: no end after {STEP_SECONDS} s "
                                         f"(exact={exact})")
                        except Exception as exc:  # noqa: BLE001 - any error is the finding
                            found.append(f"{number.key}={value!r} arm {arm} (exact={exact}): "
                                         f"{type(exc).__name__}: {str(exc)[:80]}")
                        finally:
                            signal.alarm(0)
                    if len(records) == 2 and _same(*records):
                        found.append(f"{number.key}={value!r} arm {arm}: paths differ in {_same(*records)}")
    finally:
        signal.signal(signal.SIGALRM, old)
    assert tried >= 100, f"only {tried} extreme scenarios: is the schema's range metadata still read?"
    assert not found, f"{len(found)} failures:\n" + "\n".join(found[:12])
