"""A fast tracker store for the local profile: trackers in memory, every event also in SQLite.

Rasa's SQLTrackerStore reloads and re-saves the conversation through the ORM on
every message; profiling showed that was over a third of the Rasa server's time
per message. Here the working copy stays in memory (like InMemoryTrackerStore)
and each new event is appended to the same ``events`` table Rasa's SQL store
uses, so conversations survive a restart and ``bot.retention`` and the staff
reports read it unchanged. One Rasa process owns the file; the production
profile (several replicas) uses ``CheckedSQLTrackerStore`` on PostgreSQL.
"""
from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import (
    InMemoryTrackerStore,
    SQLTrackerStore,
    create_engine_kwargs,
    validate_port,
)
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.exceptions import ConnectionException
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import sessionmaker
from sqlalchemy.pool import NullPool

DEFAULT_DB = "var/conversations.db"
# Conversations kept in memory; older ones are read back from SQLite when needed.
MAX_TRACKERS_IN_MEMORY = 5000
# Production store: how long one attempt to reach the database may take.
CONNECT_TIMEOUT_S = 5

_SCHEMA = """
CREATE TABLE IF NOT EXISTS events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    sender_id VARCHAR(255) NOT NULL,
    type_name VARCHAR(255) NOT NULL,
    timestamp FLOAT,
    intent_name VARCHAR(255),
    action_name VARCHAR(255),
    data TEXT
);
CREATE INDEX IF NOT EXISTS ix_events_sender_id ON events (sender_id);
"""


def _open_private_database(db: str) -> sqlite3.Connection:
    """The conversation database, readable by this user only (folder 0700, files 0600).

    Conversations are personal data: the folder and every SQLite file (including the
    WAL and shared-memory files SQLite creates next to it) are private, also when a
    test or a replica creates them, so the umask is tightened while they are made.
    """
    folder = Path(db).parent
    folder.mkdir(parents=True, exist_ok=True)
    os.chmod(folder, 0o700)
    previous = os.umask(0o077)
    try:
        # Autocommit: each turn's events are one executemany, committed at once.
        connection = sqlite3.connect(db, isolation_level=None, check_same_thread=False)
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=NORMAL")
        connection.executescript(_SCHEMA)
    finally:
        os.umask(previous)
    for suffix in ("", "-wal", "-shm"):
        path = Path(f"{db}{suffix}")
        if path.exists():
            os.chmod(path, 0o600)
    return connection


