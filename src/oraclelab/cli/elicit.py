"""``oraclelab elicit ...`` commands (thin: parse options, call the library, write the run folder)."""

from __future__ import annotations

import time
from datetime import datetime
from pathlib import Path
from typing import Any, Callable, Collection, List, Optional

import numpy as np
import typer

from oraclelab.cli._tables import print_table
from oraclelab.cli._options import config_from_options, with_config_options
from oraclelab.elicit._judge import JudgeConfig, describe_noise
from oraclelab.elicit._noise_study import NoiseStudyConfig
from oraclelab.elicit._simulate_config import SimulateConfig
from oraclelab.elicit._study import Elicitation, StudyConfig, elicit_with

app = typer.Typer(help="Metric elicitation from pairwise preferences (LPME, QME, active).", no_args_is_help=True)

#: The options of ``StudyConfig`` that ``run`` and ``demo`` share: how to elicit.
ELICITATION_OPTIONS = ("tol", "mode", "budget")


def _with_judge(command: Callable[..., Any], only: Collection[str] | None = None) -> Callable[..., Any]:
    """``command`` with the options of ``StudyConfig`` (``only`` these, as in ``with_config_options``) and of the judge."""
    return with_config_options(with_config_options(command, StudyConfig, only=only), JudgeConfig)


def _elicitation(options: dict[str, Any], judge: JudgeConfig, owner: str) -> Elicitation:
    """The ``Elicitation`` that ``run`` and ``demo``'s options (``ELICITATION_OPTIONS``) and judge mean."""
    return Elicitation(options["mode"], options["tol"], options["budget"], judge.elicitor_noise(), owner=owner)


def _default_out(command: str) -> Path:
    return Path("runs") / f"elicit-{command}-{datetime.now().strftime('%Y%m%d-%H%M%S')}"


def _comparisons(row: dict) -> str:
    """The comparisons per trial, or their median (marked) when the trials used different numbers."""
    if isinstance(row["comparisons_per_run"], int):
        return f"{row['comparisons_per_run']:,}"
    return f"{row['comparisons_median']:,g} (median)"


def _print_rows(rows: list[dict], title: str, *, published: bool = False) -> None:
    """Print the summary rows (coverage when any row has it); with ``published``, beside the published code's medians."""
    from rich.console import Console
    from rich.table import Table

    from oraclelab.elicit._study import PUBLISHED_MEDIANS

    coverage = any("coverage" in row for row in rows)
    table = Table(title=title)
    for column in (("k", "formed", "trials", "comparisons", "seconds", "a_err med", "a_err p90",
                    "B_err med", "B_err p90", "B_err max", "unreliable") + (("coverage",) if coverage else ())
                   + (("published med a / B",) if published else ())):
        table.add_column(column, justify="right")
    for row in rows:
        reference = PUBLISHED_MEDIANS.get((row["classes"], row["well_formed"])) if published else None
        table.add_row(
            str(row["classes"]), "well" if row["well_formed"] else "ill", str(row["trials"]),
            _comparisons(row), f"{row['seconds']:.2f}",
            f"{row['a_err_median']:.4f}", f"{row['a_err_p90']:.4f}",
            f"{row['B_err_median']:.4f}", f"{row['B_err_p90']:.4f}", f"{row['B_err_max']:.3g}", str(row["unreliable"]),
            *([f"{row['coverage']:.3f}" if "coverage" in row else ""] if coverage else []),
            *([f"{reference[0]:.4f} / {reference[1]:.4f}" if reference else ""] if published else []),
        )
    console = Console()
    console.width = max(console.width, 150)
    console.print(table)


