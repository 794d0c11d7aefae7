"""The discovery network learns a standardised target and predicts on the target's own scale afterwards."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from oraclelab.symbolic.discovery._data import DiscoveryData
from oraclelab.symbolic.discovery._train import restore_target_scale, standardised_target
from oraclelab.symbolic.models import build_model


def _data(rng: np.random.Generator) -> DiscoveryData:
    X = rng.normal(size=(60, 2))
    F = 130.0 * X[:, 0] ** 2 + 50.0
    splits = {"train": np.arange(40), "validation": np.arange(40, 50), "test": np.arange(50, 60)}
    return DiscoveryData(X, F, None, splits, ("x0", "x1"), None)


@pytest.mark.parametrize("output", ["mlp", "linear"])
def test_a_standardised_model_predicts_mean_plus_std_times_its_output_once_restored(output):
    data = _data(np.random.default_rng(0))
    model = build_model("dsn", 2, 3, generator=torch.Generator().manual_seed(1), output=output)
    scaled, mean, std = standardised_target(model, data)
    train = data.F[data.splits["train"]]
    assert (mean, std) == pytest.approx((train.mean(), train.std()))
    assert scaled.F[data.splits["train"]].mean() == pytest.approx(0.0, abs=1e-12)
    assert scaled.F[data.splits["train"]].std() == pytest.approx(1.0)
    np.testing.assert_allclose(scaled.F * std + mean, data.F)
    X = torch.as_tensor(data.X, dtype=torch.float32)
    with torch.no_grad():
        before, latents_before = model(X)
        restore_target_scale(model, mean, std)
        after, latents_after = model(X)
    torch.testing.assert_close(after, mean + std * before, rtol=1e-5, atol=1e-3)
    torch.testing.assert_close(latents_after, latents_before)  # the latents, which are read out, are untouched


def test_a_sum_output_model_keeps_the_target_as_it_is():
    data = _data(np.random.default_rng(0))
    model = build_model("dsn", 2, 3, generator=torch.Generator().manual_seed(1), output="sum")
    scaled, mean, std = standardised_target(model, data)
    assert scaled is data and (mean, std) == (0.0, 1.0)
