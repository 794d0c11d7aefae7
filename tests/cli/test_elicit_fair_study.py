"""``oraclelab elicit fair-study`` end to end: the run folder, its numbers, resuming, modes and streams."""

import csv
import json
import math

import yaml


def _finite(value):
    if isinstance(value, dict):
        return all(_finite(v) for v in value.values())
    if isinstance(value, list):
        return all(_finite(v) for v in value)
    return not isinstance(value, float) or math.isfinite(value)


def test_fair_study_writes_a_complete_run_folder(run_cli, tmp_path):
    out = tmp_path / "fair"
    code, stdout, _ = run_cli("elicit", "fair-study", "--groups", "2", "3", "--classes", "2", "--trials", "3",
                              "--out", out)
    assert code == 0
    summary = json.loads((out / "summary.json").read_text())
    rows = summary["rows"]
    assert [(r["groups"], r["classes"], r["q"]) for r in rows] == [(2, 2, 2), (3, 2, 2)]
    assert [r["comparisons_per_run"] for r in rows] == [650, 1690]
    for name in ("a_err", "B_err", "lambda_err"):
        assert all(f"{name}_{stat}" in r for r in rows for stat in ("mean", "median", "p90", "max"))
    assert _finite(summary) and summary["config"]["mode"] == "classic"
    with open(out / "trials.csv") as handle:
        trials = list(csv.DictReader(handle))
    assert len(trials) == 6 and {t["reliable"] for t in trials} == {"True"}
    assert (out / "medians_vs_q.png").stat().st_size > 1000
    assert yaml.safe_load((out / "config.yaml").read_text())["groups"] == [2, 3]
    assert "1690" in stdout and "Run folder" in stdout


def test_fair_study_refuses_to_overwrite_and_resumes(run_cli, tmp_path):
    out = tmp_path / "fair"
    args = ["elicit", "fair-study", "--groups", "2", "--classes", "2", "--trials", "2", "--out", out]
    assert run_cli(*args)[0] == 0
    code, _, err = run_cli(*args)
    assert code == 2 and "--resume" in err and len(err.strip().splitlines()) == 1
    assert run_cli(*args, "--resume")[0] == 0
    code, _, err = run_cli(*args, "--mode", "robust", "--resume")
    assert code == 2 and "other settings" in err


def test_robust_mode_pcg64_instances_and_true_gradients(run_cli, tmp_path):
    out = tmp_path / "robust"
    code, _, _ = run_cli("elicit", "fair-study", "--groups", "2", "--classes", "3", "--trials", "2", "--mode", "robust",
                         "--instances", "pcg64", "--seed", "3", "--true-gradients", "--out", out)
    assert code == 0
    summary = json.loads((out / "summary.json").read_text())
    assert summary["config"] | {"mode": "robust", "instances": "pcg64", "seed": 3, "true_gradients": True} == summary["config"]
    assert summary["rows"][0]["B_err_max"] < 1e-9
    assert summary["rows"][0]["comparisons_per_run"] == 129 * 6 - 128  # stage 1 only: one LPME on q = 6
