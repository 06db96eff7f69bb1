"""Exports for slides and papers: the arm table in percentage points as CSV, Markdown and LaTeX; 16:9
slides, one message each; a one-page policy memo. All drawn from a run's summary (and its explanation or
robustness analysis when the briefing has them); nothing here reruns the model."""

from __future__ import annotations

import csv
import io
import textwrap
from typing import Any

from matplotlib.figure import Figure

from ..engine.model.record import CALL_FATE_WORDS
from . import datasets as ds
from .figures import (
    BY_TYPE_GAP_POINTS,
    below_inches,
    by_type_figure,
    call_fates_figure,
    differences_figure,
    escalation_profile_figure,
    pretty_arm,
)
from .finding import horizon_phrase, key_finding, why_calls_failed
from .style import apply_style, larger_type, type_scale

__all__ = ["arm_table", "pairs_csv", "table_csv", "table_markdown", "table_latex", "slides", "memo_page", "SLIDE_SIZE"]

SLIDE_SIZE = (13.33, 7.5)  # inches: 16:9
SLIDE_ARMS = 6  # differences on a slide: the arms that differ most


def _pp(x: float | None) -> str:
    return "" if x is None else f"{100 * x:.2f}"


def arm_table(summary: dict[str, Any]) -> tuple[list[str], list[list[str]]]:
    """The main table, one row per arm, in percentages and percentage points (two decimals): the serious
    rung, the main rung, the top rung, and the paired difference in the main rung from the baseline."""
    main, serious, top = str(summary["main_rung"]["index"]), str(summary["serious_rung"]), str(len(summary["rungs"]) - 1)
    main_id, top_id = summary["main_rung"]["id"], summary["rungs"][-1]["id"]
    header = ["arm", "replications", "p_serious_pct", "p_serious_low", "p_serious_high", f"p_{main_id}_pct",
              f"p_{main_id}_low", f"p_{main_id}_high", f"p_{top_id}_pct", f"p_{top_id}_low", f"p_{top_id}_high",
              "difference_points", "difference_low", "difference_high", "against"]
    rows = []
    for arm, data in summary["arms"].items():
        reach = data["p_reach"]
        diff = summary["differences"].get(f"{arm} - {summary['baseline']}")
        d = diff["main"] if diff else {}
        rows.append([arm, str(data["n"])]
                    + [_pp(reach[k][f]) for k in (serious, main, top) for f in ("estimate", "ci_low", "ci_high")]
                    + [_pp(d.get(f)) for f in ("estimate", "ci_low", "ci_high")]
                    + ["" if diff is None else summary["baseline"]])
    return header, rows


def pairs_csv(summary: dict[str, Any]) -> str | None:
    """Every paired difference in the main rung, in points: each arm from the baseline, then the pairs
    `--differences` asked for; None when there is only one arm."""
    every = {**summary["differences"], **(summary.get("pair_differences") or {})}
    if not every:
        return None
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["arm", "minus", "pairs", "difference_points", "difference_low", "difference_high"])
    for d in every.values():
        m = d["main"]
        writer.writerow([d["arm"], d["baseline"], m.get("n", ""), _pp(m["estimate"]), _pp(m["ci_low"]),
                         _pp(m["ci_high"])])
    return buffer.getvalue()


def table_csv(summary: dict[str, Any]) -> str:
    header, rows = arm_table(summary)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def _cells(summary: dict[str, Any]) -> tuple[list[str], list[list[str]]]:
    """The table as a reader sees it: estimates with their intervals in one cell."""
    header, rows = arm_table(summary)
    main_id, top_id = summary["main_rung"]["id"], summary["rungs"][-1]["id"]
    head = ["Arm", f"P({summary['rungs'][summary['serious_rung']]['id']} or higher) %", f"P({main_id}) %", f"P({top_id}) %",
            f"Difference from {pretty_arm(summary['baseline'])} (points)"]
    out = []
    for r in rows:
        out.append([pretty_arm(r[0]), *(_cell(r, i) for i in (2, 5, 8, 11))])
    return head, out


