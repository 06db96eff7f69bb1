"""The scenario's [assumption] numbers are found from the schema's metadata, moved within their valid range,
or to the range the scenario file states."""

from __future__ import annotations

import copy

import pytest

from sim import load_scenario
from sim.run.robustness import RobustnessError, choose_assumptions, move, plan_points
from sim.scenario import ScenarioError, load_scenario_text
from sim.scenario import assumptions as assumptions_module
from sim.scenario.assumptions import assumption_numbers

from .conftest import REPO

TWO_ARMS = """\
arms:
  no_hotline: {hotline.enabled: false}
  as_is: {}
"""


def test_assumptions_come_from_basis_metadata_and_leave_out_facts_and_run_settings(minimal_text) -> None:
    loaded = load_scenario_text(minimal_text)
    found = {a.key: a for a in assumption_numbers(loaded.resolved)}
    assert found["tension.escalation_feedback"].value == 0.3
    assert found["parties.A.posture.retaliation_multiplier"].minimum == 1.0
    assert found["parties.A.hotline.answer_probability"].maximum == 1.0
    assert found["parties.A.posture.escalate_probability.default"].table_entry
    assert not found["parties.A.posture.misperception_probability"].table_entry
    assert found["crisis.max_days"].exclusive_minimum  # (gt=0)
    assert found["tension.half_life_days"].minimum == 0.01 and not found["tension.half_life_days"].exclusive_minimum
    assert "incident_types.patrol.rate_per_year" not in found  # [fact]
    assert not {"horizon_days", "seed", "replications"} & set(found)  # the question's settings


def test_a_field_newly_marked_assumption_is_found_without_naming_it(minimal_text, monkeypatch) -> None:
    schema = copy.deepcopy(assumptions_module.scenario_json_schema())
    schema["$defs"]["IncidentType"]["properties"]["rate_per_year"]["basis"] = "assumption"
    monkeypatch.setattr(assumptions_module, "scenario_json_schema", lambda: schema)
    keys = {a.key for a in assumption_numbers(load_scenario_text(minimal_text).resolved)}
    assert "incident_types.patrol.rate_per_year" in keys


def test_moves_are_clipped_to_the_valid_range(minimal_text) -> None:
    alpha = "  A: {label: Alpha, posture: {retaliation_multiplier: 1.5}, hotline: {answer_probability: 0.8}}"
    loaded = load_scenario_text(minimal_text.replace("  A: {label: Alpha}", alpha) + TWO_ARMS
                                + "tension: {half_life_days: 30}\n")
    arms = tuple(loaded.arms)
    by_key = {n.key: n for n in choose_assumptions(loaded, arms, limit=0)}
    answer = move(loaded, arms, by_key["parties.A.hotline.answer_probability"])
    assert (answer.low, answer.high) == (pytest.approx(0.4), 1.0)  # a probability stays within [0, 1]
    retaliation = move(loaded, arms, by_key["parties.A.posture.retaliation_multiplier"])
    assert (retaliation.low, retaliation.high) == (1.0, 2.25)  # at least 1 by the schema
    half_life = move(loaded, arms, by_key["tension.half_life_days"], factor=1.0)
    assert 0 < half_life.low < 1 and half_life.high == 60  # just inside an exclusive limit


def test_moves_respect_rules_between_fields(minimal_text) -> None:
    # escalate + de-escalate must stay <= 1 on every rung: 0.4 + 0.5 allows the escalation chance 0.5 at most
    text = minimal_text.replace("  A: {label: Alpha}", "  A: {label: Alpha, posture: {escalate_probability: 0.4, "
                                "de_escalate_probability: 0.5}}") + TWO_ARMS
    loaded = load_scenario_text(text)
    arms = tuple(loaded.arms)
    moved = move(loaded, arms, choose_assumptions(loaded, arms, ["parties.A.posture.escalate_probability.default"])[0])
    assert moved.low == pytest.approx(0.2) and 0.49 < moved.high <= 0.5


def test_stated_ranges_are_used_and_tested_first(minimal_text) -> None:
    loaded = load_scenario_text(minimal_text + TWO_ARMS + "ranges: {tension.arrival_feedback: [0.0, 0.5]}\n")
    arms = tuple(loaded.arms)
    chosen = choose_assumptions(loaded, arms, limit=3)
    assert chosen[0].key == "tension.arrival_feedback" and len(chosen) == 3
    moved = move(loaded, arms, chosen[0])
    assert (moved.low, moved.high, moved.source) == (0.0, 0.5, "range")
    params, points = plan_points([moved])
    assert points == [{"tension.arrival_feedback": 0.2}, {"tension.arrival_feedback": 0.0},
                      {"tension.arrival_feedback": 0.5}]
    assert params[0].values == (0.2, 0.0, 0.5)


@pytest.mark.parametrize("ranges,needle", [
    ("{parties.A.posture.misperception_probability: [0.2, 1.5]}", "leaves the field's valid range (maximum 1.0)"),
    ("{tension.escalation_feedbak: [0, 1]}", "names no number in the scenario"),
    ("{tension.escalation_feedback: [0.5, 0.1]}", "low below high"),
])
def test_a_bad_stated_range_is_a_located_error(minimal_text, write, ranges: str, needle: str) -> None:
    path = write(minimal_text + f"ranges: {ranges}\n")
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    text = info.value.problems[0].format()
    assert needle in text and text.startswith(f"{path}:") and ":ranges" in text.replace(" ", "")


def test_an_assumption_an_arm_sets_is_not_shared(minimal_text) -> None:
    text = minimal_text + "arms:\n  low: {tension.escalation_feedback: 0.1}\n  high: {tension.escalation_feedback: 0.6}\n"
    loaded = load_scenario_text(text)
    arms = tuple(loaded.arms)
    assert "tension.escalation_feedback" not in {n.key for n in choose_assumptions(loaded, arms, limit=0)}
    with pytest.raises(RobustnessError, match="arm low sets tension.escalation_feedback itself"):
        choose_assumptions(loaded, arms, ["tension.escalation_feedback"])


def test_flagship_default_set_is_its_stated_ranges() -> None:
    loaded = load_scenario(REPO / "scenarios" / "senkaku_baseline.yaml")
    arms = ("no_hotline", "hotline_as_is")
    chosen = choose_assumptions(loaded, arms)
    assert [c.key for c in chosen] == list(loaded.scenario.ranges)
    assert len(chosen) >= 5
