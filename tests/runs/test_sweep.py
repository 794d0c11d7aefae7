"""`oraclelab sweep` end to end on SQLite: outputs, determinism, resume, interrupts, retries."""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.runs.accounting import assert_each_planned_trial_complete_once

optuna = pytest.importorskip("optuna")


def _trials_csv(folder: Path) -> list[dict]:
    with (folder / "trials.csv").open(newline="") as handle:
        return list(csv.DictReader(handle))


def _study(folder: Path, name: str = "tiny"):
    return optuna.load_study(study_name=name, storage=f"sqlite:///{folder / 'study.db'}")


def test_sweep_writes_the_run_folder_and_gives_the_same_trials_on_a_pool_and_on_dask(
    run_cli, write_sweep, tmp_path, dask_scheduler
):
    config, pool, dask = write_sweep(n_trials=2, sampler="tpe"), tmp_path / "pool", tmp_path / "dask"
    code, stdout, err = run_cli("sweep", "--config", config, "--out", pool, "--workers", "2")
    assert code == 0, err
    assert "Run folder" in stdout
    for name in ("config.yaml", "study.db", "trials.csv", "summary.json", "best_so_far.png",
                 "objective_vs_tol.png", "objective_vs_mode.png"):
        assert (pool / name).is_file(), name
    rows = _trials_csv(pool)
    assert [row["state"] for row in rows] == ["COMPLETE"] * 2
    for row in rows:
        trial_summary = json.loads((Path(row["folder"]) / "summary.json").read_text())
        assert float(row["objective"]) == trial_summary["rows"][0]["B_err_median"]
        assert trial_summary["config"]["tol"] == pytest.approx(float(row["tol"]))
        assert trial_summary["config"]["mode"] == row["mode"] and trial_summary["config"]["trials"] == 5
    summary = json.loads((pool / "summary.json").read_text())
    assert (summary["n_planned"], summary["n_complete"], summary["n_failed"]) == (2, 2, 0)
    assert summary["best_value"] == min(float(row["objective"]) for row in rows)

    assert run_cli("sweep", "--config", config, "--out", dask, "--scheduler", dask_scheduler)[0] == 0
    keep = ("number", "state", "tol", "mode", "objective")
    assert [{k: row[k] for k in keep} for row in rows] == [{k: row[k] for k in keep} for row in _trials_csv(dask)]


def test_resume_grows_the_sweep_without_repeating_finished_trials(run_cli, write_sweep, tmp_path):
    out = tmp_path / "out"
    assert run_cli("sweep", "--config", write_sweep(n_trials=2), "--out", out, "--workers", "2")[0] == 0
    first = _trials_csv(out)
    stamps = {row["number"]: (Path(row["folder"]) / "summary.json").stat().st_mtime_ns for row in first}
    code, _, err = run_cli("sweep", "--config", write_sweep(n_trials=4), "--out", out)
    assert code == 2 and "--resume" in err and err.count("\n") == 1
    assert run_cli("sweep", "--config", write_sweep(n_trials=4), "--out", out, "--resume", "--workers", "2")[0] == 0
    rows = _trials_csv(out)
    assert [row["number"] for row in rows] == [str(n) for n in range(4)] and {row["state"] for row in rows} == {"COMPLETE"}
    assert rows[:2] == first
    assert all((Path(row["folder"]) / "summary.json").stat().st_mtime_ns == stamps[row["number"]] for row in first)
    assert len({(row["tol"], row["mode"]) for row in rows}) == 4
    assert_each_planned_trial_complete_once(_study(out).get_trials(), 4)


def test_resume_refuses_another_sweep_file(run_cli, write_sweep, tmp_path):
    out = tmp_path / "out"
    assert run_cli("sweep", "--config", write_sweep(n_trials=1), "--out", out)[0] == 0
    code, _, err = run_cli("sweep", "--config", write_sweep("other.yaml", n_trials=1, sampler="tpe"), "--out", out, "--resume")
    assert code == 2 and "another sweep file" in err


@pytest.mark.slow
def test_an_interrupted_sweep_resumes_and_reruns_only_the_interrupted_trial(write_sweep, tmp_path):
    out = tmp_path / "out"
    command = [sys.executable, "-m", "oraclelab", "sweep", "--config", str(write_sweep(n_trials=3)), "--out", str(out)]
    env = {**os.environ, "ORACLELAB_PROGRESS": "0"}
    # a shell without job control starts background commands with SIGINT ignored, and Python
    # then installs no KeyboardInterrupt handler: give the sweep the default disposition back
    sweep = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                             preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        deadline = time.monotonic() + 60
        while not (out / "trials" / "0001").exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        sweep.send_signal(signal.SIGINT)
        assert sweep.wait(timeout=30) == 130, sweep.stderr.read()
    finally:
        if sweep.poll() is None:
            sweep.kill()
            sweep.wait()
    before = {t.number: t for t in _study(out).get_trials()}
    assert [t.state.name for t in before.values()] == ["COMPLETE", "FAIL", "WAITING", "WAITING"]
    assert before[1].user_attrs["error"] == "interrupted (KeyboardInterrupt)"
    assert before[3].system_attrs["failed_trial"] == 1
    assert subprocess.run([*command, "--resume"], env=env, capture_output=True).returncode == 0
    after = _study(out).get_trials()
    assert after[0].datetime_complete == before[0].datetime_complete
    assert_each_planned_trial_complete_once(after, 3)
    summary = json.loads((out / "summary.json").read_text())
    assert (summary["n_complete"], summary["n_failed"]) == (3, 1)


def test_failing_trials_are_retried_once_and_reported(run_cli, write_sweep, tmp_path):
    out = tmp_path / "out"
    code, _, err = run_cli("sweep", "--config", write_sweep(n_trials=2, options="{trials: 0}"), "--out", out, "--workers", "2")
    assert code == 0, err
    trials = _study(out).get_trials()
    assert [t.state.name for t in trials] == ["FAIL"] * 4
    assert [t.system_attrs.get("failed_trial") for t in trials][:2] == [None, None]
    assert sorted(t.system_attrs["failed_trial"] for t in trials[2:]) == [0, 1]
    assert "exit code 2" in trials[0].user_attrs["error"] and "'trials'" in trials[0].user_attrs["error"]
    summary = json.loads((out / "summary.json").read_text())
    assert (summary["n_complete"], summary["n_failed"], summary["best_value"]) == (0, 4, None)


def test_missing_objective_key_fails_the_trial_with_the_key_named(run_cli, write_sweep, tmp_path):
    config = write_sweep(n_trials=1)
    config.write_text(config.read_text().replace("rows.0.B_err_median", "rows.0.nothing"))
    assert run_cli("sweep", "--config", config, "--out", tmp_path / "out")[0] == 0
    trial = _study(tmp_path / "out").get_trials()[0]
    assert trial.state.name == "FAIL" and "'rows.0.nothing'" in trial.user_attrs["error"]


def test_sweep_needs_a_config_and_reports_bad_storage_in_one_line(run_cli, write_sweep, tmp_path):
    code, _, err = run_cli("sweep", "--out", tmp_path / "a")
    assert code == 2 and "--config" in err
    code, _, err = run_cli("sweep", "--config", write_sweep(), "--out", tmp_path / "b", "--storage", "nosuchdb://x")
    assert code == 2 and err.startswith("oraclelab: error: Cannot open storage nosuchdb://x") and err.count("\n") == 1
    code, _, err = run_cli("sweep", "worker", "--storage", f"sqlite:///{tmp_path / 'none.db'}", "--study", "ghost")
    assert code == 2 and "No study 'ghost'" in err
