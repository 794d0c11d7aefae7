"""``oraclelab symbolic ...`` commands (thin: parse options, call the library)."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any, List, Mapping, Optional

import typer

from oraclelab.cli._tables import print_table

if TYPE_CHECKING:
    from oraclelab.symbolic.training._config import CriticTrainingConfig



class CriticKind(str, Enum):
    mlp = "mlp"
    stack = "stack"
    embed = "embed"
    conv = "conv"
    set = "set"


class LossKind(str, Enum):
    bce = "bce"
    wgan_gp = "wgan-gp"


def _critic_hyper(width: Optional[int], layers: Optional[int], use_inputs: Optional[bool]) -> dict[str, Any]:
    given = {"width": width, "layers": layers, "use_inputs": use_inputs}
    return {name: value for name, value in given.items() if value is not None}


def _training_config(options: Mapping[str, Any]) -> CriticTrainingConfig:
    """The CriticTrainingConfig that train-critic's parsed options mean (``train-critics --job`` parses them too)."""
    from oraclelab.symbolic.training._config import CriticTrainingConfig

    o = options
    return CriticTrainingConfig(
        library=o["library"], points=o["points"], critic=o["critic"].value, loss=o["loss"].value, gp=o["gp"],
        critic_hyper=_critic_hyper(o["width"], o["layers"], o["use_inputs"]), network_depth=o["net_depth"],
        network_width=o["net_width"], network_activation=o["net_activation"], network_latent_width=o["net_latent_width"],
        fakes_per_network=o["fakes_per_network"], batch=o["batch"], lr=o["lr"], weight_decay=o["weight_decay"],
        target_accuracy=o["target_accuracy"], max_epochs=o["max_epochs"], max_seconds=o["max_seconds"], eval_every=o["eval_every"],
        heldout_size=o["heldout_size"], point_subset=o["point_subset"], seed=o["seed"],
    )


Threads = typer.Option(1, "--threads", help="torch CPU threads; 1 is fastest for these small networks on a shared machine.")


def _set_threads(threads: int) -> None:
    import torch

    torch.set_num_threads(max(1, threads))


NetDepth = typer.Option(2, "--net-depth", help="Hidden layers of the random networks (symrep SRNet: 2).")
NetWidth = typer.Option(32, "--net-width", help="Hidden width of the random networks (symrep SRNet: 32).")
NetActivation = typer.Option("relu", "--net-activation", help="relu, tanh, elu, sigmoid, silu, softplus, leaky_relu.")
NetLatent = typer.Option(3, "--net-latent-width", help="Latent units per random network (symrep SRNet: 3).")


def train_critic_command(
    ctx: typer.Context,
    out: Path = typer.Option(..., "--out", help="Run folder."),
    library: str = typer.Option("F11", help="Built-in library name or .lib file."),
    points: str = typer.Option("grid:-3:3:700", help="Point set: grid:LO:HI:N, normal:N, clipped-normal:STD:LO:HI:N, file:PATH."),
    critic: CriticKind = typer.Option(CriticKind.mlp, help="Critic architecture."),
    loss: LossKind = typer.Option(LossKind.bce, help="bce, or wgan-gp (accuracy then thresholds at the midpoint of mean real and fake scores)."),
    gp: float = typer.Option(10.0, help="Gradient-penalty weight (wgan-gp)."),
    target_accuracy: float = typer.Option(0.99, help="Stop at this held-out accuracy, in (0, 1]."),
    batch: int = typer.Option(64, help="Real and fake functions per step (each)."),
    lr: Optional[float] = typer.Option(None, help="Adam learning rate (default: the critic kind's tuned rate, see the README)."),
    weight_decay: float = typer.Option(0.0, help="Adam weight decay."),
    max_epochs: int = typer.Option(10_000, help="Step budget (one epoch = one step on fresh functions)."),
    max_seconds: Optional[float] = typer.Option(None, help="Wall-clock budget in seconds."),
    eval_every: int = typer.Option(5, help="Steps between held-out evaluations (excluded from the training clock)."),
    heldout_size: int = typer.Option(1000, help="Held-out functions (half real, half fake)."),
    point_subset: Optional[int] = typer.Option(None, help="set critic: random points per step."),
    width: Optional[int] = typer.Option(None, help="Critic hidden width."),
    layers: Optional[int] = typer.Option(None, help="Critic hidden layers."),
    use_inputs: Optional[bool] = typer.Option(None, "--use-inputs/--no-use-inputs", help="Give the critic x too."),
    net_depth: int = NetDepth,
    net_width: int = NetWidth,
    net_activation: str = NetActivation,
    net_latent_width: int = NetLatent,
    fakes_per_network: int = typer.Option(16, help="Training fakes taken from each random network (same law as one unit of a --net-latent-width network, cheaper; held-out fakes use --net-latent-width)."),
    seed: int = typer.Option(0, help="Seed of every random stream."),
    device: str = typer.Option("cpu", help="torch device."),
    threads: int = Threads,
    resume: bool = typer.Option(False, "--resume", help="Continue from the run folder's checkpoint."),
) -> None:
    """Train a critic to tell library formulas from random-network latents."""
    from oraclelab.symbolic.training._loop import train_critic

    _set_threads(threads)
    config = _training_config(ctx.params)
    summary = train_critic(config, out, resume=resume, device=device)
    keys = ("heldout_accuracy", "seconds_to_target", "epochs_to_target", "seconds", "wall_seconds", "epochs", "stopped")
    print_table(f"critic {critic.value} / {loss.value} -> {out}", [{key: summary[key] for key in keys}])


