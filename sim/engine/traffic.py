"""Emulated arrivals: the arrival process of an incident type whose incidents can be walked, in batches.

`World.arrivals` draws candidates by thinning (two uniforms each: the gap and the acceptance), with a rate
bound that tension feedback renews, and an interrupt when the tension of the type's pair jumps (the
pending candidate is dropped and drawing starts again from the jump with the new bound). `draw` runs that
loop on the same uniforms without events. What happens to the accepted candidates is decided in batches:

- `Traffic` (the types whose incidents could climb, together): draws every type's candidates of a window
  of days with the tension as it stands and walks the accepted ones of all types at once
  (`sim.engine.batch.walk_many`); an incident that would climb gets a real event on exactly its day and
  runs event by event from its start; an event at the window's end draws the next one. When a pair's
  tension is about to jump, what its types drew after the jump is taken back (drawn again after it with
  arrival feedback, walked again without), and their walked incidents still open go back to their routines.
- `settle_quiet_types` (types whose incidents can never climb, so never matter to anything but the record):
  after the run, on the tension history it left, with the interrupts where the jumps were.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np

from .batch import CLIMBED, LONG, QUIET, Kinds, walk_many
from .parameters import IncidentTypeParameters
from .quiet import Walk, walk
from .streams import Purpose

if TYPE_CHECKING:
    from .world import World

__all__ = ["Traffic", "Batch", "ArrivalStream", "settle_quiet_types", "VECTOR_MIN"]

VECTOR_MIN = 120  # fewer incidents than this are walked one by one: array operations cost more for them
WINDOW = 2048  # incidents expected in a window of days drawn and walked together (a jump retakes one)


class ArrivalStream:
    """The uniforms `World.arrivals` reads for one type (two per candidate, in order) and those of its
    prevention (one per accepted candidate that happens)."""

    __slots__ = ("u", "gaps", "_gen", "prevent", "_prevent_gen")

    def __init__(self, world: World, kind: IncidentTypeParameters):
        self.u: list[float] = []
        self.gaps: list[float] = []  # -log(1 - u) of each candidate's first uniform: its gap at rate 1
        self._gen = world.streams.generator(int(Purpose.ARRIVAL), kind.index)
        self.prevent: list[float] = []
        self._prevent_gen = (world.streams.generator(int(Purpose.PREVENTION), kind.index)
                             if kind.prevention_rate_factor < 1.0 else None)

    def more(self) -> None:
        # The stream's numbers in order, in growing chunks (how many at a time changes none of them).
        fresh = self._gen.random(max(512, len(self.u)))
        self.u += fresh.tolist()
        log = math.log
        self.gaps += [-log(1.0 - x) for x in fresh[0::2].tolist()]

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
        return _draw_steady(stream, pair, last, bound, base * (1.0 + feedback * 0.0) if feedback else base, until)
    u = stream.u
    gaps = stream.gaps
    exp = math.exp
    first = pair
    days: list[float] = []
    rates: list[float] = []
    bound0 = bound
    while True:
        if pair >= len(gaps):
            stream.more()
        day = last + gaps[pair] / bound
        if day >= until:
            break
        bound = base * (1.0 + feedback * (level * exp(-decay * (day - since))))
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
    return Drawn(np.asarray(days, dtype=float), u_accept * bounds < rate, first, pair, day, last, bound)


def _draw_steady(stream: ArrivalStream, pair: int, last: float, bound: float, rate: float, until: float) -> Drawn:
    """`draw` while the rate stands still (no tension, or no feedback): the days are a running sum of
    the gaps (`np.cumsum` adds them one after another, as the loop does), computed a stretch at a time."""
    first = pair
    bound0 = bound
    stretches: list[np.ndarray] = []
    while True:
        want = int((until - last) * rate * 1.25) + 16 if until < math.inf else 64
        while len(stream.gaps) < pair + want:
            stream.more()
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
    return Drawn(all_days, u_accept * bounds < rate, first, pair, pending_day, last, bound)


class Batch:
    """Candidates drawn together (of one or several types), and the incidents among them whose courses
    were walked. `owner` indices run over the walked incidents; `cut[i]` is the day after which incident
    i's walked moves were taken back (it went back to its routine), inf if none."""

    __slots__ = ("cand_days", "cand_types", "starts", "numbers", "types", "last", "d_day", "d_rung", "d_sign",
                 "d_owner", "e_day", "e_owner", "cut", "max_last")

    def __init__(self, cand_days: np.ndarray, cand_types: np.ndarray, starts: np.ndarray, numbers: np.ndarray,
                 types: np.ndarray, last: np.ndarray, deltas: list[np.ndarray], events: list[np.ndarray]):
        self.cand_days, self.cand_types = cand_days, cand_types
        self.starts, self.numbers, self.types, self.last = starts, numbers, types, last
        self.d_day, self.d_rung, self.d_sign, self.d_owner = deltas
        self.e_day, self.e_owner = events
        self.cut = np.full(len(starts), math.inf)
        self.max_last = float(last.max()) if len(last) else -math.inf

    def truncate(self, day: float, affected: np.ndarray) -> None:
        """Of the types `affected` (a mask by type index), keep only what happened before `day`."""
        cand_keep = (self.cand_days < day) | ~affected[self.cand_types]
        self.cand_days, self.cand_types = self.cand_days[cand_keep], self.cand_types[cand_keep]
        keep = (self.starts < day) | ~affected[self.types]
        if keep.all():
            return
        index = np.cumsum(keep) - 1
        self.starts, self.numbers, self.types = self.starts[keep], self.numbers[keep], self.types[keep]
        self.last, self.cut = self.last[keep], self.cut[keep]
        d = keep[self.d_owner]
        self.d_day, self.d_rung, self.d_sign = self.d_day[d], self.d_rung[d], self.d_sign[d]
        self.d_owner = index[self.d_owner[d]]
        e = keep[self.e_owner]
        self.e_day, self.e_owner = self.e_day[e], index[self.e_owner[e]]
        self.max_last = float(self.last.max()) if len(self.last) else -math.inf


