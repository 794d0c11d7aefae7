"""The noise study: elicitation error against comparisons, per mode and per judge's noise.

For each noise model and each mode the study elicits the same metrics and records, per
point, the median number of comparisons and the median and 10th / 90th percentiles of
B_err = ||B_hat - B||_F. Classic and efficient QME give one point per LPME tolerance; the
active elicitor runs to a budget and is read at checkpoints along the way, so its points
trace the error against the comparisons spent. ``plot_noise_study`` (in ``_plots``) draws
the table: the headline figure of how each mode copes with a real judge.
"""

from __future__ import annotations

import math
import time
from dataclasses import asdict, dataclass

import numpy as np

from oraclelab._config import check_option_choices, option
from oraclelab._validation import check_choice, check_int_at_least, check_positive
from oraclelab.elicit._active import ActiveElicitor
from oraclelab.elicit._answers import AnswerModel, parse_answer_model
from oraclelab.elicit._features import n_parameters
from oraclelab.elicit._geometry import Sphere, n_rates
from oraclelab.elicit._judge import NOISE_MODELS, assumed_noise
from oraclelab.elicit._metrics import published_metrics
from oraclelab.elicit._oracles import HiddenMetricOracle
from oraclelab.elicit._qme import elicit_quadratic
from oraclelab.errors import ParameterError
from oraclelab.runs._progress import SILENT, ProgressReporter
from oraclelab.runs._seeding import stream_generator

__all__ = ["NoiseStudyConfig", "NoiseStudyRow", "NoiseStudyTable", "run_noise_study", "information_limit"]

NOISE_STUDY_MODES = ("classic", "efficient", "active")


def _as_int(value):
    """Whole numbers given as text (a command line's comma-separated list) as ints; anything else unchanged."""
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)
    return value


def information_limit(q: int, flip: float = 0.0, *, precision: float = 1e-2, parameters: int | None = None) -> float:
    """Comparisons that pin a metric's d - 1 free parameters to ``precision`` at best (d: ``parameters``,
    by default a quadratic metric's on q rates).

    A noise-free answer carries at most one bit, a flip-p answer 1 - H(p) bits:
    (d - 1) log2(1 / precision) / (1 - H(p)).
    """
    entropy = 0.0 if flip <= 0 else -(flip * math.log2(flip) + (1 - flip) * math.log2(1 - flip))
    d = n_parameters(q) if parameters is None else parameters
    return (d - 1) * math.log2(1.0 / precision) / max(1.0 - entropy, 1e-12)


@dataclass(frozen=True)
class NoiseStudyConfig:
    """What a noise study runs; validated on construction. Its fields are options of ``oraclelab elicit noise-study``.

    ``noises`` are judge specs ("none", "flip:0.1", "indifference:1e-4", "logistic:0.01");
    ``qme_tols`` the LPME tolerances of classic and efficient mode (a point each);
    ``budget`` the active elicitor's comparisons (default four times the noise-free
    information limit) and ``checkpoints`` the comparisons it is read at (default 12
    points spaced evenly in log between d and the budget).
    """

    classes: int = option(3, help="Number of classes k.")
    trials: int = option(100, help="Random well-formed metrics (the published stream).")
    noises: tuple[str, ...] = option(
        ("none", "flip:0.1", "indifference:1e-4"),
        help="Judges: none, flip:P, indifference:EPS, indifference-tell:EPS (says 'can't tell'), logistic:TEMPERATURE.",
    )
    modes: tuple[str, ...] = option(NOISE_STUDY_MODES, help="Modes among classic, efficient and active.")
    # numbers given as text too (a command line's list); stored as floats
    qme_tols: tuple[float, ...] = option(("0.1", "0.03", "0.01"), help="LPME tolerances of classic and efficient mode, a point each.")
    budget: int | None = option(None, help="Comparisons of the active elicitor (default: 4 x the noise-free information limit).")
    checkpoints: tuple[int, ...] | None = option(
        None, help="Comparisons at which the active elicitor is read (default: 12 spaced evenly in log up to the budget).",
    )
    elicitor_noise: str = option("auto", choices=NOISE_MODELS,
                                 help="The active elicitor estimates the judge's noise ('auto') or is told its model ('known').")
    seed: int = option(7, help="Seed of the metrics, the judges and the elicitor.")

    def __post_init__(self) -> None:
        owner = "elicit noise-study"
        check_int_at_least(self.classes, "classes", owner, 2)
        check_int_at_least(self.trials, "trials", owner, 1)
        if not self.noises or not self.modes:
            raise ParameterError(f"The 'noises' and 'modes' parameters of {owner} need at least one entry each.")
        for spec in self.noises:
            parse_answer_model(spec)
        for mode in self.modes:
            check_choice(mode, "modes", owner, NOISE_STUDY_MODES)
        object.__setattr__(self, "qme_tols", tuple(check_positive(tol, "qme_tols", owner) for tol in self.qme_tols))
        check_option_choices(self, owner)
        check_int_at_least(self.seed, "seed", owner, 0)
        d = n_parameters(n_rates(self.classes))
        budget = self.budget if self.budget is not None else int(math.ceil(4 * information_limit(n_rates(self.classes))))
        budget = check_int_at_least(budget, "budget", owner, 1)
        checkpoints = self.checkpoints
        if checkpoints is None:
            checkpoints = tuple(int(c) for c in np.unique(np.geomspace(min(d, budget), budget, 12).round().astype(int)))
        checkpoints = [check_int_at_least(_as_int(c), "checkpoints", owner, 1) for c in checkpoints]
        object.__setattr__(self, "noises", tuple(self.noises))
        object.__setattr__(self, "modes", tuple(self.modes))
        object.__setattr__(self, "budget", budget)
        object.__setattr__(self, "checkpoints", tuple(sorted({min(int(c), budget) for c in checkpoints})))

    def as_dict(self) -> dict:
        return {key: list(value) if isinstance(value, tuple) else value for key, value in asdict(self).items()}


