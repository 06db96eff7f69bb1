"""The calibration table on a small scenario whose answers are known in closed form."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import pytest

from sim.run.calibration import observed_patterns
from sim.scenario import load_scenario

from .conftest import REPO

# Incidents that never escalate: Poisson counts with known means. 200 patrols a year on distinct days:
# expected days with a patrol = 365.25 * (1 - exp(-200/365.25)) = 154.9.
KNOWN = """
name: known answers
horizon_days: 365.25
replications: 400
parties:
  A: {label: Alpha, posture: {escalate_probability: 0, de_escalate_probability: 1}}
  B: {label: Beta, posture: {escalate_probability: 0, de_escalate_probability: 1}}
incident_types:
  patrol: {label: a patrol, rate_per_year: 200, initiator: A, layer: coast_guard, start_rung: routine_presence,
           counts_as: [contiguous_zone_days]}
  entry: {label: an entry, rate_per_year: 30, initiator: A, layer: coast_guard, start_rung: territorial_entry,
          counts_as: [territorial_sea_entries]}
  pursuit: {label: a pursuit, rate_per_year: 12, initiator: A, layer: coast_guard, start_rung: shadowing,
            counts_as: [fishing_boat_pursuits]}
  scramble: {label: a scramble, rate_per_year: 500, initiator: A, layer: air, start_rung: forces_engaged,
             counts_as: [scrambles_against_china]}
tension: {arrival_feedback: 0}
"""


def test_observed_bands_come_from_the_seed_tables() -> None:
    observed = observed_patterns(REPO / "seeds")
    assert (observed["contiguous_zone_days"].low, observed["contiguous_zone_days"].high) == (332, 355)
    assert (observed["territorial_sea_entries"].low, observed["territorial_sea_entries"].high) == (19, 39)
    assert (observed["scrambles_against_china"].low, observed["scrambles_against_china"].high) == (458, 722)
    assert observed["armed_clashes_15_years"].high == 0


def test_calibration_table_reproduces_known_means(tmp_path: Path, cli) -> None:
    scenario = tmp_path / "known.yaml"
    scenario.write_text(KNOWN)
    status, out, err = cli("calibrate", scenario, "--data", REPO / "seeds", "--out", tmp_path / "cal",
                           "--workers", "1")
    assert status == 0, err
    with open(tmp_path / "cal" / "calibration.csv") as fh:
        rows = {r["pattern"]: r for r in csv.DictReader(fh)}
    # 400 replications: SE of a Poisson(30) mean is 0.27, of Poisson(500) 1.1, of the day count ~0.4.
    # Tolerance 4 SE.
    days = float(rows["contiguous_zone_days"]["simulated_mean"])
    assert days == pytest.approx(365.25 * (1 - math.exp(-200 / 365.25)), abs=4 * 0.45)
    assert float(rows["territorial_sea_entries"]["simulated_mean"]) == pytest.approx(30, abs=4 * 0.28)
    assert float(rows["scrambles_against_china"]["simulated_mean"]) == pytest.approx(500, abs=4 * 1.12)
    assert rows["territorial_sea_entries"]["inside"] == "True"
    assert rows["contiguous_zone_days"]["inside"] == "False"  # 155 days: far below the observed 332-355
    assert "armed clashes in 15 years" in out and (tmp_path / "cal" / "calibration.png").is_file()


def test_flagship_fitted_patterns_fall_inside_their_bands(tmp_path: Path) -> None:
    from sim.cli.calibrate import run_calibration

    # 2,000 years, as the README's run: about 55 reach limited force, so the share of them that go on to an
    # armed clash is known to +/-7 points (90%), inside a band of 2.4-16.7%; a model that saturates at the top
    # (93% before the crisis phase) or one that never escalates (0%) falls outside.
    loaded = load_scenario(REPO / "scenarios" / "senkaku_baseline.yaml")
    text = run_calibration(loaded, "no_hotline", 2000, None, None, tmp_path / "cal", 2)
    lines = [line for line in text.splitlines() if "  fitted  " in line]
    # five patterns, serious incidents for each of three force layers, and the top of the ladder (two)
    assert len(lines) == 10
    assert sum("started by" in line for line in lines) == 3
    assert sum(line.startswith(("P(armed clash | limited force", "days to settle")) for line in lines) == 2
    assert all(line.rstrip().endswith("yes") for line in lines), text
