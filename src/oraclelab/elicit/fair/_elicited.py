"""The exported result of a fair elicitation: a group-fair metric on predictions, saved as versioned JSON.

score = (1 - lam) <a, sum_g T_g r_g> + (lam/2) sum_{g<h} (r_g - r_h)' B_gh (r_g - r_h), greater
is better, with r_g the rates of group g's rows (``_rate_space``'s off-diagonal, per-true-class
normalised confusion entries) and T_g[c] = P(G = g | Y = c) on the data scored, so
sum_g T_g r_g is the overall rates. ``make_scorer`` gives a scikit-learn scorer that asks for
``sensitive_features`` through metadata routing; ``report`` gives the metric's parts in
Fairlearn's terms (per-group rates as ``MetricFrame.by_group``, overall rates, the largest
pairwise gap of each rate as ``MetricFrame.difference()``) without depending on fairlearn.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from oraclelab.elicit._elicited_metric import _label_indices
from oraclelab.elicit._geometry import n_rates
from oraclelab.elicit._rate_space import confusion_rates, rate_pairs
from oraclelab.elicit.fair._group_data import group_shares
from oraclelab.elicit.fair._groups import group_pairs
from oraclelab.errors import DataFileError, ParameterError
from oraclelab.runs._atomic import atomic_write_text

__all__ = ["ElicitedFairMetric", "FAIR_FORMAT_VERSION"]

FAIR_FORMAT_VERSION = 1
_KIND = "oraclelab.ElicitedFairMetric"


@dataclass(frozen=True)
class ElicitedFairMetric:
    """An elicited group-fair metric over m groups and k classes.

    Attributes
    ----------
    a : ndarray of shape (q,), ||a|| = 1
    B : ndarray of shape (v, q, q), one symmetric matrix per group pair (g, h), g < h, lexicographic
    lam : float in [0, 1]
    classes : tuple of k str; groups : tuple of m str (the values of the sensitive feature)
    uncertainty : mapping of optional plain values (standard deviations, 90% intervals)
    settings : mapping, the elicitation's settings (plain JSON values)
    """

    a: np.ndarray
    B: np.ndarray
    lam: float
    classes: tuple[str, ...]
    groups: tuple[str, ...]
    uncertainty: Mapping[str, Any] = field(default_factory=dict)
    settings: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        classes, groups = tuple(str(c) for c in self.classes), tuple(str(g) for g in self.groups)
        if len(classes) < 2 or len(set(classes)) != len(classes) or len(groups) < 2 or len(set(groups)) != len(groups):
            raise ParameterError(f"ElicitedFairMetric needs at least two distinct classes and groups. Got {list(classes)} and {list(groups)}.")
        q, v = n_rates(len(classes)), len(groups) * (len(groups) - 1) // 2
        a, B = np.asarray(self.a, dtype=np.float64), np.asarray(self.B, dtype=np.float64)
        if a.shape != (q,) or B.shape != (v, q, q):
            raise ParameterError(f"ElicitedFairMetric for {len(classes)} classes and {len(groups)} groups needs a of shape {(q,)} "
                                 f"and B of shape {(v, q, q)}. Got {a.shape} and {B.shape}.")
        if not (np.all(np.isfinite(a)) and np.all(np.isfinite(B)) and 0.0 <= float(self.lam) <= 1.0):
            raise ParameterError(f"ElicitedFairMetric needs finite a and B and lam in [0, 1]. Got lam = {self.lam!r}.")
        if np.abs(B - np.swapaxes(B, 1, 2)).max() > 1e-9 * max(1.0, np.abs(B).max()):
            raise ParameterError("The 'B' of ElicitedFairMetric must hold symmetric matrices.")
        for name, value in (("classes", classes), ("groups", groups), ("a", a), ("B", B), ("lam", float(self.lam)),
                            ("uncertainty", dict(self.uncertainty or {})), ("settings", dict(self.settings or {}))):
            object.__setattr__(self, name, value)

    def _rows(self, y_true: Any, y_pred: Any, sensitive_features: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Class indices of y_true and y_pred and group indices, each (n,); unknown groups and lengths refused."""
        y = _label_indices(y_true, self.classes, "y_true")
        p = _label_indices(y_pred, self.classes, "y_pred")
        names = [str(s) for s in np.asarray(sensitive_features, dtype=object).ravel().tolist()]
        if not (y.size == p.size == len(names)):
            raise ParameterError(f"'y_true', 'y_pred' and 'sensitive_features' have {y.size}, {p.size} and {len(names)} rows; "
                                 f"the lengths must match.")
        index = {g: i for i, g in enumerate(self.groups)}
        unknown = [n for n in names if n not in index]
        if unknown:
            raise ParameterError(f"'sensitive_features': group {unknown[0]!r} is not one of the metric's groups {list(self.groups)}.")
        return y, p, np.array([index[n] for n in names], dtype=np.int64)

    def group_rates(self, y_true: Any, y_pred: Any, *, sensitive_features: Any) -> np.ndarray:
        """Rates of each group's rows, shape (m, q); a group with no rows of some class is refused."""
        y, p, g = self._rows(y_true, y_pred, sensitive_features)
        k = len(self.classes)
        rates = []
        for index, name in enumerate(self.groups):
            rows = g == index
            present = np.bincount(y[rows], minlength=k)
            if np.any(present == 0):
                raise ParameterError(f"group {name!r} has no rows of class {self.classes[int(np.argmin(present))]!r}; "
                                     f"its rates are undefined.")
            rates.append(confusion_rates(y[rows], p[rows], k))
        return np.array(rates)

    def parts(self, y_true: Any, y_pred: Any, *, sensitive_features: Any) -> dict[str, Any]:
        """The score's parts: overall rates (q,), per-group rates (m, q), performance term, one fairness term per pair (v,)."""
        rates = self.group_rates(y_true, y_pred, sensitive_features=sensitive_features)
        y, _, g = self._rows(y_true, y_pred, sensitive_features)
        overall = np.sum(group_shares(y, g, len(self.groups), len(self.classes)) * rates, axis=0)
        pairs = group_pairs(len(self.groups))
        gaps = rates[pairs[:, 0]] - rates[pairs[:, 1]]
        fairness = 0.5 * self.lam * np.einsum("vi,vij,vj->v", gaps, self.B, gaps)
        return {"overall": overall, "by_group": rates, "performance": (1 - self.lam) * float(self.a @ overall),
                "fairness": fairness}

    def score(self, y_true: Any, y_pred: Any, *, sensitive_features: Any) -> float:
        """The fair metric of the predictions (greater is better)."""
        parts = self.parts(y_true, y_pred, sensitive_features=sensitive_features)
        return float(parts["performance"] + parts["fairness"].sum())

    def _scorer_score(self, y_true: Any, y_pred: Any, sensitive_features: Any = None) -> float:
        if sensitive_features is None:
            raise ParameterError("The fair scorer needs 'sensitive_features': pass params={'sensitive_features': ...} "
                                 "with metadata routing enabled (sklearn.set_config(enable_metadata_routing=True)).")
        return self.score(y_true, y_pred, sensitive_features=sensitive_features)

    def make_scorer(self) -> Any:
        """A scikit-learn scorer (greater is better) requesting ``sensitive_features`` by metadata routing.

        Enable routing first (``sklearn.set_config(enable_metadata_routing=True)``), then pass
        ``params={"sensitive_features": s}`` to ``cross_val_score`` or ``GridSearchCV.fit``.
        """
        import sklearn
        from sklearn.metrics import make_scorer

        scorer = make_scorer(self._scorer_score, greater_is_better=True)
        if sklearn.get_config().get("enable_metadata_routing", False):
            scorer = scorer.set_score_request(sensitive_features=True)
        return scorer

    def rate_names(self) -> list[str]:
        """A name per rate entry: 'P(pred j | true i)' with the class names."""
        true, pred = rate_pairs(len(self.classes))
        return [f"P(pred {self.classes[j]} | true {self.classes[i]})" for i, j in zip(true, pred)]

    def report(self, y_true: Any, y_pred: Any, *, sensitive_features: Any) -> dict[str, Any]:
        """The metric's parts in Fairlearn's terms, as plain values.

        by_group: {group: {rate: value}} (``MetricFrame.by_group``); overall: {rate: value};
        largest_gaps: {rate: {difference, highest, lowest}} (``MetricFrame.difference()`` with
        its groups); performance and fairness terms (per pair 'g vs h') and the score.
        """
        parts = self.parts(y_true, y_pred, sensitive_features=sensitive_features)
        names, rates = self.rate_names(), parts["by_group"]
        gaps = {}
        for i, name in enumerate(names):
            high, low = int(np.argmax(rates[:, i])), int(np.argmin(rates[:, i]))
            gaps[name] = {"difference": float(rates[high, i] - rates[low, i]), "highest": self.groups[high],
                          "lowest": self.groups[low]}
        pairs = [f"{self.groups[g]} vs {self.groups[h]}" for g, h in group_pairs(len(self.groups))]
        return {
            "by_group": {group: dict(zip(names, map(float, rates[g]))) for g, group in enumerate(self.groups)},
            "overall": dict(zip(names, map(float, parts["overall"]))),
            "largest_gaps": gaps,
            "performance": float(parts["performance"]),
            "fairness": dict(zip(pairs, map(float, parts["fairness"]))),
            "score": float(parts["performance"] + parts["fairness"].sum()),
            "lam": self.lam,
        }

    def to_dict(self) -> dict:
        """The versioned JSON document as plain Python values."""
        return {"format_version": FAIR_FORMAT_VERSION, "kind": _KIND, "classes": list(self.classes),
                "groups": list(self.groups), "a": self.a.tolist(), "B": self.B.tolist(), "lam": self.lam,
                "uncertainty": {key: np.asarray(value).tolist() for key, value in self.uncertainty.items()},
                "settings": dict(self.settings)}

    def save(self, path: str | Path) -> Path:
        """Write the JSON document atomically; returns the path."""
        return atomic_write_text(path, json.dumps(self.to_dict(), indent=2, allow_nan=False) + "\n")

    @classmethod
    def load(cls, path: str | Path) -> "ElicitedFairMetric":
        """Read a metric written by ``save``; one-line DataFileError on bad JSON, fields or shapes."""
        path = Path(path)
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
            raise DataFileError(f"{path}: cannot be read as JSON ({err.__class__.__name__}).") from None
        if not isinstance(doc, dict) or doc.get("kind") != _KIND:
            raise DataFileError(f"{path}: not an oraclelab ElicitedFairMetric (field 'kind' is not {_KIND!r}).")
        if doc.get("format_version") != FAIR_FORMAT_VERSION:
            raise DataFileError(f"{path}: field 'format_version' is {doc.get('format_version')!r}; this version reads {FAIR_FORMAT_VERSION}.")
        missing = [key for key in ("classes", "groups", "a", "B", "lam") if key not in doc]
        if missing:
            raise DataFileError(f"{path}: missing field {missing[0]!r}.")
        try:
            return cls(np.asarray(doc["a"], dtype=np.float64), np.asarray(doc["B"], dtype=np.float64), float(doc["lam"]),
                       tuple(doc["classes"]), tuple(doc["groups"]), doc.get("uncertainty") or {}, doc.get("settings") or {})
        except (ParameterError, TypeError, ValueError) as err:
            raise DataFileError(f"{path}: {err}") from None
