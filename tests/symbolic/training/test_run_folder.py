"""Run folders of trained critics: written apart from training, resumable, read back."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
import torch

from oraclelab.errors import RunError
from oraclelab.symbolic.training._loop import train_critic
from oraclelab.symbolic.training._run_folder import load_critic, load_critic_points, train_critic_run

SMALL = {"points": "grid:-3:3:40", "heldout_size": 200, "eval_every": 10, "batch": 32}
#: the keys summary.json has always had (sweeps and discovery read them).
SUMMARY_KEYS = {"heldout_accuracy", "best_heldout_accuracy", "target_accuracy", "seconds_to_target",
                "wall_seconds_to_target", "cpu_seconds_to_target", "epochs_to_target", "seconds", "wall_seconds",
                "epochs", "stopped", "threshold", "seconds_note"}


def metrics(folder: Path) -> list[dict[str, str]]:
    with open(folder / "metrics.csv", newline="") as handle:
        return [{k: v for k, v in row.items() if k != "seconds"} for row in csv.DictReader(handle)]


def test_run_folder_holds_every_output_and_matches_the_result(tmp_path):
    config = {**SMALL, "critic": "conv", "max_epochs": 20, "loss": "wgan-gp", "gp": 1.0}
    result = train_critic_run(config, tmp_path / "run", show_progress=False)
    folder = tmp_path / "run"
    for name in ("config.yaml", "metrics.csv", "critic.pt", "critic.json", "summary.json", "checkpoint.pt",
                 "accuracy.png", "loss.png", "grad_norm.png", "examples.png"):
        assert (folder / name).stat().st_size > 0, name
    saved = json.loads((folder / "summary.json").read_text())
    assert set(saved) == SUMMARY_KEYS
    assert saved["heldout_accuracy"] == pytest.approx(result.heldout_accuracy)
    assert saved["epochs"] == 20 and saved["stopped"] == "max_epochs"
    assert list(csv.DictReader(open(folder / "metrics.csv")))[0].keys() == {
        "epoch", "seconds", "loss", "train_acc", "heldout_acc", "grad_norm"}
    for name, tensor in load_critic(folder).state_dict().items():
        torch.testing.assert_close(tensor, result.critic_state[name])


def test_the_folder_run_trains_as_the_core_does(tmp_path):
    config = {**SMALL, "critic": "stack", "max_epochs": 20, "seed": 5}
    train_critic_run(config, tmp_path / "run", show_progress=False, figures=False)
    core = train_critic(config, show_progress=False)
    assert [float(row["heldout_acc"]) for row in metrics(tmp_path / "run")] == [row["heldout_acc"] for row in core.rows]


@pytest.mark.parametrize("loss", ["bce", "wgan-gp"])
def test_resume_continues_to_the_same_result_as_an_uninterrupted_run(tmp_path, loss):
    config = {**SMALL, "critic": "mlp", "loss": loss, "max_epochs": 40, "seed": 1}
    train_critic_run(config, tmp_path / "whole", show_progress=False, figures=False)
    first = train_critic_run({**config, "max_epochs": 20}, tmp_path / "split", show_progress=False, figures=False)
    assert first.epochs == 20
    second = train_critic_run(config, tmp_path / "split", resume=True, show_progress=False, figures=False)
    assert second.epochs == 40
    assert metrics(tmp_path / "split") == metrics(tmp_path / "whole")
    whole = load_critic(tmp_path / "whole").state_dict()
    for name, tensor in load_critic(tmp_path / "split").state_dict().items():
        torch.testing.assert_close(tensor, whole[name])


def test_resume_refuses_a_changed_architecture(tmp_path):
    config = {**SMALL, "critic": "mlp", "max_epochs": 10}
    train_critic_run(config, tmp_path / "run", show_progress=False, figures=False)
    with pytest.raises(RunError, match="checkpoint.pt: cannot resume with a different 'lr'"):
        train_critic_run({**config, "lr": 0.1}, tmp_path / "run", resume=True, show_progress=False, figures=False)


def test_finished_folder_is_not_overwritten_without_resume(tmp_path):
    config = {**SMALL, "critic": "mlp", "max_epochs": 10}
    train_critic_run(config, tmp_path / "run", show_progress=False, figures=False)
    with pytest.raises(RunError, match="already holds a finished run"):
        train_critic_run(config, tmp_path / "run", show_progress=False, figures=False)


def test_load_critic_points_gives_the_random_points_the_critic_trained_on(tmp_path):
    from oraclelab.symbolic.sampling import parse_points
    from oraclelab.symbolic.sampling._functions import torch_generator

    config = {**SMALL, "points": "normal:25", "critic": "mlp", "max_epochs": 5, "seed": 9}
    train_critic_run(config, tmp_path / "run", show_progress=False, figures=False)
    expected = parse_points("normal:25", generator=torch_generator(9, "points"))
    torch.testing.assert_close(load_critic_points(tmp_path / "run"), expected)


def test_reading_a_folder_without_a_critic_names_the_missing_file(tmp_path):
    with pytest.raises(RunError, match="config.yaml: file not found"):
        load_critic_points(tmp_path)
