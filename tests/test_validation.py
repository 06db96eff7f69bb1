"""One test per validation rule: the exact message, at the exact file, line and column."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.scenario import ScenarioError, load_scenario

from .conftest import MINIMAL


def problems(path: Path, sets: list[str] | None = None) -> list[str]:
    with pytest.raises(ScenarioError) as info:
        load_scenario(path, sets)
    return [p.format().replace(str(path), "FILE") for p in info.value.problems]


# (what is wrong, text appended to or replacing the minimal scenario, the exact message)
CASES = [
    ("unknown key with suggestion", MINIMAL + "horizon_dayz: 30\n",
     "FILE:12:1: horizon_dayz: unknown key; did you mean 'horizon_days'?"),
    ("negative rate", MINIMAL.replace("rate_per_year: 10", "rate_per_year: -1"),
     "FILE:8:5: incident_types.patrol.rate_per_year: input should be greater than or equal to 0 (got -1)"),
    ("probability above one", MINIMAL + "fallback: {clarify_probability: 1.2}\n",
     "FILE:12:12: fallback.clarify_probability: input should be less than or equal to 1 (got 1.2)"),
    ("wrong type", MINIMAL + "hotline: {lines: two}\n",
     "FILE:12:11: hotline.lines: input should be a valid integer, unable to parse string as an integer "
     "(got 'two')"),
    ("not a number", MINIMAL + "horizon_days: .nan\n",
     "FILE:12:1: horizon_days: must be a finite number (not NaN or infinity) (got nan)"),
    ("infinite", MINIMAL + "tension: {half_life_days: .inf}\n",
     "FILE:12:11: tension.half_life_days: must be a finite number (not NaN or infinity) (got inf)"),
    ("absurd replications", MINIMAL + "replications: 1000000000000\n",
     "FILE:12:1: replications: input should be less than or equal to 10000000 (got 1000000000000)"),
    ("absurd horizon", MINIMAL + "horizon_days: 1000000000\n",
     "FILE:12:1: horizon_days: input should be less than or equal to 36500 (got 1000000000)"),
    ("negative duration", MINIMAL + "hotline: {ring_hours: -1}\n",
     "FILE:12:11: hotline.ring_hours.value: input should be greater than or equal to 0 (got -1)"),
    ("lognormal p90 below median", MINIMAL + "hotline: {ring_hours: {dist: lognormal, median: 2, p90: 1}}\n",
     "FILE:12:11: hotline.ring_hours: p90 (1.0) must be above the median (2.0)"),
    ("unknown distribution", MINIMAL + "hotline: {ring_hours: {dist: weibull, shape: 2}}\n",
     "FILE:12:11: hotline.ring_hours: unknown distribution; use one of: constant, exponential, gamma, "
     "lognormal, triangular, uniform (got 'weibull')"),
    ("missing key", MINIMAL.replace("    start_rung: forces_engaged\n", ""),
     "FILE:6:3: incident_types.patrol.start_rung: required key is missing; add it"),
    ("unknown rung", MINIMAL.replace("start_rung: forces_engaged", "start_rung: forces_engagd"),
     "FILE:11:5: incident_types.patrol.start_rung: no rung with this id in ladder.rungs; did you mean "
     "'forces_engaged'? (got 'forces_engagd')"),
    ("unknown party", MINIMAL.replace("initiator: A", "initiator: C"),
     "FILE:9:5: incident_types.patrol.initiator: no such party; choose one of: A, B (got 'C')"),
    ("unknown force layer", MINIMAL.replace("layer: navy", "layer: navvy"),
     "FILE:10:5: incident_types.patrol.layer: party A has no force layer with this name; did you mean "
     "'navy'? (got 'navvy')"),
    ("unknown coverage layer", MINIMAL + "hotline: {coverage: [navy, airr]}\n",
     "FILE:12:28: hotline.coverage.1: no party has this force layer; did you mean 'air'? (got 'airr')"),
    ("posture probabilities exceed one", MINIMAL.replace(
        "  A: {label: Alpha}", "  A: {label: Alpha, posture: {escalate_probability: 0.6, "
        "de_escalate_probability: 0.6}}"),
     "FILE:3:21: parties.A.posture: escalate + de-escalate probabilities exceed 1 by default (0.6 + 0.6)"),
    ("arm overrides a missing field", MINIMAL + "arms:\n  a: {}\n  b: {hotline.enabeld: false}\n",
     "FILE:14:7: arms.b.hotline.enabeld: no field 'hotline.enabeld' in the scenario; did you mean "
     "'hotline.enabled'?"),
    ("arm override of the wrong type", MINIMAL + "arms:\n  a: {}\n  b: {hotline.lines: 0}\n",
     "FILE:14:7: arms.b.hotline.lines: input should be greater than or equal to 1 (got 0)"),
    ("shock with two timings", MINIMAL + "shocks: [{label: x, at_day: 3, rate_per_year: 1}]\n",
     "FILE:12:10: shocks.0: give exactly one of at_day and rate_per_year"),
    ("unknown time zone", MINIMAL + "time_zone: Mars/Olympus\n",
     "FILE:12:1: time_zone: unknown time zone 'Mars/Olympus'; use an IANA name such as 'Asia/Tokyo' or "
     "'UTC' (got 'Mars/Olympus')"),
]


@pytest.mark.parametrize("text,expected", [(c[1], c[2]) for c in CASES], ids=[c[0] for c in CASES])
def test_rule_gives_located_message(write, text: str, expected: str) -> None:
    assert problems(write(text)) == [expected]


def test_three_mistakes_give_three_located_messages(write, cli) -> None:
    path = write(MINIMAL.replace("rate_per_year: 10", "rate_per_year: -1")
                 + "horizon_dayz: 30\nhotline: {lines: two}\n")
    status, out, err = cli("validate", path)
    assert status == 2
    lines = err.strip().splitlines()
    assert len(lines) == 3
    assert [line.split(": ")[0].split(":")[-2] for line in lines] == ["8", "12", "13"]
    assert "Traceback" not in err


def test_set_override_is_validated_like_the_file(write) -> None:
    path = write(MINIMAL)
    assert problems(path, ["hotline.lines=0"]) == [
        "--set:1:1: --set.hotline.lines: input should be greater than or equal to 1 (got 0)"]
    assert problems(path, ["hotline.line=2"]) == [
        "--set:1:1: --set.hotline.line: no field 'hotline.line' in the scenario; did you mean 'hotline.lines'?"]


def test_set_override_changes_every_arm(write) -> None:
    loaded = load_scenario(write(MINIMAL + "arms:\n  a: {}\n  b: {hotline.enabled: false}\n"),
                           ["hotline.lines=3"])
    assert [s.hotline.lines for s in loaded.arms.values()] == [3, 3]
    assert [s.hotline.enabled for s in loaded.arms.values()] == [True, False]


def test_minimal_scenario_gets_documented_defaults(write) -> None:
    loaded = load_scenario(write(MINIMAL))
    s = loaded.scenario
    assert s.horizon_days == 365 and s.hotline.coverage == ["navy", "air"]
    assert list(loaded.arms) == ["baseline"]
    assert s.main_rung_id == "armed_clash"
