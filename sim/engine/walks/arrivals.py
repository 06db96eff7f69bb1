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
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np

from ..jit import COMPILED, jit
from ..model import arrival
from ..model.parameters import IncidentTypeParameters
from ..model.streams import Purpose, fill
from ..model.tension import level_at

if TYPE_CHECKING:
    from ..model.state import Replication

__all__ = ["ArrivalStream", "Drawn", "draw", "drawn_until"]


class ArrivalStream:
    """The uniforms `World.arrivals` reads for one type (two per candidate, in order) and those of its
    prevention (one per accepted candidate that happens). `u` and `gaps` are read-only views of arrays
    that grow as more are asked for."""

    __slots__ = ("_u", "_nu", "_gaps", "_ng", "_gen", "prevent", "_prevent_gen")

    def __init__(self, rep: Replication, kind: IncidentTypeParameters):
        self._u = np.empty(0)
        self._nu = 0
        self._gaps = np.empty(0)  # -log(1 - u) of each candidate's first uniform: its gap at rate 1
        self._ng = 0
        self._gen = rep.streams.source(int(Purpose.ARRIVAL), kind.index)
        self.prevent: list[float] = []
        self._prevent_gen = (rep.streams.source(int(Purpose.PREVENTION), kind.index)
                             if kind.prevention_rate_factor < 1.0 else None)

    @property
    def u(self) -> np.ndarray:
        return self._u[:self._nu]

    @property
    def gaps(self) -> np.ndarray:
        return self._gaps[:self._ng]

    @property
    def count(self) -> int:
        """How many gaps are ready."""
        return self._ng

    def more(self, pairs: int = 0) -> None:
        """Make the gaps of at least the first `pairs` candidates (and some beyond) ready. The stream's
        numbers come in order, in growing chunks (how many at a time changes none of them); each gap costs
        a `math.log`, so only about as many as are asked for are computed."""
        have = self._ng
        upto = max(pairs, have + max(32, have // 4))
        if self._nu < 2 * upto:
            fresh = max(2 * upto - self._nu, 512, self._nu)
            grown = np.empty(self._nu + fresh)
            grown[:self._nu] = self._u[:self._nu]
            fill(self._gen, grown[self._nu:])
            self._u, self._nu = grown, len(grown)
        if upto > len(self._gaps):
            grown = np.empty(max(upto, 2 * len(self._gaps)))
            grown[:have] = self._gaps[:have]
            self._gaps = grown
        unit_gaps(np.ascontiguousarray(self._u[2 * have:2 * upto:2]), self._gaps[have:upto])
        self._ng = upto

    def prevention(self, first: int, count: int) -> list[float]:
        assert self._prevent_gen is not None
        while len(self.prevent) < first + count:
            fresh = np.empty(512)
            fill(self._prevent_gen, fresh)
            self.prevent += fresh.tolist()
        return self.prevent[first:first + count]


@jit
def unit_gaps(u: np.ndarray, out: np.ndarray) -> None:
    """-log(1 - u) of every element into `out`, as `World.arrivals` computes each gap at rate 1. (Kernels
    write into their callers' arrays: see `sim.engine.jit`.)"""
    for i in range(len(u)):
        out[i] = -math.log(1.0 - u[i])


@jit
def tense_candidates(gaps: np.ndarray, pair: int, last: float, bound: float, base: float, feedback: float,
                     level: float, since: float, decay: float, until: float, days: np.ndarray,
                     rates: np.ndarray) -> tuple[Any, ...]:
    """The loop of `draw` while tension is not zero, over the gaps at hand: each candidate's day (its gap at
    the bound the last one's rate set) and its rate, `arrival.rate` of `level_at` written out, into `days`
    and `rates` (room for every gap left). Returns how many, the next pair, the last day computed, the last
    candidate's day, the bound, and whether a day reached `until` (False: the gaps ran out first)."""
    n = len(gaps)
    i = 0
    day = last
    while pair < n:
        day = last + gaps[pair] / bound
        if day >= until:
            return i, pair, day, last, bound, True
        bound = base * (1.0 + feedback * (level * math.exp(-decay * (day - since))))
        days[i] = day
        rates[i] = bound
        i += 1
        last = day
        pair += 1
    return i, pair, day, last, bound, False


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
    first = pair
    parts: list[tuple[np.ndarray, np.ndarray]] = []
    bound0 = bound
    while True:
        if pair >= stream.count:
            stream.more()
        room = stream.count - pair
        days_part, rates_part = np.empty(room), np.empty(room)
        n, pair, day, last, bound, done = tense_candidates(stream.gaps, pair, last, bound, base, feedback, level,
                                                           since, decay, until, days_part, rates_part)
        parts.append((days_part[:n], rates_part[:n]))
        if done:
            break
    days = parts[0][0] if len(parts) == 1 else np.concatenate([d for d, _ in parts])
    rates = parts[0][1] if len(parts) == 1 else np.concatenate([r for _, r in parts])
    n = len(days)
    bounds = np.empty(n)
    if n:
        bounds[0] = bound0
        bounds[1:] = rates[:-1]
    u_accept = stream.u[2 * first + 1:2 * pair:2]
    return Drawn(days, arrival.accepted(u_accept, bounds, rates), first, pair, day, last, bound)


def _draw_steady(stream: ArrivalStream, pair: int, last: float, bound: float, rate: float, until: float) -> Drawn:
    """`draw` while the rate stands still (no tension, or no feedback): each day the last one plus the next
    gap at the bound (the rate, after the first candidate), and acceptance at the rate, in compiled code
    (`steady_candidates`); the gaps about as many as expected are made ready first."""
    if not COMPILED:
        return _steady_on_arrays(stream, pair, last, bound, rate, until)
    first = pair
    expected = (until - last) * rate if until < math.inf else 48.0
    want = int(expected + 4.0 * math.sqrt(expected)) + 16  # rarely too few: then more
    if stream.count < pair + want:
        stream.more(pair + want)
    parts: list[tuple[np.ndarray, np.ndarray]] = []
    while True:
        if pair >= stream.count:
            stream.more()
        room = stream.count - pair
        days, accept = np.empty(room), np.empty(room, dtype=np.bool_)
        n, pair, day, last, bound, done = steady_candidates(stream.gaps, stream.u, pair, last, bound, rate, until,
                                                            days, accept)
        parts.append((days[:n], accept[:n]))
        if done:
            break
    if len(parts) == 1:
        all_days, all_accepted = parts[0]
    else:
        all_days, all_accepted = np.concatenate([d for d, _ in parts]), np.concatenate([a for _, a in parts])
    return Drawn(all_days, all_accepted, first, pair, day, last, bound)


def _steady_on_arrays(stream: ArrivalStream, pair: int, last: float, bound: float, rate: float, until: float) -> Drawn:
    """`_draw_steady` without compiled code: the days are a running sum of the gaps (`np.cumsum` adds them
    one after another, as the loop does), computed a stretch at a time."""
    first = pair
    bound0 = bound
    stretches: list[np.ndarray] = []
    while True:
        expected = (until - last) * rate if until < math.inf else 48.0
        want = int(expected + 4.0 * math.sqrt(expected)) + 16  # rarely too few: then another stretch
        if stream.count < pair + want:
            stream.more(pair + want)
        steps = stream.gaps[pair:pair + want] / np.where(np.arange(want) == 0, bound, rate)
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
    u_accept = stream.u[2 * first + 1:2 * pair:2]
    return Drawn(all_days, arrival.accepted(u_accept, bounds, rate), first, pair, pending_day, last, bound)


@jit
def steady_candidates(gaps: np.ndarray, u: np.ndarray, pair: int, last: float, bound: float, rate: float,
                      until: float, days: np.ndarray, accept: np.ndarray) -> tuple[Any, ...]:
    """The loop of `draw` at a rate that stands still, over the gaps at hand: each candidate's day (the last
    day plus its gap at the bound) and whether it is accepted (`arrival.accepted`: its second uniform times
    the bound below the rate), into `days` and `accept`; the bound is the rate from the first candidate
    on. Returns how many, the next pair, the last day computed, the last candidate's day, the bound, and
    whether a day reached `until` (False: the gaps ran out first)."""
    n = len(gaps)
    i = 0
    day = last
    while pair < n:
        day = last + gaps[pair] / bound
        if day >= until:
            return i, pair, day, last, bound, True
        days[i] = day
        accept[i] = u[2 * pair + 1] * bound < rate
        bound = rate
        i += 1
        last = day
        pair += 1
    return i, pair, day, last, bound, False


def drawn_until(rep: Replication, kind: IncidentTypeParameters, stream: ArrivalStream,
                stop: float) -> tuple[np.ndarray, np.ndarray, bool]:
    """The candidates of `kind` up to `stop` on the tension history of its pair, interrupted where it rose;
    and whether a tie made the order of events matter (a candidate on a jump's instant or on `stop`)."""
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
        # (Two rises at one instant: each interrupts. The segment between them has no length; drawing on it
        # gives no candidate but a pending one, which the second interrupt drops, as the process drops the
        # candidate it drew after the first.)
        pair, last = drawn.pending + 1, jump
        bound = arrival.rate(base, feedback, level_at(level, since, decay, jump))
