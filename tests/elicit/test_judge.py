"""The simulated judge's config and what the active elicitor assumes of it."""

import pytest

from oraclelab.elicit import FlipNoise, IndifferenceNoise, JudgeConfig, LogisticNoise
from oraclelab.elicit._judge import assumed_noise, check_noise_model, describe_noise
from oraclelab.errors import ParameterError


@pytest.mark.parametrize(
    "kwargs, judge",
    [({}, None), ({"flip_prob": 0.1}, FlipNoise(0.1)), ({"indifference": 1e-4}, IndifferenceNoise(1e-4)),
     ({"indifference": 1e-4, "tell": True}, IndifferenceNoise(1e-4, tell=True)), ({"temperature": 0.01}, LogisticNoise(0.01))],
)
def test_the_judge_is_the_one_noise_level_given(kwargs, judge):
    assert JudgeConfig(**kwargs).model() == judge


def test_the_elicitor_sees_the_judge_only_when_told():
    assert JudgeConfig(flip_prob=0.1).elicitor_noise() == "auto"
    assert JudgeConfig(flip_prob=0.1, noise_model="known").elicitor_noise() == FlipNoise(0.1)
    assert JudgeConfig(flip_prob=0.1, noise_model="flip:0.2").elicitor_noise() == FlipNoise(0.2)
    assert JudgeConfig(temperature=0.5, noise_model="indifference-tell:1e-3").elicitor_noise() == IndifferenceNoise(1e-3, tell=True)
    # a noise-free judge, known, and the spec "none" both mean exact answers
    assert JudgeConfig(noise_model="known").elicitor_noise() == FlipNoise(0.0)
    assert JudgeConfig(noise_model="none").elicitor_noise() == FlipNoise(0.0)


@pytest.mark.parametrize(
    "kwargs, match",
    [({"flip_prob": 0.6}, "'flip_prob'"), ({"indifference": -1.0}, "'indifference'"), ({"temperature": float("nan")}, "'temperature'"),
     ({"flip_prob": 0.1, "temperature": 0.1}, "not both"), ({"indifference": 0.1, "temperature": 0.1}, "not both"),
     ({"tell": True}, "'tell'"), ({"tell": True, "flip_prob": 0.1}, "'tell'"),
     ({"noise_model": "loud:1"}, "'noise_model'"), ({"noise_model": "flip"}, "'noise_model'"), ({"noise_model": "flip:0.9"}, "'p'")],
)
def test_judge_config_is_validated(kwargs, match):
    with pytest.raises(ParameterError, match=match):
        JudgeConfig(**kwargs)


def test_noise_models_are_checked_resolved_and_described():
    model = LogisticNoise(0.01)
    assert check_noise_model(model, "noise", "x") is model
    assert check_noise_model("auto", "noise", "x") == "auto" and check_noise_model("known", "noise", "x") == "known"
    assert check_noise_model("logistic:0.01", "noise", "x") == model
    with pytest.raises(ParameterError, match="'noise' parameter of x"):
        check_noise_model(None, "noise", "x")
    assert assumed_noise("known", model) is model and assumed_noise("auto", model) == "auto"
    assert assumed_noise(FlipNoise(0.3), model) == FlipNoise(0.3)
    assert describe_noise(model) == {"kind": "logistic", "temperature": 0.01}
    assert describe_noise("auto") == "auto" and describe_noise(None) is None
