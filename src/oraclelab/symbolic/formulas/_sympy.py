"""Convert expression trees into sympy expressions, object by object (no string parsing)."""

from __future__ import annotations

from collections.abc import Mapping

import sympy

from ._tree import Binary, Call, Coef, Const, Input, Neg, Node

__all__ = ["to_sympy"]

_EXACT = 2.0**53

_FUNCTIONS = {
    "sin": sympy.sin,
    "cos": sympy.cos,
    "exp": sympy.exp,
    "log": sympy.log,
    "abs": sympy.Abs,
    "sqrt": sympy.sqrt,
    "tanh": sympy.tanh,
    "sign": sympy.sign,
}


def to_sympy(node: Node, *, inputs: Mapping[int, sympy.Symbol] | None = None) -> sympy.Expr:
    """Build the sympy expression of a tree.

    Parameters
    ----------
    node : Node
        Expression tree.
    inputs : mapping of int to sympy.Symbol, optional
        Symbol for each input column; default ``x0``, ``x1``, ... (real).
        Coefficients become real symbols with their own names (``N0``, ``U``).

    Returns
    -------
    sympy.Expr
        Constants are sympy Floats, except integral ones up to 2**53, which become
        Integers (so ``x0**2`` stays a polynomial).
    """
    if isinstance(node, Const):
        value = node.value
        return sympy.Integer(int(value)) if value.is_integer() and abs(value) <= _EXACT else sympy.Float(value)
    if isinstance(node, Input):
        if inputs is not None:
            return inputs[node.column]
        return sympy.Symbol(f"x{node.column}", real=True)
    if isinstance(node, Coef):
        return sympy.Symbol(node.name, real=True)
    if isinstance(node, Neg):
        return -to_sympy(node.arg, inputs=inputs)
    if isinstance(node, Call):
        return _FUNCTIONS[node.fn](to_sympy(node.arg, inputs=inputs))
    if isinstance(node, Binary):
        left, right = to_sympy(node.left, inputs=inputs), to_sympy(node.right, inputs=inputs)
        if node.op == "+":
            return left + right
        if node.op == "-":
            return left - right
        if node.op == "*":
            return left * right
        if node.op == "/":
            return left / right
        # a power of two numbers left by the tree is huge or complex: keep sympy from expanding it
        return sympy.Pow(left, right, evaluate=not (left.is_Number and right.is_Number))
    raise TypeError(f"not an expression node: {node!r}")
