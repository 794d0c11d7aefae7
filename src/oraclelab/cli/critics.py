"""``oraclelab symbolic ...`` commands (thin: parse options, call the library)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, List, Mapping, Optional

import typer

from oraclelab.cli._options import config_from_options, option_flag, with_config_options
from oraclelab.cli._tables import print_table
from oraclelab.runs import BatchRunner, register_batch_runner
from oraclelab.symbolic.training._comparison_config import ComparisonConfig
from oraclelab.symbolic.training._config import PER_MODEL_FIELDS, CriticTrainingConfig

#: the summary numbers train-critic prints.
SHOWN = ("heldout_accuracy", "seconds_to_target", "epochs_to_target", "seconds", "wall_seconds", "epochs", "stopped")


def _critic_hyper(width: Optional[int], layers: Optional[int], use_inputs: Optional[bool]) -> dict[str, Any]:
    given = {"width": width, "layers": layers, "use_inputs": use_inputs}
    return {name: value for name, value in given.items() if value is not None}


def _training_config(options: Mapping[str, Any]) -> CriticTrainingConfig:
    """The CriticTrainingConfig that train-critic's parsed options mean (``train-critics --job`` parses them too)."""
    hyper = _critic_hyper(options["width"], options["layers"], options["use_inputs"])
    return config_from_options(CriticTrainingConfig, options, critic_hyper=hyper)


Threads = typer.Option(1, "--threads", help="torch CPU threads; 1 is fastest for these small networks on a shared machine.")
Device = typer.Option("cpu", "--device", help="torch device.")


def _set_threads(threads: int) -> None:
    import torch

    torch.set_num_threads(max(1, threads))


def _train_critic(
    out: Path = typer.Option(..., "--out", help="Run folder."),
    width: Optional[int] = typer.Option(None, help="Critic hidden width."),
    layers: Optional[int] = typer.Option(None, help="Critic hidden layers."),
    use_inputs: Optional[bool] = typer.Option(None, "--use-inputs/--no-use-inputs", help="Give the critic x too."),
    device: str = Device,
    threads: int = Threads,
    resume: bool = typer.Option(False, "--resume", help="Continue from the run folder's checkpoint."),
    checkpoint_seconds: float = typer.Option(30.0, "--checkpoint-seconds", help="Wall seconds between two checkpoints."),
    **options: Any,
) -> None:
    """Train a critic to tell library formulas from random-network latents."""
    from oraclelab.symbolic.training._run_folder import train_critic_run

    config = _training_config({"width": width, "layers": layers, "use_inputs": use_inputs, **options})
    _set_threads(threads)
    result = train_critic_run(config, out, resume=resume, device=device, checkpoint_seconds=checkpoint_seconds)
    summary = result.summary()
    print_table(f"critic {config.critic} / {config.loss} -> {out}", [{key: summary[key] for key in SHOWN}])


#: train-critic: its own options plus one per field of CriticTrainingConfig.
train_critic_command = with_config_options(_train_critic, CriticTrainingConfig)


def _compare_classifiers(
    out: Path = typer.Option(..., "--out", help="Run folder."),
    threads: int = Threads,
    **options: Any,
) -> None:
    """Critic vs scikit-learn classifiers on fixed datasets (features: values on the points)."""
    from oraclelab.runs import RunFolder
    from oraclelab.symbolic.training._studies import compare_classifiers, write_comparison

    _set_threads(threads)
    config = config_from_options(ComparisonConfig, options)
    run = RunFolder(out)
    result = compare_classifiers(config)
    run.write_config(config.to_dict())
    print_table(f"held-out accuracy over {config.repeats} repeats -> {out}", write_comparison(run, result))


#: compare-classifiers: --out, --threads and one option per field of ComparisonConfig.
compare_classifiers_command = with_config_options(_compare_classifiers, ComparisonConfig)


