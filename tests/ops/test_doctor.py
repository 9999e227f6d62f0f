"""`flask doctor`: each unsafe setting is reported and makes the command fail."""

from __future__ import annotations

import pytest

from tests.conftest import make_app, sync_fixture_bank
from trainingapp.ops import doctor

pytestmark = pytest.mark.db
STRONG = "k" * 48


def _messages(app, level):  # type: ignore[no-untyped-def]
    with app.app_context():
        return [f.message for f in doctor.examine(app) if f.level == level]


@pytest.fixture
def production_env(monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("TRAININGAPP_SECRET_KEY", STRONG)
    monkeypatch.setenv("TRAININGAPP_WORKERS", "4")
    monkeypatch.delenv("FLASK_DEBUG", raising=False)


def _production(url, **settings):  # type: ignore[no-untyped-def]
    base = {"ENV_NAME": "production", "SESSION_COOKIE_SECURE": True, "TRUSTED_PROXIES": 1,
            "SMTP_URL": "smtp://mail.invalid", "ARGON2_MEMORY_KIB": 19456,
            "ARGON2_TIME_COST": 2, "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0"}
    return make_app(url, **{**base, **settings})


def test_a_safe_configuration_passes(app, migrated_url, production_env, monkeypatch):
    sync_fixture_bank(app)
    monkeypatch.setenv("TRAININGAPP_WORKERS", "1")  # one process may count in memory
    safe = _production(migrated_url, RATELIMIT_STORAGE_URI="memory://")
    assert _messages(safe, doctor.Level.FAIL) == []
    result = safe.test_cli_runner().invoke(args=["doctor"])
    assert result.exit_code == 0, result.output
    assert "Nothing unsafe found." in result.output


@pytest.mark.parametrize(("settings", "env", "expected"), [
    ({"RATELIMIT_STORAGE_URI": "memory://"}, {}, "each process's memory with 4 workers"),
    ({"RATELIMIT_ENABLED": False}, {}, "throttling is off"),
    ({"SESSION_COOKIE_SECURE": False}, {}, "plain HTTP"),
    ({"ARGON2_MEMORY_KIB": 4096}, {}, "below argon2id"),
    ({}, {"FLASK_DEBUG": "1"}, "debug mode is on"),
    ({}, {"TRAININGAPP_SECRET_KEY": "secret"}, "is weak"),
    ({}, {"TRAININGAPP_SECRET_KEY": ""}, "is not set"),
    ({"RATELIMIT_STORAGE_URI": "redis://127.0.0.1:1/0"}, {}, "does not answer"),
])
def test_each_unsafe_setting_fails(app, migrated_url, production_env, monkeypatch, settings,
                                   env, expected):
    sync_fixture_bank(app)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    unsafe = _production(migrated_url, **settings)
    failures = _messages(unsafe, doctor.Level.FAIL)
    assert any(expected in message for message in failures), failures
    result = unsafe.test_cli_runner().invoke(args=["doctor"])
    assert result.exit_code == 1 and expected in result.output


def test_an_empty_or_outdated_database_fails(migrated_url, production_env):
    empty = _production(migrated_url)
    assert any("no content loaded" in m for m in _messages(empty, doctor.Level.FAIL))
    from flask_migrate import downgrade

    with empty.app_context():
        downgrade(revision="-1")
    try:
        assert any("flask db upgrade" in m for m in _messages(empty, doctor.Level.FAIL))
    finally:
        from flask_migrate import upgrade

        with empty.app_context():
            upgrade()
