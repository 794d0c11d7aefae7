"""Sparse regression on simple terms and their pairwise products: the target as c0 + c1 p1 + ... + ck pk.

F04 = sin(x0)**2*cos(x1)**2 + x2**3*exp(x2) is no function of one sum of dictionary terms,
and no library's latents read it out, yet it is a short sum of products of two single-input
terms: x2**3 * exp(x2), and (1 - cos(2*x0)) (1 + cos(2*x1)) / 4 expanded. The features here
are the dictionary of :mod:`._term_dictionary` (single-input and pair terms, grid
frequencies) and every product of two of its single-input terms (squares included), each
kept once (x0 * x0**2 is x0**3). A beam search over supports fits each by least squares:
adding feature j to a support with orthonormal basis Q and residual r lowers the squared
residual by (r . f_j)**2 / |f_j - Q Q^T f_j|**2, computed for every j and every support of the
beam at once; the ``beam`` best extensions are refitted exactly (QR) and kept. Linear in the
coefficients, so there are no starts and no randomness; the frequencies stay on the grid (the
single-index search is the one that moves them).
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import sympy

from oraclelab.errors import ParameterError
from oraclelab.symbolic.regression._single_index import EXACT_RELATIVE_MSE, SIZE_TOLERANCE, IndexStep, SupportPathFit
from oraclelab.symbolic.regression._term_dictionary import term_dictionary, term_values

__all__ = ["ProductFit", "product_features", "sparse_product_regression"]

#: A feature whose part orthogonal to a support keeps less than this share of its squared norm adds nothing.
_COLLINEAR = 1e-10
#: Decimals two standardised columns (mean 0, std 1) are compared at when dropping repeated features.
_REPEAT_DIGITS = 10


@dataclass(frozen=True)
class ProductFit(SupportPathFit):
    """The chosen formula (sympy, in ``symbols``), the best support of each size (relative MSEs), the chosen size,
    and how many features the search chose from."""

    n_features: int = 0

    def summary(self) -> dict:
        """The formula, the features, the chosen terms and the path, by name (JSON-ready)."""
        return {"formula": str(self.expression), "n_features": self.n_features, **self.path_summary()}


def product_features(X: np.ndarray, input_names: Sequence[str]
                     ) -> tuple[tuple[sympy.Symbol, ...], tuple[sympy.Expr, ...], np.ndarray]:
    """The dictionary's terms and the products of two of its single-input terms, finite and varying on X, each once.

    Returns the symbols, the features (sympy) and their values on X (n, features). A product
    equal on X to an earlier feature (x0 * x0**2 and x0**3; x0 * x1 and the pair term x0*x1)
    is dropped, the earlier one kept: the dictionary's terms come first.
    """
    dictionary = term_dictionary(X, input_names)
    single = [j for j, term in enumerate(dictionary.terms) if len(term.free_symbols) == 1]
    pairs = list(itertools.combinations_with_replacement(single, 2))
    products = [dictionary.terms[a] * dictionary.terms[b] for a, b in pairs]
    with np.errstate(all="ignore"):
        product_values = np.stack([dictionary.values[:, a] * dictionary.values[:, b] for a, b in pairs], axis=1) \
            if pairs else np.empty((len(X), 0))
    features = [*dictionary.terms, *products]
    values = np.concatenate([dictionary.values, product_values], axis=1)
    with np.errstate(all="ignore"):
        usable = np.all(np.isfinite(values), axis=0) & (np.ptp(values, axis=0) > 0)
        standard = (values - values.mean(axis=0)) / values.std(axis=0)
    rounded = np.round(np.nan_to_num(standard), _REPEAT_DIGITS)
    seen: set[bytes] = set()
    keep = []
    for j in range(values.shape[1]):
        key = rounded[:, j].tobytes()
        if usable[j] and key not in seen:
            seen.add(key)
            keep.append(j)
    return dictionary.symbols, tuple(features[j] for j in keep), values[:, keep]


def _fit(F: np.ndarray, y: np.ndarray, supports: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Least squares of centred y on centred columns F[:, S] for every support S (B, k): orthonormal bases Q
    (B, n, k), coefficients (B, k) and residuals (B, n)."""
    A = F[:, supports].transpose(1, 0, 2)
    Q, R = np.linalg.qr(A)
    projection = np.einsum("bnk,n->bk", Q, y)
    coefficients = np.linalg.solve(R, projection[..., None])[..., 0]
    return Q, coefficients, y - np.einsum("bnk,bk->bn", Q, projection)


