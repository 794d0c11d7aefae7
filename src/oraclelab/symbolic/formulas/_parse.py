"""Parse formula strings into expression trees without executing anything.

``ast.parse(..., mode="eval")`` only parses; the resulting syntax tree is walked with a
whitelist of node types and names, and everything else is a :class:`FormulaError`.

Two spellings are accepted and may be mixed:

- plain: ``x0``, ``x1``, ``N0``, ``U0``, ``sin``, ``cos``, ``exp``, ``log``, ``abs``,
  ``sqrt``, ``tanh``, ``pi``, ``+ - * / **``, numbers;
- symrep: ``X07[:,0]`` (column 0 of the input variable ``X07``; one variable name per
  formula), ``N``, ``U``, ``np.sin`` and the other functions as ``np.<fn>``.
"""

from __future__ import annotations

import ast
import math
import re
import warnings

from oraclelab.errors import FormulaError

from ._tree import FUNCTIONS, Coef, Const, Input, Node, add, call, div, mul, neg, power, sub

__all__ = ["parse_expression", "MAX_LENGTH", "MAX_DEPTH"]

#: Longest formula text accepted, in characters.
MAX_LENGTH = 10_000
#: Deepest syntax tree accepted.
MAX_DEPTH = 200

_USER_FUNCTIONS = tuple(sorted(FUNCTIONS - {"sign"}))
_PLAIN_INPUT = re.compile(r"x(\d+)")
_COEFFICIENT = re.compile(r"[NU]\d*")
_VARIABLE = re.compile(r"[A-Za-z][A-Za-z0-9]*")
_RESERVED = frozenset({"np", "pi", *FUNCTIONS})
_ALLOWED = f"x0.., N*, U*, pi, {', '.join(_USER_FUNCTIONS)}, np.<fn>, X[:, k]"
_BINARY = {ast.Add: add, ast.Sub: sub, ast.Mult: mul, ast.Div: div, ast.Pow: power}


def parse_expression(
    text: str,
    *,
    n_inputs: int | None = None,
    source: str = "<string>",
    line: int = 1,
    column: int = 1,
) -> Node:
    """Parse one expression into a tree.

    Parameters
    ----------
    text : str
        The expression, on one line.
    n_inputs : int, optional
        Number of input columns; a larger column index is an error.
    source, line, column : str, int, int
        Where ``text`` starts, for error messages (1-based line and column).

    Returns
    -------
    Node
        The expression tree.

    Raises
    ------
    FormulaError
        One line naming ``source:line:column`` for any text outside the grammar.
    """
    return _Parser(text, n_inputs, source, line, column).parse()


