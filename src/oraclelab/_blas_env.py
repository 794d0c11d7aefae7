"""Environment settings under which MKL (torch's BLAS on x86) gives the same bits from run to run.

By default MKL may run a product on fewer threads than asked (``MKL_DYNAMIC``, its own
choice at run time) and runs outside its reproducibility mode (``MKL_CBWR``), and two runs
of one seed can part in the last bits: a discovery run killed and resumed on the CI
machine ended with validation loss 0.02301475 where the uninterrupted run had 0.02301474,
and symbolic regression turned that into another formula. On this project's own 2-core
machine the two settings leave every bit as it was. MKL reads these variables once,
at its first call, so they are set when ``oraclelab`` is imported, before any product;
a value already in the environment is kept.
"""

from __future__ import annotations

import os

REPRODUCIBLE_BLAS = {"MKL_DYNAMIC": "FALSE", "OMP_DYNAMIC": "FALSE", "MKL_CBWR": "AUTO"}


def prefer_reproducible_blas() -> None:
    """Set each of ``REPRODUCIBLE_BLAS`` not already set in the environment."""
    for name, value in REPRODUCIBLE_BLAS.items():
        os.environ.setdefault(name, value)
