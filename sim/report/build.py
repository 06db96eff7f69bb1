"""`hotline report`: figures and the briefing from a results folder. Reads files; never reruns the model."""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from matplotlib.figure import Figure

from ..engine.model.record import CALL_FATE_WORDS
from ..folder.explanation import read_explanation
from ..folder.files import (
    BRIEFING_PDF,
    BRIEFING_PNG,
    EXPLANATION,
    FIGURES,
    MANIFEST,
    SCENARIO,
    SUMMARY,
    OutputError,
    ResultsFolder,
)
from ..folder.lock import writer_alive
from ..scenario import LoadedScenario, Scenario, ScenarioError, load_scenario_text
from ..scenario.notices import ScenarioNotice
from . import datasets as ds
from .briefing import briefing_pages
from .figures import (
    by_type_figure,
    call_fates_figure,
    cumulative_figure,
    differences_figure,
    escalation_profile_figure,
    highest_rung_figure,
    hotline_figure,
)
from .mechanisms import answer_delay_figure, answer_delays, mechanism_parts, mechanisms_figure
from .saving import save_figure, save_pages

__all__ = ["build_report", "Report", "FORMATS", "save_figure", "save_pages"]

FORMATS = ("pdf", "png", "svg")


@dataclass(frozen=True)
class Report:
    figures_dir: Path
    briefing: Path
    files: tuple[Path, ...]


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
    fates = ds.call_fates(summary)
    if fates is not None:
        figs["call_fates"] = call_fates_figure(*fates, CALL_FATE_WORDS, summary["replications"])
    types = ds.by_type(summary)
    if types is not None:
        figs["by_type"] = by_type_figure(types, summary.get("incident_type_layers", {}), main,
                                         summary["rungs"][-1]["id"], summary["replications"])
    if explanation is not None:
        figs["mechanisms"] = mechanisms_figure(mechanism_parts(explanation), explanation["main_rung"]["id"])
    return figs


def _read_scenario(path: Path) -> Scenario:
    """The run's scenario (`scenario.yaml`, resolved when the run started), validated as a scenario file is."""
    return _read_loaded(path).scenario


def _read_loaded(path: Path) -> LoadedScenario:
    """The run's scenario and its arms, as `_read_scenario` reads them."""
    target = path / SCENARIO
    try:
        text = target.read_text(encoding="utf-8")
    except (OSError, ValueError) as exc:
        raise OutputError(f"cannot read {target}: {type(exc).__name__}") from None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ScenarioNotice)  # old spellings: the run's own notice said so
            return load_scenario_text(text, str(target))
    except ScenarioError as exc:
        first = exc.problems[0] if exc.problems else None
        raise OutputError(f"{target} is damaged: {first.format() if first else 'not a scenario'}") from None
    except RecursionError:
        raise OutputError(f"{target} is damaged: nested too deeply") from None


def build_report(path: Path, formats: tuple[str, ...] = ("pdf", "png"), out: Path | None = None,
                 explanation_path: Path | None = None, robustness: Path | None = None,
                 slides: bool = False) -> Report:
    """Write figures/<name>.<format> and briefing.pdf (+ briefing.png of page 1) for a results folder.
    An explanation (`hotline explain`) in the folder, or at `explanation_path`, adds where the effect comes
    from; a robustness folder (`hotline robustness`) adds the page "Does the finding hold?"."""
    bad = [f for f in formats if f not in FORMATS]
    if bad or not formats:
        raise OutputError(f"--format takes {', '.join(FORMATS)} (got {', '.join(bad) or 'nothing'})")
    folder = ResultsFolder.open_for_writing(path) if out is None else ResultsFolder.open_existing(path)
    try:
        return _build(folder, formats, out, explanation_path, robustness, slides)
    finally:
        folder.release()


