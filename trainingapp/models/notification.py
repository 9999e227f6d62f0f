"""Notifications: shown in the app, and emailed when mail is set up and wanted."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column

from trainingapp.models.base import Base, utcnow


class Notification(Base):
    """One message to one person. ``ref`` names what it is about (an assignment, a
    certificate and a moment), so the same reminder is never queued twice."""

    __tablename__ = "notification"
    __table_args__ = (
        UniqueConstraint("user_id", "ref"),
        Index("ix_notification_unread", "user_id", "read_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    kind: Mapped[str] = mapped_column(String(32))
    ref: Mapped[str] = mapped_column(String(96))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None]
    delivered_at: Mapped[datetime | None]  # processed by flask notify send
    emailed: Mapped[bool] = mapped_column(default=False, server_default=false())
