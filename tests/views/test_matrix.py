"""The HR certification matrix: statuses from certificates, filters, counts, paging,
exports in the reader's words (formulas neutralised in CSV, text cells in XLSX), and a
query count that does not grow."""

import csv
import io
import re
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from tests.conftest import count_queries, login, sync_fixture_bank
from trainingapp.extensions import db
from trainingapp.models import (
    AuditEvent,
    CertificateSource,
    Certification,
    Role,
    User,
    utcnow,
)
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


CODES = {"none", "certified", "renewal_due", "expired", "revoked", "in_progress",
         "not_started", "hotline-agent", "t1", "hq"}
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
HEADERS = {"en": ["Employee number", "Name", "Team", "Site", "Position", "Track",
                  "Track code (for systems)", "Status", "Valid until"],
           "zh": ["工号", "姓名", "班组", "地点", "岗位", "认证", "认证代码（供系统使用）", "状态",
                  "有效期至"]}
WORDS = {"en": {"track": "Hotline agent certification", "position": "Hotline agent",
                "certified": "Certified", "none": "Not certified", "renewal": "Renewal due",
                "day": re.compile(r"^[A-Z][a-z]{2} \d{1,2}, \d{4}$")},
         "zh": {"track": "热线客服上岗认证", "position": "热线客服代表", "certified": "已认证",
                "none": "未认证", "renewal": "待续期",
                "day": re.compile(r"^\d{4}年\d{1,2}月\d{1,2}日$")}}


def _csv(response):
    return list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))


def _xlsx(response):
    sheet = load_workbook(io.BytesIO(response.data)).active
    return sheet, [[c.value if c.value is not None else "" for c in row]
                   for row in sheet.iter_rows()]


def _assert_in_words(rows, language):
    words = WORDS[language]
    assert rows[0] == HEADERS[language]
    by_person = {row[0]: dict(zip(HEADERS["en"], row, strict=True)) for row in rows[1:]}
    certified, waiting, due = by_person["W001"], by_person["W002"], by_person["W003"]
    assert certified["Team"] == "Team t1" and certified["Site"] == "Test site"
    assert certified["Position"] == words["position"] and certified["Track"] == words["track"]
    assert certified["Track code (for systems)"] == "hotline-agent"  # the machine column
    assert certified["Status"] == words["certified"]
    assert words["day"].match(certified["Valid until"])
    assert waiting["Status"] == words["none"] and waiting["Valid until"] == ""
    assert due["Status"] == words["renewal"] and words["day"].match(due["Valid until"])
    for row in rows[1:]:  # codes only in the machine column, dates never as ISO
        shown = row[1:6] + row[7:]
        assert not set(shown) & CODES and not any(ISO_DATE.search(c) for c in shown), row


@pytest.mark.parametrize("language", ["en", "zh"])
def test_exports_are_in_the_readers_words_with_machine_columns(app, client, make_user,
                                                                language):
    sync_fixture_bank(app, "cert_bank")
    login(client, make_user(roles=(Role.HR,), team="hq", language=language).employee_no)
    people = [make_user(f"W00{i}", team="t1") for i in (1, 2, 3)]
    _cert(app, people[0].id, days_left=200)
    _cert(app, people[2].id, days_left=20)
    rows = _csv(client.get("/hr/matrix?export=csv"))
    _assert_in_words(rows, language)
    sheet, cells = _xlsx(client.get("/hr/matrix?export=xlsx"))
    _assert_in_words(cells, language)
    assert sheet.title == {"en": "Certification matrix", "zh": "认证矩阵"}[language]
    assert sheet.auto_filter.ref == f"A1:I{len(cells)}"  # HR filters any column at once
    assert len(rows) == len(cells) == 5  # one row per person and required track


def test_exports_cover_the_filtered_view_with_every_track_of_those_kept(app, hr_client,
                                                                        make_user):
    kept, other = make_user("F001", team="t1"), make_user("F002", team="t1")
    _cert(app, kept.id, days_left=20)
    rows = _csv(hr_client.get("/hr/matrix?export=csv&status=renewal_due"))
    assert [r[0] for r in rows[1:]] == ["F001"] and rows[1][7] == "Renewal due"
    by_team = _csv(hr_client.get("/hr/matrix?export=csv&team=t1&site=Test+site"))
    assert [r[0] for r in by_team[1:]] == ["F001", "F002"]
    assert other.employee_no in {r[0] for r in by_team}


SLY = ["=HYPERLINK(\"http://evil\")", "+1 555 0100", "-2+3", "@SUM(A1)"]


