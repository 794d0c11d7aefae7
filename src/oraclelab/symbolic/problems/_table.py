"""User data for symbolic regression: named columns from CSV or NPZ, and seeded splits.

``load_table`` reads numbers only (``csv`` module + ``float``, ``numpy.load`` without
pickles); every problem with the file is a one-line :class:`DataFileError` naming the file
and the column (and the line, for CSV).
"""

from __future__ import annotations

import math
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from oraclelab.errors import DataFileError, ParameterError
from oraclelab.runs import read_csv_table, stream_generator

__all__ = ["Table", "load_table", "split_indices", "SPLIT_NAMES", "SPLIT_FRACTIONS"]

#: Names of the three splits, in order.
SPLIT_NAMES = ("train", "validation", "test")
#: Default fractions of the samples in each split.
SPLIT_FRACTIONS = (0.6, 0.2, 0.2)
#: Fewest rows a table may have (one per split at least).
MIN_ROWS = 3


@dataclass(frozen=True)
class Table:
    """Named input columns and one target column read from a file.

    Attributes
    ----------
    X : ndarray of shape (n_samples, n_inputs)
    y : ndarray of shape (n_samples,)
    input_names : tuple of str, length n_inputs
    target_name : str
    path : Path
    """

    X: np.ndarray
    y: np.ndarray
    input_names: tuple[str, ...]
    target_name: str
    path: Path


def split_indices(
    n: int, seed: int, *, fractions: Sequence[float] = SPLIT_FRACTIONS, key: str = "splits"
) -> dict[str, np.ndarray]:
    """Shuffle ``range(n)`` with a seeded stream and cut it into train / validation / test.

    Parameters
    ----------
    n : int
        Number of samples (>= 3).
    seed : int
        Seed; the stream is named by ``key``, so other streams of the same seed are independent.
    fractions : three floats summing to 1
        Share of each split; each split gets at least one sample.

    Returns
    -------
    dict of str to ndarray of int
        Keys ``"train"``, ``"validation"``, ``"test"``; disjoint, together ``range(n)``, each sorted.
    """
    if len(fractions) != 3 or any(f <= 0 for f in fractions) or not math.isclose(sum(fractions), 1.0):
        raise ParameterError(f"The 'fractions' parameter of split_indices must be three numbers > 0 summing to 1. "
                             f"Got {tuple(fractions)!r} instead.")
    if n < MIN_ROWS:
        raise ParameterError(f"The 'n' parameter of split_indices must be an integer >= {MIN_ROWS}. Got {n!r} instead.")
    order = stream_generator(seed, key).permutation(n)
    n_train = max(1, min(n - 2, round(fractions[0] * n)))
    n_validation = max(1, min(n - n_train - 1, round(fractions[1] * n)))
    cuts = (order[:n_train], order[n_train:n_train + n_validation], order[n_train + n_validation:])
    return {name: np.sort(part) for name, part in zip(SPLIT_NAMES, cuts)}


def load_table(path: str | Path, *, inputs: Sequence[str], target: str) -> Table:
    """Read named input columns and a target column from a CSV (header row) or NPZ file.

    Parameters
    ----------
    path : str or Path
        ``.csv`` (comma separated, first row the column names) or ``.npz`` (one 1-D array,
        or an array of shape (n, 1), per name).
    inputs : sequence of str
        Input column names, in order.
    target : str
        Target column name.

    Returns
    -------
    Table

    Raises
    ------
    DataFileError
        Missing or unreadable file, unknown column, a value that is not a finite number,
        columns of different lengths, or fewer than 3 rows.
    """
    path = Path(path)
    names = [*inputs, target]
    if not inputs:
        raise DataFileError(f"{path}: no input columns given (use --inputs x0,x1).")
    if len(set(names)) != len(names):
        raise DataFileError(f"{path}: a column is named twice in inputs {list(inputs)} and target {target!r}.")
    if not path.is_file():
        raise DataFileError(f"{path}: file not found.")
    suffix = path.suffix.lower()
    if suffix == ".csv":
        columns = _read_csv(path, names)
    elif suffix == ".npz":
        columns = _read_npz(path, names)
    else:
        raise DataFileError(f"{path}: unknown data file type {suffix!r} (use .csv or .npz).")
    lengths = {name: len(column) for name, column in columns.items()}
    if len(set(lengths.values())) != 1:
        raise DataFileError(f"{path}: columns have different lengths {lengths}.")
    if lengths[target] < MIN_ROWS:
        raise DataFileError(f"{path}: column {target!r} has {lengths[target]} row(s); at least {MIN_ROWS} needed.")
    X = np.stack([columns[name] for name in inputs], axis=1)
    return Table(X=X, y=columns[target], input_names=tuple(inputs), target_name=target, path=path)


def _read_csv(path: Path, names: Sequence[str]) -> dict[str, np.ndarray]:
    table = read_csv_table(path)
    return {name: np.asarray([_finite(cell, path, f"column {name!r}, line {line}") for line, cell in table.column(name)],
                             dtype=float) for name in names}


def _finite(cell: str, path: Path, where: str) -> float:
    try:
        value = float(cell)
    except ValueError:
        raise DataFileError(f"{path}: {where}: {cell!r} is not a number.") from None
    if not math.isfinite(value):
        raise DataFileError(f"{path}: {where}: {cell!r} is not finite.")
    return value


def _read_npz(path: Path, names: Sequence[str]) -> dict[str, np.ndarray]:
    try:
        with np.load(path, allow_pickle=False) as archive:
            available = list(archive.files)
            arrays = {name: archive[name] for name in names if name in available}
    except (OSError, ValueError, zipfile.BadZipFile, EOFError) as error:
        raise DataFileError(f"{path}: cannot read NPZ file ({type(error).__name__}: {error}).") from None
    columns: dict[str, np.ndarray] = {}
    for name in names:
        if name not in arrays:
            raise DataFileError(f"{path}: no column {name!r} (columns: {', '.join(available)}).")
        columns[name] = _npz_column(arrays[name], path, name)
    return columns


def _npz_column(array: np.ndarray, path: Path, name: str) -> np.ndarray:
    if array.ndim == 2 and array.shape[1] == 1:
        array = array[:, 0]
    if array.ndim != 1:
        raise DataFileError(f"{path}: column {name!r} has shape {array.shape}; expected (n,) or (n, 1).")
    if not np.issubdtype(array.dtype, np.number) or np.issubdtype(array.dtype, np.complexfloating):
        raise DataFileError(f"{path}: column {name!r} has dtype {array.dtype}; expected real numbers.")
    column = array.astype(float)
    bad = np.flatnonzero(~np.isfinite(column))
    if bad.size:
        raise DataFileError(f"{path}: column {name!r}, row {bad[0]}: {column[bad[0]]} is not finite.")
    return column

