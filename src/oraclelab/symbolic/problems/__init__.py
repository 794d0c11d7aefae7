"""Benchmark problems f(g(x)) with known latents, and the symrep folder loader.

``get_problem("F07").generate(n, seed)`` gives seeded inputs, latents, target and splits;
``load_symrep_problem(folder, "F07")`` reads the symrep project's data files;
``write_problem_csv(path, export_problem("F11", rows=1000, noise=0.01))`` writes a problem as a CSV.
"""

from __future__ import annotations

from ._builtin import get_problem, list_problems
from ._evaluate import evaluate, substitute
from ._export import ExportConfig, ExportedProblem, export_problem, write_problem_csv
from ._problem import InputSpec, Problem, ProblemData, input_symbols, latent_symbols
from ._symrep import load_symrep_problem, read_info

__all__ = [
    "ExportConfig",
    "ExportedProblem",
    "InputSpec",
    "Problem",
    "ProblemData",
    "evaluate",
    "export_problem",
    "get_problem",
    "input_symbols",
    "latent_symbols",
    "list_problems",
    "load_symrep_problem",
    "read_info",
    "substitute",
    "write_problem_csv",
]
