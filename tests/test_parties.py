"""More than two parties: channels per pair, allies, mediators, tension per pair, and the guarantees that
make them safe to add (a party that never acts changes nothing; one channel written out is the single
`hotline:` block; a channel or an ally never shifts the draws of incidents it does not touch)."""

from __future__ import annotations

import copy
import math
from pathlib import Path
from typing import Any

import pytest
import yaml

from sim.engine import World, replication_seed, simulate
from sim.engine.model.tension import Tensions
from sim.folder.files import ResultsFolder
from sim.folder.run_folder import start_run
from sim.run.compile import compile_scenario
from sim.run.executors import SerialExecutor
from sim.run.experiment import Plan
from sim.scenario import ScenarioError, load_scenario, load_scenario_text

from .conftest import MINIMAL, REPO
from .engine_helpers import LADDER, QUIET, params

HOT = REPO / "tests" / "golden" / "hot_scenario.yaml"
HOT_ARMS = ("no_hotline", "hotline_office_hours", "hotline_rapid", "hotline_everything")


def _hot() -> dict[str, Any]:
    """The hot golden scenario, with each type's responder named (as a file with more parties must)."""
    data = yaml.safe_load(HOT.read_text())
    data["incident_types"]["patrol"]["responder"] = "BLUE"
    data["incident_types"]["transit"]["responder"] = "RED"
    return data


def _table(data: dict[str, Any], tmp: Path, name: str, arms: tuple[str, ...] = HOT_ARMS, reps: int = 12) -> str:
    path = tmp / f"{name}.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    loaded = load_scenario(path).select(arms)
    folder = tmp / f"{name}_run"
    start_run(loaded, Plan(arms, reps, 4242, 4), ResultsFolder.create(folder), SerialExecutor(), ["t"])
    return (folder / "replications.csv").read_text()


# --- exact special cases -------------------------------------------------------------------------

def test_a_third_party_that_never_acts_gives_bit_identical_results(tmp_path: Path) -> None:
    """A party with forces, a hotline policy and default channels to both others, but no incidents and no
    alliance: every row of every arm equals the two-party file's."""
    base = _hot()
    with_third = copy.deepcopy(base)
    with_third["parties"]["GREEN"] = {"label": "Green", "forces": {"navy": {}, "coast_guard": {}},
                                      "hotline": {"call_at_rung": "shadowing", "prior_consultation_hours": 0}}
    assert _table(base, tmp_path, "two") == _table(with_third, tmp_path, "three")


def test_one_explicit_channel_is_the_single_hotline_block(tmp_path: Path) -> None:
    """`channels:` naming the one pair and nothing else takes every setting from `hotline:` (arms included)."""
    base = _hot()
    explicit = copy.deepcopy(base)
    explicit["channels"] = {"red_blue": {"between": ["RED", "BLUE"]}}
    assert _table(base, tmp_path, "single") == _table(explicit, tmp_path, "explicit")


def test_a_channel_written_out_in_full_is_the_hotline_block(tmp_path: Path) -> None:
    """Every template key copied into the channel (the baseline arm, which overrides none of them)."""
    base = _hot()
    written = copy.deepcopy(base)
    h = base["hotline"]
    written["channels"] = {"red_blue": {"between": ["BLUE", "RED"], "enabled": True, "lines": 1,
                                        "hours": h["hours"], "coverage": h["coverage"],
                                        "defense_layers": h["defense_layers"], "suspension": h["suspension"],
                                        "max_retries": 2, "ring_hours": 0.05, "queue_when_busy": True,
                                        "retry_interval_hours": 1.0}}
    arms = ("hotline_office_hours",)
    assert _table(base, tmp_path, "block", arms, 30) == _table(written, tmp_path, "written", arms, 30)


# --- who calls, over what ------------------------------------------------------------------------

