"""Objects holding a resource (a database connection, a store): ``close()`` releases it, ``with`` closes it on exit."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import TypeVar

__all__ = ["Closeable"]

C = TypeVar("C", bound="Closeable")


class Closeable(ABC):
    """A resource holder usable in a ``with`` block, closed when the block ends."""

    @abstractmethod
    def close(self) -> None:
        """Release the resource."""

    def __enter__(self: C) -> C:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
