"""The unit of work at run time: one commit per request, reads ended only when they wrote
nothing, and the same path on both databases."""

import pytest
from sqlalchemy import insert, select, update

from tests.conftest import count_round_trips
from trainingapp import unit_of_work
from trainingapp.extensions import db
from trainingapp.models import Team


def test_a_request_commits_once(app):
    with app.test_request_context("/", method="POST"):
        app.preprocess_request()
        db.session.add(Team(code="uow-1", name="One"))
        unit_of_work.commit()
        db.session.add(Team(code="uow-2", name="Two"))
        with pytest.raises(unit_of_work.CommittedTwice):
            unit_of_work.commit()
        unit_of_work.discard()
    with app.app_context():
        assert db.session.scalars(select(Team.code).where(Team.code.like("uow-%"))).all() == ["uow-1"]


def test_ending_reads_refuses_to_commit_changes(app):
    with app.test_request_context("/"):
        db.session.scalar(select(Team.id))
        unit_of_work.end_reads()  # only read: fine
        db.session.add(Team(code="uow-3", name="Three"))
        with pytest.raises(RuntimeError, match="commit"):
            unit_of_work.end_reads()
        unit_of_work.discard()


def test_writing_starts_once_and_keeps_what_was_written(app):
    with app.test_request_context("/"):
        db.session.scalar(select(Team.id))
        unit_of_work.writing()
        db.session.add(Team(code="uow-4", name="Four"))
        db.session.flush()
        unit_of_work.writing()  # already writing: the flushed row stays in this transaction
        unit_of_work.commit()
    with app.app_context():
        assert db.session.scalar(select(Team.code).where(Team.code == "uow-4")) == "uow-4"


def test_what_a_reading_request_writes_is_still_one_transaction(app):
    """A GET reads outside a transaction on PostgreSQL; its first write begins one, so what
    it writes is kept or dropped as a whole, as on SQLite."""
    for end, kept in ((unit_of_work.discard, []), (unit_of_work.commit, ["uow-5", "uow-6"])):
        with app.test_request_context("/"):
            db.session.scalar(select(Team.id))
            db.session.add(Team(code="uow-5", name="Five"))
            db.session.flush()
            db.session.execute(insert(Team).values(code="uow-6", name="Six"))
            assert db.session.scalars(select(Team.code).where(Team.code.like("uow-%"))
                                      .order_by(Team.code)).all() == ["uow-5", "uow-6"]
            end()
        with app.app_context():
            assert db.session.scalars(select(Team.code).where(Team.code.like("uow-%"))
                                      .order_by(Team.code)).all() == kept


def test_postgresql_reads_have_no_transaction_round_trips(app):
    with app.app_context():
        db.session.add(Team(code="uow-7", name="Seven"))
        db.session.commit()
    with count_round_trips(app) as trips:
        with app.test_request_context("/", method="POST"):
            app.preprocess_request()
            with unit_of_work.reads_without_lock():
                assert db.session.scalar(select(Team.name).where(Team.code == "uow-7")) == "Seven"
            unit_of_work.end_reads()
            unit_of_work.writing()
            db.session.scalar(select(Team.id))
            db.session.execute(update(Team).where(Team.code == "uow-7").values(name="7"))
            unit_of_work.commit()
        first = trips.statements()
        trips.clear()
        with app.test_request_context("/"):  # a server-side cursor needs a transaction
            assert [t.code for t in db.session.scalars(
                select(Team).execution_options(yield_per=10))] == ["uow-7"]
        second = trips.statements()
    assert [s.split()[0] for s in first] == ["SELECT", "SELECT", "BEGIN", "UPDATE", "COMMIT"]
    assert [s.split()[0] for s in second] == ["BEGIN", "DECLARE", "DESCRIBE", "FETCH", "FETCH",
                                              "CLOSE", "ROLLBACK"], second
