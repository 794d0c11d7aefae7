import json

import numpy as np
import pytest
import yaml

from oraclelab.elicit import random_metrics


def test_study_writes_a_complete_run_folder(run_cli, tmp_path):
    out = tmp_path / "study"
    code, stdout, _ = run_cli("elicit", "study", "--classes", "2", "3", "--trials", "12", "--formed", "both", "--seed", "4", "--out", out)
    assert code == 0
    summary = json.loads((out / "summary.json").read_text())
    assert [(r["classes"], r["well_formed"]) for r in summary["rows"]] == [(2, True), (2, False), (3, True), (3, False)]
    assert {r["comparisons_per_run"] for r in summary["rows"]} == {520, 5168}
    assert yaml.safe_load((out / "config.yaml").read_text())["classes"] == [2, 3]
    assert (out / "error_histograms.png").stat().st_size > 1000
    assert (out / "errors_vs_classes.png").stat().st_size > 1000
    assert len((out / "trials.csv").read_text().splitlines()) == 1 + 4 * 12
    assert "5,168" in stdout


def test_study_refuses_to_overwrite_and_resumes(run_cli, tmp_path):
    out = tmp_path / "study"
    args = ["elicit", "study", "--classes", "2", "--trials", "3", "--formed", "well", "--out", out]
    assert run_cli(*args)[0] == 0
    code, _, err = run_cli(*args)
    assert code == 2 and "--resume" in err and len(err.strip().splitlines()) == 1
    assert run_cli(*args, "--resume")[0] == 0
    code, _, err = run_cli("elicit", "study", "--classes", "2", "--trials", "4", "--formed", "well", "--out", out, "--resume")
    assert code == 2 and "other settings" in err


def write_metrics(path, **fields):
    np.savez(path, **fields)
    return path


def test_run_elicits_given_metrics_and_worst_dissects_the_largest_error(run_cli, tmp_path):
    metric = random_metrics(6, 6, well_formed=False, rng=2)
    path = write_metrics(tmp_path / "m.npz", a=metric.a, B=metric.B)
    out = tmp_path / "run"
    code, _, _ = run_cli("elicit", "run", "--metrics", path, "--mode", "efficient", "--out", out)
    assert code == 0
    with np.load(out / "estimates.npz") as estimates:
        assert estimates["a_hat"].shape == (6, 6) and estimates["B_hat"].shape == (6, 6, 6)
        B_err = np.linalg.norm(estimates["B_hat"] - metric.B, axis=(1, 2))
        assert set(estimates["comparisons"].tolist()) == {8 * (6 + 24 * 5)}
    summary = json.loads((out / "summary.json").read_text())
    assert summary["B_err_max"] == pytest.approx(B_err.max())
    code, stdout, _ = run_cli("elicit", "worst", "--run", out)
    assert code == 0
    worst = json.loads((out / "worst.json").read_text())
    assert worst["trial"] == int(np.argmax(B_err))
    assert set(worst["cosine_distance"]) == {"f_z", "f_neg0"} | {f"f_{j}" for j in range(6)}
    assert worst["B_err_true_gradients"] < 1e-9
    assert "f_neg0" in stdout


def test_demo_prints_the_metric_and_its_estimate_and_writes_a_run_folder(run_cli, tmp_path):
    code, stdout, _ = run_cli("elicit", "demo", "--classes", "2", "--seed", "3", "--out", tmp_path / "demo")
    assert code == 0
    assert "a_hat" in stdout and "B_hat" in stdout and "B_err" in stdout and "520 comparisons" in stdout
    with np.load(tmp_path / "demo" / "estimates.npz") as record:
        B_err = float(np.linalg.norm(record["B_hat"][0] - record["B"][0]))
    summary = json.loads((tmp_path / "demo" / "summary.json").read_text())
    assert summary["B_err_max"] == pytest.approx(B_err) and f"{B_err:.3g}" in stdout