class Accepted(NamedTuple):
    """Accepted candidates to walk: type position in the group (`t`), type index, day, number in type."""

    t: np.ndarray
    types: np.ndarray
    days: np.ndarray
    numbers: np.ndarray


def _walk_all(world: World, kinds: Kinds, a: Accepted, climbable: bool
              ) -> tuple[np.ndarray, np.ndarray, list[np.ndarray], list[np.ndarray]]:
    """Walk the incidents of `a`: status and last day of each, and the level changes (day, rung, sign,
    owner) and engine events (day, owner), of the climbing ones too (the caller keeps the quiet ones'). Few
    incidents are walked one by one (`quiet.walk`); many at once (`walk_many`), and the last few of those
    go on one by one from where it left them."""
    p = world.p
    n = len(a.days)
    if n >= VECTOR_MIN:
        mech = p.mechanisms
        # `a` holds each type's incidents together, so their blocks can be put one type after another.
        cuts = np.flatnonzero(a.types[1:] != a.types[:-1]) + 1
        bounds = [0, *cuts.tolist(), n]
        parts = [world.blocks_of(p.types[int(a.types[lo])]).rows(a.numbers[lo:hi])
                 for lo, hi in zip(bounds[:-1], bounds[1:], strict=True)]
        rows = parts[0] if len(parts) == 1 else np.concatenate(parts)
        w = walk_many(kinds, a.t, a.days, rows, p.escalation_feedback, mech.hazard_multiplier,
                      mech.hazard_below_rung, p.weapons_rung, p.ambiguous, climbable)
        status, last = w.status.copy(), w.last.copy()
        # Changes of incidents that climb are dropped by the caller, by their final status.
        d = [w.d_day, w.d_rung, w.d_sign, w.d_owner]
        e = [w.e_day, w.e_owner]
        todo = w.resume
    else:
        status, last = np.full(n, LONG, dtype=np.int8), np.full(n, np.nan)
        d, e = [], []
        todo = [(i, None) for i in range(n)]
    days: list[float] = []
    rungs: list[int] = []
    signs: list[int] = []
    owners: list[int] = []
    e_days: list[float] = []
    e_owners: list[int] = []
    for i, resume in todo:
        kind = p.types[int(a.types[i])]
        start_day = float(a.days[i])
        course = walk(world, kind, world.covered[kind.index], start_day, world.block(kind, int(a.numbers[i])),
                      resume=resume)
        if not isinstance(course, Walk):
            status[i] = CLIMBED
            continue
        status[i] = QUIET
        if resume is None:  # walked from its start: it enters too
            days.append(start_day)
            rungs.append(kind.start_rung)
            signs.append(1)
            owners.append(i)
        for op_day, old, new in course.ops:
            days.append(op_day)
            rungs.append(old)
            signs.append(-1)
            owners.append(i)
            if new >= 0:
                days.append(op_day)
                rungs.append(new)
                signs.append(1)
                owners.append(i)
        last[i] = course.ops[-1][0]
        e_days += course.event_days
        e_owners += [i] * len(course.event_days)
    one_by_one = [np.asarray(days, dtype=float), np.asarray(rungs, dtype=np.int64),
                  np.asarray(signs, dtype=np.int64), np.asarray(owners, dtype=np.int64)]
    e_one_by_one = [np.asarray(e_days, dtype=float), np.asarray(e_owners, dtype=np.int64)]
    if d:
        return (status, last, [np.concatenate([x, y]) for x, y in zip(d, one_by_one, strict=True)],
                [np.concatenate([x, y]) for x, y in zip(e, e_one_by_one, strict=True)])
    return status, last, one_by_one, e_one_by_one


