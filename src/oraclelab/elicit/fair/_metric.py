"""Hidden fair metrics phi(R) = (1 - lam) <a, sum_g T_g * r_g> + (lam/2) sum_{g<h} d_gh' B_gh d_gh, batched.

R stacks the m groups' rate vectors r_g in R^q; d_gh = r_g - r_h. T_g holds P(G = g | Y = c)
in every entry of class c's block, so sum_g T_g = 1; FPME knows T. Moving a set P of
groups by s from a common base rate b turns phi into a quadratic metric of s alone (its
"view"), which is what each of FPME's LPME and QME runs elicits.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from oraclelab._validation import as_float_array
from oraclelab.elicit._metrics import QuadraticMetric
from oraclelab.elicit._trials import TrialBatch
from oraclelab.elicit.fair._groups import cut_matrix, group_pairs
from oraclelab.errors import ParameterError

__all__ = ["FairMetric", "moved_shares"]

_OWNER = "FairMetric"


def moved_shares(moved: np.ndarray, shares: np.ndarray) -> np.ndarray:
    """t_P = sum_{g in P} T_g for masks ``moved`` (P, m) and shares (T, m, q): shape (T, P, q)."""
    return np.einsum("pg,tgq->tpq", np.asarray(moved, dtype=np.float64), shares)


@dataclass(frozen=True)
class FairMetric(TrialBatch):
    """A batch of T fair metrics over m groups and q rates.

    Parameters
    ----------
    a : ndarray of shape (T, q), the performance weights (||a|| = 1 in FPME's normalisation)
    B : ndarray of shape (T, v, q, q), one symmetric matrix per group pair (g, h), g < h, in
        lexicographic order (sum of their Frobenius norms 2 in FPME's normalisation)
    lam : ndarray of shape (T,), the trade-off in [0, 1] (0: performance only)
    shares : ndarray of shape (T, m, q), T_g: P(G = g | Y = c) per rate, summing to 1 over g
    """

    BATCHED = "a"

    a: np.ndarray
    B: np.ndarray
    lam: np.ndarray
    shares: np.ndarray

    def __post_init__(self) -> None:
        a = as_float_array(self.a, "a", _OWNER, ndim=2)
        B = as_float_array(self.B, "B", _OWNER, ndim=4)
        lam = as_float_array(self.lam, "lam", _OWNER, ndim=1)
        shares = as_float_array(self.shares, "shares", _OWNER, ndim=3)
        n, q = a.shape
        m = shares.shape[1]
        v = m * (m - 1) // 2
        if m < 2 or shares.shape != (n, m, q):
            raise ParameterError(f"The 'shares' parameter of {_OWNER} must have shape (T={n}, m >= 2, q={q}). "
                                 f"Got shape {shares.shape}.")
        if B.shape != (n, v, q, q):
            raise ParameterError(f"The 'B' parameter of {_OWNER} must have shape {(n, v, q, q)} for {m} groups. "
                                 f"Got shape {B.shape}.")
        if lam.shape != (n,) or np.any((lam < 0) | (lam > 1)):
            raise ParameterError(f"The 'lam' parameter of {_OWNER} must hold {n} values in [0, 1]. Got {lam!r}.")
        gap = np.abs(shares.sum(axis=1) - 1.0).max()
        if np.any(shares < 0) or gap > 1e-6:
            raise ParameterError(f"The 'shares' parameter of {_OWNER} must be >= 0 and sum to 1 over the groups. "
                                 f"Got sums off by {gap:.3g}.")
        if not np.allclose(B, np.swapaxes(B, 2, 3), rtol=0, atol=1e-9 * max(1.0, np.abs(B).max())):
            raise ParameterError(f"The 'B' parameter of {_OWNER} must hold symmetric matrices.")
        for name, value in (("a", a), ("B", B), ("lam", lam), ("shares", shares)):
            object.__setattr__(self, name, value)

    @property
    def groups(self) -> int:
        return int(self.shares.shape[1])

    def score(self, rates: np.ndarray) -> np.ndarray:
        """phi of group rates of shape (T, ..., m, q) -> (T, ...)."""
        R = np.asarray(rates, dtype=np.float64)
        flat = R.reshape(self.n_trials, -1, self.groups, self.dim)
        performance = np.einsum("tq,tnq->tn", self.a, np.einsum("tgq,tngq->tnq", self.shares, flat))
        pairs = group_pairs(self.groups)
        gaps = flat[:, :, pairs[:, 0]] - flat[:, :, pairs[:, 1]]  # (T, n, v, q)
        fairness = np.einsum("tnvi,tvij,tnvj->tn", gaps, self.B, gaps)
        value = (1 - self.lam)[:, None] * performance + 0.5 * self.lam[:, None] * fairness
        return value.reshape(R.shape[:-2])

    def view(self, base: np.ndarray, moved: np.ndarray) -> QuadraticMetric:
        """The quadratic metrics of s that phi becomes with r_g = base + s (g moved), base otherwise.

        phi_P(s) = <a_P, s> + 1/2 s' B_P s + (1 - lam) <a, base>, a_P = (1 - lam) a * t_P,
        t_P = sum_{g in P} T_g, B_P = lam sum_{(g,h) in E(P)} B_gh.

        Parameters
        ----------
        base : ndarray of shape (q,), the rate every group starts from
        moved : bool ndarray of shape (P, m), the moved groups of each view

        Returns
        -------
        QuadraticMetric over T * P trials, trial-major (row t * P + p).
        """
        base = as_float_array(base, "base", "FairMetric.view", ndim=1)
        moved = np.asarray(moved, dtype=bool)
        if base.shape != (self.dim,) or moved.ndim != 2 or moved.shape[1] != self.groups:
            raise ParameterError(f"FairMetric.view needs base of shape ({self.dim},) and moved of shape (P, {self.groups}). "
                                 f"Got {base.shape} and {moved.shape}.")
        n, P, q = self.n_trials, moved.shape[0], self.dim
        keep = (1 - self.lam)[:, None, None]
        a_P = keep * self.a[:, None, :] * moved_shares(moved, self.shares)
        B_P = self.lam[:, None, None, None] * np.einsum("pv,tvij->tpij", cut_matrix(moved), self.B)
        c = np.repeat(keep[:, 0, 0] * (self.a @ base), P)
        return QuadraticMetric(a_P.reshape(n * P, q), B_P.reshape(n * P, q, q), c)

    def take(self, trials: np.ndarray | slice) -> "FairMetric":
        """The sub-batch of the given trials."""
        return FairMetric(self.a[trials], self.B[trials], self.lam[trials], self.shares[trials])
