"""`hotline report`: figures and the briefing from a results folder. Reads files; never reruns the model."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure

from ..folder.explanation import read_explanation
from ..folder.files import OutputError, ResultsFolder
from . import datasets as ds
from .briefing import briefing_pages
from .figures import (
    cumulative_figure,
    differences_figure,
    escalation_profile_figure,
    highest_rung_figure,
    hotline_figure,
)
from .mechanisms import answer_delay_figure, answer_delays, mechanism_parts, mechanisms_figure

__all__ = ["build_report", "Report", "FORMATS", "save_figure"]

FORMATS = ("pdf", "png", "svg")


@dataclass(frozen=True)
class Report:
    figures_dir: Path
    briefing: Path
    files: tuple[Path, ...]


def save_figure(fig: Figure, target: Path) -> None:
    """Save a figure atomically in the format its suffix names; a failure is an OutputError."""
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=target.suffix)
    os.close(fd)
    try:
        fig.savefig(tmp, format=target.suffix[1:])
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise OutputError(f"cannot write {target}: {exc.strerror or exc}") from None


def figures_for(summary: dict[str, Any], explanation: dict[str, Any] | None = None) -> dict[str, Figure]:
    names = [f"{r['index']} {r['label'][:32]}" for r in summary["rungs"]]
    main = summary["main_rung"]["id"]
    figs = {
        "escalation_profile": escalation_profile_figure(ds.escalation_profile(summary), names),
        "cumulative_main": cumulative_figure(ds.cumulative_main(summary), main),
        "hotline_calls": hotline_figure(ds.hotline_performance(summary)),
        "highest_rung": highest_rung_figure(ds.highest_rung_distribution(summary), names),
    }
    if summary["differences"]:
        figs["differences"] = differences_figure(ds.differences(summary), summary["baseline"], main)
    delays = answer_delays(summary)
    if delays:
        figs["answer_delay"] = answer_delay_figure(delays)
    if explanation is not None:
        figs["mechanisms"] = mechanisms_figure(mechanism_parts(explanation), explanation["main_rung"]["id"])
    return figs


def build_report(path: Path, formats: tuple[str, ...] = ("pdf", "png"), out: Path | None = None,
                 explanation_path: Path | None = None, robustness: Path | None = None) -> Report:
    """Write figures/<name>.<format> and briefing.pdf (+ briefing.png of page 1) for a results folder.
    An explanation (`hotline explain`) in the folder, or at `explanation_path`, adds where the effect comes
    from; a robustness folder (`hotline robustness`) adds the page "Does the finding hold?"."""
    bad = [f for f in formats if f not in FORMATS]
    if bad or not formats:
        raise OutputError(f"--format takes {', '.join(FORMATS)} (got {', '.join(bad) or 'nothing'})")
    folder = ResultsFolder.open_existing(path)
    if not (path / "summary.json").is_file():
        raise OutputError(f"{path} has no summary.json yet; finish the run first (hotline run --resume {path})")
    summary = folder.read_json("summary.json")
    manifest = folder.read_json("manifest.json")
    try:
        scenario = yaml.safe_load((path / "scenario.yaml").read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise OutputError(f"cannot read {path / 'scenario.yaml'}: {exc}") from None
    explanation = read_explanation(explanation_path or path)
    if explanation_path is not None and explanation is None:
        raise OutputError(f"--explanation {explanation_path}: no explanation.json there; write one with hotline "
                          "explain ... --out DIR")
    robust = _robustness(robustness, manifest) if robustness is not None else None
    target = out or path
    figures_dir = target / "figures"
    try:
        figures_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create {figures_dir}: {exc.strerror}") from None
    files = []
    for name, fig in figures_for(summary, explanation).items():
        for fmt in formats:
            file = figures_dir / f"{name}.{fmt}"
            save_figure(fig, file)
            files.append(file)
    pages = briefing_pages(summary, scenario, manifest, explanation)
    if robust is not None:
        from .robustness_report import robustness_page

        pages.insert(1, robustness_page(robust))
    briefing = target / "briefing.pdf"
    fd, tmp = tempfile.mkstemp(dir=target, prefix=".briefing.", suffix=".pdf")
    os.close(fd)
    try:
        with PdfPages(tmp) as pdf:
            for page in pages:
                pdf.savefig(page)
        os.chmod(tmp, 0o644)
        os.replace(tmp, briefing)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise OutputError(f"cannot write {briefing}: {exc.strerror or exc}") from None
    save_figure(pages[0], target / "briefing.png")
    files += [briefing, target / "briefing.png"]
    return Report(figures_dir, briefing, tuple(files))


def _robustness(path: Path, manifest: dict[str, Any]) -> dict[str, Any]:
    """A robustness folder's result, checked to be about the same scenario as the run."""
    from ..folder.robustness_folder import read_robustness

    result = read_robustness(path, write=False)
    if result.get("scenario_name") != manifest.get("scenario_name"):
        raise OutputError(f"{path} analyses {result.get('scenario_name')!r}, not this run's scenario "
                          f"{manifest.get('scenario_name')!r}")
    if not result["parameters"]:
        raise OutputError(f"{path} has no finished assumption yet; finish it with hotline robustness --resume {path}")
    return result
