"""``oraclelab elicit simulate`` and ``oraclelab elicit rank`` end to end."""

from __future__ import annotations

import csv
import json
import statistics

import numpy as np
import pytest
import yaml

from oraclelab.elicit import ElicitedMetric


def tiny_data(path, n=60, seed=3):
    """A two-class CSV (label, p_0, p_1) whose p_1 rises with the label."""
    gen = np.random.default_rng(seed)
    labels = np.tile([0, 1], n // 2)
    p1 = np.clip(0.25 + 0.5 * labels + 0.3 * gen.standard_normal(n), 0.01, 0.99)
    path.write_text("y,p0,p1\n" + "".join(f"{y},{1 - p:.6f},{p:.6f}\n" for y, p in zip(labels, p1)))
    return path


def test_simulate_writes_trials_whose_medians_are_the_summary(run_cli, tmp_path):
    data = tiny_data(tmp_path / "valid.csv")
    gen = np.random.default_rng(1)
    np.savez(tmp_path / "m.npz", a=gen.random((5, 2)) + 0.1, B=np.stack([np.eye(2) * (0.2 + 0.1 * t) for t in range(5)]))
    out = tmp_path / "sim"
    code, stdout, stderr = run_cli("elicit", "simulate", "--data", data, "--labels", "y", "--proba", "p0,p1", "--classes", "0,1",
                                   "--metrics", tmp_path / "m.npz", "--mode", "active", "--budget", "20", "--flip-prob", "0.1",
                                   "--seed", "2", "--pool", "8", "--out", out)
    assert code == 0, stderr
    with open(out / "trials.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 5 and set(rows[0]) >= {"a_err", "B_err", "comparisons", "kendall_tau", "stopped"}
    summary = json.loads((out / "summary.json").read_text())
    for name in ("a_err", "B_err", "comparisons", "kendall_tau"):
        assert summary[f"{name}_median"] == pytest.approx(statistics.median(float(r[name]) for r in rows), rel=1e-12)
    assert all(r["stopped"] in ("tol", "budget") and int(r["comparisons"]) <= 20 for r in rows)
    assert summary["max_rate_gap"] <= 1e-3
    config = yaml.safe_load((out / "config.yaml").read_text())
    assert config["command"] == "elicit simulate" and config["noise"] == {"kind": "flip", "p": 0.1} and config["classes"] == ["0", "1"]
    assert "Kendall tau" in stdout


def test_simulate_draws_seeded_metrics_when_none_are_given(run_cli, tmp_path):
    data = tiny_data(tmp_path / "valid.csv")
    args = ["elicit", "simulate", "--data", data, "--labels", "y", "--proba", "p0,p1", "--trials", "3", "--budget", "10"]
    assert run_cli(*args, "--out", tmp_path / "one")[0] == 0
    assert run_cli(*args, "--out", tmp_path / "two")[0] == 0
    first, second = ((tmp_path / n / "trials.csv").read_text() for n in ("one", "two"))
    assert first == second and len(first.splitlines()) == 4


def test_simulate_needs_one_data_source(run_cli, tmp_path):
    code, _, stderr = run_cli("elicit", "simulate", "--out", tmp_path / "o")
    assert code == 2 and "exactly one data source" in stderr and len(stderr.strip().splitlines()) == 1
    code, _, stderr = run_cli("elicit", "simulate", "--dataset", "wine", "--flip-prob", "0.1", "--temperature", "0.1",
                              "--out", tmp_path / "o2")
    assert code == 2 and "Choose one noise level" in stderr


def rank_files(tmp_path):
    """True labels and three prediction files for k = 2; rates are (P(1 | 0), P(0 | 1))."""
    y = [0, 0, 0, 0, 1, 1, 1, 1]
    (tmp_path / "truth.csv").write_text("label\n" + "".join(f"{v}\n" for v in y))
    predictions = {
        "A.csv": [0, 0, 0, 0, 1, 1, 0, 0],  # rates (0, 0.5), accuracy 0.75
        "B.csv": [1, 1, 0, 0, 1, 1, 1, 1],  # rates (0.5, 0), accuracy 0.75
        "C.csv": [1, 0, 0, 0, 1, 1, 1, 0],  # rates (0.25, 0.25), accuracy 0.75
    }
    for name, values in predictions.items():
        (tmp_path / name).write_text("pred\n" + "".join(f"{v}\n" for v in values))
    # a cost on false negatives four times that on false positives: score = -r0 - 4 r1 + 1/2 r'Br with B = diag(0, 2)
    ElicitedMetric(np.array([-1.0, -4.0]), np.array([[0.0, 0.0], [0.0, 2.0]]), ("0", "1")).save(tmp_path / "metric.json")
    return [tmp_path / n for n in predictions]


def test_rank_orders_predictions_as_computed_by_hand(run_cli, tmp_path):
    files = rank_files(tmp_path)
    before = sorted(p.name for p in tmp_path.iterdir())
    code, stdout, stderr = run_cli("elicit", "rank", "--metric", tmp_path / "metric.json", "--data", tmp_path / "truth.csv",
                                   "--predictions", *files)
    assert code == 0, stderr
    # by hand: A -4*0.5 + 0.5*2*0.25 = -1.75; B -0.5; C -0.25 - 1 + 0.5*2*0.0625 = -1.1875  => B, C, A
    lines = [line for line in stdout.splitlines() if ".csv" in line]
    assert [next(n for n in ("A.csv", "B.csv", "C.csv") if n in line) for line in lines] == ["B.csv", "C.csv", "A.csv"]
    assert "-0.5 " in lines[0] and "-1.1875" in lines[1] and "-1.75" in lines[2]
    # accuracies 0.75, 0.75, 0.75: accuracy cannot tell them apart, so Kendall's tau is undefined
    assert "Kendall tau (metric vs accuracy): nan" in stdout
    assert sorted(p.name for p in tmp_path.iterdir()) == before


def test_rank_writes_its_table_only_when_asked(run_cli, tmp_path):
    files = rank_files(tmp_path)
    (tmp_path / "D.csv").write_text("pred\n" + "0\n" * 4 + "1\n" * 4)  # perfect: rates (0, 0), accuracy 1, score 0
    out = tmp_path / "ranked"
    code, stdout, _ = run_cli("elicit", "rank", "--metric", tmp_path / "metric.json", "--data", tmp_path / "truth.csv",
                              "--predictions", *files, tmp_path / "D.csv", "--out", out)
    assert code == 0
    summary = json.loads((out / "summary.json").read_text())
    assert [p.rsplit("/", 1)[-1] for p in summary["order"]] == ["D.csv", "B.csv", "C.csv", "A.csv"]
    # metric ranks (1, 2, 3, 4) vs accuracy ranks (1, 3, 3, 3): tau-b = 3 concordant, 0 discordant, 3 ties in accuracy
    assert summary["kendall_tau"] == pytest.approx(3 / np.sqrt(6 * 3))
    assert len((out / "ranking.csv").read_text().splitlines()) == 5


def test_rank_bad_inputs_are_one_line(run_cli, tmp_path):
    files = rank_files(tmp_path)
    (tmp_path / "short.csv").write_text("pred\n0\n1\n")
    code, _, stderr = run_cli("elicit", "rank", "--metric", tmp_path / "metric.json", "--data", tmp_path / "truth.csv",
                              "--predictions", files[0], tmp_path / "short.csv")
    assert code == 2 and "short.csv" in stderr and "lengths must match" in stderr
    code, _, stderr = run_cli("elicit", "rank", "--metric", tmp_path / "metric.json", "--data", tmp_path / "truth.csv",
                              "--predictions", files[0], "--column", "nope")
    assert code == 2 and "A.csv" in stderr and "'nope'" in stderr
