"""A Gaussian belief over a metric's direction, fitted to answers by expectation propagation.

Answers depend on w only through the gaps g_i = w . x_i, and a flip judge's answers only on
w's direction, so the belief lives on the tangent plane at a unit centre c: w = c + u with
u perpendicular to c, u ~ N(mean - c, cov) (cov has c in its null space). On that plane the
half-spaces {w . x >= 0} stay half-spaces, so a noise-free answer is an exact step in u.

Each answer contributes a Gaussian site exp(-tau g^2 / 2 + nu g) in its own gap, which is
the same number whatever the centre, so sites survive re-centring. ``include`` adds one
answer per trial by assumed density filtering (a rank-one update); ``recentre`` moves the
centre to the current mean direction and ``fit`` runs damped parallel EP sweeps over all
answers, so early mistakes of the one-pass filter are undone. Batched over T trials.
"""

from __future__ import annotations

import numpy as np

from oraclelab.elicit._likelihood import AnswerLikelihood
from oraclelab.elicit._trials import TrialBatch

__all__ = ["DirectionPosterior", "site_update", "rescale_sites"]

#: Largest fraction of the cavity variance one site may remove (keeps site precisions finite).
_MAX_SHRINK = 1.0 - 1e-9
#: Largest site precision per unit squared feature norm: no answer pins its gap to better
#: than 1e-6 of the features' scale, which keeps the posterior precision invertible.
MAX_GAP_PRECISION = 1e12


def site_update(cavity_mean: np.ndarray, cavity_var: np.ndarray, answers: np.ndarray,
                likelihood: AnswerLikelihood) -> tuple[np.ndarray, np.ndarray]:
    """EP site (tau, nu) matching the tilted moments of answers under cavities N(m, v); shapes (T, ...).

    Likelihoods that are not log-concave can ask for a negative site precision; it is clipped
    to zero (the site then moves the mean only).
    """
    _, alpha, beta = likelihood.site_moments(cavity_mean, cavity_var, answers)
    beta = np.clip(np.nan_to_num(beta, nan=0.0), 0.0, _MAX_SHRINK / cavity_var)
    alpha = np.nan_to_num(alpha, nan=0.0, posinf=0.0, neginf=0.0)
    denominator = 1.0 - beta * cavity_var
    return beta / denominator, (alpha + beta * cavity_mean) / denominator


