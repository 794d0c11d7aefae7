import numpy as np
import pytest

from oraclelab.elicit import (
    Elicitation,
    FlipNoise,
    HiddenMetricOracle,
    IndifferenceNoise,
    Sphere,
    StudyConfig,
    elicit_active,
    elicit_quadratic,
    elicit_with,
    random_metrics,
    run_study,
)
from oraclelab.errors import ParameterError
from oraclelab.runs import RunFolder


def test_study_rows_cover_each_configuration_and_are_deterministic():
    config = StudyConfig(classes=(2, 3), trials=20, formed="both", seed=3)
    first = run_study(config)
    second = run_study(config)
    assert [(r.classes, r.well_formed) for r in first] == [(2, True), (2, False), (3, True), (3, False)]
    for one, two in zip(first, second):
        np.testing.assert_array_equal(one.result.B, two.result.B)
        row = one.summary_row()
        assert row["a_err_median"] == pytest.approx(np.median(np.linalg.norm(one.result.a - one.metric.a, axis=1)))
        assert row["a_err_mean"] <= row["a_err_max"] and row["B_err_median"] <= row["B_err_p90"] <= row["B_err_max"]


@pytest.mark.parametrize("stream", ["published", "pcg64"])
def test_a_configuration_draws_the_same_metrics_whatever_else_the_study_runs(stream):
    alone = run_study(StudyConfig(classes=(3,), trials=10, formed="ill", seed=5, metric_stream=stream))[0]
    within = run_study(StudyConfig(classes=(2, 3), trials=10, formed="both", seed=5, metric_stream=stream))[3]
    np.testing.assert_array_equal(alone.metric.B, within.metric.B)


def test_the_two_metric_streams_draw_different_metrics():
    published, pcg64 = (run_study(StudyConfig(classes=(2,), trials=5, formed="ill", metric_stream=s))[0] for s in ("published", "pcg64"))
    assert not np.allclose(published.metric.a, pcg64.metric.a)


#: The paper's medians (a_err, B_err) per (k, well formed): classic LPME, tol 1e-2, 300 trials
#: for k = 2, 3 and 150 for k = 4, 5. Written here, not imported, so they are an independent truth.
PAPER_MEDIANS = {
    (2, True): (0.0015, 0.0027), (2, False): (0.0015, 0.0030),
    (3, True): (0.0034, 0.0140), (3, False): (0.0048, 0.0194),
    (4, True): (0.0047, 0.0285), (4, False): (0.0083, 0.0683),
    (5, True): (0.0054, 0.0530), (5, False): (0.0119, 0.1182),
}


@pytest.mark.parametrize("classes, well_formed", sorted(PAPER_MEDIANS))
def test_seed_7_of_the_published_stream_reproduces_the_published_medians(classes, well_formed):
    # The published medians (measured with the original scripts: 300 trials for k = 2, 3 and
    # 150 for k = 4, 5, given to 4 decimals) come from these very metrics, so they must match
    # to the last printed digit, not merely within the issue's +-25%.
    trials = 300 if classes <= 3 else 150
    config = StudyConfig(classes=(classes,), trials=trials, formed="well" if well_formed else "ill", seed=7)
    row = run_study(config)[0].summary_row()
    published_a, published_B = PAPER_MEDIANS[(classes, well_formed)]
    assert abs(row["a_err_median"] - published_a) <= 5e-5
    assert abs(row["B_err_median"] - published_B) <= 5e-5


def test_resume_loads_finished_configurations_instead_of_rerunning(tmp_path):
    config = StudyConfig(classes=(2,), trials=5, formed="well", seed=1)
    folder = RunFolder(tmp_path / "run")
    first = run_study(config, folder=folder)
    saved = tmp_path / "run" / "estimates_k2-well.npz"
    before = saved.stat().st_mtime_ns
    again = run_study(config, folder=folder, resume=True)
    assert saved.stat().st_mtime_ns == before
    np.testing.assert_array_equal(first[0].result.a, again[0].result.a)


