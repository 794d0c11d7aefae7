"""The noise study table and figure, and the judges' text specs."""

import math

import numpy as np
import pytest
import scipy.stats

from oraclelab.elicit import (
    FlipNoise,
    IndifferenceNoise,
    LogisticNoise,
    NoiseStudyConfig,
    information_limit,
    parse_answer_model,
    plot_noise_study,
    run_noise_study,
)
from oraclelab.errors import ParameterError


@pytest.mark.parametrize("k, free", [(2, 4), (3, 26), (4, 89), (5, 229)])
def test_information_limit_is_free_parameters_times_bits_per_parameter(k, free):
    q = k * k - k
    assert information_limit(q) == pytest.approx(free * math.log2(100))
    bits = 1 - scipy.stats.entropy([0.1, 0.9], base=2)
    assert information_limit(q, 0.1) == pytest.approx(free * math.log2(100) / bits)


def test_judge_specs():
    assert parse_answer_model("none") is None
    assert parse_answer_model("flip:0.1") == FlipNoise(0.1)
    assert parse_answer_model("indifference:1e-4") == IndifferenceNoise(1e-4)
    assert parse_answer_model("indifference-tell:1e-4") == IndifferenceNoise(1e-4, tell=True)
    assert parse_answer_model("logistic:0.01") == LogisticNoise(0.01)
    for bad in ("loud:1", "flip", "flip:0.9"):
        with pytest.raises(ParameterError):
            parse_answer_model(bad)


def test_a_small_study_has_a_point_per_tolerance_and_checkpoint(tmp_path):
    config = NoiseStudyConfig(classes=2, trials=6, noises=("none", "flip:0.2"), qme_tols=(0.1,), budget=30, checkpoints=(10, 30))
    table = run_noise_study(config)
    assert [(r.mode, r.noise) for r in table.rows] == [(m, n) for n in ("none", "flip:0.2") for m in ("classic", "efficient", "active", "active")]
    classic = table.select("classic", "none")[0]
    # published count: q + 4 (q - 1) 4 ceil(log2(pi / (2 tol))) per LPME, q + 2 LPME runs
    q, halvings = 2, math.ceil(math.log2(math.pi / (2 * 0.1)))
    assert classic.comparisons_median == (q + 2) * (q + 4 * (q - 1) * 4 * halvings)
    active = table.select("active", "none")
    assert [r.comparisons_median for r in active] == [10.0, 30.0]
    assert active[1].B_err_median < active[0].B_err_median
    for row in table.rows:
        assert row.B_err_p10 <= row.B_err_median <= row.B_err_p90 and row.trials == 6
    assert plot_noise_study(table, tmp_path / "noise.png").stat().st_size > 0
    assert table.as_dicts()[0]["mode"] == "classic"


@pytest.mark.parametrize("kwargs, match", [({"noises": ("flip:2",)}, "'p'"), ({"modes": ("fast",)}, "'modes'"),
                                           ({"qme_tols": (0.0,)}, "'qme_tols'"), ({"budget": 0}, "'budget'")])
def test_noise_study_config_is_validated(kwargs, match):
    with pytest.raises(ParameterError, match=match):
        NoiseStudyConfig(**kwargs)


def test_default_budget_and_checkpoints_follow_the_information_limit():
    config = NoiseStudyConfig(classes=3)
    assert config.budget == math.ceil(4 * 26 * math.log2(100))
    assert config.checkpoints[-1] == config.budget and np.all(np.diff(config.checkpoints) > 0)


def test_config_reads_numbers_given_as_text_as_a_command_line_gives_them():
    config = NoiseStudyConfig(classes=2, qme_tols=("0.1", "0.03"), checkpoints=("10", "30"), budget=30)
    assert config.qme_tols == (0.1, 0.03) and config.checkpoints == (10, 30)
    assert config.as_dict()["qme_tols"] == [0.1, 0.03]
