"""Sweeps with ``batch`` > 1: train-critic trials grouped into chunks, each chunk one
``oraclelab symbolic train-critics --job`` process, every trial still counted exactly once."""

from __future__ import annotations

import csv
import json
import textwrap
from pathlib import Path

import pytest

from oraclelab.errors import RunError
from oraclelab.runs import BatchRunner, Executor
from oraclelab.runs import _batching
from oraclelab.runs._sweep import chunk_trials, open_storage, open_sweep, run_chunk, run_trials
from oraclelab.runs._sweep_config import load_sweep_config
from tests.runs.accounting import assert_each_planned_trial_complete_once

optuna = pytest.importorskip("optuna")

#: a tiny critic: 50 grid points, 20 steps of 16 functions, 100 held-out functions.
CRITIC = {"library": "F11", "points": "grid:-3:3:50", "critic": "mlp", "critic_hyper": {"width": 16},
          "max_epochs": 20, "heldout_size": 100, "batch": 16}


@pytest.fixture
def write_critic_sweep(tmp_path):
    """Write a sweep.yaml over the tiny critic, searching lr and seed; returns its path."""

    def write(*, n_trials: int = 3, batch: int = 3, options: str = "") -> Path:
        path = tmp_path / "critics.yaml"
        path.write_text(textwrap.dedent(f"""\
            study: critics
            command: [symbolic, train-critic, --library, F11, --points, "grid:-3:3:50", --critic, mlp]
            options: {{max-epochs: 20, heldout-size: 100, batch: 16, width: 16{options}}}
            space:
              lr: {{type: float, low: 0.001, high: 0.01, log: true}}
              seed: {{type: int, low: 0, high: 100}}
            objective: {{key: heldout_accuracy, direction: maximize}}
            n_trials: {n_trials}
            sampler: random
            batch: {batch}
            """))
        return path

    return write


def _study(folder: Path):
    return optuna.load_study(study_name="critics", storage=f"sqlite:///{folder / 'study.db'}")


#: what cli/critics.py registers for train-critic, written out here.
PER_MODEL_OPTIONS = ("--lr", "--weight-decay", "--seed", "--target-accuracy", "--max-epochs", "--max-seconds")
RUNNER = BatchRunner(("symbolic", "train-critic"), PER_MODEL_OPTIONS, ("symbolic", "train-critics", "--job"))


@pytest.fixture
def train_critic_runner(monkeypatch):
    """train-critic's batch runner registered for one test (as the CLI registers it)."""
    monkeypatch.setitem(_batching._RUNNERS, RUNNER.command, RUNNER)
    return RUNNER


def test_chunks_hold_trials_that_differ_only_in_per_model_options():
    base = ["symbolic", "train-critic", "--library", "F11"]
    argvs = [
        [*base, "--lr", "0.01", "--seed", "1"],
        [*base, "--width", "8", "--lr", "0.01"],
        [*base, "--lr", "0.02", "--seed", "2"],
        [*base, "--lr=0.03", "--seed", "3", "--weight-decay", "0.1"],
        [*base, "--lr", "0.04", "--seed", "4", "--max-epochs", "5", "--target-accuracy", "0.9", "--max-seconds", "9"],
        [*base, "--width", "8", "--seed", "9"],
        [*base, "--width", "16", "--lr", "0.01"],
    ]
    assert chunk_trials(argvs, 3, PER_MODEL_OPTIONS) == [[0, 2, 3], [1, 5], [4], [6]]
    assert chunk_trials(argvs, 8, PER_MODEL_OPTIONS) == [[0, 2, 3, 4], [1, 5], [6]]
    assert chunk_trials(argvs, 1, PER_MODEL_OPTIONS) == [[index] for index in range(len(argvs))]
    assert chunk_trials(argvs[:3], 3) == [[0], [1], [2]]  # without per-model options every argv differs


def test_a_chunk_without_a_runner_runs_each_trial_alone(monkeypatch):
    from oraclelab.runs import _sweep
    from oraclelab.runs._sweep import TrialJob

    ran = []
    monkeypatch.setattr(_sweep, "run_trial_command", lambda job: ran.append(job.folder) or {"folder": job.folder})
    jobs = (TrialJob(("a",), "t0"), TrialJob(("b",), "t1"))
    assert run_chunk(jobs) == [{"folder": "t0"}, {"folder": "t1"}] and ran == ["t0", "t1"]


