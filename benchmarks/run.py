"""`make bench`: speed, scaling, memory and variance-reduction figures, each beside its reference.

Every speed figure is a ratio against a reference measured in the same run (the machines are noisy).
Writes benchmarks/results.json and prints a table. `--smoke` runs a few replications of each, so the
benchmarks cannot rot (the test suite runs it).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import simpy

from sim import load_scenario
from sim.engine import replication_seed, simulate
from sim.run.compile import compile_scenario
from sim.run.executors import ProcessExecutor, SerialExecutor
from sim.run.experiment import Experiment, Plan

REPO = Path(__file__).resolve().parents[1]
FLAGSHIP = REPO / "scenarios" / "senkaku_baseline.yaml"
# The engine the speed-up is measured against (before the fast path): extracted from git at run time.
REFERENCE_COMMIT = "298d42c"
# The engine before compiled code (numba): the "ten times" of issue 27 is measured against it.
BEFORE_COMPILED_COMMIT = "a054ce1"
# The shared yardstick: a plain SimPy model of the flagship's scale, never copied into this repository.
REFERENCE_MODEL = REPO.parent / "shared" / "bench" / "reference_model.py"
ARMS = ("no_hotline", "hotline_as_is", "hotline_with_coast_guard", "hotline_rapid")
STRESS = [f"incident_types.{t}.rate_per_year={r * 10}" for t, r in
          (("cz_presence", 1060), ("ts_entry", 30), ("fishing_pursuit", 14), ("air_intercept", 520),
           ("warship_transit", 12), ("jmsdf_transit", 1))]


def pinned_engine(into: Path, commit: str = REFERENCE_COMMIT) -> tuple[Path | None, str]:
    """The package at `commit`, extracted with `git archive` into `into` (no worktree is registered,
    nothing in the repository changes); None and the reason when git or the commit is not available."""
    try:
        archive = subprocess.run(["git", "-C", str(REPO), "archive", commit, "sim", "scenarios", "seeds"],
                                 capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True, capture_output=True)
    except (OSError, subprocess.CalledProcessError) as exc:
        return None, f"engine at {commit} not available ({exc}); ratios skipped"
    return into, f"engine at {commit}"


def _rate(root: Path, args: list[str]) -> dict:
    """Replications per second of the `sim` package under `root`, timed in a fresh process."""
    env = dict(os.environ, PYTHONPATH=str(root))
    done = subprocess.run([sys.executable, str(REPO / "benchmarks" / "rate.py"), *args], env=env,
                          capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def against_reference_engine(reference: Path, reps: int, stress_reps: int, rounds: int,
                             target: str = ">= 5") -> dict:
    """Each flagship arm and the stress scenario, this engine and the pinned one in turn (pairs), same seeds."""
    out = {}
    cases = [(f"flagship {arm}", arm, reps, []) for arm in ARMS]
    cases += [(f"stress {arm}", arm, stress_reps, STRESS) for arm in ARMS if stress_reps]
    for label, arm, n, sets in cases:
        old, new = [], []
        for _ in range(rounds):
            old.append(_rate(reference, [str(reference / "scenarios" / FLAGSHIP.name), arm, str(n), *sets]))
            new.append(_rate(REPO, [str(FLAGSHIP), arm, str(n), *sets]))
        ratios = [b["reps_per_s"] / a["reps_per_s"] for a, b in zip(old, new, strict=True)]
        out[label] = {"reps_per_s": statistics.median(r["reps_per_s"] for r in new),
                      "reference_reps_per_s": statistics.median(r["reps_per_s"] for r in old),
                      "ratio": statistics.median(ratios), "pair_ratios": ratios, "target": target}
    return out


def compiled_start_up() -> dict:
    """Seconds a fresh process takes to import the engine and load the flagship, then to run its first
    replication: with numba's cache empty (every kernel is compiled on first use), then with the cache that
    run left (the kernels are loaded from it), as a user's first and later runs see it."""
    script = ("import time; t = time.perf_counter(); from sim import load_scenario; "
              "from sim.engine import replication_seed, simulate; from sim.run.compile import compile_scenario; "
              f"p = compile_scenario(load_scenario({str(FLAGSHIP)!r}).arms['hotline_as_is']); "
              "i = time.perf_counter(); simulate(p, replication_seed(2, 0)); "
              "print(i - t, time.perf_counter() - i)")
    out = {}
    with tempfile.TemporaryDirectory() as cache:
        env = dict(os.environ, NUMBA_CACHE_DIR=cache, PYTHONPATH=str(REPO))
        for label in ("empty cache", "cache filled"):
            done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True,
                                  check=True)
            load, first = (float(x) for x in done.stdout.split())
            out[label] = {"import_and_load_s": load, "first_replication_s": first}
    return out