def compare_classifiers_command(
    out: Path = typer.Option(..., "--out", help="Run folder."),
    library: str = typer.Option("F11", help="Built-in library name or .lib file."),
    points: str = typer.Option("grid:-3:3:100", help="Point set spec."),
    size: int = typer.Option(1000, help="Functions per training (and per test) set, half real."),
    repeats: int = typer.Option(10, help="Independent datasets."),
    critic: CriticKind = typer.Option(CriticKind.mlp, help="Critic architecture."),
    critic_steps: int = typer.Option(1000, help="Adam steps of the critic."),
    seed: int = typer.Option(0, help="Seed of every random stream."),
    threads: int = Threads,
) -> None:
    """Critic vs scikit-learn classifiers on fixed datasets (features: values on the points)."""
    from oraclelab.runs import RunFolder
    from oraclelab.symbolic import FunctionLibrary
    from oraclelab.symbolic.training._studies import compare_classifiers, write_comparison
    from oraclelab.symbolic.training._loop import training_points

    _set_threads(threads)
    config = {"library": library, "points": points, "size": size, "repeats": repeats, "critic": critic.value,
              "critic_steps": critic_steps, "seed": seed}
    run = RunFolder(out)
    functions = FunctionLibrary.load(library)
    result = compare_classifiers(functions, training_points(points, seed),
                                 size=size, repeats=repeats, seed=seed, critic=critic.value, critic_steps=critic_steps)
    run.write_config(config)
    print_table(f"held-out accuracy over {repeats} repeats -> {out}", write_comparison(run, result))


def input_study_command(
    out: Path = typer.Option(..., "--out", help="Study folder (one sub-folder per point set)."),
    library: str = typer.Option("F11", help="Built-in library name or .lib file."),
    critic: CriticKind = typer.Option(CriticKind.mlp, help="Critic architecture."),
    n_points: int = typer.Option(700, help="Points per set."),
    low: float = typer.Option(-3.0, help="Grid start and clipping bound."),
    high: float = typer.Option(3.0, help="Grid end and clipping bound."),
    stds: list[float] = typer.Option([1.0, 1.25, 2.0, 3.0, 10.0], "--std", help="Clipped-normal standard deviations."),
    target_accuracy: float = typer.Option(0.99, help="Held-out accuracy to reach."),
    max_seconds: float = typer.Option(60.0, help="Wall-clock budget per run."),
    max_epochs: int = typer.Option(10_000, help="Step budget per run."),
    seed: int = typer.Option(0, help="Seed of every random stream."),
    device: str = typer.Option("cpu", help="torch device."),
    threads: int = Threads,
    resume: bool = typer.Option(False, "--resume", help="Continue unfinished runs."),
) -> None:
    """Seconds to the target and final accuracy for grid, normal and clipped-normal points."""
    from oraclelab.runs import RunFolder
    from oraclelab.symbolic.training._studies import input_point_specs, input_study, input_study_figure
    from oraclelab.symbolic.training._config import CriticTrainingConfig

    _set_threads(threads)
    base = CriticTrainingConfig(library=library, critic=critic.value, target_accuracy=target_accuracy,
                                max_seconds=max_seconds, max_epochs=max_epochs, seed=seed).to_dict()
    specs = input_point_specs(n_points, low, high, tuple(stds))
    run = RunFolder(out, resume=resume)
    run.write_config({**base, "points": specs})
    rows = input_study(base, specs, out, resume=resume, device=device)
    run.write_csv("study.csv", rows)
    run.write_summary({"runs": rows})
    input_study_figure(rows, run.file("input_study.png"))
    print_table(f"input distributions, critic {critic.value} -> {out}",
                 [{k: row[k] for k in ("points", "seconds_to_target", "epochs_to_target", "heldout_accuracy")}
                  for row in rows])