class _Parser:
    def __init__(self, text: str, n_inputs: int | None, source: str, line: int, column: int) -> None:
        self.text = text
        self.n_inputs = n_inputs
        self.source = source
        self.line = line
        self.column = column
        self.variable: str | None = None

    def error(self, message: str, offset: int = 0) -> FormulaError:
        """An error at character ``offset`` (0-based) of the text."""
        return FormulaError(f"{self.source}:{self.line}:{self.column + offset}: {message}")

    def node_error(self, node: ast.AST, message: str) -> FormulaError:
        byte_offset = getattr(node, "col_offset", 0)
        prefix = self.text.encode("utf-8")[:byte_offset].decode("utf-8", errors="ignore")
        return self.error(message, len(prefix))

    def parse(self) -> Node:
        text = self.text
        if len(text) > MAX_LENGTH:
            raise self.error(f"formula too long ({len(text)} characters, at most {MAX_LENGTH})")
        if "\n" in text or "\r" in text:
            raise self.error("a formula must be on one line", min(text.find(c) for c in "\n\r" if c in text))
        if not text.strip():
            raise self.error("empty formula")
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # e.g. "invalid decimal literal": the text is rejected or fine
                tree = ast.parse(text, mode="eval")
        except SyntaxError as exc:
            # offset 0 means "at the end of the input"
            offset = exc.offset - 1 if exc.offset and exc.lineno in (None, 1) else len(text)
            raise self.error(f"invalid syntax: {exc.msg}", offset) from None
        except (ValueError, RecursionError, MemoryError) as exc:
            raise self.error(f"cannot parse formula: {type(exc).__name__}: {_first_line(exc)}") from None
        return self.walk(tree.body, 0)

    def walk(self, node: ast.AST, depth: int) -> Node:
        if depth > MAX_DEPTH:
            raise self.node_error(node, f"formula nested too deeply (more than {MAX_DEPTH} levels)")
        if isinstance(node, ast.Constant):
            return self.constant(node)
        if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
            left = self.walk(node.left, depth + 1)
            right = self.walk(node.right, depth + 1)
            return _BINARY[type(node.op)](left, right)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            operand = self.walk(node.operand, depth + 1)
            return neg(operand) if isinstance(node.op, ast.USub) else operand
        if isinstance(node, ast.Call):
            return call(self.function_name(node), self.walk(node.args[0], depth + 1))
        if isinstance(node, ast.Name):
            return self.name(node)
        if isinstance(node, ast.Subscript):
            return self.subscript(node)
        if isinstance(node, ast.Attribute):
            raise self.node_error(node, "attributes are only allowed as np.<fn>(...) calls")
        raise self.node_error(node, f"{_describe(node)} is not allowed in a formula (allowed: {_ALLOWED})")

    def constant(self, node: ast.Constant) -> Const:
        value = node.value
        if type(value) not in (int, float):
            raise self.node_error(node, f"constant {_short_repr(value)} is not a real number")
        try:
            number = float(value)
        except OverflowError:
            number = math.inf
        if not math.isfinite(number):
            raise self.node_error(node, f"constant {_short_repr(value)} is not finite")
        return Const(number)

    def function_name(self, node: ast.Call) -> str:
        func = node.func
        if isinstance(func, ast.Name) and func.id in _USER_FUNCTIONS:
            name = func.id
        elif (
            isinstance(func, ast.Attribute)
            and isinstance(func.value, ast.Name)
            and func.value.id == "np"
            and func.attr in _USER_FUNCTIONS
        ):
            name = func.attr
        else:
            raise self.node_error(
                node, f"unknown function {_callee(func)} (allowed: {', '.join(_USER_FUNCTIONS)}, np.<fn>)"
            )
        if len(node.args) != 1 or node.keywords or isinstance(node.args[0], ast.Starred):
            raise self.node_error(node, f"{name}() takes exactly one positional argument")
        return name

    def name(self, node: ast.Name) -> Node:
        identifier = node.id
        if identifier == "pi":
            return Const(math.pi)
        if _COEFFICIENT.fullmatch(identifier):
            return Coef(identifier)
        match = _PLAIN_INPUT.fullmatch(identifier)
        if match:
            return self.input_column(node, int(match.group(1)))
        raise self.node_error(node, f"unknown name {_short_repr(identifier)} (allowed: {_ALLOWED})")

    def subscript(self, node: ast.Subscript) -> Node:
        base, index = node.value, node.slice
        if not (isinstance(base, ast.Name) and _is_variable(base.id)):
            raise self.node_error(node, "indexing is only allowed as VARIABLE[:, column]")
        if not (
            isinstance(index, ast.Tuple)
            and len(index.elts) == 2
            and isinstance(index.elts[0], ast.Slice)
            and index.elts[0].lower is None
            and index.elts[0].upper is None
            and index.elts[0].step is None
            and isinstance(index.elts[1], ast.Constant)
            and type(index.elts[1].value) is int
        ):
            raise self.node_error(node, f"indexing is only allowed as {base.id}[:, column] with an integer column")
        if self.variable is not None and base.id != self.variable:
            raise self.node_error(node, f"formula mixes input variables {self.variable!r} and {base.id!r}")
        self.variable = base.id
        return self.input_column(node, index.elts[1].value)

    def input_column(self, node: ast.AST, column: int) -> Input:
        if self.n_inputs is not None and column >= self.n_inputs:
            raise self.node_error(node, f"input column {column} out of range for {self.n_inputs} input(s)")
        return Input(column)


def _is_variable(identifier: str) -> bool:
    return bool(
        _VARIABLE.fullmatch(identifier)
        and identifier not in _RESERVED
        and not _COEFFICIENT.fullmatch(identifier)
        and not _PLAIN_INPUT.fullmatch(identifier)
    )


def _callee(func: ast.expr) -> str:
    if isinstance(func, ast.Name):
        return _short_repr(func.id)
    if isinstance(func, ast.Attribute):
        return f"attribute {_short_repr(func.attr)}"
    return f"of the form {type(func).__name__}"


def _describe(node: ast.AST) -> str:
    if isinstance(node, (ast.BinOp, ast.UnaryOp, ast.BoolOp)):
        return f"operator {type(node.op).__name__}"
    return f"syntax {type(node).__name__}"


def _short_repr(value: object, limit: int = 40) -> str:
    try:
        text = repr(value)
    except ValueError:  # an int too long for str()
        text = "<huge number>"
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _first_line(exc: BaseException) -> str:
    lines = str(exc).splitlines()
    return lines[0] if lines else ""