def against_reference_model(reps: int, model_reps: int, rounds: int) -> dict:
    """Flagship (hotline_as_is) against the shared reference model, in turn, in the same run."""
    if not REFERENCE_MODEL.exists():
        return {"note": f"{REFERENCE_MODEL} not found; figure skipped"}
    ours, theirs = [], []
    for _ in range(rounds):
        theirs.append(_rate(REPO, ["--reference-model", str(REFERENCE_MODEL), str(model_reps)]))
        ours.append(_rate(REPO, [str(FLAGSHIP), "hotline_as_is", str(reps)]))
    ratios = [a["reps_per_s"] / b["reps_per_s"] for a, b in zip(ours, theirs, strict=True)]
    return {"reps_per_s": statistics.median(r["reps_per_s"] for r in ours),
            "reference_model_reps_per_s": statistics.median(r["reps_per_s"] for r in theirs),
            "ratio": statistics.median(ratios), "pair_ratios": ratios, "target": ">= 2"}


def bare_simpy_seconds(events: int) -> float:
    """A bare SimPy loop: processes yielding exponential timeouts, `events` events in all."""
    import random

    env = simpy.Environment()
    rng = random.Random(1)
    per = max(events // 50, 1)

    def proc():
        for _ in range(per):
            yield env.timeout(rng.expovariate(1.0))

    for _ in range(50):
        env.process(proc())
    start = time.perf_counter()
    env.run()
    return time.perf_counter() - start


def model_overhead(reps: int) -> dict:
    params = compile_scenario(load_scenario(FLAGSHIP).arms["hotline_as_is"])
    start = time.perf_counter()
    events = sum(simulate(params, replication_seed(1, k)).events for k in range(reps))
    model = time.perf_counter() - start
    bare = bare_simpy_seconds(events)
    return {"events": events, "model_s": model, "bare_simpy_s": bare, "ratio": model / bare,
            "events_per_s": events / model, "target": "<= 1.5"}


def reps_per_second(sets: list[str], reps: int) -> dict:
    loaded = load_scenario(FLAGSHIP, sets)
    out = {}
    for arm, scenario in loaded.arms.items():
        params = compile_scenario(scenario)
        start = time.perf_counter()
        events = sum(simulate(params, replication_seed(2, k)).events for k in range(reps))
        seconds = time.perf_counter() - start
        out[arm] = {"reps_per_s": reps / seconds, "events_per_rep": events / reps}
    return out


def speedup(reps: int) -> dict:
    """Serial against a pool of 2 workers on the same plan; the pool is started and warmed before timing,
    and its start-up cost is reported separately (it is paid once per run, not per replication)."""
    loaded = load_scenario(FLAGSHIP).select(("no_hotline", "hotline_as_is"))
    plan = Plan(("no_hotline", "hotline_as_is"), reps, 3, max(reps // 20, 1))
    start = time.perf_counter()
    Experiment(loaded, plan, SerialExecutor()).run()
    one = time.perf_counter() - start
    start = time.perf_counter()
    pool = ProcessExecutor(2)
    try:
        Experiment(loaded, Plan(plan.arms, 4, 9, 1), pool).run()  # warm: imports and compiled arms
        warm_up = time.perf_counter() - start
        start = time.perf_counter()
        Experiment(loaded, plan, pool).run()
        two = time.perf_counter() - start
    finally:
        pool.close()
    return {"one_worker_s": one, "two_workers_s": two, "speedup": one / two, "pool_start_s": warm_up,
            "speedup_with_start": one / (two + warm_up), "target": ">= 1.8"}


def peak_memory(reps: int, compiled: bool = True) -> dict:
    """Peak RSS of a child process that runs `reps` replications of one arm through the streaming path
    (with compiled code, or with `HOTLINE_COMPILED=0`: numba and LLVM take about 110 MB of their own)."""
    code = (f"from sim import load_scenario; from sim.run.experiment import Experiment, Plan;"
            f"l = load_scenario({str(FLAGSHIP)!r}, ['horizon_days=1']).select(('hotline_as_is',));"
            f"Experiment(l, Plan(('hotline_as_is',), {reps}, 1, 100)).run();"
            # VmHWM, not ru_maxrss: on Linux ru_maxrss survives exec, so a child would report its parent's peak
            "print([l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM')][0])")
    env = dict(os.environ, HOTLINE_COMPILED="1" if compiled else "0")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    return {"replications": reps, "compiled": compiled, "peak_rss_mb": int(done.stdout.strip()) / 1024}


def crn_factor(reps: int) -> dict:
    loaded = load_scenario(FLAGSHIP).select(("no_hotline", "hotline_rapid"))
    summary = Experiment(loaded, Plan(("no_hotline", "hotline_rapid"), reps, 4, max(reps // 10, 1))).run()
    diff = summary["differences"]["hotline_rapid - no_hotline"]
    main = diff["main"]
    factor = main["variance_reduction"]
    p1 = summary["arms"]["hotline_rapid"]["p_reach"][str(summary["main_rung"]["index"])]["estimate"]
    p0 = summary["arms"]["no_hotline"]["p_reach"][str(summary["main_rung"]["index"])]["estimate"]
    var_independent = p1 * (1 - p1) + p0 * (1 - p0)
    need_independent = var_independent * (1.96 / 0.005) ** 2
    need_paired = need_independent / factor if factor else None
    return {"replications": reps, "variance_reduction": factor, "target": ">= 2.5",
            "replications_for_0.005_independent": need_independent,
            "replications_for_0.005_paired": need_paired}


def scaling(reps: int) -> dict:
    out = {}
    for label, sets in [("horizon x1", []), ("horizon x2", ["horizon_days=730"]),
                        ("rate x1", ["horizon_days=90"]), ("rate x4", ["horizon_days=90"] + [
                            f"incident_types.{t}.rate_per_year={r * 4}" for t, r in
                            (("cz_presence", 1060), ("air_intercept", 520))])]:
        params = compile_scenario(load_scenario(FLAGSHIP, sets).arms["hotline_as_is"])
        start = time.perf_counter()
        events = sum(simulate(params, replication_seed(5, k)).events for k in range(reps))
        out[label] = {"seconds": time.perf_counter() - start, "events": events}
    out["horizon cost ratio (ideal 2)"] = out["horizon x2"]["seconds"] / out["horizon x1"]["seconds"]
    out["rate cost ratio (ideal ~4)"] = out["rate x4"]["seconds"] / out["rate x1"]["seconds"]
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--smoke", action="store_true", help="a few replications of each, for the tests")
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks" / "results.json")
    args = parser.parse_args()
    n = 3 if args.smoke else 1
    with tempfile.TemporaryDirectory() as tmp:
        reference, reference_note = pinned_engine(Path(tmp))
        side_by_side = ({"note": reference_note} if reference is None else
                        against_reference_engine(reference, 3 if args.smoke else 150, 1 if args.smoke else 10,
                                                 1 if args.smoke else 5))
        (Path(tmp) / "before").mkdir()
        before, before_note = pinned_engine(Path(tmp) / "before", BEFORE_COMPILED_COMMIT)
        against_before = ({"note": before_note} if before is None else
                          against_reference_engine(before, 3 if args.smoke else 300, 0, 1 if args.smoke else 5,
                                                   ">= 10"))
    model = against_reference_model(3 if args.smoke else 300, 5 if args.smoke else 300, 1 if args.smoke else 5)
    results = {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), "machine": platform.platform(),
        "python": platform.python_version(), "cpus": os.cpu_count(), "smoke": args.smoke,
        "model_overhead": model_overhead(n if args.smoke else 100),
        "flagship_reps_per_s": reps_per_second([], n if args.smoke else 100),
        "stress_reps_per_s": reps_per_second(STRESS, 2 if args.smoke else 10),
        "against_engine_" + REFERENCE_COMMIT: side_by_side,
        "against_engine_" + BEFORE_COMPILED_COMMIT: against_before,
        "against_reference_model": model,
        "compiled_start_up": compiled_start_up(),
        "speedup_two_workers": speedup(8 if args.smoke else 400),
        "peak_memory": [peak_memory(r, c) for c in (True, False)
                        for r in ((20, 200) if args.smoke else (1_000, 10_000, 100_000))],
        "crn": crn_factor(20 if args.smoke else 2000),
        "scaling": scaling(2 if args.smoke else 30),
        "self_peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }
    args.out.write_text(json.dumps(results, indent=2))
    o = results["model_overhead"]
    print(f"model overhead: {o['ratio']:.1f}x a bare SimPy loop per event (target <= 1.5); "
          f"{o['events_per_s']:.0f} events/s")
    for arm, r in results["flagship_reps_per_s"].items():
        print(f"flagship {arm}: {r['reps_per_s']:.1f} replications/s/core, {r['events_per_rep']:.0f} events "
              "(target >= 1,000)")
    for arm, r in results["stress_reps_per_s"].items():
        print(f"stress (10x rates) {arm}: {r['reps_per_s']:.2f} replications/s/core")
    if "note" in side_by_side:
        print(f"speed-up: {side_by_side['note']}")
    for label, r in side_by_side.items():
        if label != "note":
            print(f"{label}: {r['reps_per_s']:.1f} replications/s/core vs {r['reference_reps_per_s']:.1f} for the "
                  f"engine at {REFERENCE_COMMIT} in the same run: {r['ratio']:.2f}x (target >= 5)")
    if "note" in against_before:
        print(f"against the engine before compiled code: {against_before['note']}")
    for label, r in against_before.items():
        if label != "note":
            print(f"{label}: {r['reps_per_s']:.1f} replications/s/core vs {r['reference_reps_per_s']:.1f} for the "
                  f"engine at {BEFORE_COMPILED_COMMIT} (before compiled code) in the same run: {r['ratio']:.2f}x "
                  "(target >= 10)")
    for label, r in results["compiled_start_up"].items():
        print(f"start-up, numba {label}: import and scenario {r['import_and_load_s']:.2f} s, first replication "
              f"{r['first_replication_s']:.2f} s")
    if "note" in model:
        print(f"reference model: {model['note']}")
    else:
        print(f"flagship hotline_as_is vs the reference model: {model['reps_per_s']:.1f} vs "
              f"{model['reference_model_reps_per_s']:.1f} replications/s: {model['ratio']:.2f}x (target >= 2)")
    s = results["speedup_two_workers"]
    print(f"2 workers vs 1: {s['speedup']:.2f}x (target >= 1.8); {s['speedup_with_start']:.2f}x counting the "
          f"pool's start-up of {s['pool_start_s']:.1f} s")
    for m in results["peak_memory"]:
        how = "compiled" if m["compiled"] else "HOTLINE_COMPILED=0"
        print(f"peak memory, {m['replications']} replications, {how}: {m['peak_rss_mb']:.0f} MB (target flat; "
              "< 200 without compiled code)")
    c = results["crn"]
    print(f"common random numbers: variance reduction {c['variance_reduction']} (target >= 2.5); replications "
          f"for +/-0.005: {c['replications_for_0.005_independent']:.0f} independent vs "
          f"{c['replications_for_0.005_paired'] or float('nan'):.0f} paired")
    sc = results["scaling"]
    print(f"cost x horizon 2: {sc['horizon cost ratio (ideal 2)']:.2f}x; x rate 4: "
          f"{sc['rate cost ratio (ideal ~4)']:.2f}x")
    print(f"written: {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
