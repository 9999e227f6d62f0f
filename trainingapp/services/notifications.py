"""Notifications: queued once each, read in the app, and emailed by `flask notify send`
when SMTP is set up and the person wants email."""

from __future__ import annotations

import smtplib
from collections.abc import Callable, Sequence
from datetime import datetime
from email.message import EmailMessage
from typing import Any
from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy import ScalarSelect, func, select, update

from trainingapp.extensions import db
from trainingapp.models import Notification, User

def notify(user_id: int, kind: str, ref: str, now: datetime, detail: dict[str, Any]) -> bool:
    """Queue a notification unless the same one (``ref``) exists already."""
    exists = db.session.scalar(select(Notification.id).where(
        Notification.user_id == user_id, Notification.ref == ref))
    if exists:
        return False
    db.session.add(Notification(user_id=user_id, kind=kind, ref=ref, detail=detail,
                                created_at=now))
    return True


def unread_count_of(user_id: Any) -> ScalarSelect[int]:
    """How many of ``user_id``'s notifications are unread, as SQL (``user_id`` a number or
    a column, to be loaded with the user)."""
    return select(func.count()).select_from(Notification).where(
        Notification.user_id == user_id, Notification.read_at.is_(None)).scalar_subquery()


def unread_count(user_id: int) -> int:
    return db.session.scalar(select(unread_count_of(user_id))) or 0


def latest(user_id: int, limit: int = 50) -> Sequence[Notification]:
    return db.session.scalars(select(Notification).where(Notification.user_id == user_id)
                              .order_by(Notification.created_at.desc(), Notification.id.desc())
                              .limit(limit)).all()


def mark_all_read(user_id: int, now: datetime) -> None:
    db.session.execute(update(Notification).where(
        Notification.user_id == user_id, Notification.read_at.is_(None)).values(read_at=now))


Mailer = Callable[[EmailMessage], None]


def smtp_mailer() -> Mailer | None:
    """A sender for TRAININGAPP_SMTP_URL (smtp://user:pass@host:port or smtps://…), or
    None when mail is not set up."""
    url = current_app.config.get("SMTP_URL")
    if not url:
        return None
    parts = urlsplit(url)

    def send(message: EmailMessage) -> None:
        client = (smtplib.SMTP_SSL if parts.scheme == "smtps" else smtplib.SMTP)(
            parts.hostname or "localhost", parts.port or (465 if parts.scheme == "smtps" else 25),
            timeout=10)
        with client:
            if parts.username:
                client.login(parts.username, parts.password or "")
            client.send_message(message)

    return send


# The wording of one notification in a language, given the names a batch mentions
# (``wording.text_for`` and ``wording.names_for``).
Wording = Callable[[Notification, str, Any], str]


def deliver(now: datetime, text_for: Wording, names_for: Callable[[list[Notification]], Any],
            mailer: Mailer | None) -> tuple[int, int]:
    """Email what is waiting to people who want email and have an address, each in their
    own language; the rest is marked delivered in the app only. Returns (emailed,
    in_app_only)."""
    waiting = db.session.execute(
        select(Notification, User).join(User, User.id == Notification.user_id)
        .where(Notification.delivered_at.is_(None))).all()
    mailed = [(note, person) for note, person in waiting
              if mailer is not None and person.email and person.wants_email]
    names = names_for([note for note, _person in mailed])
    emailed = in_app = 0
    for note, person in waiting:
        if mailer is not None and person.email and person.wants_email:
            text = text_for(note, person.language, names)
            message = EmailMessage()
            message["To"] = person.email
            message["From"] = current_app.config.get("MAIL_FROM", "training@localhost")
            message["Subject"] = text
            message.set_content(text)
            mailer(message)
            note.emailed = True
            emailed += 1
        else:
            in_app += 1
        note.delivered_at = now
    return emailed, in_app
