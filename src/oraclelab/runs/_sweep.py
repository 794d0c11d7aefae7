"""Sweeps on Optuna: the study plans the trials, samplers pick parameters, storage is the single record.

Layering follows Optuna's: a ``SweepConfig`` says what to run; an RDB storage (SQLite in the
run folder, or PostgreSQL shared by many machines) holds the study; each trial is one
``oraclelab`` command run in a subprocess (killable, crash-proof) writing its own run folder
``DIR/trials/NNNN``, and its objective is read from that folder's summary.json.

Bookkeeping that makes trials count exactly once:

* Creating (or growing) a sweep enqueues one WAITING trial per planned trial, so trial
  numbers 0..n_trials-1 are the plan and no process ever creates a surplus trial.
* Workers only take WAITING trials (an atomic state change in the storage), suggest their
  parameters with a sampler seeded from (sweep seed, trial number), and keep a heartbeat.
* A trial that fails, is interrupted, or whose worker dies (its heartbeat goes stale and the
  next worker to look marks it FAIL) is retried once with the same parameters as a new
  trial whose system attribute ``failed_trial`` names the original.

With the sweep file's ``batch`` > 1 (commands that registered a :class:`BatchRunner`, such as
``symbolic train-critic``) a worker takes up to ``workers * batch`` trials, groups those whose
argv differ only in the runner's per-model options into chunks of at most ``batch``, and runs
each chunk of several trials as one subprocess of the runner's job command, which writes
every trial's ordinary run folder; a failing chunk fails (and retries) each of its trials.
"""

from __future__ import annotations

import contextlib
import functools
import json
import logging
import os
import socket
import subprocess
import sys
import threading
import time
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator, Sequence

from oraclelab.errors import DataFileError, RunError, RunExistsError
from oraclelab.runs._batching import BatchRunner, find_batch_runner
from oraclelab.runs._executors import Executor
from oraclelab.runs._progress import SILENT, ProgressReporter
from oraclelab.runs._run_folder import RunFolder
from oraclelab.runs._seeding import stream_seed
from oraclelab.runs._sweep_config import SweepConfig, parse_sweep_config

__all__ = [
    "TrialJob",
    "run_trial_command",
    "run_batch_command",
    "run_chunk",
    "chunk_trials",
    "open_storage",
    "default_storage_url",
    "open_sweep",
    "attach_sweep",
    "run_trials",
    "check_command",
    "redact_url",
]

_log = logging.getLogger(__name__)

CONFIG_ATTR = "oraclelab_sweep_config"
OUT_ATTR = "oraclelab_sweep_out"
MAX_RETRY = 1
POLL_SECONDS = 1.0


@contextlib.contextmanager
def _experimental_ok() -> Iterator[None]:
    """Silence Optuna's ExperimentalWarning for the heartbeat features we rely on on purpose."""
    optuna = _optuna()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
        yield


def _optuna():
    try:
        import optuna
    except ImportError:
        raise RunError("Sweeps need Optuna: pip install 'oraclelab[sweep]' (optuna, dask[distributed], psycopg2-binary).") from None
    return optuna


# --- one trial: a subprocess --------------------------------------------------------------


@dataclass(frozen=True)
class TrialJob:
    """One trial's command: ``oraclelab <argv> --out <folder>``."""

    argv: tuple[str, ...]
    folder: str


def _run_oraclelab(args: list[str]) -> str | None:
    """Run ``python -m oraclelab ARGS`` without progress bars; the error (exit code and last stderr line) or None."""
    env = {**os.environ, "ORACLELAB_PROGRESS": "0"}
    done = subprocess.run([sys.executable, "-m", "oraclelab", *args], capture_output=True, text=True, env=env, check=False)
    if done.returncode == 0:
        return None
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    return f"exit code {done.returncode}: {lines[-1] if lines else 'no output'}"


def _outcome(folder: str, error: str | None, seconds: float) -> dict:
    """A trial's outcome: the error, or else the summary.json its command wrote in ``folder``."""
    if error is None:
        try:
            return {"summary": json.loads((Path(folder) / "summary.json").read_text(encoding="utf-8")),
                    "error": None, "seconds": seconds}
        except (OSError, json.JSONDecodeError) as problem:
            error = f"cannot read {folder}/summary.json: {problem}"
    return {"summary": None, "error": error, "seconds": seconds}


def run_trial_command(job: TrialJob) -> dict:
    """Run a trial's command in a subprocess; return ``{"summary": ..., "error": ..., "seconds": ...}``.

    Never raises for a failing command, so one bad trial does not sink a batch: the error
    (exit code and the last stderr line) comes back instead of the summary.
    """
    start = time.perf_counter()
    error = _run_oraclelab([*job.argv, "--out", job.folder])
    return _outcome(job.folder, error, time.perf_counter() - start)