def make_batch(world: World, kinds: Kinds, cand_days: np.ndarray, cand_types: np.ndarray, a: Accepted,
               climbable: bool) -> tuple[Batch, np.ndarray]:
    """A batch of walked incidents (renumbered among the quiet ones), and the positions in `a` of those
    that climb."""
    status, last, d, e = _walk_all(world, kinds, a, climbable)
    quiet = status == QUIET
    index = np.cumsum(quiet) - 1
    owner_ok = quiet[d[3]]
    deltas = [d[0][owner_ok], d[1][owner_ok], d[2][owner_ok], index[d[3][owner_ok]]]
    e_ok = quiet[e[1]]
    events = [e[0][e_ok], index[e[1][e_ok]]]
    batch = Batch(cand_days, cand_types, a.days[quiet], a.numbers[quiet], a.types[quiet], last[quiet], deltas,
                  events)
    return batch, np.flatnonzero(status == CLIMBED)


class _Stream:
    """One type's arrivals in a `Traffic`: where drawing stands, and what the current window drew."""

    __slots__ = ("kind", "arrivals", "pair", "last", "bound", "number", "prevented", "tail", "generation",
                 "pending")

    def __init__(self, world: World, kind: IncidentTypeParameters):
        self.kind = kind
        self.arrivals = ArrivalStream(world, kind)
        self.pair = 0  # the next candidate's uniforms
        self.last = 0.0  # the day of the last candidate drawn (or of the last jump)
        fb = world.p.arrival_feedback
        self.bound = kind.rate_per_day * (1.0 + fb * world.tension_of[kind.index].at(0.0))
        self.number = 0  # the number in its type of the next accepted candidate
        self.prevented = 0  # prevention uniforms used
        # The current window's draw, the position from which it is walked, and the number and prevention
        # uniform of the first accepted candidate from there.
        self.tail: tuple[Drawn, int, int, int] | None = None
        self.generation = 0  # bumped when what it drew is taken back (its real arrivals lapse)
        self.pending: list[Any] = []  # events of its real arrivals still to come


