"""What is settled before the conversation: updates that are not a member talking to the bot
(group chats, blocking and unblocking the bot), and flood control.

Usage: `outside_conversation` first (no member row is made for a group chat); then, for a
member, `flood` says whether to answer, warn once, or ignore (a newcomer's row is made with
`first_message`, which counts their first one).
"""

from __future__ import annotations

import hashlib
import logging
from datetime import timedelta

import sqlalchemy as sa
from sqlmodel import Session

from content import texts
from handlers.context import CoreConfig
from handlers.io import Incoming, Outgoing
from storage import repo
from storage.models import Member, UTCDateTime

log = logging.getLogger(__name__)

FLOOD_WINDOW = timedelta(minutes=1)
QUIET_FOR = timedelta(minutes=1)


def outside_conversation(*, session: Session, incoming: Incoming) -> list[Outgoing] | None:
    """The answer to a group chat or a block/unblock update; None for everything else.

    A group hears once that the bot works in private chats, then nothing: nothing a member
    wrote is ever echoed there. A block is never answered (the platform would refuse it).
    """
    if incoming.kind == "group":
        key = _group_key(incoming)
        if repo.audited(session=session, action=key):
            return []
        repo.audit(session=session, actor=None, action=key)
        return [Outgoing(incoming.channel, incoming.chat_id, texts.GROUP_CHAT)]
    if incoming.kind in ("blocked", "unblocked"):
        member = repo.get_member(session=session, channel=incoming.channel, platform_id=incoming.user_id)
        return [] if member is None else _block_changed(session, member, incoming)
    return None


def _group_key(incoming: Incoming) -> str:
    """The audit action that remembers a group was told (32 characters at most: long ids hashed)."""
    key = f"group:{incoming.channel}:{incoming.chat_id}"
    return key if len(key) <= 32 else "group:" + hashlib.sha256(key.encode()).hexdigest()[:26]


def _block_changed(session: Session, member: Member, incoming: Incoming) -> list[Outgoing]:
    if incoming.kind == "blocked":
        if not member.blocked:
            member.blocked, member.daily, member.weekly = True, False, False
            repo.add_event(session=session, kind="blocked", member=member)
        return []
    if not member.blocked:
        return []
    member.blocked = False
    repo.add_event(session=session, kind="unblocked", member=member)
    return [Outgoing(incoming.channel, incoming.chat_id, texts.UNBLOCKED)] if member.joined else []


def first_message(config: CoreConfig) -> dict[str, object]:
    """The columns a newcomer's row starts with: their first message already counted, so the
    busiest update of all, a new member's /start, needs no counting UPDATE (`flood`)."""
    return {"burst_count": 1, "burst_at": config.clock()}


_members = Member.__table__
_fresh = sa.and_(_members.c.burst_at.is_not(None), _members.c.burst_at > sa.bindparam("window_start"))
# Built once: building a statement costs more CPU than running it, and this one runs for every
# message. A table statement on the session's connection: the ORM neither flushes the member's
# pending changes first nor touches the loaded member (it never writes these columns back).
_COUNT_MESSAGE = (
    sa.update(_members)
    .where(_members.c.id == sa.bindparam("member_id"))
    .values(
        burst_count=sa.case((_fresh, _members.c.burst_count + 1), else_=1),
        burst_at=sa.case((_fresh, _members.c.burst_at), else_=sa.bindparam("now", type_=UTCDateTime())),
    )
    .returning(_members.c.burst_count, _members.c.quiet_until)
)


def flood(*, session: Session, member: Member, config: CoreConfig) -> str | None:
    """None to go on; "warn" the first time past the limit in a minute; "ignore" for a minute after.

    One UPDATE … RETURNING counts the message, so processes sharing the database count together.
    """
    now = config.clock()
    count, quiet_until = session.connection().execute(
        _COUNT_MESSAGE, {"member_id": member.id, "now": now, "window_start": now - FLOOD_WINDOW}
    ).one()
    if quiet_until is not None and quiet_until > now:
        return "ignore"
    if count <= config.messages_per_minute:
        return None
    session.execute(
        sa.update(Member).where(Member.id == member.id).values(quiet_until=now + QUIET_FOR)
        .execution_options(synchronize_session=False)
    )
    log.info("member %s sent %d messages in a minute: ignored for a minute", member.id, count)
    return "warn"
