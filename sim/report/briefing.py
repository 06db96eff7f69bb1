"""The briefing: an A4 page a student can put in front of a room, and a second page of detail."""

from __future__ import annotations

import textwrap
from typing import Any

from matplotlib.figure import Figure

from ..scenario.distributions import LogNormal
from ..scenario.schema import Party, Scenario
from . import datasets as ds
from .figures import (
    BY_TYPE_GAP_POINTS,
    CALLS_GAP_POINTS,
    below_inches,
    by_type_figure,
    cumulative_figure,
    differences_figure,
    escalation_profile_figure,
    highest_rung_figure,
    hotline_figure,
    pretty_arm,
    wrapped_arm,
)
from .finding import horizon_phrase, key_finding
from .mechanisms import (
    answer_delay_figure,
    answer_delays,
    explanation_sentence,
    mechanism_parts,
    mechanisms_figure,
)
from .style import apply_style, title_room
from .words import interval_text

__all__ = ["briefing_pages", "assumption_lines", "command_overrides"]

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


def command_overrides(manifest: dict[str, Any]) -> list[str]:
    """The `--set KEY=VALUE` overrides of the command that made a run (from its manifest), in order."""
    if isinstance(manifest.get("overrides"), list):
        return [str(x) for x in manifest["overrides"]]
    command = manifest.get("command")
    if not isinstance(command, list):
        return []
    out = []
    for i, word in enumerate(command):
        if word == "--set" and i + 1 < len(command):
            out.append(str(command[i + 1]))
        elif isinstance(word, str) and word.startswith("--set="):
            out.append(word.removeprefix("--set="))
    return out


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
    odds = " Factors act on the odds of a step, so none makes it certain." if s.combine_chances == "odds" else ""
    if s.calibration:
        lines.append(f"Calibration (as the scenario states it): {s.calibration.rstrip('.')}.{odds}")
    else:
        lines.append("Escalation postures, accident and misperception rates are assumptions: this scenario "
                     f"declares no calibration to the public record (its `calibration` key).{odds}")
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


_LINE_IN = 0.125  # inches per text line in the arm table (6.3-7.5 pt type with padding)


def _arm_table_data(summary: dict[str, Any]) -> tuple[list[str], list[float], list[list[str]]]:
    """The arm table's header, column widths (figure fractions) and rows: one row per arm, with the serious
    rung, the main rung and its difference; the top rung when it is not the main one (the armed clash beside
    the use of force); how the crises ended, when there is a crisis phase; the calls."""
    main = str(summary["main_rung"]["index"])
    serious = str(summary["serious_rung"])
    top = str(len(summary["rungs"]) - 1)
    show_top = top != main
    show_crisis = any("crisis" in data for data in summary["arms"].values())
    serious_id = summary["rungs"][int(serious)]["id"]
    header = ["arm", f"P({serious_id}\nor higher) %\n(95% CI)", f"P({summary['main_rung']['id']}) %\n(95% CI)",
              "difference\n(points, 95% CI)"]
    widths = [0.19, 0.15, 0.16, 0.19]
    if show_top:
        header.append(f"P({summary['rungs'][-1]['id']}) %\n(95% CI)")
        widths.append(0.14)
    if show_crisis:
        header.append("crises: settled /\nfrozen / clash")
        widths.append(0.12)
    header.append("calls placed /\nanswered /\nin time for\nthe other side")
    widths.append(0.13)
    rows = []
    for arm, data in summary["arms"].items():
        diff = summary["differences"].get(f"{arm} - {summary['baseline']}")
        diff_text = "baseline" if diff is None else interval_text(diff["main"], signed=True, digits=2)
        h = data["hotline"]
        name = "\n".join(textwrap.wrap(pretty_arm(arm), 24, break_long_words=True)[:3]) or "-"
        row = [name, interval_text(data["p_reach"][serious]),
               interval_text(data["p_reach"][main], digits=2), diff_text]
        if show_top:
            row.append(interval_text(data["p_reach"][top], digits=2))
        if show_crisis:
            c = data.get("crisis")
            row.append("-" if c is None else f"{c['crises']}: {c['crises_settled']} / {c['crises_frozen']} / "
                       f"{c['crises_escalated']}" + (f"\n{c['open_at_end']} still open" if c["open_at_end"] else ""))
        row.append(f"{h['calls_placed']} / {h['calls_answered']} / "
                   f"{h.get('calls_in_time_for_other_side', h['calls_answered_in_time'])}"
                   + (f"\n{h['calls_mediated']} mediated, {h['allies_joined']} ally joins"
                      if "allies_joined" in h else "")
                   + (f"\nleaders: {data['crisis']['leader_calls']} / {data['crisis']['leader_calls_answered']}"
                      if show_crisis and data.get("crisis") else ""))
        rows.append(row)
    scale = 0.92 / sum(widths) if sum(widths) > 0.92 else 1.0
    return header, [w * scale for w in widths], rows