THREE = "name: three parties\nhorizon_days: 365\n" + LADDER + """
parties:
  USA:
    label: United States
    forces: {navy: {}}
    posture: {escalate_probability: 0.2, de_escalate_probability: 0.3}
    weapons_release_rung: r0
    hotline: {calls: false}
  CHN:
    label: China
    forces: {navy: {}}
    posture: {escalate_probability: 0.2, de_escalate_probability: 0.3}
    weapons_release_rung: r0
    hotline: {call_at_rung: r1, prior_consultation_hours: 0}
  JPN:
    label: Japan
    forces: {navy: {}}
    hotline: {call_at_rung: r1, prior_consultation_hours: 0, answer_probability: 1}
incident_types:
  transit:
    label: a US warship transits
    rate_per_year: 40
    initiator: USA
    responder: CHN
    layer: navy
    start_rung: r1
hotline: {coverage: [navy], hours: {always_open: true}}
"""


def test_only_the_incidents_sides_call_and_only_over_their_own_channel() -> None:
    """Every call about a China-US incident is placed by China (the US never calls) and rings on the
    China-US channel; Japan, with a channel to both, never calls about it."""
    p = params(THREE)
    calls = 0
    for k in range(60):
        world = World(p, replication_seed(k, 0), log=True)
        world.run()
        for entry in world.record.log or []:
            if entry.kind in ("call_decided", "call"):
                assert entry.party == "CHN", entry
                calls += entry.kind == "call"
                if entry.kind == "call":
                    assert "USA-CHN" in entry.detail, entry
    assert calls > 0  # the test would pass vacuously without calls


def test_a_pair_without_a_channel_places_no_call() -> None:
    p = params(THREE + "channels: {japan_china: {between: [JPN, CHN]}}\n")
    assert sum(simulate(p, replication_seed(k, 0)).calls_placed for k in range(60)) == 0


# --- allies --------------------------------------------------------------------------------------

def _ally_scenario(ally: str, channels: str = "") -> str:
    """A (initiator) climbs one rung per move for sure from r1; B never moves up; C is B's ally."""
    return "name: ally\nhorizon_days: 10\n" + LADDER + f"""
parties:
  A:
    label: A
    forces: {{navy: {{}}}}
    posture: {{escalate_probability: 1.0, de_escalate_probability: 0.0, retaliation_multiplier: 1}}
    decision_delay_hours: 1
    weapons_release_rung: r0
    hotline: {{calls: false, answer_probability: 1, prior_consultation_hours: 0}}
  B:
    label: B
    forces: {{navy: {{}}}}
    posture: {{escalate_probability: 0.0, de_escalate_probability: 0.0, retaliation_multiplier: 1}}
    decision_delay_hours: 1
    hotline: {{calls: false}}
  C:
    label: C
    forces: {{navy: {{}}}}
    hotline: {{call_at_rung: r2, prior_consultation_hours: 0}}
    allied_with:
      B: {{{ally}}}
""" + QUIET + """
hotline: {coverage: [navy], hours: {always_open: true}, mechanisms: {stand_down: {enabled: false}}}
""" + channels + """
incident_types:
  standoff:
    label: A presses B
    rate_per_year: 1
    initiator: A
    responder: B
    layer: navy
    start_rung: r1
    max_duration_hours: 100
"""


def _one(text: str, k: int) -> Any:
    p = params(text)
    world = World(p, replication_seed(k, 0))
    world.spawn(p.types[0])
    world.env.run()
    return world.record


def test_a_deterring_ally_that_joins_at_once_stops_the_climb() -> None:
    """Deterrence 0 zeroes A's escalation chance once C has joined (before A's first decision, an hour in);
    with join probability 0 the same incident climbs to the top."""
    joins = "join_at_rung: r1, join_probability: 1, delay_hours: 0, deterrence_multiplier: 0, layer: navy"
    stays = "join_at_rung: r1, join_probability: 0, delay_hours: 0, deterrence_multiplier: 0, layer: navy"
    for k in range(10):
        held = _one(_ally_scenario(joins), k)
        assert held.allies_joined == 1 and held.highest_rung == 1
        free = _one(_ally_scenario(stays), k)
        assert free.allies_joined == 0 and free.highest_rung == 5


