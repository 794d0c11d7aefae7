"""Read a trained model out as one formula: SR on each latent, then on the outer function.

The outer function is fitted on the latent *formulas'* values (not the network's latents),
so that substituting the latent formulas into it is consistent; the composition is
simplified, scored on the test split and, when the truth is known, checked for SRBench
equivalence.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

import numpy as np
import sympy
import torch

from oraclelab.symbolic.discovery._config import DiscoveryConfig
from oraclelab.symbolic.discovery._data import DiscoveryData
from oraclelab.symbolic.models import LatentModel


#: Compositions up to this many operations are expanded for the report.
MAX_EXPAND_OPS = 60


@dataclass(frozen=True)
class Distillation:
    """Latent formulas (in x), the outer formula (in g), their composition and its scores."""

    latent_results: list[Any]
    outer_result: Any
    formula: Any
    r2_test: float
    equivalent: bool | None

    def summary(self, digits: int = 4) -> dict[str, Any]:
        from oraclelab.symbolic.distill import round_constants

        def text(expression) -> str:
            return str(round_constants(expression, digits))

        return {
            "latent_formulas": [text(r.expression) for r in self.latent_results],
            "latent_r2_validation": [r.r2_validation for r in self.latent_results],
            "outer_formula": text(self.outer_result.expression),
            "formula": text(self.formula),
            "formula_full_precision": str(self.formula),
            "r2_test": self.r2_test,
            "equivalent": self.equivalent,
        }


def simplest_within(result: Any, X: np.ndarray, y: np.ndarray, X_val: np.ndarray, y_val: np.ndarray,
                    tolerance: float) -> Any:
    """The shortest formula of the SR Pareto front whose train R^2 is within ``tolerance`` of the best.

    A latent is a network's approximation of a formula: the extra accuracy of longer
    formulas mostly fits the network's own error, so the knee of the front is read out.
    """
    from oraclelab.symbolic.distill import evaluate_expression, scores

    variance = max(float(np.var(y)), 1e-300)
    r2 = [1.0 - point.mse_train / variance for point in result.pareto_front]
    if not r2:
        return result
    best = max(max(r2), result.r2_train)
    chosen = min((p for p, value in zip(result.pareto_front, r2) if value >= best - tolerance), key=lambda p: p.length,
                 default=None)
    if chosen is None or chosen.length >= result.length:
        return result
    r2_train, mse_train = scores(y, evaluate_expression(chosen.expression, result.symbols, X))
    r2_val, mse_val = scores(y_val, evaluate_expression(chosen.expression, result.symbols, X_val))
    return dataclasses.replace(result, expression=chosen.expression, length=chosen.length,
                               complexity=sum(1 for _ in sympy.preorder_traversal(chosen.expression)),
                               r2_train=r2_train, mse_train=mse_train, r2_validation=r2_val, mse_validation=mse_val)


def _latents(model: LatentModel, X: np.ndarray) -> np.ndarray:
    with torch.no_grad():
        return model.latents(torch.as_tensor(np.asarray(X, dtype=np.float32))).double().numpy()


def distill(model: LatentModel, data: DiscoveryData, config: DiscoveryConfig, *,
            latent_functions: tuple[str, ...] = (), latent_division: bool = True) -> Distillation:
    """Symbolic regression on every latent, then on the outer function; compose and check.

    ``latent_functions`` are the one-argument functions the latent fits may use and
    ``latent_division`` whether they may divide (as the critic's library does: a parabola
    library gives polynomial fits); ``config.sr_latent_functions`` overrides the functions.
    """
    from oraclelab.symbolic.distill import are_equivalent, compose, evaluate_expression, scores, symbolic_regression

    X_train, X_val, X_test = (data.part(s, data.X) for s in ("train", "validation", "test"))
    learned_train, learned_val = _latents(model, X_train), _latents(model, X_val)
    settings = dict(seconds=config.sr_seconds, generations=config.sr_generations, input_names=data.input_names)
    functions = config.sr_latent_functions if config.sr_latent_functions is not None else latent_functions
    latent_results = [
        simplest_within(
            symbolic_regression(X_train, learned_train[:, k], X_val=X_val, y_val=learned_val[:, k],
                                random_state=config.seed + k, functions=functions, division=latent_division,
                                noise=config.sr_latent_noise * max(float(learned_train[:, k].std()), 1e-12), **settings),
            X_train, learned_train[:, k], X_val, learned_val[:, k], config.sr_latent_r2_tolerance)
        for k in range(learned_train.shape[1])
    ]
    formula_train = np.column_stack([r.predict(X_train) for r in latent_results])
    formula_val = np.column_stack([r.predict(X_val) for r in latent_results])
    latent_names = [f"g{k}" for k in range(len(latent_results))]
    outer = symbolic_regression(formula_train, data.part("train", data.F), X_val=formula_val,
                                y_val=data.part("validation", data.F), random_state=config.seed + 1000,
                                **{**settings, "input_names": latent_names})
    # sympy.simplify can run for minutes on a composition; expanding a short one is bounded and
    # puts a composed polynomial in one normal form (the equivalence check does the rest)
    formula = compose(outer.expression, [r.expression for r in latent_results], latent_symbols=list(outer.symbols),
                      simplify=False)
    if sympy.count_ops(formula) <= MAX_EXPAND_OPS:
        formula = sympy.expand(formula)
    symbols = latent_results[0].symbols
    r2_test, _ = scores(data.part("test", data.F), evaluate_expression(formula, symbols, X_test))
    equivalent = None if data.truth is None else bool(are_equivalent(formula, data.truth))
    return Distillation(latent_results, outer, formula, r2_test, equivalent)
