"""Reading a user's CSV file with a header row: one reader, so every command reports a broken
file the same way (one line naming the file and line)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from oraclelab.errors import DataFileError

__all__ = ["CsvTable", "read_csv_table"]


@dataclass(frozen=True)
class CsvTable:
    """The cells of a CSV file: ``header`` names the columns; ``rows`` are (file line, cells), blank lines left out."""

    path: Path
    header: tuple[str, ...]
    rows: tuple[tuple[int, tuple[str, ...]], ...]

    def column(self, name: str) -> list[tuple[int, str]]:
        """(file line, stripped cell) of column ``name``; a ``DataFileError`` names the columns there are."""
        if name not in self.header:
            raise DataFileError(f"{self.path}: no column {name!r} (columns: {', '.join(self.header)}).")
        at = self.header.index(name)
        return [(line, cells[at].strip()) for line, cells in self.rows]


def read_csv_table(path: str | Path) -> CsvTable:
    """Read ``path``: a missing or unreadable file, no header, or a row with another number of
    fields than the header is a one-line ``DataFileError`` naming the file (and line)."""
    path = Path(path)
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            lines = list(csv.reader(handle))
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise DataFileError(f"{path}: cannot read CSV file ({type(error).__name__}: {error}).") from None
    if not lines:
        raise DataFileError(f"{path}: empty file (expected a header row with column names).")
    header = tuple(cell.strip() for cell in lines[0])
    rows = []
    for line, cells in enumerate(lines[1:], start=2):
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != len(header):
            raise DataFileError(f"{path}: line {line} has {len(cells)} fields, the header {len(header)}.")
        rows.append((line, tuple(cells)))
    return CsvTable(path, header, tuple(rows))
