"""The run's summary as a table in the terminal: wide, or stacked to fit an 80-column terminal."""

from __future__ import annotations

from typing import Any

from rich import box
from rich.console import Console
from rich.table import Table

from ..report.words import interval_text, percent

__all__ = ["print_summary", "fitted_console", "COMPACT_BELOW"]

COMPACT_BELOW = 110  # columns: narrower terminals get the stacked table


def fitted_console() -> Console:
    """The terminal as it is; files and pipes get a 200-column console (the whole table, no cell wrapped)."""
    console = Console()
    return console if console.is_terminal else Console(width=200)


def _interval(entry: dict[str, Any], signed: bool = False, digits: int = 1) -> str:
    """Estimate on one line, interval below: `2.33` / `(1.13,4.74)`, never broken inside a number."""
    if entry.get("estimate") is None:
        return "n/a"
    fmt = (lambda v: f"{100 * v:+.{digits}f}") if signed else (lambda v: f"{100 * v:.{digits}f}")
    return f"{fmt(entry['estimate'])}\n({fmt(entry['ci_low'])},{fmt(entry['ci_high'])})"


def _rows(summary: dict[str, Any], compact: bool) -> list[list[str]]:
    main_key, serious = str(summary["main_rung"]["index"]), str(summary["serious_rung"])
    text = _interval if compact else interval_text
    rows = []
    for arm, data in summary["arms"].items():
        diff = summary["differences"].get(f"{arm} - {summary['baseline']}")
        if diff is None:
            diff_text, crn = "(baseline)", ""
        else:
            d = diff["main"]
            diff_text = "identical" if d.get("identical") else text(d, signed=True, digits=2)
            vr = d.get("variance_reduction")
            crn = "-" if vr is None else f"{vr:.1f}x"
        h = data["hotline"]
        calls = f"{h['calls_placed']}/{h['calls_answered']}/{h.get('calls_in_time_for_other_side', h['calls_answered_in_time'])}"
        if compact:
            rows.append([arm, text(data["p_reach"][serious]), text(data["p_reach"][main_key], digits=2),
                         diff_text + (f"\nCRN {crn}" if crn and crn != "-" else ""), calls])
        else:
            rows.append([arm, text(data["p_reach"][serious]), text(data["p_reach"][main_key], digits=2),
                         diff_text, crn, calls])
    return rows


def top_lines(summary: dict[str, Any]) -> list[str]:
    """Beside the main rung, the top one (the armed clash) when it is not the main one, and how the crises
    ended when the scenario has a crisis phase: one line each, every arm; then the paired differences
    between other arms that `--differences` asked for."""
    lines = []
    pairs = summary.get("pair_differences") or {}
    if pairs:
        lines.append(f"other differences in P({summary['main_rung']['id']}), points (paired): " + "; ".join(
            f"{d['arm']} minus {d['baseline']} {interval_text(d['main'], signed=True, digits=2)}"
            for d in pairs.values()))
    top = summary["rungs"][-1]
    if top["index"] != summary["main_rung"]["index"]:
        lines.append(f"{top['id']} % (95% CI): " + "; ".join(
            f"{arm} {interval_text(data['p_reach'][str(top['index'])], digits=2)}"
            for arm, data in summary["arms"].items()))
    crises = {arm: data["crisis"] for arm, data in summary["arms"].items() if "crisis" in data}
    if crises:
        lines.append("crises (settled/frozen/clash; leaders' calls answered): " + "; ".join(
            f"{arm} {c['crises']} ({c['crises_settled']}/{c['crises_frozen']}/{c['crises_escalated']}; "
            f"{c['leader_calls_answered']}/{c['leader_calls']})" for arm, c in crises.items()))
    return lines


def print_summary(summary: dict[str, Any], console: Console | None = None) -> None:
    console = console or fitted_console()
    compact = console.width < COMPACT_BELOW
    main = summary["main_rung"]
    serious = str(summary["serious_rung"])
    table = Table(title=f"{summary['scenario']}: {summary['replications']} replications per arm "
                        f"({summary['status']})", title_justify="left",
                  box=box.SIMPLE_HEAD if compact else box.HEAVY_HEAD, padding=(0, 0 if compact else 1), pad_edge=not compact)
    table.add_column("arm", overflow="fold", min_width=10)
    if compact:
        for title in (f"serious %\nrung>={serious}", f"{main['id'][:14]} %", "diff. (pts)", "calls\np/a/t"):
            table.add_column(title, justify="right", no_wrap=True)
    else:
        table.add_column(f"serious %\n({summary['rungs'][int(serious)]['id']}+)", justify="right")
        table.add_column(f"{main['id']} %\n(95% CI)", justify="right")
        table.add_column("difference\n(points)", justify="right")
        table.add_column("CRN", justify="right")
        table.add_column("calls\nplaced/answered/in time", justify="right")
    for row in _rows(summary, compact):
        table.add_row(*row)
    console.print(table)
    legend = (f"differences: each arm minus {summary['baseline']}, paired by replication (common random "
              "numbers); CRN: how many times fewer replications pairing needs for the same precision")
    if compact:
        legend += "; intervals are 95% CIs; calls: placed/answered/in time"
    legend += ("; in time: the call ended before the other side's next move"
               if any("calls_in_time_for_other_side" in a["hotline"] for a in summary["arms"].values())
               else "; in time: the call ended before the incident's next decision")
    console.print(legend)
    for line in top_lines(summary):
        console.print(line)
    precision = summary.get("precision")
    if precision:
        met = "met" if precision["met"] else "NOT met (cap reached)"
        what = ("each paired difference of the main outcome" if precision.get("of") == "differences"
                else "each arm's main outcome")
        console.print(f"precision: target half-width {percent(precision['target_half_width'], 2)} (95%) of {what} "
                      f"({', '.join(precision.get('targeted', []))}); reached "
                      f"{percent(precision['reached_half_width'], 2)}: {met}")