def study(
    classes: List[int] = typer.Option([2, 3, 4, 5], "--classes", help="Numbers of classes k, e.g. --classes 2 3 4 5."),
    out: Optional[Path] = typer.Option(None, "--out", help="Run folder (default runs/elicit-study-<time>)."),
    resume: bool = typer.Option(False, "--resume", help="Continue a study in --out, skipping finished configurations."),
    workers: int = typer.Option(1, "--workers", help="Local processes running configurations in parallel (1: in this process)."),
    scheduler: Optional[str] = typer.Option(None, "--scheduler", help="Run configurations on a Dask cluster, e.g. tcp://HOST:8786."),
    **options: Any,
) -> None:
    """Elicit random quadratic metrics for each (classes, well formed) configuration and summarise the errors."""
    from oraclelab.elicit._outputs import write_figures, write_trial_table
    from oraclelab.elicit._study import run_study
    from oraclelab.errors import RunError
    from oraclelab.runs import RunFolder, make_executor, progress_bar

    judge = config_from_options(JudgeConfig, options)
    config = config_from_options(StudyConfig, options, classes=tuple(classes), noise=judge.model(), elicitor_noise=judge.noise_model)
    folder = RunFolder(out or _default_out("study"), resume=resume)
    settings = {"command": "elicit study", **config.as_dict()}
    if resume and (folder.path / "config.yaml").exists() and folder.read_yaml("config.yaml") != settings:
        raise RunError(f"{folder.path}/config.yaml holds other settings; --resume needs the same options.")
    folder.write_config(settings)
    start = time.perf_counter()
    with make_executor(scheduler, workers) as executor, progress_bar("QME study", total=len(config.configurations())) as progress:
        records = run_study(config, folder=folder, resume=resume, progress=progress, executor=executor)
    seconds = time.perf_counter() - start
    rows = [record.summary_row() for record in records]
    write_trial_table(folder, records)
    write_figures(folder, records)
    folder.write_summary({"command": "elicit study", "config": config.as_dict(), "seconds": seconds, "rows": rows})
    comparable = config.mode == "classic" and config.tol == 1e-2 and config.noise is None and config.radius == 1.0
    _print_rows(rows, f"Elicitation study ({config.mode}, tol {config.tol:g}, seed {config.seed}): {seconds:.1f} s", published=comparable)
    typer.echo(f"Run folder: {folder.path}")


app.command("study")(_with_judge(study))


def run(
    metrics: Path = typer.Option(..., "--metrics", help="NPZ with 'a' [T, q], 'B' [T, q, q]; optional 'origin' [q], 'radius'."),
    well_formed: bool = typer.Option(False, "--well-formed/--ill-formed", help="Declare the metrics well formed (enables clipping)."),
    seed: int = typer.Option(0, "--seed", help="Seed of the judge's noise and of the active elicitor."),
    out: Optional[Path] = typer.Option(None, "--out", help="Run folder (default runs/elicit-run-<time>)."),
    **options: Any,
) -> None:
    """Elicit given hidden metrics and report the errors."""
    from oraclelab.elicit._metrics import QuadraticMetric
    from oraclelab.elicit._oracles import HiddenMetricOracle
    from oraclelab.elicit._outputs import write_figures, write_trial_table
    from oraclelab.elicit._records import EstimateRecord, load_metrics_file, save_record
    from oraclelab.runs import RunFolder, stream_generator

    judge = config_from_options(JudgeConfig, options)
    elicitation = _elicitation(options, judge, "elicit run")
    metric, sphere = load_metrics_file(metrics)
    noise = judge.model()
    folder = RunFolder(out or _default_out("run"))
    folder.write_config({"command": "elicit run", "metrics": str(metrics), **elicitation.as_dict(),
                         "well_formed": well_formed, "seed": seed, "noise": describe_noise(noise)})
    oracle = HiddenMetricOracle(QuadraticMetric(metric.a, metric.B), noise=noise, rng=stream_generator(seed, "noise"))
    start = time.perf_counter()
    result = elicit_with(elicitation, oracle, sphere, well_formed=well_formed, rng=stream_generator(seed, "active"))
    record = EstimateRecord(Path(metrics).stem, metric, sphere, result, well_formed, time.perf_counter() - start)
    save_record(folder, "estimates.npz", record)
    write_trial_table(folder, [record])
    write_figures(folder, [record])
    row = record.summary_row()
    folder.write_summary({"command": "elicit run", **row})
    _print_rows([row], f"Elicited {metric.n_trials} metrics from {metrics} ({elicitation.mode})")
    typer.echo(f"Run folder: {folder.path}")


app.command("run")(_with_judge(run, ELICITATION_OPTIONS))


@app.command()
def worst(run_dir: Path = typer.Option(..., "--run", help="A run folder of 'elicit study' or 'elicit run'.")) -> None:
    """Dissect the trial with the largest B_err: gradient errors, inconsistencies, true-gradient QME."""
    from rich.console import Console
    from rich.table import Table

    from oraclelab.elicit._outputs import find_worst
    from oraclelab.runs import RunFolder

    case = find_worst(run_dir)
    report = case.as_dict()
    RunFolder(run_dir, overwrite=True).write_json("worst.json", report)
    table = Table(title=f"Worst trial: {report['label']} #{report['trial']}  a_err {report['a_err']:.3g}  B_err {report['B_err']:.3g}")
    table.add_column("gradient")
    table.add_column("cosine distance to truth", justify="right")
    table.add_column("inconsistent (> 1e-3)")
    for name, distance in report["cosine_distance"].items():
        table.add_row(name, f"{distance:.3g}", "yes" if name in report["inconsistencies"] else "")
    console = Console()
    console.print(table)
    console.print(f"Recomputed from the true gradients: a_err {report['a_err_true_gradients']:.2e}, "
                  f"B_err {report['B_err_true_gradients']:.2e}")
    console.print(f"Written to {Path(run_dir) / 'worst.json'}")


