"""Elicitation results in run folders: one ``.npz`` per batch of trials, self-contained.

Each file holds the hidden metrics (when known), the sphere, the estimates, the LPME
gradients and the comparison counts, so ``oraclelab elicit worst`` can analyse any run.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

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
    result: QMEResult
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

    def summary_row(self) -> dict:
        """Headline numbers: sizes, comparisons per run, seconds and error statistics."""
        comparisons = self.result.comparisons
        same = bool(np.all(comparisons == comparisons[0]))
        row = {
            "label": self.label,
            "classes": self.classes,
            "q": self.sphere.dim,
            "well_formed": self.well_formed,
            "trials": int(self.metric.n_trials),
            "comparisons_per_run": int(comparisons[0]) if same else float(comparisons.mean()),
            "seconds": self.seconds,
        }
        row.update(error_summary("a_err", self.a_err))
        row.update(error_summary("B_err", self.B_err))
        return row


def error_summary(name: str, errors: np.ndarray) -> dict[str, float]:
    """Mean, median, 90th percentile and max of an error array, keyed '<name>_<stat>'."""
    return {
        f"{name}_mean": float(np.mean(errors)),
        f"{name}_median": float(np.median(errors)),
        f"{name}_p90": float(np.percentile(errors, 90)),
        f"{name}_max": float(np.max(errors)),
    }


def save_record(folder: RunFolder, name: str, record: EstimateRecord) -> Path:
    """Write ``record`` to ``folder/name`` atomically."""
    return folder.write_npz(
        name,
        label=np.array(record.label),
        a=record.metric.a,
        B=record.metric.B,
        a_hat=record.result.a,
        B_hat=record.result.B,
        gradients=record.result.gradients,
        comparisons=record.result.comparisons,
        origin=record.sphere.origin,
        radius=np.array(record.sphere.radius),
        well_formed=np.array(record.well_formed),
        seconds=np.array(record.seconds),
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
    missing = [k for k in ("a", "B", "a_hat", "B_hat", "gradients", "comparisons", "origin", "radius") if k not in data]
    if missing:
        raise DataFileError(f"{path}: missing field '{missing[0]}' (not an oraclelab estimates file).")
    result = QMEResult(data["a_hat"], data["B_hat"], data["gradients"], data["comparisons"])
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
