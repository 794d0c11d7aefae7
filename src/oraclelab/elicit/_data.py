"""Validation data for elicitation on real classifiers: true labels and class probabilities.

Three sources give the same ``ValidationData``: a CSV/NPZ file (a label column and one
probability column per class, default names ``p_0, p_1, ...``), a fitted scikit-learn
classifier with ``predict_proba`` plus (X, y), or a bundled scikit-learn dataset on which a
default model is fitted. ``split_validation`` keeps a seeded stratified part of the rows aside
(the held-out part) to report how realised classifiers really do.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from oraclelab._validation import check_int_at_least, check_probability
from oraclelab.errors import DataFileError, ParameterError
from oraclelab.runs import read_csv_table
from oraclelab.runs._seeding import stream_generator

__all__ = [
    "ValidationData",
    "validation_from_arrays",
    "load_validation_file",
    "validation_from_estimator",
    "validation_from_bundled",
    "split_validation",
    "read_column",
    "bundled_features",
    "BUNDLED_DATASETS",
]

#: Largest allowed |sum of a row's probabilities - 1|.
SUM_TOLERANCE = 1e-6
#: Names accepted by ``validation_from_bundled``.
BUNDLED_DATASETS = ("breast_cancer", "wine", "iris", "digits")


@dataclass(frozen=True)
class ValidationData:
    """True labels and predicted class probabilities of n validation rows over k classes.

    Attributes
    ----------
    labels : ndarray of shape (n,), int class indices in [0, k)
    proba : ndarray of shape (n, k), rows non-negative and summing to 1
    classes : tuple of k str, the class of each probability column
    source : str, where the rows came from (a file name or a description)
    """

    labels: np.ndarray
    proba: np.ndarray
    classes: tuple[str, ...]
    source: str = "arrays"

    @property
    def n_classes(self) -> int:
        """The number of classes k."""
        return len(self.classes)

    @property
    def n_rows(self) -> int:
        """The number of rows n."""
        return int(self.labels.shape[0])

    def class_counts(self) -> np.ndarray:
        """Rows per true class, shape (k,)."""
        return np.bincount(self.labels, minlength=self.n_classes)

    def data_hash(self) -> str:
        """sha256 of the labels (int64) and probabilities (float64) bytes, little endian."""
        digest = hashlib.sha256()
        digest.update(np.ascontiguousarray(self.labels, dtype="<i8").tobytes())
        digest.update(np.ascontiguousarray(self.proba, dtype="<f8").tobytes())
        return digest.hexdigest()

    def take(self, rows: np.ndarray, source: str) -> "ValidationData":
        """The sub-sample of the given row indices, shape (m,)."""
        return ValidationData(self.labels[rows], self.proba[rows], self.classes, source)


def _row_name(i: int) -> str:
    return f"row {i}"


def _sort_labels(names: Sequence[str]) -> list[str]:
    """Distinct labels sorted numerically when all are integers, else as strings."""
    distinct = sorted(set(names))
    try:
        return sorted(distinct, key=int)
    except ValueError:
        return distinct


def _label_names(labels: Any) -> list[str]:
    """Labels as strings; integer-valued floats lose their '.0' so 1.0 names class '1'."""
    array = np.asarray(labels)
    if array.dtype.kind == "f" and np.all(np.isfinite(array)) and np.all(array == np.round(array)):
        array = array.astype(np.int64)
    return [str(v) for v in array.tolist()]


def validation_from_arrays(
    labels: Any,
    proba: Any,
    *,
    classes: Sequence[Any] | None = None,
    source: str = "arrays",
    columns: Sequence[str] | None = None,
    label_column: str = "label",
    row_name: Callable[[int], str] = _row_name,
) -> ValidationData:
    """Checked ``ValidationData`` from labels (n,) and probabilities (n, k).

    ``classes`` names the class of each probability column (default: the sorted distinct
    labels). Errors name ``source``, the column and the row: NaN, negative probabilities,
    rows not summing to 1 (tolerance 1e-6), labels outside the classes, mismatched lengths,
    fewer than two classes, a class with no rows.
    """
    columns = list(columns) if columns is not None else None
    names = _label_names(labels)
    try:
        P = np.asarray(proba, dtype=np.float64)
    except (TypeError, ValueError):
        raise ParameterError(f"{source}: the probabilities must be numbers.") from None
    if P.ndim != 2:
        raise ParameterError(f"{source}: the probabilities must be a 2-D array (rows, classes). Got shape {P.shape}.")
    n, k = P.shape
    col = (lambda j: f"column '{columns[j]}'") if columns is not None else (lambda j: f"probability column {j}")
    if len(names) != n:
        raise ParameterError(f"{source}: {len(names)} labels but {n} rows of probabilities; the lengths must match.")
    if n == 0:
        raise ParameterError(f"{source}: no rows.")
    class_names = [str(c) for c in classes] if classes is not None else _sort_labels(names)
    if len(set(class_names)) != len(class_names):
        raise ParameterError(f"{source}: the classes {class_names} repeat a name.")
    if len(class_names) < 2:
        raise ParameterError(f"{source}: at least two classes are needed. Got {class_names}.")
    if len(class_names) != k:
        raise ParameterError(f"{source}: {k} probability columns but {len(class_names)} classes {class_names}; give one column per class.")
    bad = np.argwhere(~np.isfinite(P))
    if bad.size:
        i, j = bad[0]
        raise ParameterError(f"{source}: {col(j)} {row_name(int(i))}: probability is {P[i, j]}; must be finite.")
    bad = np.argwhere(P < 0)
    if bad.size:
        i, j = bad[0]
        raise ParameterError(f"{source}: {col(j)} {row_name(int(i))}: probability {P[i, j]} is negative.")
    gap = np.abs(P.sum(axis=1) - 1.0)
    bad_rows = np.flatnonzero(gap > SUM_TOLERANCE)
    if bad_rows.size:
        i = int(bad_rows[0])
        raise ParameterError(f"{source}: {row_name(i)}: probabilities sum to {P[i].sum():.9g}, not 1 (tolerance {SUM_TOLERANCE:g}).")
    index = {name: j for j, name in enumerate(class_names)}
    y = np.empty(n, dtype=np.int64)
    for i, name in enumerate(names):
        j = index.get(name)
        if j is None:
            raise ParameterError(f"{source}: column '{label_column}' {row_name(i)}: label {name!r} is not one of the classes {class_names}.")
        y[i] = j
    counts = np.bincount(y, minlength=k)
    if np.any(counts == 0):
        missing = class_names[int(np.flatnonzero(counts == 0)[0])]
        raise ParameterError(f"{source}: class {missing!r} has no rows in column '{label_column}'; every class needs validation rows.")
    P.setflags(write=False)
    y.setflags(write=False)
    return ValidationData(y, P, tuple(class_names), source)


def _proba_columns(available: Sequence[str], proba_columns: Sequence[str] | None, source: str) -> list[str]:
    """The probability column names: given, or every ``p_<int>`` column ordered by the int."""
    if proba_columns is not None:
        missing = [c for c in proba_columns if c not in available]
        if missing:
            raise DataFileError(f"{source}: no column {missing[0]!r} (columns: {list(available)}).")
        return list(proba_columns)
    found = []
    for name in available:
        if name.startswith("p_") and name[2:].isdigit():
            found.append((int(name[2:]), name))
    if not found:
        raise DataFileError(f"{source}: no probability columns p_0, p_1, ... (columns: {list(available)}); name them with 'proba_columns'.")
    return [name for _, name in sorted(found)]


def _read_csv(path: Path, label_column: str, proba_columns: Sequence[str] | None) -> tuple[list[str], np.ndarray, list[str]]:
    """Labels, probabilities (n, k) and the column names of a CSV file with a header row."""
    table = read_csv_table(path)
    if label_column not in table.header:
        raise DataFileError(f"{path}: no label column {label_column!r} (columns: {list(table.header)}).")
    columns = _proba_columns(table.header, proba_columns, str(path))
    labels = [cell for _, cell in table.column(label_column)]
    values = np.empty((len(labels), len(columns)))
    for j, name in enumerate(columns):
        for r, (line, cell) in enumerate(table.column(name)):
            try:
                values[r, j] = float(cell)
            except ValueError:
                raise DataFileError(f"{path}: column {name!r} line {line}: {cell!r} is not a number.") from None
    return labels, values, columns


def _read_npz(path: Path, label_column: str, proba_columns: Sequence[str] | None) -> tuple[list[str], np.ndarray, list[str]]:
    """Labels, probabilities (n, k) and column names of an NPZ with one 1-D array per column."""
    source = str(path)
    try:
        with np.load(path, allow_pickle=False) as archive:
            arrays = {name: archive[name] for name in archive.files}
    except (OSError, ValueError) as err:
        raise DataFileError(f"{source}: cannot be read as NPZ ({err}).") from None
    if label_column not in arrays:
        raise DataFileError(f"{source}: no label array {label_column!r} (arrays: {sorted(arrays)}).")
    columns = _proba_columns(list(arrays), proba_columns, source)
    for name in [label_column, *columns]:
        if arrays[name].ndim != 1:
            raise DataFileError(f"{source}: array {name!r} must be 1-D. Got shape {arrays[name].shape}.")
    lengths = {name: arrays[name].shape[0] for name in [label_column, *columns]}
    if len(set(lengths.values())) > 1:
        raise DataFileError(f"{source}: the arrays have different lengths {lengths}; the lengths must match.")
    if any(arrays[c].dtype.kind not in "iuf" for c in columns):
        bad = next(c for c in columns if arrays[c].dtype.kind not in "iuf")
        raise DataFileError(f"{source}: array {bad!r} must hold numbers. Got dtype {arrays[bad].dtype}.")
    values = np.stack([arrays[c].astype(np.float64) for c in columns], axis=1)
    return _label_names(arrays[label_column]), values, columns


def load_validation_file(
    path: str | Path,
    *,
    label_column: str = "label",
    proba_columns: Sequence[str] | None = None,
    classes: Sequence[Any] | None = None,
) -> ValidationData:
    """Validation rows from a CSV (header row) or NPZ (one 1-D array per column) file.

    Errors are ``DataFileError`` naming the file, column and line (CSV: line 2 is the first row).
    """
    path = Path(path)
    if not path.is_file():
        raise DataFileError(f"{path}: no such file.")
    suffix = path.suffix.lower()
    if suffix == ".csv":
        labels, values, columns = _read_csv(path, label_column, proba_columns)
        row_name: Callable[[int], str] = lambda i: f"line {i + 2}"  # noqa: E731
    elif suffix == ".npz":
        labels, values, columns = _read_npz(path, label_column, proba_columns)
        row_name = _row_name
    else:
        raise DataFileError(f"{path}: unknown format {suffix!r}; use .csv or .npz.")
    try:
        return validation_from_arrays(
            labels, values, classes=classes, source=str(path), columns=columns, label_column=label_column, row_name=row_name
        )
    except ParameterError as err:
        raise DataFileError(str(err)) from None


def read_column(path: str | Path, column: str) -> list[str]:
    """One column of a CSV (header row) or NPZ file as strings, e.g. predicted labels."""
    path = Path(path)
    if not path.is_file():
        raise DataFileError(f"{path}: no such file.")
    if path.suffix.lower() == ".npz":
        try:
            with np.load(path, allow_pickle=False) as archive:
                if column not in archive.files:
                    raise DataFileError(f"{path}: no array {column!r} (arrays: {sorted(archive.files)}).")
                return _label_names(archive[column].ravel())
        except (OSError, ValueError) as err:
            raise DataFileError(f"{path}: cannot be read as NPZ ({err}).") from None
    return [cell for _, cell in read_csv_table(path).column(column)]


def validation_from_estimator(estimator: Any, X: Any, y: Any, *, classes: Sequence[Any] | None = None) -> ValidationData:
    """Validation rows from a fitted classifier's ``predict_proba(X)`` (n, k) and labels y (n,).

    ``classes`` defaults to the estimator's ``classes_``.
    """
    if not hasattr(estimator, "predict_proba"):
        raise ParameterError(f"The 'estimator' {type(estimator).__name__} has no predict_proba; give a probabilistic classifier.")
    proba = estimator.predict_proba(X)
    if classes is None and hasattr(estimator, "classes_"):
        classes = list(estimator.classes_)
    return validation_from_arrays(y, proba, classes=classes, source=f"{type(estimator).__name__}.predict_proba")


def validation_from_bundled(
    name: str,
    *,
    seed: int = 0,
    validation_fraction: float = 0.5,
    max_iter: int = 2000,
) -> ValidationData:
    """Fit StandardScaler + LogisticRegression(max_iter) on a seeded stratified training split of
    a bundled scikit-learn dataset (breast_cancer, wine, iris, digits); return the validation part.
    """
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    if name not in BUNDLED_DATASETS:
        raise ParameterError(f"The 'name' parameter of validation_from_bundled must be one of {BUNDLED_DATASETS}. Got {name!r} instead.")
    max_iter = check_int_at_least(max_iter, "max_iter", "validation_from_bundled", 1)
    bunch, held = _bundled_split(name, seed, validation_fraction)
    X, y = np.asarray(bunch.data, dtype=np.float64), np.asarray(bunch.target)
    model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=max_iter))
    model.fit(X[~held], y[~held])
    names = [str(t) for t in bunch.target_names]
    proba = model.predict_proba(X[held])
    labels = [names[int(v)] for v in y[held]]
    return validation_from_arrays(labels, proba, classes=[names[int(c)] for c in model.classes_], source=f"bundled:{name}")


def _bundled_split(name: str, seed: int, validation_fraction: float) -> tuple[Any, np.ndarray]:
    """A bundled data set and the seeded stratified mask (n,) of its validation rows."""
    from sklearn import datasets

    check_probability(validation_fraction, "validation_fraction", "validation_from_bundled")
    bunch = getattr(datasets, f"load_{name}")()
    return bunch, _stratified_mask(np.asarray(bunch.target), validation_fraction, stream_generator(seed, "bundled_split", name))


def bundled_features(name: str, *, seed: int = 0, validation_fraction: float = 0.5) -> tuple[np.ndarray, np.ndarray, tuple[str, ...]]:
    """The features behind ``validation_from_bundled``'s rows: validation rows (n, p), all rows (N, p), feature names (p,)."""
    if name not in BUNDLED_DATASETS:
        raise ParameterError(f"The 'name' parameter of bundled_features must be one of {BUNDLED_DATASETS}. Got {name!r} instead.")
    bunch, held = _bundled_split(name, seed, validation_fraction)
    X = np.asarray(bunch.data, dtype=np.float64)
    names = tuple(str(f) for f in getattr(bunch, "feature_names", [f"x{i}" for i in range(X.shape[1])]))
    return X[held], X, names


