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
    (["--net-activation", "gelu"], "net-activation"),
    (["--batch", "many"], "batch"),
])
def test_bad_options_exit_2_with_one_line(run_cli, tmp_path, args, message):
    code, _, stderr = run_cli("symbolic", "train-critic", "--out", tmp_path / "bad", *args)
    assert code == 2
    assert stderr.count("\n") == 1 and message in stderr


#: every flag train-critic had before its options came from the config (written out, not derived).
TRAIN_CRITIC_FLAGS = {"--out", "--library", "--points", "--critic", "--loss", "--gp", "--target-accuracy", "--batch",
                      "--lr", "--weight-decay", "--max-epochs", "--max-seconds", "--eval-every", "--heldout-size",
                      "--point-subset", "--width", "--layers", "--use-inputs", "--no-use-inputs", "--net-depth",
                      "--net-width", "--net-activation", "--net-latent-width", "--fakes-per-network", "--seed",
                      "--device", "--threads", "--resume"}


def _train_critic_click():
    import typer

    from oraclelab.cli import app

    return typer.main.get_command(app).commands["symbolic"].commands["train-critic"]


def test_train_critic_keeps_every_flag_and_offers_one_per_config_field():
    import dataclasses

    from oraclelab.symbolic.training import CriticTrainingConfig

    flags = {opt for param in _train_critic_click().params for opt in (*param.opts, *param.secondary_opts)}
    assert TRAIN_CRITIC_FLAGS <= flags
    names = {param.name for param in _train_critic_click().params}
    fields = {f.name for f in dataclasses.fields(CriticTrainingConfig)} - {"critic_hyper"}
    assert fields <= names


def test_a_config_field_declared_with_option_becomes_a_train_critic_option_with_its_help():
    help_of = {param.name: param.help for param in _train_critic_click().params}
    assert help_of["network_depth"] == "Hidden layers of the random networks (symrep SRNet: 2)."
    assert "--calibrate" in {opt for param in _train_critic_click().params for opt in param.opts}


def test_train_critic_options_mean_what_the_config_fields_say(run_cli, tmp_path):
    import yaml

    out = tmp_path / "run"
    code, _, stderr = run_cli("symbolic", "train-critic", "--out", out, "--net-depth", "1", "--net-width", "8",
                              "--net-activation", "tanh", "--net-latent-width", "2", "--no-calibrate", "--lr", "0.01",
                              *TINY)
    assert code == 0, stderr
    saved = yaml.safe_load((out / "config.yaml").read_text())
    assert (saved["network_depth"], saved["network_width"], saved["network_activation"],
            saved["network_latent_width"], saved["calibrate"], saved["lr"]) == (1, 8, "tanh", 2, False, 0.01)


@pytest.mark.parametrize("template", ["N0*x0**(10**10**10)", "log(x0-10)"])
def test_a_library_with_a_non_finite_template_exits_2_with_one_line_naming_its_line(run_cli, tmp_path, template):
    library = tmp_path / "bad.lib"
    library.write_text(f"sin(N0*x0)\n{template}\n")
    code, _, stderr = run_cli("symbolic", "train-critic", "--library", library, "--out", tmp_path / "run", *TINY)
    assert code == 2 and stderr.count("\n") == 1
    assert "bad.lib:2:1" in stderr and "non-finite values" in stderr and "Traceback" not in stderr


def test_the_cli_registers_train_critic_batches_with_the_per_model_options():
    import oraclelab.cli  # noqa: F401  (registers the runners)
    from oraclelab.runs._batching import find_batch_runner

    runner = find_batch_runner(["symbolic", "train-critic", "--lr", "0.1"])
    assert set(runner.per_model_options) == {"--lr", "--weight-decay", "--seed", "--target-accuracy", "--max-epochs",
                                             "--max-seconds"}
    assert runner.job_command == ("symbolic", "train-critics", "--job")


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

    from oraclelab.symbolic.training import load_critic

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