def _row_lines(row: list[str]) -> int:
    return max(cell.count("\n") + 1 for cell in row)


def arm_table_height(summary: dict[str, Any]) -> float:
    """The arm table's height in inches: each row as tall as its tallest cell."""
    header, _, rows = _arm_table_data(summary)
    return sum(_row_lines(r) * _LINE_IN + 0.04 for r in [header, *rows])


def _arm_table(fig: Figure, summary: dict[str, Any], top: float) -> float:
    """Draw the arm table from `top` (figure fraction) down; return the figure fraction below it."""
    header, col_widths, rows = _arm_table_data(summary)
    fig_h = fig.get_figheight()
    height = arm_table_height(summary) / fig_h
    ax = fig.add_axes((0.04, top - height, 0.92, height))
    ax.axis("off")
    table = ax.table(cellText=rows, colLabels=header, loc="upper center", cellLoc="center",
                     colWidths=[w / 0.92 for w in col_widths])
    table.auto_set_font_size(False)
    table.set_fontsize(7.5 if len(header) <= 5 else 6.3)
    for (r, _), cell in table.get_celld().items():
        lines = _row_lines(header if r == 0 else rows[r - 1])
        cell.set_height((lines * _LINE_IN + 0.04) / fig_h / height)
        cell.set_linewidth(0.4)
        if r == 0:
            cell.set_text_props(weight="bold")
            cell.set_facecolor("#eeeeee")
    return top - height


def _wrapped(fig: Figure, x: float, y: float, text: str, width: int, **kw: Any) -> float:
    """Draw wrapped text from the top at y; return the y below it."""
    lines = textwrap.wrap(text, width)
    size = kw.get("fontsize", 9)
    fig.text(x, y, "\n".join(lines), va="top", ha="left", **kw)
    return y - len(lines) * size * 1.45 / 72 / fig.get_figheight()


def _profile_height(summary: dict[str, Any], rows: int) -> float:
    """Inches for the escalation profile's plotting area: a band per rung, enough for every arm's point."""
    return min(3.2, max(1.6, rows * (0.1 + 0.035 * len(summary["arms"]))))


def _differences_height(summary: dict[str, Any]) -> float:
    lines = max((wrapped_arm(a).count("\n") + 1 for a in summary["arms"]), default=1)
    return len(summary["differences"]) * (0.15 * lines + 0.06) + 0.1


def _assumptions(page: Figure, y: float, lines: list[str], floor: float) -> tuple[float, list[str]]:
    """Draw assumption lines from y while they fit above `floor`; return y and the lines left over."""
    for i, line in enumerate(lines):
        height = len(textwrap.wrap("- " + line, 150)) * 6.5 * 1.45 / 72 / page.get_figheight()
        if y - height < floor:
            return y, lines[i:]
        y = _wrapped(page, 0.07, y, "- " + line, 150, fontsize=6.5, color="#333333")
    return y, []