def _batch_job(job: Path) -> list[dict[str, Any]]:
    """Each entry of a sweep's batch job file as train-critic's parsed options plus its ``config``.

    The file is ``{"entries": [{"argv": [train-critic options], "folder": run folder}, ...]}``;
    every argv is parsed by the train-critic command itself, so options mean what they mean there.
    """
    from oraclelab.errors import DataFileError, OracleLabError, ParameterError
    from oraclelab.runs import read_json

    data = read_json(job)
    entries = data.get("entries") if isinstance(data, dict) else None
    if not (isinstance(entries, list) and entries and all(
            isinstance(entry, dict) and isinstance(entry.get("argv"), list) and isinstance(entry.get("folder"), str)
            for entry in entries)):
        raise DataFileError(f'{job}: expected {{"entries": [{{"argv": [...], "folder": "..."}}, ...]}} with at least one entry.')
    single = typer.Typer()
    single.command()(train_critic_command)
    command = typer.main.get_command(single)
    parsed = []
    for number, entry in enumerate(entries):
        try:
            options = command.make_context("train-critic", [*map(str, entry["argv"]), "--out", entry["folder"]]).params
            if options["resume"]:
                raise ParameterError("--resume is not supported for critics trained in a batch.")
            parsed.append({**options, "config": _training_config(options)})
        except typer.TyperException as error:
            raise ParameterError(f"{job}: entry {number}: {error.format_message()}") from None
        except OracleLabError as error:
            raise ParameterError(f"{job}: entry {number}: {error}") from None
    if len({(entry["device"], entry["threads"]) for entry in parsed}) > 1:
        raise ParameterError(f"{job}: the entries of a batch job must share --device and --threads.")
    return parsed


def train_critics_command(
    out: Optional[Path] = typer.Option(None, "--out", help="Run folder; critic k goes to OUT/critic-k."),
    job: Optional[Path] = typer.Option(None, "--job", help="A sweep's batch job file (JSON: train-critic options and run folder per critic) instead of --out and the grid options."),
    lrs: Optional[List[float]] = typer.Option(None, "--lrs", help="Learning rates, e.g. --lrs 1e-3 3e-3 1e-2 (default: the critic's)."),
    seeds: List[int] = typer.Option([0], "--seeds", help="Seeds, e.g. --seeds 0 1 2 (every lr x seed pair is one critic)."),
    library: str = typer.Option("F11", help="Built-in library name or .lib file."),
    points: str = typer.Option("grid:-3:3:700", help="Point set (deterministic specs only)."),
    critic: CriticKind = typer.Option(CriticKind.mlp, help="Critic architecture."),
    batch: int = typer.Option(64, help="Real and fake functions per step (each), per critic."),
    target_accuracy: float = typer.Option(0.99, help="Each critic stops at this held-out accuracy."),
    max_epochs: int = typer.Option(2000, help="Step budget per critic."),
    device: str = typer.Option("cpu", help="torch device."),
    threads: int = Threads,
) -> None:
    """Train one critic per (lr, seed) pair, or per entry of a --job file, at once with stacked weights on one device."""
    from oraclelab.errors import ParameterError
    from oraclelab.runs import RunFolder
    from oraclelab.symbolic.training._batched_runs import write_batch_runs
    from oraclelab.symbolic.training._batched import train_critic_batch

    if (out is None) == (job is None):
        raise ParameterError("oraclelab symbolic train-critics needs exactly one of --out DIR (the --lrs x --seeds grid) "
                             "and --job FILE (a sweep's batch of train-critic runs).")
    if job is not None:
        entries = _batch_job(job)
        configs = [entry["config"] for entry in entries]
        runs = [RunFolder(entry["out"]) for entry in entries]
        device, threads = entries[0]["device"], entries[0]["threads"]
    else:
        configs = [{"library": library, "points": points, "critic": critic.value, "batch": batch, "lr": lr, "seed": seed,
                    "target_accuracy": target_accuracy, "max_epochs": max_epochs} for lr in (lrs or [None]) for seed in seeds]
        run = RunFolder(out)
        run.write_config({"command": "symbolic train-critics", "configs": configs, "device": device})
        runs = [RunFolder(run.path / f"critic-{k}", overwrite=True) for k in range(len(configs))]
    _set_threads(threads)
    summaries = train_critic_batch(configs, device=device)
    write_batch_runs(runs, configs, summaries, device=device)
    rows = [{"critic": k, **{key: value for key, value in summary.items() if key not in ("critic", "rows")}}
            for k, summary in enumerate(summaries)]
    if out is not None:
        run.write_summary({"critics": rows})
    keys = ("critic", "lr", "seed", "heldout_accuracy", "epochs_to_target", "seconds_to_target", "stopped")
    print_table(f"{len(rows)} critics trained at once -> {out or job}", [{key: row[key] for key in keys} for row in rows])


def register(app: typer.Typer) -> None:
    """Add the critic commands (train-critic, train-critics, compare-classifiers, input-study) to ``app``."""
    app.command("train-critic")(train_critic_command)
    app.command("compare-classifiers")(compare_classifiers_command)
    app.command("input-study")(input_study_command)
    app.command("train-critics")(train_critics_command)
