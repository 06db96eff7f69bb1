"""The run's summary as a table in the terminal."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table

from ..report.words import interval_text, percent

__all__ = ["print_summary"]


def print_summary(summary: dict[str, Any], console: Console | None = None) -> None:
    if console is None:
        console = Console()
        if not console.is_terminal:
            console = Console(width=120)  # files and pipes get the whole table, not an 80-column squeeze
    main = summary["main_rung"]
    serious = str(summary["serious_rung"])
    main_key = str(main["index"])
    table = Table(title=f"{summary['scenario']}: {summary['replications']} replications per arm "
                        f"({summary['status']})", title_justify="left")
    table.add_column("arm")
    table.add_column(f"serious %\n(rung >= {serious})", justify="right")
    table.add_column(f"{main['id']} %\n(95% CI)", justify="right")
    table.add_column("difference\n(points)", justify="right")
    table.add_column("CRN", justify="right")
    table.add_column("calls\nplaced/answered/in time", justify="right")
    for arm, data in summary["arms"].items():
        diff = summary["differences"].get(f"{arm} - {summary['baseline']}")
        if diff is None:
            diff_text, crn = "(baseline)", ""
        else:
            d = diff["main"]
            diff_text = "identical" if d.get("identical") else interval_text(d, signed=True, digits=2)
            vr = d.get("variance_reduction")
            crn = "-" if vr is None else f"{vr:.1f}x"
        h = data["hotline"]
        table.add_row(arm, interval_text(data["p_reach"][serious]),
                      interval_text(data["p_reach"][main_key], digits=2), diff_text, crn,
                      f"{h['calls_placed']}/{h['calls_answered']}/{h['calls_answered_in_time']}")
    console.print(table)
    console.print(f"differences: each arm minus {summary['baseline']}, paired by replication (common random "
                  "numbers); CRN: variance reduction that pairing achieved")
    precision = summary.get("precision")
    if precision:
        met = "met" if precision["met"] else "NOT met (cap reached)"
        console.print(f"precision: target half-width {percent(precision['target_half_width'], 2)}, reached "
                      f"{percent(precision['reached_half_width'], 2)}: {met}")
