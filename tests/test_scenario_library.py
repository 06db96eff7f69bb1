"""Every scenario file in scenarios/ validates and runs a few replications of every arm."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim import load_scenario, run_experiment

from .conftest import REPO

SCENARIOS = sorted((REPO / "scenarios").glob("*.yaml"))


def test_there_is_a_scenario_library() -> None:
    assert any(p.name == "senkaku_baseline.yaml" for p in SCENARIOS)


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.name)
def test_scenario_validates_and_runs(path: Path) -> None:
    loaded = load_scenario(path)
    summary = run_experiment(loaded, replications=3)
    assert summary["replications"] == 3
    assert list(summary["arms"]) == list(loaded.arms)


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.name)
def test_scenario_sources_exist_in_seeds(path: Path) -> None:
    loaded = load_scenario(path)
    assert loaded.scenario.sources, "every library scenario names the seeds it rests on"
    for source in loaded.scenario.sources:
        assert (REPO / "seeds" / source).is_file()


def test_flagship_has_the_four_arms() -> None:
    loaded = load_scenario(REPO / "scenarios" / "senkaku_baseline.yaml")
    assert list(loaded.arms) == ["no_hotline", "hotline_as_is", "hotline_with_coast_guard", "hotline_rapid"]
    assert not loaded.arms["no_hotline"].hotline.enabled
    assert "coast_guard" in loaded.arms["hotline_with_coast_guard"].hotline.coverage
    assert "coast_guard" not in loaded.arms["hotline_as_is"].hotline.coverage
    assert loaded.arms["hotline_rapid"].hotline.hours.always_open