def test_a_batched_sweep_of_a_command_without_a_runner_is_refused(write_critic_sweep, tmp_path, monkeypatch):
    monkeypatch.setattr(_batching, "_RUNNERS", {})
    config = load_sweep_config(write_critic_sweep())
    storage = open_storage(f"sqlite:///{tmp_path / 'study.db'}", heartbeat_interval=config.heartbeat_interval,
                           grace_period=config.grace_period)
    open_sweep(storage, config, tmp_path, resume=False)
    with pytest.raises(RunError, match="'oraclelab symbolic train-critic .*' cannot run trials in batches"):
        run_trials(storage, config, tmp_path, _Interrupted())


def test_a_batched_sweep_trains_each_chunk_in_one_process_and_matches_train_critic_batch(
        run_cli, write_critic_sweep, tmp_path):
    import torch

    from oraclelab.symbolic.training._batched import train_critic_batch
    from oraclelab.symbolic.training import load_critic

    out = tmp_path / "out"
    code, _, err = run_cli("sweep", "--config", write_critic_sweep(), "--out", out)
    assert code == 0, err
    trials = _study(out).get_trials()
    assert len(trials) == 3
    assert_each_planned_trial_complete_once(trials, 3)
    job = json.loads((out / "trials" / "batch-0000.json").read_text())
    assert [entry["folder"] for entry in job["entries"]] == [trial.user_attrs["folder"] for trial in trials]
    assert sorted(path.name for path in (out / "trials").glob("batch-*.json")) == ["batch-0000.json"]

    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # as the trial process (train-critic's --threads 1)
    try:
        expected = train_critic_batch([{**CRITIC, "lr": t.params["lr"], "seed": t.params["seed"]} for t in trials])
    finally:
        torch.set_num_threads(threads)
    for trial, truth in zip(trials, expected):
        folder = Path(trial.user_attrs["folder"])
        for name in ("config.yaml", "metrics.csv", "critic.pt", "critic.json", "summary.json"):
            assert (folder / name).is_file(), name
        summary = json.loads((folder / "summary.json").read_text())
        assert trial.value == summary["heldout_accuracy"] == truth.heldout_accuracy
        assert (summary["batched"], summary["batch_size"], summary["epochs"]) == (True, 3, 20)
        with (folder / "metrics.csv").open(newline="") as handle:
            assert [int(row["epoch"]) for row in csv.DictReader(handle)] == [row["epoch"] for row in truth.rows]
        trained, reference = load_critic(folder).state_dict(), truth.critic_state
        for name, tensor in reference.items():
            torch.testing.assert_close(trained[name], tensor, rtol=1e-5, atol=1e-6, msg=f"trial {trial.number} {name}")


def test_a_failing_batch_fails_each_trial_with_the_error_and_retries_each_once(run_cli, write_critic_sweep, tmp_path):
    out = tmp_path / "out"
    code, _, err = run_cli("sweep", "--config", write_critic_sweep(n_trials=2, options=", loss: wgan-gp"), "--out", out)
    assert code == 0, err
    trials = _study(out).get_trials()
    assert [t.state.name for t in trials] == ["FAIL"] * 4
    assert [t.system_attrs.get("failed_trial") for t in trials] == [None, None, 0, 1]
    assert all("exit code 2" in t.user_attrs["error"] and "'loss'" in t.user_attrs["error"] for t in trials)
    assert sorted(path.name for path in (out / "trials").glob("batch-*.json")) == ["batch-0000.json", "batch-0002.json"]


class _Interrupted(Executor):
    """An executor interrupted before any task finishes."""

    def map(self, fn, items, on_done=None):
        raise KeyboardInterrupt("stand-in for Ctrl-C")


def test_an_interrupt_fails_every_trial_of_the_chunk(write_critic_sweep, tmp_path, train_critic_runner):
    config = load_sweep_config(write_critic_sweep())
    storage = open_storage(f"sqlite:///{tmp_path / 'study.db'}", heartbeat_interval=config.heartbeat_interval,
                           grace_period=config.grace_period)
    study = open_sweep(storage, config, tmp_path, resume=False)
    with pytest.raises(KeyboardInterrupt, match="stand-in for Ctrl-C"):
        run_trials(storage, config, tmp_path, _Interrupted())
    trials = study.get_trials()
    assert [t.state.name for t in trials] == ["FAIL"] * 3 + ["WAITING"] * 3
    assert {t.user_attrs["error"] for t in trials[:3]} == {"interrupted (KeyboardInterrupt)"}
    assert [t.system_attrs["failed_trial"] for t in trials[3:]] == [0, 1, 2]
