import numpy as np
import pytest

from oraclelab.elicit import StudyConfig, run_study
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
     ({"metric_stream": "mt"}, "'metric_stream'"), ({"seed": 2**32}, "'seed'")],
)
def test_study_config_is_validated(kwargs, match):
    with pytest.raises(ParameterError, match=match):
        StudyConfig(**kwargs)


def test_the_medians_shown_beside_a_study_are_the_papers():
    from oraclelab.elicit import PUBLISHED_MEDIANS

    assert PUBLISHED_MEDIANS == PAPER_MEDIANS
