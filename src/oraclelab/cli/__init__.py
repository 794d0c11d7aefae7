"""The ``oraclelab`` command line: one thin module per command group.

``elicit`` (metric elicitation), ``critics`` and ``discovery`` (the ``symbolic`` group) and
``sweep``. Each command parses its options, builds a validated config, calls the library and
hands the result to ``oraclelab.runs``; ``main`` maps every ``OracleLabError`` to one line on
stderr and exit code 2.
"""

from oraclelab.cli._app import USER_ERROR, app, entry, main

__all__ = ["USER_ERROR", "app", "entry", "main"]