@dataclass(frozen=True)
class NoiseStudyRow:
    """One point of the study: a mode on a judge, at a tolerance or checkpoint."""

    mode: str
    noise: str
    classes: int
    setting: float
    trials: int
    comparisons_median: float
    B_err_median: float
    B_err_p10: float
    B_err_p90: float
    a_err_median: float
    seconds: float


@dataclass(frozen=True)
class NoiseStudyTable:
    """The study's points, in run order, with the config that made them."""

    config: NoiseStudyConfig
    rows: tuple[NoiseStudyRow, ...]

    def as_dicts(self) -> list[dict]:
        return [asdict(row) for row in self.rows]

    def select(self, mode: str, noise: str) -> list[NoiseStudyRow]:
        """The points of one mode on one judge, by increasing comparisons."""
        return sorted((r for r in self.rows if r.mode == mode and r.noise == noise), key=lambda r: r.comparisons_median)


def _row(mode: str, noise: str, classes: int, setting: float, comparisons, a, B, metric, seconds: float) -> NoiseStudyRow:
    b_err = np.linalg.norm(B - metric.B, axis=(1, 2))
    a_err = np.linalg.norm(a - metric.a, axis=1)
    return NoiseStudyRow(
        mode, noise, classes, float(setting), int(metric.n_trials), float(np.median(comparisons)),
        float(np.median(b_err)), float(np.percentile(b_err, 10)), float(np.percentile(b_err, 90)), float(np.median(a_err)), seconds,
    )


def _active_points(config: NoiseStudyConfig, spec: str, judge: AnswerModel | None, metric, sphere: Sphere) -> list[NoiseStudyRow]:
    oracle = HiddenMetricOracle(metric, noise=judge, rng=stream_generator(config.seed, "noise-study", spec, "active"))
    elicitor = ActiveElicitor(
        sphere, metric.n_trials, tol=1e-12, budget=config.budget, rng=stream_generator(config.seed, "noise-study", "elicitor"),
        noise=assumed_noise(config.elicitor_noise, judge),
    )
    rows, start, marks = [], time.perf_counter(), set(config.checkpoints)
    while not elicitor.done:
        query = elicitor.ask()
        elicitor.tell(oracle.answer(query.first, query.second, trials=query.trials))
        n = int(oracle.comparisons.max())
        if n in marks:
            result = elicitor.result()
            seconds = time.perf_counter() - start
            rows.append(_row("active", spec, config.classes, n, result.comparisons, result.a, result.B, metric, seconds))
    return rows


def run_noise_study(config: NoiseStudyConfig, *, progress: ProgressReporter = SILENT) -> NoiseStudyTable:
    """Run every (noise, mode) pair of the study on the same well-formed published metrics."""
    q = n_rates(config.classes)
    sphere = Sphere.centred(q)
    metric = published_metrics(config.trials, q, seed=config.seed)
    rows: list[NoiseStudyRow] = []
    for spec in config.noises:
        judge = parse_answer_model(spec)
        for mode in config.modes:
            progress.describe(f"k={config.classes} {spec}: {mode}")
            if mode == "active":
                rows.extend(_active_points(config, spec, judge, metric, sphere))
            else:
                for tol in config.qme_tols:
                    oracle = HiddenMetricOracle(metric, noise=judge, rng=stream_generator(config.seed, "noise-study", spec, mode, tol))
                    start = time.perf_counter()
                    result = elicit_quadratic(oracle, sphere, tol=tol, mode=mode, well_formed=True)
                    rows.append(_row(mode, spec, config.classes, tol, result.comparisons, result.a, result.B, metric,
                                     time.perf_counter() - start))
            progress.advance()
    return NoiseStudyTable(config, tuple(rows))
