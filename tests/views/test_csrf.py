"""Every state-changing request needs a CSRF token."""

from tests.conftest import csrf_token


def _post_rules(app):
    return [rule for rule in app.url_map.iter_rules() if "POST" in rule.methods]


def test_every_post_route_refuses_a_request_without_a_token(app, client, login_as):
    login_as()
    rules = _post_rules(app)
    assert {r.endpoint for r in rules} >= {"auth.login", "auth.logout", "auth.set_language",
                                           "auth.change_password"}
    for rule in rules:
        response = client.post(rule.rule, data={"language": "zh", "employee_no": "x"})
        assert response.status_code == 400, rule.rule
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
