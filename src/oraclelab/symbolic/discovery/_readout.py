"""Read a trained model out as one formula: each latent, then the outer function.

A latent is read out as the critic library's closest member when that fits about as well
as symbolic regression's formula (the critic trained it toward the library), else as the
SR formula; the member is fitted first, and when it fits within the tolerance of R^2 = 1
no search could beat it, so none runs. The outer function is the sum for a sum-output model; otherwise it is searched
on the latent *formulas'* values (not the network's latents), so that substituting the
latent formulas into it is consistent. The composition is refitted end to end (all
constants at once, on the target), pruned of the constants the refit drives to zero,
scored on the test split and, when the truth is known, checked for SRBench equivalence.

One outer search can settle on a near-miss: on F11 one random state of five found
``(a*g1 + b*g2 + c)*(d*g1 + e*g2 + cos(...))``, which pyoperon's float32 error cannot tell
from the truth (both MSE ~1e-16) but whose float64 refit stays at validation MSE 1.8e-16
while the true form refits to 1e-32. So the search restarts with other random states; restarts
stop once a composition fits the validation split to round-off.

With noise an outer search can also keep a term that only fits noise: on an F11-like target
with 1% noise one outer was ``0.15*g2 + (a*g0 + b)*(c*g0 + d*g1 + e) + sin(f*g0 + h*g1 + i)``,
where two parabolas already make both quadratics and ``0.15*g2`` (a degree-9 polynomial
latent) changed the fit by less than the noise. So when the target is assumed noisy
(``sr_outer_noise`` above :data:`NOISE_FREE`), the additive terms of the best composition's
outer function are dropped one at a time (backward elimination), each smaller composition
refitted, while one stays within the portfolio's threshold
(:func:`._selection.selection_threshold`, with that noise); of those within, each step
keeps the one with the shortest description length (:func:`._selection.description_length`).
(Keeping the best fit instead dropped the product above and kept ``0.15*g2``, whose refit is
a free degree-9 polynomial.) Noise-free, nothing is
pruned: a composition's refit expands short compositions into polynomials with free
coefficients, so dropping a term could trade structure for a polynomial that fits a
smooth target better. Of the restarts (and pruned compositions) the portfolio's rule picks
one (:func:`._selection.select_candidate`): the shortest description length within the
threshold of the best.
"""

from __future__ import annotations

import dataclasses
import functools
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable

import numpy as np
import sympy
import torch

from oraclelab.runs import SILENT, ProgressReporter
from oraclelab.symbolic.discovery._config import NOISE_FREE, DiscoveryConfig
from oraclelab.symbolic.discovery._data import DiscoveryData
from oraclelab.symbolic.discovery._selection import Scored, backward_elimination, score_formula, select_candidate
from oraclelab.symbolic.discovery._streams import RunStreams

if TYPE_CHECKING:
    from oraclelab.symbolic import FunctionLibrary
    from oraclelab.symbolic.models import LatentModel


logger = logging.getLogger(__name__)

#: Compositions up to this many operations are pruned and expanded for the report.
MAX_EXPAND_OPS = 60
#: A composition whose validation MSE is below this fraction of var(target) fits to round-off
#: (relative RMS error 1e-12; F11's exact forms reach 1e-31, its near-misses 4e-17): no
#: further outer restart can beat it.
ROUND_OFF_RELATIVE_MSE = 1e-24


@dataclass(frozen=True)
class Distillation:
    """Latent formulas (in x), the outer formula (in g), their composition and its scores."""

    latent_results: tuple[Any, ...]
    latent_readouts: tuple[str, ...]
    outer_result: Any
    formula: Any
    r2_test: float
    equivalent: bool | None
    outer_candidates: tuple[OuterCandidate, ...] = ()
    pruned_outers: tuple[OuterCandidate, ...] = ()

    def summary(self, digits: int = 4) -> dict[str, Any]:
        from oraclelab.symbolic.regression import round_constants

        def text(expression) -> str:
            return str(round_constants(expression, digits))

        return {
            "latent_formulas": [text(r.expression) for r in self.latent_results],
            "latent_readouts": list(self.latent_readouts),
            "latent_r2_validation": [r.r2_validation for r in self.latent_results],
            "outer_formula": text(self.outer_result.expression),
            "formula": text(self.formula),
            "formula_full_precision": str(self.formula),
            "r2_test": self.r2_test,
            "equivalent": self.equivalent,
            "outer_candidates": [{"random_state": c.random_state, "outer_formula": text(c.outer.expression),
                                  "mse_validation": c.mse_validation} for c in self.outer_candidates],
            "pruned_outers": [{"dropped": [text(term) for term in c.dropped], "outer_formula": text(c.outer.expression),
                               "mse_validation": c.mse_validation} for c in self.pruned_outers],
            "time_capped": list(self.time_capped),
        }

    @property
    def time_capped(self) -> tuple[str, ...]:
        """The searches their time cap stopped before their generation cap ("latent sr 0", "outer sr 1", ...)."""
        latents = [f"latent sr {k}" for k, r in enumerate(self.latent_results) if getattr(r, "time_capped", False)]
        outers = [f"outer sr {k}" for k, c in enumerate(self.outer_candidates) if getattr(c.outer, "time_capped", False)]
        return tuple(latents + outers)


