"""Calibration and validation against the public record: observed patterns beside simulated ones.

Observed values come from the calibration tables in `seeds/` (or `--data DIR`); simulated values from
replications of one arm. Each pattern is either *fitted* (parameters were set to reproduce it) or
*held back* (validation only). Knows nothing of SimPy: it reads replication rows.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["Pattern", "Observed", "PATTERNS", "observed_patterns", "CalibrationRow", "calibrate_rows",
           "read_table", "LAYER_PREFIX", "LIMITED_FORCE_CASES"]

Row = dict[str, Any]


@dataclass(frozen=True)
class Observed:
    """An observed value or range, with what it rests on."""

    low: float
    high: float
    note: str

    def text(self) -> str:
        return f"{self.low:g}" if self.low == self.high else f"{self.low:g}-{self.high:g}"


@dataclass(frozen=True)
class Pattern:
    """A pattern in the record and how to measure it in one replication (per year of simulated time)."""

    key: str
    label: str
    fitted: bool
    measure: Callable[[Row, float, dict[str, list[str]]], float | None]
    kind: str = "count"  # "count": compare the simulated mean with the observed band; "none-in": see below


def read_table(path: Path) -> list[dict[str, str]]:
    """A calibration CSV: `#` comment lines, then a header and rows."""
    with open(path, encoding="utf-8") as fh:
        lines = [line for line in fh if not line.startswith("#") and line.strip()]
    return list(csv.DictReader(lines))


def column_values(rows: list[dict[str, str]], column: str, years: Iterable[int], year_key: str = "year") -> list[float]:
    """The values of `column` in the rows of the given years (blank cells left out)."""
    wanted = set(years)
    return [float(r[column]) for r in rows if r.get(column) and int(r[year_key]) in wanted]


def _band(values: list[float], note: str) -> Observed:
    if not values:
        raise ValueError(f"no observed values ({note})")
    return Observed(min(values), max(values), note)


def observed_patterns(data: Path) -> dict[str, Observed]:
    """Observed bands from the calibration tables (full years only)."""
    presence = read_table(data / "senkaku_presence.csv")
    scrambles = read_table(data / "jasdf_scrambles.csv")
    incidents = read_table(data / "incidents.csv")
    years = range(2020, 2025)  # 2025 figures are partial-year
    serious = [r for r in incidents if r.get("ladder_rung") and int(r["ladder_rung"]) >= 5]
    radar = [r for r in incidents if r.get("ladder_rung") and int(r["ladder_rung"]) >= 6]
    span_years = 2025 - 2010 + 1
    return {
        "contiguous_zone_days": _band(column_values(presence, "contiguous_zone_days", years),
                                      "senkaku_presence.csv, 2020-2024"),
        "territorial_sea_entries": _band(column_values(presence, "territorial_sea_entries", years),
                                         "senkaku_presence.csv, 2020-2024"),
        "fishing_boat_pursuits": _band(column_values(presence, "fishing_boat_approaches", years),
                                       "senkaku_presence.csv, 2020-2024"),
        "scrambles_against_china": _band(column_values(scrambles, "against_china", years, "fiscal_year"),
                                         "jasdf_scrambles.csv, FY2020-2024"),
        "serious_per_decade": Observed(round(0.6 * len(serious) * 10 / span_years, 2),
                                       round(1.5 * len(serious) * 10 / span_years, 2),
                                       f"incidents.csv: {len(serious)} incidents at rung 5 or higher in "
                                       "2010-2025 (band: 0.6-1.5x the observed rate)"),
        "radar_lock_per_decade": Observed(round(0.5 * len(radar) * 10 / span_years, 2),
                                          round(2.0 * len(radar) * 10 / span_years, 2),
                                          f"incidents.csv: {len(radar)} incidents at rung 6 (radar locks) in "
                                          "2010-2025 (band: 0.5-2x; few events)"),
        "armed_clashes_15_years": Observed(0, 0, "hotline_facts.md: none between state forces 2010-2025"),
        **_serious_by_layer(serious, span_years),
        **_top_of_ladder(data / LIMITED_FORCE_CASES),
    }


LIMITED_FORCE_CASES = "limited_force_cases.csv"
MID_RATE_KEY = "mid_war_given_force_1946"


def _top_of_ladder(path: Path) -> dict[str, Observed]:
    """The reference class for the top of the ladder (`seeds/limited_force_cases.csv`; none when the data
    folder has no such table). P(armed clash | limited force): from the MID rate of war given the use of
    force (a floor: war is one kind of armed clash) to the share of the table's force cases that an armed
    response followed (a ceiling: remembered cases are the deadly ones). The length of a settled crisis:
    the middle half (25th-75th percentile) of the days to a release or settlement over the cases that ended."""
    if not path.exists():
        return {}
    rate = None
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("#") and MID_RATE_KEY in line:
                rate = float(line.split(":", 1)[1])
    if rate is None:
        raise ValueError(f"{path.name} has no '# {MID_RATE_KEY}: RATE' line")
    rows = read_table(path)
    force = [r for r in rows if r["highest"].strip() == "force"]
    followed = sum(r["outcome"].strip() == "clash_followed" for r in force)
    if not force:
        raise ValueError(f"{path.name} has no rows with highest = force")
    ended = sorted(float(r["crisis_days"]) for r in rows
                   if r["outcome"].strip() == "ended" and (r.get("crisis_days") or "").strip())
    out = {"clash_given_limited_force": Observed(
        rate, round(followed / len(force), 3),
        f"{path.name}: floor the MID rate of war given force ({rate:g}), ceiling the table's share of force "
        f"cases an armed response followed ({followed} of {len(force)})")}
    if len(ended) >= 4:
        out["settled_crisis_days"] = Observed(
            round(_quantile(ended, 0.25), 1), round(_quantile(ended, 0.75), 1),
            f"{path.name}: middle half of the days to a release or settlement, {len(ended)} cases that ended")
    return out


LAYER_PREFIX = "serious_per_decade_"


def _serious_by_layer(serious: list[dict[str, str]], span_years: int) -> dict[str, Observed]:
    """Serious incidents per decade for each force layer named in the table's `layer` column, as the exact
    (Garwood) 90% Poisson interval of the observed count: with one or three events, a band of 0.6-1.5x
    the observed rate would claim a precision the record does not have."""
    from scipy.stats import chi2

    counts: dict[str, int] = {}
    for r in serious:
        layer = (r.get("layer") or "").strip()
        if layer:
            counts[layer] = counts.get(layer, 0) + 1
    out = {}
    for layer, k in sorted(counts.items()):
        low = chi2.ppf(0.05, 2 * k) / 2 if k else 0.0
        high = chi2.ppf(0.95, 2 * k + 2) / 2
        out[LAYER_PREFIX + layer] = Observed(round(low * 10 / span_years, 2), round(high * 10 / span_years, 2),
                                            f"incidents.csv: {k} serious incident(s) started by {layer} in "
                                            "2010-2025 (exact 90% Poisson band)")
    return out


def _per_year(value: float, horizon_days: float) -> float:
    return value * 365.25 / horizon_days


def _sum_types(column: str, pattern: str) -> Callable[[Row, float, dict[str, list[str]]], float | None]:
    def measure(row: Row, horizon: float, tags: dict[str, list[str]]) -> float | None:
        types = tags.get(pattern, [])
        if not types:
            return None
        return _per_year(sum(row[f"{column}_{t}"] for t in types), horizon)

    return measure


def _reached(rung_column: str, per: float) -> Callable[[Row, float, dict[str, list[str]]], float | None]:
    def measure(row: Row, horizon: float, tags: dict[str, list[str]]) -> float | None:
        return per * _per_year(row[rung_column], horizon)

    return measure


PATTERNS = [
    Pattern("contiguous_zone_days", "contiguous-zone presence, days a year", True,
            _sum_types("incident_days", "contiguous_zone_days")),
    Pattern("territorial_sea_entries", "territorial-sea entries a year", True,
            _sum_types("incidents", "territorial_sea_entries")),
    Pattern("fishing_boat_pursuits", "pursuits of fishing boats a year", True,
            _sum_types("incidents", "fishing_boat_pursuits")),
    Pattern("scrambles_against_china", "scrambles against Chinese aircraft a year", True,
            _sum_types("incidents", "scrambles_against_china")),
    Pattern("serious_per_decade", "serious incidents (rung 5-6 or higher) per decade", True,
            _reached("serious_incidents", 10.0)),
    Pattern("radar_lock_per_decade", "years with weapon-directed signalling, per decade", False,
            lambda row, horizon, tags: None),  # filled in by calibrate_rows from the weapons rung
    Pattern("armed_clashes_15_years", "armed clashes in 15 years", False,
            lambda row, horizon, tags: None, kind="none-in"),
]


@dataclass(frozen=True)
class CalibrationRow:
    key: str
    label: str
    fitted: bool
    observed: Observed
    mean: float
    low: float
    high: float
    inside: bool
    note: str

    def as_csv(self) -> dict[str, Any]:
        return {"pattern": self.key, "label": self.label, "use": "fitted" if self.fitted else "validation",
                "observed_low": self.observed.low, "observed_high": self.observed.high,
                "simulated_mean": round(self.mean, 4), "simulated_p05": round(self.low, 4),
                "simulated_p95": round(self.high, 4), "inside": self.inside, "source": self.observed.note,
                "note": self.note}


def _quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return math.nan
    pos = q * (len(ordered) - 1)
    lo, hi = math.floor(pos), math.ceil(pos)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


def calibrate_rows(rows: list[Row], horizon_days: float, tags: dict[str, list[str]], weapons_rung_id: str,
                   top_rung: int, observed: dict[str, Observed],
                   force_rung_id: str | None = None) -> list[CalibrationRow]:
    """Compare simulated patterns (mean and 90% interval over replications) with the observed ones; with
    `force_rung_id` (the rung of limited force, where a crisis opens), also the top of the ladder."""
    out = []
    n = len(rows)
    patterns = list(PATTERNS)
    for key in observed:
        if key.startswith(LAYER_PREFIX):
            layer = key.removeprefix(LAYER_PREFIX)
            patterns.append(Pattern(key, f"serious incidents per decade started by {layer.replace('_', ' ')}",
                                    True, _reached(f"serious_{layer}", 10.0)))
    for pattern in patterns:
        obs = observed[pattern.key]
        if pattern.key == "radar_lock_per_decade":
            values = [10.0 * (1.0 if not math.isnan(r[f"first_day_{weapons_rung_id}"]) else 0.0)
                      * 365.25 / horizon_days for r in rows]
        elif pattern.kind == "none-in":
            p_year = sum(r["highest_rung"] >= top_rung for r in rows) / n
            p_year = 1 - (1 - p_year) ** (365.25 / horizon_days)
            p_none = (1 - p_year) ** 15
            mean = 15 * p_year
            out.append(CalibrationRow(pattern.key, pattern.label, pattern.fitted, obs, mean, 0.0,
                                      _poisson_q95(mean), p_none >= 0.1,
                                      f"P(no clash in 15 years) = {p_none:.2f}; consistent if >= 0.10"))
            continue
        elif pattern.key.startswith(LAYER_PREFIX) and rows and f"serious_{pattern.key.removeprefix(LAYER_PREFIX)}" \
                not in rows[0]:
            continue  # the scenario has no such force layer
        else:
            values = [v for v in (pattern.measure(r, horizon_days, tags) for r in rows) if v is not None]
        if not values:
            continue
        mean = sum(values) / len(values)
        inside = obs.low <= mean <= obs.high
        out.append(CalibrationRow(pattern.key, pattern.label, pattern.fitted, obs, mean, _quantile(values, 0.05),
                                  _quantile(values, 0.95), inside,
                                  "simulated mean inside the observed band" if inside else
                                  "simulated mean outside the observed band"))
    if force_rung_id is not None and rows:
        out.extend(_top_rows(rows, observed, force_rung_id, top_rung))
    return out


def _top_rows(rows: list[Row], observed: dict[str, Observed], force_rung_id: str,
              top_rung: int) -> list[CalibrationRow]:
    """P(armed clash | limited force) over the years that reached limited force (a share, with its 90%
    Wilson interval: each year is one draw), and the median length of a settled crisis (the middle of the
    years' mean lengths, with their 5th-95th percentiles), each when the observed band is known."""
    from scipy.stats import binomtest

    out = []
    obs = observed.get("clash_given_limited_force")
    column = f"first_day_{force_rung_id}"
    if obs is not None and column in rows[0]:
        forced = [r for r in rows if not math.isnan(r[column])]
        if forced:
            k = sum(r["highest_rung"] >= top_rung for r in forced)
            share = k / len(forced)
            ci = binomtest(k, len(forced)).proportion_ci(0.90, method="wilson")
            inside = obs.low <= share <= obs.high
            out.append(CalibrationRow(
                "clash_given_limited_force", "P(armed clash | limited force reached)", True, obs, share,
                float(ci.low), float(ci.high), inside,
                f"{k} of {len(forced)} years that reached limited force went on to an armed clash "
                f"(90% Wilson interval)"))
    obs = observed.get("settled_crisis_days")
    if obs is not None and "crises_settled" in rows[0]:
        lengths = [r["settled_crisis_days"] / r["crises_settled"] for r in rows if r["crises_settled"]]
        if lengths:
            middle = _quantile(lengths, 0.5)
            inside = obs.low <= middle <= obs.high
            out.append(CalibrationRow(
                "settled_crisis_days", "days to settle a crisis (median)", True, obs, middle,
                _quantile(lengths, 0.05), _quantile(lengths, 0.95), inside,
                f"median over {len(lengths)} years with a settled crisis of their mean length; inside if in "
                "the record's middle half"))
    return out


def _poisson_q95(mean: float) -> float:
    from scipy.stats import poisson

    return float(poisson.ppf(0.95, mean))
