"""Hardening III: settings that would be silently ignored or misread are refused at once, located, with
exit 2 and nothing written (booleans for numbers, run settings swept or moved, arm overrides of what every
arm must share, an empty --arms)."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import MINIMAL, REPO

CRISIS = REPO / "scenarios" / "radar_lock_crisis.yaml"


def _one_error(err: str) -> list[str]:
    return [line for line in err.splitlines() if not line.startswith("notice:")]


@pytest.mark.parametrize("old, new, where", [
    ("rate_per_year: 10", "rate_per_year: on", "incident_types.patrol.rate_per_year"),
    ("name: minimal", "name: minimal\nhorizon_days: yes", "horizon_days"),
    ("name: minimal", "name: minimal\nhotline: {lines: no}", "hotline.lines"),
    ("name: minimal", "name: minimal\ntension: {jump_by_rung: {default: 0, by_rung: {blocking: true}}}",
     "tension.jump_by_rung.by_rung.blocking"),
    ("name: minimal", "name: minimal\nfallback: {delay_hours: {dist: uniform, low: 1, high: yes}}",
     "fallback.delay_hours.high"),
])
def test_a_boolean_where_a_number_belongs_is_refused_where_it_stands(write, cli, old: str, new: str,
                                                                      where: str) -> None:
    assert old in MINIMAL
    status, _, err = cli("validate", write(MINIMAL.replace(old, new, 1)))
    lines = _one_error(err)
    assert status == 2 and len(lines) == 1, err
    assert f": {where}: expected a number, not a boolean" in lines[0] and "YAML reads" in lines[0]
    assert lines[0].split(":")[1].isdigit()  # the line of the file


def test_a_boolean_given_with_set_is_refused_too(cli) -> None:
    status, _, err = cli("validate", CRISIS, "--set", "hotline.max_retries=false")
    assert status == 2 and "--set.hotline.max_retries: expected a number, not a boolean" in err


def test_booleans_stay_booleans_where_a_switch_is_expected(write, cli) -> None:
    status, out, _ = cli("validate", write(MINIMAL + "hotline: {enabled: no}\n"))
    assert status == 0 and "valid" in out


@pytest.mark.parametrize("command", [
    ["sweep", CRISIS, "--param", "replications=10,20"],
    ["sweep", CRISIS, "--param", "seed=1,2"],
    ["sweep", CRISIS, "--param", "main_rung=armed_clash,limited_force"],
    ["robustness", CRISIS, "--keys", "replications"],
])
def test_a_run_setting_is_not_swept_or_moved_as_a_parameter(tmp_path: Path, cli, command: list) -> None:
    status, _, err = cli(*command, "--out", tmp_path / "out")
    assert status == 2 and "is a run setting, not a parameter of the model" in err
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("override, says", [
    ("{horizon_days: 5}", "cannot change the horizon"),
    ("{replications: 50}", "cannot change the replications"),
    ("{name: other}", "cannot change the name"),
    ("{main_rung: armed_clash}", "cannot change the main rung"),
    ("{ladder.rungs.2.label: swarming}", "cannot change the ladder's rungs"),
    ("{incident_types.transit: {label: t, rate_per_year: 1, initiator: B, layer: navy, start_rung: shadowing}}",
     "cannot add a incident type ('transit')"),
    ("{parties.C: {label: Gamma}}", "cannot add a party ('C')"),
])
def test_an_arm_cannot_change_what_every_arm_shares(write, cli, override: str, says: str) -> None:
    text = MINIMAL + f"arms:\n  baseline: {{}}\n  odd: {override}\n"
    status, _, err = cli("validate", write(text))
    lines = _one_error(err)
    assert status == 2 and len(lines) == 1 and says in lines[0], err
    assert "arms.odd." in lines[0] and lines[0].split(":")[1].isdigit()  # located at the arm's override


def test_an_arm_may_still_change_the_model(write, cli) -> None:
    text = MINIMAL + "arms:\n  baseline: {}\n  slow: {incident_types.patrol.rate_per_year: 1, hotline.enabled: false}\n"
    status, out, _ = cli("validate", write(text))
    assert status == 0 and "2 arms" in out


@pytest.mark.parametrize("arms", [",", "", " , "])
@pytest.mark.parametrize("command", ["run", "sweep", "explain", "robustness"])
def test_an_arms_list_that_names_no_arm_is_a_usage_error(tmp_path: Path, cli, command: str, arms: str) -> None:
    extra = ["--param", "hotline.lines=1,2"] if command == "sweep" else []
    status, _, err = cli(command, CRISIS, "--arms", arms, *extra, "--out", tmp_path / "out")
    assert status == 2 and "--arms: name at least one arm" in err and "internal error" not in err
    assert not (tmp_path / "out").exists()


def test_trace_find_has_a_capped_limit_and_refuses_a_search_that_cannot_succeed(cli, capsys) -> None:
    from sim import load_scenario
    from sim.cli.main import main

    with pytest.raises(SystemExit) as info:
        main(["trace", str(CRISIS), "--find", "serious", "--limit", "10000000"])
    assert info.value.code == 2 and "--limit: must be between 1 and 200,000" in capsys.readouterr().err

    zero = [f"incident_types.{k}.rate_per_year=0" for k in load_scenario(CRISIS).scenario.incident_types]
    status, _, err = cli("trace", CRISIS, "--find", "clash", *[a for s in zero for a in ("--set", s)])
    assert status == 2 and "no incident ever happens" in err


def test_trace_find_stops_at_the_last_replication_trace_can_replay() -> None:
    from sim import load_scenario
    from sim.run.defaults import MAX_TRACE_REPLICATION
    from sim.run.replay import NotFound, find_replication

    loaded = load_scenario(CRISIS, ["horizon_days=1"])
    with pytest.raises(NotFound, match=rf"among {MAX_TRACE_REPLICATION - 2}\.\.{MAX_TRACE_REPLICATION} "):
        find_replication(loaded, "no_hotline", "clash", MAX_TRACE_REPLICATION - 2, limit=1000)


@pytest.mark.parametrize("kwargs, error, says", [
    ({"replications": -1}, ValueError, "replications must be at least 1"),
    ({"replications": 0}, ValueError, "replications must be at least 1"),
    ({"replications": 2.5}, TypeError, "replications must be a whole number"),
    ({"replications": True}, TypeError, "replications must be a whole number"),
    ({"seed": -3}, ValueError, "seed must be at least 0"),
    ({"arms": "no_hotline"}, TypeError, "not one string"),
    ({"arms": ("no_hotline", "no_hotline")}, ValueError, "named twice"),
    ({"arms": ()}, ValueError, "at least one arm"),
    ({"arms": ("nope",)}, ValueError, "no arm 'nope'"),
    ({"precision": 2.0}, ValueError, "precision must be a number between 0 and 1"),
    ({"precision_of": "everything"}, ValueError, "precision_of must be one of"),
])
def test_run_experiment_checks_its_arguments_and_names_them(kwargs: dict, error: type, says: str) -> None:
    from sim import load_scenario, run_experiment

    loaded = load_scenario(CRISIS, ["horizon_days=1"])
    with pytest.raises(error, match=says):
        run_experiment(loaded, **{"replications": 2, **kwargs})


def test_run_experiment_wants_a_loaded_scenario_not_a_path() -> None:
    from sim import run_experiment

    with pytest.raises(TypeError, match="loaded must be a LoadedScenario"):
        run_experiment(CRISIS, replications=2)  # type: ignore[arg-type]


def test_compare_tells_two_folders_of_the_same_name_apart_and_refuses_one_given_twice(tmp_path: Path) -> None:
    from sim.folder.files import OutputError
    from sim.report.compare import run_labels

    a, b = tmp_path / "a" / "run", tmp_path / "b" / "run"
    assert run_labels([a, b, tmp_path / "other"]) == ["a/run", "b/run", f"{tmp_path.name}/other"]
    assert run_labels([a, tmp_path / "c"]) == ["run", "c"]
    a.mkdir(parents=True)
    with pytest.raises(OutputError, match="is given twice"):
        run_labels([a, tmp_path / "a" / ".." / "a" / "run"])


@pytest.mark.parametrize("option", [["--factor", "0.3"], ["--seed", "3"], ["--limit", "2"], ["--force"],
                                    ["--keys", "tension.escalation_feedback"]])
def test_robustness_resume_refuses_every_option_it_cannot_honour(tmp_path: Path, cli, option: list) -> None:
    status, _, err = cli("robustness", "--resume", tmp_path / "nowhere", *option)
    assert status == 2 and "--resume takes the analysis's own settings" in err and option[0] in err


@pytest.mark.parametrize("half_life", ["0.01", "0.2"])
def test_fast_decaying_tension_runs_on_both_paths_with_identical_records(half_life: str) -> None:
    # A walk settled after the run asks for tension before the last rise: read from the history, never as
    # exp of a positive number (which overflowed with a half-life of 0.001 days and a shock).
    from sim import load_scenario
    from sim.engine import replication_seed, simulate
    from sim.run.compile import compile_scenario

    loaded = load_scenario(CRISIS, [f"tension.half_life_days={half_life}",
                                    "shocks=[{label: a shock, at_day: 3, tension_jump: 2}]"])
    for arm in ("no_hotline", "hotline_as_is"):
        p = compile_scenario(loaded.arms[arm])
        for k in range(3):
            seed = replication_seed(5, k)
            assert simulate(p, seed) == simulate(p, seed, exact=True), (arm, k)


def test_a_half_life_with_no_meaning_is_refused(cli) -> None:
    status, _, err = cli("validate", CRISIS, "--set", "tension.half_life_days=1e-310")
    assert status == 2 and "tension.half_life_days: input should be greater than or equal to 0.01" in err


@pytest.mark.parametrize("command", [["run", CRISIS, "--replications", "2"],
                                     ["sweep", CRISIS, "--param", "hotline.lines=1,2"]])
def test_a_dangling_out_link_is_named_as_such(tmp_path: Path, cli, command: list) -> None:
    link = tmp_path / "out"
    link.symlink_to(tmp_path / "missing")
    status, _, err = cli(*command, "--out", link)
    assert status == 2 and "is a symbolic link to" in err and "does not exist" in err
    assert not (tmp_path / "missing").exists()


def test_a_briefing_refuses_an_explanation_of_another_seed_or_arms(tmp_path: Path, cli) -> None:
    small = ["--replications", "4", "--set", "horizon_days=3", "--workers", "1"]
    arms = ["--arms", "no_hotline,hotline_as_is"]
    assert cli("run", CRISIS, *small, *arms, "--out", tmp_path / "run")[0] == 0
    assert cli("explain", CRISIS, *small, *arms, "--seed", "9", "--out", tmp_path / "other_seed")[0] == 0
    status, _, err = cli("report", tmp_path / "run", "--explanation", tmp_path / "other_seed", "--out", tmp_path / "r")
    assert status == 2 and "is not about this run" in err and "its seed is 9" in err
    assert cli("explain", CRISIS, *small, "--arms", "no_hotline,answered_at_once", "--out", tmp_path / "arms")[0] == 0
    status, _, err = cli("report", tmp_path / "run", "--explanation", tmp_path / "arms", "--out", tmp_path / "r2")
    assert status == 2 and "answered_at_once are not in the run" in err
    assert cli("explain", CRISIS, *small, *arms, "--out", tmp_path / "same")[0] == 0
    assert cli("report", tmp_path / "run", "--explanation", tmp_path / "same", "--out", tmp_path / "r3")[0] == 0


def test_a_briefing_refuses_an_analysis_of_the_same_arms_on_another_model(tmp_path: Path, cli) -> None:
    # Same scenario name, seed, arms and main rung; only the model differs (a --set override, another
    # horizon): matched on each arm's fingerprint, so it is refused and the override is what it names.
    small = ["--replications", "4", "--workers", "1", "--arms", "no_hotline,hotline_as_is"]
    assert cli("run", CRISIS, *small, "--set", "horizon_days=3", "--out", tmp_path / "run")[0] == 0
    assert cli("explain", CRISIS, *small, "--set", "horizon_days=4", "--out", tmp_path / "longer")[0] == 0
    status, _, err = cli("report", tmp_path / "run", "--explanation", tmp_path / "longer", "--out", tmp_path / "r")
    assert status == 2 and "simulate another model" in err and "no_hotline, hotline_as_is" in err
    assert cli("robustness", CRISIS, *small, "--set", "horizon_days=3", "--set", "tension.initial=0.4",
               "--keys", "crisis.detention_probability", "--out", tmp_path / "rob")[0] == 0
    status, _, err = cli("report", tmp_path / "run", "--robustness", tmp_path / "rob", "--out", tmp_path / "r2")
    assert status == 2 and "simulate another model" in err
    assert not (tmp_path / "r").exists() and not (tmp_path / "r2").exists()
    # the same model with a different replication count is the same question: accepted
    assert cli("explain", CRISIS, *small[2:], "--replications", "6", "--set", "horizon_days=3",
               "--out", tmp_path / "same")[0] == 0
    assert cli("report", tmp_path / "run", "--explanation", tmp_path / "same", "--out", tmp_path / "r3")[0] == 0


@pytest.mark.parametrize("zone", ["localtime", "posixrules", "Factory"])
def test_only_iana_zone_names_are_zones(cli, zone: str) -> None:
    status, _, err = cli("validate", CRISIS, "--set", f"hotline.hours.time_zone={zone}")
    assert status == 2 and "is not an IANA zone name" in err


@pytest.mark.parametrize("zone, start, ok", [
    ("Europe/Berlin", "2026-01-01", False),   # summer time from March
    ("Australia/Sydney", "2026-05-01", False),  # summer time from October (horizon 365 days)
    ("Asia/Kolkata", "2026-01-01", True),      # no daylight saving time
    ("Etc/GMT-9", "2026-01-01", True),         # a fixed offset
])
def test_a_zone_whose_offset_changes_within_the_run_is_refused(cli, zone: str, start: str, ok: bool) -> None:
    status, _, err = cli("validate", CRISIS, "--set", f"time_zone={zone}", "--set", f"hotline.hours.time_zone={zone}",
                         "--set", "horizon_days=365", "--set", f"start_date={start}")
    assert (status == 0) == ok, err
    if not ok:
        assert "changes its UTC offset on" in err and "daylight saving time" in err


def test_an_interrupted_explain_says_that_nothing_was_kept(tmp_path: Path, cli, monkeypatch) -> None:
    import sim.cli.explain as explain_cli

    def interrupted(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise KeyboardInterrupt

    monkeypatch.setattr(explain_cli, "explain", interrupted)
    status, _, err = cli("explain", CRISIS, "--replications", "4", "--set", "horizon_days=3", "--out", tmp_path / "e")
    assert status == 130 and "cannot be resumed, so nothing was written" in err
    assert not (tmp_path / "e").exists()


def test_an_interrupted_robustness_after_a_run_says_how_to_finish(tmp_path: Path, cli, monkeypatch) -> None:
    import sim.cli.robustness as robustness_cli

    def interrupted(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise KeyboardInterrupt

    monkeypatch.setattr(robustness_cli, "robustness_for_run", interrupted)
    out = tmp_path / "r"
    status, _, err = cli("run", CRISIS, "--replications", "4", "--set", "horizon_days=3", "--workers", "1",
                         "--arms", "no_hotline,hotline_as_is", "--report", "--robustness", "--out", out)
    assert status == 130 and "the run in" in err and "is complete" in err
    assert f"hotline robustness --resume {out}/robustness" in err and f"hotline report {out} --robustness" in err
    assert (out / "summary.json").is_file()


@pytest.mark.parametrize("call, says", [
    (lambda f: f(123), "path must be a scenario file's path"),
    (lambda f: f(CRISIS, "horizon_days=3"), "sets must be a list"),
    (lambda f: f(CRISIS, ["horizon_days=3", 4]), "a mix of types"),
])
def test_load_scenario_checks_its_arguments_and_names_them(call, says: str) -> None:
    from sim import load_scenario

    with pytest.raises(TypeError, match=says):
        call(load_scenario)


def test_load_scenario_text_wants_text() -> None:
    from sim.scenario import load_scenario_text

    with pytest.raises(TypeError, match="text must be the scenario's YAML as a str"):
        load_scenario_text(MINIMAL.encode())  # type: ignore[arg-type]


def test_labels_the_font_cannot_draw_give_one_line_not_raw_warnings(tmp_path: Path, capsys) -> None:
    import warnings

    from matplotlib.figure import Figure

    from sim.report import saving

    saving._said.clear()
    fig = Figure()
    fig.add_subplot().set_title("\u5c16\u95a3 \u9493\u9c7c\u5c9b \U0001f6a2")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        saving.save_figure(fig, tmp_path / "a.png")
        saving.save_figure(fig, tmp_path / "a.pdf")
    assert not [w for w in caught if "Glyph" in str(w.message)]
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 1 and "U+5C16" in lines[0] and "install a font" in lines[0]
    assert (tmp_path / "a.png").is_file() and (tmp_path / "a.pdf").is_file()


def test_a_long_arm_name_is_wrapped_inside_the_difference_figure() -> None:
    from sim.report.figures import wrapped_arm

    name = "hotline_with_coast_guards_and_a_very_long_name_x"
    text = wrapped_arm(name)
    assert all(len(line) <= 22 for line in text.splitlines()) and len(text.splitlines()) <= 3
    assert text.replace("\n", " ").startswith("hotline with coast")
