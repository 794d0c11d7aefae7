"""Round-tripping frozen dataclass configs through plain dicts (and so JSON and YAML)."""

from __future__ import annotations

import dataclasses
from typing import Any, ClassVar, Mapping, TypeVar

from oraclelab.errors import ParameterError

C = TypeVar("C", bound="DictConfig")


class DictConfig:
    """Mixin for frozen dataclass configs: ``to_dict`` and a ``from_dict`` that names unknown keys."""

    OWNER: ClassVar[str] = "config"

    def to_dict(self) -> dict[str, Any]:
        """Field name -> value, tuples as lists and mappings as dicts."""
        def plain(value: Any) -> Any:
            if isinstance(value, tuple):
                return list(value)
            if isinstance(value, Mapping):
                return dict(value)
            return value

        return {f.name: plain(getattr(self, f.name)) for f in dataclasses.fields(self)}  # type: ignore[arg-type]

    @classmethod
    def from_dict(cls: type[C], data: Mapping[str, Any]) -> C:
        """Build from a mapping, refusing unknown keys with a message naming them."""
        names = {f.name for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
        unknown = sorted(set(data) - names)
        if unknown:
            raise ParameterError(f"{cls.OWNER} has no parameter {unknown[0]!r}; known: {', '.join(sorted(names))}.")
        return cls(**data)
