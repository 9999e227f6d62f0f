"""Fixtures shared by every test.

The database tests run on SQLite by default and a second time on PostgreSQL with
``pytest -m db --db=postgresql`` (``make test`` does this when
TRAININGAPP_TEST_DATABASE_URL is set). The schema comes from the migrations, never from
``create_all``, so the tests run against what production runs.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import psycopg
import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade
from hypothesis import HealthCheck, settings
from sqlalchemy import Connection, MetaData, delete, event, func, insert, select, text
from sqlalchemy.engine import Engine

from trainingapp import create_app
from trainingapp.caches import process_cache
from trainingapp.config import TestingConfig
from trainingapp.database import is_query
from trainingapp.extensions import db
from trainingapp.models import (
    Assignment,
    AuditEvent,
    Certification,
    DueDateExtension,
    Notification,
    Position,
    Role,
    Team,
    User,
)
from trainingapp.services import accounts

PASSWORD = "correct horse battery staple"
CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


# Property-based tests (hypothesis): "ci", the default, is small and derandomised so that
# `make test` is quick and repeatable; `make fuzz` loads "fuzz", many more random examples.
settings.register_profile("ci", max_examples=4, derandomize=True, database=None,
                          deadline=None, suppress_health_check=list(HealthCheck))
settings.register_profile("fuzz", max_examples=60, deadline=None,
                          suppress_health_check=list(HealthCheck))
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--db", choices=["sqlite", "postgresql"], default="sqlite",
        help="database for the db-marked tests (postgresql reads TRAININGAPP_TEST_DATABASE_URL)",
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if "app" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.db)


def postgres_url() -> str | None:
    return os.environ.get("TRAININGAPP_TEST_DATABASE_URL") or None


@pytest.fixture(scope="session")
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    if request.config.getoption("--db") == "postgresql":
        url = postgres_url()
        if url is None:
            pytest.exit("--db=postgresql needs TRAININGAPP_TEST_DATABASE_URL", returncode=4)
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


_apps: list[Flask] = []


def make_app(database_url: str, **settings: object) -> Flask:
    config = TestingConfig({"TRAININGAPP_DATABASE_URL": database_url})
    for key, value in settings.items():
        setattr(config, key, value)
    app = create_app(config)
    _apps.append(app)
    return app


@pytest.fixture(autouse=True)
def _close_connections() -> Iterator[None]:
    """Close the connection pools of every app a test made, so none is left open."""
    yield
    while _apps:
        with _apps.pop().app_context():
            db.session.remove()
            db.engine.dispose()


def drop_everything() -> None:
    """Empty the test database, including tables of migrations it may not know of."""
    engine = db.engine
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    else:
        with engine.begin() as conn:  # in an order the foreign keys allow (a PRAGMA
            tables = MetaData()  # foreign_keys = OFF does nothing inside a transaction)
            tables.reflect(conn)
            tables.drop_all(conn)


AUDIT_TABLE = "audit_event"


@contextmanager
def audit_log_unlocked(conn: Connection) -> Iterator[None]:
    """Lift the audit log's append-only triggers (migration 0014) for this transaction only,
    so that a test can empty the database after itself; they are back at its commit."""
    if conn.dialect.name == "postgresql":
        conn.execute(text(f"ALTER TABLE {AUDIT_TABLE} DISABLE TRIGGER USER"))
        yield
        conn.execute(text(f"ALTER TABLE {AUDIT_TABLE} ENABLE TRIGGER USER"))
        return
    triggers = conn.execute(text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'"
                                 " AND tbl_name = :table"), {"table": AUDIT_TABLE}).all()
    for name, _sql in triggers:
        conn.execute(text(f'DROP TRIGGER "{name}"'))
    yield
    for _name, sql in triggers:
        conn.exec_driver_sql(sql)


def _value(value: object) -> str:
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    return repr(value)


def table_snapshot(tables: MetaData | None = None) -> dict[str, dict[str, object]]:
    """Per table: its row count and a checksum of each column, rows in primary key order.
    Without ``tables``, every table the database holds (reflected)."""
    if tables is None:
        tables = MetaData()
        tables.reflect(db.engine)
    found: dict[str, dict[str, object]] = {}
    with db.engine.connect() as conn:
        for name, table in tables.tables.items():
            order = list(table.primary_key.columns) or list(table.columns)
            rows = conn.execute(select(table).order_by(*order)).all()
            found[name] = {"#rows": len(rows)} | {
                column.name: hashlib.sha256("\x1f".join(
                    _value(row[i]) for row in rows).encode()).hexdigest()[:16]
                for i, column in enumerate(table.columns)}
    return found


@pytest.fixture(scope="session")
def migrated_url(database_url: str) -> str:
    app = make_app(database_url)
    with app.app_context():
        drop_everything()
        upgrade()
        db.engine.dispose()
    return database_url


@pytest.fixture
def app(migrated_url: str) -> Iterator[Flask]:
    app = make_app(migrated_url)
    yield app
    process_cache.forget()
    with app.app_context():
        db.session.remove()
        with db.engine.begin() as conn, audit_log_unlocked(conn):
            for table in reversed(db.metadata.sorted_tables):
                conn.execute(table.delete())
        db.engine.dispose()


# More people than either database binds in one statement: PostgreSQL 65,535 parameters,
# SQLite 32,766.
BEYOND_PARAMETER_LIMIT = 65_536 + 1_000


def insert_people(count: int, position: str | None = None) -> range:
    """``count`` people in one statement (no password, hired 2024-01-01), in the position
    coded ``position`` if given: tens of thousands in seconds. Returns their ids."""
    position_id = db.session.scalar(select(Position.id).where(Position.code == position)
                                    ) if position else None
    first = (db.session.scalar(select(func.max(User.id))) or 0) + 1
    ids = range(first, first + count)
    db.session.execute(insert(User.__table__), [
        {"id": i, "employee_no": f"B{i:06d}", "full_name": f"Person {i}", "password_hash": "!",
         "hire_date": date(2024, 1, 1), "position_id": position_id} for i in ids])
    return ids


@pytest.fixture
def bulk_rows(app: Flask) -> Iterator[None]:
    """For a test that inserts people by the tens of thousands: afterwards, the rows that
    point at people go first and, on PostgreSQL, are vacuumed away: else removing each
    person checks the unindexed columns that point at people (a certificate's
    awarded_by_id, an assignment's assigned_by_id…) across every dead row (minutes at this
    size)."""
    yield
    tables = (Notification, Certification, DueDateExtension, Assignment, AuditEvent)
    with app.app_context():
        with db.engine.begin() as conn, audit_log_unlocked(conn):
            for table in tables:
                conn.execute(delete(table))
        if db.engine.dialect.name == "postgresql":
            with db.engine.execution_options(isolation_level="AUTOCOMMIT").connect() as conn:
                conn.execute(text("VACUUM " + ", ".join(t.__tablename__ for t in tables)))


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask):  # type: ignore[no-untyped-def]
    return app.test_cli_runner()


@pytest.fixture
def make_user(app: Flask) -> Callable[..., User]:
    """Create a user and commit; returns it detached, with its id and employee number."""
    counter = iter(range(1, 10_000))

    def _make(
        employee_no: str | None = None,
        *,
        roles: tuple[Role, ...] = (),
        team: str | None = None,
        supervises: str | None = None,
        password: str = PASSWORD,
        language: str = "en",
    ) -> User:
        with app.app_context():
            teams = {}
            for code in {team, supervises} - {None}:
                teams[code] = db.session.scalar(db.select(Team).filter_by(code=code)) or Team(
                    code=code, name=f"Team {code}", site="Test site")
            position = db.session.scalar(db.select(Position).filter_by(code="hotline-agent"))
            if position is None:
                position = Position(code="hotline-agent", name_en="Hotline agent",
                                    name_zh="热线客服代表")
            user = accounts.create_user(
                employee_no=employee_no or f"E{next(counter):04d}",
                full_name=f"Person {employee_no or 'E'}",
                password=password,
                roles=roles,
                team=teams.get(team),
                position=position,
                hire_date=date(2026, 1, 5),
                language=language,
            )
            if supervises:
                db.session.refresh(user, ["supervised_teams"])
                user.supervised_teams.append(teams[supervises])
            db.session.commit()
            db.session.refresh(user)
            db.session.expunge(user)
            return user

    return _make


def csrf_token(client: FlaskClient, path: str = "/login") -> str:
    match = CSRF_RE.search(client.get(path).get_data(as_text=True))
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def login(client: FlaskClient, employee_no: str, password: str = PASSWORD, next_: str = ""):  # type: ignore[no-untyped-def]
    token = csrf_token(client)
    path = "/login" + (f"?next={next_}" if next_ else "")
    return client.post(path, data={"employee_no": employee_no, "password": password,
                                   "csrf_token": token})


@pytest.fixture
def login_as(client: FlaskClient, make_user: Callable[..., User]) -> Callable[..., User]:
    """Sign the test client in as a new user with the given roles."""

    def _login(*roles: Role, **kwargs: object) -> User:
        user = make_user(roles=roles, **kwargs)
        response = login(client, user.employee_no)
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return user

    return _login


@contextmanager
def count_queries(app: Flask) -> Iterator[list[str]]:
    """Collect the SQL statements the app runs inside the block."""
    statements: list[str] = []

    def _record(conn, cursor, statement, *args):  # type: ignore[no-untyped-def]
        if is_query(statement):
            statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", _record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", _record)


_TRACE_MESSAGE = re.compile(r"([FB])\t\d+\t(\w+)\t?(.*)", re.DOTALL)
_PARSE = re.compile(r'"([^"]*)" "(.*)" \d+(?: \S+)*', re.DOTALL)
_BIND = re.compile(r'"[^"]*" "([^"]*)"')
_TRACE_FLAGS = psycopg.pq.Trace.SUPPRESS_TIMESTAMPS | psycopg.pq.Trace.REGRESS_MODE


class RoundTrips:
    """The app's exchanges with PostgreSQL, read from libpq's trace of each connection:
    what ``count_queries`` does not see too (BEGIN, COMMIT, ROLLBACK, a ping, DEALLOCATE).
    One entry per exchange: a simple query's text, or the statement an extended-protocol
    exchange runs (a prepared statement by the text it was prepared from)."""

    def __init__(self) -> None:
        self._traced: dict[int, tuple[Any, Any]] = {}  # id(pgconn): (pgconn, trace file)
        self._prepared: dict[int, dict[str, str]] = {}  # id(pgconn): {name: statement}
        self._seen: list[str] = []
        self.prepared_runs = 0  # exchanges that ran a statement prepared before

    def trace(self, dbapi_connection: Any, *_args: Any) -> None:
        pgconn = dbapi_connection.pgconn
        if id(pgconn) not in self._traced:
            # what the connection prepared before: its name for each statement
            autocommit, dbapi_connection.autocommit = dbapi_connection.autocommit, True
            self._prepared[id(pgconn)] = dict(dbapi_connection.execute(
                "SELECT name, statement FROM pg_prepared_statements").fetchall())
            dbapi_connection.autocommit = autocommit
            handle = tempfile.TemporaryFile()  # noqa: SIM115 - open while the block lasts
            pgconn.trace(handle.fileno())
            pgconn.set_trace_flags(_TRACE_FLAGS)
            self._traced[id(pgconn)] = (pgconn, handle)

    def statements(self) -> list[str]:
        """Every exchange since the block began (or since ``clear()``)."""
        for key, (pgconn, handle) in list(self._traced.items()):
            pgconn.untrace()  # flushes libpq's buffer into the file
            handle.seek(0)
            self._seen += self._exchanges(handle.read().decode("utf-8", "replace"),
                                          self._prepared[key])
            handle.seek(0)
            handle.truncate()
            if pgconn.status == psycopg.pq.ConnStatus.OK:
                pgconn.trace(handle.fileno())
                pgconn.set_trace_flags(_TRACE_FLAGS)
            else:  # closed: nothing more to read
                del self._traced[key]
                handle.close()
        return list(self._seen)

    def clear(self) -> None:
        self.statements()
        self._seen = []
        self.prepared_runs = 0

    def _exchanges(self, trace: str, prepared: dict[str, str]) -> list[str]:
        found, pending = [], ""
        for message in re.split(r"\n(?=[FB]\t\d+\t)", trace.strip()):
            match = _TRACE_MESSAGE.fullmatch(message)
            if not match or match[1] != "F":  # what the client sent, not the replies
                continue
            kind, rest = match[2], match[3].strip()
            if kind == "Query":
                found.append(rest.strip('"'))
            elif kind == "Parse" and (parse := _PARSE.fullmatch(rest)):
                pending = parse[2]
                if parse[1]:
                    prepared[parse[1]] = parse[2]
            elif kind == "Bind" and not pending and (bind := _BIND.match(rest)):
                pending = prepared.get(bind[1], bind[1])
                self.prepared_runs += bool(bind[1])
            elif kind == "Describe" and not pending:
                pending = f"DESCRIBE {rest}"
            elif kind == "Sync":
                found.append(pending)
                pending = ""
        return found

    def close(self) -> None:
        for pgconn, handle in self._traced.values():
            if pgconn.status == psycopg.pq.ConnStatus.OK:
                pgconn.untrace()
            handle.close()
        self._traced.clear()


@contextmanager
def count_round_trips(app: Flask) -> Iterator[RoundTrips]:
    """PostgreSQL only (the test is skipped on SQLite): the app's exchanges with the server
    inside the block. The connections idle in the pool are traced from the start, so that
    whatever their next checkout costs is counted too."""
    with app.app_context():
        engine: Engine = db.engine
    if engine.dialect.name != "postgresql":
        pytest.skip("round trips to the server are counted on PostgreSQL")
    trips = RoundTrips()
    for name in ("connect", "checkout", "checkin"):
        event.listen(engine, name, trips.trace)
    idle = [engine.raw_connection() for _ in range(engine.pool.checkedin())]
    for connection in idle:
        connection.close()
    trips.clear()
    try:
        yield trips
    finally:
        for name in ("connect", "checkout", "checkin"):
            event.remove(engine, name, trips.trace)
        trips.close()


FIXTURES = Path(__file__).parent / "fixtures"


def sync_fixture_bank(app: Flask, name: str = "mini_bank") -> None:
    from trainingapp.content.bank import load_bank
    from trainingapp.content.sync import sync_bank
    from trainingapp.models import utcnow

    with app.app_context():
        bank = load_bank(FIXTURES / name)
        assert bank.ok, bank.problems
        sync_bank(bank, utcnow())
        db.session.commit()


@pytest.fixture
def mini_bank(app: Flask) -> None:
    """The small fixture bank (one module, two lessons, two questions), loaded."""
    sync_fixture_bank(app)


def run_twice_at_once(app: Flask, work: Callable[[], object]) -> list[object]:
    """``work`` in two threads at the same time, each in an app context of its own (as two
    instances would run it); their results, once both are done. An error in either fails."""
    import threading

    results: list[object] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            with app.app_context():
                results.append(work())
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == [] and len(results) == 2, errors
    return results
