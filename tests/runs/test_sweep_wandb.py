"""The optional wandb mirror: offline runs hold the sweep's trials and summary; no wandb, one line."""

from __future__ import annotations

import csv
import json
import sys
import time

import pytest

from oraclelab.errors import RunError
from oraclelab.runs._wandb import flatten, mirror_run_folder


def test_flatten_makes_dotted_keys():
    assert flatten({"rows": [{"a": 1}], "b": {"c": None}}) == {"rows.0.a": 1, "b.c": None}


def test_offline_wandb_run_mirrors_the_sweep_summary_and_trials(run_cli, write_sweep, tmp_path, monkeypatch):
    pytest.importorskip("wandb")
    monkeypatch.setenv("WANDB_MODE", "offline")
    monkeypatch.setenv("WANDB_DIR", str(tmp_path))
    monkeypatch.setenv("WANDB_SILENT", "true")
    out = tmp_path / "out"
    code, _, err = run_cli("sweep", "--config", write_sweep(n_trials=1), "--out", out, "--wandb", "oraclelab-tests")
    assert code == 0, err
    logs = list((tmp_path / "wandb").glob("offline-run-*/run-*.wandb"))
    assert len(logs) == 1
    summary = json.loads((out / "summary.json").read_text())
    with (out / "trials.csv").open(newline="") as handle:
        objective = next(csv.DictReader(handle))["objective"]
    expected = (b"best_value", repr(summary["best_value"]).encode(), b"best_params.tol", objective.encode(), b"oraclelab-tests")
    # wandb's service process may still be flushing the offline log on a loaded machine: wait, bounded.
    deadline = time.monotonic() + 30
    while not all(text in logs[0].read_bytes() for text in expected) and time.monotonic() < deadline:
        time.sleep(0.2)
    log = logs[0].read_bytes()
    for text in expected:
        assert text in log, text


def test_missing_wandb_is_a_one_line_error_before_any_trial_runs(run_cli, write_sweep, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "wandb", None)  # what `import wandb` sees when it is not installed
    with pytest.raises(RunError, match="pip install wandb"):
        mirror_run_folder(tmp_path, "project")
    code, _, err = run_cli("sweep", "--config", write_sweep(), "--out", tmp_path / "out", "--wandb", "p")
    assert code == 2 and "--wandb needs the wandb package" in err and err.count("\n") == 1
    assert not (tmp_path / "out").exists()
