"""Dashboard logins: login links already used, and sessions (the links' key: `storage.keys`).

Everything lives in the database so that a link opens once and a session holds whichever
process behind the load balancer answers.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from storage.models import Member, UsedLogin, WebSession, utcnow


def use_login(*, session: Session, nonce: str, expires_at: datetime, now: datetime) -> bool:
    """Records a link as used; False when it was used already. Old records are dropped."""
    session.execute(sa.delete(UsedLogin).where(UsedLogin.expires_at < now))
    try:
        with session.begin_nested():
            session.add(UsedLogin(nonce=nonce, expires_at=expires_at))
    except IntegrityError:
        return False
    return True


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def open_session(*, session: Session, member_id: int, expires_at: datetime) -> str:
    """A new session's token (for the cookie); only its hash is stored. Expired ones are dropped."""
    session.execute(sa.delete(WebSession).where(WebSession.expires_at <= utcnow()))
    token = secrets.token_urlsafe(32)
    session.add(WebSession(token_hash=_hash(token), member_id=member_id, expires_at=expires_at))
    return token


def session_member(*, session: Session, token: str, now: datetime) -> Member | None:
    """The member behind a live session token, or None (unknown, expired, erased)."""
    found = session.get(WebSession, _hash(token))
    if found is None or found.expires_at <= now:
        return None
    member = session.get(Member, found.member_id)
    return member if member is not None and member.erased_at is None else None


def close_session(*, session: Session, token: str) -> None:
    session.execute(sa.delete(WebSession).where(WebSession.token_hash == _hash(token)))
