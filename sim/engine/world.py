"""One replication: the world's clock, tension, arrivals, shocks, channels, and the record they fill."""

from __future__ import annotations

import math
from collections.abc import Generator
from typing import Any

import numpy as np
import simpy

from .agenda import Agenda
from .call import on_rung_reached
from .hotline import Hotline
from .incident import Incident
from .level import days_at_levels, days_at_or_above
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
        # Event by event (`exact`, and always with a log) or with quiet incidents walked (sim.engine.agenda).
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
        self._entries: list[list[float]] = [[] for _ in range(n_types)]  # days incidents entered, by type
        self._walked_entries: list[list[np.ndarray]] = [[] for _ in range(n_types)]  # and those walked
        # Changes of rung of open incidents (day, rung, +1/-1) in the order they happened; the crisis level
        # (the highest rung among open incidents) and the days at each level follow (sim.engine.level).
        self._change_day: list[float] = []
        self._change_rung: list[int] = []
        self._change_sign: list[int] = []
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

    def spawn(self, kind: IncidentTypeParameters, number: int | None = None) -> Incident:
        """Start an incident of `kind`: the next number in its type, or `number` (an emulated arrival)."""
        j = kind.index
        if number is None:
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

    def _change(self, now: float, rung: int, sign: int) -> None:
        self._change_day.append(now)
        self._change_rung.append(rung)
        self._change_sign.append(sign)

    def enter(self, incident: Incident) -> None:
        kind = incident.kind
        j = kind.index
        rec = self.record
        now = self.env.now
        rec.incidents += 1
        rec.incidents_by_type[j] += 1
        self._entries[j].append(now)
        self.log_event("incident", incident, self.p.parties[kind.initiator].name, kind.label)
        self._change(now, incident.rung, 1)
        self._reach(incident, incident.rung, kind.initiator)

    def move(self, incident: Incident, new: int, mover: PartyParameters | None, accident: bool,
             note: str | None = None) -> None:
        """Put an incident on rung `new`: by a party's move (`mover`), or by an agreement (`note`)."""
        old = incident.rung
        now = self.env.now
        if new != old:  # a move onto the rung it is on changes no level (and must not split a piece of time)
            self._change(now, old, -1)
            self._change(now, new, 1)
        incident.rung = new
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
        self._change(self.env.now, incident.rung, -1)

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

    def _count_reach(self, kind: IncidentTypeParameters, rung: int, now: float, incidents: int = 1) -> None:
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

    # --- what the agenda (sim.engine.agenda) needs --------------------------------------------------
    def block(self, kind: IncidentTypeParameters, number: int) -> Draws:
        return self._incident_blocks[kind.index].block(number)

    block_width = INCIDENT_BLOCK

    def blocks_of(self, kind: IncidentTypeParameters) -> UniformBlocks:
        return self._incident_blocks[kind.index]

    # --- running ---------------------------------------------------------------------------------
    def run(self) -> ReplicationRecord:
        env = self.env
        p = self.p
        climbing: list[IncidentTypeParameters] = []
        for kind in p.types:
            if kind.rate_per_day > 0 and not self.exact and may_walk(p, kind):
                if self.can_climb[kind.index]:
                    climbing.append(kind)
                else:
                    self.agenda.quiet_types.append(kind)
            elif kind.rate_per_day > 0:
                proc = env.process(self.arrivals(kind))
                if p.arrival_feedback:
                    self.tension_of[kind.index].listen(lambda proc=proc, j=kind.index: self._tension_moved(proc, j))
        if climbing:
            self.agenda.traffic = Traffic(self, climbing)
        for k in range(len(p.shocks)):
            env.process(self.shock(k))
        horizon = p.horizon_days
        env.process(self._horizon(horizon))
        if not self.exact:
            self.tensions.before_jump = self.agenda.before_jump
        env.run(until=self.stop)
        end = min(env.now, horizon)
        days = np.asarray(self._change_day, dtype=float)
        rungs = np.asarray(self._change_rung, dtype=np.int64)
        signs = np.asarray(self._change_sign, dtype=np.int64)
        if not self.exact:
            days, rungs, signs = self._settle(env.now, days, rungs, signs)
        rec = self.record
        rec.days_at_or_above = days_at_or_above(days_at_levels(days, rungs, signs, end, p.top + 1))
        for j, entered in enumerate(self._entries):
            if entered or self._walked_entries[j]:
                # Distinct days with an incident entering: np.unique's count, by sorting and counting steps.
                floors = np.sort(np.floor(np.concatenate([np.asarray(entered, dtype=float),
                                                          *self._walked_entries[j]])))
                rec.incident_days_by_type[j] = 1 + int(np.count_nonzero(floors[1:] != floors[:-1]))
        rec.events = self.events
        # Suspended routines keep this world in reference cycles until the garbage collector runs; free
        # the large buffers now so memory stays flat however many replications a process runs.
        for blocks in self._incident_blocks:
            blocks.release()
        self.tensions.listeners_clear()
        return rec

    def _settle(self, stop: float, days: np.ndarray, rungs: np.ndarray,
                signs: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Add what the walked incidents did up to `stop`; return every change of rung in the order of days."""
        settled = self.agenda.finish(stop)
        self.events += settled.events
        rec = self.record
        for j, starts in settled.starts.items():
            if not len(starts):
                continue
            kind = self.p.types[j]
            rec.incidents += len(starts)
            rec.incidents_by_type[j] += len(starts)
            self._walked_entries[j].append(starts)
            self._count_reach(kind, kind.start_rung, float(starts.min()), len(starts))
        all_days = np.concatenate([days, settled.d_day])
        order = np.argsort(all_days, kind="stable")
        owners = np.concatenate([np.full(len(days), -1), settled.d_owner])[order]
        all_days = all_days[order]
        same = all_days[1:] == all_days[:-1]
        if (same & (owners[1:] != owners[:-1])).any():
            self.agenda.tied = True  # a walked change on the day of another: only the event queue could order them
        return (all_days, np.concatenate([rungs, settled.d_rung])[order],
                np.concatenate([signs, settled.d_sign])[order])

    def _horizon(self, horizon: float) -> Generator[Any, Any, None]:
        yield self.env.timeout(horizon)
        if not self.stop.triggered:
            self.stop.succeed()


def simulate(params: ModelParameters, seed: int, log: bool = False, exact: bool = False) -> ReplicationRecord:
    """Run one replication of one arm from its replication seed; return its record.

    `exact` runs every incident event by event (the reference); otherwise incidents that stay at or below
    their start rung are walked on arrays (`sim.engine.agenda`, `sim.engine.traffic`), which gives the same
    record bit for bit, or, if a tie between two things on the same day would have to be ordered by the
    event queue, the replication is rerun event by event.
    """
    world = World(params, seed, log=log, exact=exact)
    record = world.run()
    if world.agenda.tied:
        return World(params, seed, log=log, exact=True).run()
    return record
