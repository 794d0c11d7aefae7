"""The run folder: the one place that knows how a command's outputs are laid out.

Every command writes ``config.yaml`` (what was asked, seed included), ``summary.json``
(headline numbers, machine-readable), tables, arrays and figures into one folder. All
writes are atomic, so an interrupted run never leaves a half-written file.
"""

from __future__ import annotations

import csv
import io
import json
import math
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping, Sequence

import numpy as np
import yaml

from oraclelab.errors import OracleLabError, RunError, RunExistsError
from oraclelab.runs._atomic import atomic_write_bytes, atomic_write_text, atomic_write_with


def to_plain(value: Any) -> Any:
    """Turn numpy scalars/arrays, paths and tuples into JSON/YAML-friendly Python values."""
    if isinstance(value, Mapping):
        return {str(k): to_plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_plain(v) for v in value]
    if isinstance(value, np.ndarray):
        return to_plain(value.tolist())
    if isinstance(value, np.generic):
        return to_plain(value.item())
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, Path):
        return str(value)
    return value


class RunFolder:
    """A folder holding one run's config, summary, tables, arrays and figures.

    Parameters
    ----------
    path : folder to create (parents too).
    resume : when False, a folder that already holds a ``summary.json`` is refused so that
        finished results are never overwritten by accident.
    """

    def __init__(self, path: str | Path, *, resume: bool = False, overwrite: bool = False) -> None:
        self.path = Path(path)
        if self.path.exists() and not self.path.is_dir():
            raise RunError(f"Run folder {self.path} exists and is not a folder.")
        if (self.path / "summary.json").exists() and not (resume or overwrite):
            raise RunExistsError(
                f"Run folder {self.path} already holds a finished run (summary.json); "
                "choose another folder, or resume it."
            )
        self.path.mkdir(parents=True, exist_ok=True)

    def file(self, name: str) -> Path:
        """Path of ``name`` inside the run folder (sub-folders are created)."""
        target = self.path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        return target

    def write_json(self, name: str, data: Any) -> Path:
        return atomic_write_text(self.file(name), json.dumps(to_plain(data), indent=2) + "\n")

    def read_json(self, name: str) -> Any:
        return read_json(self.path / name)

    def read_yaml(self, name: str) -> Any:
        return read_yaml(self.path / name)

    def write_yaml(self, name: str, data: Any) -> Path:
        return atomic_write_text(self.file(name), yaml.safe_dump(to_plain(data), sort_keys=False))

    def write_config(self, config: Mapping[str, Any]) -> Path:
        return self.write_yaml("config.yaml", config)

    def write_summary(self, summary: Any) -> Path:
        return self.write_json("summary.json", summary)

    def write_npz(self, name: str, **arrays: np.ndarray) -> Path:
        return atomic_write_with(self.file(name), lambda handle: np.savez(handle, **arrays))

    def write_csv(self, name: str, rows: Sequence[Mapping[str, Any]], columns: Iterable[str] | None = None) -> Path:
        columns = list(columns) if columns is not None else list(rows[0].keys()) if rows else []
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        for row in rows:
            writer.writerow(to_plain(dict(row)))
        return atomic_write_text(self.file(name), buffer.getvalue())

    def write_text(self, name: str, text: str) -> Path:
        return atomic_write_text(self.file(name), text)

    def write_bytes(self, name: str, data: bytes) -> Path:
        return atomic_write_bytes(self.file(name), data)


def _read(path: str | Path, parse: Callable[[str], Any], failure: type[Exception], explain: Callable[[Any], str],
          error: type[OracleLabError]) -> Any:
    """``parse`` of the file's text; a missing file or a ``failure`` raises ``error`` in one line."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise error(f"{path}: file not found.") from None
    try:
        return parse(text)
    except failure as problem:
        raise error(f"{path}: {explain(problem)}.") from None


def _yaml_problem(problem: yaml.YAMLError) -> str:
    mark = getattr(problem, "problem_mark", None)
    where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark is not None else ""
    return f"{where}not valid YAML ({getattr(problem, 'problem', None) or problem})"


def read_json(path: str | Path, *, error: type[OracleLabError] = RunError) -> Any:
    """Read a JSON file; a missing or broken one raises ``error`` in one line naming the file and line."""
    return _read(path, json.loads, json.JSONDecodeError, lambda p: f"line {p.lineno}: not valid JSON ({p.msg})", error)


def read_yaml(path: str | Path, *, error: type[OracleLabError] = RunError) -> Any:
    """Read a YAML file; a missing or broken one raises ``error`` in one line naming the file and line."""
    return _read(path, yaml.safe_load, yaml.YAMLError, _yaml_problem, error)