@dataclass(frozen=True)
class OuterCandidate:
    """One outer function (a search's pyoperon random state and result; None for the known sum) composed, refitted, scored.

    ``dropped`` lists the additive terms of the searched outer function that pruning removed, in order.
    """

    random_state: int | None
    outer: Any
    formula: Any
    score: Scored
    dropped: tuple[Any, ...] = ()

    @property
    def mse_validation(self) -> float:
        """The composition's validation MSE."""
        return self.score.mse


def simplest_within(result: Any, X: np.ndarray, y: np.ndarray, X_val: np.ndarray, y_val: np.ndarray,
                    tolerance: float) -> Any:
    """The shortest formula of the SR Pareto front whose train R^2 is within ``tolerance`` of the best.

    A latent is a network's approximation of a formula: the extra accuracy of longer
    formulas mostly fits the network's own error, so the knee of the front is read out.
    """
    from oraclelab.symbolic.regression import evaluate_expression, scores

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


def _member(fit: Any, symbols: tuple, X_val: np.ndarray, y_val: np.ndarray) -> Any:
    """A library member's fit as the latent's read-out, scored like an SR result."""
    from oraclelab.symbolic.regression import SRResult, evaluate_expression, scores

    r2_val, mse_val = scores(y_val, evaluate_expression(fit.expression, symbols, X_val))
    return SRResult(fit.expression, symbols, complexity=sum(1 for _ in sympy.preorder_traversal(fit.expression)),
                    length=0, r2_train=fit.r2, mse_train=fit.mse, r2_validation=r2_val, mse_validation=mse_val,
                    seconds=0.0, backend="library")


def _read_out_latent(k: int, library: FunctionLibrary | None, X: np.ndarray, y: np.ndarray, X_val: np.ndarray,
                     y_val: np.ndarray, config: DiscoveryConfig, streams: RunStreams, search: dict[str, Any]
                     ) -> tuple[Any, str]:
    """Latent ``k``'s library member when it fits within ``sr_library_tolerance`` of the SR formula, else the SR formula.

    The member is fitted first: when its R^2 is already within the tolerance of 1, no SR
    formula (train R^2 <= 1) can beat it by more, and the search is skipped.
    """
    from oraclelab.symbolic.regression import fit_library, symbolic_regression

    symbols = tuple(sympy.Symbol(name, real=True) for name in search["input_names"])
    fit = None
    if library is not None:
        # R^2 differences below the latent's assumed noise share (noise / std)**2 are no evidence
        # for the template with more coefficients
        tolerance = max(config.sr_latent_r2_tolerance, config.sr_latent_noise**2)
        fit = fit_library(library.templates, X, y, seed=streams.integer("latent library fit", k), inputs=symbols,
                          tolerance=tolerance)
        if fit.r2 >= 1.0 - config.sr_library_tolerance:
            return _member(fit, symbols, X_val, y_val), "library"
    searched = symbolic_regression(X, y, X_val=X_val, y_val=y_val, random_state=streams.integer("latent sr", k),
                                   noise=config.sr_latent_noise * max(float(y.std()), 1e-12), **search)
    knee = simplest_within(searched, X, y, X_val, y_val, config.sr_latent_r2_tolerance)
    if fit is None or not fit.r2 >= knee.r2_train - config.sr_library_tolerance:
        return knee, "sr"
    return _member(fit, symbols, X_val, y_val), "library"


def _given_outer(expression: sympy.Expr, symbols: tuple, backend: str, formula_train: np.ndarray, F_train: np.ndarray,
                 formula_val: np.ndarray, F_val: np.ndarray) -> Any:
    """An outer function not searched for (the known sum, a pruned one) in the latents ``symbols``, scored like an SR result."""
    from oraclelab.symbolic.regression import SRResult, evaluate_expression, scores

    r2_train, mse_train = scores(F_train, evaluate_expression(expression, symbols, formula_train))
    r2_val, mse_val = scores(F_val, evaluate_expression(expression, symbols, formula_val))
    return SRResult(expression, symbols, complexity=sum(1 for _ in sympy.preorder_traversal(expression)), length=0,
                    r2_train=r2_train, mse_train=mse_train, r2_validation=r2_val, mse_validation=mse_val, seconds=0.0,
                    backend=backend)


