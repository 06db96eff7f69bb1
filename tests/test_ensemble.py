"""The ensemble (`hotline fit`, `run --ensemble`): likelihoods against closed forms, a recovery test
(simulation-based calibration), a flat likelihood that gives back the prior, the answers over an ensemble
against a hand computation, PRIM on a planted box, and the command line with its resume and refusals."""

from __future__ import annotations

import gc
import json
import math
from pathlib import Path

import numpy as np
import pytest
from scipy import integrate
from scipy.stats import beta, gamma, norm, poisson

from sim import load_scenario
from sim.folder.fit_folder import run_member
from sim.run.ensemble import (
    Prior,
    draw_members,
    effective_size,
    ensemble_answer,
    fit_summary,
    resample,
    weighted_quantile,
    weights_of,
)
from sim.run.evidence import Band, Count, Level, Tally
from sim.run.executors import SerialExecutor
from sim.scenario.load import load_scenario_text

REPO = Path(__file__).resolve().parents[1]
FLAGSHIP = REPO / "scenarios" / "senkaku_baseline.yaml"


def _noop(t: Tally, row: dict) -> None:
    return None


@pytest.mark.parametrize(("k", "total", "years", "span"), [(0, 0.0, 50.0, 15.0), (3, 12.0, 100.0, 16.0),
                                                           (1, 40.0, 20.0, 16.0)])
def test_a_count_is_the_poisson_likelihood_averaged_over_the_rate_the_simulation_allows(k, total, years, span) -> None:
    """Count's likelihood equals the integral of Poisson(k; rate x span) over the rate's Gamma(S + 1/2, Y)
    distribution given S events in Y simulated years, computed by quadrature (tolerance 1e-8 relative:
    quadrature error only)."""
    e = Count("c", "c", "count", "", "", _noop, observed=k, years=span)
    post = gamma(total + 0.5, scale=1.0 / years)
    exact, _ = integrate.quad(lambda lam: poisson.pmf(k, lam * span) * post.pdf(lam), 0, np.inf, limit=200)
    assert math.exp(e.loglik(Tally(total, 0.0, years))) == pytest.approx(exact, rel=1e-8)


def test_a_level_and_a_band_are_their_stated_distances() -> None:
    """Level: the normal density of the simulated mean around the observed mean, spread widened by the
    simulation's standard error; Band: the Beta(k + 1/2, n - k + 1/2) mass inside the band."""
    values = [10.0, 12.0, 11.0, 13.0]
    t = Tally(sum(values), sum(v * v for v in values), len(values))
    lv = Level("l", "l", "level", "", "", _noop, mean=11.0, spread=2.0)
    se2 = np.var(values, ddof=1) / len(values)
    assert lv.loglik(t) == pytest.approx(norm.logpdf(11.5, 11.0, math.sqrt(4.0 + se2)), rel=1e-12)
    b = Band("b", "b", "band", "", "", _noop, low=0.02, high=0.2)
    d = beta(3.5, 17.5)
    assert b.loglik(Tally(3.0, 0.0, 20.0)) == pytest.approx(math.log(d.cdf(0.2) - d.cdf(0.02)), rel=1e-12)


def test_weights_effective_size_quantiles_and_resampling() -> None:
    w = weights_of([0.0, math.log(3.0), -math.inf])
    assert w.tolist() == pytest.approx([0.25, 0.75, 0.0])
    assert effective_size(np.full(8, 1 / 8)) == pytest.approx(8.0)
    assert weighted_quantile([1, 2, 3, 4, 5], [1, 1, 1, 1, 1], 0.5) == pytest.approx(3.0)
    assert weighted_quantile([1, 2, 3], [0, 1, 0], 0.9) == pytest.approx(2.0)
    drawn = resample(np.array([0.1, 0.6, 0.3]), 100, seed=4)
    assert sum(drawn.values()) == 100
    # Systematic resampling draws each member within one of its expected count.
    assert all(abs(drawn.get(i, 0) - 100 * p) < 1.0 + 1e-9 for i, p in enumerate([0.1, 0.6, 0.3]))
    with pytest.raises(ValueError, match="no member"):
        weights_of([-math.inf])


def test_the_latin_hypercube_puts_one_member_in_each_stratum_of_each_prior() -> None:
    priors = [Prior("a", 0.0, 1.0), Prior("b", 2.0, 6.0), Prior("c", 1.0, 9.0, integer=True)]
    members = draw_members(priors, 10, seed=3)
    for p in priors[:2]:
        strata = sorted(int((m[p.key] - p.low) / (p.high - p.low) * 10) for m in members)
        assert strata == list(range(10))
    assert all(float(m["c"]).is_integer() and 1 <= m["c"] <= 9 for m in members)
    assert draw_members(priors, 10, seed=3) == members


