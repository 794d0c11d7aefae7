"""A portfolio of priors: one full discovery per library, a single-index fit, a sum of products and direct SR, one chosen.

A user with a table does not know which library describes its latent features, so
``library='auto'`` (the default with a data file) tries every library that fits the
input dimension (:func:`portfolio_specs`), the single-index candidate (the target as a
function of one sum of simple terms, :mod:`._index_candidate`), the products candidate (a
sum of simple terms and their pairwise products, :mod:`._products_candidate`) and direct
SR, each as an independent candidate, on the executors of :mod:`oraclelab.runs` (one after
another, a local process pool, or a Dask cluster). Every candidate runs with one thread and its own named random
streams (``("candidate", name)`` under the run's seed), so what it finds does not depend on
how many workers run the portfolio or in which order. The rule of :mod:`._selection` then
picks one formula on the validation split; because direct SR is a candidate, the pick is
never worse than direct SR by that rule. When the searches assume noise, each candidate's
formula is first pruned of the constants that fit only noise (:mod:`._constant_pruning`).

Unless ``exhaustive``, the first candidate in the portfolio's order whose formula fits the
validation rows to float precision (:func:`fits_exactly`, as on noise-free data with the right
form) ends the portfolio: the candidates after it are not run, or abandoned if running.
By the rule, a later candidate could only have been chosen over an exact one by fitting
exactly too, and being shorter or closer still (1e-31 against 1e-22 of the variance, say).
The cheap products and single-index candidates come first in 'auto', so a sum of simple
terms or of their products is read out in seconds, and a simple function of one sum in a
minute or two, instead of after every library's discovery. Which candidates ran depends on their results
alone, so it too is the same on any number of workers.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Mapping

import numpy as np

from oraclelab.errors import OracleLabError, ParameterError
from oraclelab.symbolic.discovery._config import AUTO, DIRECT_SR, NOISE_FREE, PRODUCTS, SINGLE_INDEX, DiscoveryConfig
from oraclelab.symbolic.discovery._data import DiscoveryData, load_discovery_data
from oraclelab.symbolic.discovery._noise import TOO_FEW_ROWS, NoiseEstimate, estimate_noise, given_noise
from oraclelab.symbolic.discovery._selection import RULE, Scored, Selection, score_formula, select_candidate

if TYPE_CHECKING:
    from oraclelab.runs import Executor
    from oraclelab.symbolic.discovery._constant_pruning import ConstantPruning
    from oraclelab.symbolic.discovery._index_candidate import IndexOutcome
    from oraclelab.symbolic.discovery._products_candidate import ProductsOutcome
    from oraclelab.symbolic.discovery._result import DiscoveryResult
    from oraclelab.symbolic.regression import DirectSROutcome

__all__ = ["CandidateResult", "PortfolioResult", "direct_sr_generations", "discover_portfolio", "fits_exactly",
           "portfolio_specs", "run_candidate"]

logger = logging.getLogger(__name__)

#: A validation MSE at most this times the target's validation variance is a fit to float precision:
#: exact formulas score 1e-33 to 1e-28 of it, the best inexact fits seen (direct SR on F10) 1e-14. A separate
#: fact from the single-index search's stop (1e-24 of its own least-squares loss inside one fit).
STOP_RELATIVE_MSE = 1e-20


def portfolio_specs(config: DiscoveryConfig, n_inputs: int) -> tuple[str, ...]:
    """The candidates of a portfolio config for ``n_inputs`` inputs, in order, without repeats.

    'auto' stands for (with two or more inputs) the sum of terms and products 'products'
    first, as the cheapest (seconds), and the single-index candidate 'index', then every
    built-in library of exactly ``n_inputs`` inputs, the generated ``poly:D`` and (for two or more inputs)
    ``terms:D``, and 'sr'. (With one input, a sum of terms of that input is one more function
    of it, which direct SR already searches.) Every
    library is loaded once here, so an unknown name or a bad file fails before any candidate
    runs.
    """
    from oraclelab.symbolic import FunctionLibrary, list_builtin_libraries
    from oraclelab.symbolic.formulas._generated import generated_name

    specs: list[str] = []
    for spec in config.library_specs or (AUTO,):
        if spec == AUTO:
            fitting = [name for name in list_builtin_libraries() if FunctionLibrary.builtin(name).n_inputs == n_inputs]
            several = n_inputs > 1
            generated = [generated_name("poly", n_inputs)] + ([generated_name("terms", n_inputs)] if several else [])
            expanded = [*([PRODUCTS, SINGLE_INDEX] if several else []), *fitting, *generated, DIRECT_SR]
        else:
            expanded = [spec]
        specs += [name for name in expanded if name not in specs]
    for spec in specs:
        takes = n_inputs if spec in (DIRECT_SR, SINGLE_INDEX, PRODUCTS) else FunctionLibrary.load(spec).n_inputs
        if takes != n_inputs:
            raise ParameterError(f"The library {spec!r} of 'library' takes {takes} input(s); the data have {n_inputs}.")
    return tuple(specs)


def direct_sr_generations(config: DiscoveryConfig, specs: tuple[str, ...]) -> int:
    """Generations of the portfolio's direct SR candidate: ``sr_direct_generations``, or by default one
    discovery's outer searches for each candidate of ``specs`` that runs them (all but 'sr' and 'products').

    When no prior fits, direct SR is what the portfolio falls back on, so by default it searches the raw
    target as long as the other candidates together search their composed ones, rather than as long as
    one of them.
    """
    if config.sr_direct_generations:
        return config.sr_direct_generations
    searching = sum(spec not in (DIRECT_SR, PRODUCTS) for spec in specs)
    return config.sr_outer_generations * config.sr_outer_restarts * max(1, searching)


@dataclass(frozen=True)
class CandidateTask:
    """What one candidate runs: the portfolio's config, its library (or 'sr'), the noise its searches
    assume, and the generations of the direct SR candidate."""

    config: Mapping[str, Any]
    spec: str
    search_noise: float
    direct_generations: int


@dataclass(frozen=True)
class CandidateResult:
    """One candidate's outcome: its formula (sympy, in the inputs; None when it failed), time and caps.

    ``discovery`` holds the full run of a library candidate, ``direct`` that of the SR one,
    ``index`` that of the single-index one, ``products`` that of the products one;
    ``pruning`` the elimination of the constants that fit only noise (:mod:`._constant_pruning`, None when the
    searches assume noise-free data), whose pick ``formula`` is; ``cpu_seconds`` is the process time of the
    candidate (one thread); ``time_capped`` names the searches whose time cap, not their step or generation cap,
    ended them.
    """

    name: str
    formula: Any
    seconds: float
    cpu_seconds: float
    time_capped: tuple[str, ...]
    discovery: DiscoveryResult | None = None
    direct: DirectSROutcome | None = None
    index: IndexOutcome | None = None
    products: ProductsOutcome | None = None
    pruning: ConstantPruning | None = None
    error: str | None = None


def _direct_sr(config: DiscoveryConfig, task: CandidateTask) -> DirectSROutcome:
    """Direct SR for the task's generations, with the outer searches' length and, per generation, time cap."""
    from oraclelab.runs import stream_seed
    from oraclelab.symbolic.regression import direct_sr

    data = load_discovery_data(config)
    random_state = int(stream_seed(config.seed, "candidate", DIRECT_SR).generate_state(1)[0])
    return direct_sr(data.X, data.F, data.splits, truth=data.truth, input_names=data.input_names,
                     seconds=config.sr_outer_seconds * task.direct_generations / config.sr_outer_generations,
                     generations=task.direct_generations, max_length=config.sr_outer_max_length,
                     noise=max(task.search_noise, NOISE_FREE) * max(float(np.std(data.F)), 1e-12),
                     random_state=random_state, n_threads=1)


def _outcome(config: DiscoveryConfig, task: CandidateTask) -> tuple[Any, tuple[str, ...], dict[str, Any]]:
    """The candidate's formula, the searches its time cap stopped, and its full outcome as a CandidateResult field."""
    from oraclelab.symbolic.discovery._index_candidate import index_candidate
    from oraclelab.symbolic.discovery._products_candidate import products_candidate
    from oraclelab.symbolic.discovery._run import discover
    from oraclelab.symbolic.discovery._streams import RunStreams

    if task.spec == DIRECT_SR:
        direct = _direct_sr(config, task)
        return direct.result.expression, (("direct sr",) if direct.result.time_capped else ()), {"direct": direct}
    if task.spec == PRODUCTS:
        products = products_candidate(config)
        return products.fit.expression, (), {"products": products}
    single = dataclasses.replace(config, library=task.spec, threads=1, workers=1, scheduler=None,
                                 sr_outer_noise=max(task.search_noise, NOISE_FREE))
    if task.spec == SINGLE_INDEX:
        index = index_candidate(single, RunStreams(config.seed, "candidate", task.spec))
        return index.distillation.formula, index.distillation.time_capped, {"index": index}
    discovery = discover(single, stream_prefix=("candidate", task.spec))
    return discovery.formula, discovery.time_capped, {"discovery": discovery}


