"""The session store: one SQLite file per study holding its settings, participants and event log.

The event log is a table that only grows: triggers refuse UPDATE and DELETE, so an answer,
once written, stays exactly as written. The database runs in WAL mode with full
synchronisation, and ``append`` returns only after the event's transaction is committed; an
answer acknowledged to a person has therefore reached the disk, and a process killed at any
moment loses at most the answer it had not yet acknowledged. Both the terminal and the web
server use this store, and ``oraclelab elicit replay`` reads it.
"""

from __future__ import annotations

import json
import secrets
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from oraclelab._closeable import Closeable
from oraclelab.errors import DataFileError, ParameterError

__all__ = ["SessionStore", "Participant", "Event", "STORE_VERSION"]

#: Schema version written into every store; a store of another version is refused.
STORE_VERSION = 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS participants (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    token TEXT NOT NULL UNIQUE,
    created REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    participant INTEGER NOT NULL REFERENCES participants(id),
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    created REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS events_by_participant ON events (participant, id);
CREATE TRIGGER IF NOT EXISTS events_no_update BEFORE UPDATE ON events
    BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS events_no_delete BEFORE DELETE ON events
    BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;
"""


class Participant(NamedTuple):
    """A row of the participants table: a person's number (their streams' key), name and the secret token of their link."""

    id: int
    name: str
    token: str


@dataclass(frozen=True)
class Event:
    """One entry of the event log: its position, participant, kind ("answer", "undo"), payload and time."""

    id: int
    participant: int
    kind: str
    payload: dict[str, Any]
    created: float


class SessionStore(Closeable):
    """A study's SQLite store (created when missing); safe to share between threads.

    With ``read_only`` the file must already be a store, and nothing is written to it.
    """

    def __init__(self, path: str | Path, *, read_only: bool = False) -> None:
        self.path = Path(path)
        if self.path.exists() and not self.path.is_file():
            raise DataFileError(f"{self.path}: not a file; the session store is a SQLite file.")
        if read_only and not self.path.is_file():
            raise DataFileError(f"{self.path}: no such study log.")
        self._lock = threading.RLock()
        try:
            if read_only:
                self._db = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro", uri=True, check_same_thread=False,
                                           isolation_level=None)
                tables = {row[0] for row in self._db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
                if not {"meta", "participants", "events"} <= tables:
                    self._db.close()
                    raise DataFileError(f"{self.path}: not a session store (no study tables).")
            else:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
                self._db.execute("PRAGMA journal_mode=WAL")
                self._db.execute("PRAGMA synchronous=FULL")
                self._db.execute("PRAGMA foreign_keys=ON")
                self._db.executescript(_SCHEMA)
        except sqlite3.DatabaseError as error:
            if hasattr(self, "_db"):
                self._db.close()
            raise DataFileError(f"{self.path}: not a session store ({error}).") from None
        version = self.meta("store_version")
        if version is None and not read_only:
            self.set_meta("store_version", STORE_VERSION)
        elif version != STORE_VERSION:
            self._db.close()
            raise DataFileError(f"{self.path}: store version {version}; this oraclelab reads version {STORE_VERSION}.")

    def close(self) -> None:
        """Close the database connection."""
        with self._lock:
            self._db.close()

    def meta(self, key: str) -> Any:
        """The JSON value stored under ``key``, or None."""
        with self._lock:
            row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else json.loads(row[0])

    def set_meta(self, key: str, value: Any) -> None:
        """Store ``value`` (plain JSON) under ``key``, committed."""
        with self._lock:
            self._db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, json.dumps(value, sort_keys=True)))

    def add_participant(self, name: str) -> Participant:
        """A new participant with an unguessable token (256 bits); names are unique within a study."""
        name = str(name).strip()
        if not name or len(name) > 200:
            raise ParameterError("A participant's name must be 1 to 200 characters.")
        token = secrets.token_urlsafe(32)
        with self._lock:
            try:
                cursor = self._db.execute("INSERT INTO participants (name, token, created) VALUES (?, ?, ?)", (name, token, time.time()))
            except sqlite3.IntegrityError:
                raise ParameterError(f"A participant named {name!r} is already in this study.") from None
        return Participant(int(cursor.lastrowid), name, token)

    def participants(self) -> list[Participant]:
        """Every participant, in the order they joined."""
        with self._lock:
            rows = self._db.execute("SELECT id, name, token FROM participants ORDER BY id").fetchall()
        return [Participant(int(i), str(n), str(t)) for i, n, t in rows]

    def participant_by_token(self, token: str) -> Participant | None:
        """The participant whose link carries ``token``, or None."""
        for participant in self.participants():
            if secrets.compare_digest(participant.token.encode(), str(token).encode()):
                return participant
        return None

    def participant_by_name(self, name: str) -> Participant | None:
        """The participant called ``name``, or None."""
        return next((p for p in self.participants() if p.name == name), None)

    def append(self, participant: int, kind: str, payload: dict[str, Any]) -> Event:
        """Append one event and commit it before returning."""
        created = time.time()
        text = json.dumps(payload, sort_keys=True, allow_nan=False)
        with self._lock:
            cursor = self._db.execute("INSERT INTO events (participant, kind, payload, created) VALUES (?, ?, ?, ?)",
                                      (participant, kind, text, created))
        return Event(int(cursor.lastrowid), participant, kind, json.loads(text), created)

    def events(self, participant: int | None = None) -> list[Event]:
        """The log in order: every participant's events, or one participant's."""
        query = "SELECT id, participant, kind, payload, created FROM events"
        args: tuple = ()
        if participant is not None:
            query, args = query + " WHERE participant = ?", (participant,)
        with self._lock:
            rows = self._db.execute(query + " ORDER BY id", args).fetchall()
        return [Event(int(i), int(p), k, json.loads(payload), float(c)) for i, p, k, payload, c in rows]
