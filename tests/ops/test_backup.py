"""Backups (QUALITY.md reliability 10): taken while writes go on, restored into an empty
database, compared table by table; a damaged backup is refused and changes nothing."""

from __future__ import annotations

import threading
import uuid
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import text

from tests.conftest import make_app, sync_fixture_bank
from trainingapp.extensions import db
from trainingapp.ops import backup, generate

pytestmark = pytest.mark.db


def _fresh_database(migrated_url: str, tmp_path: Path) -> str:
    """An empty database beside the test one, of the same kind."""
    if migrated_url.startswith("sqlite"):
        return f"sqlite:///{tmp_path / 'restored.db'}"
    name = f"restore_{uuid.uuid4().hex[:8]}"
    server = migrated_url.rsplit("/", 1)[0]
    with psycopg.connect(server.replace("postgresql+psycopg", "postgresql") + "/postgres",
                         autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    return f"{server}/{name}"


def _drop(url: str) -> None:
    if url.startswith("postgresql"):
        server, name = url.rsplit("/", 1)
        with psycopg.connect(server.replace("postgresql+psycopg", "postgresql") + "/postgres",
                             autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def _writes_while(app, stop: threading.Event) -> int:  # type: ignore[no-untyped-def]
    written = 0
    with app.app_context():
        while not stop.is_set():
            db.session.execute(text(
                "INSERT INTO audit_event (at, action, detail) VALUES (:at, 'backup_test', '{}')"),
                {"at": datetime.now(UTC)})
            db.session.commit()
            written += 1
    return written


def test_a_backup_taken_during_writes_restores_every_row(app, migrated_url, tmp_path, runner):
    sync_fixture_bank(app, "cert_bank")
    with app.app_context():
        generate.generate(60, 2, seed=2, now=datetime.now(UTC), cohort=3)
        db.session.commit()
    stop = threading.Event()
    counter: list[int] = []
    writer = threading.Thread(target=lambda: counter.append(_writes_while(app, stop)))
    writer.start()
    try:
        target = tmp_path / "backups" / "now.bak"
        result = runner.invoke(args=["backup", "create", "--output", str(target)])
    finally:
        stop.set()
        writer.join()
    assert result.exit_code == 0, result.output
    assert counter[0] > 0  # the app really was writing meanwhile
    restored_url = _fresh_database(migrated_url, tmp_path)
    try:
        restored = make_app(restored_url)
        refused = restored.test_cli_runner().invoke(args=["backup", "restore", str(target)])
        assert refused.exit_code != 0 and "--yes" in refused.output
        done = restored.test_cli_runner().invoke(
            args=["backup", "restore", str(target), "--yes"])
        assert done.exit_code == 0, done.output
        with restored.app_context():
            after = backup.row_counts()
            if db.engine.dialect.name == "sqlite":
                assert db.session.execute(text("PRAGMA integrity_check")).scalar() == "ok"
            db.session.remove()
            db.engine.dispose()
        with app.app_context():
            before = backup.row_counts()
        # everything generated is there; the audit log holds what was written by then
        assert after["user_account"] == before["user_account"] >= 63
        for name in before:
            if name != "audit_event":
                assert after[name] == before[name], name
        assert 0 < after["audit_event"] <= before["audit_event"]
        assert after["alembic_version"] == 1
    finally:
        _drop(restored_url)


def test_a_damaged_backup_is_refused_and_changes_nothing(app, migrated_url, tmp_path):
    if not migrated_url.startswith("sqlite"):
        pytest.skip("pg_restore's own checks; the SQLite path checks integrity itself")
    sync_fixture_bank(app)
    broken = tmp_path / "broken.db"
    broken.write_bytes(b"SQLite format 3\x00" + b"\x00" * 200)
    result = app.test_cli_runner().invoke(args=["backup", "restore", str(broken), "--yes"])
    assert result.exit_code == 1 and "is not a SQLite backup" in result.output
    with app.app_context():
        assert backup.row_counts()["question"] > 0  # the live data is untouched
