"""Immutable expression trees for formula templates, with simplifying constructors.

A tree is built only from the node classes below: constants, input columns, random
coefficients, the five arithmetic operators and a closed set of one-argument functions.
The constructors ``add``, ``sub``, ``mul``, ``div``, ``power``, ``neg`` and ``call``
drop zeros and ones and fold constant sums, products, quotients and powers, so that derivatives of
sparse templates stay small.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Union

__all__ = [
    "Const",
    "Input",
    "Coef",
    "Neg",
    "Binary",
    "Call",
    "Node",
    "FUNCTIONS",
    "BINARY_OPS",
    "add",
    "sub",
    "mul",
    "div",
    "power",
    "neg",
    "call",
    "inputs_of",
    "coefficients_of",
    "functions_of",
    "operators_of",
]

#: One-argument functions a template may call; ``sign`` only appears in derivatives.
FUNCTIONS = frozenset({"sin", "cos", "exp", "log", "abs", "sqrt", "tanh", "sign"})
#: Binary operator symbols.
BINARY_OPS = frozenset({"+", "-", "*", "/", "**"})


@dataclass(frozen=True)
class Const:
    """A real constant."""

    value: float


@dataclass(frozen=True)
class Input:
    """Column ``column`` of the input points (``x0``, ``X07[:,0]``)."""

    column: int


@dataclass(frozen=True)
class Coef:
    """A random coefficient: ``N*`` ~ N(0, 1) or ``U*`` ~ U[0, 1), one value per sampled function."""

    name: str

    @property
    def distribution(self) -> str:
        """``"normal"`` or ``"uniform"``."""
        return "normal" if self.name.startswith("N") else "uniform"


@dataclass(frozen=True)
class Neg:
    """Unary minus."""

    arg: Node


@dataclass(frozen=True)
class Binary:
    """``left op right`` with ``op`` in :data:`BINARY_OPS`."""

    op: str
    left: Node
    right: Node


@dataclass(frozen=True)
class Call:
    """``fn(arg)`` with ``fn`` in :data:`FUNCTIONS`."""

    fn: str
    arg: Node


Node = Union[Const, Input, Coef, Neg, Binary, Call]

ZERO = Const(0.0)
ONE = Const(1.0)


def _is(node: Node, value: float) -> bool:
    return isinstance(node, Const) and node.value == value


def _fold(value: float) -> Const | None:
    return Const(value) if math.isfinite(value) else None


def add(a: Node, b: Node) -> Node:
    """``a + b``, dropping zeros and folding constants."""
    if _is(a, 0.0):
        return b
    if _is(b, 0.0):
        return a
    if isinstance(a, Const) and isinstance(b, Const):
        return _fold(a.value + b.value) or Binary("+", a, b)
    return Binary("+", a, b)


def sub(a: Node, b: Node) -> Node:
    """``a - b``, dropping zeros and folding constants."""
    if _is(b, 0.0):
        return a
    if _is(a, 0.0):
        return neg(b)
    if isinstance(a, Const) and isinstance(b, Const):
        return _fold(a.value - b.value) or Binary("-", a, b)
    return Binary("-", a, b)


def mul(a: Node, b: Node) -> Node:
    """``a * b``; a constant zero factor makes zero (as in symbolic differentiation)."""
    if _is(a, 0.0) or _is(b, 0.0):
        return ZERO
    if _is(a, 1.0):
        return b
    if _is(b, 1.0):
        return a
    if isinstance(a, Const) and isinstance(b, Const):
        return _fold(a.value * b.value) or Binary("*", a, b)
    return Binary("*", a, b)


def div(a: Node, b: Node) -> Node:
    """``a / b``; a zero numerator makes zero, a unit denominator is dropped, constants fold."""
    if _is(a, 0.0):
        return ZERO
    if _is(b, 1.0):
        return a
    if isinstance(a, Const) and isinstance(b, Const) and b.value != 0.0:
        return _fold(a.value / b.value) or Binary("/", a, b)
    return Binary("/", a, b)


def power(a: Node, b: Node) -> Node:
    """``a ** b``; exponents 0 and 1 are simplified, real finite constant powers folded."""
    if _is(b, 0.0):
        return ONE
    if _is(b, 1.0):
        return a
    if isinstance(a, Const) and isinstance(b, Const):
        try:
            folded = _fold(math.pow(a.value, b.value))
        except (OverflowError, ValueError):  # overflow, or a negative base to a fractional power
            folded = None
        return folded or Binary("**", a, b)
    return Binary("**", a, b)


def neg(a: Node) -> Node:
    """``-a``; constants are negated in place and double negation cancels."""
    if isinstance(a, Const):
        return Const(-a.value)
    if isinstance(a, Neg):
        return a.arg
    return Neg(a)


def call(fn: str, a: Node) -> Node:
    """``fn(a)`` for ``fn`` in :data:`FUNCTIONS`."""
    if fn not in FUNCTIONS:
        raise ValueError(f"unknown function {fn!r}")
    return Call(fn, a)


def _walk(node: Node):
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        if isinstance(current, (Neg, Call)):
            stack.append(current.arg)
        elif isinstance(current, Binary):
            stack.extend((current.left, current.right))


def inputs_of(node: Node) -> frozenset[int]:
    """Input columns the tree reads."""
    return frozenset(n.column for n in _walk(node) if isinstance(n, Input))


def coefficients_of(node: Node) -> frozenset[str]:
    """Names of the random coefficients in the tree."""
    return frozenset(n.name for n in _walk(node) if isinstance(n, Coef))


def functions_of(node: Node) -> frozenset[str]:
    """Names of the one-argument functions the tree calls."""
    return frozenset(n.fn for n in _walk(node) if isinstance(n, Call))


def operators_of(node: Node) -> frozenset[str]:
    """Binary operator symbols the tree uses."""
    return frozenset(n.op for n in _walk(node) if isinstance(n, Binary))
