"""Scenario files: the schema, loading with located errors, arms and overrides."""

from .load import LoadedScenario, load_scenario, load_scenario_text
from .problems import Location, Problem, ScenarioError
from .schema import Scenario

__all__ = ["LoadedScenario", "Location", "Problem", "Scenario", "ScenarioError", "load_scenario",
           "load_scenario_text"]
