"""Walks of many incidents in compiled code: `walk_many`'s moves, one incident after another, in numba.

The array walk (`sim.engine.walks.batch.walk_many`) spends most of a flagship year on the fixed cost of
some hundred numpy operations per move. This module runs the same rules of a move
(`sim.engine.model.rule`, as `quiet.walk` applies them with `SCALAR`) on one incident at a time in machine
code, for all the incidents of a batch in one call, and gives `walk_many`'s `BatchWalk`: every incident
walked to its end, to its climb, or to the end of its block of ten moves (then LONG, with the state that
`quiet.walk(..., resume=...)` goes on from). Given the incidents' numbers (`go_on`), a walk that outlasts
its block goes on in the kernel for twelve more moves on the first uniforms of its overflow stream, which
the kernel seeds itself (`sim.engine.model.streams`, `sim.engine.model.pcg`: numpy's seed sequence and
PCG64, the same numbers); the very few still going after that are LONG, from where their block left them.

Why the floats are the same: the kernel performs the scalar rule's IEEE operations in the scalar rule's
order (numba does not contract `a * b + c` into a fused multiply-add, nor reorder floating-point
arithmetic, unless asked to with `fastmath`, which is not used); `math.exp`, `math.log` and `math.sqrt`
in numba call the C library as CPython does; normal quantiles are Wichura's AS241 as CPython's
`statistics.NormalDist.inv_cdf` writes it (`sim.quantiles`). `tests/test_compiled_walks.py` checks the
quantiles against `inv_cdf` on edge and random uniforms and every walked incident against `quiet.walk`;
the guard (`tests/test_paths_agree.py`) and `tests/test_fast_path.py` compare whole records with the
event-by-event path, on this kernel.

What it takes: decision delays that are all log-normal with one clipping of u (every shipped scenario's),
no chain of command within reach of a walk (every side's command rung above the start rungs), and the
fields of `Side` the kernel knows (`SIDE_FIELDS`). Anything else goes to the array walk, which stays
the reference for the walks; so does everything when numba is not installed or `HOTLINE_COMPILED=0`.

A rule of a move is then written in two places (`rule.py` and here), deliberately: a new term in
`rule.decide` that this kernel does not read makes the two paths differ, and the guard, which moves every
`[assumption]`, fails until it is added here too; a new field of `Side` turns the kernel off by itself
(`usable`) and fails `tests/test_compiled_walks.py` until it is listed.

Start-up: the kernel is compiled on first use (a few seconds) and cached beside this module
(`__pycache__`, numba's `cache=True`); later processes load it in well under a second.
"""

from __future__ import annotations

import dataclasses
import math
import weakref
from typing import TYPE_CHECKING, Any

import numpy as np

from ...quantiles import _CENTRAL_DEN, _CENTRAL_NUM, _FAR_DEN, _FAR_NUM, _NEAR_DEN, _NEAR_NUM
from ..jit import COMPILED, jit
from ..model import pcg
from ..model.cache import by_identity
from ..model.parameters import Side
from ..model.streams import Purpose, _spawn_words
from .quiet import Resume
from .rows import by_type

if TYPE_CHECKING:
    from ..model.parameters import ModelParameters

Kinds = Any  # a `sim.engine.walks.batch.Kinds` (not imported: batch.py imports this module)
# What a walk gives, in `batch.BatchWalk`'s order: status, last, d_day, d_rung, d_sign, d_owner, e_day, e_owner,
# resume (a list of (owner, Resume)).
Walked = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray,
               list[tuple[int, Resume]]]


__all__ = ["available", "draws_blocks", "walk_compiled", "SIDE_FIELDS", "std_normal_quantile"]

# The fields of `Side` and what the kernel does with each: read, or never needed on a walk (why).
SIDE_FIELDS = {
    "up": "read", "down": "read", "retaliation": "read", "reciprocity": "read", "misperception": "read",
    "delay_days": "read (log-normal only)", "release_rung": "read",
    "command_rung": "read: a walk within reach of the chain of command goes to the array walk",
    "command_days": "only at or above the command rung, which the kernel refuses",
    "face_saving": "only once intent is clarified, which needs a call: walked incidents have none",
    "call_rung": "walkable types cannot call (`quiet.may_walk`)",
    "party": "not a number", "layer": "not a number",
}

_ENABLED = True  # (tests switch the kernel off here to walk the same batches on arrays)


