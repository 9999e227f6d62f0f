"""The migrations build the schema the models describe, and run both ways, on SQLite and
PostgreSQL."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import func, inspect, select

from tests.conftest import drop_everything, make_app, postgres_url
from trainingapp.extensions import db
from trainingapp.models import User
from trainingapp.ops import demo


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_app(request, tmp_path):
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'migrations.db'}"
    else:
        url = postgres_url()
        if url is None:
            pytest.skip("PostgreSQL: TRAININGAPP_TEST_DATABASE_URL is not set")
    app = make_app(url)
    with app.app_context():
        drop_everything()
        yield app
        drop_everything()
        db.session.remove()
        db.engine.dispose()


def _schema_drift():
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return compare_metadata(context, db.metadata)


def test_upgrade_downgrade_upgrade_and_no_drift(empty_app):
    upgrade()
    demo.seed()
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(User)) == 4
    db.session.remove()

    downgrade(revision="base")
    assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}

    upgrade()
    assert _schema_drift() == []


def test_sqlite_database_is_in_wal_mode(tmp_path):
    app = make_app(f"sqlite:///{tmp_path / 'wal.db'}")
    with app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 15000
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL
        db.engine.dispose()
    strict = make_app(f"sqlite:///{tmp_path / 'wal.db'}", SQLITE_SYNCHRONOUS="FULL")
    with strict.app_context(), db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
    with strict.app_context():
        db.engine.dispose()
