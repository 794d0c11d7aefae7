"""Nothing non-finite: degenerate QME trials get finite estimates and a flag; records, tables and figures cope."""

import numpy as np
import pytest

from oraclelab.elicit import (
    HiddenMetricOracle,
    IndifferenceNoise,
    QMEResult,
    QuadraticMetric,
    Sphere,
    StudyConfig,
    elicit_quadratic,
    load_record,
    published_metrics,
    random_metrics,
    run_study,
    solve_quadratic,
    true_gradients,
)
from oraclelab.elicit._outputs import write_figures, write_trial_table
from oraclelab.elicit._qme import degenerate_trials
from oraclelab.elicit._records import EstimateRecord, save_record
from oraclelab.runs import RunFolder


@pytest.mark.parametrize("mode", ["classic", "efficient"])
@pytest.mark.parametrize("well_formed", [True, False])
def test_classic_under_a_tiny_band_finishes_with_finite_estimates_and_flags_degenerate_trials(mode, well_formed):
    q = 12
    metric = published_metrics(120, q, seed=7)
    result = elicit_quadratic(HiddenMetricOracle(metric, noise=IndifferenceNoise(1e-4), rng=1), Sphere.centred(q),
                              mode=mode, well_formed=well_formed)
    assert np.all(np.isfinite(result.a)) and np.all(np.isfinite(result.B))
    # independent check of the flag: a trial is degenerate where the gradients estimated at
    # -e_0 and +e_0 give the same f_1 / f_0 ratio, or a first coordinate vanishes
    f = result.gradients
    gap = f[:, 1, 1] / f[:, 1, 0] - f[:, 2, 1] / f[:, 2, 0]
    expected = (np.abs(gap) > 0) & np.all(f[..., 0] != 0, axis=1)
    if not well_formed:
        expected &= (np.abs(gap) > 1e-9) & np.all(np.abs(f[..., 0]) > 1e-9, axis=1)
    np.testing.assert_array_equal(result.reliable, expected)
    assert np.all((result.unreliable_reason == "") == result.reliable)


def test_solve_quadratic_is_finite_and_flags_exactly_the_degenerate_trials():
    q = 6
    sphere = Sphere.centred(q)
    grads = true_gradients(random_metrics(4, q, rng=0), sphere)
    grads[1, 3, 0] = 0.0  # a vanishing first coordinate
    grads[2, 2] = grads[2, 1]  # the same gradient at -e_0 and +e_0: ratio gap zero
    for well_formed in (False, True):
        a, B = solve_quadratic(grads, sphere, well_formed=well_formed)
        assert np.all(np.isfinite(a)) and np.all(np.isfinite(B))
        np.testing.assert_allclose(np.sum(a**2, axis=1) + np.sum(B**2, axis=(1, 2)), 1.0)
        reliable, reasons = degenerate_trials(grads, well_formed=well_formed)
        assert reliable.tolist() == [True, False, False, True]
        assert "f_1" in reasons[1] and "ratio gap" in reasons[2]


def test_reliable_trials_keep_their_published_estimates():
    q = 6
    sphere = Sphere.centred(q)
    metric = random_metrics(5, q, rng=1)
    grads = true_gradients(metric, sphere)
    clean, _ = solve_quadratic(grads, sphere)
    grads[4, 0, 0] = np.nan
    a, B = solve_quadratic(grads, sphere)
    np.testing.assert_array_equal(a[:4], clean[:4])
    np.testing.assert_allclose(B[:4], metric.B[:4], atol=1e-9)
    assert np.all(np.isfinite(a[4])) and np.all(np.isfinite(B[4]))


def test_records_round_trip_reliability_and_active_estimates_and_summaries_count_them(tmp_path):
    folder = RunFolder(tmp_path / "run")
    qme = run_study(StudyConfig(classes=(2,), trials=4, formed="well", seed=3))[0]
    flagged = QMEResult(qme.result.a, qme.result.B, qme.result.gradients, qme.result.comparisons,
                        np.array([True, False, True, True]), np.array(["", "ratio gap n_1 - p_1 is 0", "", ""]))
    record = EstimateRecord("k2", qme.metric, qme.sphere, flagged, True, 1.0)
    loaded = load_record(save_record(folder, "estimates_q.npz", record))
    np.testing.assert_array_equal(loaded.result.reliable, flagged.reliable)
    assert loaded.result.unreliable_reason[1] == "ratio gap n_1 - p_1 is 0"
    assert record.summary_row()["unreliable"] == 1
    active = run_study(StudyConfig(classes=(2,), trials=4, formed="well", seed=3, mode="active", budget=30))[0]
    row = active.summary_row()
    assert row["comparisons_median"] == 30 and row["unreliable"] == 0
    assert row["coverage"] == pytest.approx(np.mean(active.result.covered(active.metric.a, active.metric.B)))
    again = load_record(save_record(folder, "estimates_a.npz", active))
    np.testing.assert_array_equal(again.result.B_interval, active.result.B_interval)
    np.testing.assert_array_equal(again.result.stop_reason, active.result.stop_reason)
    assert again.summary_row() == {**row, "seconds": again.seconds}


def test_tables_and_figures_cope_with_non_finite_errors(tmp_path):
    folder = RunFolder(tmp_path / "run")
    metric = random_metrics(5, 2, rng=2)
    B = metric.B.copy()
    B[1] = np.nan
    B[3] = np.inf
    broken = QMEResult(metric.a.copy(), B, np.zeros((5, 4, 2)), np.full(5, 520))
    record = EstimateRecord("k2-broken", metric, Sphere.centred(2), broken, True, 0.1)
    other = EstimateRecord("k2-other", QuadraticMetric(metric.a, metric.B), Sphere.centred(2),
                           QMEResult(metric.a, np.full_like(B, np.nan), np.zeros((5, 4, 2)), np.full(5, 520)), False, 0.1)
    paths = write_figures(folder, [record, other])
    assert all(path.stat().st_size > 0 for path in paths)
    table = write_trial_table(folder, [record]).read_text().splitlines()
    assert len(table) == 6 and table[0].endswith("reliable,unreliable_reason")
    row = record.summary_row()
    assert np.isfinite(row["B_err_median"]) and row["B_err_max"] == np.inf
