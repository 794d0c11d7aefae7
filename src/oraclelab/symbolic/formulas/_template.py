"""Formula templates: a value expression and, optionally, given partial derivatives."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from oraclelab.errors import FormulaError

from ._derivative import differentiate
from ._parse import parse_expression
from ._tree import Node, coefficients_of, inputs_of

__all__ = ["Template", "parse_template"]


@dataclass(frozen=True)
class Template:
    """One line of a function library.

    Attributes
    ----------
    text : str
        The line as written.
    value : Node
        Expression of the function value.
    given_derivatives : tuple of Node
        Partial derivatives written in the line after ``;`` (column 0, 1, ...); empty
        when the line gives none.
    source, line : str, int
        Where the template was read (file name or ``"<string>"``; 1-based line).
    segment_columns : tuple of int
        1-based column where each ``;``-separated segment starts (value first).
    """

    text: str
    value: Node
    given_derivatives: tuple[Node, ...] = ()
    source: str = "<string>"
    line: int = 1
    segment_columns: tuple[int, ...] = (1,)
    _gradients: dict[int, tuple[Node, ...]] = field(default_factory=dict, init=False, repr=False, compare=False)

    @cached_property
    def min_inputs(self) -> int:
        """Smallest input dimension the template fits: highest column read + 1, or the
        number of given derivatives."""
        columns = inputs_of(self.value).union(*(inputs_of(d) for d in self.given_derivatives))
        return max(max(columns, default=-1) + 1, len(self.given_derivatives))

    @cached_property
    def coefficients(self) -> tuple[str, ...]:
        """Sorted names of the random coefficients (``N0``, ``U``, ...)."""
        trees = (self.value, *self.given_derivatives)
        return tuple(sorted(frozenset().union(*(coefficients_of(t) for t in trees))))

    def gradient(self, n_inputs: int) -> tuple[Node, ...]:
        """Automatic partial derivatives of the value for columns ``0 .. n_inputs - 1``."""
        if n_inputs not in self._gradients:
            self._gradients[n_inputs] = tuple(differentiate(self.value, k) for k in range(n_inputs))
        return self._gradients[n_inputs]

    def location(self, segment: int = 0) -> str:
        """``source:line:column`` of segment ``segment`` (0 = value, k + 1 = derivative k)."""
        return f"{self.source}:{self.line}:{self.segment_columns[segment]}"


def parse_template(
    text: str,
    *,
    n_inputs: int | None = None,
    source: str = "<string>",
    line: int = 1,
) -> Template:
    """Parse one library line: ``value`` or ``value;d/dx0;d/dx1;...`` (``0`` = zero).

    Parameters
    ----------
    text : str
        The template text in plain or symrep syntax.
    n_inputs : int, optional
        Input dimension d; columns at or beyond it, or more than d derivatives, are errors.
    source, line : str, int
        Origin for error messages.

    Returns
    -------
    Template

    Raises
    ------
    FormulaError
        One line naming ``source:line:column``.
    """
    segments = text.split(";")
    trees: list[Node] = []
    columns: list[int] = []
    start = 0
    for segment in segments:
        stripped = segment.lstrip()
        column = start + len(segment) - len(stripped) + 1
        trees.append(parse_expression(stripped.rstrip(), n_inputs=n_inputs, source=source, line=line, column=column))
        columns.append(column)
        start += len(segment) + 1
    derivatives = tuple(trees[1:])
    if n_inputs is not None and len(derivatives) > n_inputs:
        raise FormulaError(
            f"{source}:{line}:{columns[n_inputs + 1]}: {len(derivatives)} derivatives given for {n_inputs} input(s)"
        )
    return Template(
        text=text,
        value=trees[0],
        given_derivatives=derivatives,
        source=source,
        line=line,
        segment_columns=tuple(columns),
    )