def _cell(row: list[str], i: int) -> str:
    return f"{row[i]} ({row[i + 1]} to {row[i + 2]})" if row[i] else "baseline"


def table_markdown(summary: dict[str, Any]) -> str:
    head, rows = _cells(summary)
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(c.replace("|", "\\|") for c in row) + " |" for row in rows]
    note = (f"\n{summary['replications']} paired replications per arm, {horizon_phrase(summary['horizon_days'])}; "
            "95% intervals (Wilson for probabilities, paired for differences).\n")
    return "\n".join(lines) + "\n" + note


_LATEX_SPECIAL = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_",
                  "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"}


def _latex(text: str) -> str:
    return "".join(_LATEX_SPECIAL.get(ch, ch) for ch in text)


def table_latex(summary: dict[str, Any]) -> str:
    head, rows = _cells(summary)
    lines = [r"\begin{tabular}{l" + "r" * (len(head) - 1) + "}", r"\hline",
             " & ".join(_latex(h) for h in head) + r" \\", r"\hline"]
    lines += [" & ".join(_latex(c) for c in row) + r" \\" for row in rows]
    lines += [r"\hline", r"\end{tabular}"]
    caption = (f"% {summary['scenario']}: {summary['replications']} paired replications per arm; 95% intervals "
               "(Wilson for probabilities, paired for differences).")
    return caption + "\n" + "\n".join(lines) + "\n"


def _slide(message: str, below: float = 0.6, width: float = 0.62) -> tuple[Figure, Any]:
    """A 16:9 slide with its one message as the title, and the axes below it, leaving `below` inches (at
    the briefing's type size) for the axes' labels and legend."""
    apply_style()
    fig = Figure(figsize=SLIDE_SIZE)
    fig.text(0.04, 0.95, "\n".join(textwrap.wrap(message, 80)), fontsize=17, weight="bold", va="top")
    bottom = (below * type_scale() + 0.2) / SLIDE_SIZE[1]
    return fig, fig.add_axes((0.3, bottom, width, 0.74 - bottom))


def slides(summary: dict[str, Any]) -> dict[str, Figure]:
    """Slides, one message each: the finding; the escalation profile; the paired differences; why calls
    fail; where serious incidents come from. Type is 1.6 times the briefing's."""
    with larger_type(1.6):
        return _slides(summary)


def _slides(summary: dict[str, Any]) -> dict[str, Figure]:
    out: dict[str, Figure] = {}
    apply_style()
    finding = Figure(figsize=SLIDE_SIZE)
    finding.text(0.06, 0.88, "Does the hotline lower the risk?", fontsize=26, weight="bold", va="top")
    finding.text(0.06, 0.74, "\n".join(textwrap.wrap(key_finding(summary), 78)), fontsize=17, va="top")
    out["01_finding"] = finding
    main = summary["main_rung"]
    base = summary["arms"][summary["baseline"]]["p_reach"][str(main["index"])]["estimate"] or 0.0
    fig, ax = _slide(f"Each rung of the ladder is rarer than the one below: without change "
                     f"({pretty_arm(summary['baseline'])}), {100 * base:.2f}% of simulated runs reach "
                     f"{main['label']} {horizon_phrase(summary['horizon_days'])}", below_inches(list(summary["arms"])))
    escalation_profile_figure(ds.escalation_profile(summary, ds.first_informative_rung(summary)),
                              [f"{r['index']} {r['id']}" for r in summary["rungs"]], ax=ax)
    out["02_escalation_profile"] = fig
    if summary["differences"]:
        every = ds.differences(summary)
        best = min(every, key=lambda d: d.estimate)
        diffs = sorted(every, key=lambda d: -abs(d.estimate))[:SLIDE_ARMS]  # a slide is read from afar
        diffs = [d for d in every if d in diffs]
        shown = "" if len(diffs) == len(every) else f" ({len(diffs)} of {len(every)} arms; all in the briefing)"
        fig, ax = _slide(f"{pretty_arm(best.arm)} changes P({main['id']}) by {100 * best.estimate:+.2f} points "
                         f"({100 * best.low:+.2f} to {100 * best.high:+.2f}), paired on the same incidents{shown}",
                         width=0.45)  # (the numbers stand to the right of the axes)
        differences_figure(diffs, summary["baseline"], main["id"], ax=ax)
        out["03_differences"] = fig
    fates = ds.call_fates(summary)
    arm = next((a for a in list(summary["arms"])[1:] if why_calls_failed(summary, a)), None)
    if fates is not None and arm is not None:
        counts = summary["arms"][arm]["hotline"]["not_in_time"]
        first = max(counts, key=lambda f: counts[f])
        fig, ax = _slide(f"When the hotline fails: with {pretty_arm(arm)}, most late or missing calls met "
                         f"'{CALL_FATE_WORDS.get(first, first)}' first", below_inches(["x"] * 9))
        failed, in_time = fates
        keep = sorted(failed, key=lambda a: -(sum(failed[a].values()) + in_time[a]))[:SLIDE_ARMS]
        call_fates_figure({a: failed[a] for a in failed if a in keep}, {a: in_time[a] for a in keep},
                          CALL_FATE_WORDS, summary["replications"], ax=ax)
        out["04_why_calls_fail"] = fig
    types = ds.by_type(summary)
    if types is not None:
        baseline = types[summary["baseline"]]
        source = max(baseline, key=lambda t: baseline[t]["serious"])
        fig, ax = _slide(f"Most serious incidents start as {source.replace('_', ' ')} "
                         f"({summary.get('incident_type_layers', {}).get(source, '?')})",
                         below_inches(list(summary["arms"]), BY_TYPE_GAP_POINTS))
        by_type_figure(types, summary.get("incident_type_layers", {}), main["id"], summary["rungs"][-1]["id"],
                       summary["replications"], ax=ax)
        out["05_where_serious_incidents_start"] = fig
    return out


