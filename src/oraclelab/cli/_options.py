"""Command-line options built from config dataclasses, so each option is declared once.

A config field declared with :func:`oraclelab._config.option` carries its help text, flag
and choices. :func:`with_config_options` gives a command every such field of a config class
as a Typer option; the command takes them as ``**options`` and turns them into the config
with :func:`config_from_options`. A new config field is then a new option, with no second
edit.
"""

from __future__ import annotations

import dataclasses
import functools
import inspect
import types
import typing
from pathlib import Path
from typing import Any, Callable, Collection, Mapping, Optional

import typer

__all__ = ["config_from_options", "config_options", "option_flag", "with_config_options"]

#: Field types an option can take as they are.
_SCALARS = (int, float, str, bool)


def _cli_type(annotation: Any, owner: str, name: str) -> tuple[Any, bool]:
    """The option's type for a field type, and whether it is a comma-separated tuple of strings."""
    args = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
    optional = typing.get_origin(annotation) in (typing.Union, types.UnionType) and len(args) == 1
    base = args[0] if optional else annotation
    if typing.get_origin(base) is tuple:
        return Optional[str], True
    if base in _SCALARS:
        return (Optional[base] if optional else base), False
    raise TypeError(f"{owner}.{name}: a field of type {annotation!r} cannot be a command-line option; "
                    f"declare it with dataclasses.field and parse it in the command.")


def _option_fields(config_cls: type, skip: Collection[str], only: Collection[str] | None = None
                   ) -> list[tuple[dataclasses.Field, Any, bool]]:
    hints = typing.get_type_hints(config_cls)
    found = []
    for f in dataclasses.fields(config_cls):
        if "help" in f.metadata and f.name not in skip and (only is None or f.name in only):
            cli_type, is_list = _cli_type(hints[f.name], config_cls.__name__, f.name)
            found.append((f, cli_type, is_list))
    return found


def _default(f: dataclasses.Field) -> Any:
    if f.default is not dataclasses.MISSING:
        return f.default
    if f.default_factory is not dataclasses.MISSING:
        return f.default_factory()
    return ...


def option_flag(config_cls: type, name: str) -> str:
    """The command-line flag of the ``option`` field ``name`` of ``config_cls`` (``--field-name`` unless declared)."""
    f = {f.name: f for f in dataclasses.fields(config_cls)}[name]
    return f.metadata.get("flag") or "--" + name.replace("_", "-")


def config_options(config_cls: type, *, skip: Collection[str] = (), only: Collection[str] | None = None,
                   defaults: Mapping[str, Any] | None = None) -> list[inspect.Parameter]:
    """Keyword-only Typer parameters, one per ``option`` field of ``config_cls`` (``only`` these, less ``skip``);
    ``defaults`` replaces a field's default for this command."""
    parameters = []
    for f, cli_type, is_list in _option_fields(config_cls, skip, only):
        flag = option_flag(config_cls, f.name)
        if cli_type is bool and "/" not in flag:
            flag = f"{flag}/--no-{flag[2:]}"
        default = (defaults or {}).get(f.name, _default(f))
        if is_list and default not in (None, ...):
            default = ",".join(default) or None
        if f.metadata["choices"] is not None:
            choice = typing.Literal[f.metadata["choices"]]  # type: ignore[valid-type]
            cli_type = Optional[choice] if default is None else choice
        help_text = f.metadata["help"] + (" Comma separated." if is_list else "")
        option = typer.Option(default, flag, help=help_text)
        parameters.append(inspect.Parameter(f.name, inspect.Parameter.KEYWORD_ONLY, default=option, annotation=cli_type))
    return parameters


def config_from_options(config_cls: type, options: Mapping[str, Any], **overrides: Any) -> Any:
    """The config that parsed ``options`` mean (comma-separated lists split), with ``overrides`` on top."""
    values: dict[str, Any] = {}
    for f, _, is_list in _option_fields(config_cls, ()):
        if f.name not in options:
            continue
        value = options[f.name]
        if isinstance(value, Path):
            value = str(value)
        if is_list and isinstance(value, str):
            value = tuple(part.strip() for part in value.split(",") if part.strip())
        values[f.name] = value
    values.update(overrides)
    return config_cls(**values)


def with_config_options(command: Callable[..., Any], config_cls: type, *, skip: Collection[str] = (),
                        only: Collection[str] | None = None, defaults: Mapping[str, Any] | None = None
                        ) -> Callable[..., Any]:
    """``command`` with the options of ``config_cls`` added to its own, for ``app.command(...)``.

    ``command`` declares its own options (``--out``, ``--resume``, ...) as usual and takes
    the config's as ``**options``; ``only``, ``skip`` and ``defaults`` as in :func:`config_options`.
    """
    own = [p for p in inspect.signature(command, eval_str=True).parameters.values() if p.kind is not p.VAR_KEYWORD]
    taken = {p.name for p in own}
    added = [p for p in config_options(config_cls, skip=skip, only=only, defaults=defaults) if p.name not in taken]

    @functools.wraps(command)
    def run(**kwargs: Any) -> Any:
        return command(**kwargs)

    run.__signature__ = inspect.Signature([p.replace(kind=p.KEYWORD_ONLY) for p in own] + added)  # type: ignore[attr-defined]
    return run
