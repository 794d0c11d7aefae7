import hashlib

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression

from oraclelab.elicit._data import (
    load_validation_file,
    read_column,
    split_validation,
    validation_from_arrays,
    validation_from_bundled,
    validation_from_estimator,
)
from oraclelab.errors import DataFileError, ParameterError


def random_rows(n=60, k=3, seed=0):
    rng = np.random.default_rng(seed)
    P = rng.dirichlet(np.ones(k), size=n)
    y = np.arange(n) % k
    return y, P


def write_csv(path, labels, P, names=None):
    names = names or [f"p_{j}" for j in range(P.shape[1])]
    lines = [",".join(["label", *names])]
    lines += [",".join([str(l), *(repr(float(v)) for v in row)]) for l, row in zip(labels, P)]
    path.write_text("\n".join(lines) + "\n")
    return path


def test_csv_rows_load_with_sorted_class_names(tmp_path):
    y, P = random_rows()
    names = np.array(["cat", "ant", "bee"])[y]
    data = load_validation_file(write_csv(tmp_path / "v.csv", names, P))
    assert data.classes == ("ant", "bee", "cat")
    np.testing.assert_array_equal(data.labels, np.searchsorted(["ant", "bee", "cat"], names))
    np.testing.assert_array_equal(data.proba, P)
    assert data.source.endswith("v.csv")


def test_integer_labels_sort_numerically_and_columns_order_by_index(tmp_path):
    rng = np.random.default_rng(1)
    k = 11
    P = rng.dirichlet(np.ones(k), size=33)
    y = np.arange(33) % k
    # columns written in shuffled order; p_<int> are ordered by the int
    order = rng.permutation(k)
    path = write_csv(tmp_path / "v.csv", y, P[:, order], [f"p_{j}" for j in order])
    data = load_validation_file(path)
    assert data.classes == tuple(str(j) for j in range(k))
    np.testing.assert_array_equal(data.proba, P)
    np.testing.assert_array_equal(data.labels, y)


def test_npz_and_named_columns(tmp_path):
    y, P = random_rows(k=2)
    np.savez(tmp_path / "v.npz", truth=y, a=P[:, 0], b=P[:, 1])
    data = load_validation_file(tmp_path / "v.npz", label_column="truth", proba_columns=["a", "b"], classes=[0, 1])
    np.testing.assert_array_equal(data.proba, P)
    np.testing.assert_array_equal(data.labels, y)
    assert read_column(tmp_path / "v.npz", "truth") == [str(v) for v in y]


def test_estimator_source_uses_predict_proba_and_classes():
    rng = np.random.default_rng(2)
    X = rng.normal(size=(90, 4))
    y = np.array(["x", "y", "z"])[np.arange(90) % 3]
    X[:, 0] += (np.arange(90) % 3)
    model = LogisticRegression().fit(X, y)
    data = validation_from_estimator(model, X, y)
    assert data.classes == ("x", "y", "z")
    np.testing.assert_array_equal(data.proba, model.predict_proba(X))
    np.testing.assert_array_equal(data.labels, np.arange(90) % 3)
    with pytest.raises(ParameterError, match="predict_proba"):
        validation_from_estimator(object(), X, y)


def test_bundled_dataset_is_seeded_and_valid():
    a = validation_from_bundled("breast_cancer", seed=3)
    b = validation_from_bundled("breast_cancer", seed=3)
    c = validation_from_bundled("breast_cancer", seed=4)
    assert a.classes == ("malignant", "benign")
    assert a.n_rows == round(0.5 * 212) + round(0.5 * 357)
    np.testing.assert_array_equal(a.proba, b.proba)
    assert a.data_hash() == b.data_hash() != c.data_hash()
    np.testing.assert_allclose(a.proba.sum(axis=1), 1.0, atol=1e-12)
    # the model is informative: accuracy well above the majority share
    assert np.mean(a.proba.argmax(axis=1) == a.labels) > 0.9
    with pytest.raises(ParameterError, match="'name' parameter"):
        validation_from_bundled("mnist")