def distillation_steps(model: LatentModel, config: DiscoveryConfig) -> int:
    """Progress units of :func:`distill`: one per latent, plus one per outer search when the outer function is searched."""
    return model.n_latents + (0 if model.outer.kind == "sum" else config.sr_outer_restarts)


def distill(model: LatentModel, data: DiscoveryData, config: DiscoveryConfig, *,
            library: FunctionLibrary | None = None, streams: RunStreams | None = None,
            progress: ProgressReporter = SILENT) -> Distillation:
    """Read each latent out (library member or SR), then the outer function (sum or SR); compose, refit, check.

    The outer search runs with up to ``config.sr_outer_restarts`` random states; the best
    composition's outer function is pruned of terms that fit only noise, and the
    portfolio's rule picks among them all (see the module docstring).

    ``library`` is the critic's :class:`FunctionLibrary`: its templates are the first
    candidates for every latent, and its one-argument functions and division (a parabola
    library gives polynomial fits) shape the latent searches; ``config.sr_latent_functions``
    overrides the functions. Each search and library fit draws from its own named stream of
    ``streams`` (default: the streams of ``config.seed``). ``progress`` advances
    :func:`distillation_steps` units in all.
    """
    streams = RunStreams(config.seed) if streams is None else streams
    X_train, X_val = data.part("train", data.X), data.part("validation", data.X)
    learned_train, learned_val = _latents(model, X_train), _latents(model, X_val)
    search = dict(seconds=config.sr_seconds, generations=config.sr_generations, input_names=data.input_names,
                  n_threads=config.threads)
    if config.sr_latent_functions is not None:
        functions = config.sr_latent_functions
    else:
        functions = library.functions if library is not None else ()
    division = library is None or "/" in library.operators
    latent_results, readouts = [], []
    for k in range(learned_train.shape[1]):
        progress.describe(f"distillation: latent {k + 1}/{learned_train.shape[1]}")
        y, y_val = learned_train[:, k], learned_val[:, k]
        result, readout = _read_out_latent(k, library, X_train, y, X_val, y_val, config, streams,
                                           {**search, "functions": functions, "division": division})
        latent_results.append(result)
        readouts.append(readout)
        progress.advance()
    return distill_outer(latent_results, readouts, data, config, known_sum=model.outer.kind == "sum", streams=streams,
                         progress=progress)


def distill_outer(latent_results: list[Any], readouts: list[str], data: DiscoveryData, config: DiscoveryConfig, *,
                  known_sum: bool, streams: RunStreams, progress: ProgressReporter = SILENT) -> Distillation:
    """The outer function of read-out latents (their sum when ``known_sum``, else searched); composed, refitted, checked.

    ``latent_results`` are SR-result-like formulas in the inputs (``expression``,
    ``symbols``, ``predict``); ``readouts`` says how each was read out. ``progress``
    advances once per outer search.
    """
    from oraclelab.symbolic.regression import are_equivalent, evaluate_expression, scores

    X_train, X_val, X_test = (data.part(s, data.X) for s in ("train", "validation", "test"))
    F_train, F_val = data.part("train", data.F), data.part("validation", data.F)
    formula_train = np.column_stack([r.predict(X_train) for r in latent_results])
    formula_val = np.column_stack([r.predict(X_val) for r in latent_results])
    latent_names = [f"g{k}" for k in range(len(latent_results))]
    symbols = latent_results[0].symbols
    composition = functools.partial(_composition, latent_results=latent_results, symbols=symbols, X_train=X_train,
                                    F_train=F_train, X_val=X_val, F_val=F_val)
    given_outer = functools.partial(_given_outer, formula_train=formula_train, F_train=F_train,
                                    formula_val=formula_val, F_val=F_val)
    if known_sum:
        latent_symbols = tuple(sympy.Symbol(name) for name in latent_names)
        candidates = [composition(None, given_outer(sympy.Add(*latent_symbols), latent_symbols, "known"))]
    else:
        candidates = _searched_outers(formula_train, F_train, formula_val, F_val, latent_names, config, composition,
                                      streams, progress)
    noise_variance = (config.sr_outer_noise * max(float(F_train.std()), 1e-12)) ** 2
    pruned = []
    if config.sr_outer_noise > NOISE_FREE:
        lowest = min(candidates, key=lambda c: c.mse_validation)
        progress.describe("distillation: pruning the outer function")
        pruned = _pruned_outers(lowest, composition, given_outer, noise_variance=noise_variance,
                                n_inputs=X_val.shape[1])
    everything = candidates + pruned
    best = everything[select_candidate([c.score for c in everything], noise_variance=noise_variance,
                                       n_inputs=X_val.shape[1]).chosen]
    r2_test, _ = scores(data.part("test", data.F), evaluate_expression(best.formula, symbols, X_test))
    equivalent = None if data.truth is None else bool(are_equivalent(best.formula, data.truth))
    return Distillation(tuple(latent_results), tuple(readouts), best.outer, best.formula, r2_test, equivalent,
                        outer_candidates=tuple(c for c in candidates if c.random_state is not None),
                        pruned_outers=tuple(pruned))


