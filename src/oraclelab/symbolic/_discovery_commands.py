"""``oraclelab symbolic problems`` and ``oraclelab symbolic sr`` (thin: parse options, call the library).

Importing this module registers the commands on the ``symbolic`` Typer app; heavy
libraries (numpy aside) load inside the commands.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Optional

import typer

from oraclelab.errors import ParameterError
from oraclelab.symbolic._commands import _print_table, app

__all__ = ["problems_command", "sr_command"]


@app.command("problems")
def problems_command() -> None:
    """List the built-in benchmark problems: inputs, latents g(x), outer f(g) and target f(g(x))."""
    from oraclelab.symbolic.problems import list_problems

    rows = [
        {
            "name": problem.name,
            "inputs": problem.inputs.describe(),
            "latents g": "; ".join(str(g) for g in problem.latent_sympy),
            "outer f(g)": "-" if problem.outer_sympy is None else str(problem.outer_sympy),
            "target f(g(x))": str(problem.target_sympy),
        }
        for problem in list_problems()
    ]
    _print_table("built-in problems", rows)


@app.command("sr")
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
    from oraclelab.symbolic.distill import direct_sr, write_direct_sr

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
    _print_table(f"direct symbolic regression -> {out}", [{key: summary[key] for key in keys}])


def _names(text: str, option: str) -> list[str]:
    names = [part.strip() for part in text.split(",") if part.strip()]
    if not names:
        raise ParameterError(f"{option} needs at least one name (comma separated). Got {text!r} instead.")
    return names


def _load(problem: Optional[str], data: Optional[Path], inputs: Optional[str], target: Optional[str],
          n: Optional[int], seed: int):
    """``(X, y, splits, truth, input_names, source-config)`` for --problem or --data."""
    from oraclelab.symbolic._data import load_table, split_indices
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
