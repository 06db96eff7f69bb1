"""The state of one incident, and of an incident waiting for its next event (`Pending`).

Drivers move it: the event-by-event routine (`sim.engine.events.incident`) and the walks
(`sim.engine.walks.quiet`, which reach a `Pending` state and hand it to the routine when tension jumps).
What a call does to an incident goes through the fields below (`clarified`, `up_factor`, `pause_days`,
`truce`), by `sim.engine.model.mechanisms`.
"""

from __future__ import annotations

from typing import Any, NamedTuple, Protocol

from .parameters import IncidentTypeParameters
from .rule import Situation
from .streams import Draws

__all__ = ["Incident", "Pending", "Log"]


class Log(Protocol):
    """What an incident tells the replication it belongs to (`sim.engine.model.state.Replication`)."""

    def log_event(self, kind: str, incident: Incident | None, party: str, detail: str) -> None: ...

    def leave(self, incident: Incident) -> None: ...


class Pending(NamedTuple):
    """An incident's state while it waits for its next engine event (a move, or its end) on `day`."""

    day: float
    ending: bool
    u_decide: float
    u_accident: float
    u_misread: float
    rung: int
    mover_index: int
    situation: Situation
    end: float
    u_crisis: float
    decisions: int


class Incident:
    """State of one incident."""

    __slots__ = ("rep", "kind", "number", "index_in_type", "rung", "highest", "active", "clarified", "covered",
                 "draws", "called", "decisions", "up_factor", "pause_days", "truce", "joined", "crisis",
                 "next_mover")

    def __init__(self, rep: Log, kind: IncidentTypeParameters, number: int, index_in_type: int,
                 draws: Draws):
        self.rep = rep
        self.kind = kind
        self.number = number  # serial number in the replication, for narratives
        self.index_in_type = index_in_type  # addresses this incident's random numbers (same in every arm)
        self.rung = kind.start_rung
        self.highest = kind.start_rung
        self.next_mover = 1  # the side (0 initiator, 1 responder) whose decision comes next
        self.active = True
        self.clarified = False
        self.covered = kind.covered_layers
        self.draws = draws
        self.called = 0  # bit mask of parties that already decided whether to call
        self.decisions = 0  # decisions taken so far (a call is in time if none was taken while it went on)
        self.up_factor = [1.0, 1.0]  # factors on the initiator's and the responder's escalation chance
        self.pause_days = 0.0  # delay added to the pending decision by an answered call (buying time)
        self.truce = False  # an agreed stand-down happened since the mover's last decision
        self.joined = 0  # bit mask of the kind's allies (by position) that have joined
        self.crisis: Any = None  # its political crisis, once it has reached the crisis rung (model.crisis)

    def clarify(self, how: str) -> None:
        """Intent is clarified: misperceptions are corrected and a face-saving step down is on offer."""
        if self.active and not self.clarified:
            self.clarified = True
            self.rep.log_event("clarified", self, "", f"intent clarified by {how}")

    def side_index(self, party: int) -> int | None:
        """0 for the initiator's side, 1 for the responder's (an ally: its partner's); None for others."""
        kind = self.kind
        if party == kind.initiator:
            return 0
        if party == kind.responder:
            return 1
        return next((ally.side for ally in kind.allies if ally.party.index == party), None)

    def end_now(self, how: str) -> None:
        """End the incident at once (an agreed stand-down reached the bottom rung)."""
        if self.active:
            self.rep.log_event("end", self, "", how)
            self.active = False
            self.rep.leave(self)
