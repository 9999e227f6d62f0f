"""Awarding, renewing, revoking, exempting and reminding, through the services."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from tests.conftest import count_queries, sync_fixture_bank
from trainingapp.extensions import db
from trainingapp.models import (
    AuditEvent,
    Call,
    CertificateSource,
    Certification,
    Module,
    Notification,
    Position,
    User,
)
from trainingapp.rules.calls import option_order
from trainingapp.rules.certification import Status, add_months
from trainingapp.services import calls, certification, quizzes, reminders
from trainingapp.services.quizzes import SavedAnswer

T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


@pytest.fixture
def ctx(app, make_user):
    sync_fixture_bank(app, "cert_bank")
    user, staff = make_user(), make_user()
    with app.app_context():
        yield db.session.get(User, user.id), db.session.get(User, staff.id)


def pass_quiz(user, at):
    module = db.session.scalar(select(Module))
    attempt = quizzes.start(user, module, at)
    answers = []
    for item in quizzes.questions_of(attempt):
        kind = item.version.content["type"]
        answers.append(SavedAnswer(item.position, True if kind == "true_false" else 30.0, False))
    quizzes.save_answers(attempt, answers, at)
    quizzes.submit(attempt, at + timedelta(minutes=1))
    return attempt


def pass_call(user, at):
    run = calls.start(user, db.session.scalar(select(Call)), at)
    for _ in range(10):
        if not run.is_open:
            return run
        node = run.version.content["call"]["nodes"][run.node]
        if node["type"] == "choice":
            calls.take_turn(run, run.node, at, choice=option_order(
                run.id, run.node, node, run.visits).index("a"))
        else:
            calls.take_turn(run, run.node, at, reply="sorry, I will run a line test")
    raise AssertionError("the call did not end")


def decision(user, at):
    return certification.status_of(user, at).clearance.tracks["hotline-agent"]


def test_the_result_that_completes_the_track_awards_it_in_its_transaction(ctx):
    user, _ = ctx
    pass_quiz(user, T0)
    assert decision(user, T0 + timedelta(minutes=2)).missing == ("scenario:slow-wifi",)
    run = pass_call(user, T0 + timedelta(hours=1))
    assert run.passed
    cert = db.session.scalar(select(Certification))
    assert cert is not None and cert.source == CertificateSource.EARNED  # before any commit
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Certification)) == 0  # together


def test_award_then_expiry_at_the_instant_then_renewal_from_the_old_expiry(ctx):
    user, _ = ctx
    pass_quiz(user, T0)
    pass_call(user, T0 + timedelta(hours=1))
    db.session.commit()
    cert = db.session.scalar(select(Certification))
    assert len(cert.code) == 12 and cert.expires_at == add_months(cert.valid_from, 12)
    assert certification.status_of(user, T0 + timedelta(days=2)).clearance.cleared
    expiry = cert.expires_at
    assert not certification.status_of(user, expiry).clearance.cleared

    window = expiry - timedelta(days=20)
    assert decision(user, window).status == Status.RENEWAL_DUE
    pass_call(user, window)  # the renewal evidence this track asks for: a fresh call
    db.session.commit()
    renewal = db.session.scalars(select(Certification).order_by(Certification.id.desc())).first()
    assert renewal.id != cert.id and renewal.valid_from == expiry
    assert renewal.expires_at == add_months(expiry, 12)
    assert certification.status_of(user, expiry + timedelta(days=1)).clearance.cleared


def test_revoke_needs_a_reason_ends_clearance_and_reinstate_restores_it(ctx):
    user, hr = ctx
    pass_quiz(user, T0)
    pass_call(user, T0)
    db.session.commit()
    cert = db.session.scalar(select(Certification))
    with pytest.raises(certification.CertificationError):
        certification.revoke(hr, cert, "  ", T0 + timedelta(days=1))
    certification.revoke(hr, cert, "Complaint upheld: disclosed data", T0 + timedelta(days=1))
    db.session.commit()
    assert decision(user, T0 + timedelta(days=1)).status == Status.REVOKED
    certification.reinstate(hr, cert, "Appeal accepted")
    db.session.commit()
    assert decision(user, T0 + timedelta(days=2)).status == Status.CERTIFIED
    actions = db.session.scalars(select(AuditEvent.action).where(
        AuditEvent.action.like("certificate_%")).order_by(AuditEvent.id)).all()
    assert actions == ["certificate_awarded", "certificate_revoked", "certificate_reinstated"]


def test_an_exemption_or_outside_award_needs_an_evidence_note(ctx):
    user, admin = ctx
    track = certification.get_track("hotline-agent")
    with pytest.raises(certification.CertificationError):
        certification.record_outside_award(admin, user, track, CertificateSource.EXEMPTION, "", T0)
    certification.record_outside_award(admin, user, track, CertificateSource.EXEMPTION,
                                       "Transferred from the partner centre, HR file 88", T0)
    db.session.commit()
    assert certification.status_of(user, T0 + timedelta(days=900)).clearance.cleared


def test_a_position_change_adds_its_track(ctx):
    user, _ = ctx
    pass_quiz(user, T0)
    pass_call(user, T0)
    db.session.commit()
    assert certification.status_of(user, T0 + timedelta(days=1)).clearance.cleared
    leader = Position(code="team-leader", name_en="Team leader", name_zh="班组长")
    db.session.add(leader)
    db.session.flush()
    user.position_id = leader.id
    db.session.commit()
    status = certification.status_of(user, T0 + timedelta(days=1))
    assert set(status.tracks) == {"team-leader"} and not status.clearance.cleared


def test_reminders_are_queued_once_each(ctx):
    user, _ = ctx
    pass_quiz(user, T0)
    pass_call(user, T0)
    db.session.commit()
    expiry = db.session.scalar(select(Certification)).expires_at
    def certificate_reminders():
        return db.session.scalars(select(Notification.kind).where(
            Notification.user_id == user.id, Notification.ref.like("certificate:%"))
            .order_by(Notification.id)).all()

    reminders.queue_due(expiry - timedelta(days=50))
    assert certificate_reminders() == ["window_open"]
    reminders.queue_due(expiry - timedelta(days=50))
    assert certificate_reminders() == ["window_open"]  # never twice
    reminders.queue_due(expiry - timedelta(days=6))  # past 30 days left: that one is moot
    assert certificate_reminders() == ["window_open", "expiring_7"]
    reminders.queue_due(expiry + timedelta(days=1))
    assert certificate_reminders() == ["window_open", "expiring_7", "expired"]


def test_within_a_request_the_banner_and_the_page_share_one_answer(app, ctx):
    user, _ = ctx
    with app.test_request_context("/certification/"):
        first = certification.status_of(user, T0)
        with count_queries(app) as queries:
            again = certification.status_of(user, T0 + timedelta(milliseconds=40))  # a moment later
        assert again is first and queries == []
    assert certification.status_of(user, T0) is not first  # outside a request nothing is kept
