"""The migrations build the schema the models describe, and run both ways, on SQLite and
PostgreSQL."""

import json
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import current_app
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, select

from tests.conftest import drop_everything, make_app, postgres_url, table_snapshot
from trainingapp.content.bank import load_bank
from trainingapp.content.sync import content_hash, sync_bank
from trainingapp.extensions import db
from trainingapp.models import (
    Assignment,
    AttemptQuestion,
    CallRun,
    CallTurn,
    CallVersion,
    DueDateExtension,
    Lesson,
    QuizAttempt,
    User,
)
from trainingapp.ops import demo
from trainingapp.ops.generate import generate
from trainingapp.services import (
    accounts,
    api_tokens,
    assignments,
    evaluations,
    quizzes,
    reading,
    staff_import,
)
from trainingapp.services import calls as call_runs

BEFORE_CALLS_RENAME = "5c1e0a7d2b10"  # 0010: the tables still said "scenario"


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_app(request, tmp_path):
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'migrations.db'}"
    else:
        url = postgres_url()
        if url is None:
            pytest.skip("PostgreSQL: TRAININGAPP_TEST_DATABASE_URL is not set")
    app = make_app(url)
    with app.app_context():
        drop_everything()
        yield app
        drop_everything()
        db.session.remove()
        db.engine.dispose()


def _schema_drift():
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return compare_metadata(context, db.metadata)


# Step by step down from the head, each migration is undone and done again on the data the
# generator made: every row of every table that exists below it comes back as it was
# (counts and a checksum of each column). What a downgrade loses by nature is the tables its
# migration creates (they are dropped) and the columns listed here (dropped, then back with
# their server default).
RENAMED_BY = {"6d2f1b8e3c11": {"call", "call_version", "call_run", "call_turn"}}  # 0011
LOSSY = {  # (the generator's data has only active teams and everybody wants email)
    "0013_team_names_both_languages": {"team": {"name_zh", "is_active"},
                                       "position": {"is_active"}},
    "0ad343dce1c4": {"user_account": {"wants_email"}},  # 0008
}


def _filled_by_the_generator() -> None:
    """The shipped bank, the demo organisation and a few generated staff with a year of
    history: a few hundred rows in most tables."""
    now = datetime.now(UTC).replace(microsecond=0)
    sync_bank(load_bank(Path(current_app.config["QUESTION_BANK"])), now)
    demo.seed()
    db.session.commit()
    generate(8, 1, 4, now, cohort=2)
    db.session.commit()
    _what_the_generator_leaves_empty(now)
    db.session.commit()
    assert not [name for name, table in table_snapshot().items() if table["#rows"] == 0]
    db.session.remove()


def _what_the_generator_leaves_empty(now: datetime) -> None:
    """A row in each table the generator does not fill, made as the app makes it: an API
    token, a reset link, a session, a lesson read, a call turn, a question report, an
    evaluation, a due-date extension and a staged staff import."""
    admin, person = (db.session.scalar(select(User).where(User.employee_no == number))
                     for number in ("A0001", "T0001"))
    api_tokens.create("roster")
    accounts.create_reset_link(person, now, actor=admin)
    accounts.open_session(person, now)
    reading.mark_read(person, db.session.scalars(select(Lesson)).first())
    run = call_runs.start(person, call_runs.live_calls()[0], now)
    call_runs.take_turn(run, run.node, now, choice=0)
    asked = db.session.scalars(select(AttemptQuestion)).first()
    attempt = db.session.get(QuizAttempt, asked.attempt_id)
    assert quizzes.report_problem(db.session.get(User, attempt.user_id), attempt,
                                  asked.position, "wrong", "Key looks wrong")
    evaluations.record(admin, person, "2026-Q3", 4, 3, "Steady")
    assignment = db.session.scalars(select(Assignment)).first()
    assignments.extend(admin, assignment, assignment.due_on + timedelta(days=7), "Sick leave")
    staff_import.stage(admin, "staff.csv", staff_import.read_rows(
        "staff.csv", b"employee_no,full_name\nT0999,New Person\n"))