def test_an_ally_calls_the_opponent_over_its_own_channel() -> None:
    """B has no channel to A (and does not call); C, once joined, calls A over the C-A channel when A
    climbs to C's call rung, and the answered call corrects the incident."""
    only_c = "channels: {c_a: {between: [C, A]}}\n"
    joined = _one(_ally_scenario("join_at_rung: r1, join_probability: 1, delay_hours: 0, layer: navy", only_c), 0)
    assert joined.allies_joined == 1 and joined.calls_placed == 1 and joined.calls_answered == 1
    alone = _one(_ally_scenario("join_at_rung: r1, join_probability: 0, layer: navy", only_c), 0)
    assert alone.calls_placed == 0


# --- mediators -----------------------------------------------------------------------------------

MEDIATED = "name: mediated\nhorizon_days: 10\n" + LADDER + """
parties:
  A:
    label: A
    forces: {navy: {}}
    posture: {escalate_probability: 1.0, de_escalate_probability: 0.0, retaliation_multiplier: 1}
    decision_delay_hours: 100
    weapons_release_rung: r0
    hotline: {calls: false}
  B:
    label: B
    forces: {navy: {}}
    posture: {escalate_probability: 0.0, de_escalate_probability: 0.0, retaliation_multiplier: 1}
    decision_delay_hours: 100
    hotline: {call_at_rung: r1, prior_consultation_hours: 0}
""" + QUIET + """
hotline: {coverage: [navy], hours: {always_open: true}, max_retries: 0, ring_hours: 0}
incident_types:
  standoff:
    label: A presses B
    rate_per_year: 1
    initiator: A
    layer: navy
    start_rung: r1
    max_duration_hours: 500
"""


def test_an_unanswered_direct_call_goes_on_through_the_mediator() -> None:
    """The direct line is never answered; the mediated channel (3 h each way) always is: the call is placed
    twice, given up once, answered once through the mediator, at least three hours after the decision."""
    direct = "  direct: {between: [A, B], answer_probability: 0}\n"
    via = ("  via_c: {between: [B, A], answer_probability: 1, mediator: {label: C, relay_hours: 3},"
           " call_duration_hours: 0}\n")
    rec = _one(MEDIATED + "channels:\n" + direct + via, 0)
    assert (rec.calls_placed, rec.calls_unanswered, rec.calls_answered, rec.calls_mediated) == (2, 1, 1, 1)
    assert rec.answer_delay_hours_total >= 3.0
    alone = _one(MEDIATED + "channels:\n" + direct, 0)
    assert (alone.calls_placed, alone.calls_answered) == (1, 0)


# --- tension per pair ----------------------------------------------------------------------------

@pytest.mark.parametrize("spillover", [0.0, 0.5, 1.0])
def test_a_rise_reaches_other_pairs_by_the_spillover(spillover: float) -> None:
    t = Tensions(3, 0.0, 0.0, spillover)
    t.jump(1.0, 2.0, 1)
    assert [t[q].at(1.0) for q in range(3)] == [2.0 * spillover, 2.0, 2.0 * spillover]
    t.jump(2.0, 1.0, None)  # a shock for all pairs
    assert [t[q].at(2.0) for q in range(3)] == [2.0 * spillover + 1.0, 3.0, 2.0 * spillover + 1.0]


def test_a_shock_between_two_parties_raises_their_tension_only_without_spillover() -> None:
    text = THREE + "tension: {spillover: 0}\nshocks: [{label: a quarrel, at_day: 1, tension_jump: 2, " \
        "between: [JPN, CHN]}]\n"
    world = World(params(text.replace("horizon_days: 365", "horizon_days: 2")), replication_seed(0, 0))
    world.run()
    levels = [world.tensions[q].at(1.5) for q in range(3)]  # pairs: USA-CHN, USA-JPN, CHN-JPN
    assert levels[0] == levels[1] == 0.0 and levels[2] > 1.9


