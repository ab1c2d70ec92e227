"""The tables. Every timestamp is timezone-aware UTC (`UTCDateTime`), whatever the database."""

from __future__ import annotations

from datetime import date, datetime, timezone
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class UTCDateTime(TypeDecorator):
    """Stores UTC, returns aware datetimes: SQLite would otherwise hand back naive ones."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(timezone.utc)

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value


def _when(**kwargs: object) -> object:
    return Field(sa_type=UTCDateTime, **kwargs)


class School(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=32, unique=True)
    name: str = Field(max_length=200)
    enrolment: int | None = None
    active: bool = True
    # The school's Telegram channel ('@name' or '-100…'): its published stories are cross-posted.
    telegram_channel: str | None = Field(default=None, max_length=64)


class Member(SQLModel, table=True):
    """One person on one channel. After `/xoa` the row stays as an anonymous number with a school,
    so that counts remain true; every identifying column is emptied."""

    __table_args__ = (sa.UniqueConstraint("channel", "platform_id"),)

    id: int | None = Field(default=None, primary_key=True)
    channel: str = Field(max_length=16)
    platform_id: str | None = Field(default=None, max_length=64)
    chat_id: str | None = Field(default=None, max_length=64)
    display_name: str | None = Field(default=None, max_length=128)
    school_id: int | None = Field(default=None, foreign_key="school.id", index=True)
    # student, editor or school_moderator (see handlers/roles.py); a school moderator's school:
    role: str = Field(default="student", max_length=16)
    role_school_id: int | None = Field(default=None, foreign_key="school.id")
    consent_version: str | None = Field(default=None, max_length=16)
    consented_at: datetime | None = _when(default=None)
    adult: bool | None = None
    daily: bool = False
    weekly: bool = False
    blocked: bool = False
    # False after /tat truong: no school announcements, the daily campaign goes on.
    school_news: bool = True
    # Conversation state lives here so it survives restarts and works across processes.
    state: str | None = Field(default=None, max_length=32)
    state_data: str | None = Field(default=None, max_length=512)
    # Data tokens of the buttons last offered, so "2" can mean the second one on any channel.
    options: str | None = Field(default=None, max_length=4096)
    options_at: datetime | None = _when(default=None)
    # The last campaign day this member wrote or pressed anything (one "replied" event a day).
    active_on: date | None = None
    created_at: datetime = _when(default_factory=utcnow)
    erased_at: datetime | None = _when(default=None)
    # A story typed without /gui, offered to be sent: kept until the member answers, so the tap
    # works after a restart or in another process. Never a story until they do.
    draft: str | None = Field(default=None, sa_type=sa.Text)
    # A ban by a moderator: no stories, no pushes. `ban_told_for`: the kinds of action (submit,
    # react, report; space-separated) whose refusal already showed the reason.
    banned_at: datetime | None = _when(default=None)
    ban_reason: str | None = Field(default=None, max_length=500)
    ban_told_for: str | None = Field(default=None, max_length=64)
    # Flood control, in the database so it holds across processes: messages since `burst_at`,
    # and until when the member is ignored after sending too many.
    burst_at: datetime | None = _when(default=None)
    burst_count: int = 0
    quiet_until: datetime | None = _when(default=None)

    @property
    def joined(self) -> bool:
        return self.consented_at is not None and self.school_id is not None


class StoryStatus(StrEnum):
    """Where a story is. Stored as its plain value (no migration, no database enum type); equal to
    that string, so a row read back compares with these names directly."""

    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    PUBLISHED = "published"
    RETRACTED = "retracted"  # taken down after approval or publishing (`/go`)


class Story(SQLModel, table=True):
    """`status`: a `StoryStatus`."""

    __table_args__ = (
        # The story wall and the feeds: published stories newest first, for all or one school.
        sa.Index("ix_story_status_published", "status", "published_at", "id"),
        sa.Index("ix_story_school_status_published", "school_id", "status", "published_at", "id"),
        # Every photo the web app serves asks which stories show it (`storage.wall.photo_standing`).
        sa.Index("ix_story_photo", "photo"),
    )

    id: int | None = Field(default=None, primary_key=True)
    member_id: int | None = Field(default=None, foreign_key="member.id", index=True)
    school_id: int | None = Field(default=None, foreign_key="school.id")
    text: str = Field(sa_type=sa.Text)
    # The text as the author sent it, when a moderator corrected or masked it (`text` is then
    # what gets published).
    original_text: str | None = Field(default=None, sa_type=sa.Text)
    # What screening found, one "kind<TAB>shown" a line (see `content.screening`).
    flags: str | None = Field(default=None, sa_type=sa.Text)
    photo: str | None = Field(default=None, max_length=512)
    show_name: bool = False
    author_name: str | None = Field(default=None, max_length=128)
    status: str = Field(default=StoryStatus.PENDING, max_length=16, index=True)
    slot: str | None = Field(default=None, max_length=8)
    decided_by: str | None = Field(default=None, max_length=128)
    decided_at: datetime | None = _when(default=None)
    reason: str | None = Field(default=None, max_length=500)
    created_at: datetime = _when(default_factory=utcnow)
    published_at: datetime | None = _when(default=None)


class Announcement(SQLModel, table=True):
    """A school's announcement: a draft until its moderator confirms, then `held` (confirmed in
    quiet hours, goes out at `send_at`) or `sent` (its post exists). A confirmed one takes a
    number `seq` of its school's day: unique, so the daily limit holds even against a race."""

    __table_args__ = (sa.UniqueConstraint("school_id", "day", "seq"),)

    id: int | None = Field(default=None, primary_key=True)
    school_id: int = Field(foreign_key="school.id")
    author_id: int | None = Field(default=None, foreign_key="member.id")
    text: str = Field(sa_type=sa.Text)
    photo: str | None = Field(default=None, max_length=512)
    status: str = Field(default="draft", max_length=16, index=True)
    day: date | None = None
    seq: int | None = None
    send_at: datetime | None = _when(default=None)
    created_at: datetime = _when(default_factory=utcnow)