def bad_metric_files(tmp_path):
    metric = random_metrics(2, 2, rng=0)
    asym = metric.B.copy()
    asym[0, 0, 1] += 0.5
    nan_a = metric.a.copy()
    nan_a[1, 0] = np.nan
    return {
        "not symmetric": (dict(a=metric.a, B=asym), "symmetric"),
        "not positive definite": (dict(a=metric.a, B=-metric.B), "positive definite"),
        "shape mismatch": (dict(a=metric.a, B=metric.B[:, :1]), "shape"),
        "nan": (dict(a=nan_a, B=metric.B), "finite"),
        "radius": (dict(a=metric.a, B=metric.B, radius=np.array(-1.0)), "'radius'"),
        "missing B": (dict(a=metric.a), "'B'"),
    }


@pytest.mark.parametrize("case", ["not symmetric", "not positive definite", "shape mismatch", "nan", "radius", "missing B"])
def test_bad_metric_files_give_one_line_errors_and_exit_code_2(run_cli, tmp_path, case):
    fields, match = bad_metric_files(tmp_path)[case]
    path = write_metrics(tmp_path / "bad.npz", **fields)
    code, _, err = run_cli("elicit", "run", "--metrics", path, "--out", tmp_path / "out")
    assert code == 2
    assert len(err.strip().splitlines()) == 1 and "bad.npz" in err and match in err


@pytest.mark.parametrize(
    "args, match",
    [
        (["elicit", "study", "--tol", "0"], "'tol'"),
        (["elicit", "study", "--tol", "-1"], "'tol'"),
        (["elicit", "study", "--mode", "turbo"], "turbo"),
        (["elicit", "study", "--formed", "sometimes"], "sometimes"),
        (["elicit", "study", "--metric-stream", "mt19937"], "mt19937"),
        (["elicit", "study", "--seed", str(2**32)], "'seed'"),
        (["elicit", "study", "--classes", "1"], "'classes'"),
        (["elicit", "study", "--trials", "x"], "--trials"),
        (["elicit", "study", "--flip-prob", "0.9"], "'flip_prob'"),
        (["elicit", "study", "--no-such-option"], "no-such-option"),
        (["elicit", "run", "--metrics", "missing.npz"], "missing.npz"),
        (["elicit", "worst", "--run", "nowhere"], "nowhere"),
    ],
)
def test_bad_options_give_one_line_errors_and_exit_code_2(run_cli, tmp_path, args, match):
    code, _, err = run_cli(*args, *(["--out", tmp_path / "o"] if args[1] == "study" else []))
    assert code == 2
    assert len(err.strip().splitlines()) == 1 and match in err


def test_not_an_npz_file_is_reported(run_cli, tmp_path):
    path = tmp_path / "m.npz"
    path.write_text("hello")
    code, _, err = run_cli("elicit", "run", "--metrics", path, "--out", tmp_path / "o")
    assert code == 2 and "m.npz" in err and "npz" in err


def test_study_passes_each_option_to_the_config_it_records(run_cli, tmp_path):
    out = tmp_path / "study"
    code, _, err = run_cli("elicit", "study", "--classes", "2", "--trials", "3", "--tol", "0.05", "--formed", "well",
                           "--mode", "efficient", "--seed", "2", "--metric-stream", "pcg64", "--flip-prob", "0.1", "--out", out)
    assert code == 0, err
    config = yaml.safe_load((out / "config.yaml").read_text())
    assert {key: config[key] for key in ("classes", "trials", "tol", "formed", "mode", "seed", "metric_stream")} == {
        "classes": [2], "trials": 3, "tol": 0.05, "formed": "well", "mode": "efficient", "seed": 2, "metric_stream": "pcg64"}
    assert config["noise"] == {"kind": "flip", "p": 0.1}
    assert len((out / "trials.csv").read_text().splitlines()) == 1 + 3
