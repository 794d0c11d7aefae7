"""Estimator-style wrappers (scikit-learn conventions) around ``elicit_linear``, ``elicit_quadratic`` and ``elicit_active``.

Parameters are stored unchanged by ``__init__``; ``fit(oracle, sphere)`` validates them, runs
the functional core and sets learned attributes ending in ``_``.
"""

from __future__ import annotations

import numpy as np

from oraclelab._estimator import keep_parameters
from oraclelab.elicit._active import DEFAULT_TOL, elicit_active
from oraclelab.elicit._geometry import Sphere
from oraclelab.elicit._lpme import elicit_linear
from oraclelab.elicit._metrics import SMALL_RADIUS
from oraclelab.elicit._oracles import Oracle
from oraclelab.elicit._qme import elicit_quadratic

__all__ = ["LinearMetricElicitor", "QuadraticMetricElicitor", "ActiveMetricElicitor"]


class LinearMetricElicitor:
    """LPME as an estimator: ``fit`` sets ``normal_`` (T, q) and ``comparisons_`` (T,)."""

    def __init__(self, *, tol: float = 1e-2, mode: str = "classic") -> None:
        keep_parameters(self, locals())

    def fit(self, oracle: Oracle, sphere: Sphere) -> "LinearMetricElicitor":
        result = elicit_linear(oracle, sphere, tol=self.tol, mode=self.mode)
        self.normal_ = result.normals
        self.comparisons_ = result.comparisons
        return self

    def score(self, rates: np.ndarray) -> np.ndarray:
        """Elicited linear scores <normal_, r> of rates (T, ..., q) -> (T, ...)."""
        r = np.asarray(rates, dtype=np.float64)
        return np.einsum("t...q,tq->t...", r, self.normal_)


class _QuadraticScore:
    """``score`` for estimators whose fit sets ``a_`` (T, q) and ``B_`` (T, q, q)."""

    def score(self, rates: np.ndarray) -> np.ndarray:
        """Elicited scores <a_, r> + 1/2 r'B_r of rates (T, ..., q) -> (T, ...)."""
        r = np.asarray(rates, dtype=np.float64)
        quadratic = np.einsum("t...i,tij,t...j->t...", r, self.B_, r)
        return np.einsum("t...q,tq->t...", r, self.a_) + 0.5 * quadratic


class QuadraticMetricElicitor(_QuadraticScore):
    """QME as an estimator: ``fit`` sets ``a_``, ``B_``, ``gradients_`` and ``comparisons_``."""

    def __init__(self, *, tol: float = 1e-2, mode: str = "classic", well_formed: bool = False,
                 small_radius: float = SMALL_RADIUS) -> None:
        keep_parameters(self, locals())

    def fit(self, oracle: Oracle, sphere: Sphere) -> "QuadraticMetricElicitor":
        result = elicit_quadratic(oracle, sphere, tol=self.tol, mode=self.mode,
                                  well_formed=self.well_formed, small_radius=self.small_radius)
        self.a_, self.B_ = result.a, result.B
        self.gradients_ = result.gradients
        self.comparisons_ = result.comparisons
        return self


class ActiveMetricElicitor(_QuadraticScore):
    """The active elicitor as an estimator: ``fit`` sets ``a_``, ``B_``, their ``*_std_`` and
    ``*_interval_``, ``comparisons_``, ``stop_reason_`` and ``result_`` (the ``ActiveResult``)."""

    def __init__(self, *, tol: float = DEFAULT_TOL, budget: int | None = None, noise="auto", kind: str = "quadratic",
                 rng=None, n_midpoints: int = 24) -> None:
        keep_parameters(self, locals())

    def fit(self, oracle: Oracle, sphere: Sphere) -> "ActiveMetricElicitor":
        result = elicit_active(oracle, sphere, tol=self.tol, budget=self.budget, noise=self.noise, kind=self.kind,
                               rng=self.rng, n_midpoints=self.n_midpoints)
        self.result_ = result
        self.a_, self.B_ = result.a, result.B
        self.a_std_, self.B_std_ = result.a_std, result.B_std
        self.a_interval_, self.B_interval_ = result.a_interval, result.B_interval
        self.comparisons_ = result.comparisons
        self.stop_reason_ = result.stop_reason
        return self
