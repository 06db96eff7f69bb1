"""The compiled walks (`sim.engine.walks.compiled`) give the very floats of the scalar code they stand for.

Equality is exact (==, bit for bit). Incident by incident against `quiet.walk` is in
`tests/test_batch_walks.py` (parametrised over arrays and compiled code); whole records against the
event-by-event path in `tests/test_fast_path.py` and the guard (`tests/test_paths_agree.py`), which run on
the compiled walks whenever numba is installed. Here: the normal quantile, what the kernel refuses, and
the list of `Side` fields it knows.
"""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path
from statistics import NormalDist

import numpy as np
import pytest

from sim import load_scenario
from sim.engine import World, replication_seed, simulate
from sim.engine.jit import COMPILED
from sim.engine.model.parameters import Side
from sim.engine.walks import batch as batch_module
from sim.engine.walks import compiled as compiled_module
from sim.engine.walks import walked as walked_module
from sim.engine.walks.batch import CLIMBED, LONG, MOVES_IN_BLOCK, QUIET, BatchWalk
from sim.engine.walks.quiet import Walk, may_walk, walk
from sim.run.compile import compile_scenario
from sim.samplers import EPS, UniformSampler

from .conftest import REPO

pytestmark = pytest.mark.skipif(not COMPILED, reason="numba is not installed")

FLAGSHIP = REPO / "scenarios" / "senkaku_baseline.yaml"


def test_normal_quantile_is_inv_cdf_bit_for_bit() -> None:
    # Every branch of AS241 (central |q| <= 0.425, near tail r <= 5, far tail) and its boundaries, the
    # clipping values of the samplers, and a million random uniforms (a mismatch in the last bit of one
    # coefficient or one reordered operation shows on a large share of them).
    inv_cdf = NormalDist().inv_cdf
    edges = [EPS, 1.0 - EPS, 0.075, 0.925, 0.5, 0.5 - 1e-17, math.exp(-25.0), 1.0 - math.exp(-25.0),
             math.nextafter(0.075, 0.0), math.nextafter(0.925, 1.0), 1e-300, 5e-324, 0.999999999999]
    rng = np.random.default_rng(17)
    uniforms = [*edges, *rng.random(1_000_000).tolist(), *(10.0 ** -rng.uniform(0, 300, 20_000)).tolist()]
    quantile = compiled_module.std_normal_quantile
    wrong = [u for u in uniforms if quantile(u) != inv_cdf(u)]
    assert not wrong, f"{len(wrong)} differ, e.g. {wrong[:3]}"


def test_every_field_of_side_is_known_to_the_kernel() -> None:
    # A new posture term must be read by the kernel or listed with the reason walks never need it; until
    # then `available()` is False and the walks run on arrays.
    fields = {f.name for f in dataclasses.fields(Side)}
    assert fields == set(compiled_module.SIDE_FIELDS), (
        f"add {sorted(fields - set(compiled_module.SIDE_FIELDS))} to sim/engine/walks/compiled.py "
        f"(and drop {sorted(set(compiled_module.SIDE_FIELDS) - fields)})")
    assert compiled_module.available()


def _flagship_batch(path: Path) -> tuple[World, object, np.ndarray, np.ndarray, np.ndarray]:
    params = compile_scenario(load_scenario(path).arms["no_hotline"])
    world = World(params, replication_seed(3, 1))
    kinds = [k for k in params.types if may_walk(params, k)]
    table = walked_module.kinds_of(world.rep, kinds)
    per_type = 40
    t = np.repeat(np.arange(len(kinds)), per_type)
    starts = np.random.default_rng(2).random(len(t)) * 100.0
    rows = np.concatenate([world.rep.blocks_of(k).rows(np.arange(per_type)) for k in kinds])
    return world, table, t, starts, rows


