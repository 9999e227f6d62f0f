"""Database engine set-up: SQLite pragmas for the embedded default."""

from __future__ import annotations

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


def _configure_sqlite(engine: Engine, busy_timeout_ms: int) -> None:
    in_memory = engine.url.database in (None, "", ":memory:")

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        cursor.execute("PRAGMA foreign_keys = ON")
        # WAL persists in the file: set it once, when the database is new, not on every
        # connect (switching modes from several workers at once fails).
        if not in_memory and cursor.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            cursor.execute("PRAGMA journal_mode = WAL")
        cursor.close()


def ping() -> None:
    """Raise if the database cannot answer a trivial query."""
    db.session.execute(text("SELECT 1"))


def render_migration_item(type_: str, obj: Any, _context: Any) -> str | bool:
    """Alembic autogenerate hook: write our column types as plain SQLAlchemy types."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False
