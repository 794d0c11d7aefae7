"""Symbolic regression on plain arrays: pyoperon behind a small, reproducible interface.

Settings chosen from measurements on pyoperon 0.6.2:

- ``optimizer_iterations`` defaults to 0 there (no constant fitting); we use 10.
- the ``r2`` objective is computed in float32 and can prefer ``8054 - 8054*cos(0.0259*x0)``
  over ``x0**2``; we minimise ``mse`` with ``length`` as a second objective (a Pareto front).
- the model is picked from the front by minimum description length, which needs the noise
  level ``uncertainty=[sigma]``; for noise-free data we use a small fraction of std(y).
- ``max_time`` alone makes results depend on machine load: generations are capped and
  ``random_state`` is fixed too.
- the sympy expression is rebuilt from the tree nodes, not from the printed model string.

``backend="pysr"`` runs PySR (SymbolicRegression.jl) with the same operators, time budget,
iteration cap (``generations``), population size, longest model and seed, deterministic
and serial, and reads its Pareto front (``equations_``) and chosen model (``sympy()``,
mapped onto our input symbols; PySR's own "best" score chooses, so ``noise`` and
``optimizer_iterations`` do not apply). PySR needs Julia, which it downloads on first use; without
PySR a ParameterError names how to install it.
"""

from __future__ import annotations

import logging
import math
import os
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from oraclelab._validation import check_choice, check_int_at_least, check_positive
from oraclelab.errors import ParameterError

if TYPE_CHECKING:
    import sympy

__all__ = ["SRResult", "ParetoPoint", "SymbolicRegressor", "symbolic_regression", "evaluate_expression", "scores"]

logger = logging.getLogger(__name__)

#: One-argument functions offered to the search by default (plus + - * / and constants).
DEFAULT_FUNCTIONS = ("sin", "cos", "exp", "log")
_OPERON_FUNCTIONS = ("sin", "cos", "exp", "log", "sqrt", "tanh", "abs", "square", "tan", "pow", "aq", "logabs", "sqrtabs")
_BACKENDS = ("operon", "pysr")
#: Noise level assumed for model selection when none is given, as a fraction of std(y).
DEFAULT_RELATIVE_NOISE = 1e-3


@dataclass(frozen=True)
class ParetoPoint:
    """One model of the final accuracy / length front."""

    expression: sympy.Expr
    length: int
    mse_train: float


@dataclass(frozen=True)
class SRResult:
    """The selected formula and its scores.

    Attributes
    ----------
    expression : sympy.Expr
        In the input symbols (``x0``, ``x1``, ... or the given names); full-precision constants.
    symbols : tuple of sympy.Symbol
        The input symbols, by column.
    complexity : int
        Nodes of the sympy expression tree.
    length : int
        Nodes of the backend's model tree.
    r2_train, mse_train : float
    r2_validation, mse_validation : float or None
        None without validation data.
    seconds : float
        Wall-clock time of the search.
    backend : str
    pareto_front : tuple of ParetoPoint
    time_capped : bool
        Whether the time budget stopped the search before its generation cap (the result
        then depends on the machine's speed and load; pysr: never reported).
    generations : int or None
        Generations the search ran (pysr: None, not reported).
    """

    expression: sympy.Expr
    symbols: tuple[sympy.Symbol, ...]
    complexity: int
    length: int
    r2_train: float
    mse_train: float
    r2_validation: float | None
    mse_validation: float | None
    seconds: float
    backend: str
    pareto_front: tuple[ParetoPoint, ...] = ()
    time_capped: bool = False
    generations: int | None = None

    def predict(self, X: np.ndarray) -> np.ndarray:
        """The formula's values at X of shape (n, n_inputs), shape (n,), float64."""
        return evaluate_expression(self.expression, self.symbols, X)


def evaluate_expression(expression: sympy.Expr, symbols: Sequence[sympy.Symbol], X: np.ndarray) -> np.ndarray:
    """Evaluate a sympy expression (built by us, not parsed from text) at X of shape (n, d) -> (n,)."""
    import sympy

    X = np.asarray(X, dtype=float)
    function = sympy.lambdify(list(symbols), expression, modules="numpy")
    with np.errstate(all="ignore"):
        values = function(*(X[:, k] for k in range(X.shape[1])))
    return np.broadcast_to(np.asarray(values, dtype=float), (X.shape[0],)).copy()


