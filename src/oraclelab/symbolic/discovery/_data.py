"""The data a discovery run learns from: a built-in problem or a user table, split three ways."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from oraclelab.symbolic.discovery._config import DiscoveryConfig


@dataclass(frozen=True)
class DiscoveryData:
    """Inputs X (N, d), target F (N,), true latents G (N, Lt) when known, and split indices.

    ``truth`` is the target formula in the input symbols (sympy) when known, else None.
    """

    X: np.ndarray
    F: np.ndarray
    G: np.ndarray | None
    splits: dict[str, np.ndarray]
    input_names: tuple[str, ...]
    truth: Any

    def part(self, split: str, array: np.ndarray) -> np.ndarray:
        return array[self.splits[split]]

    def columns_of(self, formula: Any) -> list[Any]:
        """The symbols standing for X's columns in ``formula`` (sympy), matched by name; new real symbols for inputs it
        does not use."""
        import sympy

        symbols = {s.name: s for s in formula.free_symbols}
        return [symbols.get(name, sympy.Symbol(name, real=True)) for name in self.input_names]

    @property
    def n_true_latents(self) -> int | None:
        return None if self.G is None else int(self.G.shape[1])


def load_discovery_data(config: DiscoveryConfig) -> DiscoveryData:
    """Generate the problem's data from the seed, or read the user's table."""
    if config.problem is not None:
        from oraclelab.symbolic.problems import get_problem

        problem = get_problem(config.problem)
        data = problem.generate(config.n_samples or problem.default_n, config.seed)
        return DiscoveryData(data.X, data.F, data.G, data.splits, tuple(problem.input_names),
                             problem.target_sympy)
    from oraclelab.symbolic.problems._table import load_table, split_indices

    table = load_table(config.data, inputs=list(config.inputs), target=config.target)
    splits = split_indices(len(table.y), seed=config.seed)
    return DiscoveryData(table.X, table.y, None, splits, tuple(config.inputs), None)
