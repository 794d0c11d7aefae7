"""A sweep's outputs: trials.csv, summary.json and figures, all read back from the study."""

from __future__ import annotations

import math
from typing import Any

from oraclelab.runs._figures import pyplot, save_figure
from oraclelab.runs._run_folder import RunFolder
from oraclelab.runs._sweep_config import CategoricalParam, FloatParam, SweepConfig

__all__ = ["trial_rows", "sweep_summary", "write_sweep_report"]

FIGSIZE = (5.5, 3.8)
MARGINS = {"left": 0.16, "right": 0.97, "bottom": 0.14, "top": 0.9}


def trial_rows(study, config: SweepConfig) -> list[dict[str, Any]]:
    """One row per trial in number order: state, retry_of, parameters, objective, folder, worker, error."""
    rows = []
    for trial in study.get_trials(deepcopy=False):
        row: dict[str, Any] = {
            "number": trial.number,
            "state": trial.state.name,
            "retry_of": trial.system_attrs.get("failed_trial"),
        }
        row.update({name: trial.params.get(name) for name in config.space})
        row["objective"] = trial.value if trial.state.name == "COMPLETE" else None
        row.update({key: trial.user_attrs.get(key) for key in ("seconds", "folder", "worker", "error")})
        rows.append(row)
    return rows


def sweep_summary(rows: list[dict[str, Any]], config: SweepConfig, storage: str) -> dict[str, Any]:
    """Headline numbers: the best trial and how many trials ended in each state."""
    states = [row["state"] for row in rows]
    complete = [row for row in rows if row["state"] == "COMPLETE"]
    pick = min if config.objective.direction == "minimize" else max
    best = pick(complete, key=lambda row: row["objective"]) if complete else None
    return {
        "command": "sweep",
        "study": config.study,
        "storage": storage,
        "objective": config.objective.key,
        "direction": config.objective.direction,
        "n_planned": sum(1 for row in rows if row["retry_of"] is None),
        "n_complete": len(complete),
        "n_failed": states.count("FAIL"),
        "n_running": states.count("RUNNING"),
        "n_waiting": states.count("WAITING"),
        "best_value": None if best is None else best["objective"],
        "best_params": None if best is None else {name: best[name] for name in config.space},
        "best_trial": None if best is None else best["number"],
        "best_folder": None if best is None else best["folder"],
    }


def _objective_vs_param(folder: RunFolder, complete: list[dict], config: SweepConfig, name: str) -> None:
    plt = pyplot()
    param = config.space[name]
    figure, axes = plt.subplots(figsize=FIGSIZE, gridspec_kw=MARGINS)
    values = [row[name] for row in complete]
    if isinstance(param, CategoricalParam):
        labels = [str(choice) for choice in param.choices]
        axes.set_xticks(range(len(labels)), labels)
        values = [labels.index(str(value)) for value in values]
    elif isinstance(param, FloatParam) and param.log:
        from matplotlib.ticker import NullFormatter

        axes.set_xscale("log")
        axes.xaxis.set_minor_formatter(NullFormatter())
    axes.scatter(values, [row["objective"] for row in complete], s=18)
    axes.set_xlabel(name)
    axes.set_ylabel(config.objective.key)
    axes.set_title(f"{config.objective.key} vs {name}")
    save_figure(figure, folder.file(f"objective_vs_{name}.png"))


def _best_so_far(folder: RunFolder, complete: list[dict], config: SweepConfig) -> None:
    plt = pyplot()
    pick = min if config.objective.direction == "minimize" else max
    best, curve = math.nan, []
    for row in complete:
        best = row["objective"] if math.isnan(best) else pick(best, row["objective"])
        curve.append(best)
    figure, axes = plt.subplots(figsize=FIGSIZE, gridspec_kw=MARGINS)
    numbers = [row["number"] for row in complete]
    axes.scatter(numbers, [row["objective"] for row in complete], s=14, alpha=0.5, label="trial")
    axes.step(numbers, curve, where="post", color="C3", label=f"best so far ({config.objective.direction})")
    from matplotlib.ticker import MaxNLocator

    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_xlabel("trial number")
    axes.set_ylabel(config.objective.key)
    axes.legend(fontsize=8)
    save_figure(figure, folder.file("best_so_far.png"))


def write_sweep_report(folder: RunFolder, study, config: SweepConfig, storage: str) -> dict[str, Any]:
    """Write trials.csv, summary.json, objective_vs_<param>.png and best_so_far.png; return the summary."""
    rows = trial_rows(study, config)
    columns = ["number", "state", "retry_of", *config.space, "objective", "seconds", "folder", "worker", "error"]
    folder.write_csv("trials.csv", rows, columns)
    complete = [row for row in rows if row["state"] == "COMPLETE" and row["objective"] is not None]
    if complete:
        for name in config.space:
            _objective_vs_param(folder, complete, config, name)
        _best_so_far(folder, complete, config)
    summary = sweep_summary(rows, config, storage)
    folder.write_summary(summary)
    return summary