def demo(
    classes: int = typer.Option(2, "--classes", help="Number of classes k."),
    seed: int = typer.Option(0, "--seed", help="Seed of the hidden metric, the judge's noise and the active elicitor."),
    out: Optional[Path] = typer.Option(None, "--out", help="Run folder (default runs/elicit-demo-<time>)."),
    **options: Any,
) -> None:
    """Elicit one random well-formed metric and print a, a_hat, B, B_hat and the errors."""
    from rich.console import Console

    from oraclelab.elicit._geometry import Sphere, n_rates
    from oraclelab.elicit._metrics import random_metrics
    from oraclelab.elicit._oracles import HiddenMetricOracle
    from oraclelab.elicit._outputs import write_figures, write_trial_table
    from oraclelab.elicit._records import EstimateRecord, save_record
    from oraclelab.runs import RunFolder, stream_generator

    judge = config_from_options(JudgeConfig, options)
    elicitation = _elicitation(options, judge, "elicit demo")
    q = n_rates(classes)
    sphere = Sphere.centred(q)
    noise = judge.model()
    folder = RunFolder(out or _default_out("demo"))
    folder.write_config({"command": "elicit demo", "classes": classes, **elicitation.as_dict(), "seed": seed,
                         "noise": describe_noise(noise)})
    metric = random_metrics(1, q, well_formed=True, sphere=sphere, rng=stream_generator(seed, "demo"))
    oracle = HiddenMetricOracle(metric, noise=noise, rng=stream_generator(seed, "noise"))
    start = time.perf_counter()
    result = elicit_with(elicitation, oracle, sphere, well_formed=True, rng=stream_generator(seed, "active"))
    record = EstimateRecord("demo", metric, sphere, result, True, time.perf_counter() - start)
    save_record(folder, "estimates.npz", record)
    write_trial_table(folder, [record])
    write_figures(folder, [record])
    folder.write_summary({"command": "elicit demo", **record.summary_row()})
    console = Console()
    with np.printoptions(precision=4, suppress=True, linewidth=120):
        console.print(f"k = {classes} classes, q = {q} rates, {int(result.comparisons[0]):,} comparisons ({elicitation.mode})")
        console.print(f"a     = {metric.a[0]}")
        console.print(f"a_hat = {result.a[0]}")
        console.print(f"B =\n{metric.B[0]}")
        console.print(f"B_hat =\n{result.B[0]}")
    console.print(f"a_err = ||a_hat - a|| = {record.a_err[0]:.3g}   B_err = ||B_hat - B||_F = {record.B_err[0]:.3g}")
    typer.echo(f"Run folder: {folder.path}")


app.command("demo")(_with_judge(demo, ELICITATION_OPTIONS))


def simulate(
    out: Optional[Path] = typer.Option(None, "--out", help="Run folder (default runs/elicit-simulate-<time>)."),
    **options: Any,
) -> None:
    """A simulated person on real data: elicit hidden metrics whose every query is a realised classifier."""
    from rich.console import Console

    from oraclelab.elicit._simulate_config import TRIAL_COLUMNS, run_simulation, simulation_summary, trial_rows
    from oraclelab.runs import RunFolder

    config = config_from_options(SimulateConfig, options)
    folder = RunFolder(out or _default_out("simulate"))
    folder.write_config({"command": "elicit simulate", **config.as_dict()})
    space, result = run_simulation(config)
    folder.write_csv("trials.csv", trial_rows(result), TRIAL_COLUMNS)
    summary = simulation_summary(config, space, result)
    folder.write_summary(summary)
    Console().print(
        f"{summary['source']}: k = {summary['classes']}, {summary['trials']} hidden metrics, "
        f"median {summary['comparisons_median']:g} comparisons, {summary['seconds']:.1f} s\n"
        f"median a_err {summary['a_err_median']:.4f}  B_err {summary['B_err_median']:.4f}  "
        f"Kendall tau {summary['kendall_tau_median']:.3f} (min {summary['kendall_tau_min']:.3f}) over a pool of {config.pool}\n"
        f"estimated flip rate (median) {summary['flip_rate_median']:.3f}  max rate gap {summary['max_rate_gap']:.2e}"
    )
    typer.echo(f"Run folder: {folder.path}")


app.command("simulate")(with_config_options(simulate, SimulateConfig))


