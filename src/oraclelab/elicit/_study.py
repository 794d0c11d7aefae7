"""The elicitation study: many random metrics per (classes, well formed) configuration.

Each configuration draws its metrics from its own seed stream (so a study of k = 5 alone
draws the same metrics as a study of k = 2..5), elicits them all in one lockstep batch and
summarises the errors a_err = ||a_hat - a||_2 and B_err = ||B_hat - B||_F. The mode is QME
with classic or efficient LPME, or active elicitation; ``elicit_with`` dispatches an
``Elicitation`` (mode, tolerance, budget, assumed noise) for the study and for the
``elicit run`` and ``elicit demo`` commands alike. By default the metrics are the published
scripts' own (their stream replayed): with seed 7 the study elicits exactly the metrics
behind the published medians.
"""

from __future__ import annotations

import time
from dataclasses import InitVar, dataclass, field
from functools import partial

from oraclelab._config import check_option_choices, option
from oraclelab._validation import check_choice, check_int_at_least, check_positive
from oraclelab.elicit._active import DEFAULT_TOL, ActiveResult, elicit_active
from oraclelab.elicit._geometry import Sphere, n_rates
from oraclelab.elicit._judge import assumed_noise, check_noise_model, describe_noise
from oraclelab.elicit._lpme import MODES
from oraclelab.elicit._metrics import published_metrics, random_metrics
from oraclelab.elicit._oracles import AnswerModel, HiddenMetricOracle, Oracle
from oraclelab.elicit._qme import QMEResult, elicit_quadratic
from oraclelab.elicit._records import EstimateRecord, load_record, save_record
from oraclelab.errors import ParameterError
from oraclelab.runs._executors import Executor, SerialExecutor
from oraclelab.runs._progress import SILENT, ProgressReporter
from oraclelab.runs._run_folder import RunFolder
from oraclelab.runs._seeding import stream_generator

__all__ = ["Elicitation", "elicit_with", "StudyConfig", "run_study", "run_configuration", "configuration_label",
           "record_name", "PUBLISHED_MEDIANS"]

FORMED = ("well", "ill", "both")
#: QME with classic or efficient LPME, or the active elicitor.
STUDY_MODES = MODES + ("active",)
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
class Elicitation:
    """How a batch of metrics is elicited; validated on construction (``owner`` names the caller in errors).

    ``mode`` is "classic" or "efficient" QME or "active"; ``tol`` None means the mode's
    default (LPME's 1e-2, the active elicitor's ``DEFAULT_TOL``); ``budget`` (comparisons
    per trial, None: no limit) and ``noise`` ("auto" or the ``AnswerModel`` the elicitor
    assumes) matter in active mode only.
    """

    mode: str = "classic"
    tol: float | None = None
    budget: int | None = None
    noise: str | AnswerModel = "auto"
    owner: InitVar[str] = "Elicitation"

    def __post_init__(self, owner: str) -> None:
        check_choice(self.mode, "mode", owner, STUDY_MODES)
        default_tol = DEFAULT_TOL if self.mode == "active" else 1e-2
        object.__setattr__(self, "tol", check_positive(default_tol if self.tol is None else self.tol, "tol", owner))
        if self.budget is not None:
            check_int_at_least(self.budget, "budget", owner, 1)

    def as_dict(self) -> dict:
        """Plain values for config.yaml: mode, tol, budget and the elicitor's noise model."""
        return {"mode": self.mode, "tol": self.tol, "budget": self.budget, "elicitor_noise": describe_noise(self.noise)}


def elicit_with(elicitation: Elicitation, oracle: Oracle, sphere: Sphere, *, well_formed: bool, rng=None
                ) -> QMEResult | ActiveResult:
    """Elicit the oracle's T metrics as ``elicitation`` says: QME (classic, efficient) or the active elicitor.

    ``well_formed`` declares the metrics well formed (QME clips then); ``rng`` seeds the
    active elicitor's pairs (seed, Generator or one Generator per trial; QME draws nothing).
    """
    if elicitation.mode == "active":
        return elicit_active(oracle, sphere, tol=elicitation.tol, budget=elicitation.budget, noise=elicitation.noise, rng=rng)
    return elicit_quadratic(oracle, sphere, tol=elicitation.tol, mode=elicitation.mode, well_formed=well_formed)


@dataclass(frozen=True)
class StudyConfig:
    """What a study runs; validated on construction.

    Fields declared with ``option`` are also options of ``oraclelab elicit study``. ``tol``
    is LPME's angle tolerance for classic and efficient QME (default 1e-2) and the posterior
    tolerance of the active elicitor (default ``DEFAULT_TOL``); ``budget`` caps the active
    elicitor's comparisons. ``noise`` is the simulated judge's answer model (None: exact
    answers); ``elicitor_noise`` is what the active elicitor assumes: "auto" (estimate the
    levels from the answers), "known" (the judge's ``noise``), or a model of its own (an
    ``AnswerModel`` or a spec such as "flip:0.15"). The judge's ``noise`` never reaches the
    elicitor otherwise. The command sets both from ``JudgeConfig``'s options (``--flip-prob``,
    ..., ``--noise-model``).
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
    elicitor_noise: str | AnswerModel = "auto"

    def __post_init__(self) -> None:
        owner = "elicit study"
        if not self.classes:
            raise ParameterError(f"The 'classes' parameter of {owner} needs at least one number of classes.")
        for k in self.classes:
            check_int_at_least(k, "classes", owner, 2)
        object.__setattr__(self, "classes", tuple(int(k) for k in self.classes))
        check_int_at_least(self.trials, "trials", owner, 1)
        check_option_choices(self, owner)
        object.__setattr__(self, "elicitor_noise", check_noise_model(self.elicitor_noise, "elicitor_noise", owner))
        object.__setattr__(self, "tol", self.elicitation().tol)
        check_positive(self.radius, "radius", owner)
        check_int_at_least(self.seed, "seed", owner, 0)
        if self.metric_stream == "published" and self.seed >= 2**32:
            raise ParameterError(f"The 'seed' parameter of {owner} must be below 2**32 with the published metric stream.")

    def configurations(self) -> list[tuple[int, bool]]:
        """(classes, well_formed) pairs in run order."""
        kinds = {"well": (True,), "ill": (False,), "both": (True, False)}[self.formed]
        return [(k, well) for k in self.classes for well in kinds]

    def elicitation(self) -> Elicitation:
        """The mode, tolerance, budget and assumed noise every configuration is elicited with."""
        return Elicitation(self.mode, self.tol, self.budget, assumed_noise(self.elicitor_noise, self.noise), owner="elicit study")

    def as_dict(self) -> dict:
        """Plain values for config.yaml and summary.json; ``elicitor_noise`` as the elicitor assumes it ("known" resolved)."""
        return {
            "classes": list(self.classes),
            "trials": self.trials,
            "formed": self.formed,
            "seed": self.seed,
            "radius": self.radius,
            "noise": describe_noise(self.noise),
            "metric_stream": self.metric_stream,
            **self.elicitation().as_dict(),
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
    result = elicit_with(config.elicitation(), oracle, sphere, well_formed=well_formed,
                         rng=stream_generator(config.seed, "active", classes, well_formed))
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
