"""Every state-changing request needs a CSRF token."""

import re
from pathlib import Path

from tests.conftest import csrf_token


def _post_paths(app):
    """Every POST route, with made-up values for its arguments."""
    adapter = app.url_map.bind("localhost")
    paths = {}
    for rule in app.url_map.iter_rules():
        if "POST" in rule.methods:
            paths[rule.endpoint] = adapter.build(rule.endpoint, dict.fromkeys(rule.arguments, 1))
    return paths


def test_every_post_route_refuses_a_request_without_a_token(app, client, login_as):
    login_as()
    paths = _post_paths(app)
    assert set(paths) >= {"auth.login", "auth.logout", "auth.set_language",
                          "auth.change_password", "quizzes.autosave", "quizzes.submit"}
    for endpoint, path in paths.items():
        if endpoint.startswith("api."):
            continue  # bearer tokens, no cookies: see test_the_api_takes_no_cookie_session
        response = client.post(path, data={"language": "zh", "employee_no": "x"})
        assert response.status_code == 400, endpoint
        assert "nothing was changed" in response.get_data(as_text=True)
    assert client.get("/learn/").status_code == 200  # logout without a token did nothing


def test_a_token_from_another_session_is_refused(app, client, login_as):
    login_as()
    stranger = app.test_client()
    foreign = csrf_token(stranger)
    response = client.post("/logout", data={"csrf_token": foreign})
    assert response.status_code == 400


def test_no_get_route_changes_state(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint in {"auth.logout", "auth.set_language"}:
            assert "GET" not in rule.methods


def test_the_api_takes_no_cookie_session(client, login_as):
    """The API is exempt from CSRF because a signed-in browser session does not open it."""
    login_as()
    response = client.post("/api/v1/clearance", json={"employee_nos": ["T0001"]})
    assert response.status_code == 401


def test_every_post_form_in_the_templates_carries_a_csrf_token():
    templates = Path(__file__).parents[2] / "templates"
    missing = []
    for path in sorted(templates.rglob("*.html")):
        text = path.read_text()
        for form in re.finditer(r"<form\b[^>]*method=\"post\"[^>]*>(.*?)</form>", text, re.DOTALL):
            if "csrf_token" not in form.group(1):
                missing.append(f"{path.relative_to(templates)}: {form.group(0)[:80]}")
    assert missing == []
