"""Studies: the classifier comparison and the input-distribution study on tiny settings."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch

from oraclelab.runs import RunFolder
from oraclelab.symbolic import parse_points
from oraclelab.symbolic.training._comparison_config import ComparisonConfig
from oraclelab.symbolic.training._studies import (
    compare_classifiers,
    critic_name,
    input_point_specs,
    input_study,
    write_comparison,
)


def test_comparison_is_seeded_and_separates_easy_classes(tmp_path):
    config = ComparisonConfig(library="F11", points="grid:-3:3:20", size=60, repeats=2, seed=0, critic_steps=60,
                              classifiers=("KNeighbors", "GaussianNB", "QDA"))
    first = compare_classifiers(config, show_progress=False)
    second = compare_classifiers(config, show_progress=False)
    assert set(first.accuracies) == {critic_name("mlp"), "KNeighbors", "GaussianNB", "QDA"}
    for name, values in first.accuracies.items():
        assert values.shape == (2,)
        assert np.all((0 <= values) & (values <= 1))
        np.testing.assert_array_equal(values, second.accuracies[name])
    # F11 parabolas span the 3-D space {1, x, x^2}: a Gaussian fit to them is nearly
    # degenerate, so QDA separates them from ReLU latents far better than chance
    assert first.accuracies["QDA"].mean() > 0.75
    table = write_comparison(RunFolder(tmp_path / "cmp"), first)
    assert [row["mean"] for row in table] == sorted((row["mean"] for row in table), reverse=True)
    summary = json.loads((tmp_path / "cmp" / "summary.json").read_text())
    assert {row["classifier"] for row in summary["classifiers"]} == set(first.accuracies)
    assert (tmp_path / "cmp" / "comparison.png").stat().st_size > 0


def test_input_point_specs_cover_grid_normal_and_clipped_normals():
    specs = input_point_specs(50, -2, 2, (1.0, 10.0))
    assert specs == {"grid": "grid:-2:2:50", "normal": "normal:50", "clipped-normal std 1": "clipped-normal:1:-2:2:50",
                     "clipped-normal std 10": "clipped-normal:10:-2:2:50"}
    for spec in specs.values():
        points = parse_points(spec, generator=torch.Generator().manual_seed(0))
        assert points.shape == (50, 1)


def test_input_study_trains_one_run_per_point_set(tmp_path):
    base = {"critic": "mlp", "heldout_size": 100, "eval_every": 5, "max_epochs": 10, "batch": 16}
    specs = {"grid": "grid:-3:3:30", "normal": "normal:30"}
    rows = input_study(base, specs, tmp_path)
    assert [row["points"] for row in rows] == ["grid", "normal"]
    for row in rows:
        assert 0 <= row["heldout_accuracy"] <= 1
        saved = json.loads((tmp_path / row["folder"] / "summary.json").read_text())
        assert saved["heldout_accuracy"] == pytest.approx(row["heldout_accuracy"])
    configs = [(tmp_path / row["folder"] / "config.yaml").read_text() for row in rows]
    assert "grid:-3:3:30" in configs[0] and "normal:30" in configs[1]
