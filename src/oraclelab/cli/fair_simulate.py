"""``oraclelab elicit fair-simulate`` (thin: parse options, run the simulation, write the run folder)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any, Optional

import typer

from oraclelab.cli._options import config_from_options, with_config_options
from oraclelab.elicit.fair._simulate_config import FairSimulateConfig


def fair_simulate(
    out: Optional[Path] = typer.Option(None, "--out", help="Run folder (default runs/elicit-fair-simulate-<time>)."),
    **options: Any,
) -> None:
    """A simulated person with hidden fair metrics on grouped real data: every question is a pair of group-aware classifiers."""
    import numpy as np

    from oraclelab.elicit.fair._simulate_config import (
        FAIR_TRIAL_COLUMNS, elicited_fair_metric, fair_simulation_summary, fair_trial_rows, run_fair_simulation,
    )
    from oraclelab.runs import RunFolder

    config = config_from_options(FairSimulateConfig, options)
    folder = RunFolder(out or Path("runs") / f"elicit-fair-simulate-{datetime.now():%Y%m%d-%H%M%S}")
    folder.write_config({"command": "elicit fair-simulate", **config.as_dict()})
    space, values, simulation = run_fair_simulation(config)
    folder.write_csv("trials.csv", fair_trial_rows(simulation), FAIR_TRIAL_COLUMNS)
    summary = fair_simulation_summary(config, space, simulation)
    folder.write_summary(summary)
    metric = elicited_fair_metric(space, simulation, config)
    metric.save(folder.file("metric.json"))
    data = config.load(config.seed)
    names = np.asarray(data.classes)  # labels by class name: numeric names need not be in index order
    report = metric.report(names[data.labels], names[np.argmax(data.proba, axis=1)], sensitive_features=values)
    folder.write_json("report.json", report)
    typer.echo(
        f"{summary['source']}: k = {summary['classes']}, groups {', '.join(summary['groups'])}, {summary['trials']} hidden "
        f"fair metrics, median {summary['comparisons_median']:g} comparisons, {summary['seconds']:.1f} s\n"
        f"median a_err {summary['a_err_median']:.4f}  B_err {summary['B_err_median']:.4f}  lambda_err "
        f"{summary['lambda_err_median']:.4f} (max {summary['lambda_err_max']:.4f}), lambda 90% coverage "
        f"{summary['lambda_coverage']:.2f}\nestimated flip rate (median) {summary['flip_rate_median']:.3f}  "
        f"max rate gap {summary['max_rate_gap']:.2e}"
    )
    typer.echo(f"Run folder: {folder.path}")


def register(app: typer.Typer) -> None:
    """Add ``fair-simulate`` to ``app`` (the ``elicit`` group)."""
    app.command("fair-simulate")(with_config_options(fair_simulate, FairSimulateConfig))