def test_kernel_takes_the_flagship_and_leaves_other_delays_to_the_arrays(tmp_path: Path) -> None:
    world, table, t, starts, rows = _flagship_batch(FLAGSHIP)
    got = compiled_module.walk_compiled(table, t, starts, rows, world.p, True, MOVES_IN_BLOCK)
    assert got is not None and len(got[0]) == len(t)
    # Exponential decision delays: not the kernel's; the array walk takes them, and the records stay exact.
    text = FLAGSHIP.read_text(encoding="utf-8")
    assert text.count("default: {dist: lognormal, median: 2.0, p90: 8.0}") >= 1
    other = tmp_path / "exponential.yaml"
    other.write_text(text.replace("default: {dist: lognormal, median: 2.0, p90: 8.0}",
                                  "default: {dist: exponential, mean: 2.0}"), encoding="utf-8")
    world, table, t, starts, rows = _flagship_batch(other)
    assert compiled_module.walk_compiled(table, t, starts, rows, world.p, True, MOVES_IN_BLOCK) is None
    params = compile_scenario(load_scenario(other, ["horizon_days=60"]).arms["hotline_as_is"])
    for k in range(3):
        seed = replication_seed(4, k)
        assert simulate(params, seed) == simulate(params, seed, exact=True)


def test_kernel_refuses_a_chain_of_command_within_reach() -> None:
    # The chain of command's delay is added at or above its rung; the kernel does not sample it.
    world, table, t, starts, rows = _flagship_batch(FLAGSHIP)
    arrays = compiled_module._side_arrays(table.sides)
    saved = arrays.command
    try:
        arrays.command = np.zeros_like(saved)
        assert compiled_module.walk_compiled(table, t, starts, rows, world.p, True, MOVES_IN_BLOCK) is None
    finally:
        arrays.command = saved


