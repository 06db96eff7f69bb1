"""Hypothesis over the command line: any value of any option gives success or exit 2 with a one-line
message; never a traceback, never "this is a bug", and the scenario given is never changed."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.cli import main
from sim.run.executors import ExecutorError, check_scheduler_address

from .conftest import MINIMAL, REPO

SIZES = st.one_of(st.integers(-3, 4), st.integers(10**7, 10**30), st.sampled_from(["", " ", "1e3", "0x10", "٣",
                                                                                  "１", "1_0", "nan", "-0"]))
TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=20)
WORDS = st.one_of(TEXT, st.sampled_from(["baseline", "a,b", ",", "baseline,baseline", "no_hotline"]))
SETS = st.one_of(TEXT, st.builds(lambda k, v: f"{k}={v}", st.sampled_from(
    ["horizon_days", "hotline.lines", "parties.A.label", "seed", "arms", "extends", "incident_types.patrol",
     "incident_types.patrol.rate_per_year", "parties.\u00b2", "x..y", ""]), TEXT))
FLOATS = st.one_of(st.floats(allow_nan=True, allow_infinity=True).map(repr), TEXT)
PARAMS = st.one_of(TEXT, st.builds(lambda k, v: f"{k}={v}", st.sampled_from(
    ["hotline.lines", "incident_types.patrol.rate_per_year", "tension.escalation_feedback", "a+a", "+"]),
    st.sampled_from(["1,2", "0:1", "1:0", "x", "", "nan:1", "1,[2]", "{a: 1}", "1e400,2", "-1,3"])))

OPTIONS: dict[str, dict[str, st.SearchStrategy]] = {
    "validate": {"--set": SETS, "--allow-extends": TEXT},
    "run": {"--replications": SIZES, "--seed": SIZES, "--workers": SIZES, "--arms": WORDS, "--set": SETS,
            "--precision": FLOATS, "--max-replications": SIZES, "--allow-extends": TEXT,
            "--scheduler": TEXT, "--executor": st.sampled_from(["local", "dask ", "", "LOCAL"])},
    "trace": {"--arm": WORDS, "--replication": SIZES, "--seed": SIZES, "--set": SETS,
              "--find": st.sampled_from(["in-time", "clash", "nothing", ""]), "--allow-extends": TEXT},
    "calibrate": {"--arm": WORDS, "--replications": SIZES, "--seed": SIZES, "--set": SETS, "--data": TEXT},
    "sweep": {"--param": PARAMS, "--design": st.sampled_from(["grid", "lhs", "sobol", "morris", "x"]),
              "--samples": SIZES, "--replications": SIZES, "--seed": SIZES, "--arms": WORDS, "--set": SETS},
}
SMALL = {"run": ["--replications", "2"], "sweep": ["--replications", "2"], "calibrate": ["--replications", "2"]}


@st.composite
def command_lines(draw: st.DrawFn) -> list[str]:
    command = draw(st.sampled_from(sorted(OPTIONS)))
    chosen = draw(st.lists(st.sampled_from(sorted(OPTIONS[command])), max_size=4, unique=True))
    argv = [command, "SCENARIO", *SMALL.get(command, [])]
    for option in chosen:
        value = str(draw(OPTIONS[command][option]))
        argv += [f"{option}={value}"]  # `=` keeps values that start with '-' as values
    return [*argv, "--set", "horizon_days=2"]


def _run(argv: list[str]) -> tuple[int, str]:
    import contextlib
    import io

    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        try:
            status = main(argv)
        except SystemExit as exc:  # argparse refuses a value
            status = exc.code if isinstance(exc.code, int) else 2
    return status, err.getvalue()


@settings(max_examples=60, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(argv=command_lines())
def test_any_option_value_gives_success_or_exit_2(tmp_path: Path, argv: list[str]) -> None:
    work = Path(tempfile.mkdtemp(dir=tmp_path))
    scenario = work / "s.yaml"
    scenario.write_text(MINIMAL)
    argv = [str(scenario) if a == "SCENARIO" else a for a in argv]
    if argv[0] in ("run", "sweep", "calibrate"):
        argv += ["--out", str(work / "out")]
    if argv[0] in ("run", "sweep"):
        argv += ["--quiet"]
    status, err = _run(argv)
    assert status in (0, 2), (argv, err)
    assert "Traceback" not in err and "internal error" not in err, (argv, err)
    assert scenario.read_text() == MINIMAL


@pytest.fixture(scope="module")
def finished(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("done") / "r"
    assert main(["run", str(REPO / "scenarios" / "radar_lock_crisis.yaml"), "--replications", "3", "--workers",
                 "1", "--quiet", "--set", "horizon_days=5", "--out", str(out)]) == 0
    return out


@settings(max_examples=6, deadline=None, derandomize=True,  # a valid report draws every figure: ~3 s
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(formats=st.one_of(TEXT, st.sampled_from(["png", "pdf,png", "svg,", ",", "PNG", "png,png", "jpg"])),
       out=st.one_of(st.none(), TEXT))
def test_report_and_compare_options_give_success_or_exit_2(finished: Path, tmp_path: Path, formats: str,
                                                             out: str | None) -> None:
    copy = Path(tempfile.mkdtemp(dir=tmp_path)) / "r"
    shutil.copytree(finished, copy)
    where = [] if out is None else [f"--out={copy.parent / 'o' / out}"]
    for argv in (["report", str(copy), f"--format={formats}", *where], ["compare", str(copy), str(finished), *where]):
        status, err = _run(argv)
        assert status in (0, 2), (argv, err)
        assert "Traceback" not in err and "internal error" not in err, (argv, err)
    assert (copy / "replications.csv").read_bytes() == (finished / "replications.csv").read_bytes()


@settings(max_examples=200, deadline=None, derandomize=True)
@given(address=TEXT)
def test_any_scheduler_text_is_an_address_or_a_clear_refusal(address: str) -> None:
    try:
        normal = check_scheduler_address(address)
    except ExecutorError as exc:
        assert "tcp://HOST:PORT" in str(exc)
    else:
        assert normal.startswith("tcp://")
