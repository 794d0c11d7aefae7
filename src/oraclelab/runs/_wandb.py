"""Optional Weights & Biases mirror of a run folder (the run folder stays the record).

wandb is imported only here, only when a command is given ``--wandb PROJECT``. Offline
mode works as usual: set ``WANDB_MODE=offline``; wandb's files go to ``WANDB_DIR``, else
into the run folder.
"""

from __future__ import annotations

import csv
import logging
import math
import os
from pathlib import Path
from typing import Any

import yaml

from oraclelab.errors import RunError
from oraclelab.runs._run_folder import read_json

__all__ = ["mirror_run_folder", "require_wandb", "flatten"]

_log = logging.getLogger(__name__)


def require_wandb():
    """Import wandb, or raise a one-line ``RunError`` saying how to install it."""
    try:
        import wandb
    except ImportError:
        raise RunError("--wandb needs the wandb package: pip install wandb (or leave out --wandb).") from None
    return wandb


def flatten(data: Any, prefix: str = "") -> dict[str, Any]:
    """Nested dicts and lists as one level of dotted keys ({'rows': [{'x': 1}]} -> {'rows.0.x': 1})."""
    if isinstance(data, dict):
        items = data.items()
    elif isinstance(data, list):
        items = enumerate(data)
    else:
        return {prefix: data}
    flat: dict[str, Any] = {}
    for key, value in items:
        flat.update(flatten(value, f"{prefix}.{key}" if prefix else str(key)))
    return flat


def _number(text: str) -> Any:
    """A CSV cell as int or float when it is one, else the text (empty cells are dropped)."""
    for kind in (int, float):
        try:
            value = kind(text)
        except ValueError:
            continue
        return value if kind is int or math.isfinite(value) else None
    return text


def mirror_run_folder(path: str | Path, project: str, *, rows_file: str = "metrics.csv", name: str | None = None) -> str:
    """Log a finished run folder to wandb: config.yaml as the config, each row of ``rows_file``
    as one step, and summary.json (flattened) as the run summary. Returns the wandb run id."""
    wandb = require_wandb()
    folder = Path(path)
    config_file = folder / "config.yaml"
    config = yaml.safe_load(config_file.read_text(encoding="utf-8")) if config_file.exists() else {}
    run = wandb.init(project=project, name=name or folder.name, dir=os.environ.get("WANDB_DIR", str(folder)), config=flatten(config or {}), reinit="finish_previous")
    try:
        table = folder / rows_file
        if table.exists():
            with table.open(newline="", encoding="utf-8") as handle:
                for row in csv.DictReader(handle):
                    run.log({key: _number(value) for key, value in row.items() if value not in ("", None)})
        if (folder / "summary.json").exists():
            run.summary.update(flatten(read_json(folder / "summary.json")))
        _log.info("Mirrored %s to wandb project %s (run %s)", folder, project, run.id)
        return run.id
    finally:
        run.finish()
