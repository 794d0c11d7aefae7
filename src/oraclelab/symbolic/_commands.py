"""``oraclelab symbolic ...`` commands (thin: parse options, call the library)."""

from __future__ import annotations

import typer

app = typer.Typer(help="Symbolic critics: formula libraries, random networks, critics.", no_args_is_help=True)