_KNOWS_SIDE = {f.name for f in dataclasses.fields(Side)} <= set(SIDE_FIELDS)


def available() -> bool:
    """True when walks may run compiled: numba is importable, `HOTLINE_COMPILED` is not 0, and `Side` has
    no field the kernel does not know."""
    return _ENABLED and _KNOWS_SIDE and COMPILED


_CN, _CD = _CENTRAL_NUM, _CENTRAL_DEN
_NN, _ND = _NEAR_NUM, _NEAR_DEN
_FN, _FD = _FAR_NUM, _FAR_DEN


@jit
def std_normal_quantile(p: float) -> float:
    """`NormalDist().inv_cdf(p)`, the same floats (Wichura's AS241 as CPython writes it)."""
    q = p - 0.5
    if math.fabs(q) <= 0.425:
        r = 0.180625 - q * q
        num = (((((((_CN[0] * r + _CN[1]) * r + _CN[2]) * r + _CN[3]) * r + _CN[4]) * r + _CN[5]) * r
                + _CN[6]) * r + _CN[7]) * q
        den = (((((((_CD[0] * r + _CD[1]) * r + _CD[2]) * r + _CD[3]) * r + _CD[4]) * r + _CD[5]) * r
                + _CD[6]) * r + _CD[7])
        return num / den
    r = p if q <= 0.0 else 1.0 - p
    r = math.sqrt(-math.log(r))
    if r <= 5.0:
        r = r - 1.6
        num = ((((((_NN[0] * r + _NN[1]) * r + _NN[2]) * r + _NN[3]) * r + _NN[4]) * r + _NN[5]) * r
               + _NN[6]) * r + _NN[7]
        den = ((((((_ND[0] * r + _ND[1]) * r + _ND[2]) * r + _ND[3]) * r + _ND[4]) * r + _ND[5]) * r
               + _ND[6]) * r + _ND[7]
    else:
        r = r - 5.0
        num = ((((((_FN[0] * r + _FN[1]) * r + _FN[2]) * r + _FN[3]) * r + _FN[4]) * r + _FN[5]) * r
               + _FN[6]) * r + _FN[7]
        den = ((((((_FD[0] * r + _FD[1]) * r + _FD[2]) * r + _FD[3]) * r + _FD[4]) * r + _FD[5]) * r
               + _FD[6]) * r + _FD[7]
    x = num / den
    if q < 0.0:
        x = -x
    return x


@jit
def _lognormal(u: float, eps: float, mu: float, sigma: float) -> float:
    """A log-normal sampler's value for `u` (`LogNormalSampler`: u clipped to [eps, 1 - eps], then
    exp(mu + x sigma) of its standard normal quantile x)."""
    u = eps if eps > u else u
    u = 1.0 - eps if u > 1.0 - eps else u
    return math.exp(mu + (std_normal_quantile(u) * sigma))


@jit
def _change(d_f: np.ndarray, d_i: np.ndarray, nd: int, day: float, rung: int, sign: int, owner: int) -> int:
    """Write change `nd` of the crisis level (its day; rung, sign and owner) and return the next index."""
    d_f[nd] = day
    d_i[0, nd] = rung
    d_i[1, nd] = sign
    d_i[2, nd] = owner
    return nd + 1


_ALL = 1 << 40  # (`_walk`: the count of drawn doubles of a block that is all there)


