"""Progress bars for long work, drawn with rich on stderr and silent when not wanted."""

from __future__ import annotations

import contextlib
import os
import sys
from typing import Iterator, Protocol


class ProgressReporter(Protocol):
    """What long-running library code calls to report progress."""

    def advance(self, amount: float = 1.0) -> None: ...

    def describe(self, text: str) -> None: ...


class _SilentProgress:
    def advance(self, amount: float = 1.0) -> None:
        return None

    def describe(self, text: str) -> None:
        return None


class _RichProgress:
    def __init__(self, progress, task_id) -> None:
        self._progress = progress
        self._task = task_id

    def advance(self, amount: float = 1.0) -> None:
        self._progress.advance(self._task, amount)

    def describe(self, text: str) -> None:
        self._progress.update(self._task, description=text)


SILENT: ProgressReporter = _SilentProgress()


def progress_enabled() -> bool:
    """Progress bars are shown unless ORACLELAB_PROGRESS=0 is set."""
    return os.environ.get("ORACLELAB_PROGRESS", "1") != "0"


@contextlib.contextmanager
def progress_bar(description: str, total: float, *, enabled: bool | None = None) -> Iterator[ProgressReporter]:
    """Show a progress bar on stderr for ``total`` units of work."""
    if enabled is None:
        enabled = progress_enabled()
    if not enabled:
        yield SILENT
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

    console = Console(file=sys.stderr)
    columns = (
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=console, transient=False) as progress:
        task_id = progress.add_task(description, total=total)
        yield _RichProgress(progress, task_id)
