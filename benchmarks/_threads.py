"""BLAS thread count for a benchmark, set before numpy loads (it reads these variables once)."""

from __future__ import annotations

import os


def limit_blas_threads(threads: int) -> None:
    """Set OMP/OpenBLAS/MKL thread counts to ``threads``; call before the first numpy import."""
    for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[name] = str(threads)
