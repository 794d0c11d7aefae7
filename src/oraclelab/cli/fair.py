"""``oraclelab elicit fair-study`` (thin: parse options, run the study, write the run folder)."""

from __future__ import annotations

import time
from datetime import datetime
from pathlib import Path
from typing import Any, List, Optional

import typer

from oraclelab.cli._options import config_from_options, with_config_options
from oraclelab.cli._tables import print_table
from oraclelab.elicit._judge import JudgeConfig
from oraclelab.elicit.fair._study import FairStudyConfig

#: The summary columns the command prints.
SHOWN = ("groups", "classes", "q", "trials", "comparisons_per_run", "a_err_mean", "a_err_median", "B_err_median",
         "B_err_p90", "B_err_max", "lambda_err_mean", "lambda_err_median", "unreliable", "seconds")
#: Active mode's extra columns: coverage of the 90% intervals and the estimated flip rate.
SHOWN_ACTIVE = ("lambda_coverage", "B_coverage", "flip_rate_median")


def fair_study(
    groups: List[int] = typer.Option([2, 3], "--groups", help="Numbers of groups m, e.g. --groups 2 3."),
    classes: List[int] = typer.Option([2, 3], "--classes", help="Numbers of classes k, e.g. --classes 2 3."),
    out: Optional[Path] = typer.Option(None, "--out", help="Run folder (default runs/elicit-fair-study-<time>)."),
    resume: bool = typer.Option(False, "--resume", help="Continue a study in --out, skipping finished configurations."),
    **options: Any,
) -> None:
    """FPME on random fair instances per (groups, classes): errors of a, B and lambda, and comparisons."""
    from oraclelab.elicit.fair._plots import plot_fair_medians
    from oraclelab.elicit.fair._records import TRIAL_COLUMNS
    from oraclelab.elicit.fair._study import run_fair_study
    from oraclelab.errors import RunError
    from oraclelab.runs import RunFolder, progress_bar

    judge = config_from_options(JudgeConfig, options)
    config = config_from_options(FairStudyConfig, options, groups=tuple(groups), classes=tuple(classes), noise=judge.model(),
                                 elicitor_noise=judge.noise_model)
    folder = RunFolder(out or Path("runs") / f"elicit-fair-study-{datetime.now():%Y%m%d-%H%M%S}", resume=resume)
    settings = {"command": "elicit fair-study", **config.as_dict()}
    if resume and (folder.path / "config.yaml").exists() and folder.read_yaml("config.yaml") != settings:
        raise RunError(f"{folder.path}/config.yaml holds other settings; --resume needs the same options.")
    folder.write_config(settings)
    start = time.perf_counter()
    with progress_bar("FPME study", total=len(config.configurations())) as progress:
        records = run_fair_study(config, folder=folder, resume=resume, progress=progress)
    seconds = time.perf_counter() - start
    rows = [record.summary_row() for record in records]
    folder.write_csv("trials.csv", [row for record in records for row in record.trial_rows()], TRIAL_COLUMNS)
    title = f"FPME ({config.mode}, tol {config.tol:g}, {config.instances} instances, seed {config.seed})"
    plot_fair_medians(rows, folder.file("medians_vs_q.png"), title=title)
    folder.write_summary({"command": "elicit fair-study", "config": config.as_dict(), "seconds": seconds, "rows": rows})
    shown = SHOWN + (SHOWN_ACTIVE if config.mode == "active" else ())
    print_table(f"{title}: {seconds:.1f} s", [{key: row[key] for key in shown} for row in rows], min_width=200)
    typer.echo(f"Run folder: {folder.path}")


def register(app: typer.Typer) -> None:
    """Add ``fair-study`` to ``app`` (the ``elicit`` group)."""
    app.command("fair-study")(with_config_options(with_config_options(fair_study, FairStudyConfig), JudgeConfig))