def test_csv_neutralises_formulas_and_xlsx_stores_them_as_plain_text(app, hr_client,
                                                                     make_user):
    for n, name in enumerate(SLY):
        make_user(f"X00{n}", team="t1")
        with app.app_context():
            db.session.scalar(select(User).where(User.employee_no == f"X00{n}")).full_name = name
            db.session.commit()
    names = [r[1] for r in _csv(hr_client.get("/hr/matrix?export=csv"))]
    assert all("'" + name in names for name in SLY)  # CSV has no types: an apostrophe
    sheet, _cells = _xlsx(hr_client.get("/hr/matrix?export=xlsx"))
    stored = {c.value: c.data_type for c in next(sheet.iter_cols(min_col=2, max_col=2))}
    for name in SLY:  # the text itself, as a text cell: no formula, no apostrophe
        assert stored[name] == "s", name
    assert not any(c.data_type == "f" for row in sheet.iter_rows() for c in row)


def _export_queries(app, client, url):  # type: ignore[no-untyped-def]
    with count_queries(app) as statements:
        rows = _csv(client.get(url))  # the rows are read while the file is sent
    return rows, statements


@pytest.mark.parametrize("query, hr_too", [("", True), ("&status=none", True),
                                           ("&team=t1", False)])
def test_exports_hold_everyone_fetched_a_page_at_a_time(app, hr_client, make_user,
                                                        monkeypatch, query, hr_too):
    from trainingapp.queries import matrix

    monkeypatch.setattr(matrix, "EXPORT_PAGE", 3)
    fetched = []
    monkeypatch.setattr(db.session, "execute", _watching(db.session.execute, fetched))
    numbers = [make_user(f"P{i:03d}", team="t1").employee_no for i in range(10)]
    numbers = ["E0001"] * hr_too + numbers  # the HR person (team hq) is a hotline agent too
    rows, statements = _export_queries(app, hr_client, f"/hr/matrix?export=csv{query}")
    assert [r[0] for r in rows[1:]] == numbers  # every one, over four pages, in order
    assert {"yield_per": 3} in fetched  # the cells come a page at a time
    cells = [s for s in statements if "ORDER BY user_account.employee_no, CASE" in s]
    assert len(cells) == 1 and "password_hash" not in cells[0]  # plain columns, no objects
    with app.app_context():
        exported = db.session.scalars(select(AuditEvent).where(
            AuditEvent.action == "matrix_exported")).all()[-1]
        assert exported.detail["rows"] == len(numbers)  # the count the page showed


def _watching(execute, seen):  # type: ignore[no-untyped-def]
    def _execute(statement, *args, **kwargs):  # type: ignore[no-untyped-def]
        seen.append(kwargs.get("execution_options"))
        return execute(statement, *args, **kwargs)
    return _execute


def test_export_queries_do_not_grow_with_the_people(app, hr_client, make_user, monkeypatch):
    from trainingapp.queries import matrix

    monkeypatch.setattr(matrix, "SUMMARY_SECONDS", 0)  # counted afresh each time
    make_user("C000", team="t1")
    hr_client.get("/hr/matrix?export=xlsx", buffered=True)
    few = _export_queries(app, hr_client, "/hr/matrix?export=csv&team=t1")[1]
    for i in range(1, 25):
        make_user(f"C{i:03d}", team="t1")
    many = _export_queries(app, hr_client, "/hr/matrix?export=csv&team=t1")[1]
    assert len(few) == len(many) <= 6, many  # viewer, counts, the cells, the audit row


def test_a_page_past_the_last_shows_the_last_page_and_says_so(app, hr_client, make_user):
    for i in range(55):
        make_user(f"L{i:03d}", team="t1")
    page = hr_client.get("/hr/matrix?page=999").get_data(as_text=True)
    assert "Page 2 of 2" in page and "L054" in page and "There is no page 999" in page
    assert 'page=1"' in page and "page=3" not in page  # the pager goes back, not on
    empty = hr_client.get("/hr/matrix?page=999&team=nobody").get_data(as_text=True)
    assert "Nobody matches these filters." in empty and "There is no page" not in empty


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


@pytest.mark.parametrize("language", ["en", "zh"])
def test_the_page_shows_statuses_and_tracks_by_name(app, client, make_user, language):
    from tests.views.test_analysis_words import visible_text

    sync_fixture_bank(app, "cert_bank")
    login(client, make_user(roles=(Role.HR,), team="hq", language=language).employee_no)
    people = [make_user(f"V00{i}", team="t1") for i in (1, 2)]
    _cert(app, people[0].id, days_left=20)
    text = visible_text(client.get("/hr/matrix").get_data(as_text=True))
    words = WORDS[language]
    assert words["track"] in text and words["renewal"] in text and words["none"] in text
    assert not ISO_DATE.search(text)
    codes = ("none", "renewal_due", "in_progress", "not_started", "hotline-agent")
    assert [c for c in codes if re.search(rf"(?<![\w-]){re.escape(c)}(?![\w-])", text)] == []