def memo_page(summary: dict[str, Any], manifest: dict[str, Any], assumptions: list[str],
              explanation_sentence: str | None = None, robustness_sentence: str | None = None) -> Figure:
    """A one-page policy memo: the finding, why, when it fails, how sure, what it rests on."""
    apply_style()
    page = Figure(figsize=(8.27, 11.69))
    page.text(0.08, 0.95, f"Memo: {summary['scenario']}", fontsize=15, weight="bold", va="top")
    page.text(0.08, 0.925, f"Does the crisis hotline lower the risk of {summary['main_rung']['label']}?",
              fontsize=10, color="#444444", va="top")
    arm = next(iter(list(summary["arms"])[1:]), summary["baseline"])
    why = explanation_sentence or ("Where the effect comes from is not broken down here: run hotline explain "
                                   "beside this run to split it among the hotline's mechanisms.")
    fails = why_calls_failed(summary, arm) or "No call was considered in this run."
    sure = (f"{summary['replications']} paired replications per arm (common random numbers); 95% intervals. "
            + (robustness_sentence or "Robustness to the assumptions was not tested for this memo "
               "(hotline run --report --robustness)."))
    sections = [("The finding", key_finding(summary, calls=False)), ("Why", why), ("When it fails", fails),
                ("How sure", sure), ("What it rests on", " ".join(assumptions[:4]))]
    y = 0.89
    for head, text in sections:
        page.text(0.08, y, head, fontsize=11, weight="bold", va="top")
        y -= 0.022
        lines = textwrap.wrap(text, 98)
        budget = max(int((y - 0.08) / 0.0165) - 2 * (len(sections) - 1), 3)
        if len(lines) > budget:
            lines = lines[:budget - 1] + [lines[budget - 1].rstrip() + " ..."]
        page.text(0.08, y, "\n".join(lines), fontsize=9, va="top", linespacing=1.35)
        y -= len(lines) * 9 * 1.35 * 1.15 / 72 / 11.69 + 0.02
    page.text(0.08, 0.03, f"hotline {manifest.get('tool_version')}, seed {manifest.get('root_seed')}, scenario sha256 "
              f"{str(manifest.get('scenario_sha256'))[:16]}; full briefing: briefing.pdf", fontsize=6.5,
              color="#666666")
    return page
