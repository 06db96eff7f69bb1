"""The state of one replication of one arm, and how events fill its record.

`Replication` holds what the model says about a replication, whichever driver moves it: the random streams
(common random numbers), the tension of every pair, the incidents' numbers, the changes of rung of open
incidents (from which the crisis level follows, `sim.engine.model.level`), and the record. Drivers tell it
what happened (an incident entered, moved, reached a rung, left; walked incidents started) and read the
clock they keep (`now`); what reaching a rung sets off beyond the record and the tension - calls, allies,
suspensions, protests, the end of the run at the top - it hands to the driver through `on_reached` and
`on_top`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .cache import by_identity
from .incident import Incident
from .level import days_at_levels, days_at_or_above
from .parameters import IncidentTypeParameters, ModelParameters, PartyParameters
from .record import BY_TYPE_LEVELS, LogEntry, ReplicationRecord
from .streams import Draws, Purpose, Streams, UniformBlocks
from .tension import Tensions
from .tilt import Weight

__all__ = ["Replication", "INCIDENT_BLOCK", "covered_at_start", "distinct_days"]

INCIDENT_BLOCK = 52  # two draws for durations, five per move: ten moves before the overflow stream


def covered_at_start(p: ModelParameters, kind: IncidentTypeParameters) -> bool:
    """Whether the line covers an incident of `kind` once it has entered (as `on_reached` decides)."""
    return kind.covered_layers or (kind.start_rung >= p.military_rung and kind.defense_cover)


def can_climb(kind: IncidentTypeParameters) -> bool:
    """False when no move from the start rung or below can ever go up: the escalation chance is zero for
    both sides there (everything that changes it - tension feedback, retaliation, a call's restraint or
    threats, moral hazard - multiplies it) and no accident can happen."""
    below = range(kind.start_rung + 1)
    sides = (kind.initiator_side, kind.responder_side)
    return any(side.up[r] != 0.0 for side in sides for r in below) or any(kind.accident[r] != 0.0 for r in below)


def distinct_days(parts: list[np.ndarray]) -> int:
    """How many distinct days (whole days since the start) the days of `parts` fall on (days are never
    negative): np.unique's count, without sorting where the days span fewer than a million."""
    floors = np.floor(np.concatenate(parts)).astype(np.int64)
    if not len(floors):
        return 0
    top = int(floors.max())
    if top > 1_000_000:  # (a horizon of thousands of years: count the steps of the sorted days)
        floors = np.sort(floors)
        return 1 + int(np.count_nonzero(floors[1:] != floors[:-1]))
    marked = np.zeros(top + 1, dtype=np.bool_)
    marked[floors] = True
    return int(np.count_nonzero(marked))


_BY_TYPE: dict[tuple[int, ...], Any] = {}


def _by_type(params: ModelParameters) -> tuple[list[bool], list[bool]]:
    """`covered_at_start` and `can_climb` of every type of an arm, worked out once for its replications."""
    return by_identity(_BY_TYPE, (params,), lambda: ([covered_at_start(params, kind) for kind in params.types],
                                                     [can_climb(kind) for kind in params.types]))


def _nothing(*_: Any) -> None:
    return None


