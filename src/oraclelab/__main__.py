"""``python -m oraclelab`` runs the CLI."""

from oraclelab.cli import entry

entry()
