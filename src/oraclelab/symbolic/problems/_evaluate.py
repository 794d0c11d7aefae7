"""Evaluate formula trees on numpy arrays and substitute trees into trees.

Benchmark data are plain float64 arrays, so problems evaluate their formulas with numpy
rather than through the torch compiler of :mod:`oraclelab.symbolic.formulas`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from oraclelab.symbolic.formulas import Binary, Call, Coef, Const, Input, Neg, Node
from oraclelab.symbolic.formulas._tree import add, call, div, mul, neg, power, sub

__all__ = ["evaluate", "substitute"]

_FUNCTIONS = {
    "sin": np.sin,
    "cos": np.cos,
    "exp": np.exp,
    "log": np.log,
    "abs": np.abs,
    "sqrt": np.sqrt,
    "tanh": np.tanh,
    "sign": np.sign,
}
_BINARY = {"+": np.add, "-": np.subtract, "*": np.multiply, "/": np.divide, "**": np.power}
_REBUILD = {"+": add, "-": sub, "*": mul, "/": div, "**": power}


def evaluate(node: Node, X: np.ndarray) -> np.ndarray:
    """Value of a coefficient-free tree at every row of ``X``.

    Parameters
    ----------
    node : Node
        Expression tree; ``Input(k)`` reads column k of ``X``.
    X : ndarray of shape (n_samples, n_inputs)

    Returns
    -------
    ndarray of shape (n_samples,)
        float64; invalid operations give nan or inf, as in numpy.
    """
    X = np.asarray(X, dtype=float)
    with np.errstate(all="ignore"):
        return np.broadcast_to(_value(node, X), (X.shape[0],)).copy()


def _value(node: Node, X: np.ndarray) -> np.ndarray | float:
    if isinstance(node, Const):
        return node.value
    if isinstance(node, Input):
        return X[:, node.column]
    if isinstance(node, Neg):
        return -_value(node.arg, X)
    if isinstance(node, Call):
        return _FUNCTIONS[node.fn](_value(node.arg, X))
    if isinstance(node, Binary):
        return _BINARY[node.op](_value(node.left, X), _value(node.right, X))
    if isinstance(node, Coef):
        raise ValueError(f"cannot evaluate random coefficient {node.name!r}: benchmark formulas have none")
    raise TypeError(f"not an expression node: {node!r}")


def substitute(node: Node, replacements: Sequence[Node]) -> Node:
    """Replace every ``Input(k)`` of ``node`` by ``replacements[k]`` (composition f(g(x))).

    Parameters
    ----------
    node : Node
        Outer tree whose inputs are the latents.
    replacements : sequence of Node
        Latent trees, one per input column of ``node``.

    Returns
    -------
    Node
        The composed tree (built with the simplifying constructors).
    """
    if isinstance(node, Input):
        return replacements[node.column]
    if isinstance(node, Neg):
        return neg(substitute(node.arg, replacements))
    if isinstance(node, Call):
        return call(node.fn, substitute(node.arg, replacements))
    if isinstance(node, Binary):
        return _REBUILD[node.op](substitute(node.left, replacements), substitute(node.right, replacements))
    return node
