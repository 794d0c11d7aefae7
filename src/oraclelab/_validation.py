"""Parameter checks shared by every public entry point.

Messages follow one pattern so users learn it once:
"The 'tol' parameter of lpme must be > 0. Got -1 instead."
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from oraclelab.errors import ParameterError


def check_positive(value: Any, name: str, owner: str) -> float:
    """Return ``value`` as a float, raising unless it is finite and > 0."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ParameterError(
            f"The '{name}' parameter of {owner} must be a number > 0. Got {value!r} instead."
        ) from None
    if not math.isfinite(number) or number <= 0:
        raise ParameterError(
            f"The '{name}' parameter of {owner} must be > 0. Got {value!r} instead."
        )
    return number


def check_probability(value: Any, name: str, owner: str, *, upper: float = 1.0) -> float:
    """Return ``value`` as a float in [0, upper], raising otherwise."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = math.nan
    if not (0.0 <= number <= upper):
        raise ParameterError(
            f"The '{name}' parameter of {owner} must be in [0, {upper}]. Got {value!r} instead."
        )
    return number


def check_int_at_least(value: Any, name: str, owner: str, minimum: int) -> int:
    """Return ``value`` as an int >= ``minimum``, raising otherwise."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise ParameterError(
            f"The '{name}' parameter of {owner} must be an integer >= {minimum}. "
            f"Got {value!r} instead."
        )
    return int(value)


def check_choice(value: Any, name: str, owner: str, choices: tuple[str, ...]) -> str:
    """Return ``value`` if it is one of ``choices``, raising otherwise."""
    if value not in choices:
        options = ", ".join(repr(c) for c in choices)
        raise ParameterError(
            f"The '{name}' parameter of {owner} must be one of {options}. Got {value!r} instead."
        )
    return value


def as_float_array(value: Any, name: str, owner: str, *, ndim: int | tuple[int, ...]) -> np.ndarray:
    """Convert ``value`` to a finite float64 array of the given number of dimensions.

    The error quotes the shape that was received, so a caller sees what went wrong.
    """
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise ParameterError(
            f"The '{name}' parameter of {owner} must be a numeric array. Got {type(value).__name__}."
        ) from None
    allowed = (ndim,) if isinstance(ndim, int) else ndim
    if array.ndim not in allowed:
        wanted = " or ".join(str(n) for n in allowed)
        raise ParameterError(
            f"The '{name}' parameter of {owner} must have {wanted} dimensions. "
            f"Got shape {array.shape}."
        )
    if not np.all(np.isfinite(array)):
        bad = np.argwhere(~np.isfinite(array))[0]
        raise ParameterError(
            f"The '{name}' parameter of {owner} must be finite. "
            f"Got {array[tuple(bad)]} at index {tuple(int(i) for i in bad)}."
        )
    return array