@jit
def _walk(t, starts, durations, rows, start_of, up, down, retaliation, reciprocity, misperception, release,
          accident_at, fatal_at, mu, sigma, eps, covered, hazard, hazard_below, t_level, t_since, t_decay,
          tense, feedback, climbable, odds, weapons, crisis_rung, top, ambiguous, moves, floats_n, ints_n, r_flags,
          d_f, d_i, e_f, e_i, go_on, subs, numbers, pool, h, h_start, base_states):
    """Every incident i of the batch (type position t[i]) walked as `quiet.walk` walks it. Side 0 is the
    initiator's, 1 the responder's; the responder moves first. Writes, by incident, the last day, the day
    to resume from and the course's end (`floats_n` rows 0-2; row 2 holds the ends on entry unless the
    kernel computes them from `durations`: log-normal or constant), the status and the rung to resume
    from (`ints_n`), the situation to resume in (`r_flags`: provoked, misread, other stepped down); the
    level changes (`d_f` their days, `d_i` rows: rung, sign, owner) and event days (`e_f`, owners `e_i`)
    in each owner's order. Returns how many changes and events it wrote. (Outputs are the caller's arrays: a kernel that
    returns arrays can be left with an exception set, or worse, when a signal's handler raises while they
    are handed to Python.)

    Incidents start on `starts`; `rows` are their blocks, whose first uniform is the course's length.

    `go_on` > 0: an incident still going when its block runs out goes on for `go_on`
    more moves on the first uniforms of its overflow stream, the stream (INCIDENT_OVERFLOW, subs[t[i]],
    numbers[i], 0) that `quiet.walk` would read next, seeded here (`pool`, `h`, `h_start`: the seed
    sequence's pool and hash constants, `sim.engine.model.streams`). If it is still going after those, what
    they wrote is taken back and it stays LONG with the state its block left it in (the caller goes on one
    by one from there).

    Blocks drawn here (`rows` has no rows; `durations` and `numbers` given): incident i's block
    is block numbers[i] of its type's stream, whose state before its first double is `base_states[t[i]]`
    (`UniformBlocks`: block b is doubles b * width to (b + 1) * width - 1 of the stream). The kernel jumps
    to it (`pcg.jump`) and draws only the doubles the walk reads, in order, instead of the whole block."""
    n = len(starts)
    col0 = 2  # move k's five uniforms start at col0 + 5 k of its block
    end = floats_n[2]
    width = rows.shape[1]
    drawn_here = rows.shape[0] == 0 and n > 0
    block = np.empty(width)
    cursor = base_states.copy()  # by type: where its stream stands, and at which double
    at = np.zeros(base_states.shape[0], dtype=np.int64)
    last = floats_n[0]
    r_day = floats_n[1]
    status = ints_n[0]
    r_rung = ints_n[1]
    e_day = e_f
    e_owner = e_i
    nd = 0
    ne = 0
    extra = np.empty(5 * go_on)
    words = np.empty(4, np.uint64)
    seed = np.empty(4, np.uint64)
    pcg_state = np.empty(4, np.uint64)
    for i in range(n):
        ti = t[i]
        if drawn_here:
            first_double = numbers[i] * width
            if first_double < at[ti]:  # (an incident before the last one: from the stream's start again)
                cursor[ti, :] = base_states[ti, :]
                at[ti] = 0
            pcg.jump(cursor[ti], first_double - at[ti])
            at[ti] = first_double
            u = block
            u[0] = pcg.next_double(cursor[ti])
            u[1] = pcg.next_double(cursor[ti])
            have = 2  # doubles of the block drawn so far
        else:
            u = rows[i]
            have = width
        if durations.shape[0]:  # (mu, sigma, clipping, constant) by type
            constant = durations[ti, 3]
            if constant == constant:  # (not NaN)
                end[i] = starts[i] + constant
            else:
                end[i] = starts[i] + _lognormal(u[0], durations[ti, 2], durations[ti, 0], durations[ti, 1])
        start = start_of[ti]
        now = starts[i]
        stop = end[i]
        rung = start
        provoked = False
        misread = False
        other_down = False
        nd = _change(d_f, d_i, nd, now, start, 1, i)
        state = 2  # LONG unless it ends or climbs within the block
        col = col0
        block_end = moves
        limit = block_end + go_on if go_on > 0 and numbers[i] < 4294967296 else block_end
        kept_d = -1  # the changes and events written when the block ran out
        kept_e = -1
        for k in range(limit):
            if k == block_end:  # the block has run out: the overflow stream's first uniforms from here
                r_day[i] = now
                r_rung[i] = rung
                r_flags[i, 0] = provoked
                r_flags[i, 1] = misread
                r_flags[i, 2] = other_down
                kept_d = nd
                kept_e = ne
                words[0] = np.uint64(3)  # Purpose.INCIDENT_OVERFLOW
                words[1] = np.uint64(subs[ti])
                words[2] = np.uint64(numbers[i])
                words[3] = np.uint64(0)
                _spawn_words(pool, words, h, h_start, seed)
                pcg.seed_state(seed, pcg_state)
                pcg.fill(pcg_state, extra)
                u = extra
                col = -5 * block_end
                if drawn_here:
                    at[ti] = first_double + have
                have = _ALL  # (the overflow uniforms are all there)
            s = 1 if k % 2 == 0 else 0
            base = col + 5 * k
            while have < base + 4:  # (blocks drawn here: the doubles this move reads but its last)
                u[have] = pcg.next_double(cursor[ti])
                have += 1
            # When the mover decides (rule.next_decision): its log-normal delay.
            delay = _lognormal(u[base], eps, mu[s, ti], sigma[s, ti])
            ending = now + delay >= stop
            if ending:
                wait = stop - now
                wait = 0.0 if wait < 0.0 else wait
            else:
                wait = delay
            day = now + wait
            e_day[ne] = day
            e_owner[ne] = i
            ne += 1
            if ending:
                nd = _change(d_f, d_i, nd, day, rung, -1, i)
                last[i] = day
                state = 0
                break
            # The chances (rule.decide, clarified False: walked incidents had no call).
            up0 = up[ti, s, rung]
            p_up = up0
            if climbable and tense:
                level = t_level[ti]
                tension = 0.0 if level == 0.0 else level * math.exp(-t_decay[ti] * (day - t_since[ti]))
                p_up = p_up * (1.0 + feedback * tension)
            if provoked:
                p_up = p_up * retaliation[ti, s]
            if climbable and hazard != 1.0:
                factor = hazard if (covered[ti] and rung < hazard_below) else 1.0
                p_up = p_up * factor
            down0 = down[ti, s, rung]
            p_down = down0
            if other_down:
                p_down = p_down * reciprocity[ti, s]
            if odds:
                hold = 1.0 - up0 - down0
                hold = 0.0 if hold < 0.0 else hold
                total = p_up + p_down + hold
                total = 5e-324 if total < 5e-324 else total
                p_up = p_up / total
                p_down = p_down / total
            else:
                p_up = 1.0 if p_up > 1.0 else p_up
                room = 1.0 - p_up
                p_down = room if p_down > room else p_down
            u_decide = u[base + 2]
            if u_decide < p_up:
                step = 1
            elif u_decide < p_up + p_down:
                step = -1
            else:
                step = 0
            if rung + 1 >= weapons and step == 1 and rung < release[ti, s]:
                step = 0
            u_accident = u[base + 3]
            chance = accident_at[ti, rung]
            accident = step != -1 and u_accident < chance
            if accident and u_accident < chance * fatal_at[ti, rung] and rung < crisis_rung:
                step = crisis_rung - rung
            elif accident:
                step = step + 1
            # What the step does to the walk (quiet.walk).
            if step == -1 and rung == 0:
                nd = _change(d_f, d_i, nd, day, 0, -1, i)
                last[i] = day
                state = 0
                break
            new = rung + step
            new = top if new > top else new
            if new > start:
                state = 1
                break
            if step != 0:
                nd = _change(d_f, d_i, nd, day, rung, -1, i)
                nd = _change(d_f, d_i, nd, day, new, 1, i)
            if new == 0 and step == -1:
                nd = _change(d_f, d_i, nd, day, 0, -1, i)
                last[i] = day
                state = 0
                break
            # What the other side believes (rule.after_move).
            if step > 0:
                if have < base + 5:
                    u[have] = pcg.next_double(cursor[ti])
                    have += 1
                provoked = (not accident) or (u[base + 4] < misperception[ti, 1 - s])
                misread = provoked and (accident or ambiguous[new])
            else:
                provoked = False
                misread = False
            other_down = step == -1
            now = day
            rung = new
        status[i] = state
        if drawn_here and have != _ALL:
            at[ti] = first_double + have
        if state == 2:
            if kept_d >= 0:  # still going after its overflow moves too: those are taken back
                nd = kept_d
                ne = kept_e
            else:
                r_day[i] = now
                r_rung[i] = rung
                r_flags[i, 0] = provoked
                r_flags[i, 1] = misread
                r_flags[i, 2] = other_down
    return nd, ne