def test_every_downgrade_keeps_the_rows_and_the_round_trip_ends_with_no_drift(empty_app):
    upgrade()
    _filled_by_the_generator()
    script = ScriptDirectory.from_config(current_app.extensions["migrate"].migrate.get_config())
    checked = 0
    for revision in script.walk_revisions():  # the head first
        at = table_snapshot()
        downgrade(revision="-1")
        below = table_snapshot()
        upgrade(revision=revision.revision)
        again = table_snapshot()
        kept = {name for name in at if name in below or name in RENAMED_BY.get(
            revision.revision, ())}
        lossy = LOSSY.get(revision.revision, {})
        for name in kept - {"alembic_version"}:
            if name in below:
                assert below[name]["#rows"] == at[name]["#rows"], (revision.revision, name)
            expected = {k: v for k, v in at[name].items() if k not in lossy.get(name, ())}
            assert {k: v for k, v in again[name].items() if k in expected} == expected, (
                revision.revision, name)
            checked += at[name]["#rows"]
        downgrade(revision="-1")
    assert checked > 1000  # the generator's rows really went through the migrations
    assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}

    upgrade()
    assert _schema_drift() == []


def _rows_as_they_were(at):
    def table(name, *columns):
        return sa.table(name, *(sa.column(c, t) for c, t in columns))
    stamp = sa.DateTime(timezone=True)
    rows = [
        (table("user_account", ("id", sa.Integer), ("employee_no", sa.String),
               ("full_name", sa.String), ("password_hash", sa.String),
               ("session_token", sa.String), ("created_at", stamp),
               ("password_changed_at", stamp)),
         {"id": 1, "employee_no": "C1", "full_name": "Li", "password_hash": "x",
          "session_token": "t", "created_at": at, "password_changed_at": at}),
        (table("scenario", ("id", sa.Integer), ("slug", sa.String), ("title", sa.JSON),
               ("channel", sa.String), ("current_version", sa.Integer)),
         {"id": 1, "slug": "slow-wifi", "title": {"en": "Slow"}, "channel": "hotline",
          "current_version": 1}),
        (table("scenario_version", ("id", sa.Integer), ("scenario_id", sa.Integer),
               ("version", sa.Integer), ("content", sa.JSON), ("content_hash", sa.String),
               ("created_at", stamp)),
         {"id": 1, "scenario_id": 1, "version": 1, "content_hash": "old", "created_at": at,
          "content": {"scenario": {"start": "ring"}, "rubric": {"dimensions": []}}}),
        (table("scenario_run", ("id", sa.Integer), ("user_id", sa.Integer),
               ("scenario_id", sa.Integer), ("version_id", sa.Integer), ("number", sa.Integer),
               ("status", sa.String), ("started_at", stamp), ("node", sa.String),
               ("turn_started_at", stamp), ("visits", sa.JSON), ("critical_errors", sa.JSON),
               ("dimensions", sa.JSON)),
         {"id": 1, "user_id": 1, "scenario_id": 1, "version_id": 1, "number": 1,
          "status": "in_progress", "started_at": at, "node": "greet", "turn_started_at": at,
          "visits": {"greet": 1}, "critical_errors": [], "dimensions": {}}),
        (table("run_turn", ("id", sa.Integer), ("run_id", sa.Integer), ("seq", sa.Integer),
               ("node", sa.String), ("option", sa.String), ("matched", sa.JSON),
               ("available", sa.JSON), ("earned", sa.JSON), ("next_node", sa.String),
               ("is_late", sa.Boolean), ("seconds", sa.Float), ("answered_at", stamp)),
         {"id": 1, "run_id": 1, "seq": 1, "node": "greet", "option": "a", "matched": [],
          "available": {"opening": 2}, "earned": {"opening": 2}, "next_node": "verify",
          "is_late": False, "seconds": 4.0, "answered_at": at}),
    ]
    for target, values in rows:
        db.session.execute(target.insert().values(**values))
    db.session.commit()


