"""The one exception tree of oraclelab: every user mistake is an ``OracleLabError``.

The CLI prints such an error as one line on stderr and exits with code 2; library code
raises the most specific subclass so callers can catch what they can handle.
"""

from __future__ import annotations

__all__ = [
    "OracleLabError",
    "ParameterError",
    "DataFileError",
    "FormulaError",
    "RunError",
    "RunExistsError",
]


class OracleLabError(Exception):
    """Root of every error caused by input the user can fix."""


class ParameterError(OracleLabError, ValueError):
    """A parameter or array has the wrong value, shape or type; the message names it."""


class DataFileError(OracleLabError):
    """A file the user gave cannot be read or holds the wrong content; names file and field."""


class FormulaError(OracleLabError):
    """A formula string is not in the whitelisted grammar; names the source, line and column."""


class RunError(OracleLabError):
    """A run folder cannot be created, resumed or read."""


class RunExistsError(RunError):
    """A run folder or sweep already holds a run that could be resumed instead of started again.

    The message names what exists and says how to continue it; the CLI adds its ``--resume`` flag.
    """
