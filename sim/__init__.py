"""hotline: a crisis-communication hotline simulator.

Public API::

    from sim import load_scenario, run_experiment
    loaded = load_scenario("scenarios/senkaku_baseline.yaml")
"""

from .scenario import LoadedScenario, ScenarioError, load_scenario
from .version import __version__

__all__ = ["LoadedScenario", "ScenarioError", "__version__", "load_scenario", "run_experiment"]


def __getattr__(name: str):  # run_experiment pulls in the executors; import it only when asked
    if name == "run_experiment":
        from .run.experiment import run_experiment

        return run_experiment
    raise AttributeError(name)