def _build(folder: ResultsFolder, formats: tuple[str, ...], out: Path | None,
           explanation_path: Path | None, robustness: Path | None, slides: bool = False) -> Report:
    path = folder.path
    manifest = folder.read_json(MANIFEST)
    if manifest.get("status") == "running" and (out is None or not writer_alive(path)):  # we hold the lock
        raise OutputError(f"the run that wrote {path} stopped before it finished; finish it with "
                          f"hotline run --resume {path}")
    if not (path / SUMMARY).is_file():
        raise OutputError(f"{path} has no {SUMMARY}; rebuild it with hotline run --resume {path}")
    summary = folder.read_json(SUMMARY)
    loaded = _read_loaded(path)
    scenario = loaded.scenario
    explanation = read_explanation(explanation_path or path)
    if explanation_path is not None and explanation is None:
        raise OutputError(f"--explanation {explanation_path}: no {EXPLANATION} there; write one with hotline "
                          "explain ... --out DIR")
    if explanation is not None:
        _same_analysis("the explanation", explanation_path or path, explanation.get("scenario"),
                       explanation.get("seed"), (explanation.get("main_rung") or {}).get("id"),
                       [explanation.get("baseline"), *explanation.get("arms", {})], manifest, summary,
                       explanation.get("fingerprints"), loaded)
    robust = _robustness(robustness, manifest) if robustness is not None else None
    if robust is not None:
        _same_analysis("the robustness analysis", robustness, robust.get("scenario_name"), robust.get("seed"),
                       robust.get("main_rung"), [robust.get("baseline_arm"), *robust.get("baseline", {})],
                       manifest, summary, robust.get("fingerprints"), loaded)
    try:
        figures = figures_for(summary, explanation)
        pages = briefing_pages(summary, scenario, manifest, explanation)
    except (KeyError, TypeError, ValueError, IndexError, AttributeError, ZeroDivisionError) as exc:
        raise OutputError(f"{path / SUMMARY} is damaged or incomplete ({type(exc).__name__}: "
                          f"{str(exc)[:80]}); rebuild it with hotline run --resume {path}") from None
    if robust is not None:
        from .robustness_report import robustness_pages

        pages[1:1] = robustness_pages(robust)
    answer = _ensemble_answer(path, manifest)
    if answer is not None:
        from .ensemble_report import ensemble_figure, record_page

        pages[1:1] = [record_page(answer)]
        figures["ensemble"] = ensemble_figure(answer)
    target = out or path
    figures_dir = target / FIGURES
    if out is None:
        folder.remove_derived()  # nothing of an earlier report survives beside this one
    try:
        figures_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create {figures_dir}: {exc.strerror or exc}") from None
    files = []
    for name, fig in figures.items():
        for fmt in formats:
            file = figures_dir / f"{name}.{fmt}"
            save_figure(fig, file)
            files.append(file)
    briefing = target / BRIEFING_PDF
    save_pages(pages, briefing)
    save_figure(pages[0], target / BRIEFING_PNG)
    files += [briefing, target / BRIEFING_PNG]
    files += _exports(target, summary, manifest, scenario, explanation, robust, slides)
    return Report(figures_dir, briefing, tuple(files))


def _exports(target: Path, summary: dict[str, Any], manifest: dict[str, Any], scenario: Scenario,
             explanation: dict[str, Any] | None, robust: dict[str, Any] | None, slides: bool) -> list[Path]:
    """The tables (CSV in percentage points, Markdown, LaTeX), the one-page memo and, with `slides`, 16:9
    slides, one message each."""
    from ..folder.files import MEMO_PDF, SLIDES, TABLES, write_text_atomically
    from .briefing import assumption_lines
    from .exports import memo_page, pairs_csv, table_csv, table_latex, table_markdown
    from .exports import slides as make_slides
    from .mechanisms import explanation_sentence

    files = []
    tables = target / TABLES
    try:
        tables.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create {tables}: {exc.strerror or exc}") from None
    for name, text in (("arms.csv", table_csv(summary)), ("arms.md", table_markdown(summary)),
                       ("arms.tex", table_latex(summary)), ("differences.csv", pairs_csv(summary))):
        if text is not None:
            write_text_atomically(tables / name, text)
            files.append(tables / name)
    robust_text = None
    if robust is not None:
        from .robustness_report import robustness_sentence

        robust_text = robustness_sentence(robust)
    memo = memo_page(summary, manifest, assumption_lines(scenario),
                     explanation_sentence(explanation) if explanation is not None else None, robust_text)
    save_pages([memo], target / MEMO_PDF)
    files.append(target / MEMO_PDF)
    if slides:
        folder = target / SLIDES
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise OutputError(f"cannot create {folder}: {exc.strerror or exc}") from None
        for name, fig in make_slides(summary).items():
            save_figure(fig, folder / f"{name}.png")
            files.append(folder / f"{name}.png")
    return files


