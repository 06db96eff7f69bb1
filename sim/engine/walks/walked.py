"""Walked incidents in batches: who is walked how, and what a batch keeps of them.

`walk_all` walks a batch of accepted candidates (of one or several types): many at once on arrays
(`sim.engine.walks.batch.walk_many`), the last few of those and small batches one by one
(`sim.engine.walks.quiet.walk`).
A `Batch` keeps the candidates' days (their arrival events count), the quiet incidents' changes of rung and
event days, and what was taken back when tension jumped.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from ..jit import COMPILED, jit
from ..model import arrival
from ..model.parameters import IncidentTypeParameters
from . import compiled
from .batch import CLIMBED, LONG, QUIET, Kinds, walk_many
from .quiet import Walk, walk

if TYPE_CHECKING:
    from ..model.state import Replication

__all__ = ["Batch", "Accepted", "Gathered", "kinds_of", "make_batch", "VECTOR_MIN"]

VECTOR_MIN = 120  # fewer incidents than this are walked one by one: array operations cost more for them


class Batch:
    """Candidates drawn together (of one or several types), and the incidents among them whose courses
    were walked. `owner` indices run over the walked incidents; `cut[i]` is the day after which incident
    i's walked moves were taken back (it went back to its routine), inf if none."""

    __slots__ = ("cand_days", "cand_types", "starts", "numbers", "types", "last", "d_day", "d_rung", "d_sign",
                 "d_owner", "e_day", "e_owner", "cut", "max_last", "max_cand")

    def __init__(self, cand_days: np.ndarray, cand_types: np.ndarray, starts: np.ndarray, numbers: np.ndarray,
                 types: np.ndarray, last: np.ndarray, deltas: list[np.ndarray], events: list[np.ndarray]):
        self.cand_days, self.cand_types = cand_days, cand_types
        self.starts, self.numbers, self.types, self.last = starts, numbers, types, last
        self.d_day, self.d_rung, self.d_sign, self.d_owner = deltas
        self.e_day, self.e_owner = events
        self.cut = np.full(len(starts), math.inf)
        self.max_last = float(last.max()) if len(last) else -math.inf
        self.max_cand = float(cand_days.max()) if len(cand_days) else -math.inf

    def truncate(self, day: float, affected: np.ndarray) -> None:
        """Of the types `affected` (a mask by type index), keep only what happened before `day`."""
        cand_keep = (self.cand_days < day) | ~affected[self.cand_types]
        self.cand_days, self.cand_types = self.cand_days[cand_keep], self.cand_types[cand_keep]
        self.max_cand = float(self.cand_days.max()) if len(self.cand_days) else -math.inf
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