class _SideArrays:
    """The sides' numbers the kernel reads, as contiguous arrays (built once per `SideTables`)."""

    __slots__ = ("up", "down", "retaliation", "reciprocity", "misperception", "release", "command", "mu",
                 "sigma", "eps")

    def __init__(self, tables: Any):
        def numbers(name: str, dtype: Any) -> np.ndarray:
            return np.ascontiguousarray(tables.table(name), dtype=dtype)

        self.up, self.down = numbers("up", float), numbers("down", float)
        self.retaliation, self.reciprocity = numbers("retaliation", float), numbers("reciprocity", float)
        self.misperception = numbers("misperception", float)
        self.release, self.command = numbers("release_rung", np.int64), numbers("command_rung", np.int64)
        delays = tables.lognormal_delays()
        if delays is None:
            self.mu = self.sigma = None
            self.eps = math.nan
        else:
            self.mu = np.ascontiguousarray([delays[0][0], delays[1][0]], dtype=float)
            self.sigma = np.ascontiguousarray([delays[0][1], delays[1][1]], dtype=float)
            self.eps = float(delays[0][2])


_ARRAYS: weakref.WeakKeyDictionary[Any, _SideArrays] = weakref.WeakKeyDictionary()


def _side_arrays(tables: Any) -> _SideArrays:
    arrays = _ARRAYS.get(tables)
    if arrays is None:
        arrays = _ARRAYS[tables] = _SideArrays(tables)
    return arrays


