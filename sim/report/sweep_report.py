"""Figures for sweep folders: outcome against each parameter, a tornado of main effects, a heatmap with
the 50%-reduction contour for two-parameter grids, and Sobol or Morris indices (SALib) with intervals."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

import numpy as np
from matplotlib.figure import Figure

from ..folder.files import FIGURES, MANIFEST, SENSITIVITY, OutputError, ResultsFolder
from ..folder.sweep_folder import read_sweep_rows
from ..run.sweep import Parameter, SensitivityUnavailable, salib_problem
from .figures import pretty_arm
from .style import arm_style, new_axes, title

__all__ = ["build_sweep_report", "marginal_means", "reduction_grid", "sensitivity_indices"]


def _typed(rows: list[dict[str, str]], names: list[str]) -> list[dict[str, Any]]:
    import yaml

    out = []
    for r in rows:
        t: dict[str, Any] = {k: (float(v) if k.startswith(("p_", "diff_")) else v) for k, v in r.items()}
        for n in names:
            t[n] = yaml.safe_load(r[n])
        out.append(t)
    return out


def marginal_means(rows: list[dict[str, Any]], name: str, arm: str) -> tuple[list[Any], list[float]]:
    """Mean P(main) of `arm` at each value of parameter `name`, averaged over the other parameters."""
    groups: dict[Any, list[float]] = defaultdict(list)
    for r in rows:
        if r["arm"] == arm:
            groups[r[name]].append(r["p_main"])
    values = sorted(groups, key=lambda v: (isinstance(v, str), v))
    return values, [float(np.mean(groups[v])) for v in values]


def reduction_grid(rows: list[dict[str, Any]], x: str, y: str, arm: str, baseline: str
                   ) -> tuple[list[Any], list[Any], np.ndarray]:
    """P(main | arm) / P(main | baseline) on a two-parameter grid (1 = no effect, 0.5 = halved)."""
    base = {r["point"]: r["p_main"] for r in rows if r["arm"] == baseline}
    cells = {(r[x], r[y]): (r["p_main"] / base[r["point"]] if base[r["point"]] > 0 else np.nan)
             for r in rows if r["arm"] == arm}
    xs = sorted({k[0] for k in cells})
    ys = sorted({k[1] for k in cells})
    grid = np.array([[cells.get((a, b), np.nan) for a in xs] for b in ys])
    return xs, ys, grid


def sensitivity_indices(manifest: dict[str, Any], rows: list[dict[str, Any]], arm: str) -> dict[str, Any]:
    """Sobol (S1, ST) or Morris (mu_star, sigma) indices of P(main) for `arm`, with confidence intervals."""
    params = [Parameter.from_json(p) for p in manifest["params"]]
    problem = salib_problem(params)
    ordered = sorted((r for r in rows if r["arm"] == arm), key=lambda r: int(r["point"]))
    outcome = "p_main"
    y = np.array([r[outcome] for r in ordered])
    if y.std() == 0:  # the main rung was never reached: study the serious rung instead, and say so
        outcome = "p_serious"
        y = np.array([r[outcome] for r in ordered])
    try:
        if manifest["design"] == "sobol":
            from SALib.analyze import sobol

            res = sobol.analyze(problem, y, calc_second_order=False, seed=manifest["seed"])
            return {"method": "sobol", "outcome": outcome, "arm": arm, "names": problem["names"], "S1": res["S1"].tolist(),
                    "S1_conf": res["S1_conf"].tolist(), "ST": res["ST"].tolist(), "ST_conf": res["ST_conf"].tolist()}
        from SALib.analyze import morris

        x = np.array([[r[n] for n in problem["names"]] for r in ordered])
        res = morris.analyze(problem, x, y, num_levels=4, seed=manifest["seed"])
        return {"method": "morris", "outcome": outcome, "arm": arm, "names": problem["names"], "mu_star": list(res["mu_star"]),
                "mu_star_conf": list(res["mu_star_conf"]), "sigma": list(res["sigma"])}
    except ImportError:
        raise SensitivityUnavailable("sensitivity indices need SALib: pip install 'hotline[sensitivity]'") from None


def _effects_figure(rows: list[dict[str, Any]], names: list[str], arms: list[str]) -> Figure:
    fig = Figure(figsize=(3.2 * len(names), 3.2), layout="constrained")
    for j, name in enumerate(names):
        ax = fig.add_subplot(1, len(names), j + 1)
        new_axes(ax)
        for i, arm in enumerate(arms):
            style = arm_style(i)
            pts = [r for r in rows if r["arm"] == arm]
            xs = [r[name] for r in pts]
            if not all(isinstance(v, int | float) for v in xs):
                continue
            est = np.array([r["p_main"] for r in pts])
            lo, hi = np.array([r["p_main_low"] for r in pts]), np.array([r["p_main_high"] for r in pts])
            ax.errorbar(xs, est, yerr=[est - lo, hi - est], fmt=style["marker"], color=style["color"],
                        alpha=0.6, markersize=3, capsize=1.5, label=pretty_arm(arm))
            vals, means = marginal_means(rows, name, arm)
            ax.plot(vals, means, color=style["color"], linestyle=style["linestyle"])
        ax.set_xlabel(name.split(".")[-1] if "+" not in name else name.split("+")[0].split(".")[-1] + " (+)")
        ax.set_ylabel("P(main rung)")
        ax.legend(frameon=False, fontsize=7)
    fig.suptitle("Outcome against each parameter (points with 95% CI; line: mean over the other parameters)")
    return fig


def _tornado_figure(rows: list[dict[str, Any]], names: list[str], arm: str) -> Figure:
    fig, ax = new_axes(None, size=(6.4, 0.8 + 0.5 * len(names)))
    overall = float(np.mean([r["p_main"] for r in rows if r["arm"] == arm]))
    spans = []
    for name in names:
        _, means = marginal_means(rows, name, arm)
        spans.append((name, min(means), max(means)))
    spans.sort(key=lambda s: s[2] - s[1])
    for y, (_name, low, high) in enumerate(spans):
        ax.barh(y, 100 * (high - low), left=100 * low, color="#0072B2", edgecolor="black", linewidth=0.5)
    ax.axvline(100 * overall, color="#555555", linewidth=0.8)
    ax.set_yticks(range(len(spans)), [s[0] if len(s[0]) < 40 else s[0][-40:] for s in spans], fontsize=7)
    ax.set_xlabel(f"P(main rung), %, {pretty_arm(arm)}: range of the mean as each parameter varies")
    title(ax, "Tornado: which parameter moves the answer most")
    return fig


def _heatmap_figure(xs: list[Any], ys: list[Any], grid: np.ndarray, x: str, y: str, arm: str, baseline: str
                    ) -> Figure:
    fig, ax = new_axes(None, size=(6.0, 4.6))
    ax.grid(False)
    top = float(np.nanmax(grid)) if np.isfinite(grid).any() else 1.0
    image = ax.imshow(grid, origin="lower", cmap="cividis", vmin=0, vmax=max(1.2, top), aspect="auto")
    ax.set_xticks(range(len(xs)), [f"{v:g}" if isinstance(v, float) else str(v) for v in xs])
    ax.set_yticks(range(len(ys)), [f"{v:g}" if isinstance(v, float) else str(v) for v in ys])
    for (i, j), value in np.ndenumerate(grid):
        if np.isfinite(value):
            ax.text(j, i, f"{value:.2f}", ha="center", va="center", fontsize=7,
                    color="white" if value < 0.6 else "black")
    if np.isfinite(grid).all() and grid.min() < 0.5 < grid.max():
        ax.contour(np.arange(len(xs)), np.arange(len(ys)), grid, levels=[0.5], colors="#D55E00", linewidths=2)
    ax.set_xlabel(x.split("+")[0])
    ax.set_ylabel(y.split("+")[0])
    fig.colorbar(image, ax=ax, label=f"risk ratio: P(main) of {pretty_arm(arm)} with this point's values\n"
                                     f"/ P(main) of {pretty_arm(baseline)} with the same values")
    halves = np.isfinite(grid).any() and float(np.nanmin(grid)) <= 0.5
    title(ax, "Risk ratio; orange line: the hotline halves the risk" if halves else
                 f"Risk ratio: no point halves the risk (best {float(np.nanmin(grid)):.2f})"
                 if np.isfinite(grid).any() else "Risk ratio: no events at the baseline")
    return fig


def _indices_figure(indices: dict[str, Any]) -> Figure:
    fig, ax = new_axes(None, size=(6.4, 0.8 + 0.5 * len(indices["names"])))
    names = indices["names"]
    y = np.arange(len(names))
    if indices["method"] == "sobol":
        ax.barh(y + 0.2, indices["S1"], 0.4, xerr=indices["S1_conf"], label="first order S1", color="#56B4E9")
        ax.barh(y - 0.2, indices["ST"], 0.4, xerr=indices["ST_conf"], label="total ST", color="#0072B2",
                hatch="//")
        ax.set_xlabel("Sobol index (95% CI)")
    else:
        ax.barh(y, indices["mu_star"], 0.5, xerr=indices["mu_star_conf"], label="mu*", color="#0072B2")
        ax.set_xlabel("Morris mu* (95% CI)")
    ax.set_yticks(y, [n[-40:] for n in names], fontsize=7)
    ax.legend(frameon=False)
    title(ax, f"Sensitivity of {'P(main rung)' if indices['outcome'] == 'p_main' else 'P(serious rung)'}, "
                 f"{pretty_arm(indices['arm'])}")
    return fig


def build_sweep_report(path: Path, formats: tuple[str, ...] = ("png",)) -> list[Path]:
    """Draw a sweep folder's figures (and its sensitivity indices when the design has them)."""
    folder = ResultsFolder.open_for_writing(path)
    try:
        return _build(folder, formats)
    except (KeyError, TypeError, ValueError, IndexError, AttributeError, ZeroDivisionError) as exc:
        raise OutputError(f"{path} is damaged or incomplete ({type(exc).__name__}: {str(exc)[:80]}); "
                          "run the sweep again") from None
    finally:
        folder.release()


