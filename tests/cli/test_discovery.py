"""``oraclelab symbolic problems`` and ``oraclelab symbolic sr`` end to end, in-process."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest
import yaml

import oraclelab.cli.discovery  # noqa: F401  (registers the commands until cli.py imports it)

FAST = ["--seconds", "1", "--generations", "5", "--population-size", "100", "--threads", "1"]


@pytest.fixture
def table(tmp_path):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(60, 2))
    path = tmp_path / "points.csv"
    rows = "\n".join(f"{a},{b},{3 * a + 1}" for a, b in x)
    path.write_text(f"a,b,y\n{rows}\n")
    return path


def test_problems_lists_every_builtin(run_cli):
    code, stdout, stderr = run_cli("symbolic", "problems")
    assert code == 0, stderr
    for k in range(13):
        assert f"F{k:02d}" in stdout
    assert "g0*g1 + sin(g2)" in stdout


def test_sr_on_a_builtin_problem_writes_the_run_folder(run_cli, tmp_path):
    out = tmp_path / "run"
    code, stdout, stderr = run_cli("symbolic", "sr", "--problem", "F07", "--n", "100", "--seed", "1", "--out", out,
                                   *FAST)
    assert code == 0, stderr
    summary = json.loads((out / "summary.json").read_text())
    for key in ("formula", "r2_test", "equivalent", "seconds"):
        assert key in summary
    assert isinstance(summary["equivalent"], bool)
    assert summary["truth"] == "2.7*x0**2 + 4.5*x0*x1 + 5*cos(3*x1)"
    assert summary["latent_formulas"] is None and summary["outer_formula"] is None and summary["min_corr"] is None
    config = yaml.safe_load((out / "config.yaml").read_text())
    assert config["problem"] == "F07" and config["seed"] == 1 and config["n"] == 100
    assert (out / "prediction_test.png").stat().st_size > 0


def test_sr_on_a_data_file(run_cli, tmp_path, table):
    out = tmp_path / "run"
    code, _, stderr = run_cli("symbolic", "sr", "--data", table, "--inputs", "a,b", "--target", "y", "--out", out,
                              *FAST)
    assert code == 0, stderr
    summary = json.loads((out / "summary.json").read_text())
    assert summary["equivalent"] is None and summary["truth"] is None
    assert summary["r2_test"] > 0.99
    assert "a" in summary["formula"]


@pytest.mark.parametrize("args, message", [
    (["--inputs", "a,nope", "--target", "y"], r"points.csv: no column 'nope'"),
    (["--inputs", "a,b", "--target", "z"], r"points.csv: no column 'z'"),
])
def test_bad_column_exits_2_with_one_line(run_cli, tmp_path, table, args, message):
    code, _, stderr = run_cli("symbolic", "sr", "--data", table, *args, "--out", tmp_path / "bad", *FAST)
    assert code == 2
    assert len(stderr.strip().splitlines()) == 1
    assert "points.csv" in stderr and message.split(": ")[1] in stderr
    assert not (tmp_path / "bad").exists()


@pytest.mark.parametrize("args, message", [
    (["--data", "missing.csv", "--inputs", "a", "--target", "y"], "missing.csv: file not found"),
    (["--problem", "F99"], "Unknown problem 'F99'"),
    (["--problem", "F07", "--data", "x.csv"], "exactly one of --problem"),
    ([], "exactly one of --problem"),
    (["--data", "x.csv"], "--data needs --inputs"),
    (["--problem", "F07", "--target", "y"], "go with --data"),
])
def test_bad_options_exit_2_with_one_line(run_cli, tmp_path, args, message):
    code, _, stderr = run_cli("symbolic", "sr", *args, "--out", tmp_path / "bad", *FAST)
    assert code == 2
    assert len(stderr.strip().splitlines()) == 1 and message in stderr


def test_importing_the_commands_stays_light():
    code = ("import sys, oraclelab.cli, oraclelab.cli.discovery; "
            "print(sorted(m for m in ('torch', 'sympy', 'pyoperon', 'matplotlib') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
