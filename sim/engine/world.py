"""One replication: the world's clock, tension, arrivals, shocks, channels, and the record they fill."""

from __future__ import annotations

import math
from collections.abc import Generator
from typing import Any

import simpy

from .agenda import Agenda
from .call import on_rung_reached
from .hotline import Hotline
from .incident import Incident
from .parameters import IncidentTypeParameters, ModelParameters, PartyParameters
from .quiet import can_climb, covered_at_start, may_walk
from .record import LogEntry, ReplicationRecord
from .routine import start_routine
from .streams import Draws, Purpose, Streams, UniformBlocks
from .tension import Tensions
from .traffic import Traffic

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
        self.tensions = Tensions(params.n_pairs, params.tension_initial, params.tension_decay_per_day,
                                 params.spillover)
        self.tension_of = [self.tensions[kind.pair] for kind in params.types]  # by incident type
        self.channels = [Hotline(self.env, channel) for channel in params.channels]
        self.pair_channels: list[list[Hotline]] = [[] for _ in range(params.n_pairs)]  # in the order calls try them
        for pair, indices in (params.pair_channels or {}).items():
            self.pair_channels[pair] = [self.channels[c] for c in indices]
        self._suspension_draws: dict[int, Any] = {}
        n_rungs, n_types = params.top + 1, len(params.types)
        self.record = ReplicationRecord.empty(n_rungs, n_types, len(params.layers))
        self.record.log = [] if log else None
        self.events = 0
        self.stop = self.env.event()
        self._incident_blocks = [UniformBlocks(self.streams, Purpose.INCIDENT, Purpose.INCIDENT_OVERFLOW, j,
                                               INCIDENT_BLOCK) for j in range(n_types)]
        self._counts = [0] * n_types
        self._renew = [False] * n_types  # an arrival's own incident raised its type's tension (see arrivals)
        self._last_day = [-1] * n_types
        # The world's crisis level is the highest rung among open incidents; time at each level is summed.
        self._open_at = [0] * n_rungs
        self._level = -1
        self._level_since = 0.0
        self._time_at_level = [0.0] * n_rungs
        self._incident_no = 0
        self.agenda = Agenda(self)
        self.covered = [covered_at_start(params, kind) for kind in params.types]
        self.can_climb = [can_climb(kind) for kind in params.types]

    def suspension_draws(self, channel: int) -> Any:
        """The generator of suspension lengths of one channel (its own stream: channels never share)."""
        gen = self._suspension_draws.get(channel)
        if gen is None:
            key = (int(Purpose.SUSPENSION),) if channel == 0 else (int(Purpose.SUSPENSION), channel)
            gen = self._suspension_draws[channel] = self.streams.generator(*key)
        return gen

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
        tension = self.tension_of[kind.index]
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
                    if self._renew[kind.index]:  # the spawn itself raised tension: renew the bound now
                        self._renew[kind.index] = False
                        bound = base * (1.0 + feedback * tension.at(env.now))
            except simpy.Interrupt:
                continue

    def _tension_moved(self, proc: Any, j: int) -> None:
        """Tension of type j's pair rose: its arrival process draws again from the new bound. When the
        rise came from the arrival itself (its incident's start rung raises tension), the process cannot
        be interrupted; it renews its bound as soon as the spawn returns (`_renew`)."""
        if not proc.is_alive:
            return
        if self.env.active_process is proc:
            self._renew[j] = True
        else:
            proc.interrupt()

    def spawn(self, kind: IncidentTypeParameters) -> Incident:
        j = kind.index
        number = self._counts[j]
        self._counts[j] = number + 1
        self._incident_no += 1
        incident = Incident(self, kind, self._incident_no, number, self._incident_blocks[j].block(number))
        start_routine(incident.run())
        return incident

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
            self.tensions.jump(env.now, s.tension_jump, s.pair)  # pair None: every pair
            if s.suspension_days is not None:
                days = s.suspension_days(float(gen.random()))
                for channel in self.channels:
                    if s.pair is None or channel.p.pair == s.pair:
                        channel.suspend(env.now, days)
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
        if self.env.now >= self.agenda.next_day:
            self.agenda.catch_up(self.env.now)
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
        if now >= self.agenda.next_day:
            self.agenda.catch_up(now)
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
        if now >= self.agenda.next_day:
            self.agenda.catch_up(now)
        self._open_at[incident.rung] -= 1
        if incident.rung == self._level and not self._open_at[incident.rung]:
            self._set_level(incident.rung, now)

    def _reach(self, incident: Incident, rung: int, actor: int) -> None:
        p = self.p
        now = self.env.now
        self._count_reach(incident.kind, rung, now)
        jump = p.tension_jump[rung]
        if jump:
            self.tensions.jump(now, jump, incident.kind.pair)
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

    # --- what the agenda (sim.engine.agenda) lets happen ---------------------------------------------
    def count_of(self, kind: IncidentTypeParameters) -> int:
        """The number in its type the next incident of `kind` will take (it addresses its block)."""
        return self._counts[kind.index]

    def block(self, kind: IncidentTypeParameters, number: int) -> Draws:
        return self._incident_blocks[kind.index].block(number)

    def skip_incident(self, kind: IncidentTypeParameters) -> None:
        """Prevention thinned an arrival: it still takes its number (and its block)."""
        self._counts[kind.index] += 1

    def enter_counted(self, kind: IncidentTypeParameters, day: float) -> int:
        """An incident whose course is walked starts on `day`: counted as `enter` counts it (entering its
        start rung touches nothing else, `sim.engine.quiet.may_walk`). Returns its number in its type."""
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
        return number

    def apply_move(self, day: float, old: int, new: int) -> None:
        """A walked incident moves from rung `old` to `new` (-1: it ends) on `day`, as `move` and `leave`
        would put it on the crisis-level tracker."""
        open_at = self._open_at
        open_at[old] -= 1
        if new >= 0:
            open_at[new] += 1
            if new > self._level:
                self._set_level(new, day)
                return
        if old == self._level and not open_at[old]:
            self._set_level(old, day)

    # --- running ---------------------------------------------------------------------------------
    def run(self) -> ReplicationRecord:
        env = self.env
        for kind in self.p.types:
            if kind.rate_per_day > 0 and not self.exact and may_walk(self.p, kind):
                self.agenda.traffic.append(Traffic(self, kind, self.covered[kind.index]))
            elif kind.rate_per_day > 0:
                proc = env.process(self.arrivals(kind))
                if self.p.arrival_feedback:
                    self.tension_of[kind.index].listen(lambda proc=proc, j=kind.index: self._tension_moved(proc, j))
        for k in range(len(self.p.shocks)):
            env.process(self.shock(k))
        horizon = self.p.horizon_days
        env.process(self._horizon(horizon))
        if not self.exact:
            self.tensions.before_jump = self.agenda.before_jump
            self.agenda.refresh()
        env.run(until=self.stop)
        if not self.exact:
            held = self.agenda.finish(env.now)  # lets the agenda's arrivals count their own events first
            self.events += held
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
        self.tensions.listeners_clear()
        return rec

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
    if world.agenda.tied:
        return World(params, seed, log=log, exact=True).run()
    return record
