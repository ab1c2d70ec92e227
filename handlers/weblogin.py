"""Dashboard logins without passwords: `/web` in chat sends a one-time link.

A link carries `member.expires.nonce.signature`, signed (HMAC-SHA256) with a key the processes
share through the database; it is valid for ten minutes and opens one session, once: the nonce
is recorded as used in the database, so a second process cannot accept it again. Who may see the
dashboard, and which schools, is decided in one place: `viewer`.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlmodel import Session

from content import render, texts
from handlers.context import Ctx
from storage import keys, logins, roles
from storage.models import Member

log = logging.getLogger(__name__)

LINK_LIFETIME = timedelta(minutes=10)
SESSION_LIFETIME = timedelta(hours=12)
LOGIN_PATH = "/dang-nhap"


@dataclass(frozen=True)
class Viewer:
    """A member allowed on the dashboard; `school_id` None means every school."""

    member: Member
    school_id: int | None = None


def viewer(member: Member | None, admins: frozenset[tuple[str, str]]) -> Viewer | None:
    """Who may see the dashboard, and which schools: the roles' rule, as in chat (admins and
    editors see every school, a school moderator their own; students nothing)."""
    if member is None or member.erased_at is not None or not roles.may(member, admins, roles.Access.MODERATOR):
        return None
    return Viewer(member, roles.school_scope(member, admins))


def _key(session: Session) -> bytes:
    return keys.shared_key(session=session, name=keys.LOGIN_LINKS)


def make_token(*, session: Session, member_id: int, now: datetime) -> str:
    expires = int((now + LINK_LIFETIME).timestamp())
    payload = f"{member_id}.{expires}.{secrets.token_urlsafe(12)}"
    return f"{payload}.{keys.sign(_key(session), payload)}"


def redeem_token(*, session: Session, token: str, now: datetime) -> Member | None:
    """The member a valid, unexpired, unused link names; the link is then used up. None otherwise."""
    parts = token.split(".")
    if len(parts) != 4 or not parts[0].isdigit() or not parts[1].isdigit():
        return None
    payload, signature = ".".join(parts[:3]), parts[3]
    if not keys.signed(_key(session), payload, signature):
        log.info("a login link with a wrong signature was refused")
        return None
    expires = datetime.fromtimestamp(int(parts[1]), timezone.utc)
    if expires <= now or not logins.use_login(session=session, nonce=parts[2], expires_at=expires, now=now):
        return None
    return session.get(Member, int(parts[0]))


def web_command(ctx: Ctx) -> None:
    """/web: a one-time login link to the dashboard, valid ten minutes."""
    if ctx.config.public_url is None:
        ctx.reply(texts.WEB_LINKS_UNAVAILABLE)
        return
    token = make_token(session=ctx.session, member_id=ctx.member.id, now=ctx.config.clock())
    url = f"{ctx.config.public_url.rstrip('/')}{LOGIN_PATH}?t={token}"
    ctx.reply(texts.WEB_LOGIN_LINK.format(url=render.esc(url), minutes=int(LINK_LIFETIME.total_seconds() // 60)))
