"""Years simulated once for two arms (`sim.engine.model.coupling`, `sim.run.experiment.run_chunk`): the
arm without a hotline takes the record of an arm with one in every year in which the line did not matter.

The claim is that such a year is the same draw for draw; the tests compare the rows a chunk gives with
the years shared and with every arm simulated in full (the same rows, or the claim is wrong), on
scenarios where the line stays untouched in most years, and check that arms differing in anything but
the line, its coverage and what calls do never share years.
"""

from __future__ import annotations

import pytest

from sim import load_scenario
from sim.engine import replication_seed, simulate
from sim.engine.events.world import simulate_touched
from sim.engine.model.coupling import differences, shares_years
from sim.run import experiment
from sim.run.compile import compile_scenario
from sim.run.experiment import ChunkTask, layout_for, run_chunk, share_donors

from .conftest import REPO

FLAGSHIP = REPO / "scenarios" / "senkaku_baseline.yaml"
NO_PREVENTION = ["hotline.mechanisms.prevention.enabled=false"]


def _arms(path, sets, names=None):
    loaded = load_scenario(path, sets)
    return loaded, tuple((name, compile_scenario(loaded.arms[name])) for name in (names or loaded.arms))


@pytest.mark.parametrize("sets, shared", [
    ([], set()),  # prevention lowers accident chances in every hotline arm: nothing is shared
    (NO_PREVENTION, {"no_hotline"}),
    (NO_PREVENTION + ["hotline.mechanisms.moral_hazard.enabled=true"], set()),  # coverage changes chances
], ids=["as shipped", "prevention off", "moral hazard on"])
def test_only_an_arm_without_the_line_shares_and_only_with_arms_that_differ_in_the_line(sets, shared) -> None:
    _, arms = _arms(FLAGSHIP, sets)
    donors = share_donors(arms)
    assert set(donors) == shared
    for arm, donor in donors.items():
        assert not any(c.enabled for c in dict(arms)[arm].channels)
        assert any(c.enabled for c in dict(arms)[donor].channels)


def test_a_difference_outside_the_line_is_never_shared() -> None:
    # The same comparison with a rate, an escalation chance or a party's calling changed in the hotline arm.
    _, ((_, without),) = _arms(FLAGSHIP, NO_PREVENTION, ["no_hotline"])
    for extra in (["incident_types.air_intercept.rate_per_year=521"],
                  ["parties.CHN.posture.retaliation_multiplier=2.5"],
                  ["horizon_days=364"]):
        _, ((_, line),) = _arms(FLAGSHIP, NO_PREVENTION + extra, ["hotline_as_is"])
        assert differences(without, line), extra
        assert not shares_years(without, line), extra
    _, ((_, line),) = _arms(FLAGSHIP, NO_PREVENTION, ["hotline_as_is"])
    assert shares_years(without, line) and not shares_years(line, without)  # only the arm without the line


@pytest.mark.parametrize("path, sets", [
    (FLAGSHIP, NO_PREVENTION),
    (FLAGSHIP, NO_PREVENTION + ["incident_types.air_intercept.rate_per_year=5200"]),  # the line often touched
    (REPO / "scenarios" / "senkaku_alliance.yaml", NO_PREVENTION),  # allies that may call too
], ids=["flagship", "ten times the intercepts", "alliance"])
@pytest.mark.parametrize("exact", [False, True], ids=["fast path", "event by event"])
def test_shared_years_give_the_rows_of_the_full_computation(path, sets, exact, monkeypatch) -> None:
    loaded, arms = _arms(path, sets)
    if not share_donors(arms):
        pytest.skip("no arm shares years here")
    reps = 12 if exact else 60
    task = ChunkTask(arms, 0, tuple(replication_seed(41, k) for k in range(reps)), layout_for(loaded), exact)
    shared_rows = run_chunk(task)
    monkeypatch.setattr(experiment, "SHARE_YEARS", False)
    assert shared_rows == run_chunk(task)
    # Some years were shared and some were not (the test exercised both).
    donor = next(iter(share_donors(arms).values()))
    touched = [simulate_touched(dict(arms)[donor], seed, exact=exact)[1] for seed in task.seeds]
    assert any(touched) or exact, "the line mattered in some years"
    assert not all(touched), "some years were shared"


def test_an_untouched_year_is_the_year_without_the_line_field_by_field() -> None:
    # Directly: in every untouched year of the hotline arm, its record is the record of the arm without.
    _, arms = _arms(FLAGSHIP, NO_PREVENTION, ["no_hotline", "hotline_rapid"])
    (_, without), (_, line) = arms
    untouched = 0
    for k in range(80):
        seed = replication_seed(5, k)
        record, touched = simulate_touched(line, seed)
        if not touched:
            untouched += 1
            assert record == simulate(without, seed), k
    assert 20 < untouched < 80