def _durations(kinds: Kinds) -> np.ndarray | None:
    """The courses' lengths by type position as rows (mu, sigma, clipping, constant): log-normal ones with
    `constant` NaN, constant ones with their value (the block's first uniform is then not read); None if
    some type's course length is neither."""
    rows = []
    for kind in kinds.kinds:
        sampler = kind.max_duration_days
        constant = getattr(sampler, "constant", None)
        lognormal = getattr(sampler, "lognormal", None)
        if constant is not None:
            rows.append((0.0, 1.0, 0.5, float(constant)))
        elif lognormal is not None:
            mu, sigma, eps = lognormal
            rows.append((float(mu), float(sigma), float(eps), math.nan))
        else:
            return None
    return np.array(rows, dtype=float)


_NO_DURATIONS = np.empty((0, 4))


class _Prepared:
    """What the kernel reads of a `Kinds` and the arm's parameters, made once per arm: None fields and
    `usable` False when the kernel cannot take its incidents."""

    __slots__ = ("usable", "sides", "durations", "types", "start", "ambiguous", "numbers", "subs")

    def __init__(self, kinds: Kinds, p: ModelParameters):
        self.sides = sides = _side_arrays(kinds.sides)
        self.usable = sides.mu is not None and not bool((sides.command <= kinds.start[:, None]).any())
        durations = _durations(kinds)
        self.durations = _NO_DURATIONS if durations is None else durations
        self.types = [k.max_duration_days for k in kinds.kinds]
        self.start = np.ascontiguousarray(kinds.start, dtype=np.int64)
        self.subs = np.array([k.index for k in kinds.kinds], dtype=np.int64)  # their streams' type keys
        self.ambiguous = np.asarray(p.ambiguous, dtype=np.bool_)
        mech = p.mechanisms
        self.numbers = (float(mech.hazard_multiplier), int(mech.hazard_below_rung), float(p.escalation_feedback),
                        bool(p.odds), int(p.weapons_rung), int(p.crisis_rung), int(p.top))


def _prepared(kinds: Kinds, p: ModelParameters) -> _Prepared:
    """The kernel's reading of `kinds` in arm `p`, made once for all the replications of the arm (it reads
    nothing a replication changes: `Kinds.table` and `p`)."""
    return by_identity(kinds.table.prepared, (p,), lambda: _Prepared(kinds, p))


# Where a walk still going when its block runs out goes on (`_walk`'s `go_on`): the incidents' numbers in
# their types, and the seed sequence's pool, hash constants and first constant (`Streams.seed_table`).
GoOn = tuple[np.ndarray, tuple[np.ndarray, np.ndarray, int]]
assert int(Purpose.INCIDENT_OVERFLOW) == 3  # the kernel writes the overflow streams' keys with it


def draws_blocks(kinds: Kinds, p: ModelParameters) -> bool:
    """Whether the kernel takes these incidents and can draw their blocks itself (`walk_compiled`'s
    `base_states`): course lengths log-normal or constant, which it computes (from each block's first
    double)."""
    prepared = _prepared(kinds, p)
    return prepared.usable and len(prepared.durations) > 0