class Post(SQLModel, table=True):
    """One push. A campaign post (a story) is unique per kind and campaign day, whoever creates
    it first; a school announcement's post is unique per announcement."""

    __table_args__ = (
        sa.Index(
            "uq_post_slot", "kind", "slot_date", unique=True,
            sqlite_where=sa.text("announcement_id IS NULL"), postgresql_where=sa.text("announcement_id IS NULL"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=8)
    slot_date: date
    story_id: int | None = Field(default=None, foreign_key="story.id")
    announcement_id: int | None = Field(default=None, foreign_key="announcement.id", unique=True)
    created_at: datetime = _when(default_factory=utcnow)


class Delivery(SQLModel, table=True):
    __table_args__ = (
        sa.UniqueConstraint("post_id", "member_id"),
        sa.Index("ix_delivery_post_status", "post_id", "status"),
        sa.Index("ix_delivery_channel_status", "channel", "status", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    post_id: int = Field(foreign_key="post.id")
    member_id: int = Field(foreign_key="member.id")
    channel: str = Field(max_length=16)
    status: str = Field(default="waiting", max_length=16)
    attempts: int = 0
    # The platform's id of the message sent, so a takedown can delete it.
    message_ref: str | None = Field(default=None, max_length=64)
    updated_at: datetime = _when(default_factory=utcnow)
    # The sender that claimed the row (host:pid:nonce), and while `sending` until when it holds
    # it (renewed while the window is in flight). Only a row whose lease ran out, its sender
    # gone, becomes `unknown`.
    lease_owner: str | None = Field(default=None, max_length=64)
    lease_until: datetime | None = _when(default=None)


class Reaction(SQLModel, table=True):
    __table_args__ = (sa.UniqueConstraint("post_id", "member_id", "kind"),)

    id: int | None = Field(default=None, primary_key=True)
    post_id: int = Field(foreign_key="post.id")
    member_id: int = Field(foreign_key="member.id")
    kind: str = Field(max_length=16)
    at: datetime = _when(default_factory=utcnow)


class Report(SQLModel, table=True):
    """A member's report of a published story: one per member and story."""

    __table_args__ = (sa.UniqueConstraint("story_id", "member_id"),)

    id: int | None = Field(default=None, primary_key=True)
    story_id: int = Field(foreign_key="story.id")
    member_id: int = Field(foreign_key="member.id")
    at: datetime = _when(default_factory=utcnow)


class Event(SQLModel, table=True):
    """One meaningful act, the raw material of every report. `member_id` points at a row that
    may since have been erased: the act still counts, anonymously."""

    __table_args__ = (
        sa.Index("ix_event_school_at", "school_id", "at"),
        # Covering: reports count and take distinct members per school from the index alone.
        sa.Index("ix_event_kind_at", "kind", "at", "school_id", "member_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    member_id: int | None = Field(default=None, foreign_key="member.id")
    school_id: int | None = Field(default=None, foreign_key="school.id")
    kind: str = Field(max_length=16)
    channel: str | None = Field(default=None, max_length=16)
    post_id: int | None = None
    story_id: int | None = None
    at: datetime = _when(default_factory=utcnow)


class DailyCount(SQLModel, table=True):
    """Events per school, kind and campaign day (local), for days that are over: a report over
    months sums these few rows instead of counting a million events. See `storage.rollup`."""

    day: date = Field(primary_key=True)
    school_id: int = Field(primary_key=True, foreign_key="school.id")
    kind: str = Field(primary_key=True, max_length=16)
    count: int


class AuditEntry(SQLModel, table=True):
    """Who did what as a moderator or admin."""

    id: int | None = Field(default=None, primary_key=True)
    actor_id: int | None = Field(default=None, foreign_key="member.id")
    action: str = Field(max_length=32)
    target: str | None = Field(default=None, max_length=64)
    detail: str | None = Field(default=None, max_length=500)
    at: datetime = _when(default_factory=utcnow)


class ProcessedUpdate(SQLModel, table=True):
    """Platform update ids already handled, so a redelivered webhook has one effect."""

    __table_args__ = (sa.UniqueConstraint("channel", "update_id"),)

    id: int | None = Field(default=None, primary_key=True)
    channel: str = Field(max_length=16)
    update_id: str = Field(max_length=64)
    at: datetime = _when(default_factory=utcnow, index=True)


class Secret(SQLModel, table=True):
    """A key the processes share (login links, photo links: `storage.keys`), made once on first use."""

    name: str = Field(primary_key=True, max_length=32)
    value: str = Field(max_length=128)


class UsedLogin(SQLModel, table=True):
    """A login link already opened: in the database, so it works once across every process."""

    nonce: str = Field(primary_key=True, max_length=64)
    expires_at: datetime = _when(index=True)


class WebSession(SQLModel, table=True):
    """A dashboard session: the cookie holds a random token, the table only its hash."""

    token_hash: str = Field(primary_key=True, max_length=64)
    member_id: int = Field(foreign_key="member.id", index=True)
    expires_at: datetime = _when(index=True)
