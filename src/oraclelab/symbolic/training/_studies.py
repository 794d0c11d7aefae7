"""Studies around critics: the critic against scikit-learn classifiers on fixed data,
and how the input point distribution changes the speed of critic training."""

from __future__ import annotations

import logging
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch

from oraclelab.runs import RunFolder, progress_bar, stream_seed
from oraclelab.symbolic.sampling._networks import RandomNetworkConfig
from oraclelab.symbolic.training._loop import accuracy, score
from oraclelab.symbolic.training._run_folder import train_critic_run
from oraclelab.symbolic.sampling._functions import FunctionSampler, LabelledFunctions, torch_generator
from oraclelab.symbolic.critics import build_critic, critic_loss
from oraclelab.symbolic.formulas._library import FunctionLibrary
from oraclelab.symbolic.training._comparison_config import ComparisonConfig, sklearn_classifiers
from oraclelab.symbolic.training._setup import training_points
from oraclelab.symbolic.sampling._batch import FunctionBatch

logger = logging.getLogger(__name__)


def fit_critic_on_data(critic, train: LabelledFunctions, points: torch.Tensor, *, steps: int, batch: int,
                       lr: float, generator: torch.Generator) -> None:
    """Calibrate the critic's input scale on ``train``, then take Adam steps with BCE on
    mini-batches (``batch`` real + ``batch`` fake) drawn from it."""
    everything = FunctionBatch.cat([train.real, train.fake])
    critic.calibrate(everything.values, everything.gradients, points)
    optimizer = torch.optim.Adam(critic.parameters(), lr=lr)
    n_real, n_fake = len(train.real), len(train.fake)
    for _ in range(steps):
        real = train.real[torch.randint(n_real, (min(batch, n_real),), generator=generator)]
        fake = train.fake[torch.randint(n_fake, (min(batch, n_fake),), generator=generator)]
        loss, _, _ = critic_loss("bce", critic, real, fake, points)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()


@dataclass(frozen=True)
class ComparisonResult:
    """Held-out accuracies per classifier; ``accuracies[name]`` is (repeats,)."""

    accuracies: dict[str, np.ndarray]

    def table(self) -> list[dict[str, Any]]:
        """Rows ``classifier, mean, std`` sorted by mean accuracy, best first."""
        rows = [{"classifier": name, "mean": float(acc.mean()), "std": float(acc.std())}
                for name, acc in self.accuracies.items()]
        return sorted(rows, key=lambda row: -row["mean"])


