"""Recompute every participant's elicited metric from a study's log alone (no data needed)."""

from __future__ import annotations

from pathlib import Path

from oraclelab.elicit.person._session import PersonResult, SessionState, StudyRecord
from oraclelab.elicit.person._store import SessionStore
from oraclelab.errors import DataFileError

__all__ = ["replay"]


def replay(path: str | Path) -> tuple[StudyRecord, list[PersonResult]]:
    """The study record and each participant's result, rebuilt by replaying the logged answers in order.

    ``path`` is a study's ``study.sqlite`` (or the folder holding it). Each replayed question
    is checked against the logged one, so a log that its settings do not reproduce is refused.
    """
    path = Path(path)
    if path.is_dir():
        path = path / "study.sqlite"
    with SessionStore(path, read_only=True) as store:
        stored = store.meta("study")
        if stored is None:
            raise DataFileError(f"{path}: holds no study.")
        record = StudyRecord.from_dict(stored)
        results = [SessionState(record, p, store.events(p.id)).result(log_path=str(path)) for p in store.participants()]
    return record, results
