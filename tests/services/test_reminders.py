"""Queueing reminders: people are chosen in SQL and read a chunk at a time, each chunk is
written in one insert and committed, and each reminder is queued once, also when a run
stops midway or two runs overlap."""

import threading
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import delete, func, insert, select, text

from tests.conftest import (
    BEYOND_PARAMETER_LIMIT,
    count_queries,
    insert_people,
    run_twice_at_once,
    sync_fixture_bank,
)
from trainingapp import unit_of_work
from trainingapp.extensions import db
from trainingapp.models import (
    Assignment,
    AssignmentKind,
    CertificateSource,
    Certification,
    Notification,
    Track,
    User,
    utcnow,
)
from trainingapp.services import assignments, reminders

DAY = timedelta(days=1)


def _assign(people, due_on):  # type: ignore[no-untyped-def]
    """Give these people the one assignment (instead of their onboarding's)."""
    db.session.execute(delete(Assignment).where(Assignment.user_id.in_([p.id for p in people])))
    assignments.assign(None, [db.session.get(User, p.id) for p in people], "scenario",
                       "slow-wifi", due_on)
    db.session.commit()


def _reminded(kind):  # type: ignore[no-untyped-def]
    return sorted(db.session.scalars(select(Notification.user_id)
                                     .where(Notification.kind == kind)))


def test_every_chunk_of_people_is_reminded_once_and_committed(app, make_user, monkeypatch):
    sync_fixture_bank(app, "cert_bank")
    people = [make_user(f"RC{i:02d}") for i in range(5)]
    monkeypatch.setattr(reminders, "CHUNK", 2)
    with app.app_context():
        now = utcnow()
        _assign(people, assignments.today(now) + 2 * DAY)
        commits = []
        queued = reminders.queue_due(now, lambda: commits.append(unit_of_work.commit()))
        assert queued == Counter(due_soon=5) and len(commits) == 3  # 2 + 2 + 1 people
        assert reminders.queue_due(now) == Counter()
        assert _reminded("due_soon") == sorted(p.id for p in people)


def test_a_run_stopped_midway_resumes_where_it_stopped(app, make_user, monkeypatch):
    sync_fixture_bank(app, "cert_bank")
    people = [make_user(f"RS{i:02d}") for i in range(5)]
    monkeypatch.setattr(reminders, "CHUNK", 2)
    with app.app_context():
        now = utcnow()
        _assign(people, assignments.today(now) - DAY)

        def crash_after_the_first_chunk() -> None:
            unit_of_work.commit()
            raise KeyboardInterrupt

        with pytest.raises(KeyboardInterrupt):
            reminders.queue_due(now, crash_after_the_first_chunk)
        assert _reminded("overdue") == sorted(p.id for p in people[:2])  # kept
        assert reminders.queue_due(now, unit_of_work.commit) == Counter(overdue=3)
        assert _reminded("overdue") == sorted(p.id for p in people)


def test_the_queries_do_not_grow_with_the_reminders(app, make_user):
    sync_fixture_bank(app, "cert_bank")
    with app.app_context():
        now = utcnow()
        counts = []
        for size in (1, 6):
            people = [make_user() for _ in range(size)]
            _assign(people, assignments.today(now) + DAY)
            with count_queries(app) as queries:
                assert reminders.queue_due(now, unit_of_work.commit) == Counter(due_soon=size)
            counts.append(len(queries))
        assert counts[0] == counts[1]


def test_people_whose_last_reminder_is_queued_are_not_read_again(app, make_user):
    sync_fixture_bank(app, "cert_bank")
    late, soon = make_user("RL01"), make_user("RL02")
    with app.app_context():
        now = utcnow()
        _assign([late], assignments.today(now) - DAY)
        _assign([soon], assignments.today(now) + DAY)
        zone, tracks = assignments.zone(), db.session.scalars(select(Track.content)).all()
        assert reminders.candidates(now, zone, tracks) == [late.id, soon.id]
        reminders.queue_due(now, unit_of_work.commit)
        # overdue is the last word on an assignment; one due soon becomes overdue later
        assert reminders.candidates(now, zone, tracks) == [soon.id]


def test_people_whose_assignments_are_completed_are_not_read(app, make_user):
    """Past due, but its track is held by a current certificate: done (as the rule finds
    from the results), so nothing to remind of; the same with the certificate expired or
    revoked, overdue."""
    sync_fixture_bank(app, "cert_bank")
    held, lapsed, revoked = make_user("RH01"), make_user("RH02"), make_user("RH03")
    with app.app_context():
        now = utcnow()
        track = db.session.scalar(select(Track).where(Track.slug == "hotline-agent"))
        for person, expires_at, revoked_at in ((held, now + 100 * DAY, None),
                                               (lapsed, now - DAY, None),
                                               (revoked, now + 100 * DAY, now - DAY)):
            db.session.execute(delete(Assignment).where(Assignment.user_id == person.id))
            assignments.assign(None, [db.session.get(User, person.id)], "track",
                               "hotline-agent", assignments.today(now) - 10 * DAY)
            db.session.add(Certification(user_id=person.id, track_id=track.id,
                                         source=CertificateSource.EARNED,
                                         valid_from=now - 200 * DAY, expires_at=expires_at,
                                         revoked_at=revoked_at))
        db.session.commit()
        tracks = db.session.scalars(select(Track.content)).all()
        assert reminders.candidates(now, assignments.zone(), tracks) == [lapsed.id, revoked.id]
        queued = reminders.queue_due(now, unit_of_work.commit)
        assert queued == Counter(overdue=2, expired=1)


