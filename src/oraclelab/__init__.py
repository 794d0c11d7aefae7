"""oraclelab: learning from a judge.

Two systems share this package: ``oraclelab.elicit`` recovers a performance metric from
pairwise preferences between classifiers (LPME, QME), and ``oraclelab.symbolic`` trains
critics that tell formulas from neural-network latents. Importing ``oraclelab`` is cheap:
it does not import torch. The exception tree of ``oraclelab.errors`` is re-exported here.
Importing it first also asks MKL for reproducible threading (``oraclelab._blas_env``).
"""

from oraclelab._blas_env import prefer_reproducible_blas

from oraclelab.errors import *  # noqa: F403  (the exception tree, as listed in errors.__all__)
from oraclelab.errors import __all__ as _error_names

prefer_reproducible_blas()

__version__ = "0.1.0"

__all__ = ["__version__", *_error_names]
