"""Active fair records: a round trip through a run folder, with intervals, stop reasons and coverage."""

import numpy as np

from oraclelab.elicit.fair import HiddenFairOracle, published_fair_instances
from oraclelab.elicit.fair._active import FairActiveResult, elicit_fair_active
from oraclelab.elicit.fair._records import TRIAL_COLUMNS, FairRecord, load_fair_record, save_fair_record
from oraclelab.runs import RunFolder


def test_active_record_round_trip_and_rows(tmp_path):
    metric, sphere = published_fair_instances(2, 2, 3)
    result = elicit_fair_active(HiddenFairOracle(metric), sphere, budget=30, rng=1, n_samples=100)
    record = FairRecord("m2-k2", metric, sphere, result, 0.5)
    loaded = load_fair_record(save_fair_record(RunFolder(tmp_path), "estimates.npz", record))
    assert isinstance(loaded.result, FairActiveResult)
    np.testing.assert_array_equal(loaded.result.lam_interval, result.lam_interval)
    assert loaded.result.stop_reason.tolist() == result.stop_reason.tolist()
    row = loaded.summary_row()
    assert row == record.summary_row() and 0 <= row["lambda_coverage"] <= 1 and row["comparisons_median"] <= 30
    trials = loaded.trial_rows()
    assert len(trials) == 3 and set(trials[0]) == set(TRIAL_COLUMNS) and trials[0]["inconsistent_gradients"] == ""
