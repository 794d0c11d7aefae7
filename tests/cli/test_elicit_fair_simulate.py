"""``oraclelab elicit fair-simulate``: a simulated person with hidden fair metrics on grouped data, end to end."""

import json

import numpy as np
import pytest

from oraclelab.elicit.fair._elicited import ElicitedFairMetric


def test_fair_simulate_on_breast_cancer_writes_metric_report_and_summary(run_cli, tmp_path):
    out = tmp_path / "sim"
    code, stdout, _ = run_cli("elicit", "fair-simulate", "--dataset", "breast_cancer", "--groups", "mean radius",
                              "--trials", "2", "--budget", "30", "--out", out)
    assert code == 0 and "lambda_err" in stdout
    summary = json.loads((out / "summary.json").read_text())
    assert summary["groups"] == ["mean radius <= 13.37", "mean radius > 13.37"] and summary["comparisons_median"] == 30
    assert summary["lambda_err_median"] < 0.05 and summary["max_rate_gap"] < 1e-6
    metric = ElicitedFairMetric.load(out / "metric.json")
    assert metric.groups == tuple(summary["groups"]) and metric.classes == ("malignant", "benign")
    report = json.loads((out / "report.json").read_text())
    assert set(report["by_group"]) == set(summary["groups"]) and len(report["largest_gaps"]) == 2
    assert len((out / "trials.csv").read_text().splitlines()) == 3


def _file(tmp_path, groups):
    rng = np.random.default_rng(0)
    labels = rng.integers(0, 2, len(groups))
    p1 = np.clip(0.5 + 0.35 * (2 * labels - 1) + 0.2 * rng.normal(size=len(groups)), 0.01, 0.99)
    path = tmp_path / "data.csv"
    path.write_text("label,p_0,p_1,group\n" + "".join(f"{y},{1 - p},{p},{g}\n" for y, p, g in zip(labels, p1, groups)))
    return path


@pytest.mark.parametrize("groups, message", [
    (["a"] * 200, "one group only"),
    (["a"] * 100 + ["b"] * 99 + [""], "missing on row 199"),
    (["a"] * 100 + ["b"] * 99 + ["nan"], "missing on row 199"),
])
def test_bad_group_columns_exit_2_in_one_line(run_cli, tmp_path, groups, message):
    code, _, err = run_cli("elicit", "fair-simulate", "--data", _file(tmp_path, groups), "--groups", "group", "--trials", "1",
                           "--budget", "5", "--out", tmp_path / "o")
    assert code == 2 and message in err and len(err.strip().splitlines()) == 1


def test_a_group_without_a_class_exits_2(run_cli, tmp_path):
    path = _file(tmp_path, ["a"] * 200)
    lines = path.read_text().splitlines()
    fixed = [lines[0]] + [line.rsplit(",", 1)[0] + ("," + ("c" if line.startswith("1,") and i % 3 == 0 else "a"))
                          for i, line in enumerate(lines[1:])]
    path.write_text("\n".join(fixed) + "\n")
    code, _, err = run_cli("elicit", "fair-simulate", "--data", path, "--groups", "group", "--trials", "1", "--out", tmp_path / "o")
    assert code == 2 and "group 'c' of column 'group' has no rows of class '0'" in err and len(err.strip().splitlines()) == 1
