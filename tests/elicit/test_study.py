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


def test_a_configuration_draws_the_same_metrics_whatever_else_the_study_runs():
    alone = run_study(StudyConfig(classes=(3,), trials=10, formed="ill", seed=5))[0]
    within = run_study(StudyConfig(classes=(2, 3), trials=10, formed="both", seed=5))[3]
    np.testing.assert_array_equal(alone.metric.B, within.metric.B)


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
     ({"tol": 0.0}, "'tol'"), ({"formed": "maybe"}, "'formed'"), ({"mode": "fast"}, "'mode'"), ({"radius": -1.0}, "'radius'")],
)
def test_study_config_is_validated(kwargs, match):
    with pytest.raises(ParameterError, match=match):
        StudyConfig(**kwargs)
