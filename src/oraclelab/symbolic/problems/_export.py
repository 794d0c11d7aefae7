"""Built-in problems as data files: seeded inputs, the target with optional Gaussian noise, a CSV.

``export_problem("F11", rows=1000, noise=0.01, seed=0)`` draws the inputs exactly as
``Problem.generate`` does (same named stream of the seed) and adds noise of standard
deviation ``noise * std(target)`` from the seed's stream ``("problem", name, "noise")``;
``write_problem_csv`` writes it with columns ``x0, x1, ..., y`` that
:func:`~oraclelab.symbolic.problems._table.load_table` reads back bit for bit.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

import numpy as np

from oraclelab._config import DictConfig, option
from oraclelab._validation import check_int_at_least
from oraclelab.errors import DataFileError, ParameterError
from oraclelab.runs import atomic_write_text, stream_generator

from ._builtin import get_problem
from ._problem import Problem

__all__ = ["ExportConfig", "ExportedProblem", "export_problem", "write_problem_csv", "TARGET_COLUMN"]

#: Name of the target column of an exported problem.
TARGET_COLUMN = "y"
OWNER = "export_problem"


@dataclass(frozen=True)
class ExportedProblem:
    """Samples of a built-in problem, ready to write as a table.

    Attributes
    ----------
    problem : str
        The problem's name.
    X : ndarray of shape (rows, n_inputs)
    y : ndarray of shape (rows,)
        Target with noise.
    clean : ndarray of shape (rows,)
        Target without noise.
    input_names : tuple of str, length n_inputs
    noise_std : float
        Standard deviation of the added noise (``noise * std(clean)``).
    seed : int
    """

    problem: str
    X: np.ndarray
    y: np.ndarray
    clean: np.ndarray
    input_names: tuple[str, ...]
    noise_std: float
    seed: int


@dataclass(frozen=True)
class ExportConfig(DictConfig):
    """What ``oraclelab symbolic problems --export`` writes: which problem, how many rows, noise, seed, file."""

    OWNER: ClassVar[str] = OWNER
    problem: str | None = option(None, flag="--export", help="Write this built-in problem (e.g. F11) as a CSV file "
                                                             "instead of listing the problems.")
    rows: int | None = option(None, help="Rows of the exported file (default: the problem's, 1000 or 700).")
    noise: float = option(0.0, help="Gaussian noise on the target, as a fraction of its standard deviation.")
    seed: int = option(0, help="Seed of the inputs and the noise.")
    out: str | None = option(None, help="CSV file to write (default: <PROBLEM>.csv).")

    def __post_init__(self) -> None:
        if self.problem is None:
            given = [name for name in ("rows", "out") if getattr(self, name) is not None]
            if given or self.noise != 0.0 or self.seed != 0:
                raise ParameterError(f"{OWNER}: 'rows', 'noise', 'seed' and 'out' go with a problem to export "
                                     f"(--export NAME).")
            return
        object.__setattr__(self, "problem", get_problem(self.problem).name)
        if self.rows is not None:
            check_int_at_least(self.rows, "rows", OWNER, 1)
        _check_noise(self.noise)
        if self.out is not None and Path(self.out).suffix.lower() != ".csv":
            raise ParameterError(f"The 'out' parameter of {OWNER} must be a .csv file. Got {self.out!r} instead.")


def _check_noise(noise: float) -> float:
    """``noise`` as a float, raising unless it is finite and >= 0."""
    if isinstance(noise, bool) or not isinstance(noise, (int, float, np.floating, np.integer)) \
            or not math.isfinite(noise) or noise < 0:
        raise ParameterError(f"The 'noise' parameter of {OWNER} must be a number >= 0. Got {noise!r} instead.")
    return float(noise)


def export_problem(problem: str | Problem, rows: int | None = None, *, noise: float = 0.0, seed: int = 0) -> ExportedProblem:
    """Draw ``rows`` inputs as ``Problem.generate`` does and the target with noise ``noise * std(target)``.

    Parameters
    ----------
    problem : str or Problem
        A built-in problem or its name.
    rows : int, optional
        Number of rows (>= 1; default the problem's ``default_n``).
    noise : float
        Noise standard deviation as a fraction of the target's standard deviation (>= 0).
    seed : int
        Seed of the inputs (stream ``("problem", name, "inputs")``) and the noise (``("problem", name, "noise")``).

    Returns
    -------
    ExportedProblem
    """
    chosen = problem if isinstance(problem, Problem) else get_problem(problem)
    rows = chosen.default_n if rows is None else check_int_at_least(rows, "rows", OWNER, 1)
    noise = _check_noise(noise)
    X = chosen.inputs.draw(rows, stream_generator(seed, "problem", chosen.name, "inputs"))
    _, clean = chosen.evaluate(X)
    noise_std = noise * float(np.std(clean))
    y = clean + noise_std * stream_generator(seed, "problem", chosen.name, "noise").standard_normal(rows)
    return ExportedProblem(problem=chosen.name, X=X, y=y, clean=clean, input_names=chosen.input_names,
                           noise_std=noise_std, seed=seed)


def write_problem_csv(path: str | Path, exported: ExportedProblem) -> Path:
    """Write ``exported`` atomically as a CSV (header ``x0,...,y``; floats written to round-trip exactly)."""
    path = Path(path)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([*exported.input_names, TARGET_COLUMN])
    for inputs, target in zip(exported.X, exported.y):
        writer.writerow([repr(float(value)) for value in (*inputs, target)])
    try:
        return atomic_write_text(path, buffer.getvalue())
    except OSError as error:
        raise DataFileError(f"{path}: cannot write CSV file ({type(error).__name__}: {error.strerror or error}).") from None
