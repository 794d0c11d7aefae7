"""Fit library templates to data: the closest library member a + b * t(x; coefficients).

A critic pushes each latent toward the members of its function library, so a latent is
read out best as the library template that fits it, with its random coefficients (``N*``,
``U*``) and an affine wrap (offset a, scale b) fitted by least squares. The fit is
non-convex (frequencies, shifts), so it runs Levenberg-Marquardt from many starting points
drawn from the template's own coefficient distribution, all starts in lockstep as arrays.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from oraclelab.errors import ParameterError

if TYPE_CHECKING:
    import sympy

    from oraclelab.symbolic.formulas import Template

__all__ = ["TemplateFit", "fit_template", "fit_library", "starting_coefficients"]

_LAMBDA_START, _LAMBDA_UP, _LAMBDA_DOWN = 1e-3, 10.0, 0.3
_LAMBDA_MAX = 1e12
#: A start has converged after this many steps in a row that lower its squared error by
#: less than the fraction _PROGRESS; the fit stops when every start has.
_STALLED_STEPS, _PROGRESS = 8, 1e-10


@dataclass(frozen=True)
class TemplateFit:
    """The best fit of one template: its formula (sympy, fitted constants), R^2 and MSE on the data."""

    template_index: int
    expression: sympy.Expr
    r2: float
    mse: float


def fit_template(template: Template, X: np.ndarray, y: np.ndarray, *, starts: int = 16, iterations: int = 100,
                 seed: int = 0, inputs: Sequence[sympy.Symbol] | None = None, template_index: int = 0) -> TemplateFit:
    """Least-squares fit of ``a + b * template(X; coefficients)`` to y from ``starts`` random starts.

    Parameters
    ----------
    template : Template
        A library line; its ``N*`` coefficients start from N(0, 1), its ``U*`` from U[0, 1).
    X : ndarray of shape (n, d)
    y : ndarray of shape (n,)
    starts, iterations : int
        Random starting points (fitted together) and Levenberg-Marquardt steps.
    seed : int
        Seed of the starting points (the stream named by ``template_index``).
    inputs : sequence of sympy.Symbol, optional
        Symbol of each column of X in the returned formula; default ``x0``, ``x1``, ... (real).

    Returns
    -------
    TemplateFit
        The start with the lowest squared error; R^2 is -inf when no start gives finite values.
    """
    import sympy

    from oraclelab.symbolic.formulas import to_sympy

    X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
    if X.ndim != 2 or y.shape != (X.shape[0],) or X.shape[1] < template.min_inputs:
        raise ParameterError(f"fit_template needs X of shape (n, >= {template.min_inputs}) and y of shape (n,); "
                             f"got {X.shape} and {y.shape}.")
    inputs = list(inputs) if inputs is not None else [sympy.Symbol(f"x{k}", real=True) for k in range(X.shape[1])]
    if len(inputs) != X.shape[1]:
        raise ParameterError(f"fit_template got {len(inputs)} input symbol(s) for {X.shape[1]} column(s).")
    value = to_sympy(template.value, inputs=dict(enumerate(inputs)))
    coefficients = [sympy.Symbol(name, real=True) for name in template.coefficients]
    model = _BatchedTemplate(value, inputs, coefficients, X)
    theta = starting_coefficients(template, starts, seed, template_index)
    params = np.concatenate([_affine_start(model.values(theta), y), theta], axis=1)
    params, sse = _levenberg_marquardt(model, params, y, iterations)
    best = int(np.argmin(sse))
    mse = float(sse[best] / len(y))
    variance = float(np.var(y))
    r2 = -np.inf if not np.isfinite(mse) else (1.0 - mse / variance if variance > 0 else float(mse == 0))
    offset, scale, *fitted = (sympy.Float(float(v)) for v in params[best])
    expression = offset + scale * value.xreplace(dict(zip(coefficients, fitted)))
    return TemplateFit(template_index, expression, float(r2), mse)


def starting_coefficients(template: Template, starts: int, seed: int, template_index: int = 0) -> np.ndarray:
    """Starting points (starts, coefficients) drawn as the library draws them: ``N*`` ~ N(0, 1), ``U*`` ~ U[0, 1).

    Drawn from the stream of ``seed`` named by the template's index, so two templates (or two
    seeds) never share starting points.
    """
    from oraclelab.runs import stream_generator

    rng = stream_generator(seed, "template starts", template_index)
    columns = [rng.standard_normal(starts) if name.startswith("N") else rng.random(starts)
               for name in template.coefficients]
    return np.column_stack(columns) if columns else np.zeros((starts, 0))


def fit_library(templates: list[Template], X: np.ndarray, y: np.ndarray, *, starts: int = 16, iterations: int = 100,
                seed: int = 0, inputs: Sequence[sympy.Symbol] | None = None, tolerance: float = 0.0) -> TemplateFit:
    """The best-fitting template of a library (see :func:`fit_template`).

    Of the templates whose R^2 is within ``tolerance`` of the best, the one with the fewest
    coefficients wins, then the earlier one: ``x0*sin(U0*x1)`` with a tiny U0 fits ``x0*x1``
    as well as ``N0*x0*x1`` does, and the simpler member is the reading to report.
    """
    if not templates:
        raise ParameterError("fit_library needs at least one template.")
    fits = [fit_template(t, X, y, starts=starts, iterations=iterations, seed=seed, inputs=inputs,
                         template_index=index)
            for index, t in enumerate(templates) if X.shape[1] >= t.min_inputs]
    if not fits:
        raise ParameterError(f"No template of the library fits {X.shape[1]} input column(s).")
    best = max(fit.r2 for fit in fits)
    close = [fit for fit in fits if fit.r2 >= best - tolerance]
    return min(close, key=lambda fit: (len(templates[fit.template_index].coefficients), fit.template_index))


class _BatchedTemplate:
    """A template's values and coefficient derivatives at fixed X, for a batch of coefficient vectors."""

    def __init__(self, value, inputs, coefficients, X: np.ndarray) -> None:
        import sympy

        arguments = [*inputs, *coefficients]
        self._value = sympy.lambdify(arguments, value, modules="numpy")
        self._derivatives = [sympy.lambdify(arguments, sympy.diff(value, c), modules="numpy") for c in coefficients]
        self._columns = [X[:, k][None, :] for k in range(X.shape[1])]
        self._n = X.shape[0]

    def _call(self, function, theta: np.ndarray) -> np.ndarray:
        with np.errstate(all="ignore"):
            out = function(*self._columns, *(theta[:, [j]] for j in range(theta.shape[1])))
        return np.broadcast_to(np.asarray(out, dtype=float), (theta.shape[0], self._n))

    def values(self, theta: np.ndarray) -> np.ndarray:
        """Template values, shape (starts, n)."""
        return self._call(self._value, theta)

    def residuals_and_jacobian(self, params: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Residuals (starts, n) of a + b*t - y and their Jacobian (starts, n, 2 + coefficients)."""
        offset, scale, theta = params[:, [0]], params[:, [1]], params[:, 2:]
        t = self.values(theta)
        columns = [np.ones_like(t), t, *(scale * self._call(d, theta) for d in self._derivatives)]
        return offset + scale * t - y, np.stack(columns, axis=2)


def _affine_start(t: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Per start, the offset and scale of the least-squares line y ~ a + b*t (b = 1 for a constant t)."""
    centred = t - t.mean(axis=1, keepdims=True)
    with np.errstate(all="ignore"):
        scale = (centred @ (y - y.mean())) / np.einsum("sn,sn->s", centred, centred)
    scale = np.where(np.isfinite(scale), scale, 1.0)
    offset = y.mean() - scale * t.mean(axis=1)
    return np.column_stack([np.where(np.isfinite(offset), offset, 0.0), scale])


def _levenberg_marquardt(model: _BatchedTemplate, params: np.ndarray, y: np.ndarray,
                         iterations: int) -> tuple[np.ndarray, np.ndarray]:
    """Damped Gauss-Newton on every start at once until all have converged; returns the parameters
    and sums of squared residuals."""
    damping = np.full(len(params), _LAMBDA_START)
    residuals, jacobian = model.residuals_and_jacobian(params, y)
    sse = _sse(residuals)
    eye = np.eye(params.shape[1])
    stalled = np.zeros(len(params), dtype=int)
    for _ in range(iterations):
        normal = np.einsum("snp,snq->spq", jacobian, jacobian)
        gradient = np.einsum("snp,sn->sp", jacobian, residuals)
        diagonal = np.einsum("spp->sp", normal)[:, :, None] * eye + eye * 1e-12
        system = normal + damping[:, None, None] * diagonal
        finite = np.all(np.isfinite(system), axis=(1, 2)) & np.all(np.isfinite(gradient), axis=1)
        step = np.zeros_like(params)
        if finite.any():
            step[finite] = -_solve(system[finite], gradient[finite])
        trial = params + step
        trial_residuals, trial_jacobian = model.residuals_and_jacobian(trial, y)
        trial_sse = _sse(trial_residuals)
        better = finite & (trial_sse < sse)
        progress = better & (sse - trial_sse > _PROGRESS * np.maximum(sse, 1e-300))
        stalled = np.where(progress, 0, stalled + 1)
        params = np.where(better[:, None], trial, params)
        residuals = np.where(better[:, None], trial_residuals, residuals)
        jacobian = np.where(better[:, None, None], trial_jacobian, jacobian)
        sse = np.where(better, trial_sse, sse)
        damping = np.clip(np.where(better, damping * _LAMBDA_DOWN, damping * _LAMBDA_UP), 1e-15, _LAMBDA_MAX)
        if np.all(stalled >= _STALLED_STEPS):
            break
    return params, sse


def _solve(system: np.ndarray, rhs: np.ndarray) -> np.ndarray:
    """Batched solve of (starts, p, p) systems; a singular one gives a zero step."""
    try:
        return np.linalg.solve(system, rhs[:, :, None])[:, :, 0]
    except np.linalg.LinAlgError:
        return np.stack([np.linalg.lstsq(a, b, rcond=None)[0] for a, b in zip(system, rhs)])


def _sse(residuals: np.ndarray) -> np.ndarray:
    sse = np.einsum("sn,sn->s", residuals, residuals)
    return np.where(np.isfinite(sse), sse, np.inf)
