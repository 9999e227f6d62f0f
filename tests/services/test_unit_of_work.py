"""The unit of work at run time: one commit per request, reads ended only when they wrote
nothing, and the same path on both databases."""

import pytest
from sqlalchemy import select

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
