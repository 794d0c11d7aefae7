"""Commands whose sweep trials can run several at once in one process, registered by their owners.

``runs`` knows no command: a command group registers a :class:`BatchRunner` saying which of
its options may differ between the trials of one batch and which command runs a job file
of several trials. A sweep with ``batch`` > 1 looks its command up here.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Sequence

__all__ = ["BatchRunner", "register_batch_runner", "find_batch_runner", "command_words"]


@dataclass(frozen=True)
class BatchRunner:
    """How the trials of ``command`` run in batches (plain data, so it pickles to any worker).

    Attributes
    ----------
    command : the command words, e.g. ``("symbolic", "train-critic")``.
    per_model_options : option flags (``"--lr"``) whose values may differ within one batch.
    job_command : the command words that run a job file of several trials; the sweep
        appends the file's path. The file is ``{"entries": [{"argv": [options after
        the command words], "folder": run folder}, ...]}``.
    """

    command: tuple[str, ...]
    per_model_options: tuple[str, ...]
    job_command: tuple[str, ...]


_RUNNERS: dict[tuple[str, ...], BatchRunner] = {}


def register_batch_runner(runner: BatchRunner) -> None:
    """Make ``runner.command``'s trials batchable (registering the same command again replaces it)."""
    _RUNNERS[runner.command] = runner


def command_words(command: Sequence[str]) -> tuple[str, ...]:
    """The command's leading words before its first option (``symbolic train-critic``)."""
    return tuple(itertools.takewhile(lambda word: not word.startswith("-"), command))


def find_batch_runner(command: Sequence[str]) -> BatchRunner | None:
    """The runner registered for ``command`` (its leading words), or None."""
    return _RUNNERS.get(command_words(command))
