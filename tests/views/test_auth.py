"""Signing in and out: sessions, throttling, redirects, password changes."""

import uuid

import pytest
from sqlalchemy import select

from tests.conftest import PASSWORD, csrf_token, login
from trainingapp.extensions import db
from trainingapp.models import AuditEvent, Role, User
from trainingapp.services import accounts

SAME_MESSAGE = "Unknown employee number or wrong password."


def _session_cookie(client):
    cookie = client.get_cookie("trainingapp_session")
    return cookie.value if cookie else None


def test_login_lands_on_the_role_home(client, make_user):
    user = make_user(roles=(Role.SUPERVISOR,))
    response = login(client, user.employee_no)
    assert response.status_code == 302
    assert response.location == "/supervisor/"
    assert client.get("/supervisor/").status_code == 200


def test_employee_number_is_matched_after_trimming(client, make_user):
    user = make_user("T7001")
    assert login(client, "  T7001 ").status_code == 302
    assert user.employee_no == "T7001"


def test_unknown_user_and_wrong_password_get_the_same_answer(client, make_user):
    user = make_user()
    wrong = login(client, user.employee_no, "not the password")
    unknown = login(client, "NOBODY", PASSWORD)
    for response in (wrong, unknown):
        assert response.status_code == 200
        assert SAME_MESSAGE in response.get_data(as_text=True)
    # the form keeps what was typed, except the password
    assert 'value="NOBODY"' in unknown.get_data(as_text=True)
    assert PASSWORD not in unknown.get_data(as_text=True)
    assert client.get("/learn/").status_code == 302


def test_inactive_user_cannot_sign_in(client, app, make_user):
    user = make_user()
    with app.app_context():
        accounts.deactivate(db.session.get(User, user.id))
        db.session.commit()
    response = login(client, user.employee_no)
    assert SAME_MESSAGE in response.get_data(as_text=True)


def test_session_is_renewed_at_login(client, make_user):
    user = make_user()
    client.get("/login")
    before = _session_cookie(client)
    login(client, user.employee_no)
    after = _session_cookie(client)
    assert before and after and before != after


def test_eleventh_failure_is_throttled_for_that_account_and_address(client, make_user):
    user = make_user()
    other = make_user()
    for _ in range(10):
        assert login(client, user.employee_no, "wrong password!").status_code == 200
    throttled = login(client, user.employee_no, PASSWORD)
    assert throttled.status_code == 429
    assert "Too many failed sign-in attempts" in throttled.get_data(as_text=True)
    # a colleague at the same office address is not locked out
    assert login(client, other.employee_no).status_code == 302


def test_successful_logins_do_not_count_towards_the_throttle(client, make_user):
    user = make_user()
    for _ in range(12):
        assert login(client, user.employee_no).status_code == 302
        client.post("/logout", data={"csrf_token": csrf_token(client, "/learn/")})


def _signed_in(client) -> bool:
    return client.get("/learn/").status_code == 200


def _two_devices(app, client, user):
    other = app.test_client()
    login(client, user.employee_no)
    login(other, user.employee_no)
    assert _signed_in(client) and _signed_in(other)
    return other


def _replay(app, cookie):
    replay = app.test_client()
    replay.set_cookie("trainingapp_session", cookie)
    return replay


def test_logout_ends_this_session_only_and_its_copied_cookie(app, client, make_user):
    user = make_user()
    other = _two_devices(app, client, user)
    copied = _session_cookie(client)
    response = client.post("/logout", data={"csrf_token": csrf_token(client, "/learn/")})
    assert response.status_code == 302 and response.location == "/login"
    assert "You have signed out." in client.get("/login").get_data(as_text=True)
    assert not _signed_in(client)
    assert _signed_in(other)  # the other device goes on

    response = _replay(app, copied).get("/learn/")
    assert response.status_code == 302
    assert response.location.startswith("/login")


def test_sign_out_everywhere_ends_every_session(app, client, make_user):
    user = make_user()
    other = _two_devices(app, client, user)
    copied = _session_cookie(other)
    page = client.get("/account/password").get_data(as_text=True)
    assert "Sign out everywhere" in page
    response = client.post("/account/sessions/end",
                           data={"csrf_token": csrf_token(client, "/account/password")})
    assert response.status_code == 302 and response.location == "/login"
    assert "You have signed out on every device." in client.get("/login").get_data(as_text=True)
    assert not _signed_in(client)
    assert not _signed_in(other)
    assert not _signed_in(_replay(app, copied))
    # signing in again works, on either device
    assert login(other, user.employee_no).status_code == 302 and _signed_in(other)


def test_sign_out_everywhere_needs_post_and_the_csrf_token(app, client, make_user):
    user = make_user()
    other = _two_devices(app, client, user)
    assert client.get("/account/sessions/end").status_code == 405
    assert client.post("/account/sessions/end").status_code == 400
    assert _signed_in(client) and _signed_in(other)


def test_logout_needs_post(client, login_as):
    login_as()
    assert client.get("/logout").status_code == 405
    assert client.get("/learn/").status_code == 200


def test_password_change_ends_other_sessions_but_not_this_one(app, client, make_user):
    user = make_user()
    other_device = _two_devices(app, client, user)
    before = _session_cookie(client)
    response = client.post("/account/password", data={
        "current_password": PASSWORD,
        "new_password": "a brand new passphrase",
        "confirm": "a brand new passphrase",
        "csrf_token": csrf_token(client, "/account/password"),
    })
    assert response.status_code == 302
    assert _signed_in(client)
    assert not _signed_in(other_device)
    assert not _signed_in(_replay(app, before))  # this device's old cookie ended as well
    client.post("/logout", data={"csrf_token": csrf_token(client, "/learn/")})
    assert login(client, user.employee_no, "a brand new passphrase").status_code == 302


