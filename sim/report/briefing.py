"""The briefing: an A4 page a student can put in front of a room, and a second page of detail."""

from __future__ import annotations

import textwrap
from typing import Any

from matplotlib.figure import Figure

from ..scenario.distributions import LogNormal
from ..scenario.schema import Party, Scenario
from . import datasets as ds
from .figures import (
    cumulative_figure,
    differences_figure,
    escalation_profile_figure,
    highest_rung_figure,
    hotline_figure,
    pretty_arm,
)
from .finding import horizon_phrase, key_finding
from .mechanisms import (
    answer_delay_figure,
    answer_delays,
    explanation_sentence,
    mechanism_parts,
    mechanisms_figure,
)
from .style import apply_style
from .words import interval_text

__all__ = ["briefing_pages", "assumption_lines"]

A4 = (8.27, 11.69)


def _duration_text(d: Any) -> str:
    """A random duration in words: a log-normal by its median, others by their mean (hours)."""
    if isinstance(d, LogNormal):
        return f"median {d.median:g} h"
    return f"{d.mean():g} h"


def _call_rungs(party: Party, s: Scenario) -> str:
    """The rung at which a party calls, by force layer where they differ."""
    by_layer = {layer: party.hotline.call_rung_id(layer, s.ladder) for layer in party.forces}
    rungs = set(by_layer.values())
    if len(rungs) == 1:
        return next(iter(rungs))
    return ", ".join(f"{layer}: {rung}" for layer, rung in by_layer.items())


def assumption_lines(s: Scenario) -> list[str]:
    """The assumptions that most shape the answer, read from the (validated) scenario of the run."""
    lines = []
    h = s.hotline
    hours = h.hours
    when = "around the clock" if hours.always_open else (
        f"{hours.open_hour}:00-{hours.close_hour}:00 {hours.time_zone}" + (" on weekdays" if hours.weekdays_only else ""))
    what = "template of every channel" if s.channels else "baseline settings"
    lines.append(f"Hotline ({what}): covers {', '.join(h.coverage)}; open {when}; {h.lines} line(s); up to "
                 f"{h.max_retries} redials.")
    resolved = {c.name: c for c in s.resolved_channels()}
    for name, c in s.channels.items():
        via = c.mediator.label if c.mediator else None
        enabled = resolved[name].settings.enabled
        changed = [k for k in ("hours", "coverage", "ring_hours", "answer_probability", "suspension", "lines")
                   if getattr(c, k) is not None]
        lines.append(f"Channel {c.label or name}: {' - '.join(c.between)}"
                     + (f", through {via}" if via else ", direct") + ("" if enabled else ", off in the baseline")
                     + (f"; own {', '.join(changed)}" if changed else "; the template's settings") + ".")
    for party in s.parties.values():
        for partner, ally in party.allied_with.items():
            partner_label = s.parties[partner].label if partner in s.parties else partner
            lines.append(f"{party.label}, an ally of {partner_label} (assumptions): joins at rung "
                         f"'{ally.join_rung_id(s.ladder)}' with probability {ally.join_probability}; then the "
                         f"opponent's escalation x{ally.deterrence_multiplier}, the partner's "
                         f"x{ally.resolve_multiplier}.")
    for party in s.parties.values():
        policy = party.hotline
        lines.append(f"{party.label}: calls at rung '{_call_rungs(party, s)}' after prior consultation "
                     f"({_duration_text(policy.prior_consultation_hours)}); answers with probability "
                     f"{policy.answer_probability} at zero tension"
                     + (", falling with tension." if policy.answer_tension_sensitivity > 0 else "."))
    lines.append("Escalation postures, accident and misperception rates are assumptions calibrated to the "
                 "public record of incidents; see docs/validation.md."
                 + (" Factors act on the odds of a step, so none makes it certain." if s.combine_chances == "odds"
                    else ""))
    on = [name.replace("_", " ") for name in h.mechanisms.enabled_names()]
    if on:
        lines.append("What an answered or unanswered call can do (sizes are assumptions): " + ", ".join(on) + ".")
    tension = s.tension
    if tension.escalation_feedback or tension.arrival_feedback:
        lines.append(f"Tension feedback (an assumption): serious incidents raise tension, which multiplies "
                     f"escalation chances by (1 + {tension.escalation_feedback} x tension) and arrival "
                     f"rates by (1 + {tension.arrival_feedback} x tension); it raises the absolute risk "
                     "(docs/validation.md says by how much for the flagship).")
    if s.crisis.enabled:
        c = s.crisis
        leaders = "; ".join(
            f"{p.label}'s leaders decide every {_duration_text(p.leaders.decision_hours)}, order an armed "
            f"response with {p.leaders.escalate_probability:g} a decision, answer a leaders' call with "
            f"{p.leaders.answer_probability:g}" for p in s.parties.values())
        lines.append(f"Crisis (assumptions fitted to seeds/limited_force_cases.csv): from rung "
                     f"'{c.start_rung_id(s.ladder)}' leaders, not commanders, decide: {leaders}; a crew or dead "
                     f"held with {c.detention_probability:g}, an apology demanded with {c.demand_probability:g}; "
                     f"no exit after {c.max_days:g} days freezes it.")
    for arm, overrides in s.arms.items():
        change = ", ".join(f"{k} = {'its default' if v is None else v}" for k, v in overrides.items())
        change = change or "the scenario as written"
        lines.append(f"Arm {pretty_arm(arm)}: {change}.")
    if s.sources:
        lines.append("Sources (seeds/): " + ", ".join(s.sources) + ".")
    return lines


