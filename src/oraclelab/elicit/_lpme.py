"""LPME: linear performance metric elicitation by searching spherical angles.

``lpme`` runs many independent LPME searches in lockstep: centres of shape (T, ..., q),
one oracle batched over the T trials, all searches advancing together as array
operations. Two modes:

- ``classic``: the published algorithm, decision for decision (q sign tests, then 4
  forward cycles over the angles, each angle bisected from its full orthant with 4
  comparisons per halving).
- ``efficient``: the same sign tests, then cycles over the angles in reverse order with
  golden-section search (one comparison per step, reusing the retained point). For a linear
  metric the best angle j depends only on the angles after it, so one reverse cycle already
  solves the problem; a second cycle, warm-started in a narrow bracket, removes the small
  curvature bias of quadratic metrics. It reaches a finer tolerance with far fewer queries.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from oraclelab._validation import check_choice, check_int_at_least, check_positive
from oraclelab.elicit._geometry import Sphere, angles_to_unit, orthant_ranges, sign_test_directions, unit_from_sines_cosines
from oraclelab.elicit._oracles import Arcs, Oracle
from oraclelab.errors import ParameterError

__all__ = ["LPMEResult", "lpme", "elicit_linear", "classic_halvings", "MODES"]

MODES = ("classic", "efficient")
_GOLDEN = (math.sqrt(5.0) - 1.0) / 2.0
_ORTHANT_WIDTH = math.pi / 2


@dataclass(frozen=True)
class LPMEResult:
    """Outcome of a batch of LPME searches.

    Attributes
    ----------
    normals : ndarray of shape (T, ..., q), unit vectors along the elicited gradients
    angles : ndarray of shape (T, ..., q - 1), their spherical angles
    comparisons : ndarray of shape (T,), oracle comparisons made for each trial
    """

    normals: np.ndarray
    angles: np.ndarray
    comparisons: np.ndarray


def classic_halvings(tol: float) -> int:
    """Halvings of a quarter turn until its width is at most ``tol`` (8 at 1e-2)."""
    width, count = _ORTHANT_WIDTH, 0
    while width > tol:
        width /= 2.0
        count += 1
    return count


def _golden_steps(width: float, target: float) -> int:
    """Golden-section steps (one comparison each) that shrink ``width`` to at most ``target``."""
    if width <= target:
        return 0
    return int(math.ceil(math.log(target / width) / math.log(_GOLDEN) - 1e-12))


def _arcs_for_angle(centres: np.ndarray, radius: float, sines: np.ndarray, cosines: np.ndarray, j: int) -> Arcs:
    """The circle traced when angle ``j`` moves and the other angles stay put.

    ``sines`` and ``cosines`` are those of the current angles, shape (T, ..., q - 1).
    """
    unit = unit_from_sines_cosines(sines, cosines)
    prefix = np.prod(sines[..., :j], axis=-1)
    base = unit.copy()
    base[..., j:] = 0.0
    cos_dir = np.zeros_like(unit)
    cos_dir[..., j] = prefix
    sin_dir = np.zeros_like(unit)
    sin_dir[..., j + 1 :] = prefix[..., None] * unit_from_sines_cosines(sines[..., j + 1 :], cosines[..., j + 1 :])
    return Arcs(centres + radius * base, radius * cos_dir, radius * sin_dir)


def _sign_tests(oracle: Oracle, centres: np.ndarray, radius: float) -> np.ndarray:
    """Signs (+1/-1) of the gradient's coordinates, from q comparisons per search."""
    u, flipped = sign_test_directions(centres.shape[-1])
    preferred = oracle.compare(centres[..., None, :] + radius * u, centres[..., None, :] + radius * flipped)
    return np.where(preferred, 1.0, -1.0)


def _bisect(oracle: Oracle, arcs: Arcs, lo: np.ndarray, width: float, halvings: int) -> np.ndarray:
    """The published 5-point bisection of [lo, lo + width]: 4 comparisons per halving.

    Points lo, c, d, e, hi at quarters of the interval; keep [lo, d] if lo or c wins, [c, e]
    if d wins, else [d, hi]. Every branch halves the interval, so one width serves all
    searches. Returns the midpoint of the last interval.
    """
    for _ in range(halvings):
        quarter = width / 4
        answers = oracle.compare_evenly_on_arcs(arcs, lo, quarter, 5)
        keep_left = answers[..., 0] | answers[..., 1]
        keep_middle = ~keep_left & answers[..., 2]
        lo = np.where(keep_left, lo, lo + np.where(keep_middle, quarter, 2 * quarter))
        width /= 2
    return lo + width / 2


