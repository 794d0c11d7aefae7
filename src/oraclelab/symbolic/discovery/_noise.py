"""The noise level of a target, estimated from the data alone (local-polynomial pseudo-residuals) or given.

Each row's target is predicted by a least-squares polynomial (degree 1 and degree 2) in
the offsets of its nearest neighbours, leaving the row out: the pseudo-residuals of Gasser,
Sroka and Jennen-Steinmetz (1986, *Biometrika* 73:625), generalised to any number of inputs.
With noise of variance sigma^2 a residual has variance sigma^2 (1 + h) plus the squared
error of the local fit, where h is the prediction's leverage; so sigma^2 is estimated by
the median of residual^2 / (1 + h) over the rows, divided by the median of chi^2(1) (exact
for Gaussian noise). The median, not the mean, keeps the sparse rows (the tails of the
inputs), where the target is poorly fitted by its neighbours, from inflating the estimate.
Inputs are standardised first, so no column's units dominate the distances.

The estimate is *resolved* when the degree-1 and degree-2 estimates agree within a factor of
:data:`RESOLVED_RATIO`: then noise, not the target's curvature between neighbours, makes the
residuals. On noise-free data the degree-2 estimate is small but the degree-1 one is many
times larger (curvature), so the estimate is an upper bound, not a level to assume.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from oraclelab.errors import ParameterError

__all__ = ["NoiseEstimate", "estimate_noise", "given_noise"]

#: Neighbours per fitted coefficient (plus :data:`EXTRA_NEIGHBOURS`) of each local fit.
NEIGHBOURS_PER_COEFFICIENT = 2
EXTRA_NEIGHBOURS = 4
#: A local fit may use at most this fraction of the rows as neighbours (else that degree is skipped).
MAX_NEIGHBOUR_FRACTION = 0.25
#: The degree-1 and degree-2 estimates agree within this factor when noise dominates both.
RESOLVED_RATIO = 1.5
#: The median of chi^2 with one degree of freedom (scipy.stats.chi2.ppf(0.5, 1)).
CHI2_1_MEDIAN = 0.454936423119572
#: Ridge of each local fit, relative to the trace of its Gram matrix (keeps repeated or constant inputs solvable).
RIDGE = 1e-10
#: The method of an estimate that could not be made: fewer rows than a local line needs.
TOO_FEW_ROWS = "too few rows"
#: Rows per block of the batched local fits (bounds memory with many inputs).
BLOCK_ROWS = 256


@dataclass(frozen=True)
class NoiseEstimate:
    """The target's noise standard deviation, absolute (``std``) and relative to std(y) (``relative``).

    ``method`` is ``"local quadratic"`` (``"local linear"`` when the rows are too few for a
    quadratic in every input, ``"too few rows"`` when too few for either) or ``"given"``;
    ``resolved`` says whether the level is one the searches may assume (always for a given
    level; see the module docstring for an estimate).
    """

    std: float
    relative: float
    method: str
    resolved: bool

    def summary(self) -> dict[str, float | str | bool]:
        """The estimate by name (summary.json's ``noise``)."""
        return {"std": self.std, "relative": self.relative, "method": self.method, "resolved": self.resolved}


def given_noise(relative: float, y: np.ndarray) -> NoiseEstimate:
    """The noise a user states, as a fraction of std(y)."""
    if not float(relative) >= 0:
        raise ParameterError(f"The 'noise' parameter of discover must be >= 0. Got {relative!r} instead.")
    return NoiseEstimate(float(relative) * float(np.std(y)), float(relative), "given", True)


def _features(offsets: np.ndarray, degree: int) -> np.ndarray:
    """The monomials of a local fit in the neighbours' offsets (..., d): 1, each offset, for degree 2 each product."""
    d = offsets.shape[-1]
    columns = [np.ones(offsets.shape[:-1]), *(offsets[..., j] for j in range(d))]
    if degree == 2:
        columns += [offsets[..., a] * offsets[..., b] for a in range(d) for b in range(a, d)]
    return np.stack(columns, axis=-1)


def _n_coefficients(d: int, degree: int) -> int:
    return 1 + d + (d * (d + 1) // 2 if degree == 2 else 0)


def _neighbours(d: int, degree: int) -> int:
    return NEIGHBOURS_PER_COEFFICIENT * _n_coefficients(d, degree) + EXTRA_NEIGHBOURS


def _nearest_others(Z: np.ndarray, k: int) -> np.ndarray:
    """Indices (n, k) of each row's k nearest other rows, nearest first (itself left out, even among repeats)."""
    from scipy.spatial import cKDTree

    _, index = cKDTree(Z).query(Z, k=k + 1)
    itself = index == np.arange(len(Z))[:, None]
    itself[~itself.any(axis=1), -1] = True  # the row is among more than k repeats of it: drop the farthest instead
    return index[~itself].reshape(len(Z), k)


def _pseudo_residual_variance(Z: np.ndarray, y: np.ndarray, nearest: np.ndarray, degree: int) -> float:
    """sigma^2 from the leave-one-out residuals of a degree-``degree`` fit on each row's nearest neighbours.

    ``nearest`` holds at least as many neighbours per row (nearest first) as the degree needs.
    """
    k = _neighbours(Z.shape[1], degree)
    scaled = []
    for start in range(0, len(Z), BLOCK_ROWS):
        rows = slice(start, start + BLOCK_ROWS)
        neighbours = nearest[rows, :k]
        design = _features(Z[neighbours] - Z[rows, None, :], degree)
        gram = np.einsum("nkp,nkq->npq", design, design)
        gram += RIDGE * np.einsum("npp->n", gram)[:, None, None] * np.eye(gram.shape[-1])
        right = np.zeros(gram.shape[:2] + (2,))
        right[:, :, 0] = np.einsum("nkp,nk->np", design, y[neighbours])
        right[:, 0, 1] = 1.0
        solved = np.linalg.solve(gram, right)
        prediction, leverage = solved[:, 0, 0], solved[:, 0, 1]
        scaled.append((y[rows] - prediction) ** 2 / (1.0 + leverage))
    return float(np.median(np.concatenate(scaled)) / CHI2_1_MEDIAN)


def estimate_noise(X: np.ndarray, y: np.ndarray) -> NoiseEstimate:
    """The local-polynomial estimate of the noise of y (n,) given inputs X (n, d), and whether it is resolved.

    Degree 2 is used when its neighbourhoods (2 per coefficient + 4) are at most a quarter
    of the rows, else degree 1 (then the estimate is never resolved). With fewer rows than
    even degree 1 needs there is no estimate: noise 0, method ``"too few rows"``, unresolved
    (so a portfolio's rule falls back to the standard error alone; give the level instead).
    """
    X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
    if X.ndim != 2 or y.shape != (len(X),):
        raise ParameterError(f"estimate_noise needs X of shape (n, d) and y of shape (n,). Got {X.shape} and {y.shape} "
                             "instead.")
    n, d = X.shape
    degrees = [degree for degree in (1, 2) if _neighbours(d, degree) <= MAX_NEIGHBOUR_FRACTION * n]
    if not degrees:
        return NoiseEstimate(0.0, 0.0, TOO_FEW_ROWS, False)
    scale = X.std(axis=0)
    Z = (X - X.mean(axis=0)) / np.where(scale > 0, scale, 1.0)
    nearest = _nearest_others(Z, _neighbours(d, max(degrees)))
    variances = {degree: _pseudo_residual_variance(Z, y, nearest, degree) for degree in degrees}
    std = float(np.sqrt(variances[max(degrees)]))
    spread = float(np.std(y))
    resolved = len(degrees) == 2 and _agree(variances[1], variances[2])
    return NoiseEstimate(std, std / spread if spread > 0 else 0.0,
                         "local quadratic" if 2 in degrees else "local linear", resolved)


def _agree(linear: float, quadratic: float) -> bool:
    """Whether two variance estimates agree within RESOLVED_RATIO in standard deviation (both positive)."""
    if not (linear > 0 and quadratic > 0):
        return False
    return max(linear, quadratic) <= RESOLVED_RATIO ** 2 * min(linear, quadratic)
