"""From FPME's QME estimates to (B, lam): the measurement Y_P and the linear system Y = M X.

QME returns each view's (a_hat_P, B_hat_P) only up to its scale N_P; stage 1's a_hat and the
known shares t_P give a_P / (1 - lam) ~ a_hat * t_P, so the ratio of the two fixes
Y_P = B_hat_P * scale_P ~ lam/(1 - lam) sum_{E(P)} B_gh. The published scale is the plain
mean over coordinates of a_hat_i t_P,i / a_hat_P,i ('mean'), which one coordinate whose QME
estimate changed sign can flip. 'lstsq' fits a_hat_P ~ c (a_hat * t_P) by least squares and
takes 1/c: coordinates count by their size, so a small wrong one cannot flip it. 'median'
takes the median of the ratios (for q = 2 the mean again).

Robust mode uses 'lstsq', chosen by measurement on the published stream (300 instances per
(m, k), ``benchmarks/bench_fair.py``): on (2,3) the mean flips one trial (B_err 4) where
median and lstsq keep every B_err below 0.27; on q = 2 the median cannot help, while lstsq
halves the median lambda_err of (2,2); on (4,2) lstsq cuts the largest B_err from 1.0 to 0.17.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from oraclelab._validation import check_choice
from oraclelab.elicit.fair._groups import cut_matrix, parameterisation_label

__all__ = ["SCALES", "Recovery", "scale_estimates", "solve_pairs", "recover"]

#: How a parameterisation's scale is estimated from its coordinates: the published plain
#: mean of ratios, their median, or a least-squares fit.
SCALES = ("mean", "median", "lstsq")


@dataclass(frozen=True)
class Recovery:
    """(B, lam) recovered from the measurements, with per-trial reliability.

    Attributes
    ----------
    B : ndarray of shape (T, v, q, q), one matrix per group pair, sum of Frobenius norms 2
    lam : ndarray of shape (T,)
    scales : ndarray of shape (T, P), the scale estimate of each parameterisation
    reliable : ndarray of shape (T,) of bool
    unreliable_reason : ndarray of shape (T,) of str ('' where reliable)
    """

    B: np.ndarray
    lam: np.ndarray
    scales: np.ndarray
    reliable: np.ndarray
    unreliable_reason: np.ndarray


def scale_estimates(a_hat: np.ndarray, t_P: np.ndarray, a_P: np.ndarray, scale: str = "mean") -> np.ndarray:
    """Estimates of N_P / (1 - lam), shape (T, P).

    Parameters
    ----------
    a_hat : ndarray of shape (T, q), stage 1's estimate of a
    t_P : ndarray of shape (T, P, q), the shares of each parameterisation's moved groups
    a_P : ndarray of shape (T, P, q), QME's linear parts (any positive scale)
    scale : 'mean' (published), 'median' or 'lstsq'
    """
    check_choice(scale, "scale", "scale_estimates", SCALES)
    expected = a_hat[:, None, :] * t_P
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        if scale == "lstsq":
            return np.sum(expected**2, axis=-1) / np.sum(expected * a_P, axis=-1)
        ratios = expected / a_P
        return np.mean(ratios, axis=-1) if scale == "mean" else np.median(ratios, axis=-1)


def solve_pairs(measurements: np.ndarray, moved: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Solve Y = M X entrywise, then normalise: (B, lam, solved).

    X_gh = sum_r (M^{-1})[idx(g,h), r] Y_r; S = sum_{g<h} ||X_gh||_F; lam = S / (S + 2);
    B_gh = (2 / S) X_gh.

    Parameters
    ----------
    measurements : ndarray of shape (T, v, q, q), Y_P per parameterisation (in ``moved`` order)
    moved : bool ndarray of shape (v, m), the parameterisations

    Returns
    -------
    B : ndarray of shape (T, v, q, q); lam : ndarray of shape (T,); solved : bool ndarray
    of shape (T,), False where S is zero or not finite (then B = 0 and lam = 0: no
    fairness part could be recovered).
    """
    with np.errstate(invalid="ignore", over="ignore"):
        X = np.einsum("pr,trij->tpij", np.linalg.inv(cut_matrix(moved)), measurements)
        S = np.sqrt(np.sum(X**2, axis=(2, 3))).sum(axis=1)
        solved = np.isfinite(S) & (S > 0)
        safe = np.where(solved, S, 1.0)
        B = np.where(solved[:, None, None, None], X * (2 / safe)[:, None, None, None], 0.0)
    return B, np.where(solved, safe / (safe + 2), 0.0), solved


def recover(a_hat: np.ndarray, t_P: np.ndarray, qme_a: np.ndarray, qme_B: np.ndarray, moved: np.ndarray,
            *, scale: str = "mean") -> Recovery:
    """(B, lam) from stage 1's a_hat and one QME estimate per parameterisation.

    Parameters
    ----------
    a_hat : ndarray of shape (T, q)
    t_P : ndarray of shape (T, v, q), the shares of each parameterisation's moved groups
    qme_a : ndarray of shape (T, v, q); qme_B : ndarray of shape (T, v, q, q), QME's estimates
    moved : bool ndarray of shape (v, m)
    scale : how each scale is estimated (``SCALES``)

    A trial is unreliable where a scale estimate is not positive (a coordinate of a QME
    linear part changed sign: the measurement, and B_hat with it, may be flipped) or where
    the system gave no finite fairness part.
    """
    scales = scale_estimates(a_hat, t_P, qme_a, scale)
    B, lam, solved = solve_pairs(qme_B * scales[..., None, None], moved)
    reasons = np.full(len(lam), "", dtype=object)
    for t in np.flatnonzero(~(scales > 0).all(axis=1)):
        p = int(np.argmin(np.nan_to_num(scales[t], nan=-np.inf)))
        reasons[t] = (f"scale estimate of parameterisation {parameterisation_label(moved[p])} is {scales[t, p]:.3g} "
                      f"(a QME coordinate changed sign)")
    reasons[~solved] = "no finite fairness part recovered (B = 0, lam = 0)"
    return Recovery(B, lam, scales, reasons == "", reasons.astype(str))