def _input_study(
    out: Path = typer.Option(..., "--out", help="Study folder (one sub-folder per point set)."),
    n_points: int = typer.Option(700, help="Points per set."),
    low: float = typer.Option(-3.0, help="Grid start and clipping bound."),
    high: float = typer.Option(3.0, help="Grid end and clipping bound."),
    stds: list[float] = typer.Option([1.0, 1.25, 2.0, 3.0, 10.0], "--std", help="Clipped-normal standard deviations."),
    device: str = typer.Option("cpu", help="torch device."),
    threads: int = Threads,
    resume: bool = typer.Option(False, "--resume", help="Continue unfinished runs."),
    **options: Any,
) -> None:
    """Seconds to the target and final accuracy for grid, normal and clipped-normal points."""
    from oraclelab.runs import RunFolder
    from oraclelab.symbolic.training._studies import input_point_specs, input_study, input_study_figure
    _set_threads(threads)
    config = config_from_options(CriticTrainingConfig, options)
    base = config.to_dict()
    specs = input_point_specs(n_points, low, high, tuple(stds))
    run = RunFolder(out, resume=resume)
    run.write_config({**base, "points": specs})
    rows = input_study(base, specs, out, resume=resume, device=device)
    run.write_csv("study.csv", rows)
    run.write_summary({"runs": rows})
    input_study_figure(rows, run.file("input_study.png"))
    print_table(f"input distributions, critic {config.critic} -> {out}",
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


def _train_critics(
    out: Optional[Path] = typer.Option(None, "--out", help="Run folder; critic k goes to OUT/critic-k."),
    job: Optional[Path] = typer.Option(None, "--job", help="A sweep's batch job file (JSON: train-critic options and run folder per critic) instead of --out and the grid options."),
    lrs: Optional[List[float]] = typer.Option(None, "--lrs", help="Learning rates, e.g. --lrs 1e-3 3e-3 1e-2 (default: the critic's)."),
    seeds: List[int] = typer.Option([0], "--seeds", help="Seeds, e.g. --seeds 0 1 2 (every lr x seed pair is one critic)."),
    device: str = typer.Option("cpu", help="torch device."),
    threads: int = Threads,
    **options: Any,
) -> None:
    """Train one critic per (lr, seed) pair, or per entry of a --job file, at once with stacked weights on one device."""
    from oraclelab.errors import ParameterError
    from oraclelab.runs import RunFolder
    from oraclelab.symbolic.training._batched import train_critic_batch
    from oraclelab.symbolic.training._run_folder import write_batch_runs

    if (out is None) == (job is None):
        raise ParameterError("oraclelab symbolic train-critics needs exactly one of --out DIR (the --lrs x --seeds grid) "
                             "and --job FILE (a sweep's batch of train-critic runs).")
    if job is not None:
        entries = _batch_job(job)
        configs = [entry["config"] for entry in entries]
        runs = [RunFolder(entry["out"]) for entry in entries]
        device, threads = entries[0]["device"], entries[0]["threads"]
    else:
        configs = [config_from_options(CriticTrainingConfig, options, lr=lr, seed=seed)
                   for lr in (lrs or [None]) for seed in seeds]
        run = RunFolder(out)
        run.write_config({"command": "symbolic train-critics", "configs": [c.to_dict() for c in configs], "device": device})
        runs = [RunFolder(run.path / f"critic-{k}", overwrite=True) for k in range(len(configs))]
    _set_threads(threads)
    results = train_critic_batch(configs, device=device)
    write_batch_runs(runs, results, device=device)
    rows = [{"critic": k, "lr": result.config.lr, "weight_decay": result.config.weight_decay, "seed": result.config.seed,
             **result.summary()} for k, result in enumerate(results)]
    if out is not None:
        run.write_summary({"critics": rows})
    keys = ("critic", "lr", "seed", "heldout_accuracy", "epochs_to_target", "seconds_to_target", "stopped")
    print_table(f"{len(rows)} critics trained at once -> {out or job}", [{key: row[key] for key in keys} for row in rows])


#: The critic-training options of input-study (the point sets are its own options).
STUDY_FIELDS = ("library", "critic", "target_accuracy", "max_seconds", "max_epochs", "seed")
input_study_command = with_config_options(_input_study, CriticTrainingConfig, only=STUDY_FIELDS,
                                          defaults={"max_seconds": 60.0})

#: The critic-training options the grid of train-critics sets for every critic (lr and seed come from --lrs, --seeds).
GRID_FIELDS = ("library", "points", "critic", "batch", "target_accuracy", "max_epochs")
train_critics_command = with_config_options(_train_critics, CriticTrainingConfig, only=GRID_FIELDS,
                                            defaults={"max_epochs": 2000})


def register(app: typer.Typer) -> None:
    """Add the critic commands (train-critic, train-critics, compare-classifiers, input-study) to ``app``
    (the ``symbolic`` group), and let sweeps batch train-critic trials through train-critics."""
    register_batch_runner(BatchRunner(
        command=("symbolic", "train-critic"),
        per_model_options=tuple(option_flag(CriticTrainingConfig, name) for name in PER_MODEL_FIELDS),
        job_command=("symbolic", "train-critics", "--job"),
    ))
    app.command("train-critic")(train_critic_command)
    app.command("compare-classifiers")(compare_classifiers_command)
    app.command("input-study")(input_study_command)
    app.command("train-critics")(train_critics_command)
