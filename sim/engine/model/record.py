"""What one replication returns: a compact record, and an optional event log for narratives."""

from __future__ import annotations

import bisect
import math
from dataclasses import dataclass, field
from typing import NamedTuple

__all__ = ["ReplicationRecord", "LogEntry", "BY_TYPE_LEVELS", "ANSWER_DELAY_EDGES_HOURS", "answer_delay_bin", "CALL_FATES",
           "CALL_FATE_WORDS"]

# Why a call that a side considered did not come in time (its first cause, in the order the call met
# them); a call that came in time is counted in calls_answered_in_time instead. Together they are every
# call considered: by a side whose incident reached its call rung, over a line covering the incident.
CALL_FATES: tuple[str, ...] = (
    "not_placed",         # the side chose not to call (its call_probability)
    "consultation",       # the incident ended, or was settled by another route, during prior consultation
    "line_closed",        # the call waited for the line to open (outside its hours)
    "line_suspended",     # the line was suspended (after a grave incident) when the call was tried
    "lines_busy",         # every line was taken by other calls
    "not_answered",       # the other side did not pick up, after every redial
    "too_late",           # answered, but a decision in the incident came first (ringing, relay, the talk)
    "incident_over",      # answered or on its way, but the incident ended first by itself
    "leaders_took_over",  # a crisis opened: leaders took the incident over, the commanders' call ended
)
BY_TYPE_LEVELS: tuple[str, ...] = ("serious", "main", "top")  # the rungs counted by incident type

CALL_FATE_WORDS: dict[str, str] = {
    "not_placed": "not placed", "consultation": "waiting for prior consultation", "line_closed": "line closed",
    "line_suspended": "line suspended", "lines_busy": "lines busy", "not_answered": "not answered",
    "too_late": "answered too late", "incident_over": "incident already over",
    "leaders_took_over": "leaders took over",
}

# Bins of the time from deciding to call to the answer, in hours: [0, 1), [1, 2), ..., [48, inf).
ANSWER_DELAY_EDGES_HOURS: tuple[float, ...] = (1.0, 2.0, 4.0, 8.0, 12.0, 24.0, 48.0)


def answer_delay_bin(hours: float) -> int:
    """Index of the bin (see ANSWER_DELAY_EDGES_HOURS) that holds a delay."""
    return bisect.bisect_right(ANSWER_DELAY_EDGES_HOURS, hours)


class LogEntry(NamedTuple):
    """One line of a replication's story. `day` is simulation time in days since the start."""

    day: float
    kind: str  # incident | move | accident | call | answer | no_answer | clarified | suspended | shock | end | ...
    incident: int  # -1 when not about one incident
    incident_type: str
    party: str
    rung: int
    detail: str


@dataclass(slots=True)
class ReplicationRecord:
    """Outcomes of one replication of one arm; all times in days since the start unless named otherwise."""

    highest_rung: int
    first_day: list[float]
    incidents: int
    incidents_by_type: list[int]
    incident_days_by_type: list[int]
    serious_incidents: int
    serious_by_layer: list[int]
    calls_placed: int
    calls_answered: int
    calls_answered_in_time: int  # answered (and finished) before the incident's next decision (either side's)
    calls_unanswered: int  # callers that gave up after every redial
    stand_downs: int
    threats: int
    calls_mediated: int  # answered calls that went through a mediator
    allies_joined: int  # allies that joined an incident on their partner's side
    answer_delay_bins: list[int]  # answered calls by hours from deciding to call to the answer
    answer_delay_hours_total: float
    days_at_or_above: list[float]
    events: int
    log: list[LogEntry] | None = field(default=None, repr=False)
    # The crisis phase (scenarios with crisis.enabled): crises opened and how they ended, the days the
    # ended ones lasted, crews or bodies held, and calls between leaders.
    crises: int = 0
    crises_settled: int = 0
    crises_frozen: int = 0
    crises_escalated: int = 0
    crisis_days_total: float = 0.0  # of crises that ended (settled, frozen or escalated)
    settled_crisis_days: float = 0.0  # of those settled
    detentions: int = 0
    leader_calls: int = 0
    leader_calls_answered: int = 0
    # Calls that did not come in time, by first cause (CALL_FATES, in that order).
    call_fates: list[int] = field(default_factory=lambda: [0] * len(CALL_FATES))
    # Incidents of each type that reached the serious rung, the main rung and the top rung (or started
    # above it): three counts per incident type, in that order (BY_TYPE_LEVELS).
    reached_by_type: list[int] = field(default_factory=list)
    # Answered calls that ended before the other side's next decision (the move a call is meant to change;
    # the caller's own decisions in between do not make it late).
    calls_in_time_for_other_side: int = 0
    # The logarithm of the replication's likelihood ratio under a tilt (`sim.engine.model.tilt`); 0.0 without.
    log_weight: float = 0.0

    @classmethod
    def empty(cls, n_rungs: int, n_types: int, n_layers: int = 0) -> ReplicationRecord:
        return cls(highest_rung=0, first_day=[math.nan] * n_rungs, incidents=0,
                   incidents_by_type=[0] * n_types, incident_days_by_type=[0] * n_types,
                   serious_incidents=0, serious_by_layer=[0] * n_layers, calls_placed=0, calls_answered=0,
                   calls_answered_in_time=0, calls_unanswered=0, stand_downs=0, threats=0,
                   calls_mediated=0, allies_joined=0,
                   answer_delay_bins=[0] * (len(ANSWER_DELAY_EDGES_HOURS) + 1), answer_delay_hours_total=0.0,
                   days_at_or_above=[0.0] * n_rungs, events=0,
                   reached_by_type=[0] * (len(BY_TYPE_LEVELS) * n_types))

    def reached(self, rung: int) -> bool:
        return self.highest_rung >= rung