@pytest.mark.parametrize(
    "kwargs, match",
    [({"classes": (1,)}, "'classes'"), ({"classes": ()}, "'classes'"), ({"trials": 0}, "'trials'"),
     ({"tol": 0.0}, "'tol'"), ({"formed": "maybe"}, "'formed'"), ({"mode": "fast"}, "'mode'"), ({"radius": -1.0}, "'radius'"),
     ({"metric_stream": "mt"}, "'metric_stream'"), ({"seed": 2**32}, "'seed'"), ({"budget": 0}, "'budget'"),
     ({"elicitor_noise": "loud:1"}, "'elicitor_noise'"), ({"elicitor_noise": None}, "'elicitor_noise'")],
)
def test_study_config_is_validated(kwargs, match):
    with pytest.raises(ParameterError, match=match):
        StudyConfig(**kwargs)


def test_the_medians_shown_beside_a_study_are_the_papers():
    from oraclelab.elicit import PUBLISHED_MEDIANS

    assert PUBLISHED_MEDIANS == PAPER_MEDIANS


def test_the_tolerance_defaults_to_the_modes_own():
    from oraclelab.elicit import DEFAULT_TOL

    assert Elicitation("classic").tol == 1e-2 and Elicitation("efficient").tol == 1e-2
    assert Elicitation("active").tol == DEFAULT_TOL and StudyConfig(mode="active").tol == DEFAULT_TOL
    assert Elicitation("active", 0.05).tol == 0.05


@pytest.mark.parametrize("kwargs, match", [({"mode": "fast"}, "'mode' parameter of elicit run"), ({"tol": -1.0}, "'tol'"),
                                           ({"budget": 0}, "'budget'"), ({"budget": 2.5}, "'budget'")])
def test_elicitation_is_validated_and_names_its_owner(kwargs, match):
    with pytest.raises(ParameterError, match=match):
        Elicitation(**kwargs, owner="elicit run")


@pytest.mark.parametrize("mode", ["classic", "efficient", "active"])
def test_elicit_with_is_the_modes_own_elicitor(mode):
    metric = random_metrics(3, 2, well_formed=True, rng=6)
    sphere = Sphere.centred(2)
    judge = FlipNoise(0.05)
    got = elicit_with(Elicitation(mode, budget=15, noise=judge), HiddenMetricOracle(metric, noise=judge, rng=1), sphere,
                      well_formed=True, rng=2)
    oracle = HiddenMetricOracle(metric, noise=judge, rng=1)
    if mode == "active":
        want = elicit_active(oracle, sphere, budget=15, noise=judge, rng=2)
        np.testing.assert_array_equal(got.flip_rate, 0.05)
    else:
        want = elicit_quadratic(oracle, sphere, tol=1e-2, mode=mode, well_formed=True)
    np.testing.assert_array_equal(got.B, want.B)
    np.testing.assert_array_equal(got.comparisons, want.comparisons)


def test_the_study_elicitor_assumes_what_elicitor_noise_says_and_records_it():
    judge = IndifferenceNoise(1e-3)
    base = dict(classes=(2,), trials=3, formed="well", seed=2, mode="active", budget=12, noise=judge)
    for elicitor_noise, recorded, flip in [("auto", "auto", None), ("known", judge.describe(), 0.0),
                                           ("flip:0.2", {"kind": "flip", "p": 0.2}, 0.2), (FlipNoise(0.3), {"kind": "flip", "p": 0.3}, 0.3)]:
        config = StudyConfig(**base, elicitor_noise=elicitor_noise)
        assert config.as_dict()["elicitor_noise"] == recorded
        assert config.as_dict()["noise"] == {"kind": "indifference", "eps": 1e-3, "tell": False}
        result = run_study(config)[0].result
        if flip is not None:                      # a given model's flip rate is the reported posterior's
            np.testing.assert_array_equal(result.flip_rate, flip)
            np.testing.assert_array_equal(result.band, 1e-3 if elicitor_noise == "known" else 0.0)