def _stratified_mask(y: np.ndarray, fraction: float, gen: np.random.Generator) -> np.ndarray:
    """Boolean mask (n,) choosing round(fraction * n_c) random rows of every class c."""
    mask = np.zeros(y.shape[0], dtype=bool)
    for value in np.unique(y):
        rows = np.flatnonzero(y == value)
        take = int(round(fraction * rows.size))
        mask[gen.permutation(rows)[:take]] = True
    return mask


def split_validation(data: ValidationData, *, held_out: float = 0.3, seed: int = 0) -> tuple[ValidationData, ValidationData]:
    """Seeded stratified split of the validation rows into a 'fit' part and a 'held-out' part.

    Every class must keep rows in both parts; the error names the class and its row count.
    """
    fraction = check_probability(held_out, "held_out", "split_validation")
    mask = _stratified_mask(data.labels, fraction, stream_generator(seed, "held_out_split"))
    fit = data.take(np.flatnonzero(~mask), f"{data.source} (fit part)")
    rest = data.take(np.flatnonzero(mask), f"{data.source} (held-out part)")
    for part, label in ((fit, "fit"), (rest, "held-out")):
        counts = part.class_counts()
        if np.any(counts == 0):
            j = int(np.flatnonzero(counts == 0)[0])
            total = int(data.class_counts()[j])
            raise ParameterError(
                f"{data.source}: class {data.classes[j]!r} is absent from the {label} part "
                f"(it has {total} validation rows); give more rows of it or change 'held_out' ({fraction:g})."
            )
    return fit, rest