def _capped(tau: np.ndarray, nu: np.ndarray, norm2: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sites with tau at most MAX_GAP_PRECISION / ||x||^2 (nu scaled alike, keeping the site's mean)."""
    limit = MAX_GAP_PRECISION / np.maximum(norm2, 1e-200)
    with np.errstate(over="ignore", invalid="ignore"):
        factor = np.where(tau > limit, limit / np.where(tau > 0, tau, 1.0), 1.0)
    return np.where(np.isfinite(tau), tau * factor, limit), np.where(np.isfinite(nu), nu * factor, 0.0)


def rescale_sites(tau: np.ndarray, nu: np.ndarray, factor: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sites (T, n) of gaps that shrink by ``factor`` (T,): tau * factor^2, nu * factor."""
    return tau * factor[:, None] ** 2, nu * factor[:, None]


class DirectionPosterior(TrialBatch):
    """Gaussian belief over T trials' parameter vectors w of length d.

    A trial starts *free*: w ~ N(0, free_scale^2 I), whose direction is uniform on the
    sphere, as is the metric's before any answer. Once its direction is known well enough
    (angular rms at most ``switch`` times the prior's) a refit moves it onto the tangent
    plane at c = mean / ||mean||, where w = c + u with u ~ N(., tangent_scale^2 I) a priori.

    Parameters
    ----------
    n_trials, dim : T and d
    free_scale : prior standard deviation of each entry of w (default 1 / sqrt(d): ||w|| ~ 1)
    tangent_scale : prior standard deviation of each coordinate of u after the switch
    switch : angular rms, relative to free_scale, below which a trial switches
    """

    BATCHED = "mean"

    def __init__(self, n_trials: int, dim: int, *, free_scale: float | None = None, tangent_scale: float = 1.0,
                 switch: float = 0.2) -> None:
        self.free_scale = float(free_scale) if free_scale is not None else 1.0 / np.sqrt(dim)
        self.tangent_scale = float(tangent_scale)
        self.switch = float(switch)
        self.centre = np.zeros((n_trials, dim))
        self.mean = np.zeros((n_trials, dim))
        self.cov = np.broadcast_to(self.free_scale**2 * np.eye(dim), (n_trials, dim, dim)).copy()

    @property
    def tangent(self) -> np.ndarray:
        """Which trials have switched to the tangent plane, shape (T,)."""
        return np.any(self.centre != 0, axis=-1)

    def subset(self, rows) -> "DirectionPosterior":
        """A posterior over some of the trials (copies)."""
        part = DirectionPosterior.__new__(DirectionPosterior)
        part.free_scale, part.tangent_scale, part.switch = self.free_scale, self.tangent_scale, self.switch
        part.centre, part.mean, part.cov = self.centre[rows].copy(), self.mean[rows].copy(), self.cov[rows].copy()
        return part

    def assign(self, rows, part: "DirectionPosterior") -> None:
        """Write a subset's state back into ``rows``."""
        self.centre[rows], self.mean[rows], self.cov[rows] = part.centre, part.mean, part.cov

    def take(self, trials: np.ndarray) -> None:
        """Keep only the given trials (in place)."""
        self.centre, self.mean, self.cov = self.centre[trials], self.mean[trials], self.cov[trials]

    def marginals(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Mean and variance of the gaps w . x for features of shape (T, ..., d) -> two (T, ...)."""
        flat = x.reshape(self.n_trials, -1, self.dim)
        m = (flat @ self.mean[..., None])[..., 0]
        v = np.sum((flat @ self.cov) * flat, axis=-1)
        return m.reshape(x.shape[:-1]), np.maximum(v, 1e-300).reshape(x.shape[:-1])

    def rms(self) -> np.ndarray:
        """Root-mean-square posterior standard deviation of the direction w / ||w|| over its d - 1 degrees of freedom, shape (T,)."""
        norm2 = np.maximum(np.sum(self.mean**2, axis=-1), 1e-300)
        along = np.sum((self.cov @ self.mean[..., None])[..., 0] * self.mean, axis=-1) / norm2
        total = np.trace(self.cov, axis1=1, axis2=2) - along
        return np.sqrt(np.maximum(total, 0.0) / norm2 / (self.dim - 1))

    def include(self, x: np.ndarray, answers: np.ndarray, likelihood: AnswerLikelihood) -> tuple[np.ndarray, np.ndarray]:
        """Add one answer per trial (features (T, d), answers (T,)) by ADF; returns its site (tau, nu), each (T,)."""
        m, v = self.marginals(x)
        tau, nu = _capped(*site_update(m, v, answers, likelihood), np.sum(x * x, axis=-1))
        sx = (self.cov @ x[..., None])[..., 0]
        gain = 1.0 / (1.0 + tau * v)
        self.mean = self.mean + sx * (gain * (nu - tau * m))[:, None]
        self.cov = self.cov - (tau * gain)[:, None, None] * sx[:, :, None] * sx[:, None, :]
        return tau, nu

    def _from_sites(self, reduced: np.ndarray, offset: np.ndarray, tau: np.ndarray, nu: np.ndarray) -> None:
        """Mean and covariance from the prior and the sites (on the tangent plane at ``self.centre`` where set)."""
        d = self.dim
        scale = np.where(self.tangent, self.tangent_scale, self.free_scale)[:, None, None]
        weighted = np.ascontiguousarray(np.swapaxes(reduced * tau[..., None], 1, 2))
        precision = weighted @ reduced + np.eye(d) / scale**2
        # c is an eigenvector of the precision (reduced features are perpendicular to it);
        # give it the mean eigenvalue instead of the prior's, so the inverse stays accurate
        # in the tangent directions, and take its exact contribution out afterwards
        c = self.centre
        along = np.maximum(np.trace(precision, axis1=1, axis2=2) / d, 1.0 / scale[:, 0, 0] ** 2)
        outer = c[:, :, None] * c[:, None, :]
        precision += (along - 1.0 / scale[:, 0, 0] ** 2)[:, None, None] * outer
        cov = np.linalg.inv(precision)
        cov = 0.5 * (cov + np.swapaxes(cov, 1, 2)) - outer / along[:, None, None]
        shift = (np.swapaxes(reduced, 1, 2) @ (nu - tau * offset)[..., None])[..., 0]
        self.cov = cov
        self.mean = c + (cov @ shift[..., None])[..., 0]

    def recentre(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Move each trial's frame to its mean direction (free trials once ready) for the features x (T, n, d).

        Returns the gap offsets c . x (T, n), the features' parts perpendicular to c (T, n, d)
        and the factor (T,) by which the trials' gaps shrink (||mean|| for trials switching
        now, else 1): a site is a Gaussian in its gap, so its tau scales by that squared and
        its nu by that (``rescale_sites``).
        """
        norm = np.maximum(np.linalg.norm(self.mean, axis=-1), 1e-300)
        ready = self.tangent | (self.rms() <= self.switch * self.free_scale)
        factor = np.where(ready & ~self.tangent, norm, 1.0)
        self.centre = np.where(ready[:, None], self.mean / norm[:, None], 0.0)
        offset = (x @ self.centre[..., None])[..., 0]
        return offset, x - offset[..., None] * self.centre[:, None, :], factor

    def copy(self) -> "DirectionPosterior":
        """An independent copy."""
        return self.subset(slice(None))

    def fit(
        self,
        offset: np.ndarray,
        reduced: np.ndarray,
        answers: np.ndarray,
        tau: np.ndarray,
        nu: np.ndarray,
        likelihood: AnswerLikelihood,
        *,
        sweeps: int = 2,
        damping: float = 0.5,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Damped parallel EP over all answers in the current frame (see ``recentre``).

        Parameters
        ----------
        offset, reduced : from ``recentre``, shapes (T, n) and (T, n, d)
        answers : ndarray of shape (T, n)
        tau, nu : ndarrays of shape (T, n), the sites to start from
        likelihood : the answer likelihood (T trials)

        Returns
        -------
        tau, nu : the new sites; cavity_mean, cavity_var : the cavities of the last sweep; all (T, n)
        """
        norm2 = offset**2 + np.sum(reduced * reduced, axis=-1)
        self._from_sites(reduced, offset, tau, nu)
        cavity_mean = cavity_var = None
        for _ in range(sweeps):
            m = offset + (reduced @ (self.mean - self.centre)[..., None])[..., 0]
            v = np.maximum(np.sum((reduced @ self.cov) * reduced, axis=-1), 1e-300)
            with np.errstate(divide="ignore", invalid="ignore"):
                cavity_precision = 1.0 / v - tau
                usable = cavity_precision > 1e-12 / v
                cavity_var = np.where(usable, 1.0 / np.where(usable, cavity_precision, 1.0), v)
                cavity_mean = np.where(usable, cavity_var * (m / v - nu), m)
            new_tau, new_nu = _capped(*site_update(cavity_mean, cavity_var, answers, likelihood), norm2)
            tau = np.where(usable, (1.0 - damping) * tau + damping * new_tau, tau)
            nu = np.where(usable, (1.0 - damping) * nu + damping * new_nu, nu)
            self._from_sites(reduced, offset, tau, nu)
        return tau, nu, cavity_mean, cavity_var

    def normalised(self) -> tuple[np.ndarray, np.ndarray]:
        """The mean direction u = w / ||w|| (T, d) and the variances of the normalised w's entries (T, d), to first order.

        The normalised w moves by (I - u u') dw / ||w||, so its covariance is P cov P / ||w||^2.
        (A belief with no direction yet, mean 0, reports u = 0 and huge variances.)
        """
        norm = np.maximum(np.linalg.norm(self.mean, axis=-1), 1e-150)
        unit = self.mean / norm[:, None]
        cov_unit = (self.cov @ unit[..., None])[..., 0]
        along = np.sum(unit * cov_unit, axis=-1)
        diagonal = np.diagonal(self.cov, axis1=1, axis2=2) - 2.0 * unit * cov_unit + along[:, None] * unit**2
        return unit, np.maximum(diagonal, 0.0) / norm[:, None] ** 2