def test_data_hash_is_sha256_of_label_and_probability_bytes():
    y, P = random_rows()
    data = validation_from_arrays(y, P)
    expected = hashlib.sha256(y.astype("<i8").tobytes() + P.astype("<f8").tobytes()).hexdigest()
    assert data.data_hash() == expected
    P2 = P.copy()
    P2[0, [0, 1]] = P2[0, [1, 0]]
    assert validation_from_arrays(y, P2).data_hash() != expected


def test_split_is_stratified_disjoint_and_seeded():
    y, P = random_rows(n=100, k=3)
    data = validation_from_arrays(y, P)
    fit, held = split_validation(data, held_out=0.3, seed=5)
    counts = np.bincount(y)
    np.testing.assert_array_equal(held.class_counts(), np.round(0.3 * counts).astype(int))
    np.testing.assert_array_equal(fit.class_counts() + held.class_counts(), counts)
    rows = {tuple(r) for r in np.vstack([fit.proba, held.proba])}
    assert len(rows) == 100
    again, _ = split_validation(data, held_out=0.3, seed=5)
    other, _ = split_validation(data, held_out=0.3, seed=6)
    np.testing.assert_array_equal(again.proba, fit.proba)
    assert not np.array_equal(other.proba, fit.proba)


def test_csv_errors_name_file_column_and_line(tmp_path):
    y, P = random_rows(n=6)
    bad = P.copy()
    bad[2, 1] = np.nan
    with pytest.raises(DataFileError, match=r"v\.csv: column 'p_1' line 4: probability is nan"):
        load_validation_file(write_csv(tmp_path / "v.csv", y, bad))
    bad = P.copy()
    bad[3, 0] = -bad[3, 0]
    with pytest.raises(DataFileError, match=r"column 'p_0' line 5: probability .* is negative"):
        load_validation_file(write_csv(tmp_path / "v.csv", y, bad))
    bad = P.copy()
    bad[1] *= 1.001
    with pytest.raises(DataFileError, match=r"line 3: probabilities sum to .*not 1"):
        load_validation_file(write_csv(tmp_path / "v.csv", y, bad))
    with pytest.raises(DataFileError, match=r"column 'label' line 2: label '0' is not one of the classes"):
        load_validation_file(write_csv(tmp_path / "v.csv", y, P), classes=["a", "b", "c"])
    with pytest.raises(DataFileError, match=r"no label column 'truth'"):
        load_validation_file(write_csv(tmp_path / "v.csv", y, P), label_column="truth")
    (tmp_path / "short.csv").write_text("label,p_0,p_1\n0,0.5\n")
    with pytest.raises(DataFileError, match=r"short\.csv: line 2 has 2 fields"):
        load_validation_file(tmp_path / "short.csv")
    (tmp_path / "v.txt").write_text("x")
    with pytest.raises(DataFileError, match="unknown format"):
        load_validation_file(tmp_path / "v.txt")
    with pytest.raises(DataFileError, match="no such file"):
        load_validation_file(tmp_path / "missing.csv")


def test_npz_with_different_lengths_is_refused(tmp_path):
    np.savez(tmp_path / "v.npz", label=np.zeros(4), p_0=np.ones(4), p_1=np.zeros(3))
    with pytest.raises(DataFileError, match="different lengths"):
        load_validation_file(tmp_path / "v.npz")


def test_array_errors():
    y, P = random_rows(n=9)
    with pytest.raises(ParameterError, match="8 labels but 9 rows"):
        validation_from_arrays(y[:8], P)
    with pytest.raises(ParameterError, match="at least two classes"):
        validation_from_arrays(np.zeros(4), np.ones((4, 1)))
    with pytest.raises(ParameterError, match="class '3' has no rows"):
        validation_from_arrays(y, np.full((9, 4), 0.25), classes=[0, 1, 2, 3])
    with pytest.raises(ParameterError, match="3 probability columns but 2 classes"):
        validation_from_arrays(y, P, classes=[0, 1])


def test_class_absent_from_a_split_part_is_refused():
    y = np.array([0] * 10 + [1] * 10 + [2])
    P = np.full((21, 3), 1 / 3)
    data = validation_from_arrays(y, P, source="v.csv")
    with pytest.raises(ParameterError, match="v.csv: class '2' is absent from the held-out part"):
        split_validation(data, held_out=0.3)
    with pytest.raises(ParameterError, match="class '2' is absent from the fit part"):
        split_validation(data, held_out=0.9)