def _same_analysis(what: str, path: Path, scenario: Any, seed: Any, main_rung: Any, arms: list[Any],
                   manifest: dict[str, Any], summary: dict[str, Any], fingerprints: Any,
                   run: LoadedScenario) -> None:
    """Refuse to put into a run's briefing an analysis of another question: another scenario, seed or main
    rung, arms the run does not have, or arms of the same name that simulate another model (another
    horizon, other `--set` overrides or values: `LoadedScenario.fingerprints`). An analysis written before
    fingerprints were recorded is matched on the rest."""
    problems = []
    if scenario != manifest.get("scenario_name"):
        problems.append(f"it analyses {scenario!r}, not {manifest.get('scenario_name')!r}")
    if seed != manifest.get("root_seed"):
        problems.append(f"its seed is {seed}, the run's {manifest.get('root_seed')}")
    if main_rung != summary["main_rung"]["id"]:
        problems.append(f"its main rung is {main_rung!r}, the run's {summary['main_rung']['id']!r}")
    missing = [a for a in arms if a is not None and a not in summary["arms"]]
    if missing:
        problems.append(f"its arms {', '.join(map(str, missing))} are not in the run")
    if isinstance(fingerprints, dict):
        ours = run.fingerprints()
        other = [a for a, f in fingerprints.items() if a in ours and f != ours[a]]
        if other:
            problems.append(f"its arm{'s' if len(other) > 1 else ''} {', '.join(map(str, other))} "
                            f"simulate{'' if len(other) > 1 else 's'} another model than the run's (another horizon, "
                            "other --set overrides or other values in the file)")
    if problems:
        raise OutputError(f"{path}: {what} is not about this run ({'; '.join(problems)}); run it on the same "
                          "scenario, arms and seed")


def _ensemble_answer(path: Path, manifest: dict[str, Any]) -> dict[str, Any] | None:
    """The run's answers over a fitted ensemble (`run --ensemble`), when it has them and they are of its seed."""
    from ..folder.ensemble_run import ENSEMBLE_DIR, read_answer

    answer = read_answer(path)
    if answer is None or not answer.get("answers"):
        return None
    try:
        sweep = ResultsFolder.open_existing(path / ENSEMBLE_DIR).read_json(MANIFEST)
    except OutputError:
        return None
    if sweep.get("seed") != manifest.get("root_seed"):
        raise OutputError(f"{path}: the ensemble's runs use seed {sweep.get('seed')}, the run's "
                          f"{manifest.get('root_seed')}; run --ensemble again")
    return answer


def _robustness(path: Path, manifest: dict[str, Any]) -> dict[str, Any]:
    """A robustness folder's result, checked to be about the same scenario as the run."""
    from ..folder.robustness_folder import read_robustness

    result = read_robustness(path, write=False)
    if result.get("scenario_name") != manifest.get("scenario_name"):
        raise OutputError(f"{path} analyses {result.get('scenario_name')!r}, not this run's scenario "
                          f"{manifest.get('scenario_name')!r}")
    if not result["parameters"]:
        raise OutputError(f"{path} has no finished assumption yet; finish it with hotline robustness --resume {path}")
    if result.get("status") != "complete":
        raise OutputError(f"{path} is unfinished ({len(result['parameters'])} assumption(s) done); finish it with "
                          f"hotline robustness --resume {path} before it goes into a briefing")
    return result
