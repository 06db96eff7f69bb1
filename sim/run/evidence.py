"""The record as evidence: how likely a model variant makes what was observed, pattern by pattern.

`hotline calibrate` asks whether a simulated mean falls inside an observed band; a fit (`sim.run.ensemble`)
needs more: a number that says how much better one variant reproduces the record than another. Each
pattern is one of three kinds, and each kind's likelihood is exact for what it states:

- `Count` (rare events in a span of years: serious incidents, radar locks, armed clashes): the record is a
  Poisson count k over T years. A variant's rate is known only from its Y simulated years (total S), so
  the likelihood is the predictive one: the rate given the simulation is Gamma(S + 1/2, Y) (Jeffreys),
  and k given that rate over T years is negative binomial (r = S + 1/2, p = Y / (Y + T)). Simulation noise
  widens it instead of being read as evidence.
- `Level` (yearly series that vary more than Poisson from year to year: presence days, entries,
  scrambles): a stated distance, a normal density of the simulated yearly mean around the observed mean of
  the years, with the spread of a single observed year plus the simulation's standard error. The series
  moved with policy, so a Poisson likelihood of their totals would claim a precision the record lacks.
- `Band` (a share the record bounds but does not count: P(armed clash | limited force), between the MID
  floor and the reference table's ceiling): the probability that the variant's share lies in the band,
  given its simulated years that reached limited force (Beta(k + 1/2, n - k + 1/2)).

Patterns are treated as independent (radar locks are also serious incidents: a stated approximation).
Knows nothing of SimPy or files: it reads replication rows and the observed figures.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .calibration import LAYER_PREFIX, PATTERNS, column_values, observed_patterns, read_table

__all__ = ["Evidence", "Count", "Level", "Band", "Tally", "record_evidence", "EVIDENCE_KINDS"]

Row = dict[str, Any]
EVIDENCE_KINDS = ("count", "level", "band")


@dataclass
class Tally:
    """What a variant's simulated years say about one pattern: a sum, a sum of squares and a number of
    draws (for counts: events and simulated years; for levels: yearly values and years; for a band: clashes
    and the years that reached limited force)."""

    total: float = 0.0
    squares: float = 0.0
    n: float = 0.0

    def to_json(self) -> dict[str, float]:
        return {"total": self.total, "squares": self.squares, "n": self.n}


@dataclass(frozen=True)
class Evidence:
    """One observed pattern: key, words, kind, and how each replication row adds to its tally."""

    key: str
    label: str
    kind: str
    source: str
    observed_text: str
    add: Callable[[Tally, Row], None] = field(repr=False, compare=False)

    def tally(self, rows: list[Row]) -> Tally:
        t = Tally()
        for row in rows:
            self.add(t, row)
        return t

    def loglik(self, t: Tally) -> float:
        raise NotImplementedError

    def predictive_p(self, t: Tally) -> tuple[float, float]:
        """P(X <= observed) and P(X >= observed) under the variant's predictive (for coverage)."""
        raise NotImplementedError

    def simulated(self, t: Tally) -> float:
        """The variant's simulated figure in the pattern's unit (per year; a share for bands)."""
        return t.total / t.n if t.n else math.nan


@dataclass(frozen=True)
class Count(Evidence):
    observed: int = 0
    years: float = 1.0  # the span of the record the count covers

    def _dist(self, t: Tally) -> Any:
        from scipy.stats import nbinom

        return nbinom(t.total + 0.5, t.n / (t.n + self.years))

    def loglik(self, t: Tally) -> float:
        return float(self._dist(t).logpmf(self.observed))

    def predictive_p(self, t: Tally) -> tuple[float, float]:
        d = self._dist(t)
        return float(d.cdf(self.observed)), float(d.sf(self.observed - 1))

    def simulated(self, t: Tally) -> float:
        return self.years * t.total / t.n if t.n else math.nan  # over the record's span, its unit


@dataclass(frozen=True)
class Level(Evidence):
    mean: float = 0.0
    spread: float = 1.0  # one observed year's standard deviation around the years' mean

    def _scale(self, t: Tally) -> float:
        if t.n < 2:
            return self.spread
        var = max(t.squares / t.n - (t.total / t.n) ** 2, 0.0) * t.n / (t.n - 1)
        return math.sqrt(self.spread ** 2 + var / t.n)

    def loglik(self, t: Tally) -> float:
        from scipy.stats import norm

        return float(norm.logpdf(t.total / t.n, self.mean, self._scale(t)))

    def predictive_p(self, t: Tally) -> tuple[float, float]:
        from scipy.stats import norm

        z = (self.mean - t.total / t.n) / self._scale(t)
        return float(norm.cdf(z)), float(norm.sf(z))


