"""``oraclelab symbolic ...`` end to end, in-process."""

from __future__ import annotations

import json

import pytest

TINY = ["--points", "grid:-3:3:30", "--heldout-size", "100", "--eval-every", "5", "--max-epochs", "10",
        "--batch", "16"]


def test_train_critic_writes_the_run_folder(run_cli, tmp_path):
    out = tmp_path / "run"
    code, stdout, stderr = run_cli("symbolic", "train-critic", "--critic", "stack", "--loss", "wgan-gp", "--seed", "2",
                                   "--width", "16", "--out", out, *TINY)
    assert code == 0, stderr
    for name in ("config.yaml", "metrics.csv", "critic.pt", "critic.json", "summary.json", "accuracy.png",
                 "loss.png", "grad_norm.png", "examples.png"):
        assert (out / name).exists(), name
    assert json.loads((out / "critic.json").read_text())["hyper"]["width"] == 16
    assert "heldout" in stdout
    code, _, stderr = run_cli("symbolic", "train-critic", "--critic", "stack", "--loss", "wgan-gp", "--seed", "2",
                              "--width", "16", "--out", out, *TINY[:-4], "--max-epochs", "15", "--batch", "16",
                              "--resume")
    assert code == 0, stderr
    assert json.loads((out / "summary.json").read_text())["epochs"] == 15


@pytest.mark.parametrize("args, message", [
    (["--critic", "transformer"], "critic"),
    (["--loss", "hinge"], "loss"),
    (["--points", "grid:0:1"], "points"),
    (["--library", "no/such.lib"], "such.lib"),
    (["--target-accuracy", "1.5"], "target_accuracy"),
    (["--target-accuracy", "0"], "target_accuracy"),
    (["--critic", "mlp", "--point-subset", "5"], "point_subset"),
])
def test_bad_options_exit_2_with_one_line(run_cli, tmp_path, args, message):
    code, _, stderr = run_cli("symbolic", "train-critic", "--out", tmp_path / "bad", *args)
    assert code == 2
    assert stderr.count("\n") == 1 and message in stderr


def test_compare_classifiers_command(run_cli, tmp_path):
    out = tmp_path / "cmp"
    code, stdout, stderr = run_cli("symbolic", "compare-classifiers", "--points", "grid:-3:3:10", "--size", "40",
                                   "--repeats", "1", "--critic-steps", "20", "--out", out)
    assert code == 0, stderr
    summary = json.loads((out / "summary.json").read_text())
    assert len(summary["classifiers"]) == 10
    assert (out / "comparison.png").exists() and "GaussianProcess" in stdout


def test_input_study_command(run_cli, tmp_path):
    out = tmp_path / "study"
    code, stdout, stderr = run_cli("symbolic", "input-study", "--n-points", "20", "--std", "1", "--std", "3",
                                   "--max-epochs", "5", "--out", out)
    assert code == 0, stderr
    rows = json.loads((out / "summary.json").read_text())["runs"]
    assert [row["points"] for row in rows] == ["grid", "normal", "clipped-normal std 1", "clipped-normal std 3"]
    assert (out / "input_study.png").exists() and (out / "study.csv").exists()


def test_importing_the_package_and_cli_does_not_import_torch():
    import subprocess
    import sys

    code = "import sys, oraclelab.symbolic, oraclelab.cli; print('torch' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


def test_train_critics_trains_one_critic_per_lr_and_seed_and_each_one_loads(run_cli, tmp_path):
    import json

    import torch

    from oraclelab.symbolic.training._loop import load_critic

    out = tmp_path / "batch"
    code, stdout, err = run_cli("symbolic", "train-critics", "--lrs", "1e-3", "3e-3", "--seeds", "0", "1",
                                "--points", "grid:-3:3:50", "--max-epochs", "10", "--out", out)
    assert code == 0, err
    rows = json.loads((out / "summary.json").read_text())["critics"]
    assert [(row["lr"], row["seed"]) for row in rows] == [(1e-3, 0), (1e-3, 1), (3e-3, 0), (3e-3, 1)]
    assert all(row["epochs"] == 10 for row in rows)
    for k in range(4):
        for name in ("config.yaml", "metrics.csv", "critic.pt", "critic.json"):
            assert (out / f"critic-{k}" / name).is_file(), name
        summary = json.loads((out / f"critic-{k}" / "summary.json").read_text())
        assert (summary["batched"], summary["batch_size"], summary["epochs"]) == (True, 4, 10)
        assert summary["heldout_accuracy"] == rows[k]["heldout_accuracy"]
    critics = [load_critic(out / f"critic-{k}") for k in range(4)]
    values = torch.randn(3, 50)
    scores = [c(values, torch.zeros(3, 50, 1), torch.linspace(-3, 3, 50)[:, None]) for c in critics]
    assert not torch.equal(scores[0], scores[1])  # different seeds, different critics


@pytest.mark.parametrize("entries, message", [
    ([{"argv": ["--lr", "0.01"]}, {"argv": ["--colour", "red"]}], "entry 1: No such option: --colour"),
    ([{"argv": ["--target-accuracy", "2"]}], "entry 0: The 'target_accuracy' parameter"),
    ([{"argv": ["--resume"]}], "entry 0: --resume"),
    ([], "expected"),
])
def test_train_critics_job_with_a_bad_entry_exits_2_with_one_line_naming_file_and_entry(run_cli, tmp_path, entries,
                                                                                       message):
    job = tmp_path / "batch-0000.json"
    job.write_text(json.dumps({"entries": [{**entry, "folder": str(tmp_path / f"t{k}")} for k, entry in enumerate(entries)]}))
    code, _, stderr = run_cli("symbolic", "train-critics", "--job", job)
    assert code == 2 and stderr.count("\n") == 1
    assert str(job) in stderr and message in stderr


def test_train_critics_needs_exactly_one_of_out_and_job(run_cli, tmp_path):
    for args in ([], ["--out", tmp_path / "a", "--job", tmp_path / "job.json"]):
        code, _, stderr = run_cli("symbolic", "train-critics", *args)
        assert code == 2 and stderr.count("\n") == 1 and "exactly one of --out" in stderr
