"""The unit of work: the one transaction boundary of a request or a command.

A view or a CLI command does its work through services (which only flush) and then calls
``commit()`` once, or ``discard()`` to drop what it did. Nothing else in the package
commits: a test walks the code and fails on any other commit.

Writing transactions take SQLite's write lock with their first statement. A read
transaction that later writes fails at once ("database is locked", no busy wait) when
another worker wrote since it began; one that starts with the lock waits its turn. So a
state-changing request (POST…) starts writing from its first statement, and a request
that only reads until it knows it must write calls ``writing()`` at that point. Reads that
need no lock (who is asking, the question pool on exam day) run inside
``reads_without_lock()``.

PostgreSQL takes no lock at ``BEGIN``: the constraints and conditional updates decide. A
request there reads outside any transaction (autocommit: no BEGIN, COMMIT or ROLLBACK
round trips, and prepared statements are kept, which a ROLLBACK would drop); its first
write begins the transaction, which ``commit()`` or ``discard()`` ends as everywhere.
``writing()``, ``end_reads()`` and ``reads_without_lock()`` have nothing to do there. A
CLI command keeps plain transactions on both databases.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from flask import Flask, current_app, g, has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Engine

from trainingapp.extensions import db

_lock_first: ContextVar[bool] = ContextVar("lock_first", default=False)
_writing: ContextVar[bool] = ContextVar("writing", default=False)
_AUTOCOMMIT_READS = "trainingapp_autocommit_reads"
_READS_FIRST = "trainingapp_reads_first"  # a request's connection: reads, then a transaction


def memo() -> dict[str, Any]:
    """What this request has worked out and may ask again (a person's statuses, for the
    banner and the page); forgotten when it commits or discards. A command keeps nothing."""
    if not has_request_context():
        return {}
    return g.setdefault("unit_of_work_memo", {})  # type: ignore[no-any-return]


@event.listens_for(db.session, "after_commit")
@event.listens_for(db.session, "after_rollback")
def _forget_memo(_session: Any) -> None:
    if has_request_context():
        g.pop("unit_of_work_memo", None)


class CommittedTwice(RuntimeError):
    """A request commits once: a second commit means a view or helper commits on its own."""


def init_app(app: Flask) -> None:
    with app.app_context():
        _listen(db.engine)
        app.extensions[_AUTOCOMMIT_READS] = db.engine.dialect.name == "postgresql"
    app.before_request(_state_changes_write_first)
    app.teardown_request(_end_of_request)


def _listen(engine: Engine) -> None:
    sqlite = engine.dialect.name == "sqlite"

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        writing = _lock_first.get()
        _writing.set(writing)
        if sqlite:  # the sqlite3 module leaves BEGIN to us (database.py)
            connection.exec_driver_sql("BEGIN IMMEDIATE" if writing else "BEGIN")

    @event.listens_for(engine, "commit")
    @event.listens_for(engine, "rollback")
    def _on_end(_connection: Any) -> None:
        _writing.set(False)

    if engine.dialect.name == "postgresql":
        _postgresql_reads_without_transaction(engine)


def _reads_outside_transaction() -> bool:
    """A request on PostgreSQL: its reads run in autocommit, its first write begins the
    transaction."""
    return has_request_context() and current_app.extensions[_AUTOCOMMIT_READS]


def _postgresql_reads_without_transaction(engine: Engine) -> None:
    """Under READ COMMITTED each statement of a transaction sees its own snapshot anyway,
    so reads in autocommit see what they would have seen in one. The first statement that
    is not a plain read (a write, a lock, a server-side cursor) begins a transaction
    there, which the request's ``commit()`` or ``discard()`` ends: nothing is written
    outside one."""

    @event.listens_for(engine, "engine_connect")
    def _reading(connection: Any) -> None:
        if _reads_outside_transaction():
            connection.execution_options(isolation_level="AUTOCOMMIT", **{_READS_FIRST: True})

    @event.listens_for(engine, "before_cursor_execute")
    def _first_write_begins(connection: Any, _cursor: Any, statement: str, _parameters: Any,
                            context: Any, _executemany: bool) -> None:
        dbapi_connection = connection.connection.dbapi_connection
        if not dbapi_connection.autocommit or not connection.get_execution_options().get(
                _READS_FIRST):  # (a connection someone else set to autocommit stays so)
            return
        writes = _writes(statement)
        if writes or (context is not None and context.execution_options.get("stream_results")):
            dbapi_connection.autocommit = False  # psycopg sends BEGIN before the statement
            _writing.set(writes)  # (a server-side cursor needs a transaction, but only reads)


_LOCKING_READ = re.compile(r"\bFOR\s+(?:NO\s+KEY\s+)?(?:UPDATE|SHARE|KEY\s+SHARE)\b",
                           re.IGNORECASE)


def _writes(statement: str) -> bool:
    """Anything but a plain SELECT: a write, a lock taken, a statement we do not know."""
    return statement.lstrip()[:6].upper() != "SELECT" or bool(_LOCKING_READ.search(statement))


def _state_changes_write_first() -> None:
    if request.method not in ("GET", "HEAD", "OPTIONS") and not _reads_outside_transaction():
        g.lock_first_token = _lock_first.set(True)


def _end_of_request(_error: BaseException | None) -> None:
    token = g.pop("lock_first_token", None)
    if token is not None:
        _lock_first.reset(token)


def commit() -> None:
    """The request's or command's one commit."""
    if has_request_context():
        if g.get("committed"):
            raise CommittedTwice("this request has already committed")
        g.committed = True
    db.session.commit()


def discard() -> None:
    """Drop everything the request or command did (a refusal, an error shown to the user)."""
    db.session.rollback()


def end_reads() -> None:
    """End a transaction that has only read, so that slow work (hashing a password) or the
    writing transaction does not hold it open. Refuses to end one that has changed data:
    that belongs to ``commit()``."""
    session = db.session
    if session.new or session.dirty or session.deleted or _writing.get():
        raise RuntimeError("end_reads() would commit changes: call commit() instead")
    if _reads_outside_transaction():  # no transaction to end; what was worked out goes, as
        _forget_memo(session)  # at a commit
        return
    session.commit()  # read-only: nothing is written; loaded objects stay usable


def writing() -> None:
    """From here on the request writes: start its writing transaction (SQLite: waiting for
    the write lock up to the busy timeout), unless it is writing already. (PostgreSQL: its
    first write will.)"""
    if _writing.get():
        return
    end_reads()
    if _reads_outside_transaction():
        return
    token = _lock_first.set(True)
    try:
        db.session.connection()
    finally:
        _lock_first.reset(token)


@contextmanager
def reads_without_lock() -> Iterator[None]:
    """Reads of a state-changing request that need not hold the write lock, because the
    writes after them are checked by constraints or conditions: they run in a read
    transaction of their own, which ends before the writing begins."""
    if not _lock_first.get() or _writing.get():  # only reading, or holding the lock already
        yield  # (PostgreSQL: no lock is taken, _lock_first is never set)
        return
    end_reads()
    token = _lock_first.set(False)
    try:
        yield
        end_reads()
    finally:
        _lock_first.reset(token)
