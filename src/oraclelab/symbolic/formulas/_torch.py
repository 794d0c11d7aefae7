"""Compile expression trees into batched torch functions.

A compiled function takes the input points ``x`` of shape (P, d) and the random
coefficients, each of shape (S,), and returns the values of the S sampled functions at the
P points, shape (S, P). The tree is turned into nested closures once; calling them runs
only tensor operations. Device and dtype follow the points.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import torch

from ._template import Template
from ._tree import Binary, Call, Coef, Const, Input, Neg, Node

__all__ = ["compile_tree", "CompiledTemplate", "sample_coefficients"]

# Inner compiled form: (points [P, d], coefficient name -> column [S, 1]) -> tensor
# broadcastable to [S, P]; compile_tree and CompiledTemplate take coefficients of shape (S,).
_Fn = Callable[[torch.Tensor, Mapping[str, torch.Tensor]], torch.Tensor]

_FUNCTIONS: dict[str, Callable[[torch.Tensor], torch.Tensor]] = {
    "sin": torch.sin,
    "cos": torch.cos,
    "exp": torch.exp,
    "log": torch.log,
    "abs": torch.abs,
    "sqrt": torch.sqrt,
    "tanh": torch.tanh,
    "sign": torch.sign,
}
_BINARY: dict[str, Callable[[torch.Tensor, torch.Tensor], torch.Tensor]] = {
    "+": torch.add,
    "-": torch.sub,
    "*": torch.mul,
    "/": torch.div,
    "**": torch.pow,
}


def compile_tree(node: Node) -> _Fn:
    """Compile a tree into ``f(x, coefficients) -> values``.

    Parameters
    ----------
    node : Node
        Expression tree.

    Returns
    -------
    callable
        ``f(x, coefficients)`` with ``x`` of shape (P, d) and ``coefficients`` mapping each
        coefficient name to a tensor of shape (S,); returns a tensor of shape (S, P) on the
        device and with the dtype of ``x``.
    """
    inner = _compile(node)

    def evaluate(x: torch.Tensor, coefficients: Mapping[str, torch.Tensor]) -> torch.Tensor:
        columns = _as_columns(x, coefficients)
        return inner(x, columns).expand(_n_samples(columns), x.shape[0])

    return evaluate


def _as_columns(x: torch.Tensor, coefficients: Mapping[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    """Coefficients (S,) as (S, 1) columns on the device and with the dtype of ``x``."""
    return {name: c.to(device=x.device, dtype=x.dtype)[:, None] for name, c in coefficients.items()}


def _n_samples(columns: Mapping[str, torch.Tensor]) -> int:
    return next(iter(columns.values())).shape[0] if columns else 1


def _compile(node: Node) -> _Fn:
    if isinstance(node, Const):
        value = node.value
        return lambda x, c: torch.full((1, 1), value, dtype=x.dtype, device=x.device)
    if isinstance(node, Input):
        column = node.column
        return lambda x, c: x[None, :, column]
    if isinstance(node, Coef):
        name = node.name
        return lambda x, c: c[name]
    if isinstance(node, Neg):
        arg = _compile(node.arg)
        return lambda x, c: torch.neg(arg(x, c))
    if isinstance(node, Call):
        fn, arg = _FUNCTIONS[node.fn], _compile(node.arg)
        return lambda x, c: fn(arg(x, c))
    if isinstance(node, Binary):
        op, left, right = _BINARY[node.op], _compile(node.left), _compile(node.right)
        return lambda x, c: op(left(x, c), right(x, c))
    raise TypeError(f"not an expression node: {node!r}")


def sample_coefficients(
    names: tuple[str, ...],
    n_samples: int,
    generator: torch.Generator,
    *,
    dtype: torch.dtype = torch.float32,
) -> dict[str, torch.Tensor]:
    """Draw each coefficient once per sampled function.

    ``N*`` names are standard normal, ``U*`` names uniform on [0, 1). Names are drawn in
    the given order, in float64 on the generator's device, then cast to ``dtype`` (so a
    float32 and a float64 run with the same seed see the same functions; uniform values
    stay below 1 after rounding).

    Returns
    -------
    dict of str to Tensor of shape (n_samples,)
    """
    below_one = 1.0 - torch.finfo(dtype).eps / 2
    coefficients = {}
    for name in names:
        if name.startswith("N"):
            draw = torch.randn(n_samples, generator=generator, dtype=torch.float64, device=generator.device)
            coefficients[name] = draw.to(dtype)
        else:
            draw = torch.rand(n_samples, generator=generator, dtype=torch.float64, device=generator.device)
            coefficients[name] = draw.to(dtype).clamp(max=below_one)
    return coefficients


@dataclass(frozen=True)
class CompiledTemplate:
    """A template compiled once for input dimension ``n_inputs``: values and gradients.

    Attributes
    ----------
    template : Template, the template compiled
    n_inputs : int, the input dimension d it was compiled for
    value_fn : the template's value as a compiled function of the input columns and coefficients
    gradient_fns : tuple of d compiled functions, the value's derivative in each input
    """

    template: Template
    n_inputs: int
    value_fn: _Fn
    gradient_fns: tuple[_Fn, ...]

    @classmethod
    def build(cls, template: Template, n_inputs: int) -> CompiledTemplate:
        """Compile the value of ``template`` and its automatic gradient for ``n_inputs`` columns."""
        gradient = template.gradient(n_inputs)
        return cls(template, n_inputs, _compile(template.value), tuple(_compile(t) for t in gradient))

    @property
    def coefficients(self) -> tuple[str, ...]:
        """The coefficient names in the order they are drawn."""
        return self.template.coefficients

    def evaluate(
        self, x: torch.Tensor, coefficients: Mapping[str, torch.Tensor]
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """Evaluate at points ``x`` of shape (P, d) for coefficients of shape (S,) each.

        Returns
        -------
        values : Tensor of shape (S, P)
        gradients : Tensor of shape (S, P, d)
            S is 1 when the template has no coefficients.
        """
        columns = _as_columns(x, coefficients)
        shape = (_n_samples(columns), x.shape[0])
        values = self.value_fn(x, columns).expand(shape)
        gradients = torch.stack([fn(x, columns).expand(shape) for fn in self.gradient_fns], dim=-1)
        return values, gradients

    def sample(self, n_samples: int, x: torch.Tensor, generator: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
        """Draw ``n_samples`` coefficient sets and evaluate: (S, P) values, (S, P, d) gradients."""
        coefficients = sample_coefficients(self.coefficients, n_samples, generator, dtype=x.dtype)
        values, gradients = self.evaluate(x, coefficients)
        return values.expand(n_samples, -1), gradients.expand(n_samples, -1, -1)
