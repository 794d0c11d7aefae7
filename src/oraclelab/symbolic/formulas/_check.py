"""Compare the derivatives written in a template with the automatic ones."""

from __future__ import annotations

import warnings

import torch

from ._template import Template
from ._torch import compile_tree, sample_coefficients

__all__ = ["DerivativeMismatchWarning", "mismatched_derivatives", "check_derivatives"]

_N_POINTS = 16
_N_SAMPLES = 8


class DerivativeMismatchWarning(UserWarning):
    """A derivative written in a library disagrees with the automatic derivative.

    The automatic derivative is used; fix or delete the written one to silence this.
    """


def mismatched_derivatives(template: Template, n_inputs: int, *, seed: int = 0) -> list[int]:
    """Input columns whose given derivative differs from the automatic one.

    Both are evaluated in float64 at 16 standard-normal points for 8 coefficient draws;
    they agree when every entry is close (``rtol=1e-6``, ``atol=1e-9``) where both are
    finite and both are non-finite at the same entries.

    Parameters
    ----------
    template : Template
    n_inputs : int
        Input dimension d.
    seed : int
        Seed of the check's own generator (the check is deterministic).

    Returns
    -------
    list of int
        Columns ``k`` (0-based) with a mismatch; empty when none is given or all agree.
    """
    if not template.given_derivatives:
        return []
    generator = torch.Generator().manual_seed(seed)
    x = torch.randn(_N_POINTS, n_inputs, generator=generator, dtype=torch.float64)
    coefficients = sample_coefficients(template.coefficients, _N_SAMPLES, generator, dtype=torch.float64)
    automatic = template.gradient(n_inputs)
    return [
        column
        for column, given in enumerate(template.given_derivatives)
        if not _agree(compile_tree(given)(x, coefficients), compile_tree(automatic[column])(x, coefficients))
    ]


def _agree(a: torch.Tensor, b: torch.Tensor) -> bool:
    finite_a, finite_b = torch.isfinite(a), torch.isfinite(b)
    if not torch.equal(finite_a, finite_b):
        return False
    both = finite_a & finite_b
    return bool(torch.allclose(a[both], b[both], rtol=1e-6, atol=1e-9))


def check_derivatives(template: Template, n_inputs: int) -> list[int]:
    """Warn with :class:`DerivativeMismatchWarning` for each mismatched given derivative.

    Returns
    -------
    list of int
        The mismatched columns, as :func:`mismatched_derivatives`.
    """
    columns = mismatched_derivatives(template, n_inputs)
    for column in columns:
        warnings.warn(
            DerivativeMismatchWarning(
                f"{template.location(column + 1)}: given derivative for input column {column} "
                "disagrees with the automatic derivative; using the automatic one"
            ),
            stacklevel=2,
        )
    return columns
