"""User tables from CSV and NPZ, one-line errors naming file and column, seeded splits."""

from __future__ import annotations

import numpy as np
import pytest

from oraclelab.errors import DataFileError, ParameterError
from oraclelab.symbolic.problems._table import load_table, split_indices


@pytest.fixture
def csv_file(tmp_path):
    path = tmp_path / "points.csv"
    path.write_text("x0,x1,y\n1,2,3\n4,5,6\n7,8,9.5\n\n10,11,12\n")
    return path


def test_csv_columns_in_the_asked_order(csv_file):
    table = load_table(csv_file, inputs=["x1", "x0"], target="y")
    np.testing.assert_array_equal(table.X, [[2, 1], [5, 4], [8, 7], [11, 10]])
    np.testing.assert_array_equal(table.y, [3, 6, 9.5, 12])
    assert table.input_names == ("x1", "x0") and table.target_name == "y"


def test_npz_columns(tmp_path):
    path = tmp_path / "points.npz"
    np.savez(path, a=np.arange(5.0), b=np.arange(5.0)[:, None] * 2, y=np.ones(5))
    table = load_table(path, inputs=["a", "b"], target="y")
    np.testing.assert_array_equal(table.X[:, 1], np.arange(5.0) * 2)


@pytest.mark.parametrize("inputs, target, pattern", [
    (["x0", "nope"], "y", r"points.csv: no column 'nope' \(columns: x0, x1, y\)"),
    (["x0"], "target", r"points.csv: no column 'target'"),
])
def test_unknown_csv_column_names_file_and_column(csv_file, inputs, target, pattern):
    with pytest.raises(DataFileError, match=pattern) as info:
        load_table(csv_file, inputs=inputs, target=target)
    assert "\n" not in str(info.value)


def test_non_numeric_cell_names_column_and_line(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("x0,y\n1,2\n3,abc\n5,6\n")
    with pytest.raises(DataFileError, match=r"bad.csv: column 'y', line 3: 'abc' is not a number"):
        load_table(path, inputs=["x0"], target="y")


def test_non_finite_npz_value(tmp_path):
    path = tmp_path / "bad.npz"
    np.savez(path, x0=np.array([1.0, np.nan, 2.0]), y=np.ones(3))
    with pytest.raises(DataFileError, match=r"bad.npz: column 'x0', row 1"):
        load_table(path, inputs=["x0"], target="y")


@pytest.mark.parametrize("name, content, pattern", [
    ("missing.csv", None, "file not found"),
    ("data.txt", "x0,y\n1,2\n", "unknown data file type"),
    ("broken.npz", "not a zip", "cannot read NPZ"),
    ("short.csv", "x0,y\n1,2\n", "at least 3"),
])
def test_bad_files(tmp_path, name, content, pattern):
    path = tmp_path / name
    if content is not None:
        path.write_text(content)
    with pytest.raises(DataFileError, match=pattern):
        load_table(path, inputs=["x0"], target="y")


def test_split_indices_partition_and_determinism():
    first = split_indices(50, 7)
    assert [len(first[k]) for k in ("train", "validation", "test")] == [30, 10, 10]
    np.testing.assert_array_equal(np.sort(np.concatenate(list(first.values()))), np.arange(50))
    again = split_indices(50, 7)
    assert all(np.array_equal(first[k], again[k]) for k in first)
    assert not np.array_equal(first["test"], split_indices(50, 8)["test"])


def test_split_indices_checks_its_parameters():
    with pytest.raises(ParameterError, match="'n' parameter"):
        split_indices(2, 0)
    with pytest.raises(ParameterError, match="'fractions' parameter"):
        split_indices(10, 0, fractions=(0.5, 0.5, 0.0))
