"""One replication: the world's clock, tension, arrivals, shocks, channels, and the record they fill."""

from __future__ import annotations

import heapq
import math
from collections.abc import Generator
from typing import Any

import simpy

from .call import on_rung_reached
from .hotline import Hotline
from .incident import Incident
from .inert import InertStream, is_inert
from .quiet import CLIMBS, TIED, Walk, covered_at_start, may_walk, walk
from .parameters import IncidentTypeParameters, ModelParameters, PartyParameters
from .record import LogEntry, ReplicationRecord
from .routine import start_routine
from .streams import Purpose, Streams, UniformBlocks
from .tension import Tension

__all__ = ["World", "simulate"]

INCIDENT_BLOCK = 52  # two draws for durations, five per move: ten moves before the overflow stream


class World:
    """The state of one replication of one arm. Built fresh for every replication."""

    def __init__(self, params: ModelParameters, seed: int, log: bool = False, exact: bool = False):
        self.p = params
        # Event by event (`exact`, and always with a log) or with inert types counted (see sim.engine.inert).
        self.exact = exact or log
        self.env = simpy.Environment()
        self.streams = Streams(seed)
        self.tension = Tension(params.tension_initial, params.tension_decay_per_day)
        self.hotline = Hotline(self.env, params.hotline)
        n_rungs, n_types = params.top + 1, len(params.types)
        self.record = ReplicationRecord.empty(n_rungs, n_types, len(params.layers))
        self.record.log = [] if log else None
        self.events = 0
        self.stop = self.env.event()
        self._incident_blocks = [UniformBlocks(self.streams, Purpose.INCIDENT, Purpose.INCIDENT_OVERFLOW, j,
                                               INCIDENT_BLOCK) for j in range(n_types)]
        self.suspension_draws = self.streams.generator(int(Purpose.SUSPENSION))
        self._counts = [0] * n_types
        self._last_day = [-1] * n_types
        # The world's crisis level is the highest rung among open incidents; time at each level is summed.
        self._open_at = [0] * n_rungs
        self._level = -1
        self._level_since = 0.0
        self._time_at_level = [0.0] * n_rungs
        self._incident_no = 0
        self.tied = False  # the inert emulation met a tie the event queue would order: rerun event by event
        self._inert: list[InertStream] = []
        self._inert_ops: list[tuple[float, int, int, int, int]] = []  # (day, serial, old, new or -1, owner)
        self._inert_event_days: list[float] = []
        self._inert_next = math.inf  # the earliest day at which inert traffic changes something
        self._serial = 0
        self._walkable = [not self.exact and may_walk(params, kind) for kind in params.types]
        self._covered = [covered_at_start(params, kind) for kind in params.types]
        # Walked incidents still open, which a tension jump hands back to their routines:
        # (last day, owner, incident, start day, event days of the walk).
        self._open_walks: list[tuple[float, int, Incident, float, list[float]]] = []
        self._cancelled: dict[int, float] = {}  # owner -> day after which its walked moves were taken back
        self._retracted_days: list[float] = []

    # --- logging ---------------------------------------------------------------------------------
    def log_event(self, kind: str, incident: Incident | None, party: str, detail: str) -> None:
        log = self.record.log
        if log is not None:
            if incident is None:
                log.append(LogEntry(self.env.now, kind, -1, "", party, -1, detail))
            else:
                log.append(LogEntry(self.env.now, kind, incident.number, incident.kind.name, party,
                                    incident.rung, detail))

    # --- processes -------------------------------------------------------------------------------
    def arrivals(self, kind: IncidentTypeParameters) -> Generator[Any, Any, None]:
        """Non-homogeneous Poisson arrivals by thinning; a tension jump interrupts and renews the bound."""
        env = self.env
        gen = self.streams.generator(int(Purpose.ARRIVAL), kind.index)
        buf: list[float] = []
        base = kind.rate_per_day
        feedback = self.p.arrival_feedback
        # Prevention thins accepted arrivals with uniforms of a stream of its own; a thinned arrival still
        # takes its number, so the incidents that do happen read the same blocks as in an arm without it.
        keep = kind.prevention_rate_factor
        prevent = self.streams.generator(int(Purpose.PREVENTION), kind.index) if keep < 1.0 else None
        tension = self.tension
        log = math.log
        while True:
            bound = base * (1.0 + feedback * tension.at(env.now))
            try:
                while True:
                    if len(buf) < 2:
                        buf = gen.random(512).tolist()[::-1]
                    gap, u_accept = -log(1.0 - buf.pop()) / bound, buf.pop()
                    yield env.timeout(gap)
                    self.events += 1
                    rate = base * (1.0 + feedback * tension.at(env.now)) if feedback else base
                    if u_accept * bound < rate:
                        if prevent is None or prevent.random() < keep:
                            self.spawn(kind)
                        else:
                            self._counts[kind.index] += 1
                    bound = rate  # tension only decays between jumps, so the current rate bounds the future
            except simpy.Interrupt:
                continue

    def spawn(self, kind: IncidentTypeParameters) -> Incident:
        j = kind.index
        number = self._counts[j]
        self._counts[j] = number + 1
        self._incident_no += 1
        incident = Incident(self, kind, self._incident_no, number, self._incident_blocks[j].block(number))
        if self._walkable[j]:
            now = self.env.now
            course = walk(self, kind, self._covered[j], now, self._incident_blocks[j].block(number))
            if isinstance(course, Walk):
                self.enter(incident)
                owner = self._commit(course)
                last = course.ops[-1][0]
                if self.p.escalation_feedback and last > now and not is_inert(self.p, kind):
                    self._open_walks.append((last, owner, incident, now, course.event_days))
                return incident
        start_routine(incident.run())
        return incident

    def event_at(self, day: float) -> Any:
        """An event processed on exactly `day` (a walked incident's next move, handed to its routine)."""
        env = self.env
        queue = env._queue
        if any(item[0] == day for item in queue):
            self.tied = True  # the event queue would order the two by when they were scheduled
        event = env.event()
        event._ok = True
        event._value = None
        heapq.heappush(queue, (day, 1, next(env._eid), event))  # 1: simpy.events.NORMAL
        return event

    def shock(self, k: int) -> Generator[Any, Any, None]:
        s = self.p.shocks[k]
        gen = self.streams.generator(int(Purpose.SHOCK), k)
        env = self.env
        while True:
            if s.at_day is not None:
                wait = s.at_day - env.now
            else:
                wait = gen.exponential(1.0 / s.rate_per_day) if s.rate_per_day > 0 else math.inf
            if wait == math.inf or env.now + wait > self.p.horizon_days:
                return
            yield env.timeout(wait)
            self.events += 1
            self.log_event("shock", None, "", s.label)
            self.tension.jump(env.now, s.tension_jump)
            if s.suspension_days is not None:
                days = s.suspension_days(float(gen.random()))
                self.hotline.suspend(env.now, days)
                self.log_event("suspended", None, "", f"the hotline is suspended for {days:.0f} days")
            if s.at_day is not None:
                return

    def _set_level(self, highest_possible: int, now: float) -> None:
        """Close the time spent at the current level at `now` and find the new one, scanning down from
        `highest_possible` (no open incident stands above it)."""
        if self._level >= 0:
            self._time_at_level[self._level] += now - self._level_since
        self._level_since = now
        level = highest_possible
        open_at = self._open_at
        while level >= 0 and not open_at[level]:
            level -= 1
        self._level = level

    def enter(self, incident: Incident) -> None:
        kind = incident.kind
        j = kind.index
        rec = self.record
        if self.env.now >= self._inert_next:
            self._catch_up(self.env.now)
        rec.incidents += 1
        rec.incidents_by_type[j] += 1
        day = int(self.env.now)
        if self._last_day[j] != day:
            self._last_day[j] = day
            rec.incident_days_by_type[j] += 1
        self.log_event("incident", incident, self.p.parties[kind.initiator].name, kind.label)
        self._open_at[incident.rung] += 1
        if incident.rung > self._level:
            self._set_level(incident.rung, self.env.now)
        self._reach(incident, incident.rung, kind.initiator)

    def move(self, incident: Incident, new: int, mover: PartyParameters | None, accident: bool,
             note: str | None = None) -> None:
        """Put an incident on rung `new`: by a party's move (`mover`), or by an agreement (`note`)."""
        old = incident.rung
        now = self.env.now
        if now >= self._inert_next:
            self._catch_up(now)
        self._open_at[old] -= 1
        self._open_at[new] += 1
        incident.rung = new
        if new > self._level:
            self._set_level(new, now)
        elif old == self._level and not self._open_at[old]:
            self._set_level(old, now)
        if self.record.log is not None and mover is None:
            self.log_event("stand_down", incident, "", f"{note}: down to rung {new} ({self.p.rung_labels[new]})")
        elif self.record.log is not None:
            verb = "by accident, " if accident else ""
            label = self.p.rung_labels[new]
            direction = "escalates" if new > old else "steps down"
            self.log_event("accident" if accident else "move", incident, mover.name,
                           f"{mover.label} {verb}{direction} to rung {new} ({label})")
        if new > incident.highest and mover is not None:
            for rung in range(incident.highest + 1, new + 1):
                incident.highest = rung
                self._reach(incident, rung, mover.index)

    def leave(self, incident: Incident) -> None:
        now = self.env.now
        if now >= self._inert_next:
            self._catch_up(now)
        self._open_at[incident.rung] -= 1
        if incident.rung == self._level and not self._open_at[incident.rung]:
            self._set_level(incident.rung, now)

    def _reach(self, incident: Incident, rung: int, actor: int) -> None:
        p = self.p
        now = self.env.now
        self._count_reach(incident.kind, rung, now)
        jump = p.tension_jump[rung]
        if jump:
            self.tension.jump(now, jump)
        if rung >= p.top:
            self.log_event("absorbed", incident, "", "armed clash: the crisis has escalated to the top rung")
            if not self.stop.triggered:
                self.stop.succeed()
            return
        on_rung_reached(self, incident, rung, actor)

    def _count_reach(self, kind: IncidentTypeParameters, rung: int, now: float) -> None:
        """What reaching `rung` adds to the record: first days, the highest rung, serious incidents."""
        p = self.p
        rec = self.record
        if rung > rec.highest_rung or math.isnan(rec.first_day[rung]):
            first = rec.first_day
            for r in range(rung, -1, -1):
                if not math.isnan(first[r]):
                    break
                first[r] = now
            rec.highest_rung = max(rec.highest_rung, rung)
        if rung == p.serious_rung or (rung > p.serious_rung and kind.start_rung == rung):
            rec.serious_incidents += 1
            rec.serious_by_layer[kind.layer_index] += 1

    # --- inert traffic (sim.engine.inert) ----------------------------------------------------------
    def spawn_inert(self, kind: IncidentTypeParameters, day: float) -> None:
        """An inert incident starts on `day`: counted as `enter` counts it, its course resolved at once."""
        j = kind.index
        number = self._counts[j]
        self._counts[j] = number + 1
        self._incident_no += 1
        rec = self.record
        rec.incidents += 1
        rec.incidents_by_type[j] += 1
        if self._last_day[j] != int(day):
            self._last_day[j] = int(day)
            rec.incident_days_by_type[j] += 1
        start = kind.start_rung
        self._open_at[start] += 1
        if start > self._level:
            self._set_level(start, day)
        self._count_reach(kind, start, day)
        course = walk(self, kind, self._covered[j], day, self._incident_blocks[j].block(number))
        assert isinstance(course, Walk)  # an inert incident never climbs
        self._commit(course)

    def _commit(self, course: Walk) -> int:
        """Put a walked course's moves on the crisis-level tracker's agenda; return their owner number."""
        owner = self._serial
        ops = self._inert_ops
        for op_day, old, new in course.ops:
            self._serial += 1
            heapq.heappush(ops, (op_day, self._serial, old, new, owner))
        self._inert_event_days += course.event_days
        if ops[0][0] < self._inert_next:
            self._inert_next = ops[0][0]
        return owner

    def _hand_back(self, day: float) -> None:
        """Tension is about to jump on `day`: walked incidents still open go back to their routines, which
        will read the new tension; their walked moves after `day` are taken back."""
        still = []
        for last, owner, incident, start_day, event_days in self._open_walks:
            if last < day:
                continue
            if last == day or day in event_days:
                self.tied = True
                continue
            self._cancelled[owner] = day
            self._retracted_days += [d for d in event_days if d > day]
            kind = incident.kind
            draws = self._incident_blocks[kind.index].block(incident.index_in_type)
            course = walk(self, kind, self._covered[kind.index], start_day, draws, until=day)
            if course is TIED or course is CLIMBS or not isinstance(course, Walk) or course.pending is None:
                self.tied = True  # cannot happen: the same tension gives the same course up to `day`
                continue
            pending = course.pending
            incident.rung = pending.rung
            incident.decisions = pending.decisions
            incident.draws = draws
            start_routine(incident.run(pending))
        self._open_walks = still

    def skip_incident(self, kind: IncidentTypeParameters) -> None:
        """Prevention thinned an arrival: it still takes its number (and its block)."""
        self._counts[kind.index] += 1

    def inert_changed(self) -> None:
        ops = self._inert_ops
        while ops and ops[0][4] in self._cancelled and ops[0][0] > self._cancelled[ops[0][4]]:
            heapq.heappop(ops)
        self._inert_next = min([ops[0][0] if ops else math.inf] + [s.next_day for s in self._inert])

    def _catch_up(self, now: float) -> None:
        """Let inert traffic happen up to (not including) `now`, in the order of its days."""
        ops = self._inert_ops
        streams = self._inert
        open_at = self._open_at
        cancelled = self._cancelled
        while True:
            while ops and ops[0][4] in cancelled and ops[0][0] > cancelled[ops[0][4]]:
                heapq.heappop(ops)  # taken back when its incident went back to its routine
            day = ops[0][0] if ops else math.inf
            first = None
            for stream in streams:
                if stream.next_day < day:
                    day, first = stream.next_day, stream
                elif stream.next_day == day != math.inf:
                    self.tied = True
            if day >= now:
                if day == now:
                    self.tied = True
                break
            if first is not None:
                first.arrive()
                continue
            day, _, old, new, owner = heapq.heappop(ops)
            if ops and ops[0][0] == day and ops[0][4] != owner:
                self.tied = True
            open_at[old] -= 1
            if new >= 0:
                open_at[new] += 1
                if new > self._level:
                    self._set_level(new, day)
                    continue
            if old == self._level and not open_at[old]:
                self._set_level(old, day)
        self._inert_next = day

    def _before_jump(self, day: float) -> None:
        if day >= self._inert_next:
            self._catch_up(day)
        if self._open_walks:
            self._hand_back(day)
        if self.p.arrival_feedback:
            for stream in self._inert:
                stream.interrupt()
            self.inert_changed()

    # --- running ---------------------------------------------------------------------------------
    def run(self) -> ReplicationRecord:
        env = self.env
        for kind in self.p.types:
            if kind.rate_per_day > 0 and not self.exact and is_inert(self.p, kind):
                self._inert.append(InertStream(self, kind))
            elif kind.rate_per_day > 0:
                proc = env.process(self.arrivals(kind))
                if self.p.arrival_feedback:
                    self.tension.listen(lambda proc=proc: proc.interrupt() if proc.is_alive else None)
        for k in range(len(self.p.shocks)):
            env.process(self.shock(k))
        horizon = self.p.horizon_days
        env.process(self._horizon(horizon))
        if not self.exact:
            self.tension.before_jump = self._before_jump
            self.inert_changed()
        env.run(until=self.stop)
        if not self.exact:
            self._finish_inert(env.now)
        end = min(env.now, horizon)
        if self._level >= 0:
            self._time_at_level[self._level] += end - self._level_since
        rec = self.record
        total = 0.0
        for r in range(len(self._time_at_level) - 1, -1, -1):
            total += self._time_at_level[r]
            rec.days_at_or_above[r] = total
        rec.events = self.events
        # Suspended routines keep this world in reference cycles until the garbage collector runs; free
        # the large buffers now so memory stays flat however many replications a process runs.
        for blocks in self._incident_blocks:
            blocks.release()
        self.tension.listeners_clear()
        return rec

    def _finish_inert(self, stop: float) -> None:
        """Inert traffic up to the moment the run stopped; its events count if they happened before."""
        self._catch_up(stop)
        days = self._inert_event_days
        self.events += sum(day < stop for day in days) - sum(day < stop for day in self._retracted_days)
        if stop in days:
            self.tied = True

    def _horizon(self, horizon: float) -> Generator[Any, Any, None]:
        yield self.env.timeout(horizon)
        if not self.stop.triggered:
            self.stop.succeed()


def simulate(params: ModelParameters, seed: int, log: bool = False, exact: bool = False) -> ReplicationRecord:
    """Run one replication of one arm from its replication seed; return its record.

    `exact` runs every incident event by event (the reference); otherwise inert incident types are counted
    (`sim.engine.inert`), which gives the same record bit for bit, or, if a tie between two things on the
    same day would have to be ordered by the event queue, the replication is rerun event by event.
    """
    world = World(params, seed, log=log, exact=exact)
    record = world.run()
    if world.tied:
        return World(params, seed, log=log, exact=True).run()
    return record