def test_password_change_form_reports_each_problem(client, login_as):
    login_as()
    token = csrf_token(client, "/account/password")
    wrong_current = client.post("/account/password", data={
        "current_password": "not it", "new_password": "a brand new passphrase",
        "confirm": "a brand new passphrase", "csrf_token": token})
    assert "The current password is wrong." in wrong_current.get_data(as_text=True)
    common = client.post("/account/password", data={
        "current_password": PASSWORD, "new_password": "password123",
        "confirm": "password123", "csrf_token": token})
    assert "most common" in common.get_data(as_text=True)
    mismatch = client.post("/account/password", data={
        "current_password": PASSWORD, "new_password": "a brand new passphrase",
        "confirm": "another passphrase", "csrf_token": token})
    assert "The two entries differ." in mismatch.get_data(as_text=True)
    login_again = client.get("/learn/")
    assert login_again.status_code == 200  # nothing changed, still signed in


def test_deactivation_ends_existing_sessions(app, client, make_user):
    user = make_user()
    other = _two_devices(app, client, user)
    with app.app_context():
        accounts.deactivate(db.session.get(User, user.id))
        db.session.commit()
    assert not _signed_in(client)
    assert not _signed_in(other)


def test_a_session_ended_on_another_instance_is_ended_here(migrated_url, make_user):
    from tests.conftest import make_app

    user = make_user(f"R{uuid.uuid4().hex[:8]}")
    first, second = make_app(migrated_url), make_app(migrated_url)
    device = first.test_client()
    login(device, user.employee_no)
    cookie = _session_cookie(device)
    assert _signed_in(_replay(second, cookie))
    device.post("/logout", data={"csrf_token": csrf_token(device, "/learn/")})
    assert not _signed_in(_replay(second, cookie))


def test_next_parameter_only_goes_to_local_paths(client, make_user):
    user = make_user()
    assert login(client, user.employee_no, next_="/certification/").location == "/certification/"
    client.post("/logout", data={"csrf_token": csrf_token(client, "/learn/")})
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        response = login(client, user.employee_no, next_=target)
        assert response.location == "/learn/", target
        client.post("/logout", data={"csrf_token": csrf_token(client, "/learn/")})


def test_anonymous_page_request_is_sent_to_login_with_next(client):
    response = client.get("/certification/")
    assert response.status_code == 302
    assert response.location == "/login?next=/certification/"


def test_login_rehashes_a_password_hashed_with_old_parameters(app, client, make_user):
    from argon2 import PasswordHasher

    user = make_user()
    old_hash = PasswordHasher(time_cost=1, memory_cost=512, parallelism=2).hash(PASSWORD)
    with app.app_context():
        db.session.get(User, user.id).password_hash = old_hash
        db.session.commit()
    assert login(client, user.employee_no).status_code == 302
    with app.app_context():
        new_hash = db.session.get(User, user.id).password_hash
    assert new_hash != old_hash and new_hash.startswith("$argon2id$")


def test_sign_in_and_both_sign_outs_are_audited(app, client, make_user):
    user = make_user()
    login(client, user.employee_no, "wrong password!")
    login(client, user.employee_no)
    client.post("/logout", data={"csrf_token": csrf_token(client, "/learn/")})
    login(client, user.employee_no)
    client.post("/account/sessions/end",
                data={"csrf_token": csrf_token(client, "/account/password")})
    with app.app_context():
        actions = db.session.scalars(
            select(AuditEvent.action).where(AuditEvent.subject_user_id == user.id)
            .order_by(AuditEvent.id)
        ).all()
    assert actions == ["user_created", "login_failed", "login", "logout", "login",
                       "logout_everywhere"]


def test_language_choice_is_remembered_for_the_user(app, client, make_user):
    user = make_user()
    login(client, user.employee_no)
    response = client.post("/language", data={
        "language": "zh", "next": "/learn/", "csrf_token": csrf_token(client, "/learn/")})
    assert response.location == "/learn/"
    page = client.get("/learn/").get_data(as_text=True)
    assert '<html lang="zh-Hans">' in page and "我的培训" in page
    # a new session on another device comes up in Chinese too
    other = app.test_client()
    login(other, user.employee_no)
    assert "我的培训" in other.get("/learn/").get_data(as_text=True)


def test_language_switch_works_before_signing_in(client):
    response = client.post("/language", data={
        "language": "zh", "next": "/login", "csrf_token": csrf_token(client)})
    assert response.location == "/login"
    assert "工号" in client.get("/login").get_data(as_text=True)


def test_language_follows_the_browser_until_chosen(client):
    page = client.get("/login", headers={"Accept-Language": "zh-CN,zh;q=0.9"})
    assert '<html lang="zh-Hans">' in page.get_data(as_text=True)


def test_throttle_count_is_shared_by_instances_through_redis(migrated_url, make_user):
    import redis

    url = "redis://127.0.0.1:6379/0"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("Redis not reachable at 127.0.0.1:6379")
    from tests.conftest import make_app

    user = make_user(f"R{uuid.uuid4().hex[:8]}")
    first, second = (make_app(migrated_url, RATELIMIT_STORAGE_URI=url).test_client()
                     for _ in range(2))
    for i in range(10):
        assert login(first if i % 2 else second, user.employee_no, "wrong!").status_code == 200
    assert login(first, user.employee_no).status_code == 429
    assert login(second, user.employee_no).status_code == 429
