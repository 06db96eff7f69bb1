"""What one replication returns: a compact record, and an optional event log for narratives."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import NamedTuple

__all__ = ["ReplicationRecord", "LogEntry"]


class LogEntry(NamedTuple):
    """One line of a replication's story. `day` is simulation time in days since the start."""

    day: float
    kind: str  # incident | move | accident | call | answer | no_answer | clarified | suspended | shock | end
    incident: int  # -1 when not about one incident
    incident_type: str
    party: str
    rung: int
    detail: str


@dataclass(slots=True)
class ReplicationRecord:
    """Outcomes of one replication of one arm; all times in days since the start."""

    highest_rung: int
    first_day: list[float]
    incidents: int
    incidents_by_type: list[int]
    incident_days_by_type: list[int]
    serious_incidents: int
    calls_placed: int
    calls_answered: int
    calls_answered_in_time: int
    days_at_or_above: list[float]
    events: int
    log: list[LogEntry] | None = field(default=None, repr=False)

    @classmethod
    def empty(cls, n_rungs: int, n_types: int) -> ReplicationRecord:
        return cls(highest_rung=0, first_day=[math.nan] * n_rungs, incidents=0,
                   incidents_by_type=[0] * n_types, incident_days_by_type=[0] * n_types,
                   serious_incidents=0, calls_placed=0, calls_answered=0, calls_answered_in_time=0,
                   days_at_or_above=[0.0] * n_rungs, events=0)

    def reached(self, rung: int) -> bool:
        return self.highest_rung >= rung