def _build(folder: ResultsFolder, formats: tuple[str, ...]) -> list[Path]:
    from .saving import save_figure

    path = folder.path
    manifest = folder.read_json(MANIFEST)
    params = [Parameter.from_json(p) for p in manifest["params"]]
    names = [p.name for p in params]
    rows = _typed(read_sweep_rows(path), names)
    if not rows:
        raise OutputError(f"{path} has no finished points yet; resume it with hotline sweep --resume {path}")
    arms = list(manifest["arms"])
    figs: dict[str, Figure] = {"sweep_effects": _effects_figure(rows, names, arms),
                               "sweep_tornado": _tornado_figure(rows, names, arms[-1])}
    if manifest["design"] == "grid" and len(names) == 2 and len(arms) >= 2:
        xs, ys, grid = reduction_grid(rows, names[0], names[1], arms[-1], arms[0])
        figs["sweep_heatmap"] = _heatmap_figure(xs, ys, grid, names[0], names[1], arms[-1], arms[0])
    folder.remove_derived()
    if manifest["design"] in ("sobol", "morris") and manifest.get("status") == "complete":
        indices = sensitivity_indices(manifest, rows, arms[-1])
        folder.write_json(SENSITIVITY, indices)
        figs["sweep_indices"] = _indices_figure(indices)
    try:
        (path / FIGURES).mkdir(exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create {path / FIGURES}: {exc.strerror or exc}") from None
    written = []
    for name, fig in figs.items():
        for fmt in formats:
            target = path / FIGURES / f"{name}.{fmt}"
            save_figure(fig, target)
            written.append(target)
    return written
