"""Emulated arrivals: the candidates the event-by-event arrival process draws
(`sim.engine.events.world.World.arrivals`), on the same uniforms and formulas
(`sim.engine.model.arrival`), without events.

`World.arrivals` draws candidates by thinning (two uniforms each: the gap and the acceptance), with a rate
bound that each candidate's rate renews (tension only decays between jumps), and an interrupt when the
tension of the type's pair rises (the pending candidate is dropped and drawing starts again from the rise
with the new bound). `draw` runs that loop with the tension as it stands; `drawn_until` replays it over
a whole run on the tension history the run left, interrupts included.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from ..model import arrival
from ..model.parameters import IncidentTypeParameters
from ..model.streams import Purpose
from ..model.tension import level_at

if TYPE_CHECKING:
    from ..model.state import Replication

__all__ = ["ArrivalStream", "Drawn", "draw", "drawn_until"]


class ArrivalStream:
    """The uniforms `World.arrivals` reads for one type (two per candidate, in order) and those of its
    prevention (one per accepted candidate that happens)."""

    __slots__ = ("u", "gaps", "_gen", "prevent", "_prevent_gen")

    def __init__(self, rep: Replication, kind: IncidentTypeParameters):
        self.u: list[float] = []
        self.gaps: list[float] = []  # -log(1 - u) of each candidate's first uniform: its gap at rate 1
        self._gen = rep.streams.generator(int(Purpose.ARRIVAL), kind.index)
        self.prevent: list[float] = []
        self._prevent_gen = (rep.streams.generator(int(Purpose.PREVENTION), kind.index)
                             if kind.prevention_rate_factor < 1.0 else None)

    def more(self, pairs: int = 0) -> None:
        """Make the gaps of at least the first `pairs` candidates (and some beyond) ready. The stream's
        numbers come in order, in growing chunks (how many at a time changes none of them); each gap costs
        a `math.log`, so only about as many as are asked for are computed."""
        have = len(self.gaps)
        upto = max(pairs, have + max(32, have // 4))
        while len(self.u) < 2 * upto:
            self.u += self._gen.random(max(512, len(self.u))).tolist()
        log = math.log
        self.gaps += [-log(1.0 - x) for x in self.u[2 * have:2 * upto:2]]

    def prevention(self, first: int, count: int) -> list[float]:
        assert self._prevent_gen is not None
        while len(self.prevent) < first + count:
            self.prevent += self._prevent_gen.random(512).tolist()
        return self.prevent[first:first + count]


class Drawn(NamedTuple):
    days: np.ndarray
    accepted: np.ndarray  # bool, by candidate
    first: int  # the pair of uniforms of the first candidate (the others follow in order)
    pending: int  # the pair of the candidate on or after `until` (it does not happen)
    pending_day: float
    last: float
    bound: float


def draw(stream: ArrivalStream, pair: int, last: float, bound: float, base: float, feedback: float,
         tension: tuple[float, float, float], until: float) -> Drawn:
    """Candidates from `last` on, as `World.arrivals` draws them, up to (not including) `until`, with the
    tension (level, since, decay per day) as it stands: `Tension.at` written out, the same arithmetic.
    The loop finds the days (each gap divided by the bound the last candidate's rate set); acceptance,
    `u * bound < rate`, is then compared for all candidates at once."""
    level, since, decay = tension
    if not feedback or level == 0.0:
        return _draw_steady(stream, pair, last, bound, arrival.rate(base, feedback, 0.0), until)
    u = stream.u
    gaps = stream.gaps
    rate_at, gap = arrival.rate, arrival.gap
    first = pair
    days: list[float] = []
    rates: list[float] = []
    bound0 = bound
    while True:
        if pair >= len(gaps):
            stream.more()
        day = last + gap(gaps[pair], bound)
        if day >= until:
            break
        bound = rate_at(base, feedback, level_at(level, since, decay, day))
        days.append(day)
        rates.append(bound)  # this candidate's rate, the next one's bound
        last = day
        pair += 1
    n = len(days)
    rate = np.asarray(rates, dtype=float)
    bounds = np.empty(n)
    if n:
        bounds[0] = bound0
        bounds[1:] = rate[:-1]
    u_accept = np.asarray(u[2 * first + 1:2 * pair:2], dtype=float)
    return Drawn(np.asarray(days, dtype=float), arrival.accepted(u_accept, bounds, rate), first, pair, day, last,
                 bound)


def _draw_steady(stream: ArrivalStream, pair: int, last: float, bound: float, rate: float, until: float) -> Drawn:
    """`draw` while the rate stands still (no tension, or no feedback): the days are a running sum of
    the gaps (`np.cumsum` adds them one after another, as the loop does), computed a stretch at a time."""
    first = pair
    bound0 = bound
    stretches: list[np.ndarray] = []
    while True:
        expected = (until - last) * rate if until < math.inf else 48.0
        want = int(expected + 4.0 * math.sqrt(expected)) + 16  # rarely too few: then another stretch
        if len(stream.gaps) < pair + want:
            stream.more(pair + want)
        steps = np.asarray(stream.gaps[pair:pair + want], dtype=float) / np.where(np.arange(want) == 0, bound, rate)
        steps[0] = last + steps[0]
        days = np.cumsum(steps)
        inside = int(np.searchsorted(days, until, side="left"))  # days before `until`
        if inside < want:
            stretches.append(days[:inside])
            pair += inside
            pending_day = float(days[inside])
            if inside:
                last = float(days[inside - 1])
                bound = rate
            break
        stretches.append(days)
        pair += want
        last = float(days[-1])
        bound = rate
    all_days = np.concatenate(stretches)
    n = len(all_days)
    bounds = np.full(n, rate)
    if n:
        bounds[0] = bound0
    u_accept = np.asarray(stream.u[2 * first + 1:2 * pair:2], dtype=float)
    return Drawn(all_days, arrival.accepted(u_accept, bounds, rate), first, pair, pending_day, last, bound)


def drawn_until(rep: Replication, kind: IncidentTypeParameters, stream: ArrivalStream,
                stop: float) -> tuple[np.ndarray, np.ndarray, bool]:
    """The candidates of `kind` up to `stop` on the tension history of its pair, interrupted where it rose;
    and whether a tie made the order of events matter (a candidate on a jump's instant or on `stop`, two
    rises at one instant)."""
    base, feedback = kind.rate_per_day, rep.p.arrival_feedback
    tension = rep.tension_of[kind.index]
    history = tension.history
    decay = tension.decay
    segment = 0
    since, level = history[0]
    pair, last = 0, 0.0
    tied = False
    bound = arrival.rate(base, feedback, level_at(level, since, decay, 0.0))
    days: list[np.ndarray] = []
    accepted: list[np.ndarray] = []
    while True:
        jump = history[segment + 1][0] if feedback and segment + 1 < len(history) else math.inf
        until = min(jump, stop)
        drawn = draw(stream, pair, last, bound, base, feedback, (level, since, decay), until)
        days.append(drawn.days)
        accepted.append(drawn.accepted)
        if drawn.pending_day == until:
            tied = True
        if jump >= stop:
            return np.concatenate(days), np.concatenate(accepted), tied
        # Interrupted at the jump: the pending candidate is dropped; drawing starts again from the jump.
        segment += 1
        since, level = history[segment]
        if segment + 1 < len(history) and history[segment + 1][0] == jump:
            tied = True  # two rises at one instant: each interrupts; leave it to the event queue
        pair, last = drawn.pending + 1, jump
        bound = arrival.rate(base, feedback, level_at(level, since, decay, jump))
