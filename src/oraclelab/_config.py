"""Round-tripping frozen dataclass configs through plain dicts (and so JSON and YAML)."""

from __future__ import annotations

import dataclasses
from typing import Any, ClassVar, Mapping, Sequence, TypeVar

from oraclelab._validation import check_choice
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

    def check_choices(self) -> None:
        """Raise ``ParameterError`` for a field declared with ``option(choices=...)`` holding another value."""
        check_option_choices(self, self.OWNER)


def check_option_choices(config: Any, owner: str) -> None:
    """Raise ``ParameterError`` where a dataclass field declared with ``option(choices=...)`` holds another value."""
    for f in dataclasses.fields(config):
        choices = f.metadata.get("choices")
        value = getattr(config, f.name)
        if choices is not None and value is not None:
            check_choice(value, f.name, owner, choices)


def option(default: Any = dataclasses.MISSING, *, help: str, flag: str | None = None,
           choices: Sequence[str] | None = None, default_factory: Any = dataclasses.MISSING) -> Any:
    """A config field that is also a command-line option: its help, flag and choices live here, once.

    ``oraclelab.cli._options`` builds the option from the field (``--field-name`` unless
    ``flag`` says otherwise; booleans get ``--x/--no-x``); :meth:`DictConfig.check_choices`
    validates ``choices`` for Python callers too.
    """
    metadata = {"help": help, "flag": flag, "choices": None if choices is None else tuple(choices)}
    if default_factory is not dataclasses.MISSING:
        return dataclasses.field(default_factory=default_factory, metadata=metadata)
    return dataclasses.field(default=default, metadata=metadata)
