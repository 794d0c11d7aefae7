"""Importing ``oraclelab`` puts MKL in reproducible mode before torch's first product, as MKL reports it itself."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest
import torch

pytestmark = pytest.mark.skipif(not torch.backends.mkl.is_available(), reason="torch is built without MKL here")

PRODUCT = "import oraclelab, torch; a = torch.ones(64, 64); a @ a"


def _mkl_report(**env: str) -> str:
    """MKL's verbose line for one matrix product in a fresh interpreter that imported oraclelab first."""
    clean = {k: v for k, v in os.environ.items() if k not in ("MKL_CBWR", "MKL_DYNAMIC", "OMP_DYNAMIC")}
    done = subprocess.run([sys.executable, "-c", PRODUCT], env={**clean, "MKL_VERBOSE": "1", **env},
                          capture_output=True, text=True, timeout=120, check=True)
    lines = [line for line in done.stdout.splitlines() if "GEMM" in line]
    assert lines, f"MKL reported no product: {done.stdout!r}"
    return lines[0]


def test_import_turns_off_dynamic_threads_and_turns_on_reproducibility_mode():
    report = _mkl_report()
    assert re.search(r"\bDyn:0\b", report), report
    assert re.search(r"\bCNR:AUTO\b", report), report


def test_a_setting_the_user_made_is_kept():
    report = _mkl_report(MKL_CBWR="COMPATIBLE", MKL_DYNAMIC="TRUE")
    assert re.search(r"\bCNR:COMPATIBLE\b", report), report
    assert re.search(r"\bDyn:1\b", report), report
