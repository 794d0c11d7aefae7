"""The FPME study: random fair instances per (groups, classes) configuration, elicited in one batch each.

By default the instances are the published scripts' own (their stream replayed, seed 7);
``instances='pcg64'`` draws them the same way from oraclelab's named PCG64 streams, one per
configuration. Each configuration is saved as it finishes, so a study can be resumed. Mode
'active' runs the active elicitor over whole stacks (``_active``) to a posterior tolerance
or a budget; the simulated judge's noise (``noise``) and what the active elicitor assumes of
it (``elicitor_noise``) come from the judge options as in ``oraclelab elicit study``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from oraclelab._config import check_option_choices, option
from oraclelab._validation import check_int_at_least, check_positive
from oraclelab.elicit._judge import assumed_noise, check_noise_model, describe_noise
from oraclelab.elicit._oracles import AnswerModel
from oraclelab.elicit.fair._active import FAIR_TOL, elicit_fair_active
from oraclelab.elicit.fair._fpme import FAIR_MODES, elicit_fair
from oraclelab.elicit.fair._instances import published_fair_instances, random_fair_instances
from oraclelab.elicit.fair._oracle import HiddenFairOracle
from oraclelab.elicit.fair._records import FairRecord, load_fair_record, save_fair_record
from oraclelab.errors import ParameterError
from oraclelab.runs._progress import SILENT, ProgressReporter
from oraclelab.runs._run_folder import RunFolder
from oraclelab.runs._seeding import stream_generator

__all__ = ["FairStudyConfig", "run_fair_configuration", "run_fair_study", "fair_record_name", "INSTANCE_STREAMS",
           "FAIR_STUDY_MODES"]

#: Where the instances come from: the published scripts' legacy RandomState stream or
#: oraclelab's own named PCG64 streams.
INSTANCE_STREAMS = ("published", "pcg64")
#: FPME's modes and the active elicitor.
FAIR_STUDY_MODES = tuple(FAIR_MODES) + ("active",)
_OWNER = "elicit fair-study"


@dataclass(frozen=True)
class FairStudyConfig:
    """What a fair study runs; validated on construction.

    Fields declared with ``option`` are also options of ``oraclelab elicit fair-study``;
    ``groups`` and ``classes`` (the grid) are the command's own.
    """

    groups: tuple[int, ...] = (2, 3)
    classes: tuple[int, ...] = (2, 3)
    trials: int = option(300, help="Random well-formed fair instances per (groups, classes).")
    mode: str = option("classic", choices=FAIR_STUDY_MODES,
                       help="'classic': the published FPME; 'robust': a least-squares scale estimate that one bad "
                            "coordinate cannot flip; 'active': the Bayesian active elicitor over whole group stacks.")
    tol: float | None = option(None, help=f"LPME angle tolerance (classic, robust; default 0.01) or the active elicitor's "
                                          f"posterior tolerance (default {FAIR_TOL:g}).")
    seed: int = option(7, help="Seed of the instances (7 with the published stream: the published instances).")
    instances: str = option("published", choices=INSTANCE_STREAMS,
                            help="Instances from the published scripts' stream or from oraclelab's PCG64 streams.")
    true_gradients: bool = option(False, help="Debug: QME from the true gradients (B exact to rounding).")
    budget: int | None = option(None, help="Active mode: at most this many comparisons per instance (default: no limit).")
    radius: float = 1.0
    noise: AnswerModel | None = field(default=None)
    elicitor_noise: str | AnswerModel = "auto"

    def __post_init__(self) -> None:
        for name in ("groups", "classes"):
            values = getattr(self, name)
            if not values:
                raise ParameterError(f"The '{name}' parameter of {_OWNER} needs at least one value.")
            object.__setattr__(self, name, tuple(check_int_at_least(value, name, _OWNER, 2) for value in values))
        check_int_at_least(self.trials, "trials", _OWNER, 1)
        check_option_choices(self, _OWNER)
        default_tol = FAIR_TOL if self.mode == "active" else 1e-2
        object.__setattr__(self, "tol", check_positive(default_tol if self.tol is None else self.tol, "tol", _OWNER))
        if self.budget is not None:
            check_int_at_least(self.budget, "budget", _OWNER, 1)
        if self.true_gradients and self.mode == "active":
            raise ParameterError(f"The 'true_gradients' parameter of {_OWNER} is for classic and robust mode; active mode asks no QME.")
        object.__setattr__(self, "elicitor_noise", check_noise_model(self.elicitor_noise, "elicitor_noise", _OWNER))
        check_positive(self.radius, "radius", _OWNER)
        check_int_at_least(self.seed, "seed", _OWNER, 0)
        if self.instances == "published" and self.seed >= 2**32:
            raise ParameterError(f"The 'seed' parameter of {_OWNER} must be below 2**32 with the published instances.")

    def configurations(self) -> list[tuple[int, int]]:
        """(groups, classes) pairs in run order."""
        return [(m, k) for m in self.groups for k in self.classes]

    def as_dict(self) -> dict:
        """Plain values for config.yaml and summary.json."""
        return {"groups": list(self.groups), "classes": list(self.classes), "trials": self.trials, "mode": self.mode,
                "tol": self.tol, "seed": self.seed, "instances": self.instances,
                "true_gradients": self.true_gradients, "radius": self.radius, "budget": self.budget,
                "noise": describe_noise(self.noise), "elicitor_noise": describe_noise(self.assumed_noise())}

    def assumed_noise(self) -> str | AnswerModel:
        """What the active elicitor assumes of the judge: "auto" or an answer model ("known" resolved)."""
        return assumed_noise(self.elicitor_noise, self.noise)


def fair_record_name(groups: int, classes: int) -> str:
    """File name of a configuration's estimates inside a fair study's run folder."""
    return f"estimates_m{groups}-k{classes}.npz"


def run_fair_configuration(config: FairStudyConfig, groups: int, classes: int, *,
                           progress: ProgressReporter = SILENT) -> FairRecord:
    """Draw the configuration's instances and run FPME on all of them in one batch."""
    label = f"m{groups}-k{classes}"
    progress.describe(f"{label}: drawing {config.trials} instances")
    if config.instances == "published":
        metric, sphere = published_fair_instances(groups, classes, config.trials, seed=config.seed, radius=config.radius)
    else:
        metric, sphere = random_fair_instances(groups, classes, config.trials, radius=config.radius,
                                               rng=stream_generator(config.seed, "fair-instances", groups, classes))
    progress.describe(f"{label}: eliciting ({config.mode})")
    start = time.perf_counter()
    oracle = HiddenFairOracle(metric, noise=config.noise, rng=stream_generator(config.seed, "fair-noise", groups, classes))
    if config.mode == "active":
        result = elicit_fair_active(oracle, sphere, tol=config.tol, budget=config.budget, noise=config.assumed_noise(),
                                    rng=stream_generator(config.seed, "fair-active", groups, classes))
    else:
        result = elicit_fair(oracle, sphere, tol=config.tol, mode=config.mode, true_gradients=config.true_gradients)
    return FairRecord(label, metric, sphere, result, time.perf_counter() - start)


def run_fair_study(config: FairStudyConfig, *, folder: RunFolder | None = None, resume: bool = False,
                   progress: ProgressReporter = SILENT) -> list[FairRecord]:
    """Run every configuration; with a folder, save each as it finishes (``resume`` loads the saved ones)."""
    records = []
    for groups, classes in config.configurations():
        path = None if folder is None else folder.path / fair_record_name(groups, classes)
        if resume and path is not None and path.exists():
            record = load_fair_record(path)
        else:
            record = run_fair_configuration(config, groups, classes, progress=progress)
            if folder is not None:
                save_fair_record(folder, fair_record_name(groups, classes), record)
        records.append(record)
        progress.advance()
    return records