# --- batches of trials run by one process -----------------------------------------------


def _shared_argv(argv: Sequence[str], per_model_options: Sequence[str]) -> tuple[str, ...]:
    """``argv`` without its per-model options and their values: what the trials of one batch share."""
    kept: list[str] = []
    words = iter(argv)
    for word in words:
        if word in per_model_options:
            next(words, None)
        elif word.split("=", 1)[0] not in per_model_options:
            kept.append(word)
    return tuple(kept)


def chunk_trials(argvs: Sequence[Sequence[str]], batch: int, per_model_options: Sequence[str] = ()) -> list[list[int]]:
    """Indices of ``argvs`` in chunks of at most ``batch`` trials whose argv differ only in
    ``per_model_options``, ordered by their first index (with ``batch`` 1: one chunk a trial)."""
    groups: dict[tuple[str, ...], list[int]] = {}
    for index, argv in enumerate(argvs):
        groups.setdefault(_shared_argv(argv, per_model_options), []).append(index)
    return sorted(members[start:start + batch] for members in groups.values() for start in range(0, len(members), batch))


def run_batch_command(jobs: Sequence[TrialJob], runner: BatchRunner) -> list[dict]:
    """Run several trials as one subprocess of ``runner.job_command``; one outcome each.

    The job file ``batch-NNNN.json`` beside the trial folders (NNNN: the first trial's folder)
    lists each trial's options (after the command words) and folder. Never raises: a failing
    job fails every trial of it with the same error; ``seconds`` is the whole job's.
    """
    start = time.perf_counter()
    first = Path(jobs[0].folder)
    entries = [{"argv": list(job.argv[len(runner.command):]), "folder": job.folder} for job in jobs]
    try:
        job_file = RunFolder(first.parent).write_json(f"batch-{first.name}.json", {"entries": entries})
    except (OSError, RunError) as problem:
        error = f"cannot write the batch job file: {problem}"
    else:
        error = _run_oraclelab([*runner.job_command, str(job_file)])
    seconds = time.perf_counter() - start
    return [_outcome(job.folder, error, seconds) for job in jobs]


def run_chunk(jobs: tuple[TrialJob, ...], runner: BatchRunner | None = None) -> list[dict]:
    """One chunk of trials: several run as one batch job of ``runner``, otherwise each runs its own command."""
    if runner is None or len(jobs) == 1:
        return [run_trial_command(job) for job in jobs]
    return run_batch_command(jobs, runner)


def check_command(config: SweepConfig, source: str, root: Any) -> None:
    """Raise a one-line ``DataFileError`` unless the command and every option name exist under
    ``root`` (the click group of ``oraclelab``) and a ``batch`` > 1 has a registered runner."""
    words = [word for word in config.command if not word.startswith("-")]
    command, path = root, []
    for word in words:
        if not hasattr(command, "commands"):
            break
        sub = command.commands.get(word)
        if sub is None:
            raise DataFileError(f"{source}: field 'command': 'oraclelab {' '.join(path + [word])}' is not a command.")
        command, path = sub, path + [word]
    if hasattr(command, "commands"):
        raise DataFileError(f"{source}: field 'command': 'oraclelab {' '.join(path)}' needs a sub-command.")
    known = {opt for param in command.params for opt in (*param.opts, *param.secondary_opts)}
    for field in ("options", "space"):
        for name in getattr(config, field):
            if f"--{name}" not in known:
                raise DataFileError(f"{source}: field '{field}.{name}': 'oraclelab {' '.join(path)}' has no option --{name}.")
    if config.batch > 1 and find_batch_runner(config.command) is None:
        raise DataFileError(f"{source}: field 'batch': 'oraclelab {' '.join(path)}' cannot run trials in batches; "
                            f"use batch: 1.")


# --- storage and study ------------------------------------------------------------------


def default_storage_url(out: Path) -> str:
    """SQLite in the run folder."""
    return f"sqlite:///{Path(out).resolve() / 'study.db'}"


def redact_url(url: str) -> str:
    """The storage URL with any password hidden, for config files and logs."""
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - an unparsable URL is reported by open_storage
        return url


def _with_driver(url: str) -> str:
    """``postgresql://`` with the psycopg2 driver when psycopg (3, SQLAlchemy 2.1's default) is absent."""
    import importlib.util

    if url.startswith("postgresql://") and importlib.util.find_spec("psycopg") is None and importlib.util.find_spec("psycopg2"):
        return "postgresql+psycopg2://" + url.removeprefix("postgresql://")
    return url


