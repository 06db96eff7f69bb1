"""Replications per second of whichever `sim` package is importable (the current one, or a pinned copy put
first on PYTHONPATH by benchmarks/run.py), or of the shared reference model. Prints one JSON line.
Replications per second of CPU time (`time.process_time`): the cost per core, which time spent waiting for
a busy machine (another process, a neighbour on the host) does not inflate, for every engine alike.

    python benchmarks/rate.py SCENARIO ARM REPLICATIONS [KEY=VALUE ...]
    python benchmarks/rate.py --reference-model PATH REPLICATIONS
"""

from __future__ import annotations

import importlib.util
import json
import sys
import time


def engine_rate(scenario: str, arm: str, replications: int, sets: list[str]) -> dict[str, float]:
    from sim import load_scenario
    from sim.engine import replication_seed, simulate
    from sim.run.compile import compile_scenario

    params = compile_scenario(load_scenario(scenario, sets).arms[arm])
    simulate(params, replication_seed(2, 10_000))  # warm: imports and first-call costs
    start = time.process_time()
    events = sum(simulate(params, replication_seed(2, k)).events for k in range(replications))
    seconds = time.process_time() - start
    return {"reps_per_s": replications / seconds, "events_per_rep": events / replications}


def reference_model_rate(path: str, replications: int) -> dict[str, float]:
    spec = importlib.util.spec_from_file_location("reference_model", path)
    assert spec is not None and spec.loader is not None
    model = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(model)
    model.run_rep(10_000)
    start = time.process_time()
    events = sum(model.run_rep(seed)[3] for seed in range(replications))
    seconds = time.process_time() - start
    return {"reps_per_s": replications / seconds, "events_per_rep": events / replications}


def main(argv: list[str]) -> int:
    if argv[0] == "--reference-model":
        out = reference_model_rate(argv[1], int(argv[2]))
    else:
        out = engine_rate(argv[0], argv[1], int(argv[2]), argv[3:])
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