@dataclass(frozen=True)
class Band(Evidence):
    low: float = 0.0
    high: float = 1.0

    def _dist(self, t: Tally) -> Any:
        from scipy.stats import beta

        return beta(t.total + 0.5, t.n - t.total + 0.5)

    def loglik(self, t: Tally) -> float:
        d = self._dist(t)
        return math.log(max(float(d.cdf(self.high) - d.cdf(self.low)), 1e-300))

    def predictive_p(self, t: Tally) -> tuple[float, float]:
        d = self._dist(t)
        return float(d.sf(self.low)), float(d.cdf(self.high))  # both large when the band holds the share


def record_evidence(data: Path, tags: dict[str, list[str]], columns: list[str], horizon_days: float,
                    weapons_rung_id: str, force_rung_id: str | None, top_rung: int) -> list[Evidence]:
    """The evidence the calibration tables in `data` hold, for a scenario whose rows have `columns` and whose
    incident types count as the record's patterns by `tags` (`counts_as`). Patterns the scenario cannot
    measure (no type counts as them, no such force layer) are left out."""
    observed = observed_patterns(data)
    years_per_row = horizon_days / 365.25
    out: list[Evidence] = []
    presence = read_table(data / "senkaku_presence.csv")
    scrambles = read_table(data / "jasdf_scrambles.csv")
    series = {"contiguous_zone_days": (presence, "contiguous_zone_days", "year"),
              "territorial_sea_entries": (presence, "territorial_sea_entries", "year"),
              "fishing_boat_pursuits": (presence, "fishing_boat_approaches", "year"),
              "scrambles_against_china": (scrambles, "against_china", "fiscal_year")}
    for pattern in PATTERNS:
        if pattern.key not in series or not tags.get(pattern.key):
            continue
        table, column, year_key = series[pattern.key]
        values = column_values(table, column, range(2020, 2025), year_key)
        mean = sum(values) / len(values)
        spread = math.sqrt(sum((v - mean) ** 2 for v in values) / (len(values) - 1)) if len(values) > 1 else mean
        measure = pattern.measure

        def add(t: Tally, row: Row, measure: Any = measure) -> None:
            v = measure(row, horizon_days, tags)
            t.total += v
            t.squares += v * v
            t.n += 1

        out.append(Level(pattern.key, pattern.label, "level", observed[pattern.key].note,
                         f"{mean:.4g} a year (sd {spread:.3g})", add, mean=mean, spread=max(spread, 1e-9)))
    incidents = read_table(data / "incidents.csv")
    span = 2025 - 2010 + 1
    serious = [r for r in incidents if r.get("ladder_rung") and int(r["ladder_rung"]) >= 5]
    radar = [r for r in incidents if r.get("ladder_rung") and int(r["ladder_rung"]) >= 6]
    layers: dict[str, int] = {}
    for r in serious:
        layer = (r.get("layer") or "").strip()
        layers[layer] = layers.get(layer, 0) + 1
    by_layer = all(layer and f"serious_{layer}" in columns for layer in layers)
    if by_layer and layers:
        for layer, k in sorted(layers.items()):
            out.append(_count(LAYER_PREFIX + layer, f"serious incidents started by {layer.replace('_', ' ')}",
                              f"incidents.csv, rung 5 or higher, layer {layer}", k, span,
                              lambda row, c=f"serious_{layer}": row[c], years_per_row))
    elif "serious_incidents" in columns:
        out.append(_count("serious_incidents", "serious incidents (rung 5 or higher)",
                          "incidents.csv, rung 5 or higher", len(serious), span,
                          lambda row: row["serious_incidents"], years_per_row))
    weapons = f"first_day_{weapons_rung_id}"
    if weapons in columns:
        out.append(_count("radar_lock_years", "years with weapon-directed signalling",
                          "incidents.csv, rung 6 (radar locks)", len(radar), span,
                          lambda row: 0.0 if math.isnan(row[weapons]) else 1.0, years_per_row))
    out.append(_count("armed_clashes", "armed clashes", observed["armed_clashes_15_years"].note, 0, 15,
                      lambda row: 1.0 if row["highest_rung"] >= top_rung else 0.0, years_per_row))
    band = observed.get("clash_given_limited_force")
    forced = f"first_day_{force_rung_id}" if force_rung_id else None
    if band is not None and forced in columns:
        def add_band(t: Tally, row: Row) -> None:
            if not math.isnan(row[forced]):
                t.n += 1
                t.total += 1.0 if row["highest_rung"] >= top_rung else 0.0

        out.append(Band("clash_given_limited_force", "P(armed clash | limited force)", "band", band.note,
                        band.text(), add_band, low=band.low, high=band.high))
    return out


def _count(key: str, label: str, source: str, k: int, years: float, events: Callable[[Row], float],
           years_per_row: float) -> Count:
    """A count of `k` in `years`; a row adds its `events` and the years it simulated."""
    def add(t: Tally, row: Row) -> None:
        t.total += events(row)
        t.n += years_per_row

    return Count(key, label, "count", source, f"{k} in {years:g} years", add, observed=k, years=years)