def _arm_table(fig: Figure, summary: dict[str, Any], rect: list[float]) -> None:
    """One row per arm: the serious rung, the main rung and its difference; the top rung when it is not the
    main one (the armed clash beside the use of force); how the crises ended, when there is a crisis phase;
    the calls."""
    ax = fig.add_axes(rect)
    ax.axis("off")
    main = str(summary["main_rung"]["index"])
    serious = str(summary["serious_rung"])
    top = str(len(summary["rungs"]) - 1)
    show_top = top != main
    show_crisis = any("crisis" in data for data in summary["arms"].values())
    header = ["arm", f"P(rung >= {serious}) %\n(95% CI)", f"P({summary['main_rung']['id']}) %\n(95% CI)",
              "difference\n(points, 95% CI)"]
    widths = [0.19, 0.15, 0.16, 0.19]
    if show_top:
        header.append(f"P({summary['rungs'][-1]['id']}) %\n(95% CI)")
        widths.append(0.14)
    if show_crisis:
        header.append("crises: settled /\nfrozen / clash")
        widths.append(0.12)
    header.append("calls placed /\nanswered / in time")
    widths.append(0.13)
    rows = []
    for arm, data in summary["arms"].items():
        diff = summary["differences"].get(f"{arm} - {summary['baseline']}")
        diff_text = "baseline" if diff is None else interval_text(diff["main"], signed=True, digits=2)
        h = data["hotline"]
        row = [pretty_arm(arm), interval_text(data["p_reach"][serious]),
               interval_text(data["p_reach"][main], digits=2), diff_text]
        if show_top:
            row.append(interval_text(data["p_reach"][top], digits=2))
        if show_crisis:
            c = data.get("crisis")
            row.append("-" if c is None else f"{c['crises']}: {c['crises_settled']} / {c['crises_frozen']} / "
                       f"{c['crises_escalated']}" + (f"\n{c['open_at_end']} still open" if c["open_at_end"] else ""))
        row.append(f"{h['calls_placed']} / {h['calls_answered']} / {h['calls_answered_in_time']}"
                   + (f"\n{h['calls_mediated']} mediated, {h['allies_joined']} ally joins"
                      if "allies_joined" in h else "")
                   + (f"\nleaders: {data['crisis']['leader_calls']} / {data['crisis']['leader_calls_answered']}"
                      if show_crisis and data.get("crisis") else ""))
        rows.append(row)
    scale = 0.92 / sum(widths) if sum(widths) > 0.92 else 1.0
    col_widths = [w * scale for w in widths]
    table = ax.table(cellText=rows, colLabels=header, loc="center", cellLoc="center", colWidths=col_widths)
    table.auto_set_font_size(False)
    table.set_fontsize(7.5 if len(header) <= 5 else 6.3)
    table.scale(1, 1.5)
    for (r, _), cell in table.get_celld().items():
        cell.set_linewidth(0.4)
        if r == 0:
            cell.set_text_props(weight="bold")
            cell.set_facecolor("#eeeeee")


def _wrapped(fig: Figure, x: float, y: float, text: str, width: int, **kw: Any) -> float:
    """Draw wrapped text from the top at y; return the y below it."""
    lines = textwrap.wrap(text, width)
    size = kw.get("fontsize", 9)
    fig.text(x, y, "\n".join(lines), va="top", ha="left", **kw)
    return y - len(lines) * size * 1.45 / 72 / A4[1]