def _extend(F: np.ndarray, norms: np.ndarray, supports: np.ndarray, Q: np.ndarray, residual: np.ndarray,
            beam: int) -> np.ndarray:
    """The ``beam`` supports one feature larger than those given (B, k; k may be 0), ranked by the one-step
    update from each support's fit (orthonormal basis Q (B, n, k) and residual (B, n), as :func:`_fit` returns
    them), without repeats. Returns (beam', k + 1)."""
    inside = Q.transpose(0, 2, 1) @ F
    residual_norm = norms[None] - np.einsum("bkm,bkm->bm", inside, inside)
    correlation = residual @ F
    rss = np.einsum("bn,bn->b", residual, residual)
    with np.errstate(all="ignore"):
        after = rss[:, None] - correlation ** 2 / residual_norm
    after[~(residual_norm > _COLLINEAR * norms[None])] = np.inf
    rows = np.arange(len(supports))[:, None]
    after[rows, supports] = np.inf
    chosen: dict[tuple[int, ...], None] = {}
    for flat in np.argsort(after, axis=None, kind="stable"):
        b, j = divmod(int(flat), F.shape[1])
        if not np.isfinite(after[b, j]) or len(chosen) >= beam:
            break
        chosen.setdefault(tuple(sorted((*supports[b].tolist(), j))), None)
    return np.array(list(chosen), dtype=int).reshape(len(chosen), supports.shape[1] + 1)


def sparse_product_regression(X: np.ndarray, y: np.ndarray, X_val: np.ndarray, y_val: np.ndarray, *,
                              input_names: Sequence[str] | None = None, max_terms: int = 5, beam: int = 100
                              ) -> ProductFit:
    """y ~ c0 + sum of at most ``max_terms`` features of :func:`product_features`, fitted by least squares.

    Sizes grow from one feature; each size ranks every one-feature extension of the previous
    size's ``beam`` best supports, refits the ``beam`` best exactly and keeps them. It stops at
    ``max_terms`` or at a support exact to round-off. Of the best support of each size, the
    fewest features within ``SIZE_TOLERANCE`` of the lowest validation MSE are chosen.
    """
    start = time.perf_counter()
    X, X_val = np.asarray(X, dtype=float), np.asarray(X_val, dtype=float)
    names = list(input_names) if input_names is not None else [f"x{k}" for k in range(X.shape[1])]
    symbols, features, values = product_features(X, names)
    if not features:
        raise ParameterError("product regression: no feature is finite and varies on the data")
    mean, std = values.mean(axis=0), values.std(axis=0)
    F = (values - mean) / std
    norms = np.einsum("nm,nm->m", F, F)
    y = np.asarray(y, dtype=float)
    y_mean, y_std = float(y.mean()), float(y.std()) or 1.0
    target = (y - y_mean) / y_std
    target_val = (np.asarray(y_val, dtype=float) - y_mean) / y_std
    path, fitted = [], []
    supports, Q, residual = np.empty((1, 0), dtype=int), np.empty((1, len(target), 0)), target[None]
    for _ in range(min(max_terms, len(features))):
        supports = _extend(F, norms, supports, Q, residual, beam)
        if len(supports) == 0:
            break
        Q, coefficients, residual = _fit(F, target, supports)
        loss = np.mean(residual ** 2, axis=1)
        order = np.argsort(loss, kind="stable")
        supports, Q, coefficients, residual, loss = (supports[order], Q[order], coefficients[order],
                                                     residual[order], loss[order])
        terms = [features[j] for j in supports[0]]
        with np.errstate(all="ignore"):
            columns_val = (term_values(terms, symbols, X_val) - mean[supports[0]]) / std[supports[0]]
            mse_val = float(np.mean((columns_val @ coefficients[0] - target_val) ** 2))
        path.append(IndexStep(tuple(str(term) for term in terms), float(loss[0]),
                              mse_val if np.isfinite(mse_val) else float("inf"), len(supports)))
        fitted.append((terms, supports[0], coefficients[0]))
        if loss[0] <= EXACT_RELATIVE_MSE:
            break
    lowest = min(step.mse_validation for step in path)
    chosen = next(k for k, step in enumerate(path)
                  if step.mse_validation <= (1 + SIZE_TOLERANCE) * lowest + EXACT_RELATIVE_MSE)
    terms, support, coefficients = fitted[chosen]
    weights = y_std * coefficients / std[support]
    offset = y_mean - float(weights @ mean[support])
    expression = sympy.Add(*(sympy.Float(float(w)) * term for w, term in zip(weights, terms)), sympy.Float(offset))
    return ProductFit(expression, symbols, tuple(path), chosen, time.perf_counter() - start, n_features=len(features))
