"""Shared test fixtures: the repository root, the shared reference data, CLI runs."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT.parent / "shared" / "reference"

os.environ.setdefault("ORACLELAB_PROGRESS", "0")
os.environ.setdefault("MPLBACKEND", "Agg")


@pytest.fixture
def run_cli(capsys):
    """Run ``oraclelab`` in-process: returns (exit code, stdout, stderr)."""
    from oraclelab.cli import main

    def run(*args: str) -> tuple[int, str, str]:
        code = main([str(a) for a in args])
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return run


@pytest.fixture
def reference_dir() -> Path:
    """../shared/reference, skipping the test when it is not beside the checkout."""
    if not REFERENCE.is_dir():
        pytest.skip(f"reference data not found at {REFERENCE}")
    return REFERENCE
