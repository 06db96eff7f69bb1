"""One replayed replication told as a story, and optionally drawn as a timeline. The replay itself is
the run stage's (`sim.run.replay`); this module only reads its event log."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from pathlib import Path

from ..engine.model.record import LogEntry, ReplicationRecord
from ..folder.files import OutputError
from ..scenario.load import LoadedScenario
from .figures import pretty_arm
from .saving import save_figure
from .style import arm_style, new_axes

__all__ = ["narrate", "trace", "timeline_figure"]

def _clock(start: dt.datetime, day: float) -> str:
    moment = start + dt.timedelta(days=day)
    return f"day {int(day):>3} {moment:%H:%M}"


def _interesting(log: list[LogEntry], everything: bool) -> set[int]:
    """Incidents worth telling: those that climbed, involved a call or a protest, or ended the crisis."""
    if everything:
        return {e.incident for e in log}
    keep = set()
    start_rung: dict[int, int] = {}
    for e in log:
        if e.kind == "incident":
            start_rung[e.incident] = e.rung
        elif e.kind in ("move", "accident") and e.rung > start_rung.get(e.incident, 99) or e.kind in ("call_decided", "call", "answer", "no_answer", "busy", "line_closed", "call_failed", "clarified", "absorbed", "misread", "crisis"):
            keep.add(e.incident)
    keep.add(-1)
    return keep


def narrate(loaded: LoadedScenario, arm: str, replication: int, record: ReplicationRecord,
            everything: bool = False) -> str:
    s = loaded.arms[arm]
    start = dt.datetime(s.start_date.year, s.start_date.month, s.start_date.day)
    log = record.log or []
    keep = _interesting(log, everything)
    lines = [f"{s.name}: arm {arm}, replication {replication} ({s.time_zone} clock)", ""]
    last_incident = None
    holds: list[LogEntry] = []  # leaders' decisions to hold in a crisis, told as one line per run of them

    def told_holds() -> None:
        if len(holds) == 1:
            lines.append(f"{_clock(start, holds[0].day)}  #{holds[0].incident} {holds[0].detail}")
        elif holds:
            sides = sorted({h.party for h in holds})
            lines.append(f"{_clock(start, holds[0].day)}  #{holds[0].incident} the leaders ({', '.join(sides)}) "
                         f"hold their positions: {len(holds)} decisions to day {int(holds[-1].day)}")
        holds.clear()

    for e in log:
        if e.incident not in keep:
            continue
        if e.kind == "hold" and not everything:
            if holds and holds[-1].incident != e.incident:
                told_holds()
            holds.append(e)
            continue
        told_holds()
        if e.incident != last_incident and e.incident >= 0 and e.kind == "incident":
            lines.append("")
        last_incident = e.incident
        who = f"#{e.incident} " if e.incident >= 0 else ""
        rung = f" (rung {e.rung})" if e.kind == "incident" else ""
        lines.append(f"{_clock(start, e.day)}  {who}{e.detail}{rung}")
    told_holds()
    rungs = s.ladder.rungs
    lines += ["", f"Outcome: highest rung {record.highest_rung} ({rungs[record.highest_rung].label}); "
              f"{record.incidents} incidents, {record.serious_incidents} serious; hotline calls placed "
              f"{record.calls_placed}, answered {record.calls_answered}, in time {record.calls_answered_in_time}."]
    if record.crises:
        ended = {"settled": record.crises_settled, "froze into a stand-off": record.crises_frozen,
                 "escalated to an armed clash": record.crises_escalated}
        how = ", ".join(f"{n} {what}" for what, n in ended.items() if n) or "none ended"
        lines.append(f"Crises: {record.crises} ({how}); {record.detentions} with a crew or dead held; leaders' "
                     f"calls {record.leader_calls}, answered {record.leader_calls_answered}.")
    if record.allies_joined or record.calls_mediated:
        lines.append(f"Allies joined {record.allies_joined} time(s); {record.calls_mediated} answered call(s) went "
                     "through a mediator.")
    hidden = len({e.incident for e in log if e.incident >= 0}) - len(keep - {-1})
    if hidden > 0:
        lines.append(f"({hidden} routine incidents that went nowhere are not shown; --all shows them.)")
    return "\n".join(lines)


def timeline_figure(record: ReplicationRecord, rung_labels: list[str], title: str = "", ax=None):
    """Rung over time for each incident that climbed, with hotline calls marked."""
    fig, ax = new_axes(ax, size=(7.5, 3.8))
    log = record.log or []
    keep = _interesting(log, everything=False) - {-1}
    paths: dict[int, list[tuple[float, int]]] = defaultdict(list)
    for e in log:
        if e.incident in keep and e.kind in ("incident", "move", "accident", "end", "absorbed"):
            paths[e.incident].append((e.day, e.rung))
    for i, (incident, points) in enumerate(sorted(paths.items())):
        xs, ys = zip(*points, strict=True)
        style = arm_style(i)
        ax.step(xs, ys, where="post", color=style["color"], linestyle=style["linestyle"], linewidth=1.2,
                label=f"incident #{incident}" if i < 8 else None)
    marks = {"call": ("^", "#0072B2", "call placed"), "answer": ("o", "#009E73", "answered"),
             "no_answer": ("x", "#D55E00", "not answered"), "clarified": ("*", "#000000", "intent clarified")}
    for kind, (marker, colour, label) in marks.items():
        points = [(e.day, e.rung) for e in log if e.kind == kind and e.incident in keep]
        if points:
            xs, ys = zip(*points, strict=True)
            ax.scatter(xs, [y + 0.15 for y in ys], marker=marker, color=colour, label=label, zorder=3, s=30)
    ax.set_yticks(range(len(rung_labels)), rung_labels)
    ax.set_xlabel("day")
    ax.set_title(title or "Incidents that climbed, and hotline calls")
    ax.legend(frameon=False, fontsize=7, loc="upper left")
    return fig


def trace(loaded: LoadedScenario, arm: str, replication: int, record: ReplicationRecord,
          everything: bool = False, figure: Path | None = None) -> str:
    """The story of a replayed replication (`sim.run.replay`), and its timeline figure if asked."""
    text = narrate(loaded, arm, replication, record, everything)
    if figure is not None:
        if figure.suffix.lower() not in (".png", ".pdf", ".svg"):
            raise OutputError(f"--figure {figure}: use a .png, .pdf or .svg file name")
        labels = [f"{r.id}" for r in loaded.arms[arm].ladder.rungs]
        fig = timeline_figure(record, labels, f"{pretty_arm(arm)}, replication {replication}")
        save_figure(fig, figure)
        text += f"\n\ntimeline: {figure}"
    return text
