"""HR's overview: certified share over time, expiries per month, pass rates, by the
organisation's calendar months, counted in constant queries and kept for a minute."""

from datetime import UTC, datetime, timedelta

from freezegun import freeze_time

from tests.conftest import count_queries, login, sync_fixture_bank
from trainingapp.extensions import db
from trainingapp.models import CertificateSource, Certification, Role, User, utcnow
from trainingapp.queries import reports
from trainingapp.rules.certification import add_months
from trainingapp.services import certification


def _certificate(user_id, track_id, valid_from, expires_at):
    return Certification(user_id=user_id, track_id=track_id, source=CertificateSource.EARNED,
                         valid_from=valid_from, expires_at=expires_at)


def test_share_and_expiries_follow_the_certificates(app, make_user):
    sync_fixture_bank(app, "cert_bank")
    people = [make_user(f"R{i:03d}") for i in range(4)]
    with app.app_context():
        now = utcnow()
        track = certification.get_track("hotline-agent")
        start = reports.month_starts(now, 0, 1)[0]  # this month's first instant
        old = _certificate(people[0].id, track.id, add_months(start, -3),
                           add_months(start, 2) + timedelta(days=3))
        renewal = _certificate(people[0].id, track.id, old.expires_at,
                               add_months(old.expires_at, 12))
        other = _certificate(people[1].id, track.id, add_months(start, -1),
                             add_months(start, 1) + timedelta(days=3))
        db.session.add_all([old, renewal, other])
        db.session.commit()
        share = reports.certified_share(now)
        assert [round(b.value) for b in share[-5:]] == [0, 25, 25, 50, 50]
        assert [b.count for b in share[-5:]] == [0, 1, 1, 2, 2]
        expiring = {str(b.label): b.value for b in reports.expiring_per_month(now)}
        assert expiring[f"{add_months(start, 1) + timedelta(days=3):%b %Y}"] == 1  # the other
        assert expiring[f"{add_months(start, 2) + timedelta(days=3):%b %Y}"] == 0  # renewed
        assert len(expiring) == 12


@freeze_time("2026-11-20 04:00:00")
def test_months_begin_at_midnight_where_the_organisation_works(app, make_user):
    """Asia/Shanghai (UTC+8): 30 November 20:00 UTC is 1 December 04:00 there, so a
    certificate ending then ends in December, and one starting then is not yet held at the
    start of December (16:00 UTC on 30 November)."""
    sync_fixture_bank(app, "cert_bank")
    first, second = make_user("R101"), make_user("R102")
    with app.app_context():
        track = certification.get_track("hotline-agent")
        late = datetime(2026, 11, 30, 20, tzinfo=UTC)
        db.session.add_all([
            _certificate(first.id, track.id, datetime(2026, 1, 1, tzinfo=UTC), late),
            _certificate(second.id, track.id, late, datetime(2027, 11, 30, 20, tzinfo=UTC))])
        db.session.commit()
        now = utcnow()
        with app.test_request_context():
            expiring = [(str(b.label), b.count) for b in reports.expiring_per_month(now)]
            assert expiring[:2] == [("Nov 2026", 0), ("Dec 2026", 1)]
            share = [(str(b.label), b.count) for b in reports.certified_share(now)]
        assert share[-1] == ("Nov 2026", 1)  # the first one's, held on 1 November
        starts = reports.month_starts(now, 1, 1)
        assert starts == [datetime(2026, 11, 30, 16, tzinfo=UTC)]  # 1 December, 00:00 there
        assert reports.certified_share(datetime(2026, 12, 2, tzinfo=UTC))[-1].count == 1  # the second


def test_pass_rates_per_module(app, make_user):
    from tests.services.test_certification import pass_quiz

    sync_fixture_bank(app, "cert_bank")
    person = make_user()
    with app.app_context():
        pass_quiz(db.session.get(User, person.id), utcnow())
        db.session.commit()
        modules, calls = reports.pass_rates()
        assert [(b.label["en"], b.value, b.count) for b in modules] == [
            ("Greeting the caller", 100.0, 1)]
        assert calls == []


def test_the_overview_takes_the_same_queries_for_3_and_30_people_and_keeps_them(
        app, client, make_user):
    from tests.services.test_certification import pass_quiz

    sync_fixture_bank(app, "cert_bank")
    hr = make_user(roles=(Role.HR,))

    def add_people(first, last):
        for n in range(first, last):
            person = make_user(f"R2{n:02d}", team=f"t{n % 4}")
            with app.app_context():
                pass_quiz(db.session.get(User, person.id), utcnow() - timedelta(days=40 * n))
                db.session.commit()

    add_people(0, 3)
    login(client, hr.employee_no)
    with count_queries(app) as few:
        page = client.get("/hr/").get_data(as_text=True)
    assert "Greeting the caller" in page and "Counted at" in page
    with count_queries(app) as kept:
        client.get("/hr/")
    assert len(few) - len(kept) == 6  # one query a chart, the headcount and the teams, kept
    add_people(3, 30)
    with app.app_context():
        reports.process_cache.forget("hr_overview")
    with count_queries(app) as many:
        page = client.get("/hr/").get_data(as_text=True)
    assert len(many) == len(few)
    with app.app_context():
        total = db.session.scalar(db.select(db.func.count()).select_from(User))
    assert f"<td class=\"num\">{total}</td>" in page  # everyone counted, by position


def test_the_overview_is_counted_again_after_a_minute(app, client, make_user):
    hr = make_user(roles=(Role.HR,))
    with freeze_time("2026-11-20 04:00:00") as clock:
        login(client, hr.employee_no)
        assert '<td class="num">1</td>' in client.get("/hr/").get_data(as_text=True)
        make_user("R301")
        clock.tick(59)
        kept = client.get("/hr/").get_data(as_text=True)
        assert '<td class="num">1</td>' in kept and '<td class="num">2</td>' not in kept
        clock.tick(1)
        assert '<td class="num">2</td>' in client.get("/hr/").get_data(as_text=True)