def scores(y_true: np.ndarray, y_pred: np.ndarray) -> tuple[float, float]:
    """``(r2, mse)`` in float64; nan predictions, or errors too large to square, give r2 = -inf and mse = inf."""
    y_true, y_pred = np.asarray(y_true, dtype=float), np.asarray(y_pred, dtype=float)
    if not np.all(np.isfinite(y_pred)):
        return -math.inf, math.inf
    with np.errstate(over="ignore"):  # errors past 1e154 square to inf, which is the score they deserve
        mse = float(np.mean((y_true - y_pred) ** 2))
    variance = float(np.var(y_true))
    r2 = 1.0 - mse / variance if variance > 0 else (1.0 if mse == 0 else -math.inf)
    return r2, mse


def symbolic_regression(
    X: np.ndarray,
    y: np.ndarray,
    *,
    X_val: np.ndarray | None = None,
    y_val: np.ndarray | None = None,
    input_names: Sequence[str] | None = None,
    seconds: float = 10.0,
    generations: int = 1000,
    population_size: int = 1000,
    max_length: int = 30,
    functions: Sequence[str] = DEFAULT_FUNCTIONS,
    optimizer_iterations: int = 10,
    division: bool = True,
    noise: float | None = None,
    random_state: int = 0,
    n_threads: int | None = None,
    backend: str = "operon",
) -> SRResult:
    """Search a formula y ~ f(X).

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_inputs)
    y : ndarray of shape (n_samples,)
    X_val, y_val : ndarrays of shape (n_val, n_inputs) and (n_val,), optional
        Validation data, only scored.
    input_names : sequence of str, optional
        Symbol names of the columns (default ``x0``, ``x1``, ...).
    seconds : float
        Time budget of the search.
    generations : int
        Generation cap (results are reproducible when this, not the time, stops the search).
    population_size, max_length : int
        Population size and longest model (nodes).
    functions : sequence of str
        One-argument functions (besides + - * /): sin, cos, exp, log, sqrt, tanh, abs, square, ...
    optimizer_iterations : int
        Levenberg-Marquardt steps fitting the constants of each model (>= 1).
    division : bool
        Offer division besides + - * (off: polynomials and function compositions only).
    noise : float, optional
        Noise standard deviation of y for model selection by description length; for a
        learned latent, the network's approximation error. Default ``1e-3 * std(y)``.
    random_state : int
    n_threads : int, optional
        Default: all cores.
    backend : {"operon", "pysr"}

    Returns
    -------
    SRResult
    """
    import sympy

    X, y = _check_xy(X, y, "X", "y")
    validation = None if X_val is None and y_val is None else _check_xy(X_val, y_val, "X_val", "y_val")
    if validation is not None and validation[0].shape[1] != X.shape[1]:
        raise ParameterError(f"X_val has {validation[0].shape[1]} columns; X has {X.shape[1]}.")
    check_positive(seconds, "seconds", "symbolic_regression")
    check_int_at_least(generations, "generations", "symbolic_regression", 1)
    check_int_at_least(optimizer_iterations, "optimizer_iterations", "symbolic_regression", 1)
    check_choice(backend, "backend", "symbolic_regression", _BACKENDS)
    symbols = _symbols(input_names, X.shape[1])
    sigma = float(noise) if noise is not None else DEFAULT_RELATIVE_NOISE * max(float(np.std(y)), 1e-12)
    check_positive(sigma, "noise", "symbolic_regression")
    settings = dict(seconds=seconds, generations=generations, population_size=population_size,
                    max_length=max_length, functions=functions, division=division, random_state=random_state)
    start = time.perf_counter()
    ran = None
    if backend == "pysr":
        expression, front, length = _search_pysr(X, y, symbols, **settings)
    else:
        expression, front, length, ran = _search_operon(X, y, symbols, optimizer_iterations=optimizer_iterations,
                                                   sigma=sigma, n_threads=n_threads, **settings)
    elapsed = time.perf_counter() - start
    r2_train, mse_train = scores(y, evaluate_expression(expression, symbols, X))
    r2_val, mse_val = (None, None) if validation is None else scores(
        validation[1], evaluate_expression(expression, symbols, validation[0]))
    logger.info("symbolic regression (%s, %.1f s): %s, train R^2 %.6g", backend, elapsed, expression, r2_train)
    return SRResult(expression=expression, symbols=tuple(symbols),
                    complexity=sum(1 for _ in sympy.preorder_traversal(expression)),
                    length=length, r2_train=r2_train, mse_train=mse_train, r2_validation=r2_val,
                    mse_validation=mse_val, seconds=elapsed, backend=backend, pareto_front=front,
                    time_capped=ran is not None and ran < generations, generations=ran)