class SQLiteBackedTrackerStore(InMemoryTrackerStore):
    """Registered in endpoints.yml as ``type: bot.tracker_store.SQLiteBackedTrackerStore``."""

    def __init__(self, domain: Domain, event_broker: EventBroker | None = None,
                 db: str = DEFAULT_DB, **kwargs: Any) -> None:
        kwargs.pop("host", None)
        super().__init__(domain, event_broker, **kwargs)
        self._db = _open_private_database(db)
        # Per conversation: how many events of the tracker last handed out are stored.
        self._stored_in_view: dict[str, int] = {}

    def _load(self, sender_id: str) -> None:
        rows = self._db.execute(
            "SELECT data FROM events WHERE sender_id = ? ORDER BY id", (sender_id,)).fetchall()
        if not rows:
            return
        events = [json.loads(data) for (data,) in rows]
        tracker = DialogueStateTracker.from_dict(sender_id, events, self.domain.slots)
        self.store[sender_id] = self.serialise_tracker(tracker)

    async def _retrieve(self, sender_id: str,
                        fetch_all_sessions: bool) -> DialogueStateTracker | None:
        if sender_id not in self.store:
            self._load(sender_id)
        tracker = await super()._retrieve(sender_id, fetch_all_sessions)
        if tracker is not None and not fetch_all_sessions:
            self._stored_in_view[sender_id] = len(tracker.events)
        return tracker

    async def save(self, tracker: DialogueStateTracker) -> None:
        sender_id = tracker.sender_id
        events = list(tracker.events)
        new_events = events[self._stored_in_view.get(sender_id, 0):]
        self._db.executemany(
            "INSERT INTO events (sender_id, type_name, timestamp, intent_name, action_name, data)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            [self._row(sender_id, event.as_dict()) for event in new_events])
        self._stored_in_view[sender_id] = len(events)
        # Re-insert so the dict's order is least recently used first.
        self.store.pop(sender_id, None)
        await super().save(tracker)
        while len(self.store) > MAX_TRACKERS_IN_MEMORY:
            evicted = next(iter(self.store))
            del self.store[evicted]
            self._stored_in_view.pop(evicted, None)

    @staticmethod
    def _row(sender_id: str, data: dict[str, Any]) -> tuple:
        intent = (data.get("parse_data") or {}).get("intent") or {}
        return (sender_id, data.get("event"), data.get("timestamp"), intent.get("name"),
                data.get("name"), json.dumps(data))

    async def keys(self) -> Iterable[str]:
        stored = {row[0] for row in self._db.execute("SELECT DISTINCT sender_id FROM events")}
        return stored | set(self.store)

    async def last_activity(self, sender_id: str) -> float | None:
        """Time of the conversation's latest stored event, or None if there is none."""
        (latest,) = self._db.execute(
            "SELECT max(timestamp) FROM events WHERE sender_id = ?", (sender_id,)).fetchone()
        return latest

    async def delete(self, sender_id: str) -> int:
        """Erase a conversation, in memory and on disk; the number of events deleted."""
        self.store.pop(sender_id, None)
        self._stored_in_view.pop(sender_id, None)
        with self._db:
            return self._db.execute("DELETE FROM events WHERE sender_id = ?", (sender_id,)).rowcount


class CheckedSQLTrackerStore(SQLTrackerStore):
    """Rasa's SQL tracker store for the production profile, made to fail loudly.

    Registered as ``type: bot.tracker_store.CheckedSQLTrackerStore`` with the
    same keys as Rasa's ``SQL`` store. Rasa's own store retries an unreachable
    database forever at start-up and only logs a failure to create the tables;
    a replica would then look alive while unable to keep any conversation.
    Here start-up stops with a clear message instead, the ``events`` table is
    verified before serving, and pooled connections are checked before use so a
    database restart costs no failed messages once it is back.
    """

    def __init__(self, domain: Domain | None = None, dialect: str = "postgresql",
                 host: str | None = None, port: int | None = None, db: str = "rasa",
                 username: str | None = None, password: str | None = None,
                 event_broker: EventBroker | None = None, login_db: str | None = None,
                 query: dict | None = None, connect_timeout: float = CONNECT_TIMEOUT_S,
                 **kwargs: Any) -> None:
        url = self.get_db_url(dialect, host, validate_port(port), db, username, password,
                              login_db, query)
        connect_args = ({"connect_timeout": max(1, int(connect_timeout))}
                        if dialect.startswith("postgresql") else {})
        where = f"{dialect} database {db!r} on {host or 'localhost'}:{port or 'default port'}"
        probe = sa.create_engine(url, connect_args=connect_args, poolclass=NullPool)
        try:
            with probe.connect():
                pass
        except SQLAlchemyError as error:
            raise ConnectionException(
                f"Tracker store: cannot connect to the {where} "
                f"({type(getattr(error, 'orig', error)).__name__}). "
                "The assistant does not start without it.") from error
        finally:
            probe.dispose()
        super().__init__(domain, dialect, host, port, db, username, password, event_broker,
                         login_db, query, **kwargs)
        if not sa.inspect(self.engine).has_table(self.SQLEvent.__tablename__):
            raise ConnectionException(
                f"Tracker store: the table 'events' does not exist in the {where} "
                "and could not be created (see the log above).")
        # Replace the engine Rasa made by one that tests pooled connections before
        # use and gives up on a connection attempt after connect_timeout seconds.
        rasa_engine = self.engine
        self.engine = sa.create_engine(url, pool_pre_ping=True, connect_args=connect_args,
                                       **create_engine_kwargs(url))
        self.sessionmaker = sessionmaker(bind=self.engine)
        rasa_engine.dispose()

    async def last_activity(self, sender_id: str) -> float | None:
        """Time of the conversation's latest stored event (one indexed query, no event loading)."""
        with self.session_scope() as session:
            return session.query(sa.func.max(self.SQLEvent.timestamp)).filter(
                self.SQLEvent.sender_id == sender_id).scalar()

    async def delete(self, sender_id: str) -> int:
        """Erase a conversation; the number of events deleted."""
        with self.session_scope() as session:
            deleted = session.query(self.SQLEvent).filter(
                self.SQLEvent.sender_id == sender_id).delete(synchronize_session=False)
            session.commit()
            return int(deleted)


def underlying(store: Any) -> Any:
    """The configured store inside Rasa's fail-safe wrapper (see bot/rasa_patches.py)."""
    return getattr(store, "_tracker_store", store)