def open_storage(url: str, *, heartbeat_interval: int, grace_period: int):
    """An Optuna RDB storage with a heartbeat; stale trials are failed and retried once."""
    optuna = _optuna()
    with _experimental_ok():
        try:
            return optuna.storages.RDBStorage(
                _with_driver(url),
                heartbeat_interval=heartbeat_interval,
                grace_period=grace_period,
                heartbeat_stale_trial_callback=optuna.storages.RetryHeartbeatStaleTrialCallback(max_retry=MAX_RETRY),
            )
        except ImportError as error:
            raise RunError(f"Storage {redact_url(url)} needs a database driver: {error} (pip install psycopg2-binary).") from None
        except Exception as error:  # sqlalchemy's errors: bad URL, server down, refused login
            raise RunError(f"Cannot open storage {redact_url(url)}: {' '.join(str(error).split())[:300]}") from None


def _planned(study) -> int:
    return sum(1 for trial in study.get_trials(deepcopy=False) if "failed_trial" not in trial.system_attrs)


def open_sweep(storage, config: SweepConfig, out: Path, *, resume: bool):
    """Create the sweep's study (or, with ``resume``, continue it) and enqueue its planned trials."""
    optuna = _optuna()
    exists = config.study in optuna.get_all_study_names(storage)
    if exists and not resume:
        raise RunExistsError(f"Study '{config.study}' already exists in {redact_url(storage.url)}; resume it to continue.")
    if exists:
        study = optuna.load_study(study_name=config.study, storage=storage)
        recorded = parse_sweep_config(study.user_attrs.get(CONFIG_ATTR), f"study '{config.study}'")
        if not recorded.same_sweep(config):
            raise RunError(f"Study '{config.study}' was created from another sweep file; resuming needs the same settings (n_trials may grow).")
    else:
        study = optuna.create_study(study_name=config.study, storage=storage, direction=config.objective.direction)
    planned = _planned(study)
    if config.n_trials < planned:
        raise RunError(f"Study '{config.study}' already plans {planned} trials; n_trials can grow when resuming, not shrink.")
    study.set_user_attr(CONFIG_ATTR, config.model_dump(mode="json"))
    study.set_user_attr(OUT_ATTR, str(Path(out).resolve()))
    for _ in range(config.n_trials - planned):
        study.enqueue_trial({})
    _log.info("Study %s: %d trials planned, %d newly enqueued", config.study, config.n_trials, config.n_trials - planned)
    return study


def attach_sweep(url: str, study_name: str) -> tuple[Any, SweepConfig, Path]:
    """Join an existing sweep as a worker: (storage, config, run folder recorded by its creator)."""
    optuna = _optuna()
    probe = open_storage(url, heartbeat_interval=1, grace_period=2)
    if study_name not in optuna.get_all_study_names(probe):
        raise RunError(f"No study '{study_name}' in {redact_url(url)}; create it with 'oraclelab sweep --config ... --storage ...'.")
    attrs = optuna.load_study(study_name=study_name, storage=probe).user_attrs
    if CONFIG_ATTR not in attrs:
        raise RunError(f"Study '{study_name}' in {redact_url(url)} was not created by 'oraclelab sweep'.")
    config = parse_sweep_config(attrs[CONFIG_ATTR], f"study '{study_name}'")
    storage = open_storage(url, heartbeat_interval=config.heartbeat_interval, grace_period=config.grace_period)
    return storage, config, Path(attrs[OUT_ATTR])


# --- running trials ---------------------------------------------------------------------


def _sampler(config: SweepConfig, number: int):
    """The sampler for trial ``number``: seeded from (sweep seed, number), whichever worker runs it."""
    optuna = _optuna()
    seed = int(stream_seed(config.seed, "sampler", number).generate_state(1)[0])
    if config.sampler == "random":
        return optuna.samplers.RandomSampler(seed=seed)
    return optuna.samplers.TPESampler(seed=seed)


def _fail_stale(study) -> None:
    with _experimental_ok():
        _optuna().storages.fail_stale_trials(study)


def _pop_waiting(storage, study_id: int, limit: int) -> list[int]:
    """Take up to ``limit`` WAITING trials (atomically: a trial another worker took is skipped)."""
    optuna = _optuna()
    taken: list[int] = []
    for trial in storage.get_all_trials(study_id, deepcopy=False, states=(optuna.trial.TrialState.WAITING,)):
        if len(taken) == limit:
            break
        trial_id = storage.get_trial_id_from_study_id_trial_number(study_id, trial.number)
        try:
            if storage.set_trial_state_values(trial_id, state=optuna.trial.TrialState.RUNNING):
                storage.record_heartbeat(trial_id)
                taken.append(trial_id)
        except optuna.exceptions.UpdateFinishedTrialError:
            continue
    return taken


