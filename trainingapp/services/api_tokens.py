"""API tokens for other systems: random, shown once, stored as a hash, scoped, revocable."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select

from trainingapp.extensions import db
from trainingapp.models import ApiToken, User
from trainingapp.services import audit

SCOPES = ("clearance:read",)
PREFIX = "tap_"


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create(name: str, scopes: Sequence[str] = SCOPES, actor: User | None = None) -> tuple[ApiToken, str]:
    """A new token; the plain token is returned this once and never stored."""
    name = name.strip()
    if not name or named(name):
        raise ValueError(f"a token named {name!r} exists already" if name else "name required")
    unknown = set(scopes) - set(SCOPES)
    if unknown:
        raise ValueError(f"unknown scopes: {', '.join(sorted(unknown))}")
    plain = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(name=name, token_hash=_hash(plain), prefix=plain[:8], scopes=list(scopes),
                     created_by_id=actor.id if actor else None)
    db.session.add(token)
    db.session.flush()
    audit.record("api_token_created", actor=actor, token=name, scopes=list(scopes))
    return token, plain


def named(name: str) -> ApiToken | None:
    return db.session.scalar(select(ApiToken).where(ApiToken.name == name))


def find(plain: str) -> ApiToken | None:
    """The live token for a presented secret (compared by hash), or None."""
    if not plain.startswith(PREFIX):
        return None
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == _hash(plain)))
    return token if token is not None and token.revoked_at is None else None


def all_tokens() -> Sequence[ApiToken]:
    return db.session.scalars(select(ApiToken).order_by(ApiToken.created_at)).all()


def revoke(name: str, now: datetime, actor: User | None = None) -> ApiToken:
    token = named(name)
    if token is None:
        raise ValueError(f"no token named {name!r}")
    if token.revoked_at is None:
        token.revoked_at = now
        audit.record("api_token_revoked", actor=actor, token=name)
    return token
