from datetime import timedelta

import pytest

from trainingapp import config as settings
from trainingapp.config import ConfigError, config_from_env

STRONG_KEY = "k" * 48


def test_environment_name_picks_the_config_class():
    assert isinstance(config_from_env({}), settings.DevelopmentConfig)
    assert isinstance(config_from_env({"TRAININGAPP_ENV": "testing"}), settings.TestingConfig)
    production = config_from_env(
        {"TRAININGAPP_ENV": "Production", "TRAININGAPP_SECRET_KEY": STRONG_KEY}
    )
    assert isinstance(production, settings.ProductionConfig)


def test_unknown_environment_is_refused_with_the_choices():
    with pytest.raises(ConfigError, match="development, production, testing"):
        config_from_env({"TRAININGAPP_ENV": "staging"})


@pytest.mark.parametrize("key", [None, "", "dev", "change-me", "short-but-random-7f3a"])
def test_production_refuses_a_missing_or_weak_secret_key(key):
    env = {"TRAININGAPP_ENV": "production"}
    if key is not None:
        env["TRAININGAPP_SECRET_KEY"] = key
    with pytest.raises(ConfigError, match="TRAININGAPP_SECRET_KEY"):
        config_from_env(env).check()


def test_production_uses_secure_cookies_and_hsts():
    config = config_from_env({"TRAININGAPP_ENV": "production", "TRAININGAPP_SECRET_KEY": STRONG_KEY})
    config.check()
    assert config.SESSION_COOKIE_SECURE is True
    assert config.SESSION_COOKIE_HTTPONLY is True
    assert config.SESSION_COOKIE_SAMESITE == "Lax"
    assert config.HSTS is True


def test_development_defaults():
    config = config_from_env({})
    config.check()  # no secret needed: the app keeps one in the instance folder
    assert config.SECRET_KEY is None
    assert config.SQLALCHEMY_DATABASE_URI is None  # SQLite in the instance folder
    assert config.RATELIMIT_STORAGE_URI == "memory://"
    assert config.SESSION_COOKIE_SECURE is False
    assert config.MAX_CONTENT_LENGTH == 16 * 1024 * 1024


def test_every_setting_is_read_from_its_variable():
    config = config_from_env({
        "TRAININGAPP_DATABASE_URL": "postgresql+psycopg://app@db/training",
        "TRAININGAPP_RATELIMIT_STORAGE_URL": "redis://cache:6379/0",
        "TRAININGAPP_LOGIN_THROTTLE": "5 per minute",
        "TRAININGAPP_SESSION_HOURS": "10",
        "TRAININGAPP_MAX_UPLOAD_MB": "4",
        "TRAININGAPP_TRUSTED_PROXIES": "1",
        "TRAININGAPP_SECURE_COOKIES": "true",
        "TRAININGAPP_SQLITE_BUSY_TIMEOUT_MS": "5000",
        "TRAININGAPP_ARGON2_MEMORY_KIB": "65536",
        "TRAININGAPP_ARGON2_TIME_COST": "3",
        "TRAININGAPP_TIMEZONE": "UTC",
        "TRAININGAPP_RATELIMIT_ENABLED": "false",
    })
    assert config.SQLALCHEMY_DATABASE_URI == "postgresql+psycopg://app@db/training"
    assert config.RATELIMIT_STORAGE_URI == "redis://cache:6379/0"
    assert config.LOGIN_THROTTLE == "5 per minute"
    assert config.PERMANENT_SESSION_LIFETIME == timedelta(hours=10)
    assert config.MAX_CONTENT_LENGTH == 4 * 1024 * 1024
    assert config.TRUSTED_PROXIES == 1
    assert config.SESSION_COOKIE_SECURE is True
    assert config.SQLITE_BUSY_TIMEOUT_MS == 5000
    assert (config.ARGON2_MEMORY_KIB, config.ARGON2_TIME_COST) == (65536, 3)
    assert config.BABEL_DEFAULT_TIMEZONE == "UTC"
    assert config.RATELIMIT_ENABLED is False


def test_session_and_csrf_outlive_a_long_exam():
    config = config_from_env({})
    assert config.PERMANENT_SESSION_LIFETIME >= timedelta(hours=4)
    assert config.WTF_CSRF_TIME_LIMIT is None  # tied to the session instead


@pytest.mark.parametrize(("value", "threshold"), [(None, 5), ("0", 0), ("2", 2), ("none", None),
                                                  (" None ", None)])
def test_the_postgresql_prepare_threshold(value, threshold):
    environ = {} if value is None else {"TRAININGAPP_POSTGRES_PREPARE_THRESHOLD": value}
    assert config_from_env(environ).POSTGRES_PREPARE_THRESHOLD == threshold


@pytest.mark.parametrize("value", ["-1", "five", "²", "1.5"])
def test_a_prepare_threshold_that_is_no_number_is_refused(value):
    with pytest.raises(ConfigError, match="POSTGRES_PREPARE_THRESHOLD"):
        config_from_env({"TRAININGAPP_POSTGRES_PREPARE_THRESHOLD": value})
