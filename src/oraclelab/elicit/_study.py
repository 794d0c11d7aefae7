"""The elicitation study: many random metrics per (classes, well formed) configuration.

Each configuration draws its metrics from its own seed stream (so a study of k = 5 alone
draws the same metrics as a study of k = 2..5), elicits them all in one lockstep batch and
summarises the errors a_err = ||a_hat - a||_2 and B_err = ||B_hat - B||_F. The mode is QME
with classic or efficient LPME, or active elicitation. By default the metrics are the
published scripts' own (their stream replayed): with seed 7 the study elicits exactly the
metrics behind the published medians.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from functools import partial

from oraclelab._config import check_option_choices, option
from oraclelab._validation import check_int_at_least, check_positive
from oraclelab.elicit._active import DEFAULT_TOL, elicit_active
from oraclelab.elicit._answers import FlipNoise
from oraclelab.elicit._geometry import Sphere, n_rates
from oraclelab.elicit._lpme import MODES
from oraclelab.elicit._metrics import published_metrics, random_metrics
from oraclelab.elicit._oracles import AnswerModel, HiddenMetricOracle
from oraclelab.elicit._qme import elicit_quadratic
from oraclelab.elicit._records import EstimateRecord, load_record, save_record
from oraclelab.errors import ParameterError
from oraclelab.runs._executors import Executor, SerialExecutor
from oraclelab.runs._progress import SILENT, ProgressReporter
from oraclelab.runs._run_folder import RunFolder
from oraclelab.runs._seeding import stream_generator

__all__ = ["StudyConfig", "run_study", "run_configuration", "configuration_label", "record_name", "PUBLISHED_MEDIANS"]

FORMED = ("well", "ill", "both")
#: QME with classic or efficient LPME, or the active elicitor.
STUDY_MODES = MODES + ("active",)
#: How the active elicitor treats noise: estimate its levels, or use the judge's model as known.
ELICITOR_NOISE = ("auto", "known")
#: Where a study's metrics come from: the published scripts' stream (numpy's legacy
#: RandomState seeded per configuration) or oraclelab's own named PCG64 streams.
METRIC_STREAMS = ("published", "pcg64")

#: Medians (a_err, B_err) of the published code at tol 1e-2, classic LPME, per (k, well formed);
#: 300 trials for k = 2, 3 and 150 for k = 4, 5 (measured with the original scripts).
PUBLISHED_MEDIANS: dict[tuple[int, bool], tuple[float, float]] = {
    (2, True): (0.0015, 0.0027),
    (3, True): (0.0034, 0.0140),
    (4, True): (0.0047, 0.0285),
    (5, True): (0.0054, 0.0530),
    (2, False): (0.0015, 0.0030),
    (3, False): (0.0048, 0.0194),
    (4, False): (0.0083, 0.0683),
    (5, False): (0.0119, 0.1182),
}


@dataclass(frozen=True)
class StudyConfig:
    """What a study runs; validated on construction.

    Fields declared with ``option`` are also options of ``oraclelab elicit study``. ``tol``
    is LPME's angle tolerance for classic and efficient QME (default 1e-2) and the posterior
    tolerance of the active elicitor (default ``DEFAULT_TOL``); ``budget`` caps the active
    elicitor's comparisons; ``elicitor_noise`` tells it to estimate the noise levels from
    the answers ("auto") or to take the judge's ``noise`` model as known ("known").
    """

    classes: tuple[int, ...] = (2, 3, 4, 5)
    trials: int = option(300, help="Random metrics per configuration.")
    tol: float | None = option(
        None, help=f"LPME angle tolerance (classic, efficient; default 0.01) or the active elicitor's posterior "
                   f"tolerance (default {DEFAULT_TOL:g}).",
    )
    formed: str = option("both", help="Well-formed metrics, ill-formed ones, or both.", choices=FORMED)
    mode: str = option(
        "classic", choices=STUDY_MODES,
        help="QME with the published 'classic' LPME or the 'efficient' one, or the Bayesian 'active' elicitor.",
    )
    seed: int = option(7, help="Seed of the metrics (and of the noise).")
    radius: float = 1.0
    noise: AnswerModel | None = field(default=None)
    metric_stream: str = option(
        "published", choices=METRIC_STREAMS,
        help="Random metrics from the published scripts' stream (seed 7: their very metrics) or from oraclelab's PCG64 streams.",
    )
    budget: int | None = option(None, help="Active mode: at most this many comparisons per metric (default: no limit).")
    elicitor_noise: str = option(
        "auto", choices=ELICITOR_NOISE,
        help="Active mode: estimate the judge's noise level from the answers ('auto') or take the judge's model as known.",
    )

    def __post_init__(self) -> None:
        owner = "elicit study"
        if not self.classes:
            raise ParameterError(f"The 'classes' parameter of {owner} needs at least one number of classes.")
        for k in self.classes:
            check_int_at_least(k, "classes", owner, 2)
        object.__setattr__(self, "classes", tuple(int(k) for k in self.classes))
        check_int_at_least(self.trials, "trials", owner, 1)
        check_option_choices(self, owner)
        default_tol = DEFAULT_TOL if self.mode == "active" else 1e-2
        object.__setattr__(self, "tol", check_positive(default_tol if self.tol is None else self.tol, "tol", owner))
        check_positive(self.radius, "radius", owner)
        if self.budget is not None:
            check_int_at_least(self.budget, "budget", owner, 1)
        check_int_at_least(self.seed, "seed", owner, 0)
        if self.metric_stream == "published" and self.seed >= 2**32:
            raise ParameterError(f"The 'seed' parameter of {owner} must be below 2**32 with the published metric stream.")

    def configurations(self) -> list[tuple[int, bool]]:
        """(classes, well_formed) pairs in run order."""
        kinds = {"well": (True,), "ill": (False,), "both": (True, False)}[self.formed]
        return [(k, well) for k in self.classes for well in kinds]

    def as_dict(self) -> dict:
        return {
            "classes": list(self.classes),
            "trials": self.trials,
            "tol": self.tol,
            "formed": self.formed,
            "mode": self.mode,
            "seed": self.seed,
            "radius": self.radius,
            "noise": None if self.noise is None else self.noise.describe(),
            "metric_stream": self.metric_stream,
            "budget": self.budget,
            "elicitor_noise": self.elicitor_noise,
        }


def configuration_label(classes: int, well_formed: bool) -> str:
    """File-name-safe label of a configuration, e.g. 'k3-well'."""
    return f"k{classes}-{'well' if well_formed else 'ill'}"


def run_configuration(
    config: StudyConfig, classes: int, well_formed: bool, *, progress: ProgressReporter = SILENT
) -> EstimateRecord:
    """Draw the configuration's metrics and elicit them all in one lockstep batch."""
    q = n_rates(classes)
    sphere = Sphere.centred(q, config.radius)
    progress.describe(f"k={classes} {'well' if well_formed else 'ill'}-formed: drawing metrics")
    if config.metric_stream == "published":
        metric = published_metrics(config.trials, q, well_formed=well_formed, sphere=sphere, seed=config.seed)
    else:
        metric = random_metrics(
            config.trials, q, well_formed=well_formed, sphere=sphere,
            rng=stream_generator(config.seed, "metrics", classes, well_formed),
        )
    oracle = HiddenMetricOracle(
        metric, noise=config.noise, rng=stream_generator(config.seed, "noise", classes, well_formed)
    )
    progress.describe(f"k={classes} {'well' if well_formed else 'ill'}-formed: eliciting {config.trials} metrics")
    start = time.perf_counter()
    if config.mode == "active":
        known = config.noise if config.noise is not None else FlipNoise(0.0)
        result = elicit_active(
            oracle, sphere, tol=config.tol, budget=config.budget,
            noise="auto" if config.elicitor_noise == "auto" else known,
            rng=stream_generator(config.seed, "active", classes, well_formed),
        )
    else:
        result = elicit_quadratic(oracle, sphere, tol=config.tol, mode=config.mode, well_formed=well_formed)
    seconds = time.perf_counter() - start
    return EstimateRecord(configuration_label(classes, well_formed), metric, sphere, result, well_formed, seconds)


