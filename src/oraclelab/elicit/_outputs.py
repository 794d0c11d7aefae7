"""Run-folder outputs of elicitation commands: summaries, per-trial tables, figures, worst-case analysis."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np

from oraclelab.elicit._plots import plot_error_histograms, plot_errors_vs_classes
from oraclelab.elicit._qme import GradientCheck, check_gradients, qme_from_true_gradients
from oraclelab.elicit._records import EstimateRecord, load_record
from oraclelab.errors import RunError
from oraclelab.runs._run_folder import RunFolder

__all__ = ["write_trial_table", "write_figures", "WorstCase", "find_worst"]


def write_trial_table(folder: RunFolder, records: Sequence[EstimateRecord], name: str = "trials.csv") -> Path:
    """One row per trial: configuration, trial index, errors, comparisons and reliability (why not, if not)."""
    rows = []
    for record in records:
        result = record.result
        reasons = getattr(result, "unreliable_reason", np.full(len(result.comparisons), ""))
        for trial, (a_err, b_err, count, reliable, reason) in enumerate(
            zip(record.a_err, record.B_err, result.comparisons, result.reliable, reasons)
        ):
            rows.append({
                "label": record.label, "classes": record.classes, "well_formed": record.well_formed,
                "trial": trial, "a_err": float(a_err), "B_err": float(b_err), "comparisons": int(count),
                "reliable": bool(reliable), "unreliable_reason": str(reason),
            })
    return folder.write_csv(name, rows)


def write_figures(folder: RunFolder, records: Sequence[EstimateRecord]) -> list[Path]:
    """Error histograms (a row per record), and errors against k when several k were run."""
    paths = [plot_error_histograms(records, folder.file("error_histograms.png"))]
    rows = [record.summary_row() for record in records]
    if len({row["classes"] for row in rows}) > 1:
        paths.append(plot_errors_vs_classes(rows, folder.file("errors_vs_classes.png")))
    return paths


@dataclass(frozen=True)
class WorstCase:
    """The trial with the largest B_err in a run, dissected."""

    record: EstimateRecord
    trial: int
    check: GradientCheck
    a_true_gradients: np.ndarray
    B_true_gradients: np.ndarray

    def as_dict(self) -> dict:
        t = self.trial
        return {
            "label": self.record.label,
            "trial": t,
            "a_err": float(self.record.a_err[t]),
            "B_err": float(self.record.B_err[t]),
            "cosine_distance": dict(zip(self.check.names, self.check.cosine_distance[t].tolist())),
            "inconsistencies": self.check.report(t),
            "a_err_true_gradients": float(np.linalg.norm(self.a_true_gradients - self.record.metric.a[t])),
            "B_err_true_gradients": float(np.linalg.norm(self.B_true_gradients - self.record.metric.B[t])),
        }


def find_worst(run_dir: str | Path) -> WorstCase:
    """Load every estimates file of a run folder and dissect the trial with the largest B_err."""
    run_dir = Path(run_dir)
    if not run_dir.is_dir():
        raise RunError(f"{run_dir}: run folder not found.")
    files = sorted(run_dir.glob("estimates*.npz"))
    if not files:
        raise RunError(f"{run_dir}: no estimates*.npz files (run 'oraclelab elicit study' or 'elicit run' first).")
    records = [record for record in (load_record(path) for path in files) if hasattr(record.result, "gradients")]
    if not records:
        raise RunError(f"{run_dir}: the worst-case analysis needs QME gradients; this run has active estimates only.")
    record = max(records, key=lambda r: r.B_err.max())
    trial = int(np.argmax(record.B_err))
    check = check_gradients(record.result.gradients, record.metric, record.sphere)
    one = record.metric.take(slice(trial, trial + 1))
    a_true, B_true = qme_from_true_gradients(one, record.sphere)
    return WorstCase(record, trial, check, a_true[0], B_true[0])