def run_candidate(task: CandidateTask) -> CandidateResult:
    """Run one candidate with one thread, numpy's BLAS included (a top-level function, so process pools and Dask can ship it)."""
    from threadpoolctl import threadpool_limits

    config = DiscoveryConfig.from_dict(task.config)
    start, cpu = time.perf_counter(), time.process_time()
    try:
        with threadpool_limits(limits=1):
            formula, capped, outcome = _outcome(config, task)
            pruning = _constant_pruning(config, task, formula)
    except (OracleLabError, ArithmeticError, ValueError, RuntimeError) as error:
        logger.warning("candidate %s failed: %s", task.spec, error)
        return CandidateResult(task.spec, None, time.perf_counter() - start, time.process_time() - cpu, (),
                               error=f"{type(error).__name__}: {error}")
    return CandidateResult(task.spec, formula if pruning is None else pruning.chosen.formula,
                           time.perf_counter() - start, time.process_time() - cpu, capped, pruning=pruning, **outcome)


def _constant_pruning(config: DiscoveryConfig, task: CandidateTask, formula: Any) -> ConstantPruning | None:
    """The candidate's formula pruned of constants that fit only noise, when its searches assume noise (else None)."""
    from oraclelab.symbolic.discovery._constant_pruning import prune_noise_constants

    if formula is None or task.search_noise <= NOISE_FREE:
        return None
    data = load_discovery_data(config)
    variance = (task.search_noise * float(np.std(data.part("train", data.F)))) ** 2
    return prune_noise_constants(formula, data, noise_variance=variance)