def compare_classifiers(config: ComparisonConfig, *, network: RandomNetworkConfig = RandomNetworkConfig(),
                        show_progress: bool | None = None) -> ComparisonResult:
    """Train the critic and scikit-learn classifiers on the same fixed datasets.

    Each repeat draws a training and a test set of ``size`` functions each (half library
    functions, half random-network latents, from independent seed streams); features
    are the values on the config's points (P, d). The critic (``critic`` kind, BCE,
    ``critic_steps`` Adam steps) is trained on the same training set. Convergence
    warnings of the baselines on small data are logged, not raised. The baselines fit
    with one BLAS thread: on these small problems extra threads only wait (spinning
    OpenBLAS threads made MLPClassifier 12x slower on a busy 2-core machine).
    """
    from sklearn.exceptions import ConvergenceWarning
    from threadpoolctl import threadpool_limits

    seed, size, repeats, critic = config.seed, config.size, config.repeats, config.critic
    points = training_points(config.points, seed)
    names = config.classifier_names()
    sampler = FunctionSampler(FunctionLibrary.load(config.library), points, network)
    accuracies: dict[str, list[float]] = {critic_name(critic): [], **{name: [] for name in names}}
    with progress_bar("compare classifiers", repeats * (len(names) + 1), enabled=show_progress) as bar:
        for repeat in range(repeats):
            train = sampler.labelled(size // 2, torch_generator(seed, "compare", repeat, "train"))
            test = sampler.labelled(size // 2, torch_generator(seed, "compare", repeat, "test"))
            model = build_critic(critic, points.shape[0], points.shape[1],
                                 generator=torch_generator(seed, "compare", repeat, "critic"))
            fit_critic_on_data(model, train, points, steps=config.critic_steps, batch=config.critic_batch, lr=config.critic_lr,
                               generator=torch_generator(seed, "compare", repeat, "batches"))
            model.eval()
            acc = accuracy(score(model, test.real, points), score(model, test.fake, points), 0.0).item()
            accuracies[critic_name(critic)].append(acc)
            bar.advance()
            x_train, y_train = train.features_and_labels()
            x_test, y_test = test.features_and_labels()
            state = int(stream_seed(seed, "compare", repeat, "sklearn").generate_state(1)[0] % (2**31))
            factories = sklearn_classifiers(state)
            for name in names:
                with warnings.catch_warnings(record=True) as caught, threadpool_limits(1):
                    warnings.simplefilter("always", ConvergenceWarning)
                    estimator = factories[name]().fit(x_train, y_train)
                for warning in caught:
                    logger.info("%s, repeat %d: %s", name, repeat, warning.message)
                accuracies[name].append(float(estimator.score(x_test, y_test)))
                bar.advance()
    return ComparisonResult({name: np.asarray(values) for name, values in accuracies.items()})


def critic_name(kind: str) -> str:
    return f"critic ({kind})"


def comparison_figure(result: ComparisonResult, path: Path) -> None:
    """Horizontal bar chart of mean ± std held-out accuracy."""
    from oraclelab.runs import pyplot, save_figure

    rows = result.table()[::-1]
    plt = pyplot()
    figure, axis = plt.subplots(figsize=(6, 0.35 * len(rows) + 1), layout="constrained")
    axis.barh([r["classifier"] for r in rows], [r["mean"] for r in rows], xerr=[r["std"] for r in rows],
              color=["tab:red" if r["classifier"].startswith("critic") else "tab:blue" for r in rows])
    axis.set_xlabel("held-out accuracy (mean ± std over repeats)")
    axis.set_xlim(0.0, 1.0)
    axis.grid(axis="x", alpha=0.3)
    save_figure(figure, path)


def input_point_specs(n_points: int = 700, lo: float = -3.0, hi: float = 3.0,
                      stds: tuple[float, ...] = (1.0, 1.25, 2.0, 3.0, 10.0)) -> dict[str, str]:
    """Point specs of the input-distribution study: grid, normal, clipped normals."""
    specs = {"grid": f"grid:{lo:g}:{hi:g}:{n_points}", "normal": f"normal:{n_points}"}
    specs.update({f"clipped-normal std {std:g}": f"clipped-normal:{std:g}:{lo:g}:{hi:g}:{n_points}" for std in stds})
    return specs


def input_study(base: dict[str, Any], specs: dict[str, str], out_dir: str | Path, *, resume: bool = False,
                device: torch.device | str = "cpu") -> list[dict[str, Any]]:
    """Train one critic per point spec (``base`` config with ``points`` replaced).

    Each run has its own sub-folder of ``out_dir`` (``run-0``, ``run-1``, ...); returns
    one row per spec with seconds and epochs to the target and the final held-out accuracy.
    """
    rows = []
    for number, (label, spec) in enumerate(specs.items()):
        run_dir = Path(out_dir) / f"run-{number}"
        result = train_critic_run({**base, "points": spec}, run_dir, resume=resume, device=device, figures=False)
        rows.append({"points": label, "spec": spec, "folder": run_dir.name,
                     "seconds_to_target": result.seconds_to_target, "epochs_to_target": result.epochs_to_target,
                     "heldout_accuracy": result.heldout_accuracy, "seconds": result.seconds})
        logger.info("input study %s: %s", label, rows[-1])
    return rows


def input_study_figure(rows: list[dict[str, Any]], path: Path) -> None:
    """Seconds to target (bars; hatched where the target was missed) and final accuracy."""
    from oraclelab.runs import pyplot, save_figure

    plt = pyplot()
    figure, (left, right) = plt.subplots(1, 2, figsize=(11, 0.4 * len(rows) + 1.5), sharey=True, layout="constrained")
    labels = [row["points"] for row in rows]
    seconds = [row["seconds_to_target"] if row["seconds_to_target"] is not None else row["seconds"] for row in rows]
    bars = left.barh(labels, seconds, color="tab:blue")
    for bar, row in zip(bars, rows):
        if row["seconds_to_target"] is None:
            bar.set_hatch("//")
            bar.set_color("tab:gray")
    left.set_xlabel("training seconds to target (grey: not reached, budget used)")
    right.barh(labels, [row["heldout_accuracy"] for row in rows], color="tab:green")
    right.set_xlabel("final held-out accuracy")
    right.set_xlim(0.5, 1.0)
    for axis in (left, right):
        axis.grid(axis="x", alpha=0.3)
    save_figure(figure, path)


def write_comparison(run: RunFolder, result: ComparisonResult) -> list[dict[str, Any]]:
    """Write ``accuracies.csv``, ``summary.json`` (the mean/std table) and ``comparison.png``."""
    table = result.table()
    run.write_csv("accuracies.csv", [{"classifier": name, "repeat": i, "accuracy": acc}
                                     for name, values in result.accuracies.items() for i, acc in enumerate(values)])
    run.write_summary({"classifiers": table})
    comparison_figure(result, run.file("comparison.png"))
    return table
