"""The exported result of an elicitation: a metric on rates, saved as versioned JSON.

score = <a, r> + 1/2 r'Br on the rates r of ``_rate_space`` (off-diagonal entries of the
per-true-class normalised confusion matrix, row-major). Labels are matched to the classes by
name (str(label)), or else, when every label is an integer in [0, k), by index.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from scipy.stats import kendalltau, rankdata

from oraclelab.elicit._geometry import n_rates
from oraclelab.elicit._rate_space import confusion_rates
from oraclelab.errors import DataFileError, ParameterError
from oraclelab.runs._atomic import atomic_write_text

__all__ = ["ElicitedMetric", "Ranking", "rank_predictions", "FORMAT_VERSION"]

FORMAT_VERSION = 1
_KIND = "oraclelab.ElicitedMetric"
#: Uncertainty entries and their shapes as functions of q.
_UNCERTAINTY_SHAPES = {
    "a_std": lambda q: (q,),
    "B_std": lambda q: (q, q),
    "a_interval": lambda q: (q, 2),
    "B_interval": lambda q: (q, q, 2),
}


def _label_indices(values: Any, classes: tuple[str, ...], name: str) -> np.ndarray:
    """Class indices (n,) of labels given by class name or else by integer index."""
    array = np.asarray(values).ravel()
    if array.dtype.kind == "f" and np.all(np.isfinite(array)) and np.all(array == np.round(array)):
        array = array.astype(np.int64)
    names = [str(v) for v in array.tolist()]
    index = {c: j for j, c in enumerate(classes)}
    if all(n in index for n in names):
        return np.array([index[n] for n in names], dtype=np.int64)
    if array.dtype.kind in "iu" and array.size and array.min() >= 0 and array.max() < len(classes):
        return array.astype(np.int64)
    bad = next(i for i, n in enumerate(names) if n not in index)
    raise ParameterError(f"'{name}' row {bad}: label {names[bad]!r} is not one of the classes {list(classes)}.")


@dataclass(frozen=True)
class ElicitedMetric:
    """An elicited metric score(r) = <a, r> + 1/2 r'Br on the rates of k classes.

    Attributes
    ----------
    a : ndarray of shape (q,)
    B : ndarray of shape (q, q), symmetric
    classes : tuple of k str
    uncertainty : mapping of optional arrays: a_std (q,), B_std (q, q), a_interval (q, 2),
        B_interval (q, q, 2)
    data_hash : str, sha256 of the validation labels and probabilities
    log_path : str or None, the event log the metric came from
    settings : mapping, the elicitation's settings (plain JSON values)
    """

    a: np.ndarray
    B: np.ndarray
    classes: tuple[str, ...]
    uncertainty: Mapping[str, np.ndarray] = field(default_factory=dict)
    data_hash: str = ""
    log_path: str | None = None
    settings: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        classes = tuple(str(c) for c in self.classes)
        if len(classes) < 2 or len(set(classes)) != len(classes):
            raise ParameterError(f"The 'classes' of ElicitedMetric must be at least two distinct names. Got {list(classes)}.")
        q = n_rates(len(classes))
        a = np.asarray(self.a, dtype=np.float64)
        B = np.asarray(self.B, dtype=np.float64)
        if a.shape != (q,) or B.shape != (q, q):
            raise ParameterError(f"ElicitedMetric for {len(classes)} classes needs a of shape {(q,)} and B of shape {(q, q)}. Got {a.shape} and {B.shape}.")
        if not (np.all(np.isfinite(a)) and np.all(np.isfinite(B))):
            raise ParameterError("The 'a' and 'B' of ElicitedMetric must be finite.")
        if np.abs(B - B.T).max() > 1e-9 * max(1.0, np.abs(B).max()):
            raise ParameterError("The 'B' of ElicitedMetric must be symmetric.")
        uncertainty = {}
        for key, value in dict(self.uncertainty or {}).items():
            if key not in _UNCERTAINTY_SHAPES:
                raise ParameterError(f"Unknown uncertainty entry {key!r} of ElicitedMetric; use one of {sorted(_UNCERTAINTY_SHAPES)}.")
            arr = np.asarray(value, dtype=np.float64)
            if arr.shape != _UNCERTAINTY_SHAPES[key](q):
                raise ParameterError(f"The uncertainty entry {key!r} of ElicitedMetric must have shape {_UNCERTAINTY_SHAPES[key](q)}. Got {arr.shape}.")
            uncertainty[key] = arr
        object.__setattr__(self, "classes", classes)
        object.__setattr__(self, "a", a)
        object.__setattr__(self, "B", B)
        object.__setattr__(self, "uncertainty", uncertainty)
        object.__setattr__(self, "settings", dict(self.settings or {}))

    @property
    def n_classes(self) -> int:
        """The number of classes k."""
        return len(self.classes)

    def rates(self, y_true: Any, y_pred: Any) -> np.ndarray:
        """Rates (q,) of predicted labels y_pred (n,) against true labels y_true (n,)."""
        y = _label_indices(y_true, self.classes, "y_true")
        p = _label_indices(y_pred, self.classes, "y_pred")
        if y.shape != p.shape:
            raise ParameterError(f"'y_true' has {y.size} labels but 'y_pred' {p.size}; the lengths must match.")
        return confusion_rates(y, p, self.n_classes)

    def score_rates(self, rates: np.ndarray) -> np.ndarray:
        """Scores of rates (..., q) -> (...)."""
        r = np.asarray(rates, dtype=np.float64)
        return r @ self.a + 0.5 * np.einsum("...i,ij,...j->...", r, self.B, r)

    def score(self, y_true: Any, y_pred: Any) -> float:
        """<a, r> + 1/2 r'Br of the predictions' rates; greater is better."""
        return float(self.score_rates(self.rates(y_true, y_pred)))

    def make_scorer(self) -> Any:
        """A scikit-learn scorer (greater is better) for GridSearchCV and cross_val_score."""
        from sklearn.metrics import make_scorer

        return make_scorer(self.score, greater_is_better=True)

    def to_dict(self) -> dict:
        """The versioned JSON document as plain Python values."""
        return {
            "format_version": FORMAT_VERSION,
            "kind": _KIND,
            "classes": list(self.classes),
            "a": self.a.tolist(),
            "B": self.B.tolist(),
            "uncertainty": {key: value.tolist() for key, value in self.uncertainty.items()},
            "provenance": {"data_hash": self.data_hash, "log_path": self.log_path, "settings": dict(self.settings)},
        }

    def save(self, path: str | Path) -> Path:
        """Write the JSON document atomically; returns the path."""
        return atomic_write_text(path, json.dumps(self.to_dict(), indent=2, allow_nan=False) + "\n")

    @classmethod
    def from_dict(cls, doc: Any, source: str = "metric") -> "ElicitedMetric":
        """The metric of a JSON document; DataFileError names the source and the field."""
        if not isinstance(doc, dict):
            raise DataFileError(f"{source}: expected a JSON object. Got {type(doc).__name__}.")
        for key in ("format_version", "classes", "a", "B", "provenance"):
            if key not in doc:
                raise DataFileError(f"{source}: missing field {key!r}.")
        if doc["format_version"] != FORMAT_VERSION:
            raise DataFileError(f"{source}: field 'format_version' is {doc['format_version']!r}; this version reads {FORMAT_VERSION}.")
        provenance = doc["provenance"]
        if not isinstance(provenance, dict):
            raise DataFileError(f"{source}: field 'provenance' must be an object.")
        classes = doc["classes"]
        if not isinstance(classes, list) or not all(isinstance(c, str) for c in classes):
            raise DataFileError(f"{source}: field 'classes' must be a list of names.")
        try:
            return cls(
                np.asarray(doc["a"], dtype=np.float64),
                np.asarray(doc["B"], dtype=np.float64),
                tuple(classes),
                {k: np.asarray(v, dtype=np.float64) for k, v in (doc.get("uncertainty") or {}).items()},
                str(provenance.get("data_hash", "")),
                provenance.get("log_path"),
                provenance.get("settings") or {},
            )
        except (ParameterError, TypeError, ValueError) as err:
            raise DataFileError(f"{source}: {err}") from None

    @classmethod
    def load(cls, path: str | Path) -> "ElicitedMetric":
        """Read a metric saved by ``save``; one-line DataFileError on bad JSON, fields or shapes."""
        path = Path(path)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as err:
            raise DataFileError(f"{path}: cannot be read ({err.__class__.__name__}).") from None
        try:
            doc = json.loads(text)
        except json.JSONDecodeError as err:
            raise DataFileError(f"{path}: not valid JSON (line {err.lineno}, column {err.colno}: {err.msg}).") from None
        return cls.from_dict(doc, str(path))


@dataclass(frozen=True)
class Ranking:
    """Several prediction sets ranked by an elicited metric, with accuracy's ranking beside it.

    Attributes
    ----------
    names : tuple of n str, the prediction sets in the order given
    scores, accuracies : ndarrays of shape (n,)
    metric_rank, accuracy_rank : ndarrays of shape (n,), 1 = best (ties share the mean rank)
    kendall_tau : float, Kendall's tau between the two rankings (nan when undefined)
    """

    names: tuple[str, ...]
    scores: np.ndarray
    accuracies: np.ndarray
    metric_rank: np.ndarray
    accuracy_rank: np.ndarray
    kendall_tau: float

    def order(self) -> list[str]:
        """Names from best to worst by the metric."""
        return [self.names[i] for i in np.argsort(-self.scores, kind="stable")]


def rank_predictions(metric: Any, y_true: Any, predictions: Mapping[str, Any] | Sequence[tuple[str, Any]],
                     **metadata: Any) -> Ranking:
    """Rank prediction sets {name: y_pred (n,)} by the metric and by accuracy; Kendall's tau between them.

    ``metric`` is an ``ElicitedMetric`` or any metric with ``classes`` and ``score(y_true, y_pred, **metadata)``
    (an ``ElicitedFairMetric`` with ``sensitive_features``)."""
    items = list(predictions.items()) if isinstance(predictions, Mapping) else list(predictions)
    if len(items) < 1:
        raise ParameterError("rank_predictions needs at least one prediction set.")
    y = _label_indices(y_true, metric.classes, "y_true")
    names = np.asarray(metric.classes, dtype=object)  # the metric is told class names: indices could read as names
    scores, accuracies = [], []
    for name, y_pred in items:
        p = _label_indices(y_pred, metric.classes, str(name))
        if p.shape != y.shape:
            raise ParameterError(f"prediction set {name!r} has {p.size} labels but y_true {y.size}; the lengths must match.")
        scores.append(float(metric.score(names[y], names[p], **metadata)))
        accuracies.append(float(np.mean(p == y)))
    s, acc = np.array(scores), np.array(accuracies)
    tau = float(kendalltau(s, acc).statistic) if len(items) > 1 else math.nan
    return Ranking(tuple(str(n) for n, _ in items), s, acc, rankdata(-s), rankdata(-acc), tau)
