"""Outer-search restarts: the composition with the lowest validation MSE wins (noise-free, it is alone within the
selection rule's threshold), and a composition exact to round-off ends the restarts; on noisy data an outer term
that fits only noise is pruned.
The search itself is replaced by a scripted stand-in."""

from __future__ import annotations


import numpy as np
import pytest
import sympy
import torch

import oraclelab.symbolic.regression as distill_module
from oraclelab.symbolic.discovery import DiscoveryConfig
from oraclelab.symbolic.discovery._data import load_discovery_data
from oraclelab.symbolic.discovery._readout import distill, distillation_steps
from oraclelab.symbolic.models import OuterFunction
from oraclelab.symbolic.problems import export_problem, get_problem, write_problem_csv

g0, g1, g2 = sympy.symbols("g0 g1 g2")
EXACT = g0 * g1 + sympy.sin(g2)
# structurally wrong: no refit of their constants makes them F11 (validation MSE > 0)
CUBIC_SINE = g0 * g1 + g2 - sympy.Float(0.16) * g2**3
NO_SINE = g0 * g1 + sympy.Float(0.9) * g2
QUINTIC_SINE = g0 * g1 + g2 - sympy.Float(0.16) * g2**3 + sympy.Float(0.008) * g2**5
# a term the target has not: on noisy data its refitted coefficient fits noise alone
NOISE_TERM = sympy.Float(0.01) * sympy.cos(3 * g1)


class TrueLatents(torch.nn.Module):
    """F11's own latents with a searched (not summed) outer function."""

    n_latents = 3

    def __init__(self, problem):
        super().__init__()
        self.problem = problem
        self.outer = OuterFunction(3, "mlp")

    def latents(self, x: torch.Tensor) -> torch.Tensor:
        return torch.as_tensor(self.problem.evaluate(x.double().numpy())[0])


def _scripted_search(outers: list[sympy.Expr], latents: tuple[sympy.Expr, ...], calls: list[int]):
    """A stand-in for symbolic_regression that searches nothing: the true latent formulas in turn, then the
    scripted outer formula of each restart (in call order), each scored on the data it is given."""
    latents_left = list(latents)

    def search(X, y, *, input_names=None, random_state=0, X_val=None, y_val=None, **settings):
        symbols = tuple(sympy.Symbol(name, real=True) for name in input_names)
        if input_names == ["g0", "g1", "g2"]:
            calls.append(random_state)
            expression = outers[len(calls) - 1]
        else:
            expression = latents_left.pop(0)
        expression = expression.xreplace({s: symbols[int(s.name[1:])] for s in expression.free_symbols})
        r2, mse = distill_module.scores(y, distill_module.evaluate_expression(expression, symbols, X))
        r2_val, mse_val = distill_module.scores(y_val, distill_module.evaluate_expression(expression, symbols, X_val))
        return distill_module.SRResult(expression, symbols, complexity=1, length=1, r2_train=r2, mse_train=mse,
                                       r2_validation=r2_val, mse_validation=mse_val, seconds=0.0, backend="scripted")

    return search


class RecordedProgress:
    """A progress reporter that keeps what it is told."""

    def __init__(self):
        self.done, self.texts = 0.0, []

    def advance(self, amount: float = 1.0) -> None:
        self.done += amount

    def describe(self, text: str) -> None:
        self.texts.append(text)


@pytest.mark.parametrize("outers, restarts, n_called, chosen", [
    ([CUBIC_SINE, EXACT, NO_SINE], 3, 2, EXACT),  # stops at the exact one
    ([NO_SINE, QUINTIC_SINE, CUBIC_SINE], 3, 3, QUINTIC_SINE),  # best of three
    ([CUBIC_SINE, EXACT], 1, 1, CUBIC_SINE),  # one search, no restart
])
def test_the_lowest_validation_mse_wins_and_an_exact_composition_stops_the_restarts(monkeypatch, outers, restarts,
                                                                                     n_called, chosen):
    problem = get_problem("F11")
    config = DiscoveryConfig(problem="F11", sr_outer_restarts=restarts, seed=0)
    data = load_discovery_data(config)
    calls: list[int] = []
    monkeypatch.setattr(distill_module, "symbolic_regression", _scripted_search(outers, problem.latent_sympy, calls))
    progress = RecordedProgress()
    model = TrueLatents(problem)
    result = distill(model, data, config, library=None, progress=progress)
    assert len(calls) == len(set(calls)) == n_called  # each restart from its own random state
    # the bar ends full even when an exact composition ends the restarts early
    assert progress.done == distillation_steps(model, config) == 3 + restarts
    assert sum("outer search" in text for text in progress.texts) == n_called
    assert [c.random_state for c in result.outer_candidates] == calls
    # the winner is known by construction: the exact form, else the form that nests the others
    assert result.outer_result.expression.xreplace(dict(zip(result.outer_result.symbols, (g0, g1, g2)))) == chosen
    assert result.equivalent is (chosen == EXACT)
    F_val = data.part("validation", data.F)
    direct = distill_module.evaluate_expression(result.formula, result.latent_results[0].symbols,
                                                data.part("validation", data.X))
    assert min(c.mse_validation for c in result.outer_candidates) == pytest.approx(np.mean((direct - F_val) ** 2))
    summary = result.summary()
    assert [c["random_state"] for c in summary["outer_candidates"]] == calls


@pytest.mark.parametrize("assumed_noise, outer_kept", [
    (0.01, EXACT),  # the searches assume the data's noise: the term that fits only noise goes
    (DiscoveryConfig().sr_outer_noise, EXACT + NOISE_TERM),  # assumed noise-free: nothing is pruned
])
def test_an_outer_term_that_fits_only_noise_is_pruned(monkeypatch, tmp_path, assumed_noise, outer_kept):
    problem = get_problem("F11")
    csv = write_problem_csv(tmp_path / "F11.csv", export_problem("F11", 1000, noise=0.01, seed=0))
    config = DiscoveryConfig(data=str(csv), inputs=("x0",), target="y", sr_outer_restarts=1, sr_outer_noise=assumed_noise,
                             seed=0)
    data = load_discovery_data(config)
    monkeypatch.setattr(distill_module, "symbolic_regression", _scripted_search([EXACT + NOISE_TERM],
                                                                                problem.latent_sympy, []))
    result = distill(TrueLatents(problem), data, config, library=None)
    assert result.outer_result.expression.xreplace(dict(zip(result.outer_result.symbols, (g0, g1, g2)))) == outer_kept
    pruned = result.summary()["pruned_outers"]
    # the truth's terms are each needed: nothing past the noise term is dropped
    assert [entry["dropped"] for entry in pruned] == ([[str(NOISE_TERM)]] if outer_kept == EXACT else [])
