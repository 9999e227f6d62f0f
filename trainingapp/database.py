"""Database engine set-up: SQLite pragmas for the embedded default."""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any

from flask import Flask
from sqlalchemy import event, text
from sqlalchemy.engine import Engine

from trainingapp.extensions import db
from trainingapp.models.base import UTCDateTime


def init_app(app: Flask) -> None:
    with app.app_context():
        engine = db.engine
    if engine.dialect.name == "sqlite":
        _configure_sqlite(engine, app.config["SQLITE_BUSY_TIMEOUT_MS"])


_write_lock_first: ContextVar[bool] = ContextVar("write_lock_first", default=False)


def _configure_sqlite(engine: Engine, busy_timeout_ms: int) -> None:
    in_memory = engine.url.database in (None, "", ":memory:")

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # SQLAlchemy, not the sqlite3 module, says when a transaction begins (below), so
        # that a writing transaction can take the write lock at its start.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        cursor.execute("PRAGMA foreign_keys = ON")
        # WAL persists in the file: set it once, when the database is new, not on every
        # connect (switching modes from several workers at once fails).
        if not in_memory and cursor.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            cursor.execute("PRAGMA journal_mode = WAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE" if _write_lock_first.get() else "BEGIN")


def begin_write() -> None:
    """Start the request's writing transaction. A read-then-write (start an attempt, save
    an answer, submit) must not fail when another worker wrote in between: on SQLite the
    transaction takes the write lock first (BEGIN IMMEDIATE, waiting up to the busy
    timeout); on PostgreSQL the unique constraints and conditional updates decide."""
    db.session.commit()  # ends the read transaction, e.g. the signed-in user's lookup
    token = _write_lock_first.set(True)
    try:
        db.session.connection()
    finally:
        _write_lock_first.reset(token)


def ping() -> None:
    """Raise if the database cannot answer a trivial query."""
    db.session.execute(text("SELECT 1"))


def render_migration_item(type_: str, obj: Any, _context: Any) -> str | bool:
    """Alembic autogenerate hook: write our column types as plain SQLAlchemy types."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False
