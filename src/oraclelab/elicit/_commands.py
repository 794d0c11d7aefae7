"""``oraclelab elicit ...`` commands (thin: parse options, call the library)."""

from __future__ import annotations

import typer

app = typer.Typer(help="Metric elicitation from pairwise preferences (LPME, QME).", no_args_is_help=True)
