"""Every route of the URL map, for every role: the status each must give."""

import re

import pytest

from tests.conftest import sync_fixture_bank

from trainingapp.models import Role

ANON, TRAINEE, SUPERVISOR, HR, ADMIN = "anonymous", "trainee", "supervisor", "hr", "admin"
ROLES = {TRAINEE: (), SUPERVISOR: (Role.SUPERVISOR,), HR: (Role.HR,), ADMIN: (Role.ADMIN,)}

LOGIN = 302  # sent to the sign-in page
OPEN = {ANON: 200, TRAINEE: 200, SUPERVISOR: 200, HR: 200, ADMIN: 200}
STAFF = {ANON: LOGIN, TRAINEE: 200, SUPERVISOR: 200, HR: 200, ADMIN: 200}
CONTENT_OWNERS = {ANON: LOGIN, TRAINEE: 403, SUPERVISOR: 403, HR: 200, ADMIN: 200}
NOT_MINE = {ANON: LOGIN, TRAINEE: 404, SUPERVISOR: 404, HR: 404, ADMIN: 404}


def only(role):
    return {ANON: LOGIN, TRAINEE: 403, SUPERVISOR: 403, HR: 403, ADMIN: 403, role: 200}


# endpoint → (path to request with GET, expected status per role)
EXPECTED = {
    "static": ("/static/css/app.css", OPEN),
    "main.healthz": ("/healthz", OPEN),
    "main.readyz": ("/readyz", OPEN),
    "main.index": ("/", {ANON: LOGIN, TRAINEE: 302, SUPERVISOR: 302, HR: 302, ADMIN: 302}),
    "auth.login": ("/login", {ANON: 200, TRAINEE: 302, SUPERVISOR: 302, HR: 302, ADMIN: 302}),
    "auth.logout": ("/logout", dict.fromkeys(OPEN, 405)),
    "auth.logout_everywhere": ("/account/sessions/end", dict.fromkeys(OPEN, 405)),
    "auth.set_language": ("/language", dict.fromkeys(OPEN, 405)),
    "auth.change_password": ("/account/password", STAFF),
    "learning.index": ("/learn/", STAFF),
    "learning.module": ("/learn/modules/greeting", STAFF),
    "learning.lesson": ("/learn/modules/greeting/lessons/opening", STAFF),
    "learning.mark_read": ("/learn/modules/greeting/lessons/opening/read",
                           {**dict.fromkeys(OPEN, 405)}),
    "learning.search": ("/learn/search?q=call", STAFF),
    "quizzes.index": ("/quizzes/", STAFF),
    # someone else's or no attempt: not found (object access is tested in test_quiz_views)
    "quizzes.take": ("/quizzes/attempts/999999", NOT_MINE),
    "quizzes.finish": ("/quizzes/attempts/999999/finish", NOT_MINE),
    "quizzes.result": ("/quizzes/attempts/999999/result", NOT_MINE),
    "quizzes.start": ("/quizzes/modules/greeting/start", dict.fromkeys(OPEN, 405)),
    "quizzes.save": ("/quizzes/attempts/999999", NOT_MINE),
    "quizzes.autosave": ("/quizzes/attempts/999999/autosave", dict.fromkeys(OPEN, 405)),
    "quizzes.submit": ("/quizzes/attempts/999999/submit", dict.fromkeys(OPEN, 405)),
    "quizzes.report": ("/quizzes/attempts/999999/report", dict.fromkeys(OPEN, 405)),
    "calls.index": ("/calls/", STAFF),
    "calls.start": ("/calls/slow-wifi/start", dict.fromkeys(OPEN, 405)),
    "calls.call": ("/calls/runs/999999", NOT_MINE),
    "calls.turn": ("/calls/runs/999999/turn", dict.fromkeys(OPEN, 405)),
    "calls.debrief": ("/calls/runs/999999/debrief", NOT_MINE),
    "analysis.call": ("/analysis/calls/slow-wifi", CONTENT_OWNERS),
    "supervisor.observe": ("/supervisor/people/999999/observe",
                           {**only(SUPERVISOR), SUPERVISOR: 404}),
    "certification.index": ("/certification/", STAFF),
    "certification.certificate": ("/certification/certificates/999999", NOT_MINE),
    "verify.certificate": ("/verify/NOSUCHCODE", dict.fromkeys(OPEN, 404)),
    "supervisor.index": ("/supervisor/", only(SUPERVISOR)),
    "hr.index": ("/hr/", only(HR)),
    "admin.index": ("/admin/", only(ADMIN)),
    "admin.content_status": ("/admin/content", only(ADMIN)),
    "admin.tokens": ("/admin/tokens", only(ADMIN)),
    "people.new": ("/admin/people/new", only(ADMIN)),
    "people.edit": ("/admin/people/999999", {**only(ADMIN), ADMIN: 404}),
    "people.set_active": ("/admin/people/1/active", dict.fromkeys(OPEN, 405)),
    # GET after the POST that made a link: shown once, else back to the person's page
    "people.reset_link": ("/admin/people/1/reset-link", {**only(ADMIN), ADMIN: 302}),
    "people.password_link": ("/admin/people/1/reset-link", {**only(ADMIN), ADMIN: 302}),
    "people.import_staff": ("/admin/people/import", only(ADMIN)),
    "people.import_template": ("/admin/people/import/template.xlsx?language=zh", only(ADMIN)),
    "people.import_preview": ("/admin/people/import/999999", {**only(ADMIN), ADMIN: 404}),
    "people.confirm_import": ("/admin/people/import/999999", {**only(ADMIN), ADMIN: 404}),
    "admin.organisation": ("/admin/organisation", only(ADMIN)),
    "admin.add_team": ("/admin/organisation/teams", dict.fromkeys(OPEN, 405)),
    "admin.add_position": ("/admin/organisation/positions", dict.fromkeys(OPEN, 405)),
    "admin.edit_team": ("/admin/organisation/teams/999999", {**only(ADMIN), ADMIN: 404}),
    "admin.edit_position": ("/admin/organisation/positions/999999",
                            {**only(ADMIN), ADMIN: 404}),
    "admin.set_team_active": ("/admin/organisation/teams/1/active", dict.fromkeys(OPEN, 405)),
    "admin.set_position_active": ("/admin/organisation/positions/1/active",
                                  dict.fromkeys(OPEN, 405)),
    "auth.reset_password": ("/reset/not-a-token", {ANON: 404, TRAINEE: 404, SUPERVISOR: 404,
                                                   HR: 404, ADMIN: 404}),
    "supervisor.roster": ("/supervisor/roster", only(SUPERVISOR)),
    "supervisor.assign": ("/supervisor/assign", only(SUPERVISOR)),
    "hr.assign": ("/hr/assign", only(HR)),
    "hr.find_teams": ("/hr/assign/teams?team_q=t", only(HR)),
    "hr.matrix_page": ("/hr/matrix", only(HR)),
    "auditlog.index": ("/audit/", CONTENT_OWNERS),
    "hr.satisfaction": ("/hr/satisfaction", only(HR)),
    "supervisor.evaluate": ("/supervisor/people/999999/evaluate",
                            {**only(SUPERVISOR), SUPERVISOR: 404}),
    "records.show": ("/people/999999", NOT_MINE),
    "records.extend_assignment": ("/people/1/assignments/1/extend", dict.fromkeys(OPEN, 405)),
    "records.revoke_certificate": ("/people/1/certificates/1/revoke", dict.fromkeys(OPEN, 405)),
    "records.reinstate_certificate": ("/people/1/certificates/1/reinstate",
                                      dict.fromkeys(OPEN, 405)),
    "records.record_award": ("/people/1/awards", dict.fromkeys(OPEN, 405)),
    # the record's former addresses: a permanent redirect to the new one
    "moved.record": ("/quizzes/people/999999", {**dict.fromkeys(OPEN, 308), ANON: LOGIN}),
    "moved.extend_assignment": ("/quizzes/people/1/assignments/1/extend",
                                dict.fromkeys(OPEN, 405)),
    "moved.revoke_certificate": ("/certification/manage/certificates/1/revoke",
                                 dict.fromkeys(OPEN, 405)),
    "moved.reinstate_certificate": ("/certification/manage/certificates/1/reinstate",
                                    dict.fromkeys(OPEN, 405)),
    "moved.record_award": ("/admin/people/1/award", dict.fromkeys(OPEN, 405)),
    "admin.regrade": ("/admin/questions/mini-001/regrade", dict.fromkeys(OPEN, 405)),
    "admin.resolve_report": ("/admin/reports/1/resolve", dict.fromkeys(OPEN, 405)),
    "analysis.index": ("/analysis/", CONTENT_OWNERS),
    "analysis.module": ("/analysis/modules/greeting", CONTENT_OWNERS),
    "analysis.question": ("/analysis/questions/mini-001", CONTENT_OWNERS),
    "notifications.index": ("/notifications/", STAFF),
    "notifications.read_all": ("/notifications/read", dict.fromkeys(OPEN, 405)),
    "notifications.email_choice": ("/notifications/email", dict.fromkeys(OPEN, 405)),
    "api.me": ("/api/v1/me", {**STAFF, ANON: 401}),
    "api.clearance": ("/api/v1/clearance/T0001", dict.fromkeys(OPEN, 401)),  # token, not session
    "api.clearance_bulk": ("/api/v1/clearance", dict.fromkeys(OPEN, 405)),
    "api.openapi": ("/api/v1/openapi.json", OPEN),
}


