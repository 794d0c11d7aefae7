"""``elicit study``, ``run`` and ``demo`` in active mode, and their simulated judge against the elicitor's noise model."""

from __future__ import annotations

import csv
import json

import numpy as np
import pytest
import yaml

from oraclelab.elicit import random_metrics

#: Per command: the arguments of a tiny k = 2 run (the folder is appended by ``_run``).
TINY = {
    "study": ("--classes", "2", "--trials", "6", "--formed", "well", "--seed", "3"),
    "run": ("--seed", "3"),
    "demo": ("--classes", "2", "--seed", "3"),
}


@pytest.fixture
def metrics_file(tmp_path):
    """Five random well-formed k = 2 metrics (q = 2) for ``elicit run``."""
    metric = random_metrics(5, 2, well_formed=True, rng=8)
    path = tmp_path / "metrics.npz"
    np.savez(path, a=metric.a, B=metric.B)
    return path


def _run(run_cli, tmp_path, command: str, *args: str, metrics=None, name: str = "out"):
    """Run ``elicit COMMAND`` on its tiny setting; returns (folder, stdout) and fails on a non-zero exit."""
    out = tmp_path / name
    extra = ("--metrics", str(metrics)) if command == "run" else ()
    code, stdout, stderr = run_cli("elicit", command, *TINY[command], *extra, *args, "--out", out)
    assert code == 0, stderr
    return out, stdout


def _trials(folder) -> list[dict]:
    with (folder / "trials.csv").open(newline="") as handle:
        return list(csv.DictReader(handle))


def _config(folder) -> dict:
    return yaml.safe_load((folder / "config.yaml").read_text())


@pytest.mark.parametrize("command", ["study", "run", "demo"])
def test_active_mode_stops_every_trial_within_its_budget(run_cli, tmp_path, metrics_file, command):
    folder, stdout = _run(run_cli, tmp_path, command, "--mode", "active", "--budget", "17", metrics=metrics_file)
    counts = [int(row["comparisons"]) for row in _trials(folder)]
    assert counts and max(counts) <= 17
    with np.load(next(folder.glob("estimates*.npz"))) as record:    # an active record: intervals, stop reasons
        assert set(record["stop_reason"].tolist()) <= {"tol", "budget"} and "budget" in record["stop_reason"]
    config = _config(folder)
    assert (config["mode"], config["budget"], config["elicitor_noise"]) == ("active", 17, "auto")


@pytest.mark.parametrize("command", ["run", "demo"])
def test_run_and_demo_keep_their_classic_default(run_cli, tmp_path, metrics_file, command):
    folder, _ = _run(run_cli, tmp_path, command, metrics=metrics_file)
    assert {int(row["comparisons"]) for row in _trials(folder)} == {520}   # (q + 2)(129 q - 128) for q = 2
    assert _config(folder)["mode"] == "classic" and _config(folder)["tol"] == 0.01


def test_a_hot_logistic_judge_is_recorded_and_answers_at_random(run_cli, tmp_path):
    args = ("--mode", "efficient", "--trials", "10")
    exact, _ = _run(run_cli, tmp_path, "study", *args, name="exact")
    hot, _ = _run(run_cli, tmp_path, "study", *args, "--temperature", "1000", name="hot")
    assert _config(hot)["noise"] == {"kind": "logistic", "temperature": 1000.0}
    assert _config(exact)["noise"] is None
    # score gaps inside the unit ball are below 3, so at T = 1000 every answer is a coin flip
    # (P within 1e-3 of 1/2): nothing is learned, while the exact judge's median B_err is ~3e-3
    errors = {name: np.median([float(r["B_err"]) for r in _trials(folder)]) for name, folder in (("exact", exact), ("hot", hot))}
    assert errors["exact"] < 0.02 and errors["hot"] > 0.2


def test_a_judge_that_tells_is_an_indifference_model_with_tell(run_cli, tmp_path):
    folder, _ = _run(run_cli, tmp_path, "demo", "--indifference", "1e-3", "--tell", "--mode", "active", "--budget", "12")
    assert _config(folder)["noise"] == {"kind": "indifference", "eps": 1e-3, "tell": True}


@pytest.mark.parametrize("command", ["study", "run", "demo"])
def test_the_judges_noise_reaches_the_elicitor_only_through_noise_model(run_cli, tmp_path, metrics_file, command):
    def active(name, *args):
        folder, _ = _run(run_cli, tmp_path, command, "--mode", "active", "--budget", "20", "--flip-prob", "0.1", *args,
                         metrics=metrics_file, name=name)
        with np.load(next(folder.glob("estimates*.npz"))) as record:
            return _config(folder), record["flip_rate"]        # the flip rate of the reported posterior

    config, rates = active("auto")
    assert config["noise"] == {"kind": "flip", "p": 0.1} and config["elicitor_noise"] == "auto"
    assert not np.allclose(rates, 0.1)                            # estimated from the answers
    config, rates = active("given", "--noise-model", "flip:0.2")
    assert config["elicitor_noise"] == {"kind": "flip", "p": 0.2}
    np.testing.assert_array_equal(rates, 0.2)
    config, rates = active("known", "--noise-model", "known")
    assert config["elicitor_noise"] == {"kind": "flip", "p": 0.1}
    np.testing.assert_array_equal(rates, 0.1)


@pytest.mark.parametrize(
    "args, match",
    [
        (("--flip-prob", "0.1", "--temperature", "0.01"), "not both"),
        (("--indifference", "1e-4", "--flip-prob", "0.1"), "not both"),
        (("--noise-model", "loud:0.1"), "'noise_model'"),
        (("--noise-model", "flip:0.7"), "'noise_model'"),
        (("--tell",), "'tell'"),
        (("--temperature", "-1"), "'temperature'"),
        (("--budget", "0"), "'budget'"),
    ],
)
@pytest.mark.parametrize("command", ["study", "run", "demo"])
def test_judge_and_budget_mistakes_are_one_line_and_exit_code_2(run_cli, tmp_path, metrics_file, command, args, match):
    extra = ("--metrics", str(metrics_file)) if command == "run" else ()
    code, _, err = run_cli("elicit", command, *extra, *args, "--out", tmp_path / "o")
    assert code == 2 and len(err.strip().splitlines()) == 1 and match in err
    assert not (tmp_path / "o").exists()


def test_the_table_shows_the_median_of_differing_comparisons_coverage_and_unreliable_trials(run_cli, tmp_path):
    folder, stdout = _run(run_cli, tmp_path, "study", "--mode", "active", "--tol", "0.02")
    counts = [int(row["comparisons"]) for row in _trials(folder)]
    assert len(set(counts)) > 1, "the trials should stop at different counts for this test to mean anything"
    row = json.loads((folder / "summary.json").read_text())["rows"][0]
    assert row["comparisons_median"] == np.median(counts) and row["unreliable"] == 0 and 0 <= row["coverage"] <= 1
    assert f"{np.median(counts):,g} (median)" in stdout
    assert "unreliable" in stdout and "coverage" in stdout and f"{row['coverage']:.3f}" in stdout


def test_a_classic_table_shows_the_fixed_count_and_no_coverage(run_cli, tmp_path):
    _, stdout = _run(run_cli, tmp_path, "study")
    assert "520" in stdout and "(median)" not in stdout and "coverage" not in stdout and "unreliable" in stdout
