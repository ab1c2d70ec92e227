"""Telegram channels that cross-post the pushes: the campaign's (TELEGRAM_CHANNEL_ID) gets every
post, a school's channel the posts of that school's stories.

A channel is delivered to like a member: it has a member row of role `channel` (no school, no
consent, so it never counts in a school's figures) and one delivery row per post, created with
the post and sent by the same crash-safe engine, so a restart never posts twice.
"""

from __future__ import annotations

from sqlmodel import Session

from storage import repo
from storage.models import Member, School, Story

ROLE = "channel"
CHANNEL = "telegram"


def channel_target(*, session: Session, chat: str) -> Member:
    """The member row that stands for a channel (made on first use)."""
    member, _ = repo.get_or_create_member(session=session, channel=CHANNEL, platform_id=f"{ROLE}:{chat}", chat_id=chat)
    if member.role != ROLE:
        member.role, member.display_name = ROLE, chat
        session.flush()
    return member


def targets_for(*, session: Session, story: Story, campaign_chat: str | None) -> list[Member]:
    """The channels a post of `story` goes to, each once."""
    school = session.get(School, story.school_id) if story.school_id else None
    return _targets(session, campaign_chat, school.telegram_channel if school else None)


def school_channels(*, session: Session, school_id: int) -> list[Member]:
    """The school's own channel, for its announcements (none when it has no channel)."""
    school = session.get(School, school_id)
    return _targets(session, school.telegram_channel if school else None)


def _targets(session: Session, *chats: str | None) -> list[Member]:
    return [channel_target(session=session, chat=chat) for chat in dict.fromkeys(chat for chat in chats if chat)]
