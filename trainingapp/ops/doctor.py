"""`flask doctor`: what an operator should fix before starting the app in production.

Each check says ok, warn (worth a look) or fail (unsafe or broken: the command exits 1, so
a deployment script or the service unit can refuse to start)."""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask, current_app
from sqlalchemy import func, select

from trainingapp import unit_of_work
from trainingapp.config import MIN_SECRET_KEY_LENGTH, WEAK_SECRET_KEYS, Config
from trainingapp.extensions import db
from trainingapp.models import ContentRelease
from trainingapp.rules.passwords import HashCost


class Level(enum.StrEnum):
    OK = "ok"
    WARN = "warn"
    FAIL = "FAIL"


@dataclass(frozen=True)
class Finding:
    level: Level
    message: str


Check = Callable[[Flask], Iterator[Finding]]
CHECKS: list[Check] = []


def check(fn: Check) -> Check:
    CHECKS.append(fn)
    return fn


@check
def _environment(app: Flask) -> Iterator[Finding]:
    if app.config["ENV_NAME"] != "production":
        yield Finding(Level.WARN, f"TRAININGAPP_ENV is {app.config['ENV_NAME']!r}, not "
                                  "'production' (no Secure cookies, no HSTS)")
    if app.debug or Config().DEBUG_REQUESTED:
        yield Finding(Level.FAIL, "debug mode is on: tracebacks and a console reach browsers")


@check
def _secret(app: Flask) -> Iterator[Finding]:
    key = Config().SECRET_KEY  # what the environment gives every instance, not this process
    if not key:
        yield Finding(Level.FAIL if app.config["ENV_NAME"] == "production" else Level.WARN,
                      "TRAININGAPP_SECRET_KEY is not set (a key kept in the instance folder "
                      "differs between instances: sessions would not carry across them)")
    elif key.strip().lower() in WEAK_SECRET_KEYS or len(key) < MIN_SECRET_KEY_LENGTH:
        yield Finding(Level.FAIL, f"TRAININGAPP_SECRET_KEY is weak: use {MIN_SECRET_KEY_LENGTH}"
                                  "+ random characters")
    else:
        yield Finding(Level.OK, "secret key set")


@check
def _cookies(app: Flask) -> Iterator[Finding]:
    if not app.config["SESSION_COOKIE_SECURE"]:
        yield Finding(Level.FAIL if app.config["ENV_NAME"] == "production" else Level.WARN,
                      "session cookies are sent over plain HTTP too (TRAININGAPP_SECURE_COOKIES)")
    else:
        yield Finding(Level.OK, "cookies: Secure, HttpOnly, SameSite=Lax")


@check
def _throttle(app: Flask) -> Iterator[Finding]:
    storage, workers = app.config["RATELIMIT_STORAGE_URI"], Config().WORKERS
    if not app.config["RATELIMIT_ENABLED"]:
        yield Finding(Level.FAIL, "sign-in throttling is off (TRAININGAPP_RATELIMIT_ENABLED)")
    elif storage.startswith("memory://") and workers > 1:
        yield Finding(Level.FAIL, f"sign-in throttling counts in each process's memory with "
                                  f"{workers} workers: an attacker gets {workers}× the "
                                  "tries. Set TRAININGAPP_RATELIMIT_STORAGE_URL=redis://…")
    elif storage.startswith("redis"):
        try:
            import redis  # noqa: PLC0415

            redis.Redis.from_url(storage, socket_connect_timeout=2).ping()
            yield Finding(Level.OK, "sign-in throttling shared through Redis")
        except Exception as error:  # noqa: BLE001 - any failure to reach it is the finding
            yield Finding(Level.FAIL, f"Redis for sign-in throttling does not answer: {error}")
    else:
        yield Finding(Level.OK, "sign-in throttling on")


@check
def _passwords(app: Flask) -> Iterator[Finding]:
    floor = HashCost()
    if (app.config["ARGON2_MEMORY_KIB"] < floor.memory_kib
            or app.config["ARGON2_TIME_COST"] < floor.time_cost):
        yield Finding(Level.FAIL, "password hashing below argon2id 19 MiB, 2 passes "
                                  "(TRAININGAPP_ARGON2_MEMORY_KIB / _TIME_COST)")
    else:
        yield Finding(Level.OK, "passwords: argon2id at or above 19 MiB, 2 passes")


@check
def _database(app: Flask) -> Iterator[Finding]:
    try:
        with db.engine.connect() as conn:
            migrations = current_app.extensions["migrate"]
            head = ScriptDirectory.from_config(
                migrations.migrate.get_config(migrations.directory)).get_current_head()
            current = MigrationContext.configure(conn).get_current_revision()
            if db.engine.dialect.name == "sqlite":
                mode = conn.exec_driver_sql("PRAGMA journal_mode").scalar()
                if mode != "wal":
                    yield Finding(Level.FAIL, f"SQLite journal mode is {mode}, not WAL")
                if Config().WORKERS > 1 and app.config["SQLITE_BUSY_TIMEOUT_MS"] < 1000:
                    yield Finding(Level.FAIL, "SQLite busy timeout under 1 s with several "
                                              "workers: writes would fail under load")
                yield Finding(Level.WARN, "SQLite: one machine only; PostgreSQL for several "
                                          "instances")
    except Exception as error:  # noqa: BLE001
        yield Finding(Level.FAIL, f"the database does not answer: {error}")
        return
    if current != head:
        yield Finding(Level.FAIL, f"the schema is at {current or 'nothing'}, the code expects "
                                  f"{head}: run `flask db upgrade`")
        return
    yield Finding(Level.OK, f"database reachable, schema current ({head})")
    if not db.session.scalar(select(func.count(ContentRelease.id))):
        yield Finding(Level.FAIL, "no content loaded: run `flask content sync`")


@check
def _translations(app: Flask) -> Iterator[Finding]:
    compiled = Path(app.root_path) / "translations" / "zh" / "LC_MESSAGES" / "messages.mo"
    if not compiled.is_file():
        yield Finding(Level.FAIL, "Chinese translations are not compiled: "
                                  "pybabel compile -d trainingapp/translations")


@check
def _proxies(app: Flask) -> Iterator[Finding]:
    if app.config["ENV_NAME"] == "production" and not app.config["TRUSTED_PROXIES"]:
        yield Finding(Level.WARN, "TRAININGAPP_TRUSTED_PROXIES is 0: behind a proxy every "
                                  "trainee would seem to come from the proxy's address "
                                  "(one throttle and audit address for everyone)")


@check
def _mail(app: Flask) -> Iterator[Finding]:
    if not app.config["SMTP_URL"]:
        yield Finding(Level.WARN, "no TRAININGAPP_SMTP_URL: notifications stay in the app")


def examine(app: Flask) -> list[Finding]:
    findings: list[Finding] = []
    for run in CHECKS:
        findings.extend(run(app))
    unit_of_work.discard()
    return findings