class Replication:
    """The state of one replication of one arm. Built fresh for every replication."""

    def __init__(self, params: ModelParameters, seed: int, clock: Callable[[], float], log: bool = False):
        self.p = params
        self.now = clock
        self.streams = Streams(seed)
        # Every type's blocks and arrivals are drawn in every replication (compiled code: their streams'
        # states made in one call).
        self.streams.prefetch([Purpose.INCIDENT, Purpose.ARRIVAL], len(params.types))
        self.tensions = Tensions(params.n_pairs, params.tension_initial, params.tension_decay_per_day,
                                 params.spillover)
        self.tension_of = [self.tensions[kind.pair] for kind in params.types]  # by incident type
        n_rungs, n_types = params.top + 1, len(params.types)
        self.record = ReplicationRecord.empty(n_rungs, n_types, len(params.layers))
        self.record.log = [] if log else None
        self.events = 0  # engine events, counted by the drivers
        self.weight = None if params.tilt is None else Weight(params.tilt)  # importance sampling (model.tilt)
        self.on_reached: Callable[[Incident, int, int], None] = _nothing  # the driver's: calls, allies, ...
        self.on_top: Callable[[], None] = _nothing  # the driver's: the run stops
        self._incident_blocks = [UniformBlocks(self.streams, Purpose.INCIDENT, Purpose.INCIDENT_OVERFLOW, j,
                                               INCIDENT_BLOCK) for j in range(n_types)]
        self.counts = [0] * n_types  # incidents numbered so far, by type (prevented ones too)
        self._entries: list[list[float]] = [[] for _ in range(n_types)]  # days incidents entered, by type
        self._walked_entries: list[list[np.ndarray]] = [[] for _ in range(n_types)]  # and those walked
        # Changes of rung of open incidents (day, rung, +1/-1) in the order they happened.
        self._change_day: list[float] = []
        self._change_rung: list[int] = []
        self._change_sign: list[int] = []
        self._incident_no = 0
        self._suspension_draws: dict[int, Any] = {}
        self.covered, self.can_climb = _by_type(params)  # (read only)

    # --- random numbers --------------------------------------------------------------------------
    def block(self, kind: IncidentTypeParameters, number: int) -> Draws:
        """The uniforms of incident `number` of `kind` (the same in every arm)."""
        return self._incident_blocks[kind.index].block(number)

    def blocks_of(self, kind: IncidentTypeParameters) -> UniformBlocks:
        return self._incident_blocks[kind.index]

    def suspension_draws(self, channel: int) -> Any:
        """The generator of suspension lengths of one channel (its own stream: channels never share)."""
        gen = self._suspension_draws.get(channel)
        if gen is None:
            key = (int(Purpose.SUSPENSION),) if channel == 0 else (int(Purpose.SUSPENSION), channel)
            gen = self._suspension_draws[channel] = self.streams.generator(*key)
        return gen

    # --- the record ------------------------------------------------------------------------------
    def log_event(self, kind: str, incident: Incident | None, party: str, detail: str) -> None:
        log = self.record.log
        if log is not None:
            if incident is None:
                log.append(LogEntry(self.now(), kind, -1, "", party, -1, detail))
            else:
                log.append(LogEntry(self.now(), kind, incident.number, incident.kind.name, party,
                                    incident.rung, detail))

    def new_incident(self, kind: IncidentTypeParameters, number: int | None = None) -> Incident:
        """An incident of `kind`: the next number in its type, or `number` (an emulated arrival)."""
        j = kind.index
        if number is None:
            number = self.counts[j]
            self.counts[j] = number + 1
        self._incident_no += 1
        return Incident(self, kind, self._incident_no, number, self._incident_blocks[j].block(number))

    def resumed_incident(self, kind: IncidentTypeParameters, number: int, draws: Draws, rung: int, decisions: int,
                         covered: bool) -> Incident:
        """A walked incident taken back by its driver: its state on the day it was taken back."""
        incident = Incident(self, kind, -1, number, draws)
        incident.rung = rung
        incident.decisions = decisions
        incident.covered = covered
        return incident

    def _change(self, now: float, rung: int, sign: int) -> None:
        self._change_day.append(now)
        self._change_rung.append(rung)
        self._change_sign.append(sign)

    def enter(self, incident: Incident) -> None:
        kind = incident.kind
        j = kind.index
        rec = self.record
        now = self.now()
        rec.incidents += 1
        rec.incidents_by_type[j] += 1
        self._entries[j].append(now)
        self.log_event("incident", incident, self.p.parties[kind.initiator].name, kind.label)
        self._change(now, incident.rung, 1)
        self.reach(incident, incident.rung, kind.initiator)

    def move(self, incident: Incident, new: int, mover: PartyParameters | None, accident: bool,
             note: str | None = None) -> None:
        """Put an incident on rung `new`: by a party's move (`mover`), or by an agreement (`note`)."""
        old = incident.rung
        now = self.now()
        if new != old:  # a move onto the rung it is on changes no level (and must not split a piece of time)
            self._change(now, old, -1)
            self._change(now, new, 1)
        incident.rung = new
        if self.record.log is not None and mover is None:
            self.log_event("stand_down", incident, "", f"{note}: down to rung {new} ({self.p.rung_labels[new]})")
        elif self.record.log is not None:
            verb = "by accident, " if accident else ""
            if accident and new > old + 2:  # (an accident adds one rung; more is a fatal accident's jump)
                verb = "in an accident that kills or seizes at once, "
            label = self.p.rung_labels[new]
            direction = "escalates" if new > old else "steps down"
            self.log_event("accident" if accident else "move", incident, mover.name,
                           f"{mover.label} {verb}{direction} to rung {new} ({label})")
        if new > incident.highest and mover is not None:
            for rung in range(incident.highest + 1, new + 1):
                incident.highest = rung
                self.reach(incident, rung, mover.index)

    def leave(self, incident: Incident) -> None:
        self._change(self.now(), incident.rung, -1)

    def reach(self, incident: Incident, rung: int, actor: int) -> None:
        """An incident first reached `rung` through a move of party `actor`."""
        p = self.p
        now = self.now()
        self.count_reach(incident.kind, rung, now)
        jump = p.tension_jump[rung]
        if jump:
            self.tensions.jump(now, jump, incident.kind.pair)
        if rung >= p.top:
            self.log_event("absorbed", incident, "", "armed clash: the crisis has escalated to the top rung")
            self.on_top()
            return
        self.on_reached(incident, rung, actor)

    def count_reach(self, kind: IncidentTypeParameters, rung: int, now: float, incidents: int = 1) -> None:
        """What `incidents` incidents reaching `rung`, the first of them on `now`, add to the record: first
        days (the earliest day each rung or a higher one was reached: walked incidents are counted after the
        run, out of the order of days), the highest rung, serious incidents."""
        p = self.p
        rec = self.record
        first = rec.first_day
        if rung > rec.highest_rung or not first[rung] <= now:  # not yet reached (nan), or reached later
            for r in range(rung, -1, -1):
                if first[r] <= now:  # so is every rung below
                    break
                first[r] = now
            rec.highest_rung = max(rec.highest_rung, rung)
        if rung == p.serious_rung or (rung > p.serious_rung and kind.start_rung == rung):
            rec.serious_incidents += incidents
            rec.serious_by_layer[kind.layer_index] += incidents
        base = len(BY_TYPE_LEVELS) * kind.index  # (serious, main, top)
        for k, level in enumerate((p.serious_rung, p.main_rung, p.top)):
            if rung == level or (rung > level and kind.start_rung == rung):
                rec.reached_by_type[base + k] += incidents

    def walked_started(self, kind: IncidentTypeParameters, starts: np.ndarray) -> None:
        """Incidents of `kind` walked by a driver entered on `starts` (counted after the run)."""
        rec = self.record
        j = kind.index
        rec.incidents += len(starts)
        rec.incidents_by_type[j] += len(starts)
        self._walked_entries[j].append(starts)
        self.count_reach(kind, kind.start_rung, float(starts.min()), len(starts))

    def changes(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The changes of rung recorded so far (day, rung, sign), in the order they happened."""
        return (np.asarray(self._change_day, dtype=float), np.asarray(self._change_rung, dtype=np.int64),
                np.asarray(self._change_sign, dtype=np.int64))

    def finish(self, end: float, days: np.ndarray, rungs: np.ndarray, signs: np.ndarray) -> ReplicationRecord:
        """The record once the run has stopped, up to `end`, from every change of rung in the order of days."""
        rec = self.record
        rec.days_at_or_above = days_at_or_above(days_at_levels(days, rungs, signs, end, self.p.top + 1))
        for j, entered in enumerate(self._entries):
            if entered or self._walked_entries[j]:
                rec.incident_days_by_type[j] = distinct_days([np.asarray(entered, dtype=float),
                                                              *self._walked_entries[j]])
        rec.events = self.events
        if self.weight is not None:
            rec.log_weight = self.weight.log
        # Suspended routines keep this state in reference cycles until the garbage collector runs; free
        # the large buffers now so memory stays flat however many replications a process runs.
        for blocks in self._incident_blocks:
            blocks.release()
        self.tensions.listeners_clear()
        return rec