class Traffic:
    """The arrivals of the walkable incident types whose incidents can climb, emulated window by window."""

    def __init__(self, world: World, kinds: list[IncidentTypeParameters]):
        self.world = world
        self.streams = [_Stream(world, kind) for kind in kinds]
        self.kinds = Kinds(kinds, [world.covered[k.index] for k in kinds], [world.tension_of[k.index] for k in kinds],
                           world.p.mechanisms.hazard_multiplier)
        self.pairs = {kind.pair for kind in kinds}
        self.batches: list[Batch] = []
        self._feedback = world.p.arrival_feedback
        self._span = WINDOW / sum(kind.rate_per_day for kind in kinds)  # days in a window
        self.window_end = 0.0
        self._renewing = False  # a jump happened on this instant; drawing or walking again comes after it
        self._next_window()

    def _draw(self, s: _Stream, until: float) -> None:
        """Draw stream `s` on from where it stands, up to `until`; where it stands moves to there."""
        kind = s.kind
        tension = self.world.tension_of[kind.index]
        drawn = draw(s.arrivals, s.pair, s.last, s.bound, kind.rate_per_day, self._feedback, tension.state, until)
        if drawn.pending_day == self.world.p.horizon_days:
            self.world.agenda.tied = True
        s.tail = (drawn, 0, s.number, s.prevented)
        taken = int(drawn.accepted.sum())
        s.number += taken
        if kind.prevention_rate_factor < 1.0:
            s.prevented += taken
        s.pair, s.last, s.bound = drawn.pending, drawn.last, drawn.bound

    def _next_window(self) -> None:
        world = self.world
        horizon = world.p.horizon_days
        self.window_end = end = min(horizon, self.window_end + self._span)
        for s in self.streams:
            self._draw(s, end)
        self._walk(range(len(self.streams)))
        if end < horizon:
            event = world.agenda.resume_at(end)
            event.callbacks.append(lambda _e: self._next_window())

    def _walk(self, positions: range | list[int]) -> None:
        """Walk the accepted candidates of the tails of the streams at `positions`, all at once."""
        world = self.world
        ts, types, days, numbers, cand_days, cand_types = [], [], [], [], [], []
        for t in positions:
            s = self.streams[t]
            assert s.tail is not None
            drawn, first, number, prevented = s.tail
            day = drawn.days[first:]
            accepted = drawn.accepted[first:]
            cand_days.append(day)
            cand_types.append(np.full(len(day), s.kind.index))
            numbered = number + np.cumsum(accepted) - 1
            kept = accepted.copy()
            keep = s.kind.prevention_rate_factor
            if keep < 1.0 and accepted.any():
                kept[accepted] = np.asarray(s.arrivals.prevention(prevented, int(accepted.sum()))) < keep
            ts.append(np.full(int(kept.sum()), t))
            types.append(np.full(int(kept.sum()), s.kind.index))
            days.append(day[kept])
            numbers.append(numbered[kept])
        a = Accepted(np.concatenate(ts), np.concatenate(types), np.concatenate(days), np.concatenate(numbers))
        batch, climbers = make_batch(world, self.kinds, np.concatenate(cand_days), np.concatenate(cand_types), a,
                                     True)
        self.batches.append(batch)
        for i in climbers.tolist():
            s = self.streams[int(a.t[i])]
            event = world.agenda.event_at(float(a.days[i]))
            event.callbacks.append(lambda e, s=s, n=int(a.numbers[i]), g=s.generation: self._arrive(e, s, n, g))
            s.pending.append(event)

    def _arrive(self, event: Any, s: _Stream, number: int, generation: int) -> None:
        if generation == s.generation:
            s.pending.remove(event)
            self.world.spawn(s.kind, number)
        else:
            self.world.agenda.orderless.discard(id(event))

    def before_jump(self, day: float, pairs: list[int]) -> None:
        """The tension of `pairs` is about to jump on `day` (nothing later has happened): for their types,
        keep what came before, hand back walked incidents still open, and draw (or walk) again after it."""
        agenda = self.world.agenda
        hit = [t for t, s in enumerate(self.streams) if s.kind.pair in pairs]
        if not hit:
            return
        if self._renewing:
            # A second rise on the same instant. Without arrival feedback the walks are redone after both;
            # with it, each rise would interrupt the process again: leave that to the event queue.
            agenda.tied = agenda.tied or bool(self._feedback)
            return
        affected = np.zeros(len(self.world.p.types), dtype=bool)
        for t in hit:
            affected[self.streams[t].kind.index] = True
        for batch in self.batches[-2:]:
            if ((batch.cand_days == day) & affected[batch.cand_types]).any():
                agenda.tied = True
        for batch in self.batches:
            if batch.max_last > day:
                agenda.hand_back(batch, day, affected)
        self.batches[-1].truncate(day, affected)
        for t in hit:
            s = self.streams[t]
            assert s.tail is not None
            drawn, offset, number, prevented = s.tail
            if drawn.pending_day == day:
                agenda.tied = True
            happened = int(np.searchsorted(drawn.days, day, side="left"))
            before = int(drawn.accepted[offset:happened].sum())
            number += before
            if s.kind.prevention_rate_factor < 1.0:
                prevented += before
            s.generation += 1
            for lapsed in s.pending:  # arrivals taken back: their events stay queued but do nothing
                agenda.orderless.add(id(lapsed))
            s.pending = []
            if self._feedback:
                pending = drawn.first + happened  # the first candidate on or after the jump
                s.pair, s.last, s.number, s.prevented = pending + 1, day, number, prevented
                s.tail = None
            else:
                s.tail = (drawn, happened, number, prevented)
        self._renewing = True
        env = self.world.env
        event = env.event()
        event._ok = True
        event._value = None
        event.callbacks.append(lambda _e: self._renew(hit))
        env.schedule(event, 0)  # simpy.events.URGENT: after the jump, before anything else on its day

    def _renew(self, hit: list[int]) -> None:
        self._renewing = False
        if self._feedback:
            for t in hit:
                s = self.streams[t]
                kind = s.kind
                s.bound = kind.rate_per_day * (1.0 + self._feedback * self.world.tension_of[kind.index].at(s.last))
                self._draw(s, self.window_end)
        self._walk(hit)