def test_every_route_has_an_expectation(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert endpoints == set(EXPECTED), "add new routes to EXPECTED with their access rules"


@pytest.mark.parametrize("who", [ANON, TRAINEE, SUPERVISOR, HR, ADMIN])
def test_each_role_gets_the_expected_status_everywhere(app, client, login_as, who):
    sync_fixture_bank(app, "call_bank")
    if who != ANON:
        login_as(*ROLES[who], team="t1")
    got = {}
    for endpoint, (path, _) in EXPECTED.items():
        with client.get(path) as response:
            got[endpoint] = response.status_code
            if response.mimetype == "text/html":  # every page has a plain-text title
                assert re.search(r"<title>[^<>]+</title>", response.get_data(as_text=True)), path
    want = {endpoint: expected[who] for endpoint, (_, expected) in EXPECTED.items()}
    assert got == want


def test_forbidden_page_explains_itself(client, login_as):
    login_as()
    response = client.get("/admin/")
    assert response.status_code == 403
    assert "You do not have access to this page" in response.get_data(as_text=True)


def test_api_answers_json_when_not_signed_in(client):
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.is_json and response.json["error"] == "unauthorized"


def test_navigation_shows_only_the_areas_of_the_role(client, login_as):
    login_as(Role.SUPERVISOR, supervises="t1")
    page = client.get("/supervisor/").get_data(as_text=True)
    assert 'href="/supervisor/"' in page and 'href="/learn/"' in page
    assert 'href="/hr/"' not in page and 'href="/admin/"' not in page


def test_supervisor_sees_only_their_own_team(client, make_user, login_as):
    mine = make_user(team="t1")
    theirs = make_user(team="t2")
    login_as(Role.SUPERVISOR, supervises="t1")
    page = client.get("/supervisor/").get_data(as_text=True)
    assert mine.employee_no in page
    assert theirs.employee_no not in page


def test_admin_users_page_searches(client, make_user, login_as):
    make_user("T9001")
    make_user("T9002")
    login_as(Role.ADMIN)
    page = client.get("/admin/?q=T9001").get_data(as_text=True)
    assert "T9001" in page and "T9002" not in page


def test_hr_overview_counts_staff_by_position(client, make_user, login_as):
    for _ in range(3):
        make_user()
    login_as(Role.HR)
    page = client.get("/hr/").get_data(as_text=True)
    assert "Hotline agent" in page
    assert '<td class="num">4</td>' in page  # three staff and the HR user, same position


def test_hr_finds_a_person_and_opens_their_record(client, make_user, login_as):
    person = make_user("T4242")
    login_as(Role.HR)
    page = client.get("/hr/?q=T4242").get_data(as_text=True)
    assert f'href="/people/{person.id}"' in page
    assert client.get(f"/people/{person.id}").status_code == 200