def _golden_section(oracle: Oracle, arcs: Arcs, lo: np.ndarray, hi: np.ndarray, steps: int) -> np.ndarray:
    """Golden-section search for the best angle: 1 comparison per step; returns the midpoint."""
    x1 = hi - _GOLDEN * (hi - lo)
    x2 = lo + _GOLDEN * (hi - lo)
    for _ in range(steps):
        left = oracle.compare_on_arcs(arcs, x1[..., None], x2[..., None])[..., 0]
        lo, hi = np.where(left, lo, x1), np.where(left, x2, hi)
        x1, x2 = (
            np.where(left, hi - _GOLDEN * (hi - lo), x2),
            np.where(left, x1, lo + _GOLDEN * (hi - lo)),
        )
    return (lo + hi) / 2


def lpme(
    oracle: Oracle,
    centres: np.ndarray,
    radius: float,
    *,
    tol: float = 1e-2,
    mode: str = "classic",
    cycles: int | None = None,
) -> LPMEResult:
    """Elicit the gradient direction of the oracle's metric on spheres, in lockstep.

    Parameters
    ----------
    oracle : Oracle batched over T trials
    centres : ndarray of shape (T, ..., q), one sphere centre per search
    radius : float, the spheres' radius
    tol : the angle tolerance; classic bisects each angle until its interval is <= tol,
        efficient refines to tol / 8
    mode : 'classic' or 'efficient'
    cycles : passes over the angles (default 4 for classic, 2 for efficient)
    """
    tol = check_positive(tol, "tol", "lpme")
    radius = check_positive(radius, "radius", "lpme")
    mode = check_choice(mode, "mode", "lpme", MODES)
    cycles = check_int_at_least(cycles if cycles is not None else (4 if mode == "classic" else 2), "cycles", "lpme", 1)
    centres = np.asarray(centres, dtype=np.float64)
    if centres.ndim < 2 or centres.shape[0] != oracle.n_trials or centres.shape[-1] != oracle.dim:
        raise ParameterError(
            f"The 'centres' parameter of lpme must have shape (T={oracle.n_trials}, ..., q={oracle.dim}). "
            f"Got shape {centres.shape}."
        )
    start = oracle.comparisons.copy()
    lo0, hi0 = orthant_ranges(_sign_tests(oracle, centres, radius))
    angles = (lo0 + hi0) / 2
    n_angles = angles.shape[-1]
    sines, cosines = np.sin(angles), np.cos(angles)

    def set_angle(j: int, value: np.ndarray) -> None:
        angles[..., j] = value
        sines[..., j], cosines[..., j] = np.sin(value), np.cos(value)

    if mode == "classic":
        halvings = classic_halvings(tol)
        for _ in range(cycles):
            for j in range(n_angles):
                arcs = _arcs_for_angle(centres, radius, sines, cosines, j)
                set_angle(j, _bisect(oracle, arcs, lo0[..., j], _ORTHANT_WIDTH, halvings))
    else:
        target = tol / 8
        bracket = 8 * tol
        for cycle in range(cycles):
            width = _ORTHANT_WIDTH if cycle == 0 else min(bracket, _ORTHANT_WIDTH)
            steps = _golden_steps(width, target)
            for j in reversed(range(n_angles)):
                arcs = _arcs_for_angle(centres, radius, sines, cosines, j)
                if cycle == 0:
                    lo, hi = lo0[..., j], hi0[..., j]
                else:
                    lo = np.maximum(lo0[..., j], angles[..., j] - width / 2)
                    hi = np.minimum(hi0[..., j], angles[..., j] + width / 2)
                set_angle(j, _golden_section(oracle, arcs, lo, hi, steps))
    return LPMEResult(angles_to_unit(angles), angles, oracle.comparisons - start)


def elicit_linear(oracle: Oracle, sphere: Sphere, *, tol: float = 1e-2, mode: str = "classic") -> LPMEResult:
    """LPME on one sphere per trial: the unit normal of a linear metric, shape (T, q)."""
    centres = np.broadcast_to(sphere.origin, (oracle.n_trials, sphere.dim))
    return lpme(oracle, centres, sphere.radius, tol=tol, mode=mode)