def noise_study(
    classes: List[int] = typer.Option([2, 3], "--classes", help="Numbers of classes k, e.g. --classes 2 3."),
    modes: List[str] = typer.Option(["classic", "efficient", "active"], "--modes", help="Modes to compare: classic, efficient, active."),
    flip_prob: List[float] = typer.Option([0.0, 0.05, 0.1], "--flip-prob", help="Judges flipping each answer with these probabilities (0: noise-free)."),
    noise: List[str] = typer.Option([], "--noise", help="More judges as specs: indifference:1e-4, logistic:0.01, flip:0.2."),
    out: Optional[Path] = typer.Option(None, "--out", help="Run folder (default runs/elicit-noise-study-<time>)."),
    **options: Any,
) -> None:
    """B_err against comparisons for every mode and judge: table, summary and the headline figure per k."""
    from oraclelab.elicit import plot_noise_study, run_noise_study
    from oraclelab.runs import RunFolder, progress_bar

    judges = tuple(dict.fromkeys(("none" if p == 0 else f"flip:{p:g}" for p in flip_prob))) + tuple(noise)
    configs = [config_from_options(NoiseStudyConfig, options, classes=k, noises=judges, modes=tuple(modes)) for k in classes]
    folder = RunFolder(out or _default_out("noise-study"))
    folder.write_config({"command": "elicit noise-study", "configs": [config.as_dict() for config in configs]})
    rows = []
    with progress_bar("noise study", total=sum(len(c.noises) * len(c.modes) for c in configs)) as progress:
        for config in configs:
            table = run_noise_study(config, progress=progress)
            plot_noise_study(table, folder.file(f"noise_study_k{config.classes}.png"))
            rows += table.as_dicts()
    folder.write_csv("noise_study.csv", rows)
    folder.write_summary({"command": "elicit noise-study", "rows": rows})
    keys = ("classes", "noise", "mode", "setting", "comparisons_median", "B_err_median", "B_err_p10", "B_err_p90")
    print_table("noise study: B_err against comparisons", [{key: row[key] for key in keys} for row in rows])
    typer.echo(f"Run folder: {folder.path}")


#: --classes, --modes and the judges (--flip-prob, --noise) take several values: the command's own options.
app.command("noise-study")(with_config_options(noise_study, NoiseStudyConfig, skip=("classes", "noises", "modes")))


@app.command()
def rank(
    metric: Path = typer.Option(..., "--metric", help="An elicited metric (JSON written by ElicitedMetric.save)."),
    data: Path = typer.Option(..., "--data", help="CSV or NPZ file holding the true labels."),
    predictions: List[Path] = typer.Option(..., "--predictions", help="One CSV or NPZ file of predicted labels per classifier."),
    column: str = typer.Option("pred", "--column", help="Column of predicted labels in each --predictions file."),
    labels: str = typer.Option("label", "--labels", help="Column of true labels in --data."),
    out: Optional[Path] = typer.Option(None, "--out", help="Write ranking.csv and summary.json here (default: print only)."),
) -> None:
    """Rank classifiers' predictions by an elicited metric, with accuracy's ranking and Kendall's tau beside it."""
    from rich.console import Console
    from rich.table import Table

    from oraclelab.elicit._data import read_column
    from oraclelab.elicit._elicited_metric import ElicitedMetric, rank_predictions
    from oraclelab.runs import RunFolder

    elicited = ElicitedMetric.load(metric)
    y_true = read_column(data, labels)
    names = [path.name for path in predictions]
    names = names if len(set(names)) == len(names) else [str(path) for path in predictions]
    ranking = rank_predictions(elicited, y_true, [(name, read_column(path, column)) for name, path in zip(names, predictions)])
    rows = [{"predictions": name, "score": float(ranking.scores[i]), "metric_rank": float(ranking.metric_rank[i]),
             "accuracy": float(ranking.accuracies[i]), "accuracy_rank": float(ranking.accuracy_rank[i])}
            for i, name in enumerate(ranking.names)]
    rows.sort(key=lambda row: row["metric_rank"])
    table = Table(title=f"Ranked by {metric}")
    for name in ("predictions", "score", "metric rank", "accuracy", "accuracy rank"):
        table.add_column(name, justify="left" if name == "predictions" else "right")
    for row in rows:
        table.add_row(row["predictions"], f"{row['score']:.6g}", f"{row['metric_rank']:g}", f"{row['accuracy']:.4f}",
                      f"{row['accuracy_rank']:g}")
    console = Console()
    console.width = max(console.width, 120)
    console.print(table)
    console.print(f"Kendall tau (metric vs accuracy): {ranking.kendall_tau:.3f}")
    if out is not None:
        folder = RunFolder(out)
        folder.write_config({"command": "elicit rank", "metric": str(metric), "data": str(data), "labels": labels,
                             "predictions": [str(p) for p in predictions], "column": column})
        folder.write_csv("ranking.csv", rows, ("predictions", "score", "metric_rank", "accuracy", "accuracy_rank"))
        folder.write_summary({"command": "elicit rank", "order": ranking.order(), "kendall_tau": ranking.kendall_tau, "rows": rows})
        typer.echo(f"Run folder: {folder.path}")
