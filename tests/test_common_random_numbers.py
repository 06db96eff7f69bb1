"""Common random numbers: arms see the same incidents, and the hotline's draws never shift anyone else's."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.engine import replication_seed, simulate
from sim.engine.model.streams import Purpose, Streams, UniformBlocks
from sim.run.compile import compile_scenario
from sim.scenario import load_scenario

from .conftest import REPO

FLAGSHIP = REPO / "scenarios" / "senkaku_baseline.yaml"


def _arrivals(log) -> list[tuple[float, str, int]]:
    return [(e.day, e.incident_type, e.incident) for e in log if e.kind == "incident"]


def test_switching_the_hotline_on_leaves_incident_arrivals_bit_identical() -> None:
    # Without arrival feedback, nothing the hotline does can change when incidents arrive.
    loaded = load_scenario(FLAGSHIP, ["tension.arrival_feedback=0"])
    params = {arm: compile_scenario(s) for arm, s in loaded.arms.items()}
    acted = 0
    for k in range(25):
        seed = replication_seed(loaded.scenario.seed, k)
        records = {arm: simulate(p, seed, log=True) for arm, p in params.items()}
        # A replication stops at an armed clash, so compare arrivals up to the earliest stop among the arms.
        stop = min(rec.log[-1].day for rec in records.values())
        base = [a for a in _arrivals(records["no_hotline"].log) if a[0] <= stop]
        assert base, "the flagship has incidents"
        for arm, rec in records.items():
            assert [a for a in _arrivals(rec.log) if a[0] <= stop] == base, arm
        acted += records["hotline_rapid"].calls_placed
    assert acted > 0, "the hotline was used in some replication, so the arms did differ"


def test_moves_of_incidents_without_calls_are_identical_across_arms() -> None:
    # Prevention acts without a call (fewer accidents on covered incidents): off, so that only calls differ.
    loaded = load_scenario(FLAGSHIP, ["tension.arrival_feedback=0", "tension.escalation_feedback=0",
                                      "hotline.mechanisms.prevention.enabled=false"])
    off, on = (compile_scenario(loaded.arms[a]) for a in ("no_hotline", "hotline_rapid"))
    for k in range(25):
        seed = replication_seed(1, k)
        a, b = simulate(off, seed, log=True).log, simulate(on, seed, log=True).log
        called = {e.incident for e in b if e.kind.startswith("call")}
        moves_a = [(e.day, e.incident, e.rung) for e in a if e.kind in ("move", "accident")
                   and e.incident not in called]
        moves_b = [(e.day, e.incident, e.rung) for e in b if e.kind in ("move", "accident")
                   and e.incident not in called]
        assert moves_a == moves_b


def test_block_i_is_the_same_whatever_order_blocks_are_asked_for() -> None:
    first = UniformBlocks(Streams(42), Purpose.INCIDENT, Purpose.INCIDENT_OVERFLOW, 0, width=5)
    second = UniformBlocks(Streams(42), Purpose.INCIDENT, Purpose.INCIDENT_OVERFLOW, 0, width=5)
    late = second.block(300)
    early = first.block(300)
    assert [late() for _ in range(5)] == [early() for _ in range(5)]


def test_overflow_draws_belong_to_their_consumer() -> None:
    blocks = UniformBlocks(Streams(42), Purpose.INCIDENT, Purpose.INCIDENT_OVERFLOW, 0, width=3)
    d0, d1 = blocks.block(0), blocks.block(1)
    own = [d0() for _ in range(3)]
    overflow = [d0() for _ in range(10)]  # past its block: its own stream, not block 1's numbers
    neighbour = [d1() for _ in range(3)]
    assert not set(overflow) & set(neighbour)
    again = UniformBlocks(Streams(42), Purpose.INCIDENT, Purpose.INCIDENT_OVERFLOW, 0, width=3).block(0)
    assert [again() for _ in range(13)] == own + overflow


def test_same_seed_same_record_and_different_seed_different_record() -> None:
    params = compile_scenario(load_scenario(FLAGSHIP).arms["hotline_as_is"])
    a, b = simulate(params, 12345), simulate(params, 12345)
    c = simulate(params, 54321)
    assert a == b
    assert (a.incidents, a.events) != (c.incidents, c.events)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.integers(0, 2**32 - 1), st.integers(0, 2**64 - 1), st.integers(0, 2**200)),
       st.lists(st.one_of(st.integers(0, 40), st.integers(0, 2**70)), min_size=1, max_size=12))
def test_each_stream_is_numpys_seed_sequence_of_its_key(seed: int, key: list[int]) -> None:
    # Streams computes SeedSequence's words itself (cheaper); every stream must still be the one numpy's
    # SeedSequence(seed, spawn_key=key) seeds, for any seed and key (long ones included), in any order.
    streams = Streams(seed)
    ours = streams.generator(*key).random(4)
    numpys = np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=tuple(key)))).random(4)
    assert np.array_equal(ours, numpys)
    again = streams.generator(*key[:1]).random(2)  # a second key of the same seed reuses its mixed pool
    assert np.array_equal(again, np.random.Generator(np.random.PCG64(
        np.random.SeedSequence(seed, spawn_key=tuple(key[:1])))).random(2))
