"""Benchmark problems f(g(x)): input distribution, latent formulas g, outer formula f.

A :class:`Problem` holds parsed formula trees (never evaluated strings); ``generate``
draws inputs from a seed, evaluates the trees with numpy and cuts seeded train /
validation / test splits.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

import numpy as np

from oraclelab.errors import ParameterError
from oraclelab.runs import stream_generator
from oraclelab.symbolic.problems._table import SPLIT_NAMES, split_indices
from oraclelab.symbolic.formulas import Node, parse_expression

from ._evaluate import evaluate, substitute

if TYPE_CHECKING:
    import sympy

__all__ = ["InputSpec", "Problem", "ProblemData", "latent_symbols", "input_symbols"]


@dataclass(frozen=True)
class InputSpec:
    """How a problem's inputs are drawn.

    ``kind="normal"``: ``n`` rows of ``dim`` independent standard normals.
    ``kind="grid"``: ``n`` evenly spaced points on ``[low, high)`` (``dim`` must be 1).
    ``kind="file"``: fixed inputs loaded from disk (``generate`` is not available).
    """

    kind: Literal["normal", "grid", "file"]
    dim: int
    low: float = -3.0
    high: float = 3.0

    def draw(self, n: int, rng: np.random.Generator) -> np.ndarray:
        """Inputs of shape (n, dim)."""
        if self.kind == "normal":
            return rng.standard_normal((n, self.dim))
        if self.kind == "grid":
            return np.linspace(self.low, self.high, n, endpoint=False)[:, None]
        raise ParameterError("This problem's inputs come from a file; it cannot generate new samples.")

    def describe(self) -> str:
        """A short human description, e.g. ``normal(0, 1)^2`` or ``grid[-3, 3)``."""
        if self.kind == "normal":
            return f"normal(0, 1)^{self.dim}"
        if self.kind == "grid":
            return f"grid[{self.low:g}, {self.high:g})"
        return f"file ({self.dim} column(s))"


@dataclass(frozen=True)
class ProblemData:
    """Samples of a problem.

    Attributes
    ----------
    X : ndarray of shape (n_samples, n_inputs)
    G : ndarray of shape (n_samples, n_latents)
    F : ndarray of shape (n_samples,)
    splits : dict of str to ndarray of int
        Row indices of ``"train"``, ``"validation"`` and ``"test"``.
    """

    X: np.ndarray
    G: np.ndarray
    F: np.ndarray
    splits: dict[str, np.ndarray]

    def split(self, name: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(X, G, F)`` restricted to the rows of split ``name``."""
        if name not in self.splits:
            raise ParameterError(f"The 'name' parameter of ProblemData.split must be one of "
                                 f"{', '.join(map(repr, SPLIT_NAMES))}. Got {name!r} instead.")
        rows = self.splits[name]
        return self.X[rows], self.G[rows], self.F[rows]


