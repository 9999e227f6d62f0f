"""Certification through the pages: the banner, the trainee's page, the certificate and
its public check, the supervisor's roster check, API tokens (revoking and outside awards:
test_record_views)."""

import re

import pytest
from sqlalchemy import select

from tests.conftest import csrf_token, login, sync_fixture_bank
from trainingapp.extensions import db
from trainingapp.models import CertificateSource, Position, Role, User, utcnow
from trainingapp.services import api_tokens, certification


@pytest.fixture
def tracks(app):
    sync_fixture_bank(app, "cert_bank")


def _certify(app, user_id):
    with app.app_context():
        person = db.session.get(User, user_id)
        admin = db.session.scalar(select(User).where(User.id != user_id))
        cert = certification.record_outside_award(
            admin or person, person, certification.get_track("hotline-agent"),
            CertificateSource.EXTERNAL, "Certified at the partner centre, 2026-03", utcnow())
        db.session.commit()
        return cert.id, cert.code


def test_the_banner_says_what_is_left_until_cleared(app, client, login_as, tracks):
    user = login_as()
    page = client.get("/learn/").get_data(as_text=True)
    assert "Not cleared for duty" in page and "2 requirements left" in page
    _certify(app, user.id)
    assert "Not cleared for duty" not in client.get("/learn/").get_data(as_text=True)


def test_the_certification_page_links_what_is_missing(client, login_as, tracks):
    login_as()
    page = client.get("/certification/").get_data(as_text=True)
    assert "Hotline agent certification" in page and "Not started" in page
    assert ('href="/learn/modules/greeting">Module quiz: Greeting the caller — not passed yet'
            '</a>') in page
    assert 'href="/calls/">Practice call: Slow Wi-Fi — not passed yet</a>' in page


def test_the_certification_page_speaks_chinese_too(client, login_as, tracks):
    login_as(language="zh")
    page = client.get("/certification/").get_data(as_text=True)
    assert "热线客服上岗认证" in page and "未开始" in page
    assert "模块测验：问候来电客户——尚未通过</a>" in page
    assert "模拟通话：无线网络慢——尚未通过</a>" in page


def test_the_certificate_and_its_public_check(app, client, login_as, make_user, tracks):
    user = login_as()
    cert_id, code = _certify(app, user.id)
    page = client.get(f"/certification/certificates/{cert_id}").get_data(as_text=True)
    assert code in page and "<svg" in page and f"/verify/{code}" in page
    public = app.test_client().get(f"/verify/{code}")
    text = public.get_data(as_text=True)
    assert public.status_code == 200 and "Valid" in text and user.full_name in text
    for private in (user.employee_no, "partner centre", "@", "Hotline team"):
        assert private not in text.split("<main")[1], private
    assert app.test_client().get("/verify/NOPE").status_code == 404
    other = app.test_client()
    login(other, make_user().employee_no)
    assert other.get(f"/certification/certificates/{cert_id}").status_code == 404


def test_the_roster_check_answers_only_for_the_team(app, client, make_user, tracks):
    cleared = make_user("T7701", team="t1")
    waiting = make_user("T7702", team="t1")
    stranger = make_user("T7703", team="t2")
    _certify(app, cleared.id)
    supervisor = make_user(roles=(Role.SUPERVISOR,), supervises="t1")
    login(client, supervisor.employee_no)
    token = csrf_token(client, "/supervisor/roster")
    page = client.post("/supervisor/roster", data={
        "csrf_token": token, "employee_nos": "T7701, t7702\nT7703 GHOST"}).get_data(as_text=True)
    assert "1 of 4 cleared" in page
    assert cleared.full_name in page and waiting.full_name in page
    assert stranger.full_name not in page
    assert page.count("Not in your team") == 1 and page.count("No such employee") == 1
    assert "<li>Hotline agent certification: Not started</li>" in page
    assert "<li>Module quiz: Greeting the caller — not passed yet</li>" in page
    assert "<li>Practice call: Slow Wi-Fi — not passed yet</li>" in page
    export = client.post("/supervisor/roster", data={
        "csrf_token": token, "employee_nos": "T7701 T7702 T7703 GHOST", "format": "csv"})
    lines = export.get_data(as_text=True).lstrip("\ufeff").splitlines()
    assert export.mimetype == "text/csv"
    assert lines == [
        "Employee number,Name,Cleared for duty,Why not",
        f"T7701,{cleared.full_name},Yes,",
        (f"T7702,{waiting.full_name},No,Hotline agent certification: Not started; Module quiz: "
         "Greeting the caller — not passed yet; Practice call: Slow Wi-Fi — not passed yet"),
        "T7703,,,Not in your team",
        "GHOST,,,No such employee",
    ]