ONE_TYPE = """
name: recovery
horizon_days: 365.25
parties:
  A: {label: Alpha}
  B: {label: Beta}
hotline: {enabled: false}
incident_types:
  patrol:
    label: a patrol
    rate_per_year: 20
    initiator: A
    layer: navy
    start_rung: routine_presence
"""


def _count_evidence(k: int, years: float) -> Count:
    def add(t: Tally, row: dict) -> None:
        t.total += row["incidents_patrol"]
        t.n += 1.0

    return Count("patrols", "patrols", "count", "", f"{k} in {years:g} years", add, observed=k, years=years)


def test_recovery_known_rates_fall_inside_the_ensembles_central_90_percent() -> None:
    """Simulation-based calibration: 20 times, a true rate is drawn from the prior (uniform 5-40 a year),
    the model at that rate generates a record (incidents in 3 years, on seeds no member uses), and a fit of
    30 members x 8 years weighs the prior's draws by it. A calibrated fit holds the truth in its central 90%
    in 90% of repetitions; the test asks for 15 of 20 (a calibrated fit falls below that with probability
    0.011, and a fit that ignores the record's noise or its own falls far below it)."""
    loaded = load_scenario_text(ONE_TYPE)
    arm = next(iter(loaded.arms))
    prior = Prior("incident_types.patrol.rate_per_year", 5.0, 40.0)
    # Each chunk of replications ends with a garbage collection, which in a test process full of objects
    # costs more than the chunk: freeze what exists now so that collections look at the new objects only.
    gc.freeze()
    rng = np.random.default_rng(2026)
    executor = SerialExecutor()
    inside = 0
    widths = []
    for rep in range(20):
        truth = float(rng.uniform(prior.low, prior.high))
        record = _count_evidence(0, 3.0)
        t, _ = run_member(loaded, arm, {prior.key: truth}, 3, 10_000 + rep, [record], executor)
        evidence = [_count_evidence(int(t["patrols"].total), 3.0)]
        members = draw_members([prior], 30, seed=rep)
        tallies, logliks = [], []
        for m in members:
            tt, ll = run_member(loaded, arm, m, 8, 77, evidence, executor)
            tallies.append(tt)
            logliks.append(sum(ll.values()))
        summary = fit_summary([prior], members, evidence, tallies, logliks)
        post = summary["parameters"][prior.key]["posterior"]
        inside += post["p05"] <= truth <= post["p95"]
        widths.append(post["p95"] - post["p05"])
    gc.unfreeze()
    assert inside >= 15, inside
    # ... and the record informs: the central 90% is narrower than the prior's (31.5 of 35 wide).
    assert float(np.median(widths)) < 0.6 * 31.5, widths


def test_patterns_that_no_prior_can_move_give_back_the_prior() -> None:
    """On the flagship's arm without a hotline, China's and Japan's answer probabilities act on nothing:
    every member runs the same seeds, so every pattern's tally is the same in every member, the weights
    stay equal (effective size = members, exactly) and the ensemble's quantiles are the prior draw's."""
    loaded = load_scenario(FLAGSHIP)
    priors = [Prior("parties.CHN.hotline.answer_probability", 0.3, 0.9),
              Prior("parties.JPN.hotline.answer_probability", 0.6, 1.0)]
    from sim.folder.fit_folder import fit_evidence

    evidence = fit_evidence(loaded, "no_hotline", REPO / "seeds")
    assert {e.kind for e in evidence} == {"count", "level", "band"}
    members = draw_members(priors, 6, seed=1)
    tallies, logliks = [], []
    for m in members:
        t, ll = run_member(loaded, "no_hotline", m, 4, 5, evidence, SerialExecutor())
        tallies.append(t)
        logliks.append(sum(ll.values()))
    assert len(set(logliks)) == 1
    summary = fit_summary(priors, members, evidence, tallies, logliks)
    assert summary["effective_size"] == pytest.approx(6.0, rel=1e-12)
    for p in priors:
        x = [m[p.key] for m in members]
        assert summary["parameters"][p.key]["posterior"]["median"] == pytest.approx(float(np.median(x)))


def test_answers_over_an_ensemble_match_a_hand_computation() -> None:
    """Three members with shares 0.5, 0.25, 0.25: the mean is the weighted mean; the between-model variance
    is the weighted variance less the weighted squared standard errors; the Monte Carlo standard error of
    the mean is sqrt(sum of w^2 se^2); the share lowering the risk sums the shares of negative estimates."""
    z = 1.959963984540054
    rows = [{"point": i, "arm": "b", "diff_main": d, "diff_main_low": d - z * s, "diff_main_high": d + z * s}
            for i, (d, s) in enumerate([(-0.02, 0.004), (0.01, 0.002), (-0.04, 0.01)])]
    got = ensemble_answer(rows, {0: 0.5, 1: 0.25, 2: 0.25}, "b", "a")
    w, d, s = np.array([0.5, 0.25, 0.25]), np.array([-0.02, 0.01, -0.04]), np.array([0.004, 0.002, 0.01])
    mean = float(w @ d)
    assert got["mean"] == pytest.approx(mean)
    assert got["between_sd"] == pytest.approx(math.sqrt(float(w @ (d - mean) ** 2) - float(w @ s**2)))
    assert got["mc_high"] - got["mean"] == pytest.approx(z * math.sqrt(float(w**2 @ s**2)))
    assert got["share_lower"] == pytest.approx(0.75)
    assert got["share_clearly_lower"] == pytest.approx(0.75)


