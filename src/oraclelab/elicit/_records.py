"""Elicitation results in run folders: one ``.npz`` per batch of trials, self-contained.

Each file holds the hidden metrics (when known), the sphere, the estimates, the comparison
counts and the per-trial reliability; for QME the LPME gradients too (so ``oraclelab elicit
worst`` can analyse any run), for active elicitation the posterior standard deviations,
credible intervals, stop reasons and noise levels.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from oraclelab.elicit._active import ActiveResult
from oraclelab.elicit._geometry import Sphere
from oraclelab.elicit._metrics import QuadraticMetric
from oraclelab.elicit._qme import QMEResult
from oraclelab.errors import DataFileError, ParameterError
from oraclelab.runs._run_folder import RunFolder

__all__ = ["EstimateRecord", "error_summary", "save_record", "load_record", "load_metrics_file"]


@dataclass(frozen=True)
class EstimateRecord:
    """A batch of elicited metrics with their truth, as stored in a run folder."""

    label: str
    metric: QuadraticMetric
    sphere: Sphere
    result: QMEResult | ActiveResult
    well_formed: bool
    seconds: float

    @property
    def a_err(self) -> np.ndarray:
        return np.linalg.norm(self.result.a - self.metric.a, axis=1)

    @property
    def B_err(self) -> np.ndarray:
        return np.linalg.norm(self.result.B - self.metric.B, axis=(1, 2))

    @property
    def classes(self) -> int | None:
        """Number of classes k with k*k - k = q, or None when q is not of that form."""
        k = int(round((1 + np.sqrt(1 + 4 * self.sphere.dim)) / 2))
        return k if k * k - k == self.sphere.dim else None

    @property
    def coverage(self) -> float | None:
        """Share of (trial, entry) pairs whose 90% credible interval holds the truth; None without intervals."""
        if not isinstance(self.result, ActiveResult):
            return None
        return float(np.mean(self.result.covered(self.metric.a, self.metric.B)))

    def summary_row(self) -> dict:
        """Headline numbers: sizes, comparisons, seconds, error statistics, unreliable trials (and coverage)."""
        comparisons = self.result.comparisons
        same = bool(np.all(comparisons == comparisons[0]))
        row = {
            "label": self.label,
            "classes": self.classes,
            "q": self.sphere.dim,
            "well_formed": self.well_formed,
            "trials": int(self.metric.n_trials),
            "comparisons_per_run": int(comparisons[0]) if same else float(comparisons.mean()),
            "comparisons_median": float(np.median(comparisons)),
            "seconds": self.seconds,
            "unreliable": int(np.sum(~self.result.reliable)),
        }
        row.update(error_summary("a_err", self.a_err))
        row.update(error_summary("B_err", self.B_err))
        if self.coverage is not None:
            row["coverage"] = self.coverage
        return row


def error_summary(name: str, errors: np.ndarray) -> dict[str, float]:
    """Mean, median, 90th percentile and max of an error array, keyed '<name>_<stat>'.

    Non-finite errors (a degenerate closed form from before estimates were made finite)
    count as infinite, so they sit in the tail without turning the statistics into NaN.
    """
    errors = np.nan_to_num(np.asarray(errors, dtype=np.float64), nan=np.inf, posinf=np.inf)
    with np.errstate(invalid="ignore"):  # interpolating between two infinities
        stats = [np.mean(errors), np.median(errors), np.percentile(errors, 90), np.max(errors)]
    return {f"{name}_{stat}": float(np.nan_to_num(value, nan=np.inf, posinf=np.inf)) for stat, value in zip(("mean", "median", "p90", "max"), stats)}


def save_record(folder: RunFolder, name: str, record: EstimateRecord) -> Path:
    """Write ``record`` to ``folder/name`` atomically."""
    result = record.result
    if isinstance(result, ActiveResult):
        specific = {
            "a_std": result.a_std, "B_std": result.B_std, "a_interval": result.a_interval, "B_interval": result.B_interval,
            "stop_reason": result.stop_reason.astype(str), "posterior_rms": result.posterior_rms,
            "flip_rate": result.flip_rate, "band": result.band, "smoothing": result.smoothing, "kind": np.array(result.kind),
        }
    else:
        specific = {"gradients": result.gradients, "reliable": result.reliable, "unreliable_reason": result.unreliable_reason.astype(str)}
    return folder.write_npz(
        name,
        label=np.array(record.label),
        a=record.metric.a,
        B=record.metric.B,
        a_hat=result.a,
        B_hat=result.B,
        comparisons=result.comparisons,
        origin=record.sphere.origin,
        radius=np.array(record.sphere.radius),
        well_formed=np.array(record.well_formed),
        seconds=np.array(record.seconds),
        **specific,
    )


def _open_npz(path: Path) -> dict[str, np.ndarray]:
    if not path.is_file():
        raise DataFileError(f"{path}: file not found.")
    try:
        with np.load(path, allow_pickle=False) as data:
            return {key: data[key] for key in data.files}
    except (OSError, ValueError, zipfile.BadZipFile) as error:
        raise DataFileError(f"{path}: not a readable .npz file ({' '.join(str(error).split())}).") from None


def load_record(path: str | Path) -> EstimateRecord:
    """Read a record written by ``save_record``."""
    path = Path(path)
    data = _open_npz(path)
    active = "stop_reason" in data
    specific = ("a_std", "B_std", "a_interval", "B_interval", "stop_reason", "posterior_rms", "flip_rate", "band") if active else ("gradients",)
    missing = [k for k in ("a", "B", "a_hat", "B_hat", "comparisons", "origin", "radius") + specific if k not in data]
    if missing:
        raise DataFileError(f"{path}: missing field '{missing[0]}' (not an oraclelab estimates file).")
    if active:
        result = ActiveResult(
            a=data["a_hat"], B=data["B_hat"], comparisons=data["comparisons"], kind=str(data.get("kind", "quadratic")),
            smoothing=data.get("smoothing"),
            **{k: data[k] for k in specific},
        )
    else:
        result = QMEResult(data["a_hat"], data["B_hat"], data["gradients"], data["comparisons"],
                           data.get("reliable"), data.get("unreliable_reason"))
    return EstimateRecord(
        label=str(data.get("label", path.stem)),
        metric=QuadraticMetric(data["a"], data["B"]),
        sphere=Sphere(data["origin"], float(data["radius"])),
        result=result,
        well_formed=bool(data.get("well_formed", False)),
        seconds=float(data.get("seconds", np.nan)),
    )


def load_metrics_file(path: str | Path) -> tuple[QuadraticMetric, Sphere]:
    """Hidden metrics to elicit from a user's ``.npz``: ``a`` (T, q), ``B`` (T, q, q),
    optional ``origin`` (q,) and ``radius`` (default: the unit sphere at the origin).

    Every problem is reported in one line naming the file and the field.
    """
    path = Path(path)
    data = _open_npz(path)
    for key in ("a", "B"):
        if key not in data:
            raise DataFileError(f"{path}: missing field '{key}' (expected 'a' [T, q] and 'B' [T, q, q]).")
    try:
        metric = QuadraticMetric(data["a"], data["B"], require_positive_definite=True)
        q = metric.dim
        origin = data.get("origin", np.zeros(q))
        if np.ndim(origin) != 1 or np.shape(origin)[0] != q:
            raise ParameterError(f"The 'origin' field must have shape ({q},). Got shape {np.shape(origin)}.")
        radius = data.get("radius", np.array(1.0))
        if np.size(radius) != 1:
            raise ParameterError(f"The 'radius' field must be one number. Got shape {np.shape(radius)}.")
        sphere = Sphere(origin, float(np.ravel(radius)[0]))
    except ParameterError as error:
        message = str(error).replace(" parameter of QuadraticMetric", " field").replace(" parameter of Sphere", " field")
        raise DataFileError(f"{path}: {message}") from None
    return metric, sphere
