"""Defaults of the run stage that the scenario file does not set: one place for each."""

from __future__ import annotations

import os

__all__ = ["FIT_MEMBERS", "FIT_YEARS", "MAX_FIT_MEMBERS", "ENSEMBLE_MEMBERS", "ENSEMBLE_REPLICATIONS", "MAX_PRECISION_REPLICATIONS", "CALIBRATION_REPLICATIONS", "SWEEP_REPLICATIONS", "EXPLAIN_REPLICATIONS",
           "ROBUSTNESS_REPLICATIONS", "RARE_REPLICATIONS", "RARE_FACTOR", "RARE_MOST_FACTOR", "ROBUSTNESS_FACTOR", "ROBUSTNESS_LIMIT", "FIND_LIMIT", "MAX_FIND_LIMIT", "default_workers",
           "root_seed", "MAX_REPLICATIONS", "MAX_WORKERS", "MAX_SWEEP_POINTS", "MAX_SAMPLES",
           "MAX_TRACE_REPLICATION", "MAX_CALIBRATION_REPLICATIONS"]

MAX_PRECISION_REPLICATIONS = 200_000  # cap on the replications --precision may add
CALIBRATION_REPLICATIONS = 500  # replications of the calibrated arm in `hotline calibrate`
SWEEP_REPLICATIONS = 400  # replications per arm and point in `hotline sweep`
EXPLAIN_REPLICATIONS = 300  # paired replications in `hotline explain` (each runs every subset of mechanisms)
FIT_MEMBERS = 200  # members of a `hotline fit` ensemble (a Latin hypercube over the priors)
FIT_YEARS = 100  # replications (years, for a one-year horizon) each member runs to be weighed against the record
MAX_FIT_MEMBERS = 20_000
ENSEMBLE_MEMBERS = 40  # `run --ensemble`: members resampled from the ensemble by weight
ENSEMBLE_REPLICATIONS = 500  # `run --ensemble`: replications per arm and member
RARE_REPLICATIONS = 2000  # replications per arm in `hotline rare` (tilted, so rare rungs are seen often)
RARE_FACTOR = 3.0  # `hotline rare` draws choices to escalate three times as often (sim.engine.model.tilt)
RARE_MOST_FACTOR = 1000.0  # the most --factor takes (beyond it the tilt's cap decides anyway)
ROBUSTNESS_REPLICATIONS = 300  # replications per arm and point in `hotline robustness`
ROBUSTNESS_FACTOR = 0.5  # an assumption x moves to x(1-F) and x(1+F)
ROBUSTNESS_LIMIT = 5  # assumptions tested without --keys: 11 points, a few minutes for 2 arms on 2 cores
FIND_LIMIT = 2000  # replications `hotline trace --find` replays before giving up (about a minute)
MAX_FIND_LIMIT = 200_000  # the most `--limit` accepts (about two hours on one core)


def default_workers(asked: int | None) -> int:
    """Worker processes: as asked, or one per core."""
    return asked or min(os.cpu_count() or 1, MAX_WORKERS)


def root_seed(scenario_seed: int, override: int | None) -> int:
    """The root seed of a run: the command line's when given, else the scenario's."""
    return scenario_seed if override is None else override

# Caps on every size a user can type, checked before any work starts (README, "Reproducibility and safety").
MAX_REPLICATIONS = 10_000_000  # per arm; the scenario schema has the same cap
MAX_WORKERS = 256  # worker processes; more than the cores only costs memory
MAX_SWEEP_POINTS = 10_000  # points of a sweep design
MAX_SAMPLES = MAX_SWEEP_POINTS  # --samples of a sweep
MAX_TRACE_REPLICATION = MAX_REPLICATIONS - 1
MAX_CALIBRATION_REPLICATIONS = 100_000  # calibrate keeps every row in memory
