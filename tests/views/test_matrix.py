"""The HR certification matrix: statuses from certificates, filters, counts, paging,
exports with formula cells neutralised, and a query count that does not grow."""

import io
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from tests.conftest import count_queries, login, sync_fixture_bank
from trainingapp.extensions import db
from trainingapp.models import CertificateSource, Certification, Role, User, utcnow
from trainingapp.services import certification


@pytest.fixture
def hr_client(app, client, make_user):
    sync_fixture_bank(app, "cert_bank")
    login(client, make_user(roles=(Role.HR,), team="hq").employee_no)
    return client


def _cert(app, user_id, *, days_left, revoked=False):
    with app.app_context():
        track = certification.get_track("hotline-agent")
        now = utcnow()
        db.session.add(Certification(
            user_id=user_id, track_id=track.id, source=CertificateSource.EARNED,
            valid_from=now - timedelta(days=300), expires_at=now + timedelta(days=days_left),
            revoked_at=now - timedelta(days=1) if revoked else None))
        db.session.commit()


def test_each_status_is_counted_and_filtered(app, hr_client, make_user):
    people = {name: make_user(f"M{i:03d}", team="t1") for i, name in enumerate(
        ["certified", "renewal", "expired", "revoked", "none"])}
    _cert(app, people["certified"].id, days_left=200)
    _cert(app, people["renewal"].id, days_left=20)  # window: 60 days
    _cert(app, people["expired"].id, days_left=-5)
    _cert(app, people["revoked"].id, days_left=100, revoked=True)
    page = hr_client.get("/hr/matrix").get_data(as_text=True)
    assert "6 people" in page  # the five and the HR person, also a hotline agent
    with app.app_context():
        track_id = certification.get_track("hotline-agent").id
    from trainingapp.queries import matrix

    with app.app_context():
        built = matrix.build(matrix.Filters(), utcnow())
        assert built.counts[track_id] == {"certified": 1, "renewal_due": 1, "expired": 1,
                                          "revoked": 1, "none": 2}
    only = hr_client.get("/hr/matrix?status=renewal_due").get_data(as_text=True)
    assert "1 person" in only and people["renewal"].employee_no in only
    soon = hr_client.get("/hr/matrix?expiring=30").get_data(as_text=True)
    assert people["renewal"].employee_no in soon and people["certified"].employee_no not in soon
    by_team = hr_client.get("/hr/matrix?team=hq").get_data(as_text=True)
    assert "1 person" in by_team


def test_a_revoked_renewal_after_an_expiry_reads_revoked_as_the_rules_say(app, hr_client,
                                                                          make_user):
    person = make_user("R001", team="t1")
    with app.app_context():
        track = certification.get_track("hotline-agent")
        now = utcnow()
        first_end = now - timedelta(days=40)
        db.session.add_all([
            Certification(user_id=person.id, track_id=track.id, source=CertificateSource.EARNED,
                          valid_from=first_end - timedelta(days=365), expires_at=first_end),
            Certification(user_id=person.id, track_id=track.id, source=CertificateSource.EARNED,
                          valid_from=first_end, expires_at=first_end + timedelta(days=365),
                          revoked_at=now - timedelta(days=10))])
        db.session.commit()
        from trainingapp.queries import matrix

        built = matrix.build(matrix.Filters(), now)
        rules_say = certification.status_of(
            db.session.get(User, person.id), now).clearance.tracks["hotline-agent"].status
        assert built.cells[(person.id, track.id)][0] == rules_say == "revoked"


def test_counts_are_kept_a_minute_unless_a_certificate_changes_here(app, hr_client, make_user):
    from trainingapp.queries import matrix

    person = make_user("K001", team="t1")
    with app.app_context():
        now = utcnow()
        track_id = certification.get_track("hotline-agent").id
        first = matrix.build(matrix.Filters(), now)
        assert first.counts[track_id].get("certified", 0) == 0
        # a certificate written behind this process's back: counts wait for the minute …
        db.session.add(Certification(
            user_id=person.id, track_id=track_id, source=CertificateSource.EARNED,
            valid_from=now - timedelta(days=1), expires_at=now + timedelta(days=300)))
        db.session.commit()
        soon = matrix.build(matrix.Filters(), now + timedelta(seconds=30))
        assert soon.counts[track_id].get("certified", 0) == 0
        assert soon.cells[(person.id, track_id)][0] == "certified"  # the rows are current
        later = matrix.build(matrix.Filters(), now + timedelta(seconds=61))
        assert later.counts[track_id]["certified"] == 1
        # … but one changed through this process is counted at once
        cert = db.session.scalar(select(Certification).where(Certification.user_id == person.id))
        hr = db.session.scalar(select(User).where(User.employee_no != "K001"))
        certification.revoke(hr, cert, "test", now + timedelta(seconds=62))
        db.session.commit()
        after = matrix.build(matrix.Filters(), now + timedelta(seconds=63))
        assert after.counts[track_id].get("certified", 0) == 0
        assert after.counts[track_id]["revoked"] == 1
    assert "Counted at" in hr_client.get("/hr/matrix").get_data(as_text=True)


def test_pages_of_fifty(app, hr_client, make_user):
    for i in range(55):
        make_user(f"P{i:03d}", team="t1")
    first = hr_client.get("/hr/matrix").get_data(as_text=True)
    # by employee number: the HR person (E0001) first, then P000 … P048 on page one
    assert "56 people" in first and "Page 1 of 2" in first and "P048" in first
    second = hr_client.get("/hr/matrix?page=2").get_data(as_text=True)
    assert "P049" in second and "P048" not in second


def test_exports_cover_the_filtered_view_and_neutralise_formulas(app, hr_client, make_user):
    make_user("X001", team="t1")
    with app.app_context():
        sly = db.session.scalar(select(User).where(User.employee_no == "X001"))
        sly.full_name = "=HYPERLINK(\"http://evil\")"
        db.session.commit()
    csv_text = hr_client.get("/hr/matrix?export=csv").get_data(as_text=True)
    assert "'=HYPERLINK" in csv_text and "\n=HYPERLINK" not in csv_text
    xlsx = hr_client.get("/hr/matrix?export=xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.data)).active
    names = [row[1] for row in sheet.iter_rows(values_only=True)]
    assert names[0] == "name" and "'=HYPERLINK(\"http://evil\")" in names


def test_query_count_does_not_grow_with_ten_times_the_people(app, hr_client, make_user):
    for i in range(3):
        make_user(f"Q{i:03d}", team="t1")
    hr_client.get("/hr/matrix")
    with count_queries(app) as small:
        hr_client.get("/hr/matrix")
    for i in range(3, 30):
        make_user(f"Q{i:03d}", team="t1")
    with count_queries(app) as large:
        hr_client.get("/hr/matrix")
    assert len(small) == len(large)


def test_with_many_teams_the_filter_takes_a_team_code(app, hr_client, make_user, monkeypatch):
    from trainingapp.queries import people

    make_user("TT01", team="t1")
    make_user("TT02", team="t2")
    listed = hr_client.get("/hr/matrix").get_data(as_text=True)
    assert '<select id="team" name="team">' in listed
    monkeypatch.setattr(people, "TEAMS_LISTED", 1)
    typed = hr_client.get("/hr/matrix?team=t2").get_data(as_text=True)
    assert '<input type="text" id="team" name="team" value="t2"' in typed
    assert "TT02" in typed and "TT01" not in typed