def briefing_pages(summary: dict[str, Any], scenario: Scenario, manifest: dict[str, Any],
                   explanation: dict[str, Any] | None = None) -> list[Figure]:
    """The answer and its evidence on page 1 (continued on a page of its own when many arms do not fit);
    then the detail figures. With an explanation, a further page: where the hotline's effect comes from,
    and how fast calls were answered. Every block is placed below the one before it, its height from what
    it holds (rungs, arms, lines of a cell), so nothing is drawn over anything else."""
    apply_style()
    partial = summary.get("status") != "complete"
    page = Figure(figsize=A4)
    page.text(0.06, 0.965, scenario.name, fontsize=16, weight="bold", va="top")
    date = (manifest.get("end_time") or manifest.get("start_time") or "")[:10]
    y = _wrapped(page, 0.06, 0.938, f"hotline briefing  |  {date}  |  does the crisis hotline lower the risk of "
                 f"{summary['main_rung']['label']}?", 125, fontsize=9, color="#444444")
    sets = command_overrides(manifest)
    if sets:
        y = _wrapped(page, 0.06, y - 0.004, "What-if run, not the scenario as written: " + "; ".join(sets)
                     + " (--set on the command line; the values below include them).", 100, fontsize=9,
                     color="#b00000", weight="bold")
    y -= 0.008
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
    series = ds.escalation_profile(summary, ds.first_informative_rung(summary))
    arms_list = list(summary["arms"])
    pages = [page]
    flow = _Flow(pages, y, summary, manifest, partial)
    profile = _profile_height(summary, len(series[0].x) if series else 1)
    ax = flow.axes(0.45, profile, below_inches(arms_list), 0.3)
    escalation_profile_figure(series, names, ax=ax)
    if summary["differences"]:
        above = title_room(f"Paired difference against {pretty_arm(summary['baseline'])} (95% CI)")
        ax2 = flow.axes(above, _differences_height(summary), 0.45, 0.3, width=0.45)
        differences_figure(ds.differences(summary), summary["baseline"], summary["main_rung"]["id"], ax=ax2)
    flow.space(arm_table_height(summary) + 0.15)
    flow.y = _arm_table(flow.page, summary, flow.y - 0.005) - 0.02
    pairs = summary.get("pair_differences") or {}
    if pairs:
        text = (f"Other paired differences in P({summary['main_rung']['id']}), points (95% CI): " + "; ".join(
            f"{pretty_arm(d['arm'])} minus {pretty_arm(d['baseline'])} "
            f"{interval_text(d['main'], signed=True, digits=2)}" for d in pairs.values()) + ".")
        flow.space(0.2 + 0.13 * len(textwrap.wrap(text, 130)))
        flow.y = _wrapped(flow.page, 0.06, flow.y, text, 130, fontsize=7.5) - 0.01
    rest = assumption_lines(scenario)
    first = True
    while rest:
        flow.space(0.5)
        flow.page.text(0.06, flow.y, "Main assumptions and sources" + ("" if first else " (continued)"),
                       fontsize=9, weight="bold", va="top")
        flow.y, rest = _assumptions(flow.page, flow.y - 0.016, rest, _FOOTER)
        first = False
        if rest:
            flow.y = 0.0  # the rest on the next page
    _footer(page, summary, manifest, partial)

    main_label = summary["main_rung"]["id"]
    rung_names = [f"{r['index']} {r['id']}" for r in summary["rungs"]]
    blocks = [
        (2.2, 0.45, 0.1, lambda ax: cumulative_figure(ds.cumulative_main(summary), main_label, ax=ax)),
        (0.46 * len(arms_list) + 0.1, below_inches(["placed"], CALLS_GAP_POINTS), 0.3,
         lambda ax: hotline_figure(ds.hotline_performance(summary), ax=ax)),
        (min(3.6, max(1.8, len(rung_names) * (0.1 + 0.035 * len(arms_list)))), below_inches(arms_list), 0.3,
         lambda ax: highest_rung_figure(ds.highest_rung_distribution(summary), rung_names, ax=ax)),
    ]
    types = ds.by_type(summary)
    if types is not None:
        n_types = len(next(iter(types.values())))
        blocks.append((min(4.0, n_types * (0.16 + 0.1 * len(arms_list))), below_inches(arms_list, BY_TYPE_GAP_POINTS), 0.3,
                       lambda ax: by_type_figure(types, summary.get("incident_type_layers", {}), main_label,
                                                 summary["rungs"][-1]["id"], summary["replications"], ax=ax)))
    details = _stacked(blocks, "Detail", summary, manifest, partial)
    pages += details
    if explanation is not None:
        pages.append(mechanism_page(summary, explanation))
    return pages