def test_the_call_rename_keeps_every_run_turn_and_version(empty_app):
    upgrade(revision=BEFORE_CALLS_RENAME)
    _rows_as_they_were(datetime(2026, 11, 30, 9, 0, tzinfo=UTC))
    upgrade()
    run = db.session.scalar(select(CallRun))
    assert (run.call_id, run.version_id, run.node, run.visits) == (1, 1, "greet", {"greet": 1})
    turn = db.session.scalar(select(CallTurn))
    assert (turn.run_id, turn.option, turn.earned) == (1, "a", {"opening": 2})
    version = db.session.scalar(select(CallVersion))
    assert version.content == {"call": {"start": "ring"}, "rubric": {"dimensions": []}}
    assert version.content_hash == content_hash(version.content)  # a sync sees no change
    db.session.remove()

    downgrade(revision=BEFORE_CALLS_RENAME)
    with db.engine.connect() as conn:
        content = conn.execute(sa.text("SELECT content FROM scenario_version")).scalar()
        assert conn.execute(sa.text("SELECT scenario_id FROM scenario_run")).scalar() == 1
        assert conn.execute(sa.text("SELECT next_node FROM run_turn")).scalar() == "verify"
    content = content if isinstance(content, dict) else json.loads(content)
    assert content == {"scenario": {"start": "ring"}, "rubric": {"dimensions": []}}
    downgrade(revision="base")  # the rows go with their tables


def test_sqlite_database_is_in_wal_mode(tmp_path):
    app = make_app(f"sqlite:///{tmp_path / 'wal.db'}")
    with app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 15000
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL
        db.engine.dispose()
    strict = make_app(f"sqlite:///{tmp_path / 'wal.db'}", SQLITE_SYNCHRONOUS="FULL")
    with strict.app_context(), db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
    with strict.app_context():
        db.engine.dispose()


BEFORE_DUE_DAYS = "6d2f1b8e3c11"  # 0011: due dates were instants