@dataclass(frozen=True)
class PortfolioResult:
    """A portfolio run: the noise level, every candidate with its validation score, and the chosen one.

    ``scores[k]`` is candidate k as the selection rule saw it; ``r2_test`` and
    ``equivalent`` (None without a known truth) are the chosen formula's. ``skipped`` names
    the candidates not run because the last of ``candidates`` fits exactly.
    """

    config: DiscoveryConfig
    data: DiscoveryData
    noise: NoiseEstimate
    candidates: tuple[CandidateResult, ...]
    scores: tuple[Scored, ...]
    selection: Selection
    r2_test: float
    equivalent: bool | None
    seconds: float
    skipped: tuple[str, ...] = ()

    @property
    def chosen(self) -> CandidateResult:
        """The candidate the rule picked."""
        return self.candidates[self.selection.chosen]

    @property
    def formula(self) -> Any:
        """The chosen formula (sympy, in the input symbols)."""
        return self.chosen.formula

    def candidate_rows(self) -> list[dict[str, Any]]:
        """One row per candidate: library, formula, validation MSE, its threshold, nodes, description length, times,
        caps, generations (of 'sr'), chosen and why."""
        from oraclelab.symbolic.regression import round_constants

        rows = []
        for k, (candidate, score) in enumerate(zip(self.candidates, self.scores)):
            rows.append({
                "library": candidate.name, "formula": None if candidate.formula is None
                else str(round_constants(candidate.formula, 4)),
                "mse_validation": score.mse, "se_validation": score.se,
                "threshold": self.selection.thresholds[k], "complexity": score.complexity,
                "description_length": self.selection.description_lengths[k],
                "r2_test": _r2_test(candidate), "equivalent": _equivalent(candidate), "seconds": candidate.seconds,
                "cpu_seconds": candidate.cpu_seconds, "time_capped": list(candidate.time_capped),
                "generations": None if candidate.direct is None else candidate.direct.result.generations,
                "chosen": k == self.selection.chosen, "why": self.selection.reasons[k], "error": candidate.error,
                "pruning": None if candidate.pruning is None else candidate.pruning.summary(),
            })
        why = (f"not run: {self.candidates[-1].name}, before it in the portfolio, fits the validation rows to "
               "float precision (--exhaustive runs every candidate)")
        for name in self.skipped:
            rows.append({**{key: None for key in rows[0]}, "library": name, "time_capped": [], "chosen": False,
                         "why": why})
        return rows

    def summary(self) -> dict[str, Any]:
        """The headline numbers by name (the keys of summary.json)."""
        from oraclelab.symbolic.regression import round_constants

        return {"problem": self.config.problem, "data": self.config.data, "formula": str(round_constants(self.formula, 4)),
                "formula_full_precision": str(self.formula), "library": self.chosen.name, "r2_test": self.r2_test,
                "equivalent": self.equivalent, "noise": self.noise.summary(), "rule": RULE,
                "best_mse_validation": self.selection.best_mse,
                "n_validation": int(len(self.data.splits["validation"])), "candidates": self.candidate_rows(),
                "time_capped": {c.name: list(c.time_capped) for c in self.candidates if c.time_capped},
                "stopped_by_exact_fit": self.candidates[-1].name if self.skipped else None,
                "seconds": self.seconds, "cpu_seconds": sum(c.cpu_seconds for c in self.candidates)}


def _tested(candidate: CandidateResult) -> Any:
    """What holds the candidate's ``r2_test`` and ``equivalent``: its pruning when that picked a pruned formula, else a
    distillation or a direct or products outcome (None for a failed candidate)."""
    if candidate.pruning is not None and candidate.pruning.pruned:
        return candidate.pruning
    if candidate.discovery is not None:
        return candidate.discovery.distillation
    if candidate.index is not None:
        return candidate.index.distillation
    return candidate.direct if candidate.direct is not None else candidate.products