def walk_all(rep: Replication, kinds: Kinds, a: Accepted, climbable: bool
              ) -> tuple[np.ndarray, np.ndarray, list[np.ndarray], list[np.ndarray]]:
    """Walk the incidents of `a`: status and last day of each, and the level changes (day, rung, sign,
    owner) and engine events (day, owner), of the climbing ones too (the caller keeps the quiet ones'). Few
    incidents are walked one by one (`quiet.walk`); many at once (`walk_many`), and the last few of those
    go on one by one from where it left them."""
    p = rep.p
    n = len(a.days)
    if n >= VECTOR_MIN or (n and compiled.available()):  # compiled walks cost little even for few
        # Walks still going when their blocks run out go on in the kernel on their overflow streams; where
        # it can, the kernel draws the blocks too (only the uniforms the walks read).
        go_on, base_states = None, None
        if compiled.available() and rep.streams.seed >= 0:
            if kinds.streams is None:  # the types' block streams and the seeds of overflow streams
                kinds.streams = (np.stack([rep.blocks_of(kind).base_state() for kind in kinds.kinds]),
                                 rep.streams.seed_table(4))
            go_on = (a.numbers.astype(np.int64, copy=False), kinds.streams[1])
            if compiled.draws_blocks(kinds, p):
                base_states = kinds.streams[0]
        if base_states is not None:
            rows = np.empty((0, rep.blocks_of(kinds.kinds[0]).width))
        else:
            # `a` holds each type's incidents together, so their blocks can be put one type after another.
            cuts = np.flatnonzero(a.types[1:] != a.types[:-1]) + 1
            bounds = [0, *cuts.tolist(), n]
            parts = [rep.blocks_of(p.types[int(a.types[lo])]).rows(a.numbers[lo:hi])
                     for lo, hi in zip(bounds[:-1], bounds[1:], strict=True)]
            rows = parts[0] if len(parts) == 1 else np.concatenate(parts)
        w = walk_many(kinds, a.t, a.days, rows, p, climbable, go_on, base_states)
        status, last = w.status.copy(), w.last.copy()
        # Changes of incidents that climb are dropped by the caller, by their final status.
        d = [w.d_day, w.d_rung, w.d_sign, w.d_owner]
        e = [w.e_day, w.e_owner]
        todo = w.resume
        if not todo:
            return status, last, d, e
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
        course = walk(rep, kind, rep.covered[kind.index], start_day, rep.block(kind, int(a.numbers[i])),
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


def make_batch(rep: Replication, kinds: Kinds, cand_days: np.ndarray, cand_types: np.ndarray, a: Accepted,
               climbable: bool) -> tuple[Batch, np.ndarray]:
    """A batch of walked incidents (renumbered among the quiet ones), and the positions in `a` of those
    that climb."""
    status, last, d, e = walk_all(rep, kinds, a, climbable)
    if COMPILED:
        n, nd, ne = len(status), len(d[0]), len(e[0])
        q_days, q_last, o_day, o_e_day = np.empty(n), np.empty(n), np.empty(nd), np.empty(ne)
        q_numbers, q_types, climbers = (np.empty(n, dtype=np.int64) for _ in range(3))
        o_rung, o_sign, o_owner = (np.empty(nd, dtype=np.int64) for _ in range(3))
        o_e_owner = np.empty(ne, dtype=np.int64)
        counts = np.zeros(4, dtype=np.int64)
        _compact(status, last, d[0], d[1], d[2], d[3], e[0], e[1], a.days, a.numbers, a.types, q_days, q_numbers,
                 q_types, q_last, o_day, o_rung, o_sign, o_owner, o_e_day, o_e_owner, climbers, counts)
        nq, nc, kd, ke = counts.tolist()
        batch = Batch(cand_days, cand_types, q_days[:nq], q_numbers[:nq], q_types[:nq], q_last[:nq],
                      [o_day[:kd], o_rung[:kd], o_sign[:kd], o_owner[:kd]], [o_e_day[:ke], o_e_owner[:ke]])
        return batch, climbers[:nc]
    quiet = status == QUIET
    index = np.cumsum(quiet) - 1
    owner_ok = quiet[d[3]]
    deltas = [d[0][owner_ok], d[1][owner_ok], d[2][owner_ok], index[d[3][owner_ok]]]
    e_ok = quiet[e[1]]
    events = [e[0][e_ok], index[e[1][e_ok]]]
    batch = Batch(cand_days, cand_types, a.days[quiet], a.numbers[quiet], a.types[quiet], last[quiet], deltas,
                  events)
    return batch, np.flatnonzero(status == CLIMBED)


@jit
def _compact(status: np.ndarray, last: np.ndarray, d_day: np.ndarray, d_rung: np.ndarray, d_sign: np.ndarray,
             d_owner: np.ndarray, e_day: np.ndarray, e_owner: np.ndarray, days: np.ndarray, numbers: np.ndarray,
             types: np.ndarray, q_days: np.ndarray, q_numbers: np.ndarray, q_types: np.ndarray, q_last: np.ndarray,
             o_day: np.ndarray, o_rung: np.ndarray, o_sign: np.ndarray, o_owner: np.ndarray, o_e_day: np.ndarray,
             o_e_owner: np.ndarray, climbers: np.ndarray, counts: np.ndarray) -> None:
    """`make_batch`'s arrays in one pass: the quiet incidents (day, number, type, last day) numbered in
    order, their changes and events with owners renumbered among them (in the order given), and the
    positions of the incidents that climb; `counts`: how many quiet ones, climbers, changes, events."""
    index = np.empty(len(status), np.int64)
    nq = 0
    nc = 0
    for i in range(len(status)):
        if status[i] == 0:  # QUIET
            index[i] = nq
            q_days[nq] = days[i]
            q_numbers[nq] = numbers[i]
            q_types[nq] = types[i]
            q_last[nq] = last[i]
            nq += 1
        else:
            index[i] = -1
            if status[i] == 1:  # CLIMBED
                climbers[nc] = i
                nc += 1
    kd = 0
    for j in range(len(d_day)):
        k = index[d_owner[j]]
        if k >= 0:
            o_day[kd] = d_day[j]
            o_rung[kd] = d_rung[j]
            o_sign[kd] = d_sign[j]
            o_owner[kd] = k
            kd += 1
    ke = 0
    for j in range(len(e_day)):
        k = index[e_owner[j]]
        if k >= 0:
            o_e_day[ke] = e_day[j]
            o_e_owner[ke] = k
            ke += 1
    counts[0] = nq
    counts[1] = nc
    counts[2] = kd
    counts[3] = ke


def kinds_of(rep: Replication, kinds: list[IncidentTypeParameters]) -> Kinds:
    """The table of `kinds` that walks of many incidents read, in this replication."""
    return Kinds(kinds, [rep.covered[k.index] for k in kinds], [rep.tension_of[k.index] for k in kinds])


class Gathered:
    """Candidates gathered type by type, then walked as one batch."""

    def __init__(self) -> None:
        self._parts: list[tuple[int, int, np.ndarray, np.ndarray, np.ndarray, int]] = []

    def add(self, t: int, kind: IncidentTypeParameters, days: np.ndarray, accepted: np.ndarray, number: int,
            prevention: Callable[[int], list[float]] | None) -> None:
        """Candidates of `kind` (position `t` in the batch's types) on `days`; the accepted ones take numbers
        from `number` on, and those that prevention thins (with `prevention(count)`'s uniforms) keep theirs
        but are not walked."""
        kept = accepted
        if prevention is not None and accepted.any():
            kept = accepted.copy()
            kept[accepted] = arrival.kept(np.asarray(prevention(int(accepted.sum()))), kind.prevention_rate_factor)
        self._parts.append((t, kind.index, days, accepted, kept, number))

    def _accepted(self) -> tuple[Accepted, np.ndarray, np.ndarray]:
        """The accepted candidates that are walked, and every candidate's day and type index."""
        parts = self._parts
        if len(parts) == 1:
            days, accepted, kept = parts[0][2], parts[0][3], parts[0][4]
        else:
            days = np.concatenate([part[2] for part in parts])
            accepted = np.concatenate([part[3] for part in parts])
            kept = accepted if all(part[3] is part[4] for part in parts) else np.concatenate([part[4] for part in parts])
        if COMPILED:
            n = len(days)
            cand_types, out_t, out_types, out_numbers = (np.empty(n, dtype=np.int64) for _ in range(4))
            out_days = np.empty(n)
            meta = np.array([(part[0], part[1], len(part[2]), part[5]) for part in parts], dtype=np.int64)
            walked = _gather(days, accepted, kept, meta, cand_types, out_t, out_types, out_days, out_numbers)
            return (Accepted(out_t[:walked], out_types[:walked], out_days[:walked], out_numbers[:walked]), days,
                    cand_types)
        t_parts, type_parts, day_parts, number_parts, cand_parts = [], [], [], [], []
        for t, index, part_days, part_accepted, part_kept, number in parts:
            numbered = number + np.cumsum(part_accepted) - 1
            n = int(part_kept.sum())
            cand_parts.append(np.full(len(part_days), index))
            t_parts.append(np.full(n, t))
            type_parts.append(np.full(n, index))
            day_parts.append(part_days[part_kept])
            number_parts.append(numbered[part_kept])
        return (Accepted(np.concatenate(t_parts), np.concatenate(type_parts), np.concatenate(day_parts),
                         np.concatenate(number_parts)), days, np.concatenate(cand_parts))

    def walk(self, rep: Replication, kinds: Kinds, climbable: bool) -> tuple[Batch, Accepted, np.ndarray]:
        """The batch, the accepted candidates walked, and the positions among them of those that climb."""
        a, cand_days, cand_types = self._accepted()
        batch, climbers = make_batch(rep, kinds, cand_days, cand_types, a, climbable)
        return batch, a, climbers


@jit
def _gather(days: np.ndarray, accepted: np.ndarray, kept: np.ndarray, meta: np.ndarray, cand_types: np.ndarray,
            out_t: np.ndarray, out_types: np.ndarray, out_days: np.ndarray, out_numbers: np.ndarray) -> int:
    """`Gathered`'s candidates, part after part (`meta` rows: type position, type index, candidates, number
    of the first accepted one): every candidate's type index, and the accepted ones that are kept (their
    type position and index, day and number: accepted ones are numbered in order, kept or not). Returns how
    many are kept."""
    pos = 0
    n = 0
    for j in range(meta.shape[0]):
        number = meta[j, 3]
        for _ in range(meta[j, 2]):
            cand_types[pos] = meta[j, 1]
            if accepted[pos]:
                if kept[pos]:
                    out_t[n] = meta[j, 0]
                    out_types[n] = meta[j, 1]
                    out_days[n] = days[pos]
                    out_numbers[n] = number
                    n += 1
                number += 1
            pos += 1
    return n
