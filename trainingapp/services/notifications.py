"""Notifications: queued once each, read in the app, and emailed by `flask notify send`
when SMTP is set up and the person wants email."""

from __future__ import annotations

import smtplib
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from email.message import EmailMessage
from typing import Any
from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy import ScalarSelect, func, select, update

from trainingapp import unit_of_work
from trainingapp.database import insert_unless_conflicting
from trainingapp.extensions import db
from trainingapp.models import Notification, User


def notify(user_id: int, kind: str, ref: str, now: datetime, detail: dict[str, Any]) -> bool:
    """Queue a notification unless the same one (``ref``) exists already."""
    return bool(queue([{"user_id": user_id, "kind": kind, "ref": ref, "detail": detail}], now))


def queue(notes: Iterable[Mapping[str, Any]], now: datetime) -> Counter[str]:
    """Queue these notifications (each ``user_id``, ``kind``, ``ref`` and ``detail``) in
    one statement (batched by the driver), skipping any that the person has already (the
    same ``ref``, by the unique key, so also one another transaction queues meanwhile);
    returns how many of each kind were queued. Rows go in key order, so two instances
    queueing the same ones wait for each other instead of deadlocking."""
    rows = sorted(({**note, "detail": dict(note["detail"]), "created_at": now, "emailed": False}
                   for note in notes), key=lambda row: (row["user_id"], row["ref"]))
    if not rows:
        return Counter()
    statement = insert_unless_conflicting(Notification, "user_id", "ref").returning(
        Notification.kind)
    return Counter(db.session.execute(statement, rows).scalars())


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


DELIVERY_CHUNK = 1000  # notifications claimed, sent and committed together


def deliver(now: datetime, text_for: Wording, names_for: Callable[[list[Notification]], Any],
            mailer: Mailer | None,
            chunk_sent: Callable[[], None] = lambda: None) -> tuple[int, int]:
    """Email what is waiting to people who want email and have an address, each in their
    own language; the rest is marked delivered in the app only. A chunk at a time, calling
    ``chunk_sent`` after each (the command commits there). Each chunk is claimed before
    it is sent (marked delivered where still waiting, in the transaction that sends it):
    another instance sending at the same moment waits for that and skips what this one
    claimed. Returns (emailed, in_app_only)."""
    emailed = in_app = 0
    after = 0
    while ids := db.session.scalars(
            select(Notification.id).where(Notification.delivered_at.is_(None),
                                          Notification.id > after)
            .order_by(Notification.id).limit(DELIVERY_CHUNK)).all():
        after = ids[-1]
        unit_of_work.writing()  # SQLite: the write lock from the claim to the commit
        claimed = db.session.scalars(
            update(Notification).where(Notification.id.in_(ids),
                                       Notification.delivered_at.is_(None))
            .values(delivered_at=now).returning(Notification.id)
            .execution_options(synchronize_session=False)).all()
        mailed = _send(claimed, text_for, names_for, mailer) if mailer and claimed else []
        if mailed:
            db.session.execute(update(Notification).where(Notification.id.in_(mailed))
                               .values(emailed=True)
                               .execution_options(synchronize_session=False))
        emailed, in_app = emailed + len(mailed), in_app + len(claimed) - len(mailed)
        chunk_sent()
    return emailed, in_app


def _send(claimed: Sequence[int], text_for: Wording,
          names_for: Callable[[list[Notification]], Any], mailer: Mailer) -> list[int]:
    """Email those of these notifications whose person wants email and has an address;
    returns their ids."""
    waiting = db.session.execute(
        select(Notification, User.email, User.language).join(User, User.id == Notification.user_id)
        .where(Notification.id.in_(claimed), User.wants_email.is_(True),
               User.email.is_not(None), User.email != "")).all()
    names = names_for([note for note, _email, _language in waiting])
    for note, email, language in waiting:
        text = text_for(note, language, names)
        message = EmailMessage()
        message["To"] = email
        message["From"] = current_app.config.get("MAIL_FROM", "training@localhost")
        message["Subject"] = text
        message.set_content(text)
        mailer(message)
    return [note.id for note, _email, _language in waiting]
