"""Headers, error pages, health probes and the pages each role lands on."""

import re

import pytest
from sqlalchemy import event
from sqlalchemy.exc import OperationalError

from tests.conftest import count_queries, login, make_app
from trainingapp import database


def test_security_headers_on_every_page(client):
    for path in ("/login", "/healthz", "/no-such-page"):
        headers = client.get(path).headers
        csp = headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert "frame-ancestors 'none'" in csp
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "same-origin"
        assert "Strict-Transport-Security" not in headers  # development and tests: no HTTPS


def test_production_sends_hsts_and_secure_cookies(migrated_url):
    app = make_app(migrated_url, HSTS=True, SESSION_COOKIE_SECURE=True)
    client = app.test_client()
    response = client.get("/login")
    assert "max-age=" in response.headers["Strict-Transport-Security"]
    cookie = response.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_no_inline_script_in_pages(client, login_as):
    login_as()
    for path in ("/login", "/learn/"):
        page = client.get(path).get_data(as_text=True)
        assert "<script>" not in page and " onclick=" not in page and "javascript:" not in page


def test_not_found_is_a_page_for_people_and_json_for_the_api(client):
    page = client.get("/no-such-page")
    assert page.status_code == 404 and "Page not found" in page.get_data(as_text=True)
    api = client.get("/api/v1/no-such-thing")
    assert api.status_code == 404 and api.json["error"] == "not_found"


def test_an_unexpected_error_shows_no_trace(migrated_url):
    app = make_app(migrated_url, PROPAGATE_EXCEPTIONS=False)

    @app.get("/boom")
    def boom():
        raise RuntimeError("secret detail from deep inside")

    response = app.test_client().get("/boom")
    text = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Something went wrong on our side" in text
    assert "secret detail" not in text and "Traceback" not in text


def test_request_body_limit(migrated_url):
    app = make_app(migrated_url, MAX_CONTENT_LENGTH=1024)
    response = app.test_client().post("/login", data={"employee_no": "x" * 4096})
    assert response.status_code == 413


def test_healthz_does_not_touch_the_database(app, client):
    with count_queries(app) as queries:
        response = client.get("/healthz")
    assert response.status_code == 200 and response.json == {"status": "ok"}
    assert queries == []


def test_readyz_checks_the_database(client, monkeypatch):
    assert client.get("/readyz").json == {"status": "ok", "database": "ok"}

    def unreachable():
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))

    monkeypatch.setattr(database, "ping", unreachable)
    response = client.get("/readyz")
    assert response.status_code == 503 and response.json["database"] == "unreachable"


@pytest.mark.parametrize(("path", "heading"), [
    ("/learn/", "My training"),
    ("/quizzes/", "Quizzes"),
    ("/calls/", "Practice calls"),
    ("/certification/", "Certification"),
])
def test_trainee_pages_render(client, login_as, path, heading):
    login_as()
    assert f"<h1>{heading}</h1>" in client.get(path).get_data(as_text=True)


def test_trainee_home_shows_their_profile_in_few_queries(app, client, login_as):
    user = login_as(team="t1")
    with count_queries(app) as queries:
        page = client.get("/learn/").get_data(as_text=True)
    assert user.employee_no in page and "Hotline agent" in page and "Team t1" in page
    # the signed-in user with roles, profile, module catalogue, assignments; the clearance
    # banner: tracks (cached after the first request), position, evidence, certificates;
    # the unread notifications
    assert len(queries) <= 9


def test_server_timing_reports_the_queries_of_each_response(migrated_url, make_user):
    app = make_app(migrated_url, SERVER_TIMING=True)
    client = app.test_client()
    person = make_user("ST01")
    assert login(client, person.employee_no).status_code == 302
    header = client.get("/learn/").headers["Server-Timing"]
    assert re.fullmatch(r'db;dur=[0-9.]+;desc="[1-9][0-9]* queries"', header), header
    assert "Server-Timing" not in make_app(migrated_url).test_client().get("/healthz").headers


def test_a_state_changing_request_on_sqlite_takes_the_write_lock_first(app, client, make_user):
    """A read transaction that later writes fails at once when another worker wrote in
    between; a POST starts with BEGIN IMMEDIATE and waits its turn instead."""
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        pytest.skip("SQLite only")
    person = make_user("WL01")
    begins: list[str] = []

    def _record(conn, cursor, statement, *args):  # type: ignore[no-untyped-def]
        if statement.startswith("BEGIN"):
            begins.append(statement)

    with app.app_context():
        engine = database.db.engine
    event.listen(engine, "before_cursor_execute", _record)
    try:
        client.get("/login")
        assert begins == [] or set(begins) == {"BEGIN"}
        login(client, person.employee_no)
        assert begins and begins[-1] == "BEGIN IMMEDIATE"
        begins.clear()
        client.get("/learn/")
        assert set(begins) == {"BEGIN"}
    finally:
        event.remove(engine, "before_cursor_execute", _record)


def test_static_files_are_versioned_and_cached_for_a_year(app, client):
    page = client.get("/login").get_data(as_text=True)
    found = re.search(r'href="(/static/css/app\.css\?v=([0-9a-f]{12}))"', page)
    assert found, "the stylesheet link carries the file's hash"
    reply = client.get(found[1])
    assert reply.status_code == 200
    assert "max-age=31536000" in reply.headers["Cache-Control"]
    reply.close()


@pytest.mark.parametrize("encoding", ["gzip", "br", "zstd"])
def test_large_pages_are_compressed_for_browsers_that_accept_it(app, client, encoding):
    reply = client.get("/login", headers={"Accept-Encoding": encoding})
    assert reply.headers.get("Content-Encoding") == encoding
    assert "Accept-Encoding" in reply.headers.get("Vary", "")
    plain = client.get("/login")
    assert "Content-Encoding" not in plain.headers
    assert len(reply.data) < len(plain.data) / 2


def test_compression_can_be_left_to_the_proxy(migrated_url):
    app = make_app(migrated_url, COMPRESS_REGISTER=False)
    reply = app.test_client().get("/login", headers={"Accept-Encoding": "gzip"})
    assert "Content-Encoding" not in reply.headers
