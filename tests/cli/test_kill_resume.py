"""Crash safety: each long command, killed with SIGKILL mid-run and rerun with ``--resume``,
ends with the summary of an uninterrupted run with the same seed and no duplicated table rows.

SIGKILL gives a command no chance to clean up, so what survives is only what it wrote
atomically before the kill. Timing fields (any key naming seconds) and the run folder's own
path are the only differences allowed.
"""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Callable

import pytest

ENV = {**os.environ, "ORACLELAB_PROGRESS": "0"}

def _oraclelab(*args: Any) -> list[str]:
    return [sys.executable, "-m", "oraclelab", *(str(arg) for arg in args)]


def _finish(command: list[str], cwd: Path) -> None:
    done = subprocess.run(command, env=ENV, cwd=cwd, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr


def _kill_when(command: list[str], cwd: Path, ready: Callable[[], bool], timeout: float = 120) -> None:
    """Start ``command``, SIGKILL it (and any worker it started) once ``ready()``; fail if it ends first."""
    process = subprocess.Popen(command, env=ENV, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               text=True, start_new_session=True)
    try:
        deadline = time.monotonic() + timeout
        while not ready() and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert process.poll() is None, f"ended before it could be killed; give it more work: {process.stderr.read()}"
        assert ready(), "no partial progress before the deadline"
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)  # its own session: the command and its workers
        process.wait()
        process.stderr.close()


def _untimed(value: Any, folder: Path) -> Any:
    """``value`` without keys naming seconds, the run folder's path written as ``OUT``."""
    if isinstance(value, dict):
        return {key: _untimed(item, folder) for key, item in value.items() if "seconds" not in key}
    if isinstance(value, list):
        return [_untimed(item, folder) for item in value]
    if isinstance(value, str):
        return value.replace(str(folder.resolve()), "OUT").replace(str(folder), "OUT")
    return value


def _summary(folder: Path) -> Any:
    return _untimed(json.loads((folder / "summary.json").read_text()), folder)


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="") as handle:
        return list(csv.DictReader(handle))


def _assert_no_duplicates(rows: list[dict[str, str]], key: tuple[str, ...]) -> None:
    keys = [tuple(row[name] for name in key) for row in rows]
    assert len(keys) == len(set(keys)), f"duplicated rows by {key}"


def _check_resumed(command: list[str], tmp_path: Path, ready: Callable[[Path], bool]) -> tuple[Path, Path]:
    """Kill ``command --out killed`` once ``ready(killed)``, resume it, run it whole in ``whole``."""
    killed, whole = tmp_path / "killed", tmp_path / "whole"
    _kill_when([*command, "--out", str(killed)], tmp_path, lambda: ready(killed))
    assert not (killed / "summary.json").exists()
    _finish([*command, "--out", str(killed), "--resume"], tmp_path)
    _finish([*command, "--out", str(whole)], tmp_path)
    assert _summary(killed) == _summary(whole)
    return killed, whole


@pytest.mark.slow
def test_elicit_study_killed_after_its_first_configuration_resumes_to_the_same_study(tmp_path):
    command = _oraclelab("elicit", "study", "--classes", "2", "3", "4", "5", "--trials", "150", "--seed", "3")
    killed, whole = _check_resumed(command, tmp_path, lambda out: any(out.glob("estimates_*.npz")))
    rows = _rows(killed / "trials.csv")
    _assert_no_duplicates(rows, ("label", "trial"))
    assert rows == _rows(whole / "trials.csv")


@pytest.mark.slow
def test_train_critic_killed_after_a_checkpoint_resumes_to_the_same_critic(tmp_path):
    command = _oraclelab("symbolic", "train-critic", "--points", "grid:-3:3:100", "--max-epochs", "1000",
                         "--target-accuracy", "1.0", "--seed", "2",
                         "--checkpoint-seconds", "0.2")  # a real checkpoint within a run of a few seconds
    killed, whole = _check_resumed(command, tmp_path, lambda out: (out / "checkpoint.pt").exists())
    rows = _rows(killed / "metrics.csv")
    _assert_no_duplicates(rows, ("epoch",))
    drop_time = [{k: v for k, v in row.items() if k != "seconds"} for row in rows]
    assert drop_time == [{k: v for k, v in row.items() if k != "seconds"} for row in _rows(whole / "metrics.csv")]


@pytest.mark.slow
def test_discover_killed_during_training_resumes_to_the_same_formula(tmp_path):
    command = _oraclelab("symbolic", "discover", "--problem", "F11", "--epochs", "60", "--eval-every", "10",
                         "--n-samples", "200", "--critic-weight", "0", "--sr-seconds", "30", "--sr-generations", "3",
                         "--sr-outer-seconds", "30", "--sr-outer-generations", "3", "--sr-outer-max-length", "10",
                         "--sr-outer-restarts", "1", "--seed", "1")
    killed, whole = _check_resumed(command, tmp_path, lambda out: any(out.rglob("*checkpoint*")))
    rows = _rows(killed / "metrics.csv")
    _assert_no_duplicates(rows, ("epoch",))


SWEEP = """\
study: killed
command: [elicit, study, --classes, "2", "3"]
options: {trials: 40, formed: well}
space:
  tol: {type: float, low: 0.001, high: 0.1, log: true}
objective: {key: rows.0.B_err_median, direction: minimize}
n_trials: 4
sampler: tpe
seed: 5
heartbeat_interval: 1
grace_period: 2
"""


def _complete_trials(folder: Path) -> list[tuple[str, str]]:
    return sorted((row["tol"], row["objective"]) for row in _rows(folder / "trials.csv") if row["state"] == "COMPLETE")


@pytest.mark.slow
def test_sweep_killed_after_its_first_trial_resumes_to_the_same_trials(tmp_path):
    (tmp_path / "sweep.yaml").write_text(SWEEP)
    command = _oraclelab("sweep", "--config", tmp_path / "sweep.yaml")
    killed, whole = tmp_path / "killed", tmp_path / "whole"
    _kill_when([*command, "--out", str(killed)], tmp_path, lambda: (killed / "trials" / "0001").exists())
    _finish([*command, "--out", str(killed), "--resume"], tmp_path)
    _finish([*command, "--out", str(whole)], tmp_path)
    # the killed trial is recorded as failed and run again: the sweep's trials and best are the same
    assert _complete_trials(killed) == _complete_trials(whole)
    planned = [row["number"] for row in _rows(killed / "trials.csv") if row["state"] == "COMPLETE" and not row["retry_of"]]
    retried = [row["retry_of"] for row in _rows(killed / "trials.csv") if row["state"] == "COMPLETE" and row["retry_of"]]
    assert sorted(planned + retried, key=int) == ["0", "1", "2", "3"]
    ignore = ("storage", "n_failed", "best_trial", "best_folder")
    assert ({k: v for k, v in _summary(killed).items() if k not in ignore}
            == {k: v for k, v in _summary(whole).items() if k not in ignore})
