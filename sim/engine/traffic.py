"""Emulated arrivals: the arrival process of an incident type whose incidents can be walked, in batches.

`World.arrivals` draws candidates by thinning (two uniforms each: the gap and the acceptance), with a rate
bound that tension feedback renews, and an interrupt when the tension of the type's pair jumps (the
pending candidate is dropped and drawing starts again from the jump with the new bound). `draw` runs that
loop on the same uniforms without events. What happens to the accepted candidates is decided in batches:

- `Traffic` (types whose incidents could climb): draws every candidate up to the horizon with the tension
  as it stands and walks the accepted ones at once (`sim.engine.batch.walk_many`); an incident that would
  climb gets a real event on exactly its day and runs event by event from its start. When the pair's
  tension is about to jump, what was drawn after the jump is taken back (drawn again after it with arrival
  feedback, walked again without), and walked incidents still open go back to their routines.
- `settle_quiet_type` (types whose incidents can never climb, so never matter to anything but the record):
  after the run, on the tension history it left, with the interrupts where the jumps were.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from .batch import CLIMBED, LONG, QUIET, walk_many
from .parameters import IncidentTypeParameters
from .quiet import Walk, walk
from .streams import Purpose

if TYPE_CHECKING:
    from .world import World

__all__ = ["Traffic", "Batch", "ArrivalStream", "settle_quiet_type", "VECTOR_MIN"]

VECTOR_MIN = 160  # fewer incidents than this are walked one by one: array operations cost more for them


class ArrivalStream:
    """The uniforms `World.arrivals` reads for one type (two per candidate, in order) and those of its
    prevention (one per accepted candidate that happens)."""

    __slots__ = ("u", "_gen", "prevent", "_prevent_gen")

    def __init__(self, world: World, kind: IncidentTypeParameters):
        self.u: list[float] = []
        self._gen = world.streams.generator(int(Purpose.ARRIVAL), kind.index)
        self.prevent: list[float] = []
        self._prevent_gen = (world.streams.generator(int(Purpose.PREVENTION), kind.index)
                             if kind.prevention_rate_factor < 1.0 else None)

    def more(self) -> None:
        self.u += self._gen.random(512).tolist()

    def prevention(self, first: int, count: int) -> list[float]:
        assert self._prevent_gen is not None
        while len(self.prevent) < first + count:
            self.prevent += self._prevent_gen.random(512).tolist()
        return self.prevent[first:first + count]


class Drawn(NamedTuple):
    days: list[float]
    accepted: list[bool]
    pairs: list[int]
    pending: int  # the pair of the first candidate on or after `until` (it does not happen)
    pending_day: float
    last: float
    bound: float


def draw(stream: ArrivalStream, pair: int, last: float, bound: float, base: float, feedback: float,
         tension: tuple[float, float, float], until: float) -> Drawn:
    """Candidates from `last` on, as `World.arrivals` draws them, up to (not including) `until`, with the
    tension (level, since, decay per day) as it stands: `Tension.at` written out, the same arithmetic."""
    u = stream.u
    log, exp = math.log, math.exp
    level, since, decay = tension
    days: list[float] = []
    accepted: list[bool] = []
    pairs: list[int] = []
    while True:
        if len(u) < 2 * pair + 2:
            stream.more()
        day = last + -log(1.0 - u[2 * pair]) / bound
        if day >= until:
            return Drawn(days, accepted, pairs, pair, day, last, bound)
        if feedback:
            rate = base * (1.0 + feedback * (0.0 if level == 0.0 else level * exp(-decay * (day - since))))
        else:
            rate = base
        days.append(day)
        accepted.append(u[2 * pair + 1] * bound < rate)
        pairs.append(pair)
        bound = rate  # tension only decays between jumps, so the current rate bounds the future
        last = day
        pair += 1


class Batch:
    """Candidates of one type drawn together, and the incidents among them whose courses were walked.
    `owner` indices run over the walked incidents; `cut[i]` is the day after which incident i's walked
    moves were taken back (it went back to its routine), inf if none."""

    __slots__ = ("kind", "cand_days", "starts", "numbers", "last", "d_day", "d_rung", "d_sign", "d_owner",
                 "e_day", "e_owner", "cut", "max_last")

    def __init__(self, kind: IncidentTypeParameters, cand_days: np.ndarray, starts: np.ndarray,
                 numbers: np.ndarray, last: np.ndarray, deltas: tuple[np.ndarray, ...],
                 events: tuple[np.ndarray, np.ndarray]):
        self.kind = kind
        self.cand_days = cand_days
        self.starts = starts
        self.numbers = numbers
        self.last = last
        self.d_day, self.d_rung, self.d_sign, self.d_owner = deltas
        self.e_day, self.e_owner = events
        self.cut = np.full(len(starts), math.inf)
        self.max_last = float(last.max()) if len(last) else -math.inf

    def truncate(self, day: float) -> None:
        """Keep only what happened before `day` (candidates and incidents started before it)."""
        self.cand_days = self.cand_days[self.cand_days < day]
        keep = self.starts < day
        if keep.all():
            return
        index = np.cumsum(keep) - 1
        self.starts, self.numbers, self.last, self.cut = (self.starts[keep], self.numbers[keep], self.last[keep],
                                                          self.cut[keep])
        d = keep[self.d_owner]
        self.d_day, self.d_rung, self.d_sign, self.d_owner = (self.d_day[d], self.d_rung[d], self.d_sign[d],
                                                              index[self.d_owner[d]])
        e = keep[self.e_owner]
        self.e_day, self.e_owner = self.e_day[e], index[self.e_owner[e]]
        self.max_last = float(self.last.max()) if len(self.last) else -math.inf


def _walked(world: World, kind: IncidentTypeParameters, starts: np.ndarray, numbers: np.ndarray,
            climbable: bool) -> tuple[np.ndarray, np.ndarray, list[np.ndarray], list[np.ndarray]]:
    """Walk the incidents starting on `starts`: status and last day per incident, and the level changes
    (day, rung, sign, owner) and engine events (day, owner) of the quiet ones. Few incidents are walked
    one by one (`quiet.walk`); many at once (`walk_many`), the long ones among them one by one."""
    p = world.p
    covered = world.covered[kind.index]
    n = len(starts)
    if n >= VECTOR_MIN:
        mech = p.mechanisms
        rows = world.blocks_of(kind).rows(numbers)
        w = walk_many(kind, covered, starts, rows, world.tension_of[kind.index], p.escalation_feedback,
                      mech.hazard_multiplier, mech.hazard_below_rung, p.weapons_rung, p.ambiguous, climbable)
        status, last = w.status.copy(), w.last.copy()
        quiet = status[w.d_owner] == QUIET
        quiet_e = status[w.e_owner] == QUIET
        d = [w.d_day[quiet], w.d_rung[quiet], w.d_sign[quiet], w.d_owner[quiet]]
        e = [w.e_day[quiet_e], w.e_owner[quiet_e]]
    else:
        status, last = np.full(n, LONG, dtype=np.int8), np.full(n, np.nan)
        d, e = [], []
    days: list[float] = []
    rungs: list[int] = []
    signs: list[int] = []
    owners: list[int] = []
    e_days: list[float] = []
    e_owners: list[int] = []
    start = kind.start_rung
    for i in np.flatnonzero(status == LONG).tolist():
        course = walk(world, kind, covered, float(starts[i]), world.block(kind, int(numbers[i])))
        if not isinstance(course, Walk):
            status[i] = CLIMBED
            continue
        status[i] = QUIET
        days.append(float(starts[i]))
        rungs.append(start)
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
        return (status, last, [np.concatenate([a, b]) for a, b in zip(d, one_by_one, strict=True)],
                [np.concatenate([a, b]) for a, b in zip(e, e_one_by_one, strict=True)])
    return status, last, one_by_one, e_one_by_one


def make_batch(world: World, kind: IncidentTypeParameters, cand_days: np.ndarray, starts: np.ndarray,
               numbers: np.ndarray, climbable: bool) -> tuple[Batch, np.ndarray]:
    """A batch of walked incidents (renumbered among the quiet ones), and the positions of those that climb."""
    status, last, d, e = _walked(world, kind, starts, numbers, climbable)
    quiet = status == QUIET
    index = np.cumsum(quiet) - 1
    owner_ok = quiet[d[3]]
    deltas = (d[0][owner_ok], d[1][owner_ok].astype(np.int64), d[2][owner_ok].astype(np.int64),
              index[d[3][owner_ok]])
    e_ok = quiet[e[1]]
    events = (e[0][e_ok], index[e[1][e_ok]])
    batch = Batch(kind, cand_days, starts[quiet], numbers[quiet], last[quiet], deltas, events)
    return batch, np.flatnonzero(status == CLIMBED)


class Traffic:
    """The arrivals of one walkable incident type whose incidents can climb, emulated in batches."""

    __slots__ = ("world", "kind", "stream", "_pair", "_last", "_bound", "_number", "_prevented", "_base",
                 "_feedback", "_keep", "_tension", "batches", "_generation", "_tail", "_renewing")

    def __init__(self, world: World, kind: IncidentTypeParameters):
        self.world = world
        self.kind = kind
        self.stream = ArrivalStream(world, kind)
        self._base = kind.rate_per_day
        self._feedback = world.p.arrival_feedback
        self._keep = kind.prevention_rate_factor
        self._tension = world.tension_of[kind.index]
        self._pair = 0
        self._last = 0.0
        self._bound = self._base * (1.0 + self._feedback * self._tension.at(0.0))
        self._number = 0  # the number in its type of the next accepted candidate
        self._prevented = 0  # prevention uniforms used
        self.batches: list[Batch] = []
        self._generation = 0  # bumped when what was drawn ahead is taken back (its real arrivals lapse)
        # What the current batch drew, the position from which it was last walked, and the number and
        # prevention uniform of the first accepted candidate from there.
        self._tail: tuple[Drawn, int, int, int] | None = None
        self._renewing = False  # a jump happened on this instant; drawing or walking again comes after it
        self._draw_batch()

    def _draw_batch(self) -> None:
        horizon = self.world.p.horizon_days
        drawn = draw(self.stream, self._pair, self._last, self._bound, self._base, self._feedback,
                     self._tension.state, horizon)
        if drawn.pending_day == horizon:
            self.world.agenda.tied = True
        self._tail = (drawn, 0, self._number, self._prevented)
        self._walk_from(drawn, 0, self._number, self._prevented)

    def _walk_from(self, drawn: Drawn, first: int, number: int, prevented: int) -> None:
        """Walk the accepted candidates from position `first` of `drawn`, numbered from `number`."""
        world, kind = self.world, self.kind
        days = np.asarray(drawn.days[first:], dtype=float)
        accepted = np.asarray(drawn.accepted[first:], dtype=bool)
        numbers = number + np.cumsum(accepted) - 1
        kept = accepted.copy()
        if self._keep < 1.0 and accepted.any():
            u = np.asarray(self.stream.prevention(prevented, int(accepted.sum())))
            kept[accepted] = u < self._keep
        batch, climbers = make_batch(world, kind, days, days[kept], numbers[kept], True)
        self.batches.append(batch)
        generation = self._generation
        starts, nums = days[kept], numbers[kept]
        for i in climbers.tolist():
            event = world.agenda.event_at(float(starts[i]))
            event.callbacks.append(lambda _e, n=int(nums[i]), g=generation: self._arrive_for_real(n, g))

    def _arrive_for_real(self, number: int, generation: int) -> None:
        if generation == self._generation:
            self.world.spawn(self.kind, number)

    def before_jump(self, day: float) -> None:
        """The pair's tension is about to jump on `day` (nothing later has happened): keep what came before,
        hand back walked incidents still open, and draw (or walk) again after the jump."""
        agenda = self.world.agenda
        if self._renewing:
            # A second rise on the same instant. Without arrival feedback the walks are redone after both;
            # with it, each rise would interrupt the process again: leave that to the event queue.
            agenda.tied = agenda.tied or bool(self._feedback)
            return
        assert self._tail is not None
        drawn, offset, number0, prevented0 = self._tail
        current = self.batches[-1]
        if (current.cand_days == day).any():
            agenda.tied = True
        for batch in self.batches:
            if batch.max_last > day:
                agenda.hand_back(batch, day)
        current.truncate(day)
        happened = int(np.searchsorted(np.asarray(drawn.days), day, side="left"))
        accepted_before = sum(drawn.accepted[offset:happened])
        self._generation += 1
        prevented = prevented0 + (accepted_before if self._keep < 1.0 else 0)
        number = number0 + accepted_before
        if self._feedback:
            pending = drawn.pairs[happened] if happened < len(drawn.pairs) else drawn.pending
            self._pair, self._last, self._number, self._prevented = pending + 1, day, number, prevented
            self._tail = None
        else:
            self._tail = (drawn, happened, number, prevented)
        self._renewing = True
        env = self.world.env
        event = env.event()
        event._ok = True
        event._value = None
        event.callbacks.append(lambda _e: self._renew())
        env.schedule(event, 0)  # simpy.events.URGENT: after the jump, before anything else on its day

    def _renew(self) -> None:
        self._renewing = False
        if self._feedback:
            self._bound = self._base * (1.0 + self._feedback * self._tension.at(self._last))
            self._draw_batch()
        else:
            assert self._tail is not None
            drawn, offset, number, prevented = self._tail
            self._walk_from(drawn, offset, number, prevented)


def _at(level: float, since: float, decay: float, day: float) -> float:
    """`Tension.at` for a past state of the tension."""
    return 0.0 if level == 0.0 else level * math.exp(-decay * (day - since))


def settle_quiet_type(world: World, kind: IncidentTypeParameters, stop: float) -> Batch:
    """The arrivals of a type whose incidents never climb, up to `stop`, on the tension history of its pair
    (interrupted where it jumped, as the arrival process was), and their walked courses."""
    agenda = world.agenda
    stream = ArrivalStream(world, kind)
    base, feedback = kind.rate_per_day, world.p.arrival_feedback
    tension = world.tension_of[kind.index]
    history = tension.history
    decay = tension.decay
    segment = 0
    since, level = history[0]

    pair, last = 0, 0.0
    bound = base * (1.0 + feedback * _at(level, since, decay, 0.0))
    days: list[float] = []
    accepted: list[bool] = []
    while True:
        jump = history[segment + 1][0] if feedback and segment + 1 < len(history) else math.inf
        until = min(jump, stop)
        drawn = draw(stream, pair, last, bound, base, feedback, (level, since, decay), until)
        days += drawn.days
        accepted += drawn.accepted
        if drawn.pending_day == until:
            agenda.tied = True
        if jump >= stop:
            break
        # Interrupted at the jump: the pending candidate is dropped; drawing starts again from the jump.
        segment += 1
        since, level = history[segment]
        if segment + 1 < len(history) and history[segment + 1][0] == jump:
            agenda.tied = True  # two rises at one instant: each interrupts; leave it to the event queue
        pair, last = drawn.pending + 1, jump
        bound = base * (1.0 + feedback * _at(level, since, decay, jump))
    day_arr = np.asarray(days, dtype=float)
    acc = np.asarray(accepted, dtype=bool)
    numbers = np.cumsum(acc) - 1
    kept = acc.copy()
    if kind.prevention_rate_factor < 1.0 and acc.any():
        kept[acc] = np.asarray(stream.prevention(0, int(acc.sum()))) < kind.prevention_rate_factor
    batch, climbers = make_batch(world, kind, day_arr, day_arr[kept], numbers[kept], False)
    if len(climbers):  # cannot happen: no move of such an incident goes up
        agenda.tied = True
    return batch
