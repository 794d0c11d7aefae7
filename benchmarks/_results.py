"""Results files that grow one cell at a time across runs and machines (committed under ``benchmarks/results/``).

A cell is a dict with a ``key`` (what was measured: problem, seed, rows, noise, ...); saving
a cell re-reads the file, replaces the cell of the same key and writes atomically, so two
runs side by side do not drop each other's cells.
"""

from __future__ import annotations

import datetime
import json
import os
import subprocess
from pathlib import Path

RESULTS = Path(__file__).parent / "results"


def provenance() -> dict:
    """Which code runs a cell, when it starts, the cores and the load average.

    The commit is ``git describe --always``, with ``-dirty`` when a tracked file other than
    the results files (which every saved cell changes) differs from it.
    """
    def git(*args: str) -> str:
        return subprocess.run(["git", *args], capture_output=True, text=True, cwd=Path(__file__).parent,
                              check=False).stdout.strip()

    commit = git("describe", "--always")
    if commit and git("status", "--porcelain", "--untracked-files=no", "--", ":/", f":(exclude){RESULTS}"):
        commit += "-dirty"
    return {"commit": commit or None, "started": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
            "cores": os.cpu_count(), "load_average_at_start": [round(v, 2) for v in os.getloadavg()]}


def read_cells(path: Path) -> list[dict]:
    """The cells of results file ``path`` (none when it does not exist yet)."""
    return json.loads(path.read_text(encoding="utf-8"))["cells"] if path.exists() else []


def find_cell(path: Path, key: dict) -> dict | None:
    """The cell of ``key`` in ``path``, if it was measured."""
    return next((cell for cell in read_cells(path) if cell["key"] == key), None)


def save_cell(path: Path, cell: dict) -> None:
    """Add ``cell`` to ``path`` (replacing one of the same key), written atomically."""
    cells = [old for old in read_cells(path) if old["key"] != cell["key"]] + [cell]
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    temporary.write_text(json.dumps({"cells": cells}, indent=1, default=str) + "\n", encoding="utf-8")
    temporary.replace(path)