_FOOTER = 0.05  # the provenance line takes the page below this


class _Flow:
    """Blocks placed one below the other from the top of page 1 down, continued on pages of their own
    (appended to `pages`) when what is left of a page is too small."""

    def __init__(self, pages: list[Figure], y: float, summary: dict[str, Any], manifest: dict[str, Any],
                 partial: bool):
        self.pages, self.y = pages, y
        self.summary, self.manifest, self.partial = summary, manifest, partial

    @property
    def page(self) -> Figure:
        return self.pages[-1]

    def space(self, inches: float) -> None:
        """Make sure `inches` are left above the footer, on a new page if not."""
        if (self.y - _FOOTER) * A4[1] < inches:
            self.pages.append(_continuation(self.summary, self.manifest, self.partial))
            self.y = 0.93

    def axes(self, above: float, height: float, below: float, left: float, width: float = 0.65) -> Any:
        """New axes `height` inches tall with room `above` for its title and `below` for its labels."""
        self.space(above + height + below)
        inch = 1 / A4[1]
        top = self.y - above * inch
        h = min(height * inch, top - below * inch - _FOOTER)
        ax = self.page.add_axes((left, top - h, width, h))
        self.y = top - h - below * inch
        return ax


def _stacked(blocks: list[tuple[float, float, float, Any]], title: str, summary: dict[str, Any],
             manifest: dict[str, Any], partial: bool) -> list[Figure]:
    """Pages of figures placed one below the other: each block is (plot height, room below for its labels
    and legend, both in inches; left edge; a function drawing into the axes). A block that does not fit
    in what is left of a page starts the next one."""
    inch = 1 / A4[1]
    pages: list[Figure] = []
    y = 0.0
    for height, below, left, draw in blocks:
        need = (0.45 + height + below) * inch
        if not pages or y - need < 0.05:
            page = Figure(figsize=A4)
            page.text(0.06, 0.965, title if not pages else f"{title} (continued)", fontsize=14, weight="bold",
                      va="top")
            _footer(page, summary, manifest, partial)
            pages.append(page)
            y = 0.93
        top = y - 0.45 * inch
        h = min(height * inch, top - below * inch - 0.05)
        draw(pages[-1].add_axes((left, top - h, 0.95 - left, h)))
        y = top - h - below * inch
    return pages


def _continuation(summary: dict[str, Any], manifest: dict[str, Any], partial: bool) -> Figure:
    more = Figure(figsize=A4)
    more.text(0.06, 0.965, "Key finding (continued): the arms and the assumptions", fontsize=12, weight="bold",
              va="top")
    _footer(more, summary, manifest, partial)
    return more


def _footer(page: Figure, summary: dict[str, Any], manifest: dict[str, Any], partial: bool) -> None:
    prov = (f"Provenance: hotline {manifest.get('tool_version')} (commit {str(manifest.get('git_commit'))[:10]}), "
            f"scenario sha256 {str(manifest.get('scenario_sha256'))[:16]}, seed {manifest.get('root_seed')}, "
            f"status {summary.get('status')}, {manifest.get('wall_seconds')} s on {manifest.get('workers')} worker(s).")
    _wrapped(page, 0.06, 0.03, prov, 160, fontsize=6.5, color="#666666")
    if partial:
        page.text(0.5, 0.5, "PARTIAL RESULTS", fontsize=60, color="#cc0000", alpha=0.15, rotation=30,
                  ha="center", va="center", weight="bold")


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
