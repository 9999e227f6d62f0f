"""Assignments: onboarding, position changes, status from results, extensions, and the
queries of assigning to many people (a whole position beyond the databases' parameter
limits: test_assignment_views)."""

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from tests.conftest import count_queries, insert_people, sync_fixture_bank
from trainingapp.extensions import db
from trainingapp.models import (
    Assignment,
    AuditEvent,
    DueDateExtension,
    Notification,
    Position,
    User,
)
from trainingapp.rules.assignments import Progress
from trainingapp.services import accounts, assignments

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
TODAY = date(2026, 11, 23)


@pytest.fixture
def ready(app, make_user):
    sync_fixture_bank(app, "cert_bank")
    boss = make_user()
    with app.app_context():
        yield db.session.get(User, boss.id)


def test_a_new_hire_gets_the_position_s_tracks_due_n_days_after_hiring(ready):
    person = accounts.create_user(employee_no="T6100", full_name="New Hire",
                               password="a fine passphrase", hire_date=date(2026, 11, 2),
                               position=db.session.scalar(select(Position).filter_by(
                                   code="hotline-agent")))
    db.session.commit()
    given = db.session.scalars(select(Assignment).where(Assignment.user_id == person.id)).all()
    assert [(a.kind, a.target, a.origin) for a in given] == [("track", "hotline-agent", "onboarding")]
    assert given[0].due_on == date(2026, 12, 2)  # 30 days by default


def test_a_position_change_assigns_the_new_position_s_tracks(ready):
    person = accounts.create_user(employee_no="T6101", full_name="Moving Up",
                               password="a fine passphrase",
                               position=db.session.scalar(select(Position).filter_by(
                                   code="hotline-agent")))
    leader = Position(code="team-leader", name_en="Team leader", name_zh="班组长")
    db.session.add(leader)
    db.session.flush()
    accounts.update_profile(person, {"position": leader})
    db.session.commit()
    targets = {a.target: a.origin for a in db.session.scalars(
        select(Assignment).where(Assignment.user_id == person.id))}
    assert targets == {"hotline-agent": "onboarding", "team-leader": "position"}


def test_assigning_again_changes_only_when_confirmed_and_status_follows_results(ready):
    boss = ready
    people = [accounts.create_user(employee_no=f"T62{i:02d}", full_name=f"P{i}",
                                password="a fine passphrase") for i in range(2)]
    assert assignments.assign(boss, people, "module", "greeting", TODAY + timedelta(days=7),
                              "Read it first") == assignments.Assigned(added=2)
    kept = assignments.assign(boss, people[:1], "module", "greeting", TODAY + timedelta(days=9),
                              "Before the night shift")
    assert kept == assignments.Assigned(kept=1)  # not confirmed: nothing changes
    assert assignments.already_assigned(people, "module", "greeting")[0].note == "Read it first"
    changed = assignments.assign(boss, people[:1], "module", "greeting",
                                 TODAY + timedelta(days=9), "Before the night shift",
                                 replace=True)
    assert changed == assignments.Assigned(changed=1)
    db.session.commit()
    views = assignments.for_people(people, NOW)
    assert [v.progress for v in views[people[0].id]] == [Progress.NOT_STARTED]
    assert views[people[0].id][0].assignment.note == "Before the night shift"
    later = assignments.for_people(people, NOW + timedelta(days=8))
    assert later[people[1].id][0].progress == Progress.OVERDUE
    assert later[people[0].id][0].progress == Progress.NOT_STARTED
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "assignment_changed"))
    assert (event.actor_id, event.subject_user_id) == (boss.id, people[0].id)
    assert {k: event.detail[k] for k in ("previous_due", "due", "previous_note", "note")} == {
        "previous_due": "2026-11-30", "due": "2026-12-02", "previous_note": "Read it first",
        "note": "Before the night shift"}
    move = db.session.scalar(select(DueDateExtension))
    assert (move.previous_due_on, move.new_due_on, move.extended_by_id) == (
        date(2026, 11, 30), date(2026, 12, 2), boss.id)
    with pytest.raises(assignments.AssignmentError):
        assignments.assign(boss, people, "module", "no-such-module", TODAY)
    with pytest.raises(TypeError):  # a due date is a day, never an instant
        assignments.assign(boss, people, "module", "greeting", NOW)


def test_a_notification_carries_the_due_day_as_an_iso_date(ready):
    person = accounts.create_user(employee_no="T6250", full_name="P", password="a fine passphrase")
    assignments.assign(ready, [person], "module", "greeting", date(2026, 12, 15))
    db.session.commit()
    note = db.session.scalar(select(Notification).where(Notification.user_id == person.id,
                                                        Notification.kind == "assigned"))
    assert note.detail["due"] == "2026-12-15"


def test_an_extension_is_recorded_with_who_and_why(ready):
    boss = ready
    person = accounts.create_user(employee_no="T6300", full_name="P", password="a fine passphrase")
    assignments.assign(boss, [person], "scenario", "slow-wifi", TODAY)
    db.session.commit()
    given = db.session.scalar(select(Assignment).where(Assignment.user_id == person.id))
    with pytest.raises(assignments.AssignmentError):
        assignments.extend(boss, given, TODAY + timedelta(days=3), " ")
    assignments.extend(boss, given, TODAY + timedelta(days=3), "Was on sick leave")
    db.session.commit()
    record = db.session.scalar(select(DueDateExtension))
    assert (record.previous_due_on, record.new_due_on, record.reason, record.extended_by_id) == (
        TODAY, TODAY + timedelta(days=3), "Was on sick leave", boss.id)


@pytest.mark.parametrize("replace", [False, True])
def test_the_queries_do_not_grow_with_the_people_within_a_chunk(app, ready, replace):
    """Given to 3 or to 30 people, new or changed (confirmed): the same statements, each
    writing every person's row at once."""
    boss = ready
    queries = {}
    for count in (3, 30):
        people = db.session.scalars(select(User).where(
            User.id.in_(insert_people(count, position="hotline-agent")))).all()
        if replace:
            assignments.assign(boss, people, "module", "greeting", TODAY, "First")
        with count_queries(app) as statements:
            done = assignments.assign(boss, people, "module", "greeting",
                                      TODAY + timedelta(days=7), "Again", replace=replace)
        assert done == (assignments.Assigned(changed=count) if replace
                        else assignments.Assigned(added=count))
        queries[count] = statements
    assert len(queries[3]) == len(queries[30])
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(Assignment).where(
        Assignment.target == "greeting", Assignment.due_on == TODAY + timedelta(days=7),
        Assignment.note == "Again")) == 33
    assert db.session.scalar(select(func.count()).select_from(Notification).where(
        Notification.ref == f"assigned:module:greeting:{TODAY + timedelta(days=7):%Y%m%d}")) == 33
    assert db.session.scalar(select(func.count()).select_from(DueDateExtension)) == (
        33 if replace else 0)
    events = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == ("assignment_changed" if replace else "assigned"),
        AuditEvent.actor_id == boss.id)).all()
    assert len({e.subject_user_id for e in events}) == len(events) == 33
    said = {"kind": "module", "target": "greeting", "due": "2026-11-30"} | (
        {"previous_due": "2026-11-23", "note": "Again"} if replace else {"origin": "manual"})
    assert {k: events[0].detail.get(k) for k in said} == said
