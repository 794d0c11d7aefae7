"""Hidden quadratic metrics score(r) = <a, r> + 1/2 r'Br + c, batched over trials.

Also the random metrics of the QME study and the regularity ("well formed") condition.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import numpy as np

from oraclelab._validation import as_float_array, check_int_at_least
from oraclelab.elicit._geometry import Sphere
from oraclelab.elicit._trials import TrialBatch
from oraclelab.errors import ParameterError
from oraclelab.runs._seeding import as_generator

__all__ = [
    "QuadraticMetric", "random_spd_matrices", "random_metrics", "published_metrics", "regularity_margins", "is_well_formed",
]

#: Smallest allowed magnitude of a normalised gradient's first coordinate (and of the
#: difference of the f_1/f_0 ratios at -e_0 and +e_0) in a well-formed metric.
MIN_GRADIENT = 0.1
#: Radius of the small spheres on which QME runs LPME.
SMALL_RADIUS = 5e-3


@dataclass(frozen=True)
class QuadraticMetric(TrialBatch):
    """A batch of T quadratic metrics score(r) = <a, r> + 1/2 r'Br + c.

    Parameters
    ----------
    a : ndarray of shape (T, q) (a single (q,) is promoted to T = 1)
    B : ndarray of shape (T, q, q), symmetric; None for linear metrics (B = 0)
    c : ndarray of shape (T,) or float, a constant that never changes a comparison
    require_positive_definite : check that every B is positive definite (QME assumes it)
    """

    BATCHED = "a"

    a: np.ndarray
    B: np.ndarray | None = None
    c: np.ndarray | float = 0.0
    require_positive_definite: bool = False

    def __post_init__(self) -> None:
        owner = "QuadraticMetric"
        a = as_float_array(self.a, "a", owner, ndim=(1, 2))
        if a.ndim == 1:
            a = a[None]
        n_trials, q = a.shape
        if q < 2:
            raise ParameterError(f"The 'a' parameter of {owner} needs q >= 2 rates. Got shape {a.shape}.")
        B = self.B
        if B is not None:
            B = as_float_array(B, "B", owner, ndim=(2, 3))
            if B.ndim == 2:
                B = B[None]
            if B.shape != (n_trials, q, q):
                raise ParameterError(
                    f"The 'B' parameter of {owner} must have shape {(n_trials, q, q)} to match 'a' "
                    f"of shape {a.shape}. Got shape {B.shape}."
                )
            asymmetry = np.abs(B - np.swapaxes(B, 1, 2)).max(axis=(1, 2))
            scale = np.maximum(np.abs(B).max(axis=(1, 2)), 1.0)
            bad = np.flatnonzero(asymmetry > 1e-9 * scale)
            if bad.size:
                raise ParameterError(
                    f"The 'B' parameter of {owner} must be symmetric: trial {bad[0]} differs from its "
                    f"transpose by {asymmetry[bad[0]]:.3g}."
                )
            if self.require_positive_definite:
                smallest = np.linalg.eigvalsh(B)[:, 0]
                bad = np.flatnonzero(smallest <= 0)
                if bad.size:
                    raise ParameterError(
                        f"The 'B' parameter of {owner} must be positive definite: trial {bad[0]} has "
                        f"smallest eigenvalue {smallest[bad[0]]:.3g}."
                    )
        c = np.broadcast_to(as_float_array(self.c, "c", owner, ndim=(0, 1)), (n_trials,)).copy()
        object.__setattr__(self, "a", a)
        object.__setattr__(self, "B", B)
        object.__setattr__(self, "c", c)

    def score(self, rates: np.ndarray) -> np.ndarray:
        """Scores of rates of shape (T, ..., q) -> (T, ...)."""
        r = np.asarray(rates, dtype=np.float64)
        flat = r.reshape(self.n_trials, -1, self.dim)
        value = np.einsum("tnq,tq->tn", flat, self.a)
        if self.B is not None:
            value += 0.5 * np.einsum("tnq,tnq->tn", flat @ self.B, flat)
        value += self.c[:, None]
        return value.reshape(r.shape[:-1])

    def gradient(self, rates: np.ndarray) -> np.ndarray:
        """Gradients a + B r at rates of shape (T, ..., q) -> (T, ..., q)."""
        r = np.asarray(rates, dtype=np.float64)
        flat = r.reshape(self.n_trials, -1, self.dim)
        grad = np.broadcast_to(self.a[:, None, :], flat.shape).copy()
        if self.B is not None:
            grad += flat @ self.B
        return grad.reshape(r.shape)

    def take(self, trials: np.ndarray | slice) -> "QuadraticMetric":
        """The sub-batch of the given trials."""
        B = None if self.B is None else self.B[trials]
        return QuadraticMetric(self.a[trials], B, self.c[trials])


def random_spd_matrices(n: int, q: int, rng: np.random.Generator | int | None = None) -> np.ndarray:
    """Random symmetric positive-definite matrices, shape (n, q, q).

    Same construction as scikit-learn's ``make_spd_matrix`` (used by the published QME
    study): with A uniform on [0, 1)^(q x q) and A'A = U S V', return U (J + diag(w)) V'
    where J is the all-ones matrix and w is uniform on [0, 1)^q; then symmetrised.
    """
    gen = as_generator(rng)
    return _spd_from_uniforms(gen.random((n, q, q)), gen.random((n, q)))


def _spd_from_uniforms(A: np.ndarray, w: np.ndarray) -> np.ndarray:
    """``make_spd_matrix``'s U (J + diag(w)) V' from its uniform draws A (n, q, q) and w (n, q)."""
    U, _, Vt = np.linalg.svd(np.swapaxes(A, 1, 2) @ A)
    middle = 1.0 + np.eye(A.shape[-1]) * w[:, None, :]
    X = U @ middle @ Vt
    return 0.5 * (X + np.swapaxes(X, 1, 2))


def _normalised(a: np.ndarray, B: np.ndarray, share_a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rescale each (a, B) so that ||a||^2 = share_a and ||B||_F^2 = 1 - share_a."""
    a = a * np.sqrt(share_a / np.sum(a**2, axis=1))[:, None]
    B = B * np.sqrt((1.0 - share_a) / np.sum(B**2, axis=(1, 2)))[:, None, None]
    return a, B


