"""Result tables printed by the commands (rich, on stdout)."""

from __future__ import annotations

from typing import Any


def print_table(title: str, rows: list[dict[str, Any]], *, min_width: int = 0) -> None:
    """One row per dict; floats to 4 significant digits, None as '-'; at least ``min_width`` columns of text wide."""
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title)
    columns = list(rows[0]) if rows else []
    for column in columns:
        table.add_column(column)
    for row in rows:
        table.add_row(*("-" if row[c] is None else f"{row[c]:.4g}" if isinstance(row[c], float) else str(row[c])
                        for c in columns))
    console = Console()
    console.width = max(console.width, min_width)
    console.print(table)
