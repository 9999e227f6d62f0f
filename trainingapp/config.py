"""Configuration, read from the environment (prefix ``TRAININGAPP_``) and nowhere else.

``config_from_env()`` picks the class for ``TRAININGAPP_ENV`` (development, production or
testing) and reads every variable when it is called, never at import time. Each variable
is documented in the README's configuration table.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import timedelta

ENV_PREFIX = "TRAININGAPP_"
MIN_SECRET_KEY_LENGTH = 32
WEAK_SECRET_KEYS = frozenset({"", "dev", "change-me", "changeme", "secret", "development"})


class ConfigError(RuntimeError):
    """The environment describes a configuration the app refuses to run with."""


def _bool(value: str | None, default: bool) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


class Config:
    """Settings shared by every environment."""

    ENV_NAME = "development"
    DEBUG = False
    TESTING = False

    def __init__(self, environ: Mapping[str, str] | None = None) -> None:
        env = os.environ if environ is None else environ

        def get(name: str, default: str | None = None) -> str | None:
            return env.get(ENV_PREFIX + name, default)

        self.SECRET_KEY = get("SECRET_KEY")
        # What flask doctor checks against: the worker processes per instance
        # (deploy/gunicorn.conf.py reads the same variable) and Flask's own debug switch.
        self.WORKERS = int(get("WORKERS") or (os.cpu_count() or 1) * 2)
        self.DEBUG_REQUESTED = _bool(env.get("FLASK_DEBUG"), False)
        self.SQLALCHEMY_DATABASE_URI = get("DATABASE_URL")  # None: SQLite in the instance folder
        threshold = (get("POSTGRES_PREPARE_THRESHOLD", "5") or "").strip().lower()
        if threshold != "none" and not (threshold.isascii() and threshold.isdigit()):
            raise ConfigError(f"{ENV_PREFIX}POSTGRES_PREPARE_THRESHOLD must be a number or none")
        self.POSTGRES_PREPARE_THRESHOLD = None if threshold == "none" else int(threshold)
        self.SQLITE_BUSY_TIMEOUT_MS = int(get("SQLITE_BUSY_TIMEOUT_MS", "15000"))
        self.SQLITE_SYNCHRONOUS = (get("SQLITE_SYNCHRONOUS", "NORMAL") or "").upper()
        if self.SQLITE_SYNCHRONOUS not in ("NORMAL", "FULL"):
            raise ConfigError(f"{ENV_PREFIX}SQLITE_SYNCHRONOUS must be NORMAL or FULL")

        # Login throttling: Flask-Limiter storage. memory:// is per process; production
        # with several workers or instances uses Redis (redis://host:6379/0).
        self.RATELIMIT_STORAGE_URI = get("RATELIMIT_STORAGE_URL", "memory://")
        self.RATELIMIT_ENABLED = _bool(get("RATELIMIT_ENABLED"), True)
        self.LOGIN_THROTTLE = get("LOGIN_THROTTLE", "10 per 15 minutes")
        self.RATELIMIT_HEADERS_ENABLED = True

        # Sessions and CSRF tokens outlive the longest exam plus its grace period.
        self.PERMANENT_SESSION_LIFETIME = timedelta(hours=int(get("SESSION_HOURS", "12")))
        self.SESSION_COOKIE_NAME = "trainingapp_session"
        self.SESSION_COOKIE_HTTPONLY = True
        self.SESSION_COOKIE_SAMESITE = "Lax"
        self.SESSION_COOKIE_SECURE = _bool(get("SECURE_COOKIES"), False)
        self.WTF_CSRF_TIME_LIMIT = None  # a token lives as long as the session
        self.HSTS = False

        # Answers are taken this long after a quiz's deadline (network delays).
        self.QUIZ_GRACE_SECONDS = int(get("QUIZ_GRACE_SECONDS", "60"))

        # Email: smtp://user:password@host:587 (or smtps://…); unset: notifications stay in-app.
        self.SMTP_URL = get("SMTP_URL")
        self.MAIL_FROM = get("MAIL_FROM", "training@localhost")

        # The question bank folder; None: question_bank/ beside the package.
        self.QUESTION_BANK = get("QUESTION_BANK")

        # Compress pages and data (zstd, brotli or gzip, as the browser accepts) when the
        # app serves browsers directly; behind a proxy that compresses, turn it off.
        self.COMPRESS_REGISTER = _bool(get("COMPRESS"), True)
        self.COMPRESS_ALGORITHM = ["zstd", "br", "gzip"]
        self.COMPRESS_MIN_SIZE = 1024
        self.COMPRESS_STREAMS = False  # static files: cached a year, not recompressed each time
        self.COMPRESS_MIMETYPES = ["text/html", "text/css", "text/javascript", "text/csv",
                                   "application/javascript", "application/json"]

        # Add a Server-Timing header with each response's query count and time (benchmarks).
        self.SERVER_TIMING = _bool(get("SERVER_TIMING"), False)

        self.MAX_CONTENT_LENGTH = int(get("MAX_UPLOAD_MB", "16")) * 1024 * 1024
        self.TRUSTED_PROXIES = int(get("TRUSTED_PROXIES", "0"))

        self.BABEL_DEFAULT_LOCALE = "en"
        self.BABEL_DEFAULT_TIMEZONE = get("TIMEZONE", "Asia/Shanghai")
        self.BABEL_TRANSLATION_DIRECTORIES = "translations"

        # argon2id cost (OWASP minimum: 19 MiB, 2 passes); raising it rehashes at next login.
        self.ARGON2_MEMORY_KIB = int(get("ARGON2_MEMORY_KIB", "19456"))
        self.ARGON2_TIME_COST = int(get("ARGON2_TIME_COST", "2"))

    def check(self) -> None:
        """Raise ConfigError for a setting this environment must not run with."""


class DevelopmentConfig(Config):
    ENV_NAME = "development"


class TestingConfig(Config):
    ENV_NAME = "testing"
    TESTING = True

    def __init__(self, environ: Mapping[str, str] | None = None) -> None:
        super().__init__(environ)
        self.SECRET_KEY = self.SECRET_KEY or "testing-secret-key-not-for-production-use"
        # Tests exercise real throttling and CSRF; only the password cost is lowered.
        self.ARGON2_MEMORY_KIB = 1024
        self.ARGON2_TIME_COST = 1


class ProductionConfig(Config):
    ENV_NAME = "production"

    def __init__(self, environ: Mapping[str, str] | None = None) -> None:
        super().__init__(environ)
        self.SESSION_COOKIE_SECURE = True
        self.HSTS = True

    def check(self) -> None:
        key = self.SECRET_KEY or ""
        if key.strip().lower() in WEAK_SECRET_KEYS or len(key) < MIN_SECRET_KEY_LENGTH:
            raise ConfigError(
                f"{ENV_PREFIX}SECRET_KEY must be set to a random value of at least "
                f"{MIN_SECRET_KEY_LENGTH} characters in production, for example the output "
                "of: python -c 'import secrets; print(secrets.token_urlsafe(48))'"
            )


CONFIGS: dict[str, type[Config]] = {
    "development": DevelopmentConfig,
    "production": ProductionConfig,
    "testing": TestingConfig,
}


def config_from_env(environ: Mapping[str, str] | None = None) -> Config:
    env = os.environ if environ is None else environ
    name = env.get(ENV_PREFIX + "ENV", "development").strip().lower()
    try:
        cls = CONFIGS[name]
    except KeyError:
        raise ConfigError(
            f"{ENV_PREFIX}ENV={name!r} is not one of: {', '.join(sorted(CONFIGS))}"
        ) from None
    return cls(env)
