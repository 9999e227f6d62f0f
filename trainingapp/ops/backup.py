"""Backups: `flask backup create` and `flask backup restore`.

SQLite is copied with its online backup API (a consistent snapshot while the app keeps
writing; never a file copy of a live WAL database) and checked with
``PRAGMA integrity_check``. PostgreSQL is dumped with ``pg_dump`` (custom format) and
restored with ``pg_restore`` in one transaction. Both report the rows of every table, so
a restore can be compared with what was saved."""

from __future__ import annotations

import sqlite3
import subprocess
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import func, inspect, select, table
from sqlalchemy.engine import URL

from trainingapp.extensions import db


class BackupError(RuntimeError):
    pass


@dataclass(frozen=True)
class Report:
    path: Path
    bytes: int
    rows: dict[str, int]
    integrity: str


def default_name(instance: Path, now: datetime) -> Path:
    suffix = ".db" if db.engine.dialect.name == "sqlite" else ".dump"
    return instance / "backups" / f"trainingapp-{now:%Y%m%d-%H%M%S}{suffix}"


def row_counts() -> dict[str, int]:
    """Rows in every table of the connected database."""
    names = sorted(inspect(db.engine).get_table_names())
    return {name: db.session.scalar(select(func.count()).select_from(table(name))) or 0
            for name in names}


def _sqlite_path(url: URL) -> Path:
    if not url.database or url.database == ":memory:":
        raise BackupError("an in-memory database has nothing to back up")
    return Path(url.database)


def _sqlite_rows(conn: sqlite3.Connection) -> dict[str, int]:
    names = [row[0] for row in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
    return {name: conn.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]
            for name in sorted(names)}


def _libpq(url: URL) -> str:
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def _run(command: list[str]) -> None:
    try:
        done = subprocess.run(command, capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise BackupError(f"{command[0]} is not installed (PostgreSQL client tools)") from None
    if done.returncode != 0:
        raise BackupError(f"{command[0]} failed: {done.stderr.strip()}")


def create(target: Path) -> Report:
    """Back the database up to ``target`` while the app may go on writing."""
    url = db.engine.url
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists():
        raise BackupError(f"{target} exists already")
    if url.get_backend_name() == "sqlite":
        source = sqlite3.connect(_sqlite_path(url))
        copy = sqlite3.connect(target)
        try:
            source.backup(copy)  # one step: a consistent snapshot
            integrity = copy.execute("PRAGMA integrity_check").fetchone()[0]
            rows = _sqlite_rows(copy)
        finally:
            copy.close()
            source.close()
        return Report(target, target.stat().st_size, rows, integrity)
    # pg_dump works in one repeatable-read transaction: a consistent snapshot too.
    _run(["pg_dump", "--format=custom", "--no-owner", f"--file={target}", _libpq(url)])
    return Report(target, target.stat().st_size, {}, "pg_dump: ok")


def restore(source: Path) -> Report:
    """Replace everything in the configured database with the backup ``source``. Stop the
    app first: its connections would otherwise see the data change under them."""
    if not source.is_file():
        raise BackupError(f"{source} is not a file")
    url = db.engine.url
    db.session.remove()
    db.engine.dispose()
    if url.get_backend_name() == "sqlite":
        backup = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        try:
            try:
                integrity = backup.execute("PRAGMA integrity_check").fetchone()[0]
            except sqlite3.DatabaseError as error:
                raise BackupError(f"{source} is not a SQLite backup: {error}") from None
            if integrity != "ok":
                raise BackupError(f"{source} is damaged: {integrity}")
            live = sqlite3.connect(_sqlite_path(url))
            try:
                backup.backup(live)
                rows = _sqlite_rows(live)
            finally:
                live.close()
        finally:
            backup.close()
        return Report(source, source.stat().st_size, rows, integrity)
    _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction",
          f"--dbname={_libpq(url)}", str(source)])
    return Report(source, source.stat().st_size, row_counts(), "pg_restore: ok")