@contextlib.contextmanager
def _heartbeat(storage, trial_ids: list[int], interval: float) -> Iterator[None]:
    """Record a heartbeat for ``trial_ids`` every ``interval`` seconds while the block runs."""
    stop = threading.Event()

    def beat() -> None:
        while not stop.wait(interval):
            for trial_id in trial_ids:
                storage.record_heartbeat(trial_id)

    thread = threading.Thread(target=beat, name="oraclelab-sweep-heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def _finish(config: SweepConfig, trial, outcome: dict) -> None:
    """Tell the storage how ``trial`` ended; a failure is retried once with the same parameters."""
    optuna = _optuna()
    error = outcome.get("error")
    value = None
    if error is None:
        try:
            value = config.objective.read(outcome["summary"])
        except (KeyError, ValueError) as problem:
            error = str(problem.args[0])
    trial.set_user_attr("seconds", outcome.get("seconds"))
    if error is None:
        trial.study.tell(trial, value, skip_if_finished=True)
        return
    trial.set_user_attr("error", error)
    _log.warning("Trial %d failed: %s", trial.number, error)
    frozen = trial.study.tell(trial, state=optuna.trial.TrialState.FAIL, skip_if_finished=True)
    if frozen.state == optuna.trial.TrialState.FAIL:
        with _experimental_ok():
            optuna.storages.RetryHeartbeatStaleTrialCallback(max_retry=MAX_RETRY)(trial.study, frozen)


def _prepare(storage, config: SweepConfig, out: Path, trial_id: int):
    """Suggest a taken trial's parameters; return the optuna Trial and its job."""
    optuna = _optuna()
    frozen = storage.get_trial(trial_id)
    study = optuna.load_study(study_name=config.study, storage=storage, sampler=_sampler(config, frozen.number))
    study.get_trials(deepcopy=False)  # syncs the study's trial cache, which Trial relies on
    trial = optuna.trial.Trial(study, trial_id)
    params = {name: param.suggest(trial, name) for name, param in config.space.items()}
    folder = Path(out) / "trials" / f"{trial.number:04d}"
    trial.set_user_attr("folder", str(folder))
    trial.set_user_attr("worker", f"{socket.gethostname()}:{os.getpid()}")
    return trial, TrialJob(tuple(config.argv(params)), str(folder))


def run_trials(
    storage,
    config: SweepConfig,
    out: Path,
    executor: Executor,
    *,
    max_trials: int | None = None,
    progress: ProgressReporter = SILENT,
) -> int:
    """Run the study's WAITING trials, ``executor.workers * config.batch`` at a time; return how many ran.

    The trials taken together run in chunks (:func:`chunk_trials`), one executor task a chunk.
    Returns when no trial is waiting or running (or after ``max_trials``). While other
    workers' trials run it polls, failing those whose heartbeat went stale so that their
    retries come back as WAITING trials.
    """
    optuna = _optuna()
    runner = find_batch_runner(config.command) if config.batch > 1 else None
    if config.batch > 1 and runner is None:
        raise RunError(f"Study '{config.study}': 'oraclelab {' '.join(config.command)}' cannot run trials in batches "
                       f"(batch {config.batch}); use batch: 1.")
    study = optuna.load_study(study_name=config.study, storage=storage)
    study_id = storage.get_study_id_from_name(config.study)
    ran = 0
    while max_trials is None or ran < max_trials:
        _fail_stale(study)
        limit = executor.workers * config.batch
        limit = limit if max_trials is None else min(limit, max_trials - ran)
        taken = _pop_waiting(storage, study_id, limit)
        if not taken:
            if not storage.get_all_trials(study_id, deepcopy=False, states=(optuna.trial.TrialState.RUNNING,)):
                break
            time.sleep(POLL_SECONDS)
            continue
        with _heartbeat(storage, taken, config.heartbeat_interval):
            prepared = [_prepare(storage, config, out, trial_id) for trial_id in taken]
            chunks = [[prepared[i] for i in chunk]
                      for chunk in chunk_trials([job.argv for _, job in prepared], config.batch,
                                                runner.per_model_options if runner else ())]
            pending = dict(enumerate(chunks))

            def finished(index: int, outcomes: list[dict]) -> None:
                for (trial, _), outcome in zip(pending.pop(index), outcomes):
                    _finish(config, trial, outcome)
                    progress.advance()

            try:
                executor.map(functools.partial(run_chunk, runner=runner), [tuple(job for _, job in chunk) for chunk in chunks],
                             on_done=finished)
            except BaseException as stop:
                for chunk in pending.values():
                    for trial, _ in chunk:
                        _finish(config, trial, {"error": f"interrupted ({type(stop).__name__})"})
                raise
        ran += len(taken)
    return ran
