"""``oraclelab elicit fair-study --mode active``: the run folder, budgets and the judge options."""

import json


def test_active_fair_study_under_a_flipping_judge(run_cli, tmp_path):
    out = tmp_path / "active"
    code, stdout, _ = run_cli("elicit", "fair-study", "--groups", "2", "--classes", "2", "--trials", "2", "--mode", "active",
                              "--budget", "40", "--flip-prob", "0.1", "--out", out)
    assert code == 0
    summary = json.loads((out / "summary.json").read_text())
    config, row = summary["config"], summary["rows"][0]
    assert config["mode"] == "active" and config["budget"] == 40 and config["noise"] == {"kind": "flip", "p": 0.1}
    assert config["elicitor_noise"] == "auto" and row["comparisons_median"] <= 40
    assert {"lambda_coverage", "B_coverage", "flip_rate_median"} <= set(row) and "lambda_co" in stdout
    assert (out / "estimates_m2-k2.npz").exists()


def test_active_fair_study_resumes(run_cli, tmp_path):
    out = tmp_path / "active"
    args = ["elicit", "fair-study", "--groups", "2", "--classes", "2", "--trials", "2", "--mode", "active", "--budget", "20",
            "--out", out]
    assert run_cli(*args)[0] == 0
    first = json.loads((out / "summary.json").read_text())["rows"]
    assert run_cli(*args, "--resume")[0] == 0
    assert json.loads((out / "summary.json").read_text())["rows"][0]["B_err_median"] == first[0]["B_err_median"]