def _draw_metrics(n: int, q: int, gen: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    a = gen.random((n, q))
    B = random_spd_matrices(n, q, gen)
    return _normalised(a, B, gen.uniform(0.3, 0.7, size=n))


def _draw_published(n: int, q: int, state: np.random.RandomState) -> tuple[np.ndarray, np.ndarray]:
    """n consecutive draws of the published ``create_a_B``, in its order of random numbers.

    Per draw it takes a = rand(q), then make_spd_matrix's A = rand(q, q) and w = rand(q),
    then uniform(0.3, 0.7): q*q + 2q + 1 doubles of one stream, so one block of doubles
    reproduces the per-draw calls exactly.
    """
    block = state.random_sample((n, q * q + 2 * q + 1))
    a = block[:, :q]
    A = block[:, q : q + q * q].reshape(n, q, q)
    w = block[:, q + q * q : -1]
    share_a = 0.3 + (0.7 - 0.3) * block[:, -1]
    return _normalised(a, _spd_from_uniforms(A, w), share_a)


def qme_offsets(q: int, delta: float) -> np.ndarray:
    """Offsets from the sphere centre of the q + 2 small-sphere centres QME queries.

    Row 0: the centre itself; row 1: -delta e_0; row 2 + j: +delta e_j. Shape (q + 2, q).
    """
    offsets = np.zeros((q + 2, q))
    offsets[1, 0] = -delta
    offsets[2:] = delta * np.eye(q)
    return offsets


def regularity_margins(metric: QuadraticMetric, sphere: Sphere, small_radius: float = SMALL_RADIUS) -> np.ndarray:
    """How far each metric is from violating the regularity condition (>= 0 means well formed).

    The condition: every normalised true gradient QME estimates has |first coordinate| >=
    0.1, and the f_1/f_0 ratios at -delta e_0 and +delta e_0 differ by >= 0.1.

    Returns
    -------
    ndarray of shape (T,): the smaller of the two margins.
    """
    points = sphere.origin + qme_offsets(metric.dim, sphere.radius - small_radius)
    grads = metric.gradient(np.broadcast_to(points, (metric.n_trials,) + points.shape))
    unit = grads / np.linalg.norm(grads, axis=-1, keepdims=True)
    first = np.abs(unit[..., 0]).min(axis=1) - MIN_GRADIENT
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio_gap = np.abs(unit[:, 1, 1] / unit[:, 1, 0] - unit[:, 2, 1] / unit[:, 2, 0])
    ratio = np.nan_to_num(ratio_gap, nan=0.0, posinf=np.inf) - MIN_GRADIENT
    return np.minimum(first, ratio)


def is_well_formed(metric: QuadraticMetric, sphere: Sphere, small_radius: float = SMALL_RADIUS) -> np.ndarray:
    """Boolean mask (T,) of the metrics that meet the regularity condition."""
    return regularity_margins(metric, sphere, small_radius) >= 0


def random_metrics(
    n_trials: int,
    q: int,
    *,
    well_formed: bool = True,
    sphere: Sphere | None = None,
    rng: np.random.Generator | int | None = None,
    max_draws: int = 10_000_000,
) -> QuadraticMetric:
    """Random metrics of the QME study: a ~ U[0,1)^q, B random SPD, ||a||^2 + ||B||_F^2 = 1.

    ||a||^2 is drawn uniformly in [0.3, 0.7]. With ``well_formed`` the metrics are drawn by
    vectorised rejection sampling until each meets the regularity condition on ``sphere``
    (default: radius 1 centred at the origin). ``published_metrics`` draws from the same
    distribution through the published scripts' random stream.
    """
    gen = as_generator(rng)
    return _sample_metrics(n_trials, q, partial(_draw_metrics, gen=gen), well_formed, sphere, max_draws, "random_metrics")


def published_metrics(
    n_trials: int,
    q: int,
    *,
    well_formed: bool = True,
    sphere: Sphere | None = None,
    seed: int = 7,
    max_draws: int = 10_000_000,
) -> QuadraticMetric:
    """The metrics the published QME scripts draw: same seed, same metrics, in the same order.

    Their ``create_qme_trial`` seeds numpy's legacy global stream with ``seed`` (7) for each
    configuration and calls ``create_a_B`` per trial, redrawing until the metric is well
    formed when asked. This replays that stream (Mersenne Twister, as ``RandomState``) in
    vectorised blocks; the distribution is that of ``random_metrics``.
    """
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or not 0 <= seed < 2**32:
        raise ParameterError(f"The 'seed' parameter of published_metrics must be an int in [0, 2**32). Got {seed!r} instead.")
    state = np.random.RandomState(int(seed))
    draw = partial(_draw_published, state=state)
    return _sample_metrics(n_trials, q, draw, well_formed, sphere, max_draws, "published_metrics")


def _sample_metrics(
    n_trials: int,
    q: int,
    draw: Callable[[int, int], tuple[np.ndarray, np.ndarray]],
    well_formed: bool,
    sphere: Sphere | None,
    max_draws: int,
    owner: str,
) -> QuadraticMetric:
    """The first ``n_trials`` metrics of ``draw``'s stream (only the well-formed ones if asked).

    Draws go in blocks sized from the acceptance rate so far; blocks are consecutive parts
    of one stream, so the metrics kept do not depend on the block sizes.
    """
    n = check_int_at_least(n_trials, "n_trials", owner, 1)
    q = check_int_at_least(q, "q", owner, 2)
    sphere = sphere if sphere is not None else Sphere.centred(q)
    if sphere.dim != q:
        raise ParameterError(f"The 'sphere' of {owner} has {sphere.dim} rates, but q = {q}.")
    if not well_formed:
        return QuadraticMetric(*draw(n, q))
    kept_a, kept_B, found, drawn, batch = [], [], 0, 0, n
    while found < n:
        a, B = draw(batch, q)
        keep = is_well_formed(QuadraticMetric(a, B), sphere)
        kept_a.append(a[keep])
        kept_B.append(B[keep])
        found += int(keep.sum())
        drawn += batch
        if drawn >= max_draws and found < n:
            raise ParameterError(
                f"{owner} found only {found} of {n} well-formed metrics for q = {q} in "
                f"{drawn} draws; use ill-formed metrics or a larger 'max_draws'."
            )
        rate = max(found, 1) / drawn
        batch = int(min(max(1.2 * (n - found) / rate, 64), 200_000))
    return QuadraticMetric(np.concatenate(kept_a)[:n], np.concatenate(kept_B)[:n])
