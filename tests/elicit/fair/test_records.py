"""Fair study records: a round trip through a run folder, summary rows, and broken files."""

import numpy as np
import pytest

from oraclelab.elicit.fair import HiddenFairOracle, elicit_fair, published_fair_instances
from oraclelab.elicit.fair._records import TRIAL_COLUMNS, FairRecord, load_fair_record, save_fair_record
from oraclelab.errors import DataFileError
from oraclelab.runs import RunFolder


@pytest.fixture(scope="module")
def record() -> FairRecord:
    metric, sphere = published_fair_instances(2, 3, 40)
    return FairRecord("m2-k3", metric, sphere, elicit_fair(HiddenFairOracle(metric), sphere), 1.5)


def test_round_trip(tmp_path, record):
    path = save_fair_record(RunFolder(tmp_path), "estimates.npz", record)
    loaded = load_fair_record(path)
    assert loaded.label == "m2-k3" and loaded.seconds == 1.5
    np.testing.assert_array_equal(loaded.metric.B, record.metric.B)
    np.testing.assert_array_equal(loaded.result.B, record.result.B)
    assert loaded.result.unreliable_reason.tolist() == record.result.unreliable_reason.tolist()
    assert loaded.summary_row() == record.summary_row()


def test_summary_row_and_trial_rows(record):
    row = record.summary_row()
    assert (row["groups"], row["classes"], row["q"], row["trials"]) == (2, 3, 6, 40)
    assert row["comparisons_per_run"] == 5814 and row["unreliable"] == 1
    for name in ("a_err", "B_err", "lambda_err"):
        for stat in ("mean", "median", "p90", "max"):
            assert np.isfinite(row[f"{name}_{stat}"])
    rows = record.trial_rows()
    assert len(rows) == 40 and tuple(rows[0]) == TRIAL_COLUMNS
    assert sum(not r["reliable"] for r in rows) == 1
    assert all(isinstance(r["inconsistent_gradients"], str) for r in rows)
    assert row["B_err_max"] == max(r["B_err"] for r in rows)


def test_broken_files_name_themselves(tmp_path):
    garbage = tmp_path / "garbage.npz"
    garbage.write_text("not a zip")
    with pytest.raises(DataFileError, match="garbage.npz"):
        load_fair_record(garbage)
    np.savez(tmp_path / "other.npz", a=np.zeros(2))
    with pytest.raises(DataFileError, match="missing field"):
        load_fair_record(tmp_path / "other.npz")
