"""The per-replication row: the columns of `replications.csv`, and conversion to and from records.

Floats are written with `repr`, which round-trips exactly, so aggregates rebuilt from the file on
`--resume` equal those computed while running.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..engine.model.record import ANSWER_DELAY_EDGES_HOURS, BY_TYPE_LEVELS, CALL_FATES, ReplicationRecord

__all__ = ["Layout", "Row", "CALL_FATE_COLUMNS", "NEWER_COUNTS", "by_type_columns", "newer_columns", "COUNTS", "THIRD_PARTY_COUNTS", "CRISIS_COUNTS", "CRISIS_DAYS", "ANSWER_DELAY_LABELS"]

Row = dict[str, Any]

COUNTS = ("incidents", "serious_incidents", "calls_placed", "calls_answered", "calls_answered_in_time",
          "calls_unanswered", "stand_downs", "threats", "events")
# Columns only scenarios with allies or mediated channels have (so two-party tables keep their columns).
THIRD_PARTY_COUNTS = ("calls_mediated", "allies_joined")
# Columns only scenarios with a crisis phase have (crisis.enabled in some arm), with crisis_days_total.
CRISIS_COUNTS = ("crises", "crises_settled", "crises_frozen", "crises_escalated", "detentions", "leader_calls",
                 "leader_calls_answered")
CRISIS_DAYS = ("crisis_days_total", "settled_crisis_days")  # days of the crises that ended; of those settled
# Calls that did not come in time, by first cause (sim.engine.model.record.CALL_FATES); the last columns.
# Folders written before these columns existed keep their layout when resumed (Layout.newer_columns false).
CALL_FATE_COLUMNS = tuple(f"call_fate_{name}" for name in CALL_FATES)
NEWER_COUNTS = ("calls_in_time_for_other_side",)  # the last columns


def by_type_columns(type_names: Sequence[str]) -> list[str]:
    """The columns of incidents by type that reached each of BY_TYPE_LEVELS, type by type."""
    return [f"reached_{level}_{t}" for t in type_names for level in BY_TYPE_LEVELS]


def newer_columns(type_names: Sequence[str]) -> list[str]:
    """The last columns, which folders written before them lack: the call fates, the counts by type, the
    calls in time for the other side."""
    return [*CALL_FATE_COLUMNS, *by_type_columns(type_names), *NEWER_COUNTS]


def _delay_labels() -> tuple[str, ...]:
    edges = (0.0, *ANSWER_DELAY_EDGES_HOURS)
    labels = [f"{lo:g}_{hi:g}h" for lo, hi in zip(edges, edges[1:], strict=False)]
    return (*labels, f"{edges[-1]:g}h_plus")


ANSWER_DELAY_LABELS = _delay_labels()  # answer_delay_0_1h, ..., answer_delay_48h_plus


@dataclass(frozen=True)
class Layout:
    """Column names for one scenario's ladder and incident types."""

    rung_ids: tuple[str, ...]
    type_names: tuple[str, ...]
    layers: tuple[str, ...] = ()
    third_parties: bool = False  # the scenario has allies or mediated channels: their counts are columns too
    crisis: bool = False  # some arm has a crisis phase: its counts and crisis_days_total are columns too
    newer_columns: bool = True  # call fates and counts by type (false only for folders written before)

    @property
    def counts(self) -> tuple[str, ...]:
        return ((COUNTS + THIRD_PARTY_COUNTS if self.third_parties else COUNTS)
                + (CRISIS_COUNTS if self.crisis else ()))

    @property
    def columns(self) -> list[str]:
        return (["arm", "replication", "seed", "highest_rung"]
                + [f"first_day_{r}" for r in self.rung_ids]
                + list(self.counts)
                + [f"serious_{layer}" for layer in self.layers]
                + [f"answer_delay_{label}" for label in ANSWER_DELAY_LABELS]
                + ["answer_delay_hours_total"]
                + (list(CRISIS_DAYS) if self.crisis else [])
                + [f"incidents_{t}" for t in self.type_names]
                + [f"incident_days_{t}" for t in self.type_names]
                + [f"days_at_or_above_{r}" for r in self.rung_ids]
                + (newer_columns(self.type_names) if self.newer_columns else []))

    @property
    def by_type_columns(self) -> list[str]:
        """reached_<level>_<type>: incidents of each type that reached the serious, main and top rung."""
        return by_type_columns(self.type_names)

    def row(self, arm: str, replication: int, seed: int, rec: ReplicationRecord) -> Row:
        row: Row = {"arm": arm, "replication": replication, "seed": seed, "highest_rung": rec.highest_rung}
        for rung, day in zip(self.rung_ids, rec.first_day, strict=True):
            row[f"first_day_{rung}"] = day
        for name in self.counts:
            row[name] = getattr(rec, name)
        for layer, count in zip(self.layers, rec.serious_by_layer, strict=True):
            row[f"serious_{layer}"] = count
        for label, count in zip(ANSWER_DELAY_LABELS, rec.answer_delay_bins, strict=True):
            row[f"answer_delay_{label}"] = count
        row["answer_delay_hours_total"] = rec.answer_delay_hours_total
        if self.crisis:
            for name in CRISIS_DAYS:
                row[name] = getattr(rec, name)
        for t, count, days in zip(self.type_names, rec.incidents_by_type, rec.incident_days_by_type, strict=True):
            row[f"incidents_{t}"] = count
            row[f"incident_days_{t}"] = days
        for rung, days in zip(self.rung_ids, rec.days_at_or_above, strict=True):
            row[f"days_at_or_above_{rung}"] = days
        if self.newer_columns:
            for column, count in zip(CALL_FATE_COLUMNS, rec.call_fates, strict=True):
                row[column] = count
            for column, count in zip(self.by_type_columns, rec.reached_by_type, strict=True):
                row[column] = count
            for name in NEWER_COUNTS:
                row[name] = getattr(rec, name)
        return row

    @staticmethod
    def format(row: Row, columns: Sequence[str]) -> list[str]:
        out = []
        for c in columns:
            v = row[c]
            if isinstance(v, float):
                out.append("" if math.isnan(v) else repr(v))
            else:
                out.append(str(v))
        return out

    def parse(self, values: dict[str, str]) -> Row:
        """A CSV row (all text) back to typed values."""
        row: Row = {}
        for c, text in values.items():
            if c == "arm":
                row[c] = text
            elif c.startswith(("first_day_", "days_at_or_above_")) or c == "answer_delay_hours_total" or c in CRISIS_DAYS:
                row[c] = float(text) if text else math.nan
            else:
                row[c] = int(text)
        return row