def walk_compiled(kinds: Kinds, t: np.ndarray, starts: np.ndarray, rows: np.ndarray,
                  p: ModelParameters, climbable: bool, moves: int, go_on: GoOn | None = None,
                  go_on_moves: int = 0, base_states: np.ndarray | None = None) -> Walked | None:
    """`walk_many`'s result (the fields of a `BatchWalk`), computed by the kernel; None when the kernel cannot
    take these incidents (delays not all log-normal with one clipping, or a chain of command within reach):
    the caller walks them on arrays. With `go_on`, a walk still going after its block goes on for
    `go_on_moves` more on its overflow stream's first uniforms; those still going after that are LONG,
    to be resumed from where their block left them. With `base_states` (by type position: its stream's
    state before its first double; `draws_blocks` true, `go_on` given) the kernel draws the blocks itself
    and `rows` is an empty array of the blocks' width."""
    prepared = _prepared(kinds, p)
    if not prepared.usable:
        return None
    assert base_states is None or (go_on is not None and len(prepared.durations) and not len(rows))
    # Log-normal courses: the kernel computes the ends (`end` is not read); others are computed here.
    end = starts if len(prepared.durations) else starts + by_type(prepared.types, t, rows[:, 0])
    out = _call(kinds, prepared, climbable, t, starts, end, prepared.durations, rows, moves, go_on,
                go_on_moves if go_on is not None else 0, _NO_STATES if base_states is None else base_states)
    status, last, d_day, d_rung, d_sign, d_owner, e_day, e_owner, r_day, r_rung, r_flags, end = out
    long = np.flatnonzero(status == 2)
    resume = [(i, Resume(moves, day, stop, rung, provoked, misread, other_down))
              for i, day, stop, rung, (provoked, misread, other_down) in
              zip(long.tolist(), r_day[long].tolist(), end[long].tolist(), r_rung[long].tolist(),
                  r_flags[long].tolist(), strict=True)] if len(long) else []
    return status, last, d_day, d_rung, d_sign, d_owner, e_day, e_owner, resume


_NO_NUMBERS = np.empty(0, dtype=np.int64)
_NO_STATES = np.zeros((1, 4), dtype=np.uint64)
_NO_SEEDS = (np.zeros(4, dtype=np.uint64), np.zeros((1, 2), dtype=np.uint64), 0)


def kernel_tables(kinds: Kinds, prepared: _Prepared, climbable: bool) -> tuple[Any, ...]:
    """`_walk`'s arguments from `start_of` to `ambiguous`: the types' and sides' tables, the tension each
    type reads as it stands now, and the arm's numbers."""
    types = len(kinds.kinds)
    level, since, decay = np.zeros(types), np.zeros(types), np.zeros(types)
    for tension, members in kinds.tension_groups:
        level[members], since[members], decay[members] = tension.state
    hazard, below, feedback, odds, weapons, crisis_rung, top = prepared.numbers
    tense = bool(feedback) and bool(level.any())
    sides = prepared.sides
    return (prepared.start, sides.up, sides.down, sides.retaliation, sides.reciprocity, sides.misperception,
            sides.release, kinds.accident, kinds.fatal_table, sides.mu, sides.sigma, sides.eps, kinds.covered,
            hazard, below, level, since, decay, tense, feedback, climbable, odds, weapons, crisis_rung, top,
            prepared.ambiguous)


def _call(kinds: Kinds, prepared: _Prepared, climbable: bool, t: np.ndarray, starts: np.ndarray, end: np.ndarray,
          durations: np.ndarray, rows: np.ndarray, moves: int, go_on: GoOn | None, go_on_moves: int,
          base_states: np.ndarray) -> tuple[np.ndarray, ...]:
    """The kernel on these incidents: status, last, the changes and events (views of their lengths), and
    the resume state (day, rung, flags) and course ends by incident."""
    tables = kernel_tables(kinds, prepared, climbable)
    n = len(starts)
    floats_n = np.full((3, n), np.nan)
    if not len(durations):
        floats_n[2] = end
    ints_n = np.zeros((2, n), dtype=np.int64)
    r_flags = np.zeros((n, 3), dtype=np.bool_)
    numbers, (pool, h, h_start) = (_NO_NUMBERS, _NO_SEEDS) if go_on is None else go_on
    all_moves = moves + go_on_moves
    cap = n * (1 + 3 * all_moves)
    d_f, d_i = np.empty(cap), np.empty((3, cap), dtype=np.int64)
    e_f, e_i = np.empty(n * all_moves), np.empty(n * all_moves, dtype=np.int64)
    nd, ne = _walk(t if t.dtype == np.int64 else t.astype(np.int64), starts, durations, np.ascontiguousarray(rows),
                   *tables, moves, floats_n, ints_n, r_flags, d_f, d_i, e_f, e_i,
                   go_on_moves, prepared.subs, numbers, pool, h, h_start, base_states)
    return (ints_n[0].astype(np.int8), floats_n[0], d_f[:nd], d_i[0, :nd], d_i[1, :nd], d_i[2, :nd], e_f[:ne],
            e_i[:ne], floats_n[1], ints_n[1], r_flags, floats_n[2])
