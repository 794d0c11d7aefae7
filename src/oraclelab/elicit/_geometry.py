"""Rate-space geometry: rate counts, spheres, spherical angles and sign orthants.

A classifier on k classes is represented by its q = k*k - k off-diagonal confusion rates.
LPME searches the boundary of a sphere in that space using q - 1 spherical angles.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from oraclelab._validation import as_float_array, check_int_at_least, check_positive
from oraclelab.errors import ParameterError

__all__ = [
    "n_rates",
    "Sphere",
    "angles_to_unit",
    "unit_from_sines_cosines",
    "unit_to_angles",
    "orthant_ranges",
    "sign_test_directions",
]


def n_rates(n_classes: int) -> int:
    """Number of off-diagonal confusion rates for ``n_classes`` classes: k*k - k."""
    k = check_int_at_least(n_classes, "n_classes", "n_rates", 2)
    return k * k - k


@dataclass(frozen=True)
class Sphere:
    """A sphere in rate space: the query region of LPME and QME.

    Parameters
    ----------
    origin : ndarray of shape (q,)
        Centre of the sphere.
    radius : float
        Radius, > 0.
    """

    origin: np.ndarray
    radius: float

    def __post_init__(self) -> None:
        origin = as_float_array(self.origin, "origin", "Sphere", ndim=1)
        if origin.shape[0] < 2:
            raise ParameterError(f"The 'origin' parameter of Sphere needs q >= 2 rates. Got shape {origin.shape}.")
        object.__setattr__(self, "origin", origin)
        object.__setattr__(self, "radius", check_positive(self.radius, "radius", "Sphere"))

    @property
    def dim(self) -> int:
        """The number of rates q."""
        return int(self.origin.shape[0])

    @classmethod
    def centred(cls, q: int, radius: float = 1.0) -> "Sphere":
        """The sphere of the given radius centred at the origin of R^q."""
        return cls(np.zeros(check_int_at_least(q, "q", "Sphere.centred", 2)), radius)


def angles_to_unit(angles: np.ndarray) -> np.ndarray:
    """Unit vectors from spherical angles.

    x_0 = cos t_0; x_i = sin t_0 ... sin t_{i-1} cos t_i; x_{q-1} = sin t_0 ... sin t_{q-2}.

    Parameters
    ----------
    angles : ndarray of shape (..., q - 1)

    Returns
    -------
    ndarray of shape (..., q)
    """
    angles = np.asarray(angles, dtype=np.float64)
    return unit_from_sines_cosines(np.sin(angles), np.cos(angles))


def unit_from_sines_cosines(sines: np.ndarray, cosines: np.ndarray) -> np.ndarray:
    """``angles_to_unit`` from the angles' sines and cosines, shape (..., q - 1) -> (..., q).

    LPME moves one angle at a time, so it keeps the sines and cosines and updates one column.
    """
    prefix = np.ones(sines.shape[:-1] + (sines.shape[-1] + 1,))
    np.cumprod(sines, axis=-1, out=prefix[..., 1:])
    prefix[..., :-1] *= cosines
    return prefix


def unit_to_angles(unit: np.ndarray) -> np.ndarray:
    """Spherical angles of (not necessarily unit) vectors; the inverse of ``angles_to_unit``.

    The first q - 2 angles lie in [0, pi], the last in [0, 2 pi).

    Parameters
    ----------
    unit : ndarray of shape (..., q)

    Returns
    -------
    ndarray of shape (..., q - 1)
    """
    x = np.asarray(unit, dtype=np.float64)
    # tail_norm[i] = ||x_{i+1:}||, computed from the back for accuracy
    tail_sq = np.cumsum(x[..., ::-1] ** 2, axis=-1)[..., ::-1]
    tail_norm = np.sqrt(tail_sq[..., 1:])
    angles = np.arctan2(tail_norm, x[..., :-1])
    last = np.arctan2(x[..., -1], x[..., -2])
    last = np.where(last < 0, last + 2 * math.pi, last)
    angles[..., -1] = np.where(last >= 2 * math.pi, 0.0, last)  # -0.0 rounds up to 2 pi
    return angles


def orthant_ranges(signs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Angle ranges [lo, hi] of the orthant holding the given coordinate signs.

    Angles i < q - 2 get [0, pi/2] for a positive sign and [pi/2, pi] otherwise; the last
    angle takes its quadrant from the last two signs.

    Parameters
    ----------
    signs : ndarray of shape (..., q), entries +1 or -1

    Returns
    -------
    lo, hi : ndarrays of shape (..., q - 1)
    """
    positive = np.asarray(signs) > 0
    half = math.pi / 2
    lo = np.where(positive[..., :-1], 0.0, half)
    second_last, last = positive[..., -2], positive[..., -1]
    quadrant = np.select(
        [second_last & last, ~second_last & last, ~second_last & ~last],
        [0.0, 1.0, 2.0],
        default=3.0,
    )
    lo[..., -1] = quadrant * half
    return lo, lo + half


def sign_test_directions(q: int) -> tuple[np.ndarray, np.ndarray]:
    """The sign tests of LPME: the all-equal unit vector u and, per row i, u with entry i negated.

    Returns
    -------
    u : ndarray of shape (q,)
    flipped : ndarray of shape (q, q)
    """
    u = np.full(q, 1.0 / math.sqrt(q))
    flipped = np.tile(u, (q, 1))
    flipped[np.arange(q), np.arange(q)] *= -1.0
    return u, flipped