# --- common random numbers -----------------------------------------------------------------------

def _crn_base() -> dict[str, Any]:
    data = _hot()
    data["parties"]["GREEN"] = {"label": "Green", "forces": {"navy": {}, "coast_guard": {}},
                                "posture": {"escalate_probability": 0.15, "de_escalate_probability": 0.3},
                                "weapons_release_rung": "forces_engaged",
                                "hotline": {"call_at_rung": "blocking", "prior_consultation_hours": 1}}
    data["incident_types"]["green_patrol"] = {
        "label": "Red and Green ships meet", "rate_per_year": 200, "initiator": "RED", "responder": "GREEN",
        "layer": "navy", "start_rung": "blocking", "accident_probability": 0.05}
    data["tension"]["spillover"] = 0.0
    return data


def _story(data: dict[str, Any], seed: int) -> tuple[list[tuple[Any, ...]], float]:
    """The log lines of Red-Blue incidents (patrol, transit) and the day the replication stopped."""
    p = compile_scenario(load_scenario_text(yaml.safe_dump(data, sort_keys=False)).arms["hotline_office_hours"])
    world = World(p, replication_seed(seed, 0), log=True)
    world.run()
    lines = [(e.day, e.kind, e.incident_type, e.party, e.rung, e.detail) for e in world.record.log or []
             if e.incident_type in ("patrol", "transit")]
    return lines, min(world.env.now, p.horizon_days)


def test_a_channel_or_an_ally_elsewhere_never_shifts_the_draws_of_red_blue_incidents() -> None:
    """With spillover 0, a mediated Red-Green channel and Blue as Green's ally (no tension jump) touch
    only Red-Green incidents: the story of every Red-Blue incident is the same line for line, up to the
    day either replication stopped (a clash elsewhere ends the replication)."""
    base = _crn_base()
    more = copy.deepcopy(base)
    more["channels"] = {"red_blue": {"between": ["RED", "BLUE"]}, "red_green": {"between": ["RED", "GREEN"]},
                        "red_green_via_blue": {"between": ["GREEN", "RED"], "answer_probability": 0.95,
                                               "mediator": {"label": "Blue"}}}
    more["parties"]["BLUE"]["allied_with"] = {"GREEN": {"join_at_rung": "physical_coercion", "join_probability": 0.8,
                                                        "deterrence_multiplier": 0.5}}
    touched = 0
    for seed in range(8):
        a, stop_a = _story(base, seed)
        b, stop_b = _story(more, seed)
        stop = min(stop_a, stop_b)
        assert [x for x in a if x[0] < stop] == [x for x in b if x[0] < stop], seed
        touched += len(a) > 0
    assert touched == 8


def test_the_alliance_and_mediator_do_change_the_incidents_they_touch() -> None:
    """The counterpart of the test above, so that it cannot pass by the additions doing nothing."""
    base = _crn_base()
    more = copy.deepcopy(base)
    more["parties"]["BLUE"]["allied_with"] = {"GREEN": {"join_at_rung": "blocking", "join_probability": 1.0,
                                                        "delay_hours": 0, "deterrence_multiplier": 0.0}}
    arms = load_scenario_text(yaml.safe_dump(base, sort_keys=False)).arms
    p0 = compile_scenario(arms["hotline_office_hours"])
    p1 = compile_scenario(load_scenario_text(yaml.safe_dump(more, sort_keys=False)).arms["hotline_office_hours"])
    joined = sum(simulate(p1, replication_seed(k, 0)).allies_joined for k in range(8))
    highest = [simulate(p, replication_seed(k, 0)).highest_rung for p in (p0, p1) for k in range(8)]
    assert joined > 0 and highest[:8] != highest[8:]


# --- validation ----------------------------------------------------------------------------------

