"""Two `oraclelab sweep worker` processes share one study in a real PostgreSQL server; one is
killed with SIGKILL mid-trial and the study still completes with every trial accounted for."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time

import pytest

from tests.runs.accounting import assert_each_planned_trial_complete_once

optuna = pytest.importorskip("optuna")

PLANNED = 5


def _worker(url: str) -> subprocess.Popen:
    """A sweep worker in its own session, so that it and its trial subprocess die together."""
    command = [sys.executable, "-m", "oraclelab", "sweep", "worker", "--storage", url, "--study", "tiny"]
    return subprocess.Popen(command, env={**os.environ, "ORACLELAB_PROGRESS": "0"}, start_new_session=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _running_trials_of(study, pid: int) -> list:
    return [t for t in study.get_trials(states=(optuna.trial.TrialState.RUNNING,))
            if t.user_attrs.get("worker", "").endswith(f":{pid}")]


@pytest.mark.slow
def test_sigkilled_worker_trial_is_failed_retried_once_and_the_study_completes(run_cli, write_sweep, postgres_url, tmp_path):
    out = tmp_path / "out"
    config = write_sweep(n_trials=PLANNED, options="{trials: 40, formed: well}", extra="heartbeat_interval: 1\ngrace_period: 3\n")
    plan = ("sweep", "--config", config, "--out", out, "--storage", postgres_url, "--workers", "0")
    code, _, err = run_cli(*plan)
    assert code == 0, err
    assert json.loads((out / "summary.json").read_text())["n_waiting"] == PLANNED

    direct = postgres_url.replace("postgresql://", "postgresql+psycopg2://")  # for optuna itself, here in the test
    study = optuna.load_study(study_name="tiny", storage=direct)
    victim, survivor = _worker(postgres_url), _worker(postgres_url)
    try:
        deadline = time.monotonic() + 60
        while not _running_trials_of(study, victim.pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(0.5)  # the trial's subprocess is under way
        os.killpg(victim.pid, signal.SIGKILL)
        assert victim.wait(timeout=10) == -signal.SIGKILL
        killed = _running_trials_of(study, victim.pid)
        assert len(killed) == 1, "the victim was not mid-trial"
        killed = killed[0]
        output, errors = survivor.communicate(timeout=120)
        assert survivor.returncode == 0, errors
    finally:
        for process in (victim, survivor):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()

    trials = study.get_trials()
    assert_each_planned_trial_complete_once(trials, PLANNED)
    failed = [t for t in trials if t.state.name == "FAIL"]
    assert [t.number for t in failed] == [killed.number]
    retry = next(t for t in trials if t.system_attrs.get("failed_trial") == killed.number)
    assert retry.state.name == "COMPLETE" and retry.params == killed.params and retry.number == PLANNED
    assert retry.user_attrs["worker"].endswith(f":{survivor.pid}")
    completed_by_victim = sum(1 for t in trials if t.user_attrs["worker"].endswith(f":{victim.pid}") and t.state.name == "COMPLETE")
    ran = int(re.search(r"Worker ran (\d+) trial", output).group(1))
    assert ran == PLANNED + 1 - completed_by_victim - 1

    code, _, err = run_cli(*plan, "--resume")
    assert code == 0, err
    summary = json.loads((out / "summary.json").read_text())
    assert (summary["n_planned"], summary["n_complete"], summary["n_failed"], summary["n_running"]) == (PLANNED, PLANNED, 1, 0)
    assert "postgresql://postgres@127.0.0.1" in summary["storage"]


def test_unreachable_postgres_is_one_line_error(run_cli, write_sweep, postgres_server, tmp_path):
    url = postgres_server.rsplit(":", 1)[0] + ":1/none"
    code, _, err = run_cli("sweep", "--config", write_sweep(), "--out", tmp_path / "x", "--storage", url)
    assert code == 2 and err.startswith("oraclelab: error: Cannot open storage postgresql://") and err.count("\n") == 1