def _r2_test(candidate: CandidateResult) -> float | None:
    tested = _tested(candidate)
    return None if tested is None else tested.r2_test


def _equivalent(candidate: CandidateResult) -> bool | None:
    tested = _tested(candidate)
    return None if tested is None else tested.equivalent


def _score(candidate: CandidateResult, data: DiscoveryData) -> Scored:
    """The candidate as the selection rule sees it on the validation rows."""
    if candidate.formula is None:
        return Scored.failed(candidate.name)
    return score_formula(candidate.name, candidate.formula, data.columns_of(candidate.formula),
                         data.part("validation", data.X), data.part("validation", data.F))


def fits_exactly(score: Scored, data: DiscoveryData) -> bool:
    """Whether a candidate's validation MSE is at the float floor: at most STOP_RELATIVE_MSE of the target's variance there."""
    variance = float(np.var(data.part("validation", data.F)))
    return score.mse <= STOP_RELATIVE_MSE * max(variance, np.finfo(float).tiny)


def _noise(config: DiscoveryConfig, data: DiscoveryData) -> NoiseEstimate:
    train = data.splits["train"]
    if config.noise is not None:
        return given_noise(config.noise, data.F[train])
    estimate = estimate_noise(data.X[train], data.F[train])
    if estimate.method == TOO_FEW_ROWS:
        logger.warning("%d training rows are too few to estimate the noise of %d inputs; the rule uses the "
                       "standard error alone (give --noise to use a level)", len(train), data.X.shape[1])
    return estimate


def _workers(config: DiscoveryConfig, n_candidates: int) -> int:
    return min(config.workers or os.cpu_count() or 1, n_candidates)


def discover_portfolio(config: DiscoveryConfig | Mapping[str, Any], *, executor: Executor | None = None
                       ) -> PortfolioResult:
    """Run the portfolio's candidates (on ``executor``, default from ``workers`` and ``scheduler``) and pick one.

    The noise level is ``config.noise`` or its estimate on the training rows (:mod:`._noise`).
    The searches assume it when it is given or the estimate is resolved (noise, not the
    target's curvature, dominates it); otherwise they assume noise-free data. The selection
    rule always uses it, capped at the best validation MSE. Unless ``config.exhaustive``, the
    first candidate in order that :func:`fits_exactly` ends the run (see the module's
    docstring). Nothing is written. A candidate's CPU seconds are its process's time, so give
    Dask workers one thread each; an abandoned candidate's are not counted.
    """
    from oraclelab.runs import make_executor
    from oraclelab.symbolic.regression import are_equivalent, evaluate_expression, scores

    config = config if isinstance(config, DiscoveryConfig) else DiscoveryConfig.from_dict(config)
    start = time.perf_counter()
    data = load_discovery_data(config)
    specs = portfolio_specs(config, data.X.shape[1])
    noise = _noise(config, data)
    search_noise = noise.relative if noise.resolved else NOISE_FREE
    generations = direct_sr_generations(config, specs)
    tasks = [CandidateTask(config.to_dict(), spec, search_noise, generations) for spec in specs]
    own = executor is None
    executor = make_executor(config.scheduler, _workers(config, len(tasks))) if own else executor

    offered: dict[int, Scored] = {}  # each candidate the exact stop scored, by index (scored once)

    def exact(index: int, candidate: CandidateResult) -> bool:
        offered[index] = _score(candidate, data)
        return fits_exactly(offered[index], data)

    try:
        candidates = tuple(executor.map(run_candidate, tasks, until=None if config.exhaustive else exact))
    finally:
        if own:
            executor.close()
    scored = tuple(offered[k] if k in offered else _score(candidate, data) for k, candidate in enumerate(candidates))
    try:
        selection = select_candidate(scored, noise_variance=noise.std ** 2, n_inputs=data.X.shape[1])
    except ValueError:
        errors = "; ".join(f"{c.name}: {c.error}" for c in candidates)
        raise ParameterError(f"every candidate of the portfolio failed ({errors}).") from None
    chosen = candidates[selection.chosen]
    r2_test, _ = scores(data.part("test", data.F),
                        evaluate_expression(chosen.formula, data.columns_of(chosen.formula), data.part("test", data.X)))
    equivalent = None if data.truth is None else bool(are_equivalent(chosen.formula, data.truth))
    logger.info("portfolio: %s chosen of %d candidates: %s", chosen.name, len(candidates), chosen.formula)
    return PortfolioResult(config, data, noise, candidates, scored, selection, r2_test, equivalent,
                           time.perf_counter() - start, specs[len(candidates):])