def test_prim_finds_a_planted_box_and_says_so_in_one_sentence() -> None:
    pytest.importorskip("ema_workbench")
    from sim.run.discovery import box_sentence, prim_box

    rng = np.random.default_rng(8)
    a, b = rng.random(300), rng.random(300)
    fails = (a < 0.3) & (b > 0.5)
    box = prim_box({"answer": a, "feedback": b}, fails, [1] * 300)
    assert box["found"]
    assert box["limits"]["answer"]["high"] == pytest.approx(0.3, abs=0.05)
    assert box["limits"]["feedback"]["low"] == pytest.approx(0.5, abs=0.05)
    assert box["coverage"] >= 0.8 and box["density"] >= 0.8
    text = box_sentence(box)
    assert "answer is below 0.289" in text and "feedback is above 0.502" in text
    nothing = prim_box({"answer": a}, np.zeros(300, dtype=bool), [1] * 300)
    assert not nothing["found"] and "holds in every member" in box_sentence(nothing)
    # Failures no more frequent than noise would make them: the sentence says so instead of a finding.
    assert "may be noise" in box_sentence({**box, "noise_rate": 0.5})
    # 32% failing among 40 draws against 31% from noise is not beyond noise; 60% is.
    from sim.run.discovery import beyond_noise

    assert not beyond_noise(0.32, 40, 0.31) and beyond_noise(0.6, 40, 0.31)


def test_fit_then_run_on_the_ensemble_then_the_briefing(tmp_path: Path, cli) -> None:
    """The whole path on the flagship, small: a fit interrupted after its members are written resumes to
    the same ensemble; run --ensemble writes the answers and the briefing gets the page."""
    fit = tmp_path / "fit"
    status, out, err = cli("fit", str(FLAGSHIP), "--members", "6", "--years", "4", "--out", str(fit), "--quiet")
    assert status == 0, err
    assert "effective sample size" in out and "inside" in out
    first = json.loads((fit / "ensemble.json").read_text())
    # Resume a finished fit: nothing runs again and the ensemble is written again the same.
    status, _, err = cli("fit", "--resume", str(fit), "--quiet")
    assert status == 0, err
    assert json.loads((fit / "ensemble.json").read_text()) == first
    # An interrupted fit: drop the last member's row as a kill would have left it, then resume.
    manifest = json.loads((fit / "manifest.json").read_text())
    lines = (fit / "members.csv").read_text().splitlines(keepends=True)
    kept = "".join(lines[:-1]).encode()
    import hashlib

    manifest.update(status="interrupted", members_done=5,
                    committed={"members.csv": {"bytes": len(kept), "sha256": hashlib.sha256(kept).hexdigest()}})
    (fit / "manifest.json").write_text(json.dumps(manifest))
    status, _, err = cli("fit", "--resume", str(fit), "--quiet")
    assert status == 0, err
    assert json.loads((fit / "ensemble.json").read_text()) == first
    run = tmp_path / "run"
    status, out, err = cli("run", str(FLAGSHIP), "--arms", "no_hotline,hotline_as_is", "--replications", "20",
                           "--ensemble", str(fit), "--ensemble-members", "4", "--ensemble-replications", "10",
                           "--out", str(run), "--report", "--quiet")
    assert status == 0, err
    assert "over the ensemble" in out
    answer = json.loads((run / "ensemble_answer.json").read_text())
    assert answer["status"] == "complete" and answer["answers"][0]["arm"] == "hotline_as_is"
    assert sum(answer["plan"]["points_draws"]) == 4
    assert (run / "figures" / "ensemble.png").is_file()


