"""oraclelab: learning from a judge.

Two systems share this package: ``oraclelab.elicit`` recovers a performance metric from
pairwise preferences between classifiers (LPME, QME), and ``oraclelab.symbolic`` trains
critics that tell formulas from neural-network latents. Importing ``oraclelab`` is cheap:
it does not import torch.
"""

from oraclelab.errors import (
    DataFileError,
    FormulaError,
    OracleLabError,
    ParameterError,
    RunError,
    RunExistsError,
)

__version__ = "0.1.0"

__all__ = [
    "__version__",
    "OracleLabError",
    "ParameterError",
    "DataFileError",
    "FormulaError",
    "RunError",
    "RunExistsError",
]
