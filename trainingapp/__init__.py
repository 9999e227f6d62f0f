"""The staff training and certification platform.

``create_app`` builds the app in one order: config → extensions → blueprints → CLI → errors.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from trainingapp.config import Config, config_from_env

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def create_app(config: Config | Mapping[str, Any] | None = None) -> Flask:
    """Create the app. ``config`` is a Config, or Flask settings laid over the environment's."""
    app = Flask(
        __name__,
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    _configure(app, config)

    from trainingapp import database, extensions, i18n, security, unit_of_work

    extensions.db.init_app(app)
    database.init_app(app)
    unit_of_work.init_app(app)
    extensions.migrate.init_app(
        app,
        extensions.db,
        directory=str(PROJECT_ROOT / "migrations"),
        render_as_batch=True,
        render_item=database.render_migration_item,
    )
    extensions.csrf.init_app(app)
    extensions.compress.init_app(app)
    extensions.limiter.init_app(app)
    i18n.init_app(app)
    security.init_app(app)

    from trainingapp import auth, blueprints, cli, converters, errors

    converters.init_app(app)
    auth.init_app(app)
    _version_static_urls(app)
    blueprints.register(app)
    cli.register(app)
    errors.register(app)
    return app


def _version_static_urls(app: Flask) -> None:
    """Links to static files carry a hash of the file (``?v=…``), so browsers may keep
    them for a year and still fetch a changed file at once after a release."""
    versions: dict[str, str] = {}
    folder = Path(app.static_folder or "")
    if app.config.get("SEND_FILE_MAX_AGE_DEFAULT") is None:
        app.config["SEND_FILE_MAX_AGE_DEFAULT"] = timedelta(days=365)

    @app.url_defaults
    def _add_version(endpoint: str, values: dict[str, Any]) -> None:
        if endpoint != "static" or "v" in values:
            return
        name = values.get("filename", "")
        if name not in versions:
            path = folder / name
            versions[name] = (hashlib.sha256(path.read_bytes()).hexdigest()[:12]
                              if path.is_file() and folder in path.resolve().parents else "")
        if versions[name]:
            values["v"] = versions[name]


def _configure(app: Flask, config: Config | Mapping[str, Any] | None) -> None:
    if isinstance(config, Config):
        settings = config
    else:
        settings = config_from_env()
    settings.check()
    app.config.from_object(settings)
    app.config["ENV_NAME"] = settings.ENV_NAME
    if isinstance(config, Mapping):
        app.config.update(config)

    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_secret_key(Path(app.instance_path))
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        db_path = Path(app.instance_path) / "trainingapp.db"
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{db_path}"
    if not app.config.get("QUESTION_BANK"):
        app.config["QUESTION_BANK"] = str(PROJECT_ROOT / "question_bank")
    if app.config["TRUSTED_PROXIES"]:
        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]


def _instance_secret_key(instance: Path) -> str:
    """Development only: a random key kept in the instance folder, so sessions survive restarts."""
    key_file = instance / "secret_key"
    try:
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass  # made earlier, or by another worker starting at the same moment
    else:
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(48))
    return key_file.read_text().strip()
