"""The event-by-event driver of one replication: SimPy processes for arrivals, shocks and the horizon, the
channels, and the routines of incidents and calls; with the walks (`sim.engine.walks`) on the default path.

`World` hosts a `sim.engine.model.state.Replication` (the model's state and record) on a `Clock`. On the
default path, incident types whose entry touches nothing but the record are walked instead of run event
by event (`sim.engine.walks.agenda`); `--exact` (and every traced run) runs them all as events.
"""

from __future__ import annotations

import math
from collections.abc import Generator
from typing import Any

import numpy as np
import simpy

from ..clock import Clock
from ..model import arrival
from ..model.incident import Incident, Pending
from ..model.level import order_of_days
from ..model.parameters import IncidentTypeParameters, ModelParameters
from ..model.record import ReplicationRecord
from ..model.state import Replication
from ..model.streams import Draws, Purpose
from ..walks.agenda import Agenda
from ..walks.quiet import may_walk
from ..walks.traffic import Traffic
from .call import on_rung_reached
from .hotline import Hotline
from .incident import run_incident
from .routine import start_routine

__all__ = ["World", "simulate", "simulate_touched"]


class World:
    """One replication of one arm, driven by events. Built fresh for every replication."""

    def __init__(self, params: ModelParameters, seed: int, log: bool = False, exact: bool = False):
        self.p = params
        # Event by event (`exact`, and always with a log) or with quiet incidents walked (sim.engine.walks).
        self.exact = exact or log
        self.env = env = Clock()
        self.rep = rep = Replication(params, seed, lambda: env.now, log)
        rep.on_reached = lambda incident, rung, actor: on_rung_reached(self, incident, rung, actor)
        rep.on_top = self._stop
        self.channels = [Hotline(env, channel) for channel in params.channels]
        self.pair_channels: list[list[Hotline]] = [[] for _ in range(params.n_pairs)]  # in the order calls try them
        for pair, indices in (params.pair_channels or {}).items():
            self.pair_channels[pair] = [self.channels[c] for c in indices]
        self.stop = env.event()
        # Whether a channel mattered this year: a call was considered over one (caller, callee and cover
        # found), or one was suspended. A year in which none did is the same without the line
        # (`sim.engine.model.coupling`).
        self.touched = False
        self._renew = [False] * len(params.types)  # an arrival's own incident raised its type's tension
        self.agenda = Agenda(self)

    # Shorthands for what the drivers read of the model's state.
    @property
    def record(self) -> ReplicationRecord:
        return self.rep.record

    @property
    def tensions(self) -> Any:
        return self.rep.tensions

    @property
    def streams(self) -> Any:
        return self.rep.streams

    def _stop(self) -> None:
        if not self.stop.triggered:
            self.stop.succeed()

    # --- processes -------------------------------------------------------------------------------
    def arrivals(self, kind: IncidentTypeParameters) -> Generator[Any, Any, None]:
        """Non-homogeneous Poisson arrivals by thinning (`sim.engine.model.arrival`); a tension jump
        interrupts and renews the bound."""
        env = self.env
        rep = self.rep
        gen = rep.streams.generator(int(Purpose.ARRIVAL), kind.index)
        buf: list[float] = []
        base = kind.rate_per_day
        feedback = self.p.arrival_feedback
        # Prevention thins accepted arrivals with uniforms of a stream of its own; a thinned arrival still
        # takes its number, so the incidents that do happen read the same blocks as in an arm without it.
        keep = kind.prevention_rate_factor
        prevent = rep.streams.generator(int(Purpose.PREVENTION), kind.index) if keep < 1.0 else None
        tension = rep.tension_of[kind.index]
        log = math.log
        rate, accepted, gap = arrival.rate, arrival.accepted, arrival.gap
        while True:
            bound = rate(base, feedback, tension.at(env.now))
            try:
                while True:
                    if len(buf) < 2:
                        buf = gen.random(512).tolist()[::-1]
                    wait, u_accept = gap(-log(1.0 - buf.pop()), bound), buf.pop()
                    yield env.timeout(wait)
                    rep.events += 1
                    now_rate = rate(base, feedback, tension.at(env.now))
                    if accepted(u_accept, bound, now_rate):
                        if prevent is None or arrival.kept(prevent.random(), keep):
                            self.spawn(kind)
                        else:
                            rep.counts[kind.index] += 1
                    bound = now_rate  # tension only decays between jumps, so the current rate bounds the future
                    if self._renew[kind.index]:  # the spawn itself raised tension: renew the bound now
                        self._renew[kind.index] = False
                        bound = rate(base, feedback, tension.at(env.now))
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
        incident = self.rep.new_incident(kind, number)
        start_routine(run_incident(self, incident))
        return incident

    def resume(self, kind: IncidentTypeParameters, number: int, draws: Draws, pending: Pending,
               covered: bool) -> None:
        """Run a walked incident on from the state `pending` it reached (it has entered and waits for the
        event on `pending.day`), reading its uniforms on from where the walk left them."""
        incident = self.rep.resumed_incident(kind, number, draws, pending.rung, pending.decisions, covered)
        start_routine(run_incident(self, incident, pending))

    def shock(self, k: int) -> Generator[Any, Any, None]:
        s = self.p.shocks[k]
        rep = self.rep
        gen = rep.streams.generator(int(Purpose.SHOCK), k)
        env = self.env
        while True:
            if s.at_day is not None:
                wait = s.at_day - env.now
            else:
                wait = gen.exponential(1.0 / s.rate_per_day) if s.rate_per_day > 0 else math.inf
            if wait == math.inf or env.now + wait > self.p.horizon_days:
                return
            yield env.timeout(wait)
            rep.events += 1
            rep.log_event("shock", None, "", s.label)
            rep.tensions.jump(env.now, s.tension_jump, s.pair)  # pair None: every pair
            if s.suspension_days is not None:
                days = s.suspension_days(float(gen.random()))
                for channel in self.channels:
                    if s.pair is None or channel.p.pair == s.pair:
                        channel.suspend(env.now, days)
                rep.log_event("suspended", None, "", f"the hotline is suspended for {days:.0f} days")
            if s.at_day is not None:
                return

    # --- running ---------------------------------------------------------------------------------
    def run(self) -> ReplicationRecord:
        env = self.env
        p = self.p
        rep = self.rep
        climbing: list[IncidentTypeParameters] = []
        for kind in p.types:
            if kind.rate_per_day > 0 and not self.exact and may_walk(p, kind):
                if rep.can_climb[kind.index]:
                    climbing.append(kind)
                else:
                    self.agenda.quiet_types.append(kind)
            elif kind.rate_per_day > 0:
                proc = env.process(self.arrivals(kind))
                if p.arrival_feedback:
                    rep.tension_of[kind.index].listen(lambda proc=proc, j=kind.index: self._tension_moved(proc, j))
        if climbing:
            self.agenda.traffic = Traffic(self, climbing)
        for k in range(len(p.shocks)):
            env.process(self.shock(k))
        horizon = p.horizon_days
        env.process(self._horizon(horizon))
        if not self.exact:
            rep.tensions.before_jump = self.agenda.before_jump
        env.run(until=self.stop)
        end = min(env.now, horizon)
        days, rungs, signs = rep.changes()
        if not self.exact:
            days, rungs, signs = self._settle(env.now, days, rungs, signs)
        return rep.finish(end, days, rungs, signs)

    def _settle(self, stop: float, days: np.ndarray, rungs: np.ndarray,
                signs: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Add what the walked incidents did up to `stop`; return every change of rung in the order of days."""
        settled = self.agenda.finish(stop)
        rep = self.rep
        rep.events += settled.events
        for j, starts in settled.starts.items():
            if len(starts):
                rep.walked_started(self.p.types[j], starts)
        all_days = np.concatenate([days, settled.d_day])
        order = order_of_days(all_days)
        owners = np.concatenate([np.full(len(days), -1), settled.d_owner])[order]
        all_days = all_days[order]
        same = all_days[1:] == all_days[:-1]
        if (same & (owners[1:] != owners[:-1])).any():
            self.agenda.tied = True  # a walked change on the day of another: only the event queue could order them
        return (all_days, np.concatenate([rungs, settled.d_rung])[order],
                np.concatenate([signs, settled.d_sign])[order])

    def _horizon(self, horizon: float) -> Generator[Any, Any, None]:
        yield self.env.timeout(horizon)
        self._stop()


def simulate(params: ModelParameters, seed: int, log: bool = False, exact: bool = False) -> ReplicationRecord:
    """Run one replication of one arm from its replication seed; return its record (`simulate_touched`)."""
    return simulate_touched(params, seed, log, exact)[0]


def simulate_touched(params: ModelParameters, seed: int, log: bool = False,
                     exact: bool = False) -> tuple[ReplicationRecord, bool]:
    """Run one replication of one arm from its replication seed; return its record.

    `exact` runs every incident event by event (the reference); otherwise incidents that stay at or below
    their start rung are walked on arrays (`sim.engine.walks`), which gives the same record bit for bit, or,
    if a tie between two things on the same day would have to be ordered by the event queue, the
    replication is rerun event by event.

    Also returns whether a hotline channel mattered in the year (`World.touched`).
    """
    world = World(params, seed, log=log, exact=exact)
    record = world.run()
    if world.agenda.tied:
        world = World(params, seed, log=log, exact=True)
        record = world.run()
    return record, world.touched