def test_the_roster_export_speaks_the_viewer_s_language(app, client, make_user, tracks):
    make_user("T7711", team="t1")
    supervisor = make_user(roles=(Role.SUPERVISOR,), supervises="t1", language="zh")
    login(client, supervisor.employee_no)
    token = csrf_token(client, "/supervisor/roster")
    export = client.post("/supervisor/roster", data={
        "csrf_token": token, "employee_nos": "T7711 GHOST", "format": "csv"})
    lines = export.get_data(as_text=True).lstrip("\ufeff").splitlines()
    assert lines[0] == "工号,姓名,已获上岗资格,原因"
    assert lines[1] == ("T7711,Person T7711,否,热线客服上岗认证：未开始；模块测验：问候来电客户——尚未通过；"
                        "模拟通话：无线网络慢——尚未通过")
    assert lines[2] == "GHOST,,,查无此员工"


def test_admins_create_a_token_shown_once_and_revoke_it(app, client, make_user):
    admin = make_user(roles=(Role.ADMIN,))
    login(client, admin.employee_no)
    token = csrf_token(client, "/admin/tokens")
    page = client.post("/admin/tokens", data={"csrf_token": token, "name": "roster"}).get_data(
        as_text=True)
    plain = re.search(r'<code class="token">(tap_[^<]+)</code>', page).group(1)
    assert plain not in client.get("/admin/tokens").get_data(as_text=True)
    client.post("/admin/tokens", data={"csrf_token": token, "revoke": "roster"})
    assert client.get("/api/v1/clearance/T0001",
                      headers={"Authorization": f"Bearer {plain}"}).status_code == 401



def test_a_token_form_without_a_name_or_with_a_taken_one_says_so_and_adds_nothing(
        app, client, make_user):
    admin = make_user(roles=(Role.ADMIN,))
    login(client, admin.employee_no)
    token = csrf_token(client, "/admin/tokens")
    client.post("/admin/tokens", data={"csrf_token": token, "name": "roster"})
    for data, message in (({}, "Name the system that will use the token."),
                          ({"name": "  "}, "Name the system that will use the token."),
                          ({"name": " roster "}, "A token with this name exists already")):
        reply = client.post("/admin/tokens", data={"csrf_token": token, **data})
        assert reply.status_code == 422 and message in reply.get_data(as_text=True), data
    unknown = client.post("/admin/tokens", data={"csrf_token": token, "revoke": "nobody"})
    assert unknown.status_code == 404
    with app.app_context():
        assert [(t.name, t.revoked_at) for t in api_tokens.all_tokens()] == [("roster", None)]

def test_no_banner_for_positions_that_need_no_certificate(client, login_as, tracks, app):
    with app.app_context():
        db.session.add(Position(code="hr-specialist", name_en="HR specialist",
                                name_zh="人力资源专员"))
        db.session.commit()
    user = login_as(Role.HR)
    with app.app_context():
        person = db.session.get(User, user.id)
        person.position_id = db.session.scalar(
            select(Position.id).where(Position.code == "hr-specialist"))
        db.session.commit()
    assert "Not cleared for duty" not in client.get("/hr/").get_data(as_text=True)
    page = client.get("/certification/").get_data(as_text=True)
    assert "Your position needs no certification." in page and "No certification needed" in page
    assert "Not cleared for duty" not in page and "result-fail" not in page


def test_without_a_position_the_page_says_so_without_failing(app, client, login_as, tracks):
    user = login_as(language="zh")
    with app.app_context():
        db.session.get(User, user.id).position_id = None
        db.session.commit()
    page = client.get("/certification/").get_data(as_text=True)
    assert "您尚未设置岗位" in page and "result-fail" not in page
    assert "未获上岗资格" not in page