def _at(level: float, since: float, decay: float, day: float) -> float:
    """`Tension.at` for a past state of the tension."""
    return 0.0 if level == 0.0 else level * math.exp(-decay * (day - since))


def _drawn_until(world: World, kind: IncidentTypeParameters, stream: ArrivalStream,
                 stop: float) -> tuple[np.ndarray, np.ndarray]:
    """The candidates of `kind` up to `stop` on the tension history of its pair, interrupted where it rose."""
    agenda = world.agenda
    base, feedback = kind.rate_per_day, world.p.arrival_feedback
    tension = world.tension_of[kind.index]
    history = tension.history
    decay = tension.decay
    segment = 0
    since, level = history[0]
    pair, last = 0, 0.0
    bound = base * (1.0 + feedback * _at(level, since, decay, 0.0))
    days: list[np.ndarray] = []
    accepted: list[np.ndarray] = []
    while True:
        jump = history[segment + 1][0] if feedback and segment + 1 < len(history) else math.inf
        until = min(jump, stop)
        drawn = draw(stream, pair, last, bound, base, feedback, (level, since, decay), until)
        days.append(drawn.days)
        accepted.append(drawn.accepted)
        if drawn.pending_day == until:
            agenda.tied = True
        if jump >= stop:
            return np.concatenate(days), np.concatenate(accepted)
        # Interrupted at the jump: the pending candidate is dropped; drawing starts again from the jump.
        segment += 1
        since, level = history[segment]
        if segment + 1 < len(history) and history[segment + 1][0] == jump:
            agenda.tied = True  # two rises at one instant: each interrupts; leave it to the event queue
        pair, last = drawn.pending + 1, jump
        bound = base * (1.0 + feedback * _at(level, since, decay, jump))


def settle_quiet_types(world: World, kinds: list[IncidentTypeParameters], stop: float) -> Batch:
    """The arrivals up to `stop` of types whose incidents never climb, on the tension history of their
    pairs (interrupted where it rose, as their arrival processes were), and their walked courses."""
    ts, types, days, numbers, cand_days, cand_types = [], [], [], [], [], []
    for t, kind in enumerate(kinds):
        stream = ArrivalStream(world, kind)
        day, accepted = _drawn_until(world, kind, stream, stop)
        numbered = np.cumsum(accepted) - 1
        kept = accepted.copy()
        keep = kind.prevention_rate_factor
        if keep < 1.0 and accepted.any():
            kept[accepted] = np.asarray(stream.prevention(0, int(accepted.sum()))) < keep
        cand_days.append(day)
        cand_types.append(np.full(len(day), kind.index))
        ts.append(np.full(int(kept.sum()), t))
        types.append(np.full(int(kept.sum()), kind.index))
        days.append(day[kept])
        numbers.append(numbered[kept])
    table = Kinds(kinds, [world.covered[k.index] for k in kinds], [world.tension_of[k.index] for k in kinds],
                  world.p.mechanisms.hazard_multiplier)
    a = Accepted(np.concatenate(ts), np.concatenate(types), np.concatenate(days), np.concatenate(numbers))
    batch, climbers = make_batch(world, table, np.concatenate(cand_days), np.concatenate(cand_types), a, False)
    if len(climbers):  # cannot happen: no move of such an incident goes up
        world.agenda.tied = True
    return batch
