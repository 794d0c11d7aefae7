"""Build sympy expressions from pyoperon trees node by node (never from printed strings).

pyoperon's ``get_model_string`` prints fixed decimals (a weight of 9.7e-9 becomes
0.00000001), so the expression is rebuilt from the tree's nodes instead. Nodes come in
postfix order; walking them with a stack, a node of arity k pops its arguments first
argument first (pyoperon stores the first child right before its parent). A variable
node carries a weight: it stands for ``weight * x``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from functools import reduce

import sympy

from oraclelab.errors import RunError

__all__ = ["operon_tree_to_sympy"]


def _sub(args: Sequence[sympy.Expr]) -> sympy.Expr:
    return -args[0] if len(args) == 1 else args[0] - sympy.Add(*args[1:])


def _div(args: Sequence[sympy.Expr]) -> sympy.Expr:
    return 1 / args[0] if len(args) == 1 else args[0] / sympy.Mul(*args[1:])


def _unary(function: Callable[[sympy.Expr], sympy.Expr]) -> Callable[[Sequence[sympy.Expr]], sympy.Expr]:
    return lambda args: function(args[0])


def _binary(function: Callable[[sympy.Expr, sympy.Expr], sympy.Expr]) -> Callable[[Sequence[sympy.Expr]], sympy.Expr]:
    return lambda args: reduce(function, args)


_OPERATORS: dict[str, Callable[[Sequence[sympy.Expr]], sympy.Expr]] = {
    "Add": lambda args: sympy.Add(*args),
    "Mul": lambda args: sympy.Mul(*args),
    "Sub": _sub,
    "Div": _div,
    "Aq": _binary(lambda a, b: a / sympy.sqrt(1 + b**2)),
    "Pow": _binary(lambda a, b: a**b),
    "Powabs": _binary(lambda a, b: sympy.Abs(a) ** b),
    "Fmin": _binary(sympy.Min),
    "Fmax": _binary(sympy.Max),
    "Abs": _unary(sympy.Abs),
    "Acos": _unary(sympy.acos),
    "Asin": _unary(sympy.asin),
    "Atan": _unary(sympy.atan),
    "Cbrt": _unary(sympy.cbrt),
    "Ceil": _unary(sympy.ceiling),
    "Cos": _unary(sympy.cos),
    "Cosh": _unary(sympy.cosh),
    "Exp": _unary(sympy.exp),
    "Floor": _unary(sympy.floor),
    "Log": _unary(sympy.log),
    "Logabs": _unary(lambda a: sympy.log(sympy.Abs(a))),
    "Log1p": _unary(lambda a: sympy.log(1 + a)),
    "Sin": _unary(sympy.sin),
    "Sinh": _unary(sympy.sinh),
    "Sqrt": _unary(sympy.sqrt),
    "Sqrtabs": _unary(lambda a: sympy.sqrt(sympy.Abs(a))),
    "Square": _unary(lambda a: a**2),
    "Tan": _unary(sympy.tan),
    "Tanh": _unary(sympy.tanh),
}


def operon_tree_to_sympy(
    nodes: Sequence[object], variables: Mapping[int, str], symbols: Sequence[sympy.Symbol]
) -> sympy.Expr:
    """The sympy expression of a pyoperon tree.

    Parameters
    ----------
    nodes : sequence of pyoperon Node
        ``tree.Nodes``, postfix order.
    variables : mapping of int to str
        pyoperon's variable hash -> name (``"X1"``, ``"X2"``, ... for columns 0, 1, ...).
    symbols : sequence of sympy.Symbol
        Symbol for each input column.

    Returns
    -------
    sympy.Expr
        Constants are sympy Floats with pyoperon's full (float32) values.

    Raises
    ------
    RunError
        For a node type without a sympy equivalent, or a tree that is not one expression.
    """
    stack: list[sympy.Expr] = []
    for node in nodes:
        kind = str(node.Type).rsplit(".", 1)[-1]
        if kind == "Constant":
            stack.append(sympy.Float(float(node.Value)))
        elif kind == "Variable":
            column = int(variables[node.HashValue][1:]) - 1
            weight = float(node.Value)
            stack.append(symbols[column] if weight == 1.0 else sympy.Float(weight) * symbols[column])
        elif kind in _OPERATORS:
            arity = int(node.Arity)
            if len(stack) < arity:
                raise RunError(f"malformed pyoperon tree: {kind} needs {arity} argument(s), {len(stack)} on the stack.")
            args = [stack.pop() for _ in range(arity)]
            stack.append(_OPERATORS[kind](args))
        else:
            raise RunError(f"pyoperon node type {kind!r} has no sympy equivalent (known: {', '.join(sorted(_OPERATORS))}).")
    if len(stack) != 1:
        raise RunError(f"malformed pyoperon tree: {len(stack)} expressions left on the stack.")
    return stack[0]
