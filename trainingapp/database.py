"""Database engine set-up: SQLite pragmas for the embedded default; for PostgreSQL, dead
connections found without a round trip and statements prepared once per connection."""

from __future__ import annotations

import select
import time
from typing import Any

from flask import Flask, Response, g, has_request_context
from sqlalchemy import event, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DisconnectionError

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
    elif engine.dialect.name == "postgresql":
        _configure_postgresql(engine, app.config["POSTGRES_PREPARE_THRESHOLD"])
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


def _configure_sqlite(engine: Engine, busy_timeout_ms: int, synchronous: str) -> None:
    in_memory = engine.url.database in (None, "", ":memory:")

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # SQLAlchemy, not the sqlite3 module, says when a transaction begins, so that a
        # writing transaction can take the write lock at its start (unit_of_work.py).
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


def _configure_postgresql(engine: Engine, prepare_threshold: int | None) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # psycopg prepares a statement on the server once it has run this many times on
        # the connection (None: never); each run after that skips parsing and planning.
        dbapi_connection.prepare_threshold = prepare_threshold

    @event.listens_for(engine, "checkout")
    def _closed_by_server(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
        """Instead of a ping (a round trip per checkout), look at the socket: an idle
        connection has nothing to read unless the server has closed it (restarted, or the
        backend terminated: it says so, then hangs up). The pool then connects afresh.
        A connection lost while in use fails its request with the 503 page (errors.py)
        and SQLAlchemy discards the pool's older connections."""
        if dbapi_connection.closed or _has_input(dbapi_connection.fileno()):
            raise DisconnectionError("the server closed the connection while it was idle")


def _has_input(fd: int) -> bool:
    poller = select.poll()
    poller.register(fd, select.POLLIN | select.POLLERR | select.POLLHUP)
    return bool(poller.poll(0))


def insert_unless_conflicting(model: type[Any], *on: str) -> Any:
    """``INSERT … ON CONFLICT DO NOTHING`` into ``model``'s table: a row a unique constraint
    (any, or the one on the columns ``on``) refuses is not inserted (``RETURNING`` gives
    nothing), and the transaction goes on."""
    dialects = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}
    return dialects[db.session.get_bind().dialect.name](model).on_conflict_do_nothing(
        index_elements=list(on) or None)


def ping() -> None:
    """Raise if the database cannot answer a trivial query."""
    db.session.execute(text("SELECT 1"))


def render_migration_item(type_: str, obj: Any, _context: Any) -> str | bool:
    """Alembic autogenerate hook: write our column types as plain SQLAlchemy types."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False