@pytest.mark.parametrize("courses", ["log-normal", "log-normal and constant", "uniform too"])
def test_kernel_gives_the_array_walk_field_by_field(courses: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # The same batch walked by the kernel and on arrays: every array of the result equal, element by element.
    # Log-normal and constant course lengths (the patrols' 20 hours) are computed in the kernel; others (a
    # uniform one here) are computed on arrays and handed in.
    params = compile_scenario(load_scenario(FLAGSHIP).arms["no_hotline"])
    world = World(params, replication_seed(3, 2))
    world.tensions.jump(0.0, 1.5, None)  # tension feedback reads a level that is not zero
    kinds = [k for k in params.types if may_walk(params, k)
             and (courses != "log-normal" or k.max_duration_days.lognormal is not None)]
    if courses == "uniform too":
        kinds[0] = dataclasses.replace(kinds[0], max_duration_days=UniformSampler(0.1, 2.0))
    assert (compiled_module._durations(walked_module.kinds_of(world.rep, kinds)) is None) == (courses == "uniform too")
    per_type = 300
    t = np.repeat(np.arange(len(kinds)), per_type)
    starts = np.random.default_rng(8).random(len(t)) * 200.0
    rows = np.concatenate([world.rep.blocks_of(k).rows(np.arange(per_type)) for k in kinds])
    table = walked_module.kinds_of(world.rep, kinds)
    got = batch_module.walk_many(table, t, starts, rows, params, True)
    monkeypatch.setattr(compiled_module, "_ENABLED", False)
    monkeypatch.setattr(batch_module, "FEW", 0)  # arrays to the end of the block too, as the kernel walks
    want = batch_module.walk_many(table, t, starts, rows, params, True)
    assert len(got.resume) > 0 and (got.status == 0).sum() > 100
    for name in ("status", "last", "d_day", "d_rung", "d_sign", "d_owner", "e_day", "e_owner"):
        mine, theirs = getattr(got, name), getattr(want, name)
        # The array walk orders entries move by move, the kernel incident by incident: compare each owner's.
        if name.startswith("d_") or name.startswith("e_"):
            owners_mine = got.d_owner if name.startswith("d_") else got.e_owner
            owners_theirs = want.d_owner if name.startswith("d_") else want.e_owner
            mine = mine[np.argsort(owners_mine, kind="stable")]
            theirs = theirs[np.argsort(owners_theirs, kind="stable")]
        assert np.array_equal(mine, theirs, equal_nan=True), name
    assert got.resume == want.resume  # where the LONG ones go on one by one


def test_overflow_uniforms_are_those_a_block_hands_out_after_its_own() -> None:
    params = compile_scenario(load_scenario(FLAGSHIP).arms["no_hotline"])
    world = World(params, replication_seed(5, 1))
    kind = params.types[3]
    blocks = world.rep.blocks_of(kind)
    for number in (0, 7, 300):
        draws = world.rep.block(kind, number)
        [draws() for _ in range(2 + 5 * MOVES_IN_BLOCK)]
        assert [draws() for _ in range(60)] == blocks.overflow_uniforms(number, 60).tolist()


def test_walks_that_outlast_their_block_go_on_compiled_as_quiet_walk_goes() -> None:
    # A batch through `walk_all`: the LONG ones go on in the kernel on their overflow uniforms (12 moves),
    # the few still going after that one by one; every incident's changes and events as `quiet.walk` gives
    # them from its start.
    params = compile_scenario(load_scenario(FLAGSHIP).arms["no_hotline"])
    world = World(params, replication_seed(3, 4))
    world.tensions.jump(0.0, 1.5, None)
    kinds = [k for k in params.types if may_walk(params, k) and k.start_rung > 0]
    per_type = 400
    t = np.repeat(np.arange(len(kinds)), per_type)
    numbers = np.tile(np.arange(per_type), len(kinds))
    days = np.random.default_rng(9).random(len(t)) * 250.0
    types = np.array([kinds[j].index for j in t.tolist()])
    table = walked_module.kinds_of(world.rep, kinds)
    rows = np.concatenate([world.rep.blocks_of(kind).rows(np.arange(per_type)) for kind in kinds])
    block_only = batch_module.walk_many(table, t, days, rows, params, True)
    assert (block_only.status == LONG).sum() > 20, "the batch has walks that outlast their block"
    # Walks still going after their overflow moves (one move here, to have many) keep what their block
    # wrote and nothing more, and go on from where the block left them.
    go_on = (numbers, world.rep.streams.seed_table(4))
    one_more = BatchWalk(*compiled_module.walk_compiled(table, t, days, rows, params, True, MOVES_IN_BLOCK, go_on, 1))
    still = np.flatnonzero(one_more.status == LONG)
    assert 0 < len(still) < (block_only.status == LONG).sum()
    assert dict(one_more.resume) == {i: r for i, r in block_only.resume if i in set(still.tolist())}
    for i in still.tolist():
        mine, theirs = one_more.d_owner == i, block_only.d_owner == i
        assert one_more.d_day[mine].tolist() == block_only.d_day[theirs].tolist()
        assert one_more.d_rung[mine].tolist() == block_only.d_rung[theirs].tolist()
        assert one_more.e_day[one_more.e_owner == i].tolist() == block_only.e_day[block_only.e_owner == i].tolist()
    status, last, d, e = walked_module.walk_all(world.rep, table, walked_module.Accepted(t, types, days, numbers), True)
    for i in range(len(t)):
        kind = kinds[int(t[i])]
        course = walk(world.rep, kind, world.rep.covered[kind.index], float(days[i]),
                      world.rep.block(kind, int(numbers[i])))
        if status[i] == CLIMBED:
            assert not isinstance(course, Walk)
            continue
        assert status[i] == QUIET and isinstance(course, Walk)
        expected = [(float(days[i]), kind.start_rung, 1)]
        for day, old, new in course.ops:
            expected += [(day, old, -1)] + ([(day, new, 1)] if new >= 0 else [])
        mine = d[3] == i
        assert list(zip(d[0][mine].tolist(), d[1][mine].tolist(), d[2][mine].tolist(), strict=True)) == expected
        assert e[0][e[1] == i].tolist() == course.event_days
        assert last[i] == course.ops[-1][0]


def test_without_compiled_code_the_records_are_the_same() -> None:
    # HOTLINE_COMPILED=0 (a process that never imports numba: the array walks, the array level sums, the
    # Python seeds and arrival loops) gives the very records compiled code gives.
    import subprocess
    import sys

    code = ("import sys; from sim import load_scenario; from sim.engine import replication_seed, simulate; "
            "from sim.run.compile import compile_scenario; "
            f"l = load_scenario({str(FLAGSHIP)!r}, ['horizon_days=120']); "
            "print(repr([simulate(compile_scenario(l.arms[a]), replication_seed(6, k)) "
            "for a in ('no_hotline', 'hotline_rapid') for k in range(4)])); "
            "print('numba' in sys.modules)")
    env = {**__import__("os").environ, "HOTLINE_COMPILED": "0"}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    records, numba_loaded = done.stdout.strip().splitlines()
    assert numba_loaded == "False"
    loaded = load_scenario(FLAGSHIP, ["horizon_days=120"])
    here = [simulate(compile_scenario(loaded.arms[a]), replication_seed(6, k))
            for a in ("no_hotline", "hotline_rapid") for k in range(4)]
    assert records == repr(here)


_INTERRUPTED = r'''
import signal, sys
import numpy as np
from sim import load_scenario
from sim.engine import World, replication_seed
from sim.engine.model.level import days_at_levels
from sim.engine.model.streams import Streams
from sim.engine.walks import arrivals, compiled, walked
from sim.engine.walks.batch import MOVES_IN_BLOCK
from sim.engine.walks.quiet import may_walk
from sim.run.compile import compile_scenario

params = compile_scenario(load_scenario(sys.argv[1]).arms["no_hotline"])
world = World(params, replication_seed(3, 1))
world.tensions.jump(0.0, 1.5, None)
kinds = [k for k in params.types if may_walk(params, k)]
table = walked.kinds_of(world.rep, kinds)
t = np.repeat(np.arange(len(kinds)), 30)
starts = np.random.default_rng(2).random(len(t)) * 100.0
rows = np.concatenate([world.rep.blocks_of(k).rows(np.arange(30)) for k in kinds])
rng = np.random.default_rng(4)
days = np.sort(rng.random(500) * 300)
rungs, signs = rng.integers(0, 4, 500), np.where(rng.random(500) < 0.5, 1, -1)
kind = kinds[-1]

def kernels(k):
    compiled.walk_compiled(table, t, starts, rows, params, True, MOVES_IN_BLOCK,
                           (np.arange(len(t)), world.rep.streams.seed_table(4)), 12)
    stream = arrivals.ArrivalStream(world.rep, kind)
    arrivals.draw(stream, 0, 0.0, 1.0, kind.rate_per_day, 0.3, (1.0, 0.0, 0.01), 400.0)
    arrivals.draw(arrivals.ArrivalStream(world.rep, kind), 0, 0.0, 1.0, kind.rate_per_day, 0.0, (0.0, 0.0, 0.01), 400.0)
    days_at_levels(days, rungs, signs, 365.0, 9)
    Streams(k).generator(2, k)
    Streams(k).uniforms((2, k), 64)

def handler(signum, frame):
    raise KeyboardInterrupt

signal.signal(signal.SIGALRM, handler)
kernels(0)
caught = {"KeyboardInterrupt": 0, "other": 0}
for trial in range(int(sys.argv[2])):
    try:  # (the timer is set inside: one that fires at once, under load, must land in the try too)
        signal.setitimer(signal.ITIMER_REAL, 0.0001 + 0.0004 * (trial % 7) / 7)
        k = 0
        while True:
            kernels(k)
            k += 1
    except KeyboardInterrupt:
        caught["KeyboardInterrupt"] += 1
    except BaseException as exc:
        caught["other"] += 1
        print(type(exc).__name__, exc)
signal.setitimer(signal.ITIMER_REAL, 0)
print(caught["KeyboardInterrupt"], caught["other"])
'''


def test_an_interrupt_during_compiled_code_is_a_clean_interrupt(tmp_path: Path) -> None:
    # Ctrl-C (or SIGTERM, which the command turns into Ctrl-C) can land while a kernel runs or hands its
    # results back. 1,500 interrupts at staggered instants over every kernel, in a process of its own (a
    # crash must fail this test, not the test run): each must arrive as KeyboardInterrupt, never as a
    # SystemError, a double free or a hang. Kernels that returned arrays failed this within a few hundred.
    import subprocess
    import sys

    script = tmp_path / "interrupted.py"
    script.write_text(_INTERRUPTED, encoding="utf-8")
    done = subprocess.run([sys.executable, str(script), str(FLAGSHIP), "1500"], capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().splitlines()[-1] == "1500 0", done.stdout[-2000:]


@pytest.mark.parametrize("order", ["in order", "shuffled"])
def test_blocks_drawn_in_the_kernel_are_the_blocks(order: str) -> None:
    # The kernel drawing only the uniforms a walk reads (jumping into each type's stream to its block)
    # walks every incident as it does on the whole blocks: numbers in order, and out of order (a jump
    # back goes from the stream's start again), with gaps between numbers.
    params = compile_scenario(load_scenario(FLAGSHIP).arms["no_hotline"])
    world = World(params, replication_seed(8, 2))
    world.tensions.jump(0.0, 1.2, None)
    kinds = [k for k in params.types if may_walk(params, k)]
    rng = np.random.default_rng(3)
    numbers = np.concatenate([np.sort(rng.choice(3000, 300, replace=False)) for _ in kinds])
    t = np.repeat(np.arange(len(kinds)), 300)
    if order == "shuffled":
        numbers = rng.permutation(numbers)
        t = np.repeat(np.arange(len(kinds)), 300)[rng.permutation(len(t))]
    days = rng.random(len(t)) * 300.0
    table = walked_module.kinds_of(world.rep, kinds)
    assert compiled_module.draws_blocks(table, params)
    go_on = (numbers, world.rep.streams.seed_table(4))
    blocks = [world.rep.blocks_of(kind) for kind in kinds]
    rows = np.stack([blocks[j].rows(np.arange(3000))[number] for j, number in zip(t.tolist(), numbers.tolist(), strict=True)])
    whole = BatchWalk(*compiled_module.walk_compiled(table, t, days, rows, params, True, MOVES_IN_BLOCK, go_on, 12))
    drawn = BatchWalk(*compiled_module.walk_compiled(table, t, days, np.empty((0, rows.shape[1])), params, True,
                                                     MOVES_IN_BLOCK, go_on, 12,
                                                     np.stack([b.base_state() for b in blocks])))
    for field in BatchWalk._fields:
        mine, theirs = getattr(drawn, field), getattr(whole, field)
        assert (mine == theirs if field == "resume" else np.array_equal(mine, theirs, equal_nan=True)), field
    assert len(whole.d_day) > 2 * len(t)


def test_a_block_drawn_by_itself_is_the_row_of_the_blocks() -> None:
    params = compile_scenario(load_scenario(FLAGSHIP).arms["no_hotline"])
    world = World(params, replication_seed(8, 3))
    kind = params.types[1]
    alone = [world.rep.block(kind, number) for number in (5, 900, 17)]  # before any row is generated
    rows = world.rep.blocks_of(kind).rows(np.arange(901))
    for draws, number in zip(alone, (5, 900, 17), strict=True):
        assert [draws() for _ in range(rows.shape[1])] == rows[number].tolist()
