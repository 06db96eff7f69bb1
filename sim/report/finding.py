"""The key finding in plain words, written from the results and honest about uncertainty."""

from __future__ import annotations

from typing import Any

from ..engine.model.record import CALL_FATE_WORDS
from .datasets import differences
from .figures import pretty_arm

__all__ = ["key_finding", "horizon_phrase", "pct", "why_calls_failed"]


def pct(x: float, digits: int = 1) -> str:
    return f"{100 * x:.{digits}f}%"


def points(x: float, digits: int = 1) -> str:
    return f"{abs(100 * x):.{digits}f}"


def horizon_phrase(days: float) -> str:
    if abs(days - 365) <= 1:
        return "within a year"
    if days % 365 == 0:
        return f"within {int(days // 365)} years"
    return f"within {days:g} days"


def _digits(summary: dict[str, Any]) -> int:
    values = [a["p_reach"][str(summary["main_rung"]["index"])]["estimate"] or 0 for a in summary["arms"].values()]
    return 2 if max(values, default=0) < 0.1 else 1


def key_finding(summary: dict[str, Any], calls: bool = True) -> str:
    """One or two sentences: the headline arm against the baseline, then the best arm if it differs; with
    `calls`, a last one on why the headline arm's calls failed (`why_calls_failed`)."""
    main = summary["main_rung"]
    key = str(main["index"])
    within = horizon_phrase(summary["horizon_days"])
    baseline = summary["baseline"]
    d = _digits(summary)
    base_p = summary["arms"][baseline]["p_reach"][key]
    what = main["label"]
    if not summary["differences"]:
        return (f"The chance of {what} {within} is {pct(base_p['estimate'], d)} "
                f"(95% CI {pct(base_p['ci_low'], d)} to {pct(base_p['ci_high'], d)}).")
    diffs = differences(summary)
    sentences = []
    headline = diffs[0]
    best = min(diffs, key=lambda x: x.estimate)
    for diff in ([headline] if best is headline else [headline, best]):
        p = summary["arms"][diff.arm]["p_reach"][key]
        start = (f"With {pretty_arm(diff.arm)}, the chance of {what} {within} is {pct(p['estimate'], d)} "
                 f"(95% CI {pct(p['ci_low'], d)} to {pct(p['ci_high'], d)})")
        interval = f"{100 * diff.low:+.{d}f} to {100 * diff.high:+.{d}f} points"
        if diff.distinguishable:
            direction = "lower" if diff.estimate < 0 else "higher"
            sentences.append(f"{start}, {points(diff.estimate, d)} points {direction} than with "
                             f"{pretty_arm(baseline)} ({interval}).")
        else:
            sentences.append(f"{start}; the difference from {pretty_arm(baseline)} "
                             f"({100 * diff.estimate:+.{d}f} points, {interval}) cannot be told apart from zero "
                             f"with {summary['replications']} paired replications.")
    sentences.append(f"Without change ({pretty_arm(baseline)}): {pct(base_p['estimate'], d)} "
                     f"(95% CI {pct(base_p['ci_low'], d)} to {pct(base_p['ci_high'], d)}).")
    why = why_calls_failed(summary, headline.arm) if calls else ""
    if why:
        sentences.append(why)
    return " ".join(sentences)


def why_calls_failed(summary: dict[str, Any], arm: str) -> str:
    """One sentence: how many of an arm's calls came in time, and the first causes of the others, largest
    first (empty when the arm made no call or the run did not record the causes)."""
    hotline = summary["arms"][arm].get("hotline", {})
    fates = hotline.get("not_in_time")
    if not isinstance(fates, dict):
        return ""
    missed = sum(fates.values())
    in_time = hotline.get("calls_answered_in_time", 0)
    if missed + in_time == 0:
        return ""
    causes = sorted(((n, f) for f, n in fates.items() if n), reverse=True)
    if not causes:
        return f"All {in_time} calls the sides considered with {pretty_arm(arm)} came in time."
    named = [f"{CALL_FATE_WORDS.get(f, f)} ({n})" for n, f in causes[:3]]
    tail = f" and {len(causes) - 3} other cause{'s' if len(causes) > 4 else ''}" if len(causes) > 3 else ""
    other = hotline.get("calls_in_time_for_other_side")
    beat = f" ({other} ended before the other side's next move)" if other is not None else ""
    return (f"Of the {missed + in_time} calls the sides considered with {pretty_arm(arm)}, {in_time} came in "
            f"time, before any decision{beat}; the others failed first by {', '.join(named)}{tail}.")
