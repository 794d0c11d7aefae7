"""The session store: an append-only event log that survives reopening, unguessable tokens, clear errors."""

from __future__ import annotations

import sqlite3

import pytest

from oraclelab.elicit.person import SessionStore
from oraclelab.errors import DataFileError, ParameterError


def test_events_survive_reopening_in_order(tmp_path):
    path = tmp_path / "s.sqlite"
    with SessionStore(path) as store:
        ann = store.add_participant("ann")
        bob = store.add_participant("bob")
        for i in range(5):
            store.append(ann.id if i % 2 == 0 else bob.id, "answer", {"question": i, "x": [0.1 * i, 1 / 3]})
    with SessionStore(path) as store:
        events = store.events()
        assert [e.payload["question"] for e in events] == [0, 1, 2, 3, 4]
        assert [e.payload["question"] for e in store.events(ann.id)] == [0, 2, 4]
        assert events[1].payload["x"] == [0.1, 1 / 3]  # floats round-trip exactly through JSON
        assert [p.name for p in store.participants()] == ["ann", "bob"]


@pytest.mark.parametrize("statement", ["UPDATE events SET kind = 'undo'", "DELETE FROM events"])
def test_the_log_refuses_updates_and_deletes(tmp_path, statement):
    path = tmp_path / "s.sqlite"
    with SessionStore(path) as store:
        store.append(store.add_participant("ann").id, "answer", {"question": 1})
    db = sqlite3.connect(path)
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        db.execute(statement)
    db.close()
    with SessionStore(path) as store:
        assert [e.kind for e in store.events()] == ["answer"]


def test_tokens_are_long_distinct_and_find_their_participant(tmp_path):
    with SessionStore(tmp_path / "s.sqlite") as store:
        people = [store.add_participant(f"p{i}") for i in range(20)]
        tokens = {p.token for p in people}
        assert len(tokens) == 20 and min(len(t) for t in tokens) >= 40
        assert store.participant_by_token(people[7].token) == people[7]
        assert store.participant_by_token(people[7].token[:-1] + "x") is None
        assert store.participant_by_name("p3") == people[3]


def test_duplicate_names_and_bad_files_are_one_line_errors(tmp_path):
    with SessionStore(tmp_path / "s.sqlite") as store:
        store.add_participant("ann")
        with pytest.raises(ParameterError, match="already in this study"):
            store.add_participant("ann")
        with pytest.raises(ParameterError, match="1 to 200"):
            store.add_participant("  ")
    garbage = tmp_path / "garbage.sqlite"
    garbage.write_bytes(b"this is not a database" * 100)
    with pytest.raises(DataFileError, match="not a session store"):
        SessionStore(garbage)
    with SessionStore(tmp_path / "v.sqlite") as store:
        store.set_meta("store_version", 99)
    with pytest.raises(DataFileError, match="version 99"):
        SessionStore(tmp_path / "v.sqlite")
