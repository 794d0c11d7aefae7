"""A study's folder as the person commands use it: created or resumed from options, and its result files.

``elicit ask`` and ``elicit serve`` share one rule: a folder that holds a study needs
``--resume``, and settings options given then must match the study's. Both write each
finished participant's ``metric_<name>.json`` and the study's ``summary.json``.
"""

from __future__ import annotations

import dataclasses
import fcntl
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any, Iterator

import typer

from oraclelab.cli._options import config_from_options, option_flag
from oraclelab.elicit.person import PersonSettings
from oraclelab.elicit.person._study import safe_name
from oraclelab.errors import RunError, RunExistsError

__all__ = ["metric_path", "open_study", "study_lock", "write_summary", "save_results"]


def metric_path(folder: Path, name: str) -> Path:
    """Where a participant's elicited metric is saved: ``metric_<name>.json``."""
    return folder / f"metric_{safe_name(name)}.json"


def _holds_study(folder: Path) -> bool:
    """Whether ``folder`` holds a study's store with a study in it."""
    from oraclelab.elicit.person import STORE_NAME, SessionStore

    path = folder / STORE_NAME
    if not path.is_file():
        return False
    with SessionStore(path, read_only=True) as store:
        return store.meta("study") is not None


def _given(context: typer.Context, options: dict[str, Any]) -> set[str]:
    """The settings options typed on the command line (not left at their defaults)."""
    return {name for name in options if getattr(context.get_parameter_source(name), "name", None) == "COMMANDLINE"}


def _check_resumed(stored: PersonSettings, options: dict[str, Any], given: set[str]) -> None:
    """Refuse settings options given with ``--resume`` that differ from the study's."""
    if not given:
        return
    base = {f.name: getattr(stored, f.name) for f in dataclasses.fields(PersonSettings)}
    if given & {"dataset", "data"}:
        base.update(dataset=None, data=None)
    requested = config_from_options(PersonSettings, {name: options[name] for name in given}, **{
        name: value for name, value in base.items() if name not in given})
    old, new = stored.as_dict(), requested.as_dict()
    differ = [name for name in old if old[name] != new[name]]
    if differ:
        shown = ", ".join(f"{option_flag(PersonSettings, name)} {old[name]!r} (given {new[name]!r})" for name in differ)
        raise RunError(f"The study was created with {shown}; resume without these options or with the same values.")


def open_study(context: typer.Context, out: Path, resume: bool, options: dict[str, Any]) -> Any:
    """The study in ``out``: created from the options, or with ``resume`` opened (given options must match)."""
    from oraclelab.elicit.person import PersonStudy

    if out.exists() and not out.is_dir():
        raise RunError(f"{out} exists and is not a folder; --out is the study's folder.")
    if _holds_study(out):
        if not resume:
            raise RunExistsError(f"{out} already holds a study (study.sqlite); choose another folder.")
        study = PersonStudy(out)
        try:
            _check_resumed(study.settings, options, _given(context, options))
        except BaseException:
            study.close()
            raise
        return study
    return PersonStudy(out, config_from_options(PersonSettings, options))


def write_summary(summary: dict, out: Path) -> Path:
    """Write the study's ``summary.json`` (``PersonStudy.summary()``) atomically into ``out``."""
    from oraclelab.runs import RunFolder

    return RunFolder(out, overwrite=True).write_json("summary.json", summary)


def save_results(study: Any, out: Path) -> None:
    """Every finished participant's ``metric_<name>.json`` and the study's ``summary.json``."""
    for participant in study.participants():
        session = study.session(participant)
        if session.progress().finished:
            session.result().metric.save(metric_path(out, participant.name))
    write_summary(study.summary(), out)


def _lock(path: Path, mode: int, message: str, stack: ExitStack) -> None:
    """Take ``mode`` (LOCK_SH or LOCK_EX) on the file at ``path`` for the life of ``stack``, or fail with ``message``."""
    handle = stack.enter_context(open(path, "w"))
    try:
        fcntl.flock(handle, mode | fcntl.LOCK_NB)
    except OSError:
        raise RunError(message) from None


@contextmanager
def study_lock(out: Path, name: str | None = None) -> Iterator[None]:
    """One process per session: ``elicit serve`` (no ``name``) holds the whole study in ``out``;
    ``elicit ask`` holds its participant ``name`` and shares the study with other terminals, never with a server."""
    if out.exists() and not out.is_dir():
        raise RunError(f"{out} exists and is not a folder; --out is the study's folder.")
    out.mkdir(parents=True, exist_ok=True)
    with ExitStack() as stack:
        if name is None:
            _lock(out / ".study.lock", fcntl.LOCK_EX, f"The study in {out} is in use by another process; stop it first.", stack)
        else:
            _lock(out / ".study.lock", fcntl.LOCK_SH, f"The study in {out} is being served ('elicit serve'); "
                                                      "answer in the browser or stop the server first.", stack)
            _lock(out / f".ask_{safe_name(name)}.lock", fcntl.LOCK_EX,
                  f"Another 'elicit ask' is answering as {name!r} in {out}; finish or quit it first.", stack)
        yield
