"""Database engine set-up: SQLite pragmas for the embedded default."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from flask import Flask, Response, g, has_request_context, request
from sqlalchemy import event, text
from sqlalchemy.engine import Engine

from trainingapp.extensions import db
from trainingapp.models.base import UTCDateTime


# Statements that control a transaction rather than query (PostgreSQL's BEGIN is implicit).
TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE", "PRAGMA")


def is_query(statement: str) -> bool:
    return not statement.lstrip().upper().startswith(TRANSACTION_CONTROL)


def init_app(app: Flask) -> None:
    with app.app_context():
        engine = db.engine
    if engine.dialect.name == "sqlite":
        _configure_sqlite(engine, app.config["SQLITE_BUSY_TIMEOUT_MS"],
                          app.config["SQLITE_SYNCHRONOUS"])
        app.before_request(_state_changes_lock_first)
        app.teardown_request(_end_of_request)
    if app.config.get("SERVER_TIMING"):
        _add_server_timing(app, engine)


def _add_server_timing(app: Flask, engine: Engine) -> None:
    """Each response says how many queries it took and how long they ran, in a
    ``Server-Timing`` header (browser developer tools show it; the benchmarks read it)."""

    @event.listens_for(engine, "before_cursor_execute")
    def _before(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if has_request_context() and is_query(statement):
            conn.info["query_started"] = time.perf_counter()

    @event.listens_for(engine, "after_cursor_execute")
    def _after(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        started = conn.info.pop("query_started", None)
        if started is not None and has_request_context():
            g.db_queries = g.get("db_queries", 0) + 1
            g.db_seconds = g.get("db_seconds", 0.0) + time.perf_counter() - started

    @app.after_request
    def _header(response: Response) -> Response:
        response.headers["Server-Timing"] = (
            f'db;dur={g.get("db_seconds", 0.0) * 1000:.1f};desc="{g.get("db_queries", 0)} queries"')
        return response


_write_lock_first: ContextVar[bool] = ContextVar("write_lock_first", default=False)


def _configure_sqlite(engine: Engine, busy_timeout_ms: int, synchronous: str) -> None:
    in_memory = engine.url.database in (None, "", ":memory:")

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # SQLAlchemy, not the sqlite3 module, says when a transaction begins (below), so
        # that a writing transaction can take the write lock at its start.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        cursor.execute("PRAGMA foreign_keys = ON")
        # NORMAL: in WAL mode a commit does not wait for the disk (checkpoints do); an
        # application crash loses nothing, a power cut may lose the last moments. FULL
        # waits for the disk at every commit (several times slower for autosaves).
        cursor.execute(f"PRAGMA synchronous = {synchronous}")
        # WAL persists in the file: set it once, when the database is new, not on every
        # connect (switching modes from several workers at once fails).
        if not in_memory and cursor.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            cursor.execute("PRAGMA journal_mode = WAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE" if _write_lock_first.get() else "BEGIN")


def _state_changes_lock_first() -> None:
    """A state-changing request on SQLite takes the write lock with its first statement.
    A read transaction that later writes fails at once ("database is locked", no busy
    wait) when another worker wrote since it began; one that starts with the lock waits
    its turn instead. Slow work (password hashing) ends its transaction first."""
    if request.method not in ("GET", "HEAD", "OPTIONS"):
        g.write_lock_token = _write_lock_first.set(True)


def _end_of_request(_error: BaseException | None) -> None:
    token = g.pop("write_lock_token", None)
    if token is not None:
        _write_lock_first.reset(token)


@contextmanager
def reads_before_writing() -> Iterator[None]:
    """Reads of a state-changing request that need not hold SQLite's write lock, because
    the writes after them are checked by constraints or conditions: they run in a
    transaction of their own, without the lock, and end before the writing begins.
    (Nothing to do where no lock would be taken: PostgreSQL, or a request that only reads.)"""
    if not _write_lock_first.get() or not _is_sqlite():
        yield
        return
    db.session.commit()
    token = _write_lock_first.set(False)
    try:
        yield
        db.session.commit()
    finally:
        _write_lock_first.reset(token)


def begin_write() -> None:
    """Start the request's writing transaction. A read-then-write (start an attempt, save
    an answer, submit) must not fail when another worker wrote in between: on SQLite the
    transaction takes the write lock first (BEGIN IMMEDIATE, waiting up to the busy
    timeout); on PostgreSQL the unique constraints and conditional updates decide."""
    if not _is_sqlite():
        return
    db.session.commit()  # ends the read transaction, e.g. the signed-in user's lookup
    token = _write_lock_first.set(True)
    try:
        db.session.connection()
    finally:
        _write_lock_first.reset(token)


def _is_sqlite() -> bool:
    return db.engine.dialect.name == "sqlite"


def ping() -> None:
    """Raise if the database cannot answer a trivial query."""
    db.session.execute(text("SELECT 1"))


def render_migration_item(type_: str, obj: Any, _context: Any) -> str | bool:
    """Alembic autogenerate hook: write our column types as plain SQLAlchemy types."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False
