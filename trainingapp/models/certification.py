"""Certification: tracks as loaded from the bank, the certificates people hold, and the
API tokens rostering systems use to ask who is cleared for duty."""

from __future__ import annotations

import enum
import secrets
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from trainingapp.models.base import Base, enum_column, utcnow


class Track(Base):
    __tablename__ = "track"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[dict[str, str]] = mapped_column(JSON)
    content: Mapped[dict[str, Any]] = mapped_column(JSON)
    retired_at: Mapped[datetime | None]


class CertificateSource(enum.StrEnum):
    EARNED = "earned"  # awarded by the platform when the track was completed
    EXTERNAL = "external"  # granted outside the platform, recorded by an admin
    EXEMPTION = "exemption"  # the person need not complete the track


def new_code() -> str:
    """A verification code: 12 characters, no look-alikes (0/O, 1/I/L)."""
    alphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
    return "".join(secrets.choice(alphabet) for _ in range(12))


class Certification(Base):
    """One certificate: valid from ``valid_from`` until ``expires_at`` unless revoked. A
    renewal is a new certificate that starts when the previous one ends."""

    __tablename__ = "certification"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    track_id: Mapped[int] = mapped_column(ForeignKey("track.id"), index=True)
    code: Mapped[str] = mapped_column(String(16), unique=True, default=new_code)
    source: Mapped[CertificateSource] = mapped_column(
        enum_column(CertificateSource, "certificate_source"))
    awarded_at: Mapped[datetime] = mapped_column(default=utcnow)
    valid_from: Mapped[datetime]
    expires_at: Mapped[datetime | None]  # None: does not expire (an exemption may not)
    note: Mapped[str] = mapped_column(Text, default="")
    awarded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    revoked_at: Mapped[datetime | None]
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    revoke_reason: Mapped[str | None] = mapped_column(Text)

    track: Mapped[Track] = relationship(lazy="raise")


class ApiToken(Base):
    """A bearer token for another system. Only its hash is stored; it is shown once."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(8))  # to recognise it in lists and logs
    scopes: Mapped[list[str]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    revoked_at: Mapped[datetime | None]
