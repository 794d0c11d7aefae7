"""FPME results in run folders: one self-contained ``.npz`` per (groups, classes) configuration.

Each file holds the hidden fair metrics and sphere, the estimates, the QME estimates and
gradients of every parameterisation, the scale estimates, the comparison counts and the
per-trial reliability, so a study can be resumed and any trial analysed again. Active mode's
files hold its posterior standard deviations, 90% intervals, stop reasons and noise levels instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from oraclelab.elicit._geometry import Sphere
from oraclelab.elicit._records import _open_npz, error_summary
from oraclelab.elicit.fair._active import FairActiveResult
from oraclelab.elicit.fair._error_metrics import fair_errors
from oraclelab.elicit.fair._fpme import FairResult, check_fair_gradients
from oraclelab.elicit.fair._metric import FairMetric
from oraclelab.errors import DataFileError, ParameterError
from oraclelab.runs._run_folder import RunFolder

__all__ = ["FairRecord", "save_fair_record", "load_fair_record", "TRIAL_COLUMNS"]

#: Columns of a fair study's trials.csv.
TRIAL_COLUMNS = ("groups", "classes", "q", "trial", "a_err", "B_err", "lambda_err", "lam", "lam_hat", "comparisons",
                 "reliable", "unreliable_reason", "inconsistent_gradients")
_RESULT_FIELDS = ("comparisons", "qme_a", "qme_B", "gradients", "scales", "reliable", "unreliable_reason")
_ACTIVE_FIELDS = ("a_std", "B_std", "lam_std", "a_interval", "B_interval", "lam_interval", "comparisons", "stop_reason",
                  "posterior_rms", "flip_rate", "band")


@dataclass(frozen=True)
class FairRecord:
    """A batch of elicited fair metrics with their truth, as stored in a run folder."""

    label: str
    metric: FairMetric
    sphere: Sphere
    result: FairResult | FairActiveResult
    seconds: float

    @property
    def errors(self) -> dict[str, np.ndarray]:
        """a_err, B_err and lambda_err per trial (``fair_errors``)."""
        return fair_errors(self.result.a, self.result.B, self.result.lam, self.metric)

    @property
    def classes(self) -> int:
        """Number of classes k, from q = k*k - k."""
        return int(round((1 + np.sqrt(1 + 4 * self.sphere.dim)) / 2))

    def summary_row(self) -> dict:
        """Headline numbers: sizes, comparisons, seconds, unreliable trials and error statistics."""
        comparisons = self.result.comparisons
        same = bool(np.all(comparisons == comparisons[0]))
        row = {
            "label": self.label, "groups": self.metric.groups, "classes": self.classes, "q": self.sphere.dim,
            "trials": self.metric.n_trials,
            "comparisons_per_run": int(comparisons[0]) if same else float(comparisons.mean()),
            "comparisons_median": float(np.median(comparisons)),
            "seconds": self.seconds,
            "unreliable": int(np.sum(~self.result.reliable)),
        }
        for name, values in self.errors.items():
            row.update(error_summary(name, values))
        if isinstance(self.result, FairActiveResult):
            row.update(self._coverage())
        return row

    def _coverage(self) -> dict:
        """Share of true lam and of true a, B entries inside the active mode's 90% intervals."""
        result, metric = self.result, self.metric
        def inside(interval: np.ndarray, truth: np.ndarray) -> float:
            return float(np.mean((interval[..., 0] <= truth) & (truth <= interval[..., 1])))
        return {"lambda_coverage": inside(result.lam_interval, metric.lam), "a_coverage": inside(result.a_interval, metric.a),
                "B_coverage": inside(result.B_interval, metric.B), "flip_rate_median": float(np.median(result.flip_rate))}

    def trial_rows(self) -> list[dict]:
        """One row per trial, with the ``TRIAL_COLUMNS`` (the gradient-inconsistency report joined by '; ')."""
        errors, result = self.errors, self.result
        active = isinstance(result, FairActiveResult)
        check = None if active else check_fair_gradients(result, self.metric, self.sphere)
        return [{
            "groups": self.metric.groups, "classes": self.classes, "q": self.sphere.dim, "trial": t,
            **{name: float(values[t]) for name, values in errors.items()},
            "lam": float(self.metric.lam[t]), "lam_hat": float(result.lam[t]), "comparisons": int(result.comparisons[t]),
            "reliable": bool(result.reliable[t]), "unreliable_reason": str(result.unreliable_reason[t]),
            "inconsistent_gradients": "" if check is None else "; ".join(check.report(t)),
        } for t in range(self.metric.n_trials)]


def save_fair_record(folder: RunFolder, name: str, record: FairRecord) -> Path:
    """Write ``record`` to ``folder/name`` atomically."""
    result, metric = record.result, record.metric
    fields = _ACTIVE_FIELDS if isinstance(result, FairActiveResult) else _RESULT_FIELDS
    return folder.write_npz(
        name, label=np.array(record.label), seconds=np.array(record.seconds),
        a=metric.a, B=metric.B, lam=metric.lam, shares=metric.shares,
        origin=record.sphere.origin, radius=np.array(record.sphere.radius),
        a_hat=result.a, B_hat=result.B, lam_hat=result.lam,
        **{key: getattr(result, key) for key in fields},
    )


def load_fair_record(path: str | Path) -> FairRecord:
    """Read a record written by ``save_fair_record``; a broken file raises ``DataFileError`` naming it."""
    path = Path(path)
    data = _open_npz(path)
    result_fields = _ACTIVE_FIELDS if "stop_reason" in data else _RESULT_FIELDS
    fields = ("a", "B", "lam", "shares", "origin", "radius", "a_hat", "B_hat", "lam_hat") + result_fields
    missing = [key for key in fields if key not in data]
    if missing:
        raise DataFileError(f"{path}: missing field '{missing[0]}' (not an oraclelab fair estimates file).")
    try:
        metric = FairMetric(data["a"], data["B"], data["lam"], data["shares"])
        sphere = Sphere(data["origin"], float(data["radius"]))
    except (ParameterError, TypeError) as error:
        raise DataFileError(f"{path}: {error}") from None
    kind = FairActiveResult if "stop_reason" in data else FairResult
    result = kind(a=data["a_hat"], B=data["B_hat"], lam=data["lam_hat"], **{key: data[key] for key in result_fields})
    return FairRecord(str(data.get("label", path.stem)), metric, sphere, result, float(data.get("seconds", np.nan)))