@dataclass(frozen=True)
class Problem:
    """A benchmark problem F = f(g(x)).

    Attributes
    ----------
    name : str
    inputs : InputSpec
    latent_strings : tuple of str
        Latent formulas g_k(x) as written (inputs ``x0``, ``x1``, ...).
    latents : tuple of Node
        Their parsed trees.
    outer_string : str or None
        Outer formula f(g) as written (latent k is ``G[:,k]``); None when the target is
        given directly in terms of x (F08, loaded F12).
    outer : Node or None
        Its tree; ``Input(k)`` is latent k.
    target : Node
        The target in terms of x: ``outer`` with the latents substituted, or given directly.
    target_string : str or None
        The direct target formula as written, when there is no outer formula.
    note : str
        Where the formulas come from and any deviation from the original.
    """

    name: str
    inputs: InputSpec
    latent_strings: tuple[str, ...]
    latents: tuple[Node, ...]
    outer_string: str | None
    outer: Node | None
    target: Node
    target_string: str | None = None
    note: str = ""
    default_n: int = 1000
    input_names: tuple[str, ...] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "input_names", tuple(f"x{i}" for i in range(self.inputs.dim)))

    @classmethod
    def from_strings(
        cls,
        name: str,
        inputs: InputSpec,
        latents: Sequence[str],
        *,
        outer: str | None = None,
        target: str | None = None,
        note: str = "",
        default_n: int = 1000,
    ) -> Problem:
        """Parse latent formulas and either an outer formula (over ``G[:,k]``) or a direct target."""
        if (outer is None) == (target is None):
            raise ParameterError(f"Problem {name}: give exactly one of 'outer' and 'target'.")
        trees = tuple(parse_expression(text, n_inputs=inputs.dim, source=f"{name} latent {k}")
                      for k, text in enumerate(latents))
        if outer is not None:
            outer_tree = parse_expression(outer, n_inputs=len(trees), source=f"{name} outer")
            target_tree = substitute(outer_tree, trees)
        else:
            outer_tree = None
            target_tree = parse_expression(target, n_inputs=inputs.dim, source=f"{name} target")
        return cls(name=name, inputs=inputs, latent_strings=tuple(latents), latents=trees, outer_string=outer,
                   outer=outer_tree, target=target_tree, target_string=target, note=note, default_n=default_n)

    @property
    def n_latents(self) -> int:
        return len(self.latents)

    def evaluate(self, X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Latents G of shape (n, n_latents) and target F of shape (n,) at inputs X of shape (n, dim)."""
        X = np.asarray(X, dtype=float)
        if X.ndim != 2 or X.shape[1] != self.inputs.dim:
            raise ParameterError(f"Problem {self.name} takes inputs of shape (n, {self.inputs.dim}). "
                                 f"Got shape {X.shape} instead.")
        G = np.stack([evaluate(tree, X) for tree in self.latents], axis=1)
        return G, evaluate(self.target, X)

    def generate(self, n: int | None = None, seed: int = 0) -> ProblemData:
        """Draw ``n`` samples (default ``default_n``) and seeded splits; same seed, same data."""
        n = self.default_n if n is None else n
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 3:
            raise ParameterError(f"The 'n' parameter of Problem.generate must be an integer >= 3. Got {n!r} instead.")
        X = self.inputs.draw(int(n), stream_generator(seed, "problem", self.name, "inputs"))
        G, F = self.evaluate(X)
        return ProblemData(X=X, G=G, F=F, splits=split_indices(int(n), seed, key=f"problem {self.name} splits"))

    @functools.cached_property
    def latent_sympy(self) -> tuple[sympy.Expr, ...]:
        """Latent formulas as sympy expressions in ``x0``, ``x1``, ..."""
        from oraclelab.symbolic.formulas import to_sympy

        return tuple(to_sympy(tree, inputs=input_symbols(self.inputs.dim)) for tree in self.latents)

    @functools.cached_property
    def outer_sympy(self) -> sympy.Expr | None:
        """The outer formula in ``g0``, ``g1``, ... (None without one)."""
        from oraclelab.symbolic.formulas import to_sympy

        return None if self.outer is None else to_sympy(self.outer, inputs=latent_symbols(self.n_latents))

    @functools.cached_property
    def target_sympy(self) -> sympy.Expr:
        """The target composed in terms of ``x0``, ``x1``, ..."""
        from oraclelab.symbolic.formulas import to_sympy

        return to_sympy(self.target, inputs=input_symbols(self.inputs.dim))


def input_symbols(dim: int) -> dict[int, sympy.Symbol]:
    """Real sympy symbols ``x0``, ``x1``, ... by column."""
    import sympy

    return {k: sympy.Symbol(f"x{k}", real=True) for k in range(dim)}


def latent_symbols(count: int) -> dict[int, sympy.Symbol]:
    """Real sympy symbols ``g0``, ``g1``, ... by latent index."""
    import sympy

    return {k: sympy.Symbol(f"g{k}", real=True) for k in range(count)}