def test_fit_refusals(tmp_path: Path, cli, write) -> None:
    status, _, err = cli("fit", str(FLAGSHIP), "--prior", "tension.no_such_key=0:1", "--out", str(tmp_path / "a"))
    assert status == 2 and "names no number" in err
    status, _, err = cli("fit", str(FLAGSHIP), "--prior", "seed=0:1", "--out", str(tmp_path / "a"))
    assert status == 2 and "run setting" in err
    status, _, err = cli("fit", str(FLAGSHIP), "--prior", "tension.escalation_feedback=0.5", "--out", str(tmp_path / "a"))
    assert status == 2 and "LOW:HIGH" in err
    plain = write(ONE_TYPE)
    status, _, err = cli("fit", str(plain), "--data", str(REPO / "seeds"), "--out", str(tmp_path / "b"))
    assert status == 2 and "nothing to fit" in err
    status, _, err = cli("fit", "--resume", str(tmp_path / "nothing"))
    assert status == 2 and "not a results folder" in err
    status, _, err = cli("fit", "--resume", str(tmp_path), "--members", "3")
    assert status == 2 and "drop --members" in err
    status, _, err = cli("run", str(FLAGSHIP), "--ensemble", str(tmp_path / "nothing"), "--out", str(tmp_path / "r"))
    assert status == 2 and "not a results folder" in err


def test_a_prior_outside_the_fields_range_and_an_arm_that_sets_a_fitted_key_are_refused(tmp_path: Path, cli) -> None:
    status, _, err = cli("fit", str(FLAGSHIP), "--prior", "parties.CHN.hotline.answer_probability=0.5:1.5",
                         "--out", str(tmp_path / "a"))
    assert status == 2 and "takes values from 0.0 to 1.0" in err
    text = FLAGSHIP.read_text(encoding="utf-8").replace(
        "  hotline_as_is: {}\n", "  hotline_as_is: {}\n  eager_china:\n    parties.CHN.hotline.answer_probability: 0.95\n")
    scenario = tmp_path / "s.yaml"
    scenario.write_text(text, encoding="utf-8")
    fit = tmp_path / "fit"
    status, _, err = cli("fit", str(scenario), "--data", str(REPO / "seeds"), "--set", "horizon_days=20",
                         "--members", "2", "--years", "2", "--out", str(fit), "--quiet")
    assert status == 0, err
    # eager_china sets China's answer probability itself, which the ensemble varies (ranges:).
    status, _, err = cli("run", str(scenario), "--arms", "no_hotline,eager_china", "--set", "horizon_days=20",
                         "--replications", "5", "--ensemble", str(fit), "--out", str(tmp_path / "r"))
    assert status == 2 and "arm eager_china sets parties.CHN.hotline.answer_probability itself" in err
    assert not (tmp_path / "r").exists()


def test_members_run_on_their_own_seeds_and_arms_share_a_members(tmp_path: Path) -> None:
    """Two members with the same values on their own seeds give different rows (independent Monte Carlo
    errors, so the between-member spread less the noise is the assumptions' spread); the same seed twice
    gives the same rows."""
    from sim.folder.ensemble_run import member_seeds
    from sim.folder.files import ResultsFolder
    from sim.folder.sweep_folder import read_sweep_rows, start_sweep
    from sim.run.sweep import Parameter

    seeds = member_seeds(20211227, [3, 7, 3])
    assert seeds[0] == seeds[2] != seeds[1] and all(0 <= s < 2**63 for s in seeds)
    loaded = load_scenario(FLAGSHIP, ["horizon_days=60"]).select(("no_hotline", "hotline_as_is"))
    param = [Parameter(("tension.escalation_feedback",), None, 0.0, 0.6)]
    points = [{"tension.escalation_feedback": 0.3}] * 3
    out = tmp_path / "sweep"
    start_sweep(loaded, param, points, "ensemble", 3, ("no_hotline", "hotline_as_is"), 40, 1, out, False,
                SerialExecutor(), [], folder=ResultsFolder.create(out), point_seeds=seeds)
    rows = read_sweep_rows(out)
    by = {(int(r["point"]), r["arm"]): (r["p_serious"], r["calls_placed"]) for r in rows}
    assert by[(0, "hotline_as_is")] == by[(2, "hotline_as_is")]
    assert by[(0, "hotline_as_is")] != by[(1, "hotline_as_is")]


def test_a_fit_on_dask_writes_the_same_members_as_on_one_process(tmp_path: Path) -> None:
    pytest.importorskip("distributed", reason="the distributed extra (dask.distributed) is not installed")
    from sim.folder.files import ResultsFolder
    from sim.folder.fit_folder import start_fit
    from sim.run.executors import DaskExecutor

    loaded = load_scenario(FLAGSHIP, ["horizon_days=20"])
    priors = [Prior("tension.escalation_feedback", 0.0, 0.6), Prior("parties.CHN.posture.retaliation_multiplier", 1.5, 4.5)]
    members = draw_members(priors, 3, seed=9)

    def fit(out: Path, executor) -> bytes:
        start_fit(loaded, "no_hotline", priors, members, 10, 3, REPO / "seeds", ResultsFolder.create(out), executor, [])
        return (out / "members.csv").read_bytes()

    dask = DaskExecutor(2)
    try:
        assert fit(tmp_path / "dask", dask) == fit(tmp_path / "local", SerialExecutor())
    finally:
        dask.close()