def record_name(classes: int, well_formed: bool) -> str:
    """File name of a configuration's estimates inside a study's run folder."""
    return f"estimates_{configuration_label(classes, well_formed)}.npz"


def _run_pair(config: StudyConfig, pair: tuple[int, bool]) -> EstimateRecord:
    """``run_configuration`` on one (classes, well_formed) pair: the picklable task of an executor."""
    return run_configuration(config, *pair)


def run_study(
    config: StudyConfig,
    *,
    folder: RunFolder | None = None,
    resume: bool = False,
    progress: ProgressReporter = SILENT,
    executor: Executor | None = None,
) -> list[EstimateRecord]:
    """Run every configuration of the study; with a folder, save each one as it finishes.

    With ``resume``, configurations already saved in the folder are loaded, not rerun. The
    configurations left to run go to ``executor`` (serial in this process by default; see
    ``oraclelab.runs.make_executor`` for a process pool or a Dask cluster). Each configuration
    draws from its own seed streams, so the records are the same whichever executor runs them.
    """
    pairs = config.configurations()
    records: dict[tuple[int, bool], EstimateRecord] = {}
    for pair in pairs:
        path = None if folder is None else folder.path / record_name(*pair)
        if resume and path is not None and path.exists():
            records[pair] = load_record(path)
            progress.advance()
    todo = [pair for pair in pairs if pair not in records]

    def finished(index: int, record: EstimateRecord) -> None:
        if folder is not None:
            save_record(folder, record_name(*todo[index]), record)
        progress.describe(f"finished {record.label}")
        progress.advance()

    if todo:
        progress.describe(f"{len(todo)} configuration(s) left")
        done = (executor or SerialExecutor()).map(partial(_run_pair, config), todo, on_done=finished)
        records.update(zip(todo, done))
    return [records[pair] for pair in pairs]