def briefing_pages(summary: dict[str, Any], scenario: Scenario, manifest: dict[str, Any],
                   explanation: dict[str, Any] | None = None) -> list[Figure]:
    """Two A4 pages: the answer and its evidence; then the detail figures. With an explanation, a third
    page: where the hotline's effect comes from, and how fast calls were answered."""
    apply_style()
    partial = summary.get("status") != "complete"
    page = Figure(figsize=A4)
    page.text(0.06, 0.965, scenario.name, fontsize=16, weight="bold", va="top")
    date = (manifest.get("end_time") or manifest.get("start_time") or "")[:10]
    page.text(0.06, 0.938, f"hotline briefing  |  {date}  |  does the crisis hotline lower the risk of "
              f"{summary['main_rung']['label']}?", fontsize=9, color="#444444", va="top")
    y = 0.915
    page.text(0.06, y, "Key finding", fontsize=11, weight="bold", va="top")
    y = _wrapped(page, 0.06, y - 0.02, key_finding(summary), 100, fontsize=10)
    parties = ", ".join(p.label for p in scenario.parties.values())
    arms = ", ".join(pretty_arm(a) for a in summary["arms"])
    setting = (f"Setting: {parties}; horizon {summary['horizon_days']:g} days ({horizon_phrase(summary['horizon_days'])}); "
               f"arms compared: {arms} (differences against {pretty_arm(summary['baseline'])}, paired by "
               f"replication with common random numbers); {summary['replications']} replications per arm; "
               f"root seed {manifest.get('root_seed')}.")
    y = _wrapped(page, 0.06, y - 0.01, setting, 118, fontsize=8, color="#333333")
    names = [f"{r['index']} {r['id']}" for r in summary["rungs"]]
    top = min(0.75, y - 0.03)
    ax = page.add_axes([0.11, 0.55, 0.85, top - 0.55])
    escalation_profile_figure(ds.escalation_profile(summary, ds.first_informative_rung(summary)), names, ax=ax)
    n_diff = len(summary["differences"])
    if n_diff:
        height = 0.03 * n_diff + 0.01
        ax2 = page.add_axes([0.30, 0.42 - height / 2, 0.45, height])
        differences_figure(ds.differences(summary), summary["baseline"], summary["main_rung"]["id"], ax=ax2)
    _arm_table(page, summary, [0.04, 0.215, 0.92, 0.085])
    y = 0.2
    page.text(0.06, y, "Main assumptions and sources", fontsize=9, weight="bold", va="top")
    y -= 0.016
    for line in assumption_lines(scenario):
        if y < 0.05:
            page.text(0.07, y, "- ... (see scenario.yaml in the results folder)", fontsize=6.5, va="top")
            break
        y = _wrapped(page, 0.07, y, "- " + line, 150, fontsize=6.5, color="#333333")
    prov = (f"Provenance: hotline {manifest.get('tool_version')} (commit {str(manifest.get('git_commit'))[:10]}), "
            f"scenario sha256 {str(manifest.get('scenario_sha256'))[:16]}, seed {manifest.get('root_seed')}, "
            f"status {summary.get('status')}, {manifest.get('wall_seconds')} s on {manifest.get('workers')} worker(s).")
    page.text(0.06, 0.018, prov, fontsize=6.5, color="#666666")
    if partial:
        page.text(0.5, 0.5, "PARTIAL RESULTS", fontsize=60, color="#cc0000", alpha=0.15, rotation=30,
                  ha="center", va="center", weight="bold")

    detail = Figure(figsize=A4)
    detail.text(0.06, 0.965, "Detail", fontsize=14, weight="bold", va="top")
    main_label = summary["main_rung"]["id"]
    cumulative_figure(ds.cumulative_main(summary), main_label, ax=detail.add_axes([0.1, 0.68, 0.85, 0.24]))
    hotline_figure(ds.hotline_performance(summary), ax=detail.add_axes([0.1, 0.38, 0.85, 0.22]))
    highest_rung_figure(ds.highest_rung_distribution(summary), [f"{r['index']}" for r in summary["rungs"]],
                        ax=detail.add_axes([0.1, 0.08, 0.85, 0.22]))
    detail.text(0.1, 0.035, "Rungs: " + "; ".join(f"{r['index']} {r['label']}" for r in summary["rungs"]),
                fontsize=6.3, color="#444444", wrap=True)
    pages = [page, detail]
    if explanation is not None:
        pages.append(mechanism_page(summary, explanation))
    return pages


def mechanism_page(summary: dict[str, Any], explanation: dict[str, Any]) -> Figure:
    """Where the hotline's effect comes from: the Shapley parts, one sentence, and the answer delays."""
    page = Figure(figsize=A4)
    page.text(0.06, 0.965, "Where the hotline's effect comes from", fontsize=14, weight="bold", va="top")
    y = _wrapped(page, 0.06, 0.935, explanation_sentence(explanation), 100, fontsize=10)
    note = (f"Each arm's difference in P({explanation['main_rung']['id']}) against "
            f"{pretty_arm(explanation['baseline'])} is split among the mechanisms that are on in it by switching "
            f"them off in every combination on the same random numbers ({explanation['replications']} paired "
            "replications; Shapley values, which sum to the difference). The sizes of the mechanisms are "
            "assumptions stated in the scenario file.")
    y = _wrapped(page, 0.06, y - 0.01, note, 118, fontsize=8, color="#333333")
    parts = mechanism_parts(explanation)
    delays = answer_delays(summary)
    bottom = 0.36 if delays else 0.06
    top = y - 0.05
    height = max(min(top - bottom, 0.025 * len(parts) + 0.06), 0.1)
    ax = page.add_axes([0.22, top - height, 0.73, height])
    mechanisms_figure(parts, explanation["main_rung"]["id"], ax=ax)
    ax.tick_params(axis="y", labelsize=7)
    if delays:
        answer_delay_figure(delays, ax=page.add_axes([0.1, 0.06, 0.85, 0.22]))
    return page
