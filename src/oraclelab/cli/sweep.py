"""``oraclelab sweep ...``: Optuna sweeps over any oraclelab command (thin: parse, call, report)."""

from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path
from typing import Optional

import typer

app = typer.Typer(help="Hyper-parameter sweeps over any oraclelab command (Optuna; SQLite or PostgreSQL storage).")

TOP_ROWS = 10


def _quiet_optuna() -> None:
    """Optuna logs every study and trial at INFO on stderr; the command reports for itself."""
    logging.getLogger("optuna").setLevel(logging.WARNING)


def _print_best(rows: list[dict], summary: dict, params: list[str]) -> None:
    from rich.console import Console
    from rich.table import Table

    complete = [row for row in rows if row["state"] == "COMPLETE"]
    complete.sort(key=lambda row: row["objective"], reverse=summary["direction"] == "maximize")
    table = Table(title=(f"Sweep '{summary['study']}': {summary['n_complete']} complete, {summary['n_failed']} failed; "
                         f"{summary['direction']} {summary['objective']}"))
    for column in ("trial", *params, "objective", "seconds"):
        table.add_column(column, justify="right")
    for row in complete[:TOP_ROWS]:
        cells = [f"{row[name]:.4g}" if isinstance(row[name], float) else str(row[name]) for name in params]
        table.add_row(str(row["number"]), *cells, f"{row['objective']:.5g}", f"{row['seconds'] or 0:.1f}")
    Console().print(table)


@app.callback(invoke_without_command=True)
def sweep(
    ctx: typer.Context,
    config: Optional[Path] = typer.Option(None, "--config", help="sweep.yaml: command, fixed options, search space, objective."),
    out: Optional[Path] = typer.Option(None, "--out", help="Run folder (default runs/sweep-<time>); trials go to OUT/trials/NNNN."),
    storage: Optional[str] = typer.Option(None, "--storage", help="Optuna storage URL, e.g. postgresql://USER@HOST/DB (default: SQLite OUT/study.db)."),
    workers: int = typer.Option(1, "--workers", help="Trials at once (local processes); 0 only plans the trials for 'sweep worker' processes."),
    scheduler: Optional[str] = typer.Option(None, "--scheduler", help="Run the trials on a Dask cluster, e.g. tcp://HOST:8786."),
    wandb: Optional[str] = typer.Option(None, "--wandb", help="Mirror the sweep's trials and summary to this wandb project."),
    resume: bool = typer.Option(False, "--resume", help="Continue the sweep in --out: finished trials are kept, the rest run (n_trials may grow)."),
) -> None:
    """Run a sweep: `oraclelab sweep --config sweep.yaml --out DIR`, or a sub-command."""
    if ctx.invoked_subcommand is not None:
        return
    _quiet_optuna()
    from oraclelab.errors import ParameterError
    from oraclelab.runs import RunFolder, make_executor, progress_bar
    from oraclelab.runs._sweep import check_command, default_storage_url, open_storage, open_sweep, redact_url, run_trials
    from oraclelab.runs._sweep_config import load_sweep_config
    from oraclelab.runs._sweep_report import trial_rows, write_sweep_report
    from oraclelab.runs._wandb import mirror_run_folder, require_wandb

    if config is None:
        raise ParameterError("oraclelab sweep needs --config sweep.yaml (or a sub-command: oraclelab sweep worker --help).")
    if workers < 0:
        raise ParameterError(f"The 'workers' parameter of sweep must be an integer >= 0. Got {workers} instead.")
    from oraclelab.cli._app import app as root_app  # the root app imports this module

    settings = load_sweep_config(config)
    check_command(settings, str(config), typer.main.get_command(root_app))
    if wandb:
        require_wandb()
    folder = RunFolder(out or Path("runs") / f"sweep-{datetime.now().strftime('%Y%m%d-%H%M%S')}", resume=resume)
    path = folder.path.resolve()
    url = storage or default_storage_url(path)
    store = open_storage(url, heartbeat_interval=settings.heartbeat_interval, grace_period=settings.grace_period)
    study = open_sweep(store, settings, path, resume=resume)
    folder.write_config({"command": "sweep", "storage": redact_url(url), **settings.model_dump(mode="json")})
    if workers > 0 or scheduler:
        waiting = sum(1 for trial in study.get_trials(deepcopy=False) if trial.state.name == "WAITING")
        with make_executor(scheduler, max(workers, 1)) as executor, progress_bar("sweep trials", total=waiting) as progress:
            run_trials(store, settings, path, executor, progress=progress)
    summary = write_sweep_report(folder, study, settings, redact_url(url))
    if wandb:
        mirror_run_folder(folder.path, wandb, rows_file="trials.csv")
    _print_best(trial_rows(study, settings), summary, list(settings.space))
    typer.echo(f"Run folder: {folder.path}")


@app.command()
def worker(
    storage: str = typer.Option(..., "--storage", help="The sweep's Optuna storage URL (PostgreSQL to share across machines)."),
    study: str = typer.Option(..., "--study", help="Study name (the 'study' field of the sweep file)."),
    n_trials: Optional[int] = typer.Option(None, "--n-trials", help="Run at most this many trials (default: until none is left)."),
    out: Optional[Path] = typer.Option(None, "--out", help="Where trial folders go (default: the sweep's run folder recorded in the study)."),
) -> None:
    """Join a sweep: take its waiting trials one at a time (a batch at a time with batch > 1) until none is left."""
    from oraclelab.errors import ParameterError
    from oraclelab.runs import SerialExecutor
    from oraclelab.runs._sweep import attach_sweep, run_trials

    _quiet_optuna()
    if n_trials is not None and n_trials < 1:
        raise ParameterError(f"The 'n_trials' parameter of sweep worker must be an integer >= 1. Got {n_trials} instead.")
    store, settings, recorded_out = attach_sweep(storage, study)
    ran = run_trials(store, settings, out or recorded_out, SerialExecutor(), max_trials=n_trials)
    typer.echo(f"Worker ran {ran} trial(s) of study '{study}'.")
