"""Groups from data: a sensitive column, one rate space per group, the shares T and a common query region.

The validation rows are split by group; each group's rows get their own held-out split and
rate space (``build_rate_space``). A stack R = (r_g) is realised as one classifier per group
(``realise`` on that group's rate space), so a fair query is a group-aware classifier. All
groups share the trivial classifier's rates (1/k everywhere), so the common query region is
the ball around them of the smallest group radius (times the margin). The shares
T_g[c] = P(G = g | Y = c) come from the fit rows, repeated over class c's k - 1 rate entries.

Groups of a data file are the values of a column as they are; for a bundled data set the
group column is one of its features binarised at its median over the whole data set
(e.g. breast_cancer's "mean radius": "mean radius <= 13.37" and "mean radius > 13.37").
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np

from oraclelab.elicit._data import ValidationData, bundled_features, read_column, split_validation
from oraclelab.elicit._data_options import DataOptions
from oraclelab.elicit._geometry import Sphere
from oraclelab.elicit._rate_space import RateSpace, build_rate_space, rate_pairs
from oraclelab.elicit._realise import RealisedClassifier, realise
from oraclelab.errors import ParameterError

__all__ = ["GroupedRateSpace", "grouped_rate_space", "group_column", "group_shares"]

#: Cell values read as a missing group.
MISSING = ("", "nan", "NaN", "NA", "None", "null")


@dataclass(frozen=True)
class GroupedRateSpace:
    """Per-group rate spaces of one classifier's probabilities, with the shares and the common region.

    Attributes
    ----------
    names : tuple of m str, the groups (sorted)
    spaces : tuple of m RateSpace, one per group
    shares : ndarray of shape (m, q), T_g per rate entry (columns sum to 1)
    region : Sphere, the common query region of every group's rates
    """

    names: tuple[str, ...]
    spaces: tuple[RateSpace, ...]
    shares: np.ndarray
    region: Sphere

    @property
    def groups(self) -> int:
        return len(self.names)

    @property
    def classes(self) -> tuple[str, ...]:
        return self.spaces[0].classes

    @property
    def source(self) -> str:
        """Where the rows came from (the data set or file, without the group)."""
        return self.spaces[0].fit.source.split(" [")[0]

    def data_hash(self) -> str:
        """sha256 over every group's name and fit rows (``ValidationData.data_hash``): the data and its grouping."""
        digest = hashlib.sha256()
        for name, space in zip(self.names, self.spaces):
            digest.update(f"{len(name)}:{name}:{space.fit.data_hash()};".encode())
        return digest.hexdigest()

    def realise(self, stack: np.ndarray, *, seed: int = 0) -> list[RealisedClassifier]:
        """One realised classifier per group for a stack of rates (m, q) (group g's rates on its own rows)."""
        R = np.asarray(stack, dtype=np.float64)
        if R.shape != self.shares.shape:
            raise ParameterError(f"GroupedRateSpace.realise needs a stack of shape {self.shares.shape}. Got shape {R.shape}.")
        return [realise(space, r, seed=seed) for space, r in zip(self.spaces, R)]


def group_shares(labels: np.ndarray, codes: np.ndarray, groups: int, classes: int) -> np.ndarray:
    """T_g per rate entry from true labels (n,) and group codes (n,): shape (m, q), P(G = g | Y = true class)."""
    counts = np.zeros((groups, classes))
    np.add.at(counts, (codes, labels), 1.0)
    per_class = counts / np.maximum(counts.sum(axis=0, keepdims=True), 1.0)
    true, _ = rate_pairs(classes)
    return per_class[:, true]


def _codes(values: list[str], column: str, source: str, classes: tuple[str, ...], labels: np.ndarray
           ) -> tuple[tuple[str, ...], np.ndarray]:
    """Sorted group names and each row's code; a missing value, a single group or a group lacking a class is refused.

    Values are stripped first, so " a" and "a" are one group."""
    values = [v.strip() for v in values]
    missing = [i for i, v in enumerate(values) if v in MISSING]
    if missing:
        raise ParameterError(f"{source}: group column '{column}' is missing on row {missing[0]} ({len(missing)} rows); "
                             f"every row needs a group.")
    names = tuple(sorted(set(values)))
    if len(names) < 2:
        raise ParameterError(f"{source}: group column '{column}' holds one group only ({names[0]!r}); fairness needs two or more.")
    codes = np.searchsorted(np.array(names), np.array(values))
    for g, name in enumerate(names):
        present = np.bincount(labels[codes == g], minlength=len(classes))
        if np.any(present == 0):
            c = classes[int(np.flatnonzero(present == 0)[0])]
            raise ParameterError(f"{source}: group {name!r} of column '{column}' has no rows of class {c!r}; "
                                 f"every group needs rows of every class.")
    return names, codes


def group_column(options: DataOptions, column: str, data: ValidationData, seed: int) -> list[str]:
    """The group of each validation row: the file's column, or a bundled feature binarised at its median."""
    if options.data is not None:
        values = read_column(options.data, column)
        if len(values) != data.n_rows:
            raise ParameterError(f"{options.data}: group column '{column}' has {len(values)} rows, the data {data.n_rows}.")
        return values
    rows, everything, names = bundled_features(options.dataset, seed=seed)
    if column not in names:
        raise ParameterError(f"The bundled data set {options.dataset!r} has no feature {column!r}; "
                             f"choose one of: {', '.join(names)}.")
    j = names.index(column)
    median = float(np.median(everything[:, j]))
    return [f"{column} <= {median:.4g}" if x <= median else f"{column} > {median:.4g}" for x in rows[:, j]]


def grouped_rate_space(data: ValidationData, values: list[str], column: str, *, held_out: float = 0.3,
                       margin: float = 0.98, seed: int = 0) -> GroupedRateSpace:
    """Per-group rate spaces of ``data`` split by the group ``values`` (one per row) of ``column``."""
    if len(values) != data.n_rows:
        raise ParameterError(f"{data.source}: {len(values)} group values for {data.n_rows} rows.")
    names, codes = _codes([str(v) for v in values], column, data.source, data.classes, data.labels)
    spaces, fit_labels, fit_codes = [], [], []
    for g, name in enumerate(names):
        part = data.take(np.flatnonzero(codes == g), f"{data.source} [{column} = {name}]")
        fit, held = split_validation(part, held_out=held_out, seed=seed)
        spaces.append(build_rate_space(fit, held, seed=seed))
        fit_labels.append(fit.labels)
        fit_codes.append(np.full(fit.n_rows, g))
    shares = group_shares(np.concatenate(fit_labels), np.concatenate(fit_codes), len(names), data.n_classes)
    radius = min(space.radius for space in spaces)
    return GroupedRateSpace(names, tuple(spaces), shares, Sphere(spaces[0].trivial.copy(), margin * radius))