def _check_xy(X: object, y: object, x_name: str, y_name: str) -> tuple[np.ndarray, np.ndarray]:
    X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
    if X.ndim != 2 or y.ndim != 1 or len(X) != len(y) or len(y) < 2:
        raise ParameterError(f"{x_name} must have shape (n, d) and {y_name} shape (n,) with n >= 2. "
                             f"Got {X.shape} and {y.shape} instead.")
    if not (np.all(np.isfinite(X)) and np.all(np.isfinite(y))):
        raise ParameterError(f"{x_name} and {y_name} must be finite.")
    return X, y


def _symbols(names: Sequence[str] | None, dim: int) -> list[sympy.Symbol]:
    import sympy

    names = [f"x{k}" for k in range(dim)] if names is None else list(names)
    if len(names) != dim:
        raise ParameterError(f"input_names has {len(names)} names for {dim} input column(s).")
    return [sympy.Symbol(name, real=True) for name in names]


#: PySR's names for the one-argument functions the pysr backend offers.
_PYSR_FUNCTIONS = {"sin": "sin", "cos": "cos", "exp": "exp", "log": "log", "sqrt": "sqrt", "tanh": "tanh",
                   "abs": "abs", "square": "square", "tan": "tan"}


def _search_pysr(X: np.ndarray, y: np.ndarray, symbols: Sequence[sympy.Symbol], *, seconds: float, generations: int,
                 population_size: int, max_length: int, functions: Sequence[str], division: bool,
                 random_state: int) -> tuple[sympy.Expr, tuple[ParetoPoint, ...], int]:
    """PySR's chosen formula, its Pareto front and the formula's complexity, in our symbols."""
    import sympy

    unknown = sorted(set(functions) - set(_PYSR_FUNCTIONS))
    if unknown:
        raise ParameterError(f"The 'functions' parameter of symbolic_regression has function(s) the pysr backend "
                             f"lacks: {', '.join(unknown)} (known: {', '.join(_PYSR_FUNCTIONS)}).")
    try:
        from pysr import PySRRegressor
    except ImportError:
        raise ParameterError("The 'pysr' backend needs PySR and Julia: pip install pysr "
                             "(it downloads Julia on first use); or use backend='operon'.") from None
    estimator = PySRRegressor(
        binary_operators=["+", "-", "*", *(["/"] if division else [])],
        unary_operators=[_PYSR_FUNCTIONS[f] for f in functions],
        niterations=int(generations), population_size=int(population_size), maxsize=int(max_length),
        timeout_in_seconds=float(seconds), random_state=int(random_state), deterministic=True,
        parallelism="serial", model_selection="best", progress=False, verbosity=0, temp_equation_file=True,
    )
    estimator.fit(X, y, variable_names=[str(s) for s in symbols])
    ours = {str(s): s for s in symbols}

    def in_our_symbols(expression) -> sympy.Expr:
        return expression.xreplace({s: ours[s.name] for s in expression.free_symbols if s.name in ours})

    table = estimator.equations_
    front = tuple(ParetoPoint(in_our_symbols(e), int(c), float(loss))
                  for e, c, loss in zip(table["sympy_format"], table["complexity"], table["loss"]))
    chosen = in_our_symbols(estimator.sympy())
    length = next((p.length for p in front if p.expression == chosen), sympy.count_ops(chosen) + 1)
    return chosen, front, length