def _problems(text: str) -> list[str]:
    with pytest.raises(ScenarioError) as info:
        load_scenario_text(text, "s.yaml")
    return [p.format() for p in info.value.problems]


def test_a_channel_naming_an_unknown_party_is_located() -> None:
    found = _problems(THREE + "channels:\n  x: {between: [JPN, CHM]}\n")
    assert any("channels.x.between.1: no such party; did you mean 'CHN'?" in f and "s.yaml:" in f for f in found), found


def test_an_ally_must_name_a_partner_and_a_layer_it_has() -> None:
    text = THREE.replace("    hotline: {calls: false}\n",
                         "    hotline: {calls: false}\n    allied_with: {JAP: {layer: air}}\n", 1)
    found = "\n".join(_problems(text))
    assert "parties.USA.allied_with.JAP: no such party; did you mean 'JPN'?" in found
    assert "parties.USA.allied_with.JAP.layer: party USA has no force layer with this name" in found


def test_a_disabled_hotlines_default_coverage_is_not_checked_against_the_forces() -> None:
    text = """name: coast guards only
parties:
  A: {label: A, forces: {coast_guard: {}}}
  B: {label: B, forces: {coast_guard: {}}}
incident_types:
  patrol: {label: a patrol, rate_per_year: 10, initiator: A, layer: coast_guard, start_rung: shadowing}
hotline: {enabled: false}
"""
    assert load_scenario_text(text).scenario.hotline.coverage == ["navy", "air"]
    enabled = text.replace("hotline: {enabled: false}", "hotline: {enabled: true}")
    assert any("hotline.coverage.0: no party has this force layer" in f for f in _problems(enabled))


def test_units_still_load_with_a_one_line_notice(write, cli) -> None:
    path = write(MINIMAL.replace("  A: {label: Alpha}", "  A: {label: Alpha, forces: {navy: {units: 3}}}")
                 + "combine_chances: odds\n")  # (else the rule's own notice)
    status, out, err = cli("validate", path)
    assert status == 0 and "valid" in out
    notices = [line for line in err.splitlines() if line.startswith("notice:")]
    assert len(notices) == 1 and "units has no effect" in notices[0] and ":" in notices[0] and "line 3" in notices[0]


def test_spillover_and_allies_are_documented_parameters() -> None:
    from sim.scenario.schema_paths import scenario_json_schema

    defs = scenario_json_schema()["$defs"]
    for model, key in (("Tension", "spillover"), ("Alliance", "join_probability"), ("Alliance", "delay_hours"),
                       ("Mediator", "relay_hours"), ("Channel", "answer_probability")):
        spec = defs[model]["properties"][key]
        assert spec.get("basis") in ("fact", "assumption"), (model, key)
    assert defs["Tension"]["properties"]["spillover"]["unit"] == "fraction"
    assert not math.isnan(defs["Tension"]["properties"]["spillover"]["default"])


def test_sweep_tables_of_scenarios_with_mediators_count_mediated_calls(write, cli, tmp_path: Path) -> None:
    """sweep.csv gains calls_mediated and allies_joined where the scenario has a mediator or an ally, and
    the mediated calls it counts are those of the run at each point."""
    via = ("  via_c: {between: [B, A], answer_probability: 1, mediator: {label: C, relay_hours: 3},"
           " call_duration_hours: 0}\n")
    path = write(MEDIATED.replace("rate_per_year: 1\n", "rate_per_year: 50\n") + "channels:\n" + via)
    status, _, err = cli("sweep", path, "--param", "channels.via_c.answer_probability=0,1", "--replications", "5",
                         "--out", tmp_path / "sw", "--quiet")
    assert status == 0, err
    rows = (tmp_path / "sw" / "sweep.csv").read_text().splitlines()
    header = rows[0].split(",")
    assert header[-2:] == ["calls_mediated", "allies_joined"]
    mediated = [int(r.split(",")[-2]) for r in rows[1:]]
    assert mediated[0] == 0 and mediated[1] > 0  # never answered at 0; answered through the mediator at 1
