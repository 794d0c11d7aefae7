"""Libraries generated for any number of inputs: named ``KIND:D`` (``terms:3``, ``poly:5``).

A hand-written ``.lib`` file fits one input dimension; these are written out for the data's
dimension D instead, so a table with eight inputs gets a library as readily as one with two:

- ``terms:D``: simple terms of each input (powers, a sinusoid, an exponential) and of each
  pair of inputs (products, a power times an input, an input times a sinusoid or an
  exponential of the other, a sine times a cosine, a sinusoid of a sum);
- ``poly:D``: low-order polynomials with random coefficients: one full quadratic in all
  inputs, a cubic in each input and the cubic monomials of each pair.

``N*`` coefficients are standard normal and ``U*`` uniform on [0, 1), as in the ``.lib`` files.
"""

from __future__ import annotations

import itertools
import re

from oraclelab.errors import ParameterError

__all__ = ["GENERATED_KINDS", "generated_templates", "is_generated", "generated_name"]

#: Per input and per pair of inputs: the templates of a ``terms:D`` library ({i}, {j}: input columns).
_TERMS_EACH = ("2.7*N0*x{i}", "2.7*N0*x{i}**2", "0.45*N0*x{i}**3", "5*N0*sin(3*U0*x{i} + pi*U1)",
               "N0*exp((0.5 + 0.5*U0)*x{i})")
_TERMS_PAIR = ("4.5*N0*x{i}*x{j}", "N0*x{i}**2*x{j}", "N0*x{i}*x{j}**2", "3*N0*x{i}*cos(U0*x{j})",
               "3*N0*x{j}*cos(U0*x{i})", "2*N0*sin((0.5 + U0)*x{i})*cos((0.5 + U1)*x{j})",
               "2*N0*cos((0.5 + U0)*x{i})*sin((0.5 + U1)*x{j})", "N0*x{i}*exp(0.5*U0*x{j})",
               "N0*x{j}*exp(0.5*U0*x{i})", "2*N0*sin(2*U0*x{i} + 2*U1*x{j})")
#: Per input and per pair: the cubic templates of a ``poly:D`` library.
_POLY_EACH = "N0*x{i}**3 + N1*x{i}**2 + N2*x{i} + 0.2*N3"
_POLY_PAIR = "N0*x{i}**2*x{j} + N1*x{i}*x{j}**2 + N2*x{i}*x{j} + 0.2*N3"

GENERATED_KINDS = ("terms", "poly")
_NAME = re.compile(r"^(?P<kind>[a-z]+):(?P<d>[0-9]+)$")


def generated_name(kind: str, n_inputs: int) -> str:
    """The library name of ``kind`` generated for ``n_inputs`` inputs (``"terms:3"``)."""
    return f"{kind}:{n_inputs}"


def is_generated(spec: str) -> bool:
    """Whether ``spec`` names a generated library (``KIND:D`` with a known kind)."""
    match = _NAME.match(spec)
    return match is not None and match["kind"] in GENERATED_KINDS


def _quadratic(n_inputs: int) -> str:
    """One template: every monomial of degree 1 and 2 in all inputs, each with its own N coefficient."""
    monomials = [f"x{i}" for i in range(n_inputs)]
    monomials += [f"x{i}*x{j}" for i, j in itertools.combinations_with_replacement(range(n_inputs), 2)]
    return " + ".join(f"N{k}*{monomial}" for k, monomial in enumerate(monomials)) + f" + 0.2*N{len(monomials)}"


def generated_templates(spec: str) -> list[str]:
    """The template lines of the generated library ``spec`` (``"terms:3"``), in a fixed order.

    ``terms:D`` has 5 D + 10 D (D - 1) / 2 templates; ``poly:D`` has 1 + D + D (D - 1) / 2.
    """
    match = _NAME.match(spec)
    if match is None or match["kind"] not in GENERATED_KINDS or int(match["d"]) < 1:
        raise ParameterError(f"unknown generated library {spec!r} (expected KIND:D with KIND one of "
                             f"{', '.join(GENERATED_KINDS)} and D >= 1, e.g. 'terms:3')")
    n_inputs = int(match["d"])
    pairs = list(itertools.combinations(range(n_inputs), 2))
    if match["kind"] == "terms":
        each, per_pair, first = _TERMS_EACH, _TERMS_PAIR, []
    else:
        each, per_pair, first = (_POLY_EACH,), (_POLY_PAIR,), [_quadratic(n_inputs)]
    return (first + [line.format(i=i) for i in range(n_inputs) for line in each]
            + [line.format(i=i, j=j) for i, j in pairs for line in per_pair])