def _pruned_outers(start: OuterCandidate, composition: Callable[..., OuterCandidate],
                   given_outer: Callable[..., Any], *, noise_variance: float, n_inputs: int
                   ) -> list[OuterCandidate]:
    """Backward elimination (:func:`._selection.backward_elimination`) from ``start`` (the lowest validation MSE):
    each step drops one additive term of the outer function and refits the composition. Returns each step's
    composition, in order."""

    def smaller(current: OuterCandidate) -> list[OuterCandidate]:
        terms = [term for term in sympy.Add.make_args(current.outer.expression) if term.free_symbols]
        if len(terms) < 2:
            return []
        return [composition(start.random_state,
                            given_outer(current.outer.expression - term, current.outer.symbols,
                                        f"{start.outer.backend}, pruned"),
                            dropped=(*current.dropped, term)) for term in terms]

    return backward_elimination(start, smaller, noise_variance=noise_variance, n_inputs=n_inputs)


def _searched_outers(formula_train: np.ndarray, F_train: np.ndarray, formula_val: np.ndarray, F_val: np.ndarray,
                     latent_names: list[str], config: DiscoveryConfig,
                     composition: Callable[[int, Any], OuterCandidate], streams: RunStreams,
                     progress: ProgressReporter) -> list[OuterCandidate]:
    """Outer searches from up to ``sr_outer_restarts`` random states, each composed; stops at one exact to round-off."""
    from oraclelab.symbolic.regression import symbolic_regression

    exact = ROUND_OFF_RELATIVE_MSE * float(np.var(F_val))
    candidates = []
    for restart in range(config.sr_outer_restarts):
        random_state = streams.integer("outer sr", restart)
        progress.describe(f"distillation: outer search {restart + 1}/{config.sr_outer_restarts}")
        outer = symbolic_regression(formula_train, F_train, X_val=formula_val, y_val=F_val, random_state=random_state,
                                    seconds=config.sr_outer_seconds, generations=config.sr_outer_generations,
                                    max_length=config.sr_outer_max_length,
                                    noise=config.sr_outer_noise * max(float(F_train.std()), 1e-12),
                                    input_names=latent_names, n_threads=config.threads)
        candidates.append(composition(random_state, outer))
        logger.info("outer search %d/%d (random state %d): validation MSE %.3g", restart + 1,
                    config.sr_outer_restarts, random_state, candidates[-1].mse_validation)
        progress.advance()
        if candidates[-1].mse_validation <= exact:
            progress.advance(config.sr_outer_restarts - restart - 1)  # the restarts left are not needed
            break
    return candidates


def _composition(random_state: int | None, outer: Any, *, latent_results: list[Any], symbols: tuple, X_train: np.ndarray,
                 F_train: np.ndarray, X_val: np.ndarray, F_val: np.ndarray, dropped: tuple[Any, ...] = ()
                 ) -> OuterCandidate:
    """The latent formulas substituted into ``outer``, refitted end to end on the target and pruned; scored on validation."""
    from oraclelab.symbolic.regression import compose, prune_constants, refit_constants

    # sympy.simplify can run for minutes on a composition; expanding a short one is bounded and
    # puts a composed polynomial in one normal form (the equivalence check does the rest)
    composed = compose(outer.expression, [r.expression for r in latent_results], latent_symbols=list(outer.symbols),
                       simplify=False)
    formula = refit_constants(composed, symbols, X_train, F_train, X_val=X_val, y_val=F_val)
    if sympy.count_ops(formula) <= MAX_EXPAND_OPS:
        formula = sympy.expand(prune_constants(formula, symbols, X_train, F_train, X_val=X_val, y_val=F_val))
    score = score_formula("composition", formula, symbols, X_val, F_val)
    return OuterCandidate(random_state, outer, formula, score, dropped)