def _search_operon(X: np.ndarray, y: np.ndarray, symbols: Sequence[sympy.Symbol], *, optimizer_iterations: int,
                   sigma: float, n_threads: int | None, **settings
                   ) -> tuple[sympy.Expr, tuple[ParetoPoint, ...], int, int]:
    """pyoperon's formula chosen by description length, its Pareto front, its length, and the generations it ran."""
    from ._operon_tree import operon_tree_to_sympy

    estimator = _fit_operon(X, y, optimizer_iterations=optimizer_iterations, sigma=sigma, n_threads=n_threads,
                            **settings)
    expression = operon_tree_to_sympy(estimator.model_.Nodes, estimator.variables_, symbols)
    front = tuple(
        ParetoPoint(operon_tree_to_sympy(point["tree"].Nodes, estimator.variables_, symbols), int(point["length"]),
                    float(point["mean_squared_error"]))
        for point in estimator.pareto_front_
    )
    ran = int(estimator.stats_["generations"])
    if ran < int(settings["generations"]):
        logger.warning("symbolic regression stopped by its %.0f s time cap after %d of %d generations",
                       settings["seconds"], ran, settings["generations"])
    return expression, front, int(estimator.model_.Length), ran


def _fit_operon(X: np.ndarray, y: np.ndarray, *, seconds: float, generations: int, population_size: int,
                max_length: int, functions: Sequence[str], optimizer_iterations: int, division: bool, sigma: float,
                random_state: int, n_threads: int | None):
    unknown = sorted(set(functions) - set(_OPERON_FUNCTIONS))
    if unknown:
        raise ParameterError(f"The 'functions' parameter of symbolic_regression has unknown function(s) "
                             f"{', '.join(unknown)} (known: {', '.join(_OPERON_FUNCTIONS)}).")
    from pyoperon.sklearn import SymbolicRegressor as OperonRegressor

    estimator = OperonRegressor(
        allowed_symbols=",".join(["add", "sub", "mul", *(["div"] if division else []), "constant", "variable", *functions]),
        objectives=["mse", "length"],
        optimizer_iterations=int(optimizer_iterations),
        max_length=int(max_length),
        population_size=int(population_size),
        pool_size=int(population_size),
        generations=int(generations),
        max_evaluations=10**9,
        max_time=max(1, math.ceil(seconds)),
        model_selection_criterion="minimum_description_length",
        uncertainty=[sigma],
        random_state=int(random_state),
        n_threads=int(n_threads or os.cpu_count() or 1),
    )
    return estimator.fit(X, y)


class SymbolicRegressor:
    """Estimator-style wrapper of :func:`symbolic_regression` (parameters stored unchanged).

    After ``fit``: ``result_`` (SRResult), ``expression_`` (sympy), ``complexity_``.
    """

    def __init__(self, *, seconds: float = 10.0, generations: int = 1000, population_size: int = 1000,
                 max_length: int = 30, functions: Sequence[str] = DEFAULT_FUNCTIONS, optimizer_iterations: int = 10,
                 noise: float | None = None, random_state: int = 0, n_threads: int | None = None,
                 backend: str = "operon") -> None:
        self.seconds = seconds
        self.generations = generations
        self.population_size = population_size
        self.max_length = max_length
        self.functions = functions
        self.optimizer_iterations = optimizer_iterations
        self.noise = noise
        self.random_state = random_state
        self.n_threads = n_threads
        self.backend = backend

    def fit(self, X: np.ndarray, y: np.ndarray, *, X_val: np.ndarray | None = None, y_val: np.ndarray | None = None,
            input_names: Sequence[str] | None = None) -> SymbolicRegressor:
        """Search a formula for y of shape (n,) from X of shape (n, d); returns self."""
        self.result_ = symbolic_regression(
            X, y, X_val=X_val, y_val=y_val, input_names=input_names, seconds=self.seconds,
            generations=self.generations, population_size=self.population_size, max_length=self.max_length,
            functions=self.functions, optimizer_iterations=self.optimizer_iterations, noise=self.noise,
            random_state=self.random_state, n_threads=self.n_threads, backend=self.backend)
        self.expression_ = self.result_.expression
        self.complexity_ = self.result_.complexity
        return self

    def predict(self, X: np.ndarray) -> np.ndarray:
        """Values of the found formula at X of shape (n, d) -> (n,)."""
        if not hasattr(self, "result_"):
            raise ParameterError("This SymbolicRegressor is not fitted yet; call fit(X, y) first.")
        return self.result_.predict(X)
