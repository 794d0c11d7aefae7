"""``oraclelab symbolic problems``, ``sr`` and ``discover`` (thin: parse options, call the library).

``register`` adds them to the ``symbolic`` group; heavy libraries load inside the commands.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any, Optional

import typer

from oraclelab.cli._options import with_config_options
from oraclelab.cli._tables import print_table
from oraclelab.errors import ParameterError
from oraclelab.symbolic.discovery._config import DiscoveryConfig
from oraclelab.symbolic.problems._export import ExportConfig
from oraclelab.symbolic.models._names import ACTIVATION_CLASSES, OUTPUTS

__all__ = ["discover_command", "problems_command", "register", "sr_command"]


def problems_command(**options: Any) -> None:
    """List the built-in benchmark problems, or write one as a CSV file (--export NAME --rows --noise --seed --out)."""
    from oraclelab.cli._options import config_from_options
    from oraclelab.symbolic.problems import export_problem, list_problems, write_problem_csv

    config = config_from_options(ExportConfig, options)
    if config.problem is None:
        print_table("built-in problems", [_problem_row(problem) for problem in list_problems()])
        return
    exported = export_problem(config.problem, config.rows, noise=config.noise, seed=config.seed)
    path = write_problem_csv(config.out or f"{config.problem}.csv", exported)
    typer.echo(f"{config.problem}: {len(exported.y)} rows, columns {','.join(exported.input_names)},y, "
               f"noise std {exported.noise_std:.6g} (seed {config.seed}) -> {path}")


def _problem_row(problem: Any) -> dict[str, str]:
    """One row of the problem list: inputs, latents g(x), outer f(g) and target f(g(x))."""
    return {
        "name": problem.name,
        "inputs": problem.inputs.describe(),
        "latents g": "; ".join(str(g) for g in problem.latent_sympy),
        "outer f(g)": "-" if problem.outer_sympy is None else str(problem.outer_sympy),
        "target f(g(x))": str(problem.target_sympy),
    }


def sr_command(
    out: Path = typer.Option(..., "--out", help="Run folder."),
    problem: Optional[str] = typer.Option(None, "--problem", help="Built-in problem (F00 ... F12); see `problems`."),
    data: Optional[Path] = typer.Option(None, "--data", help="CSV (header row) or NPZ file with named columns."),
    inputs: Optional[str] = typer.Option(None, "--inputs", help="Input column names, comma separated (with --data)."),
    target: Optional[str] = typer.Option(None, "--target", help="Target column name (with --data)."),
    n: Optional[int] = typer.Option(None, "--n", help="Samples drawn for --problem (default: the problem's, 1000 or 700)."),
    seconds: float = typer.Option(60.0, "--seconds", help="Time budget of the search."),
    generations: int = typer.Option(1000, help="Generation cap (keeps results reproducible)."),
    population_size: int = typer.Option(1000, help="Population size."),
    max_length: int = typer.Option(30, help="Longest formula, in nodes."),
    functions: str = typer.Option("sin,cos,exp,log", help="One-argument functions, comma separated."),
    noise: Optional[float] = typer.Option(None, help="Noise std of the target for model selection (default 1e-3 std)."),
    threads: Optional[int] = typer.Option(None, help="Threads of the search (default: all cores)."),
    backend: str = typer.Option("operon", help="operon (pyoperon) or pysr (needs PySR and Julia)."),
    seed: int = typer.Option(0, help="Seed of the data, the splits and the search."),
) -> None:
    """Direct symbolic regression y ~ f(x): the baseline of symbolic discovery."""
    from oraclelab.runs import RunFolder
    from oraclelab.symbolic.regression import direct_sr, write_direct_sr

    X, y, splits, truth, names, source = _load(problem, data, inputs, target, n, seed)
    config: dict[str, Any] = {
        "command": "symbolic sr", **source, "n": int(len(y)), "seconds": seconds, "generations": generations,
        "population_size": population_size, "max_length": max_length, "functions": _names(functions, "--functions"),
        "noise": noise, "threads": threads, "backend": backend, "seed": seed,
    }
    run = RunFolder(out)
    outcome = direct_sr(X, y, splits, truth=truth, input_names=names, seconds=seconds, generations=generations,
                        population_size=population_size, max_length=max_length, functions=config["functions"],
                        noise=noise, random_state=seed, n_threads=threads, backend=backend)
    summary = write_direct_sr(run, outcome, config)
    keys = ("formula", "r2_test", "equivalent", "complexity", "seconds")
    print_table(f"direct symbolic regression -> {out}", [{key: summary[key] for key in keys}])


def _names(text: str, option: str) -> list[str]:
    names = [part.strip() for part in text.split(",") if part.strip()]
    if not names:
        raise ParameterError(f"{option} needs at least one name (comma separated). Got {text!r} instead.")
    return names


def _load(problem: Optional[str], data: Optional[Path], inputs: Optional[str], target: Optional[str],
          n: Optional[int], seed: int):
    """``(X, y, splits, truth, input_names, source-config)`` for --problem or --data."""
    from oraclelab.symbolic.problems._table import load_table, split_indices
    from oraclelab.symbolic.problems import get_problem

    if (problem is None) == (data is None):
        raise ParameterError("Give exactly one of --problem NAME and --data FILE.")
    if problem is not None:
        if inputs is not None or target is not None:
            raise ParameterError("--inputs and --target go with --data, not with --problem.")
        chosen = get_problem(problem)
        samples = chosen.generate(n, seed)
        names = list(chosen.input_names)
        return samples.X, samples.F, samples.splits, chosen.target_sympy, names, {"problem": chosen.name}
    if inputs is None or target is None:
        raise ParameterError("--data needs --inputs x0,x1 and --target y.")
    if n is not None:
        raise ParameterError("--n goes with --problem; --data uses every row of the file.")
    table = load_table(data, inputs=_names(inputs, "--inputs"), target=target)
    splits = split_indices(len(table.y), seed)
    source = {"data": str(data), "inputs": list(table.input_names), "target": table.target_name}
    return table.X, table.y, splits, None, list(table.input_names), source


def discover_command(
    output: Optional[str] = typer.Option(None, "--output", help=f"Outer function (default mlp): {', '.join(OUTPUTS)}."),
    activation: Optional[str] = typer.Option(None, "--activation",
                                             help=f"Hidden activation of the model (default tanh): {', '.join(ACTIVATION_CLASSES)}."),
    out: Optional[Path] = typer.Option(None, "--out", help="Run folder (default runs/discover-<time>)."),
    resume: bool = typer.Option(False, "--resume", help="Continue a run in --out from its checkpoint."),
    **options: Any,
) -> None:
    """Learn latents that look like formulas, read them out by symbolic regression, compose one formula."""
    from rich.console import Console
    from rich.table import Table

    from oraclelab.cli._options import config_from_options
    from oraclelab.runs import RunFolder
    from oraclelab.symbolic.discovery import DiscoveryConfig, FolderCheckpoint, discover, write_discovery
    from oraclelab.symbolic.discovery._write import critic_checkpoints

    hyper = {name: value for name, value in (("output", output), ("activation", activation)) if value is not None}
    config = config_from_options(DiscoveryConfig, options, model_hyper=hyper)
    folder = out or Path("runs") / f"discover-{datetime.now().strftime('%Y%m%d-%H%M%S')}"
    if config.is_portfolio:
        _discover_portfolio(config, folder, resume)
        return
    run = RunFolder(folder, resume=resume)
    run.write_config(config.to_dict())
    result = discover(config, checkpoint=FolderCheckpoint(run, resume=resume),
                      critic_checkpoints=critic_checkpoints(run, config, resume=resume))
    summary = write_discovery(run, result)
    table = Table(title=f"discovery: {config.problem or config.data}", show_header=False)
    for key in ("min_corr", "latent_formulas", "outer_formula", "formula", "r2_test", "equivalent", "seconds"):
        value = summary[key]
        table.add_row(key, "-" if value is None else f"{value:.6g}" if isinstance(value, float) else str(value))
    Console().print(table)
    typer.echo(f"Run folder: {folder}")


def _discover_portfolio(config: DiscoveryConfig, folder: Path, resume: bool) -> None:
    """Run a portfolio of candidates, write its folder and print one row per candidate."""
    from oraclelab.runs import RunFolder
    from oraclelab.symbolic.discovery import discover_portfolio, write_portfolio

    if resume:
        raise ParameterError("--resume continues a run of one library; a portfolio ('--library "
                             f"{config.library or 'auto'}') starts afresh.")
    run = RunFolder(folder)
    run.write_config(config.to_dict())
    summary = write_portfolio(run, discover_portfolio(config))
    keys = ("library", "mse_validation", "complexity", "seconds", "cpu_seconds", "time_capped", "chosen")
    print_table(f"portfolio: {config.problem or config.data}", [{key: row[key] for key in keys}
                                                                 for row in summary["candidates"]])
    if summary["stopped_by_exact_fit"]:
        typer.echo(f"{summary['stopped_by_exact_fit']} fits the validation rows exactly: the candidates after it "
                   "were not run (--exhaustive runs them all).")
    typer.echo(f"formula ({summary['library']}): {summary['formula']}")
    typer.echo(f"Run folder: {folder}")


def register(app: typer.Typer) -> None:
    """Add the discovery commands (problems, sr, discover) to ``app``."""
    app.command("problems")(with_config_options(problems_command, ExportConfig))
    app.command("sr")(sr_command)
    app.command("discover")(with_config_options(discover_command, DiscoveryConfig))