def test_people_whose_certificates_are_renewed_are_not_read(app, make_user):
    sync_fixture_bank(app, "cert_bank")
    renewed, lapsed = make_user("RN01"), make_user("RN02")
    with app.app_context():
        now = utcnow()
        track = db.session.scalar(select(Track).where(Track.slug == "hotline-agent"))
        db.session.execute(delete(Assignment))  # nothing but the certificates
        for person, ends in ((renewed, (now - 100 * DAY, now + 265 * DAY)),
                             (lapsed, (now - 100 * DAY,))):
            start = now - 465 * DAY
            for end in ends:
                db.session.add(Certification(user_id=person.id, track_id=track.id,
                                             source=CertificateSource.EARNED,
                                             valid_from=start, expires_at=end))
                start = end
        db.session.commit()
        tracks = db.session.scalars(select(Track.content)).all()
        assert reminders.candidates(now, assignments.zone(), tracks) == [lapsed.id]


def test_an_expired_certificate_gets_the_one_reminder_that_applies(app, make_user):
    sync_fixture_bank(app, "cert_bank")
    person = make_user("RX01")
    with app.app_context():
        now = utcnow()
        track = db.session.scalar(select(Track).where(Track.slug == "hotline-agent"))
        db.session.execute(delete(Assignment))  # nothing but the certificate
        db.session.add(Certification(user_id=person.id, track_id=track.id,
                                     source=CertificateSource.EARNED,
                                     valid_from=now - 400 * DAY, expires_at=now - 35 * DAY))
        db.session.commit()
        assert reminders.queue_due(now, unit_of_work.commit) == Counter(expired=1)
        assert db.session.scalars(select(Notification.ref).where(
            Notification.kind != "assigned")).all() == [
            f"certificate:{db.session.scalar(select(Certification.id))}:expired"]


def test_two_runs_at_once_queue_each_reminder_once(app, make_user, monkeypatch):
    """Both runs read what is queued before either writes, so both try to insert every
    reminder: the unique key and the insert that skips what exists keep one of each."""
    sync_fixture_bank(app, "cert_bank")
    people = [make_user(f"RT{i:02d}") for i in range(4)]
    with app.app_context():
        now = utcnow()
        _assign(people[:2], assignments.today(now) + DAY)
        _assign(people[2:], assignments.today(now) - DAY)
    both_read = threading.Barrier(2, timeout=30)
    read_queued = reminders._queued

    def read_then_wait(chunk):  # type: ignore[no-untyped-def]
        found = read_queued(chunk)
        both_read.wait()
        return found

    monkeypatch.setattr(reminders, "_queued", read_then_wait)
    results = run_twice_at_once(app, lambda: reminders.queue_due(now, unit_of_work.commit))
    assert sum(results, Counter()) == Counter(due_soon=2, overdue=2)  # split between them
    with app.app_context():
        assert db.session.execute(select(Notification.user_id, Notification.kind)
                                  .where(Notification.kind != "assigned")
                                  .order_by(Notification.user_id)).all() == [
            (people[0].id, "due_soon"), (people[1].id, "due_soon"),
            (people[2].id, "overdue"), (people[3].id, "overdue")]


@pytest.mark.db
@pytest.mark.usefixtures("bulk_rows")
def test_more_people_than_the_database_binds_in_one_statement(app, runner):
    """``flask notify send`` at more people than an IN list of all of them could hold:
    every one gets their reminder, counted by kind, and a second run adds nothing."""
    sync_fixture_bank(app, "cert_bank")
    count = BEYOND_PARAMETER_LIMIT
    with app.app_context():
        now = utcnow()
        track_id = db.session.scalar(select(Track.id).where(Track.slug == "hotline-agent"))
        ids = insert_people(count)
        db.session.execute(insert(Certification.__table__), [  # each expired 10 days ago
            {"user_id": i, "track_id": track_id, "code": f"B{i:09d}",
             "source": CertificateSource.EARNED, "valid_from": now - 375 * DAY,
             "expires_at": now - 10 * DAY} for i in ids])
        soon = assignments.today(now) + DAY  # the first, a middle and the last person
        db.session.execute(insert(Assignment.__table__), [
            {"user_id": i, "kind": AssignmentKind.MODULE, "target": "greeting",
             "due_on": soon, "origin": "manual"} for i in (ids[0], ids[count // 2], ids[-1])])
        unit_of_work.commit()
        if db.engine.dialect.name == "postgresql":  # as autovacuum would after a bulk load
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text("ANALYZE user_account, certification, assignment"))

    result = runner.invoke(args=["notify", "send"])
    assert result.exit_code == 0, result.output
    assert f"Queued {count + 3:,} reminder(s): 3 due soon, {count:,} expired." in result.output
    assert f"Emailed 0; in the app only {count + 3:,}; took " in result.output
    with app.app_context():
        kinds = dict(db.session.execute(select(Notification.kind, func.count())
                                        .group_by(Notification.kind)).all())
        assert kinds == {"due_soon": 3, "expired": count}
        assert db.session.scalar(select(func.count(func.distinct(Notification.user_id)))
                                 ) == count
    again = runner.invoke(args=["notify", "send"])
    assert "Queued 0 reminder(s)." in again.output and "in the app only 0;" in again.output