def test_due_instants_become_the_days_they_meant_and_back(empty_app):
    """The old forms wrote the typed day's end in UTC (23:59:59): that day. Onboarding wrote
    an instant (the hire date at 09:00 UTC, or a position change's moment, plus N days):
    its day in the organisation's zone (Asia/Shanghai), as the pages showed it."""
    upgrade(revision=BEFORE_DUE_DAYS)
    stamp = sa.DateTime(timezone=True)
    users = sa.table("user_account", *(sa.column(c) for c in (
        "id", "employee_no", "full_name", "password_hash", "session_token")),
        sa.column("created_at", stamp), sa.column("password_changed_at", stamp))
    at = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
    db.session.execute(users.insert().values(id=1, employee_no="C1", full_name="Li",
                                             password_hash="x", session_token="t",
                                             created_at=at, password_changed_at=at))
    rows = sa.table("assignment", *(sa.column(c) for c in (
        "id", "user_id", "kind", "target", "note", "origin")),
        sa.column("due_at", stamp), sa.column("assigned_at", stamp))
    given = {1: datetime(2026, 12, 15, 23, 59, 59, tzinfo=UTC),  # typed "2026-12-15"
             2: datetime(2026, 12, 2, 9, 0, tzinfo=UTC),  # hired 2026-11-02, 30 days
             3: datetime(2026, 12, 20, 20, 30, tzinfo=UTC)}  # 04:30 on the 21st in Shanghai
    for n, due in given.items():
        db.session.execute(rows.insert().values(id=n, user_id=1, kind="module", target=f"m{n}",
                                                note="", origin="manual", due_at=due,
                                                assigned_at=at))
    moves = sa.table("due_date_extension", sa.column("id"), sa.column("assignment_id"),
                     sa.column("reason"), sa.column("extended_by_id"),
                     sa.column("previous_due_at", stamp), sa.column("new_due_at", stamp),
                     sa.column("extended_at", stamp))
    db.session.execute(moves.insert().values(
        id=1, assignment_id=1, reason="Sick leave", extended_by_id=1, extended_at=at,
        previous_due_at=datetime(2026, 12, 10, 23, 59, 59, tzinfo=UTC), new_due_at=given[1]))
    db.session.commit()
    upgrade()
    assert dict(db.session.execute(select(Assignment.id, Assignment.due_on))
                .all()) == {1: date(2026, 12, 15), 2: date(2026, 12, 2), 3: date(2026, 12, 21)}
    move = db.session.scalar(select(DueDateExtension))
    assert (move.previous_due_on, move.new_due_on) == (date(2026, 12, 10), date(2026, 12, 15))
    db.session.remove()

    downgrade(revision=BEFORE_DUE_DAYS)
    end = sa.DateTime(timezone=True)
    with db.engine.connect() as conn:
        back = conn.execute(sa.select(sa.column("id"), sa.column("due_at", end))
                            .select_from(sa.table("assignment")).order_by("id")).all()
        moved = conn.execute(sa.select(sa.column("previous_due_at", end),
                                       sa.column("new_due_at", end))
                             .select_from(sa.table("due_date_extension"))).one()

    def utc(value):
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    assert [utc(due) for _id, due in back] == [
        datetime(2026, 12, 15, 23, 59, 59, tzinfo=UTC), datetime(2026, 12, 2, 23, 59, 59, tzinfo=UTC),
        datetime(2026, 12, 21, 23, 59, 59, tzinfo=UTC)]  # each day's end, as the old code wrote
    assert [utc(v) for v in moved] == [datetime(2026, 12, 10, 23, 59, 59, tzinfo=UTC), given[1]]
    upgrade()  # and forward again: the same days
    assert db.session.scalar(select(Assignment.due_on).where(Assignment.id == 3)) == date(
        2026, 12, 21)
    db.session.remove()
    downgrade(revision="base")


def test_the_apps_postgresql_role_may_only_add_to_the_audit_log(empty_app):
    """deploy/postgresql-grants.sql, as the README says to run it after an upgrade: the
    app's role writes every table but cannot change or remove an audit event, nor lift
    the triggers that refuse it (the owner's own changes are refused by those)."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("roles and privileges are PostgreSQL's")
    upgrade()
    role = f"app_{uuid.uuid4().hex[:8]}"
    grants = (Path(__file__).parents[1] / "deploy" / "postgresql-grants.sql").read_text()
    with db.engine.begin() as conn:
        conn.exec_driver_sql(f"CREATE ROLE {role} NOLOGIN")
    try:
        with db.engine.begin() as conn:
            conn.exec_driver_sql(grants.replace("TO trainingapp;", f"TO {role};")
                                 .replace("FROM trainingapp;", f"FROM {role};"))
            conn.exec_driver_sql(f"SET LOCAL ROLE {role}")
            conn.execute(sa.text("INSERT INTO audit_event (at, action, detail) "
                                 "VALUES (now(), 'login', '{}')"))
            conn.execute(sa.text("INSERT INTO team (code, name, site) VALUES ('t', 'T', 's')"))
            conn.execute(sa.text("UPDATE team SET name = 'U'"))
            for refused in ("UPDATE audit_event SET action = 'x'", "DELETE FROM audit_event",
                            "TRUNCATE audit_event",
                            "ALTER TABLE audit_event DISABLE TRIGGER USER"):
                with pytest.raises(sa.exc.ProgrammingError) as error, conn.begin_nested():
                    conn.execute(sa.text(refused))
                assert "permission denied" in str(error.value) or "owner" in str(error.value)
    finally:
        with db.engine.begin() as conn:
            conn.exec_driver_sql(f"DROP OWNED BY {role}")
            conn.exec_driver_sql(f"DROP ROLE {role}")
    downgrade(revision="base")
