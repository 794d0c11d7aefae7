"""Noise levels estimated from the answers themselves (the active elicitor's ``noise="auto"``).

Expectation propagation leaves, for every answer, a cavity belief N(m_i, v_i) about its gap
formed from all the other answers. The sum over the answers of log P(answer_i | cavity_i)
approximates the log evidence for the likelihood's levels, and its gradient in them is
exact at an EP fixed point. The flip rate p gets a posterior over a grid, with a prior that
puts some mass on p = 0 and spreads the rest with a preference for small rates, and its
posterior mean is used: with few answers it stays well above zero (assuming too few wrong
answers locks a belief onto them, assuming too many only slows it down); as consistent
answers accumulate the mass at zero takes over, and one clear contradiction moves it away. The band
half-width eps (hard edges: coin flips or "can't tell" inside) or the width s of a smooth
probit edge (a logistic-like judge), whichever fits better, is the value of highest evidence
(the flip rate integrated out) on a coarse grid, refined on a finer one around it; it leaves
zero only when that gains the evidence Schwarz's criterion asks of one more parameter. Flips
and an edge can both explain surprising answers, so they are judged together.
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
#: Evidence a smooth edge must gain over a hard band, in the same units.
SMOOTH_MARGIN = 0.0


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


def _answer_weights(likelihood: AnswerLikelihood, answers: np.ndarray) -> np.ndarray:
    """P(answer | region) for each answer: (T, n) -> (T, n, 3 regions)."""
    table = likelihood.table()  # (T, 3 regions, 3 answers)
    column = np.broadcast_to(answer_index(answers)[:, None, :], (answers.shape[0], 3, answers.shape[1]))
    return np.swapaxes(np.take_along_axis(table, column, axis=-1), 1, 2)


def _evidence_by_flip(likelihood: AnswerLikelihood, m: np.ndarray, v: np.ndarray, answers: np.ndarray) -> np.ndarray:
    """Sum over answers of log P(answer | cavity) for every flip rate of ``FLIP_GRID``: (T, n) -> (T, G).

    The answer table is affine in p, so each answer's evidence is top + log(s0 + p s1) with
    s0, s1 computed once from the (scaled) region probabilities.
    """
    log_regions = likelihood.region_log_probabilities(m, v)
    top = np.max(log_regions, axis=-1)
    regions = np.exp(log_regions - top[..., None])
    at_zero = _answer_weights(likelihood.with_levels(p=np.zeros_like(likelihood.p)), answers)
    at_half = _answer_weights(likelihood.with_levels(p=np.full_like(likelihood.p, 0.5)), answers)
    s0 = np.sum(regions * at_zero, axis=-1)
    s1 = 2.0 * np.sum(regions * (at_half - at_zero), axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        log_z = top[..., None] + np.log(np.maximum(s0[..., None] + FLIP_GRID * s1[..., None], 0.0))
    return np.sum(np.maximum(np.nan_to_num(log_z, nan=-1e4), -1e4), axis=1)


def _edge_search(likelihood: AnswerLikelihood, m: np.ndarray, v: np.ndarray, answers: np.ndarray,
                 widths: np.ndarray, smooth: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Among edge widths ``widths`` ((G,) shared or (T, G)), each read as a band half-width
    (hard edges) or, where ``smooth`` ((T,) bool), as a smoothing width (a probit judge), the one
    of highest penalised evidence with the flip rate integrated out under its prior; returns it
    (T,), its penalised evidence (T,) and the flip rate's log posterior there (T, len(FLIP_GRID))."""
    T, n = answers.shape
    widths = np.broadcast_to(widths, (T,) + widths.shape[-1:])
    best, best_score, best_post = np.zeros(T), np.full(T, -np.inf), np.zeros((T, FLIP_GRID.size))
    penalty = BAND_PENALTY * np.log(max(n, 2))
    for column in widths.T:
        levels = likelihood.with_levels(eps=np.where(smooth, 0.0, column), smoothing=np.where(smooth, column, 0.0))
        log_post = _evidence_by_flip(levels, m, v, answers) + _flip_log_prior()
        top = np.max(log_post, axis=-1)
        score = top + np.log(np.sum(np.exp(log_post - top[:, None]), axis=-1)) - np.where(column > 0, penalty, 0.0)
        better = score > best_score
        best = np.where(better, column, best)
        best_score = np.where(better, score, best_score)
        best_post = np.where(better[:, None], log_post, best_post)
    return best, best_score, best_post


def estimate_levels(
    likelihood: AnswerLikelihood,
    cavity_mean: np.ndarray,
    cavity_var: np.ndarray,
    answers: np.ndarray,
    *,
    smoothing: bool = True,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Flip rates (posterior means), band half-widths and edge smoothings (penalised maxima), each (T,).

    The judge's uncertainty near equal scores is a band with hard edges (coin flips or "can't
    tell" inside) or, with ``smoothing``, possibly a smooth probit edge (a logistic-like judge),
    whichever the answers support better; the other width is 0.

    Parameters
    ----------
    likelihood : the current likelihood, T trials (its tell and lapse are kept)
    cavity_mean, cavity_var, answers : ndarrays of shape (T, n)
    """
    m, v = cavity_mean, cavity_var
    T, n = answers.shape
    likelihood = likelihood.with_levels(smoothing=np.zeros(T))

    def search(smooth: np.ndarray, grid: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        width, score, log_post = _edge_search(likelihood, m, v, answers, grid, smooth)
        fine, fine_score, fine_post = _edge_search(likelihood, m, v, answers, width[:, None] * BAND_REFINE, smooth)
        better = (fine_score > score) & (width > 0)
        return np.where(better, fine, width), np.where(better, fine_score, score), np.where(better[:, None], fine_post, log_post)

    width, score, log_post = search(np.zeros(T, dtype=bool), BAND_GRID)
    smooth = np.zeros(T, dtype=bool)
    if smoothing:
        soft_width, soft_score, soft_post = search(np.ones(T, dtype=bool), BAND_GRID[1:])
        # each kind of edge refined before they are compared: on the coarse grid a hard band
        # misses the true width more than a forgiving smooth edge does
        smooth = soft_score > score + SMOOTH_MARGIN * np.log(max(n, 2))
        width = np.where(smooth, soft_width, width)
        log_post = np.where(smooth[:, None], soft_post, log_post)
    weights = np.exp(log_post - log_post.max(axis=-1, keepdims=True))
    p = weights @ FLIP_GRID / weights.sum(axis=-1)
    return p, np.where(smooth, 0.0, width), np.where(smooth, width, 0.0)
