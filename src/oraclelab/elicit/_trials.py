"""Sizes of objects batched over trials, read off one array: T trials of dimension d."""

from __future__ import annotations

from typing import ClassVar

__all__ = ["TrialBatch"]


class TrialBatch:
    """Mixin: ``n_trials`` and ``dim`` are the first two sizes of the array named by ``BATCHED`` (shape (T, d, ...))."""

    BATCHED: ClassVar[str]

    @property
    def n_trials(self) -> int:
        """The number of trials T."""
        return int(getattr(self, self.BATCHED).shape[0])

    @property
    def dim(self) -> int:
        """The dimension d of each trial (the number of rates q for a metric)."""
        return int(getattr(self, self.BATCHED).shape[1])
