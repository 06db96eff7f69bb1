"""hotline: a crisis-communication hotline simulator.

Public API::

    from sim import load_scenario, run_experiment
    loaded = load_scenario("scenarios/senkaku_baseline.yaml")
"""

from importlib.metadata import PackageNotFoundError, version

from .scenario import LoadedScenario, ScenarioError, load_scenario

try:
    __version__ = version("hotline")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0+local"

__all__ = ["LoadedScenario", "ScenarioError", "__version__", "load_scenario", "run_experiment"]


def __getattr__(name: str):  # run_experiment pulls in the executors; import it only when asked
    if name == "run_experiment":
        from .experiment import run_experiment

        return run_experiment
    raise AttributeError(name)
