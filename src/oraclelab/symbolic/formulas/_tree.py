"""Immutable expression trees for formula templates, with simplifying constructors.

A tree is built only from the node classes below: constants, input columns, random
coefficients, the five arithmetic operators and a closed set of one-argument functions.
The constructors (``binary`` and its shorthands ``add``, ``sub``, ``mul``, ``div``, ``power``;
``neg`` and ``call``) drop zeros and ones and fold constant sums, products, quotients and
powers, so that derivatives of sparse templates stay small.
"""

from __future__ import annotations

import math
import operator
from dataclasses import dataclass
from typing import Callable, Union

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
    "binary",
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

    def __post_init__(self) -> None:
        if self.column < 0:
            raise ValueError(f"input column {self.column} is negative")


@dataclass(frozen=True)
class Coef:
    """A random coefficient: ``N*`` ~ N(0, 1) or ``U*`` ~ U[0, 1), one value per sampled function."""

    name: str

    @property
    def distribution(self) -> str:
        """``"normal"`` or ``"uniform"``."""
        return "normal" if self.name.startswith("N") else "uniform"


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

    def __post_init__(self) -> None:
        if self.fn not in FUNCTIONS:
            raise ValueError(f"unknown function {self.fn!r}")


@dataclass(frozen=True)
class Neg:
    """Unary minus."""

    arg: Node


Node = Union[Const, Input, Coef, Neg, Binary, Call]

ZERO = Const(0.0)
ONE = Const(1.0)


def _is(node: Node, value: float) -> bool:
    return isinstance(node, Const) and node.value == value


#: How two constants combine under each binary operator (folding).
_COMBINE = {"+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv, "**": math.pow}


def _folded(op: str, a: Node, b: Node) -> Node:
    """``a op b``, folded into one constant when both are constants and the result is a finite real."""
    if isinstance(a, Const) and isinstance(b, Const):
        try:
            value = _COMBINE[op](a.value, b.value)
        except (ZeroDivisionError, OverflowError, ValueError):  # ValueError: negative base, fractional power
            value = math.nan
        if math.isfinite(value):
            return Const(value)
    return Binary(op, a, b)


def binary(op: str, a: Node, b: Node) -> Node:
    """``a op b`` for ``op`` in :data:`BINARY_OPS`, simplified by the identities x + 0, 0 + x,
    x - 0, 0 - x, 0 * x, x * 0, x * 1, 1 * x, 0 / x, x / 1, x ** 0 and x ** 1 (a constant zero
    factor makes zero, as in symbolic differentiation) and with constant operands folded."""
    if op not in BINARY_OPS:
        raise ValueError(f"unknown operator {op!r}")
    zero_a, zero_b, unit_a, unit_b = _is(a, 0.0), _is(b, 0.0), _is(a, 1.0), _is(b, 1.0)
    if (op == "*" and (zero_a or zero_b)) or (op == "/" and zero_a):
        return ZERO
    if op == "**" and zero_b:
        return ONE
    if (op == "+" and zero_a) or (op == "*" and unit_a):
        return b
    if (op in ("+", "-") and zero_b) or (op in ("*", "/", "**") and unit_b):
        return a
    if op == "-" and zero_a:
        return neg(b)
    return _folded(op, a, b)


def _constructor(name: str, op: str) -> Callable[[Node, Node], Node]:
    def construct(a: Node, b: Node) -> Node:
        return binary(op, a, b)

    construct.__name__ = construct.__qualname__ = name
    construct.__doc__ = f"``a {op} b``, simplified as :func:`binary` does."
    return construct


add, sub, mul, div, power = (_constructor(name, op) for name, op in
                             (("add", "+"), ("sub", "-"), ("mul", "*"), ("div", "/"), ("power", "**")))


def neg(a: Node) -> Node:
    """``-a``; constants are negated in place and double negation cancels."""
    if isinstance(a, Const):
        return Const(-a.value)
    if isinstance(a, Neg):
        return a.arg
    return Neg(a)


def call(fn: str, a: Node) -> Node:
    """``fn(a)`` for ``fn`` in :data:`FUNCTIONS` (ValueError for any other)."""
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
