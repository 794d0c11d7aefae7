"""Point sets on which library functions and networks are evaluated: tensors of shape (P, d).

The CLI spells a point set as a spec string, see :func:`parse_points`.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import torch

from oraclelab.errors import DataFileError, ParameterError

__all__ = ["grid_points", "normal_points", "clipped_normal_points", "load_points", "parse_points"]

_SPECS = "grid:LO:HI:N, normal:N[:D], clipped-normal:STD:LO:HI:N, file:PATH"
_MIN_ACCEPTANCE = 1e-6


def grid_points(lo: float, hi: float, n: int, *, dtype: torch.dtype = torch.float32) -> torch.Tensor:
    """``n`` evenly spaced points from ``lo`` to ``hi``, both included (``torch.linspace``).

    The seed's X11 grid is 700 points on [-3, 3) with step 6/700 (``hi`` excluded);
    ``grid:-3:3:700`` instead includes 3, with step 6/699.

    Returns
    -------
    Tensor of shape (n, 1)
    """
    _check_count("grid", n)
    if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
        raise ParameterError(f"grid needs finite lo < hi; got lo={lo}, hi={hi}")
    return torch.linspace(lo, hi, n, dtype=dtype)[:, None]


def normal_points(
    n: int, d: int = 1, *, generator: torch.Generator, dtype: torch.dtype = torch.float32
) -> torch.Tensor:
    """``n`` standard-normal points in ``d`` dimensions, in drawing order.

    Returns
    -------
    Tensor of shape (n, d)
    """
    _check_count("normal", n)
    _check_count("normal dimension", d)
    return torch.randn(n, d, generator=generator, dtype=dtype, device=generator.device).cpu()


def clipped_normal_points(
    std: float, lo: float, hi: float, n: int, *, generator: torch.Generator, dtype: torch.dtype = torch.float32
) -> torch.Tensor:
    """``n`` sorted one-dimensional points from N(0, std²) restricted to [lo, hi].

    Normal samples are drawn in batches until at least ``n`` fall inside [lo, hi]; those
    inside are sorted and thinned to ``n`` points evenly spaced by rank (the smallest and
    largest kept are always included). The result follows the truncated normal density,
    like the seed's input-distribution study.

    Returns
    -------
    Tensor of shape (n, 1), ascending
    """
    _check_count("clipped-normal", n)
    if not (math.isfinite(std) and std > 0):
        raise ParameterError(f"clipped-normal needs a finite std > 0; got {std}")
    if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
        raise ParameterError(f"clipped-normal needs finite lo < hi; got lo={lo}, hi={hi}")
    acceptance = 0.5 * (math.erf(hi / (std * math.sqrt(2))) - math.erf(lo / (std * math.sqrt(2))))
    if acceptance < _MIN_ACCEPTANCE:
        raise ParameterError(
            f"clipped-normal range [{lo}, {hi}] holds a fraction {acceptance:.2g} of N(0, {std}^2); widen it"
        )
    batch = math.ceil(1.2 * n / acceptance) + 16
    kept: list[torch.Tensor] = []
    count = 0
    while count < n:
        draw = std * torch.randn(batch, generator=generator, dtype=torch.float64, device=generator.device).cpu()
        inside = draw[(draw >= lo) & (draw <= hi)]
        kept.append(inside)
        count += inside.numel()
    ordered = torch.sort(torch.cat(kept)).values
    ranks = torch.linspace(0, ordered.numel() - 1, n, dtype=torch.float64).round().long()
    return ordered[ranks].to(dtype)[:, None]


def load_points(path: str | Path, *, dtype: torch.dtype = torch.float32) -> torch.Tensor:
    """Points from a file: ``.npy``, or text read by ``np.loadtxt`` (``.csv`` comma-separated;
    ``.txt``, ``.gz`` and others whitespace-separated). One row per point; a single column
    or a 1-D array gives d = 1.

    Returns
    -------
    Tensor of shape (P, d)
    """
    path = Path(path)
    try:
        if path.suffix == ".npy":
            array = np.load(path, allow_pickle=False)
        else:
            delimiter = "," if path.name.endswith((".csv", ".csv.gz")) else None
            array = np.loadtxt(path, delimiter=delimiter, ndmin=1)
    except (OSError, ValueError, EOFError) as exc:
        raise DataFileError(f"cannot read points from {str(path)!r}: {_first_line(exc)}") from None
    if array.ndim == 1:
        array = array[:, None]
    if array.ndim != 2 or array.shape[0] == 0 or not np.issubdtype(array.dtype, np.number):
        raise DataFileError(f"points file {str(path)!r} must hold a non-empty numeric (P, d) table; got {array.shape}")
    if not np.all(np.isfinite(array)):
        raise DataFileError(f"points file {str(path)!r} holds non-finite values")
    return torch.as_tensor(np.asarray(array, dtype=np.float64)).to(dtype)


def parse_points(
    spec: str, *, generator: torch.Generator | None = None, dtype: torch.dtype = torch.float32
) -> torch.Tensor:
    """Build a point set from a CLI spec string.

    Specs: ``grid:LO:HI:N`` (:func:`grid_points`), ``normal:N`` or ``normal:N:D``
    (:func:`normal_points`), ``clipped-normal:STD:LO:HI:N`` (:func:`clipped_normal_points`),
    ``file:PATH`` (:func:`load_points`).

    Parameters
    ----------
    spec : str
    generator : torch.Generator, optional
        For the random specs; default a CPU generator seeded with 0 (deterministic).
    dtype : torch.dtype

    Returns
    -------
    Tensor of shape (P, d), on the CPU

    Raises
    ------
    ParameterError
        One line naming the spec when it is malformed.
    """
    kind, _, rest = spec.partition(":")
    if kind == "file":
        if not rest:
            raise ParameterError(f"points spec {spec!r} needs a path: file:PATH")
        return load_points(rest, dtype=dtype)
    fields = rest.split(":") if rest else []
    if generator is None:
        generator = torch.Generator().manual_seed(0)
    try:
        if kind == "grid" and len(fields) == 3:
            return grid_points(_real(fields[0]), _real(fields[1]), _count(fields[2]), dtype=dtype)
        if kind == "normal" and len(fields) in (1, 2):
            d = _count(fields[1]) if len(fields) == 2 else 1
            return normal_points(_count(fields[0]), d, generator=generator, dtype=dtype)
        if kind == "clipped-normal" and len(fields) == 4:
            std, lo, hi = (_real(f) for f in fields[:3])
            return clipped_normal_points(std, lo, hi, _count(fields[3]), generator=generator, dtype=dtype)
    except (ValueError, ParameterError) as exc:
        raise ParameterError(f"bad points spec {spec!r}: {exc}") from None
    raise ParameterError(f"bad points spec {spec!r} (expected one of: {_SPECS})")


def _real(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"{text!r} is not a finite number")
    return value


def _count(text: str) -> int:
    value = int(text)
    if value < 1:
        raise ValueError(f"count {text!r} must be >= 1")
    return value


def _check_count(what: str, n: int) -> None:
    if not isinstance(n, int) or isinstance(n, bool) or n < 1:
        raise ParameterError(f"{what} needs a count >= 1; got {n!r}")


def _first_line(exc: BaseException) -> str:
    lines = str(exc).splitlines()
    return lines[0] if lines else type(exc).__name__
