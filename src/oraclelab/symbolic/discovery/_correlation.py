"""How well learned latents match known true latents: |correlation| and min_corr."""

from __future__ import annotations

import numpy as np


def correlation_matrix(true_latents: np.ndarray, learned: np.ndarray) -> np.ndarray:
    """|Pearson correlation| between each true latent (rows) and each learned latent (columns).

    Parameters
    ----------
    true_latents : ndarray of shape (N, Lt)
    learned : ndarray of shape (N, L)

    Returns
    -------
    ndarray of shape (Lt, L); a constant column correlates 0 with everything.
    """
    def standardise(a: np.ndarray) -> np.ndarray:
        a = np.asarray(a, dtype=np.float64)
        centred = a - a.mean(axis=0)
        scale = np.sqrt((centred**2).sum(axis=0))
        return np.divide(centred, scale, out=np.zeros_like(centred), where=scale > 1e-300)

    return np.abs(standardise(true_latents).T @ standardise(learned))


def min_corr(true_latents: np.ndarray, learned: np.ndarray) -> float:
    """For each true latent the best |corr| with a learned latent, then the minimum over true latents."""
    return float(correlation_matrix(true_latents, learned).max(axis=1).min())
