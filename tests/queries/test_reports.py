"""HR's charts: certified share over time, expiries per month, pass rates."""

from datetime import UTC, datetime, timedelta

from tests.conftest import sync_fixture_bank
from trainingapp.extensions import db
from trainingapp.models import CertificateSource, Certification, utcnow
from trainingapp.rules.certification import add_months
from trainingapp.queries import reports
from trainingapp.services import certification


def test_share_and_expiries_follow_the_certificates(app, make_user):
    sync_fixture_bank(app, "cert_bank")
    people = [make_user(f"R{i:03d}") for i in range(4)]
    with app.app_context():
        now = utcnow()
        track = certification.get_track("hotline-agent")
        start = datetime(now.year, now.month, 1, tzinfo=UTC)
        old = Certification(user_id=people[0].id, track_id=track.id,
                            source=CertificateSource.EARNED, valid_from=add_months(start, -3),
                            expires_at=add_months(start, 2) + timedelta(days=3))
        renewal = Certification(user_id=people[0].id, track_id=track.id,
                                source=CertificateSource.EARNED, valid_from=old.expires_at,
                                expires_at=add_months(old.expires_at, 12))
        other = Certification(user_id=people[1].id, track_id=track.id,
                              source=CertificateSource.EARNED, valid_from=add_months(start, -1),
                              expires_at=add_months(start, 1) + timedelta(days=3))
        db.session.add_all([old, renewal, other])
        db.session.commit()
        share = reports.certified_share(now)
        assert [round(b.value) for b in share[-5:]] == [0, 25, 25, 50, 50]
        expiring = {b.label: b.value for b in reports.expiring_per_month(now)}
        assert expiring[f"{add_months(start, 1):%b %Y}"] == 1  # the other one, by its month
        assert expiring[f"{add_months(start, 2):%b %Y}"] == 0  # renewed: not counted
        assert len(expiring) == 12


def test_pass_rates_per_module(app, make_user):
    from tests.services.test_certification import pass_quiz
    from trainingapp.models import User

    sync_fixture_bank(app, "cert_bank")
    person = make_user()
    with app.app_context():
        pass_quiz(db.session.get(User, person.id), utcnow())
        db.session.commit()
        modules, calls = reports.pass_rates()
        assert [(b.label["en"], b.value, b.count) for b in modules] == [
            ("Greeting the caller", 100.0, 1)]
        assert calls == []
