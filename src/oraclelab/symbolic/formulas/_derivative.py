"""Exact symbolic partial derivatives of expression trees."""

from __future__ import annotations

from ._tree import (
    ONE,
    ZERO,
    Binary,
    Call,
    Coef,
    Const,
    Input,
    Neg,
    Node,
    add,
    call,
    div,
    inputs_of,
    mul,
    neg,
    power,
    sub,
)

__all__ = ["differentiate"]


def differentiate(node: Node, column: int) -> Node:
    """Partial derivative of ``node`` with respect to input column ``column``.

    Parameters
    ----------
    node : Node
        Expression tree.
    column : int
        Input column to differentiate by.

    Returns
    -------
    Node
        Simplified derivative tree; ``Const(0.0)`` when the tree does not read the column.
    """
    if column not in inputs_of(node):
        return ZERO
    if isinstance(node, Input):
        return ONE
    if isinstance(node, (Const, Coef)):
        return ZERO
    if isinstance(node, Neg):
        return neg(differentiate(node.arg, column))
    if isinstance(node, Call):
        return mul(_outer_derivative(node), differentiate(node.arg, column))
    return _binary(node, column)


def _outer_derivative(node: Call) -> Node:
    """d fn(u) / du evaluated at ``u = node.arg``."""
    u = node.arg
    rules = {
        "sin": lambda: call("cos", u),
        "cos": lambda: neg(call("sin", u)),
        "exp": lambda: node,
        "log": lambda: div(ONE, u),
        "abs": lambda: call("sign", u),
        "sqrt": lambda: div(Const(0.5), node),
        "tanh": lambda: sub(ONE, power(node, Const(2.0))),
        "sign": lambda: ZERO,
    }
    return rules[node.fn]()


def _binary(node: Binary, column: int) -> Node:
    a, b = node.left, node.right
    da, db = differentiate(a, column), differentiate(b, column)
    if node.op == "+":
        return add(da, db)
    if node.op == "-":
        return sub(da, db)
    if node.op == "*":
        return add(mul(da, b), mul(a, db))
    if node.op == "/":
        if db == ZERO:
            return div(da, b)
        return div(sub(mul(da, b), mul(a, db)), power(b, Const(2.0)))
    # a ** b
    if db == ZERO:
        exponent = sub(b, ONE)
        return mul(mul(b, power(a, exponent)), da)
    log_term = mul(db, call("log", a))
    if da != ZERO:
        log_term = add(log_term, div(mul(b, da), a))
    return mul(node, log_term)
