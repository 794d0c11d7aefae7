"""Noise levels estimated from the answers themselves (the active elicitor's ``noise="auto"``).

Expectation propagation leaves, for every answer, a cavity belief N(m_i, v_i) about its gap
formed from all the other answers. The sum over the answers of log P(answer_i | cavity_i)
approximates the log evidence for the likelihood's levels, and its gradient in them is
exact at an EP fixed point. The flip rate p gets a posterior over a grid, with a prior that
puts some mass on p = 0 and spreads the rest with a preference for small rates, and its
posterior mean is used: with few answers it stays well above zero (assuming too few wrong
answers locks a belief onto them, assuming too many only slows it down); as consistent
answers accumulate the mass at zero takes over, and one clear contradiction moves it away. The band
half-width eps is the value of highest evidence on a coarse grid, refined on a finer one
around it; it leaves zero only when that gains the evidence Schwarz's criterion asks of one
more parameter.
"""

from __future__ import annotations

import numpy as np

from oraclelab.elicit._likelihood import AnswerLikelihood, answer_index

__all__ = ["FLIP_GRID", "BAND_GRID", "FLIP_PRIOR_SCALE", "FLIP_PRIOR_ZERO", "estimate_levels", "prior_flip_mean"]

FLIP_GRID = np.linspace(0.0, 0.45, 31)
BAND_GRID = np.concatenate([[0.0], 1e-6 * 2.0 ** np.arange(17)])
#: Factors around the best coarse band half-width tried next.
BAND_REFINE = 1.1 ** np.arange(-7, 8)
#: Prior on the flip rate: mass FLIP_PRIOR_ZERO at p = 0, the rest spread over the grid's other
#: points in proportion to exp(-p / FLIP_PRIOR_SCALE).
FLIP_PRIOR_SCALE = 0.1
FLIP_PRIOR_ZERO = 0.3
#: Evidence a band must gain to leave zero, in units of log(number of answers).
BAND_PENALTY = 0.5


def _flip_log_prior() -> np.ndarray:
    weights = np.exp(-FLIP_GRID / FLIP_PRIOR_SCALE)
    weights[0] = 0.0
    weights *= (1.0 - FLIP_PRIOR_ZERO) / weights.sum()
    weights[0] = FLIP_PRIOR_ZERO
    with np.errstate(divide="ignore"):
        return np.log(weights)


def prior_flip_mean() -> float:
    """Mean flip rate under the prior alone (before any answer)."""
    return float(np.exp(_flip_log_prior()) @ FLIP_GRID)


def _total_log_evidence(log_regions: np.ndarray, likelihood: AnswerLikelihood, answers: np.ndarray) -> np.ndarray:
    """Sum over answers of log P(answer | cavity) from the region log-probabilities (T, n, 3) -> (T,)."""
    table = likelihood.table()  # (T, 3 regions, 3 answers)
    column = np.broadcast_to(answer_index(answers)[:, None, :], (answers.shape[0], 3, answers.shape[1]))
    weights = np.swapaxes(np.take_along_axis(table, column, axis=-1), 1, 2)  # (T, n, 3 regions)
    with np.errstate(divide="ignore"):
        terms = log_regions + np.log(weights)
    top = np.max(terms, axis=-1)
    log_z = top + np.log(np.sum(np.exp(terms - top[..., None]), axis=-1))
    return np.sum(np.maximum(log_z, -1e4), axis=-1)


def _best_band(likelihood: AnswerLikelihood, m: np.ndarray, v: np.ndarray, answers: np.ndarray,
               grid: np.ndarray, n: int) -> np.ndarray:
    """The band half-width of highest penalised evidence among ``grid`` ((G,) shared, or (T, G) per trial)."""
    grid = np.broadcast_to(grid, (answers.shape[0],) + grid.shape[-1:])
    totals = []
    for column in grid.T:
        trial = likelihood.with_levels(eps=column)
        totals.append(_total_log_evidence(trial.region_log_probabilities(m, v), trial, answers))
    penalised = np.stack(totals, axis=-1) - np.where(grid > 0, BAND_PENALTY * np.log(max(n, 2)), 0.0)
    return np.take_along_axis(grid, np.argmax(penalised, axis=-1)[:, None], axis=-1)[:, 0]


def estimate_levels(
    likelihood: AnswerLikelihood,
    cavity_mean: np.ndarray,
    cavity_var: np.ndarray,
    answers: np.ndarray,
    *,
    flip: bool = True,
    band: bool = True,
) -> tuple[np.ndarray, np.ndarray]:
    """Flip rates (posterior means) and band half-widths (penalised maxima), each (T,), from cavities.

    Parameters
    ----------
    likelihood : the current likelihood, T trials (its smoothing, tell and lapse are kept)
    cavity_mean, cavity_var, answers : ndarrays of shape (T, n)
    flip, band : which levels to estimate (the other keeps its current value)
    """
    p, eps = likelihood.p.copy(), likelihood.eps.copy()
    n = answers.shape[-1]
    if band:
        eps = _best_band(likelihood, cavity_mean, cavity_var, answers, BAND_GRID, n)
        refined = eps[:, None] * BAND_REFINE  # (T, R), zero rows stay zero
        eps = _best_band(likelihood, cavity_mean, cavity_var, answers, refined, n)
    if flip:
        with_band = likelihood.with_levels(eps=eps)
        log_regions = with_band.region_log_probabilities(cavity_mean, cavity_var)
        log_post = np.stack([
            _total_log_evidence(log_regions, with_band.with_levels(p=np.full_like(p, value)), answers) for value in FLIP_GRID
        ], axis=-1) + _flip_log_prior()
        weights = np.exp(log_post - log_post.max(axis=-1, keepdims=True))
        p = weights @ FLIP_GRID / weights.sum(axis=-1)
    return p, eps
