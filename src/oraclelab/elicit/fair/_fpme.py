"""FPME: fair performance metric elicitation (Hiranandani et al., UAI 2022), batched over trials.

Stage 1 runs LPME on S(o, rho) with every group at the same rate s, where phi is the
linear metric (1 - lam) <a, s>: it returns a_hat. Stage 2 runs one QME per
parameterisation P on S(0, rho), moving the groups of P to o + s and leaving the others at
o; all QMEs of all trials advance as one lockstep batch of the QME engine. The measurement
and the linear system (``_recovery``) then give B_hat and lam_hat. Mode 'classic' is the
published algorithm decision for decision; 'robust' only replaces its scale estimate (plain
mean of ratios) by a least-squares fit that one bad coordinate cannot flip.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from oraclelab._validation import check_choice
from oraclelab.elicit._geometry import Sphere
from oraclelab.elicit._lpme import elicit_linear
from oraclelab.elicit._metrics import SMALL_RADIUS
from oraclelab.elicit._qme import GradientCheck, check_gradients, degenerate_trials, elicit_quadratic, gradient_names
from oraclelab.elicit._qme import solve_quadratic, true_gradients as qme_true_gradients
from oraclelab.elicit.fair._groups import parameterisation_label, parameterisations
from oraclelab.elicit.fair._metric import FairMetric, moved_shares
from oraclelab.elicit.fair._oracle import FairOracle
from oraclelab.elicit.fair._recovery import Recovery, recover
from oraclelab.errors import ParameterError

__all__ = ["FAIR_MODES", "FairResult", "elicit_fair", "check_fair_gradients"]

#: FPME modes and the scale estimate each uses (see ``_recovery``).
FAIR_MODES = {"classic": "mean", "robust": "lstsq"}


@dataclass(frozen=True)
class FairResult(Recovery):
    """Outcome of a batch of FPME runs: the recovered (B, lam) with its reliability, and how it was reached.

    Attributes
    ----------
    B, lam, scales, reliable, unreliable_reason : as in :class:`Recovery` (B's group pairs in
        lexicographic order; a reason may also name a failed QME)
    a : ndarray of shape (T, q), elicited performance weights (stage 1)
    comparisons : ndarray of shape (T,), oracle comparisons per trial
    qme_a : ndarray of shape (T, P, q); qme_B : ndarray of shape (T, P, q, q), each of the P
        parameterisations' QME estimate (normalised: ||a||^2 + ||B||_F^2 = 1)
    gradients : ndarray of shape (T, P, q + 2, q), the QME gradients (``gradient_names`` order)
    """

    a: np.ndarray
    comparisons: np.ndarray
    qme_a: np.ndarray
    qme_B: np.ndarray
    gradients: np.ndarray


def _stage_two(oracle: FairOracle, sphere: Sphere, moved: np.ndarray, *, tol: float, well_formed: bool,
               true_gradients: bool, small_radius: float) -> tuple[np.ndarray, ...]:
    """QME on every (trial, parameterisation) view: a (T*v, q), B, gradients, comparisons (T*v,), reliable, reasons."""
    centred = Sphere.centred(sphere.dim, sphere.radius)
    if not true_gradients:
        found = elicit_quadratic(oracle.view(sphere.origin, moved), centred, tol=tol, well_formed=well_formed,
                                 small_radius=small_radius)
        return found.a, found.B, found.gradients, found.comparisons, found.reliable, found.unreliable_reason
    if oracle.hidden_metric is None:
        raise ParameterError("elicit_fair(true_gradients=True) needs the hidden metric; this oracle does not expose one.")
    gradients = qme_true_gradients(oracle.hidden_metric.view(sphere.origin, moved), centred, small_radius=small_radius)
    gradients /= np.linalg.norm(gradients, axis=-1, keepdims=True)  # unit normals, as LPME's (clipping assumes them)
    a, B = solve_quadratic(gradients, centred, small_radius=small_radius, well_formed=well_formed)
    reliable, reasons = degenerate_trials(gradients, well_formed=well_formed)
    return a, B, gradients, np.zeros(len(a), dtype=np.int64), reliable, reasons


def elicit_fair(
    oracle: FairOracle,
    sphere: Sphere,
    *,
    tol: float = 1e-2,
    mode: str = "classic",
    well_formed: bool = True,
    true_gradients: bool = False,
    small_radius: float = SMALL_RADIUS,
) -> FairResult:
    """Elicit (a, B, lam) of the oracle's T fair metrics from pairwise comparisons.

    Parameters
    ----------
    oracle : FairOracle over T trials, m groups and q = sphere.dim rates
    sphere : the query sphere S(o, rho); o is also every unmoved group's rate in stage 2
    tol : LPME tolerance
    mode : 'classic' (the published mean of ratios) or 'robust' (least-squares scale)
    well_formed : the caller declares every view well formed; enables QME's clipping
    true_gradients : debug mode: QME from the views' true gradients (needs the hidden
        metric; B_hat is then exact to rounding, stage 1 still elicits a_hat)
    small_radius : radius r_s of QME's small spheres
    """
    check_choice(mode, "mode", "elicit_fair", tuple(FAIR_MODES))
    if oracle.dim != sphere.dim:
        raise ParameterError(f"The oracle has q = {oracle.dim} rates but the sphere has {sphere.dim}.")
    n, m, q = oracle.n_trials, oracle.groups, oracle.dim
    stage_one = elicit_linear(oracle.view(np.zeros(q), np.ones((1, m), dtype=bool)), sphere, tol=tol)
    moved = parameterisations(m)
    v = len(moved)
    qa, qB, gradients, counts, qme_reliable, qme_reasons = _stage_two(
        oracle, sphere, moved, tol=tol, well_formed=well_formed, true_gradients=true_gradients, small_radius=small_radius)
    t_P = moved_shares(moved, oracle.shares)
    qa, qB = qa.reshape(n, v, q), qB.reshape(n, v, q, q)
    recovered = recover(stage_one.normals, t_P, qa, qB, moved, scale=FAIR_MODES[mode])
    reasons = recovered.unreliable_reason.astype(object)
    qme_reliable, qme_reasons = qme_reliable.reshape(n, v), qme_reasons.reshape(n, v)
    for t in np.flatnonzero(~qme_reliable.all(axis=1)):
        p = int(np.argmin(qme_reliable[t]))
        reasons[t] = f"QME of parameterisation {parameterisation_label(moved[p])}: {qme_reasons[t, p]}"
    return FairResult(
        a=stage_one.normals, B=recovered.B, lam=recovered.lam,
        comparisons=stage_one.comparisons + counts.reshape(n, v).sum(axis=1),
        qme_a=qa, qme_B=qB, gradients=gradients.reshape(n, v, q + 2, q), scales=recovered.scales,
        reliable=reasons == "", unreliable_reason=reasons.astype(str),
    )


def _cosine_distance(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """1 - cos of the angle between x and y along the last axis."""
    return 1.0 - np.sum(x * y, axis=-1) / (np.linalg.norm(x, axis=-1) * np.linalg.norm(y, axis=-1))


def check_fair_gradients(result: FairResult, metric: FairMetric, sphere: Sphere, *, small_radius: float = SMALL_RADIUS,
                         threshold: float = 1e-3) -> GradientCheck:
    """The gradient-inconsistency report: every estimated direction against the truth.

    Checks, per trial, stage 1's a_hat against a, each QME gradient against its view's true
    gradient, and (as the published check does) each QME linear part against a_hat * t_P;
    a cosine distance above ``threshold`` is an inconsistency. Names read '{0,3} f_z',
    '{0,3} a_P ~ a_hat t_P'; ``GradientCheck.report(trial)`` lists a trial's.
    """
    n, v, q = result.qme_a.shape
    moved = parameterisations(metric.groups)
    centred = Sphere.centred(q, sphere.radius)
    views = metric.view(sphere.origin, moved)
    qme = check_gradients(result.gradients.reshape(n * v, q + 2, q), views, centred, small_radius=small_radius,
                          threshold=threshold).cosine_distance.reshape(n, v, q + 2)
    aligned = _cosine_distance(result.qme_a, result.a[:, None, :] * moved_shares(moved, metric.shares))
    distance = np.concatenate([_cosine_distance(result.a, metric.a)[:, None],
                               np.concatenate([qme, aligned[..., None]], axis=2).reshape(n, -1)], axis=1)
    names = ["stage 1 a"] + [f"{parameterisation_label(P)} {name}" for P in moved
                             for name in gradient_names(q) + ["a_P ~ a_hat t_P"]]
    return GradientCheck(names, distance, distance > threshold)
