"""Random fair instances for FPME trials: the published scripts' stream and oraclelab's own.

Per (m, k) the published scripts seed numpy's legacy global generator with 7, draw the
sphere centre o ~ N(0, I_q), then draw instances one after another from the same stream
until enough are well formed. One candidate takes, in this order: a = u / ||u|| with
u ~ U[0,1)^q (a redrawn alone while any a_i < 0.01); pair weights w ~ U[0,1)^v scaled to
sum 2; per pair scikit-learn's ``make_spd_matrix`` draws (A ~ U[0,1)^(q x q), then
U[0,1)^q), the matrix scaled to Frobenius norm w_c; lam = 0.25 + 0.5 U[0,1); per class c
the group shares p_c ~ U[0,1)^m over their sum. ``published_fair_instances`` replays that
stream (``RandomState``); ``random_fair_instances`` draws the same way from a PCG64 Generator.
"""

from __future__ import annotations

import numpy as np

from oraclelab._validation import check_int_at_least, check_positive
from oraclelab.elicit._geometry import Sphere, n_rates
from oraclelab.elicit._metrics import _spd_from_uniforms, is_well_formed
from oraclelab.elicit.fair._groups import parameterisations
from oraclelab.elicit.fair._metric import FairMetric
from oraclelab.errors import ParameterError
from oraclelab.runs._seeding import as_generator

__all__ = ["published_fair_instances", "random_fair_instances", "fair_well_formed"]

#: Smallest entry of a drawn a (the published generator redraws a below it).
MIN_WEIGHT = 1e-2


def fair_well_formed(metric: FairMetric, radius: float = 1.0) -> np.ndarray:
    """Mask (T,): every parameterisation's view meets QME's regularity condition on S(0, radius)."""
    moved = parameterisations(metric.groups)
    views = metric.view(np.zeros(metric.dim), moved)
    return is_well_formed(views, Sphere.centred(metric.dim, radius)).reshape(metric.n_trials, len(moved)).all(axis=1)


def _draw_candidates(source: np.random.RandomState | np.random.Generator, n: int, q: int, groups: int, classes: int
                     ) -> FairMetric:
    """The next n candidates of ``source`` in the published draw order (module docstring)."""
    v = groups * (groups - 1) // 2
    a, weights, lam = np.empty((n, q)), np.empty((n, v)), np.empty(n)
    A, w_spd, p = np.empty((n, v, q, q)), np.empty((n, v, q)), np.empty((n, classes, groups))
    for i in range(n):
        a[i] = _draw_direction(source, q)
        weights[i] = source.uniform(0.0, 1.0, size=v)
        for pair in range(v):
            A[i, pair] = source.uniform(size=(q, q))
            w_spd[i, pair] = source.uniform(size=q)
        lam[i] = source.uniform(0.25, 0.75)
        for c in range(classes):
            p[i, c] = source.uniform(0.0, 1.0, size=groups)
    weights *= 2 / weights.sum(axis=1, keepdims=True)
    S = _spd_from_uniforms(A.reshape(n * v, q, q), w_spd.reshape(n * v, q)).reshape(n, v, q, q)
    B = S / np.sqrt(np.sum(S**2, axis=(2, 3)) / weights**2)[..., None, None]
    p /= p.sum(axis=2, keepdims=True)
    shares = np.repeat(np.swapaxes(p, 1, 2), classes - 1, axis=2)  # block c of T_g is p_c[g]
    return FairMetric(a, B, lam, shares)


def _draw_direction(source: np.random.RandomState | np.random.Generator, q: int) -> np.ndarray:
    """a = u / ||u||, u ~ U[0,1)^q, redrawn while any entry is below ``MIN_WEIGHT``."""
    while True:
        u = source.random(q)
        a = u / np.sqrt(np.sum(np.square(u)))
        if not (a < MIN_WEIGHT).any():
            return a


def _instances(source: np.random.RandomState | np.random.Generator, groups: int, classes: int, n_trials: int,
               radius: float, max_draws: int, owner: str) -> tuple[FairMetric, Sphere]:
    """The centre, then the first ``n_trials`` well-formed candidates of ``source``, in stream order."""
    m = check_int_at_least(groups, "groups", owner, 2)
    k = check_int_at_least(classes, "classes", owner, 2)
    n = check_int_at_least(n_trials, "n_trials", owner, 1)
    radius = check_positive(radius, "radius", owner)
    q = n_rates(k)
    sphere = Sphere(source.standard_normal(q), radius)
    kept: list[FairMetric] = []
    found = drawn = 0
    block = n
    while found < n:
        if drawn >= max_draws:
            raise ParameterError(f"{owner} found only {found} of {n} well-formed instances for (m, k) = ({m}, {k}) "
                                 f"in {drawn} draws; raise 'max_draws' or ask for fewer trials.")
        candidates = _draw_candidates(source, block, q, m, k)
        keep = np.flatnonzero(fair_well_formed(candidates, radius))
        if keep.size:
            kept.append(candidates.take(keep))
        found += keep.size
        drawn += block
        block = int(min(max(1.2 * (n - found) * drawn / max(found, 1), 16), 20_000))
    metric = FairMetric(*(np.concatenate([getattr(part, name) for part in kept])[:n]
                          for name in ("a", "B", "lam", "shares")))
    return metric, sphere


def published_fair_instances(groups: int, classes: int, n_trials: int, *, seed: int = 7, radius: float = 1.0,
                             max_draws: int = 1_000_000) -> tuple[FairMetric, Sphere]:
    """The published scripts' FPME instances for (m, k): their stream replayed (legacy ``RandomState``).

    Returns the first ``n_trials`` well-formed instances and the sphere S(o, radius), o the
    stream's first draw. With seed 7 these are the instances behind the published results.
    """
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or not 0 <= seed < 2**32:
        raise ParameterError(f"The 'seed' parameter of published_fair_instances must be an int in [0, 2**32). "
                             f"Got {seed!r} instead.")
    state = np.random.RandomState(int(seed))
    return _instances(state, groups, classes, n_trials, radius, max_draws, "published_fair_instances")


def random_fair_instances(groups: int, classes: int, n_trials: int, *, rng: np.random.Generator | int | None = None,
                          radius: float = 1.0, max_draws: int = 1_000_000) -> tuple[FairMetric, Sphere]:
    """Well-formed FPME instances drawn as the published generator does, from a PCG64 Generator.

    Pass ``oraclelab.runs.stream_generator(seed, ...)`` for a named, reproducible stream.
    """
    return _instances(as_generator(rng), groups, classes, n_trials, radius, max_draws, "random_fair_instances")
