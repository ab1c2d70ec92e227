"""School announcements: who receives them, the daily limit, holding them through quiet hours.

An announcement is a draft until its moderator confirms. Confirming takes the next free number
(`seq`) of its school's day, which is unique, so two moderators confirming at once cannot pass
the limit; then it is either published at once (a post and its deliveries, sent by the same
engine as the daily push) or `held` until the morning. Each step is a conditional update on
the status, so a double press or a second process does it once.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from storage.models import Announcement, Member, Post
from storage.pushes import add_deliveries, add_lead

KIND = "school"  # Post.kind of an announcement


def recipients(school_id: int) -> sa.ColumnElement[bool]:
    """The school's members who receive pushes and have not muted school announcements."""
    return sa.and_(
        Member.school_id == school_id,
        sa.or_(Member.daily == True, Member.weekly == True),  # noqa: E712
        Member.school_news == True,  # noqa: E712
    )


def count_recipients(*, session: Session, school_id: int) -> int:
    query = select(sa.func.count()).select_from(Member).where(
        recipients(school_id), Member.blocked == False, col(Member.chat_id).is_not(None)  # noqa: E712
    )
    return session.exec(query).one()


def numbers_taken(*, session: Session, school_id: int, day: date) -> int:
    """How many of the school's numbers of `day` are taken (confirmed, held or sent)."""
    query = select(sa.func.count()).select_from(Announcement).where(
        Announcement.school_id == school_id, Announcement.day == day, col(Announcement.seq).is_not(None)
    )
    return session.exec(query).one()


def take_number(*, session: Session, announcement_id: int, day: date, limit: int, status: str, send_at: datetime) -> str:
    """Confirms a draft for `day` under the school's daily limit.

    Returns "ok", "limit" (the day's numbers are taken) or "done" (no longer a draft)."""
    for seq in range(1, limit + 1):
        try:
            with session.begin_nested():
                changed = session.execute(
                    sa.update(Announcement)
                    .where(Announcement.id == announcement_id, Announcement.status == "draft")
                    .values(status=status, day=day, seq=seq, send_at=send_at)
                ).rowcount
        except IntegrityError:
            continue  # this number of the day is taken
        session.expire_all()
        return "ok" if changed else "done"
    still_draft = session.exec(select(Announcement.status).where(Announcement.id == announcement_id)).one() == "draft"
    return "limit" if still_draft else "done"


def cancel(*, session: Session, announcement_id: int, stages: tuple[str, ...] = ("draft", "held")) -> str | None:
    """Cancels an announcement not sent yet: a draft, or one held for the morning (which then
    gives back its number of the day). Returns the status it had; None when it was in none of
    `stages` (sent, cancelled, or released by the scheduler a moment ago)."""
    status = session.exec(select(Announcement.status).where(Announcement.id == announcement_id)).first()
    if status not in stages:
        return None
    changed = session.execute(
        sa.update(Announcement)
        .where(Announcement.id == announcement_id, Announcement.status == status)
        .values(status="cancelled", seq=None)
    ).rowcount
    session.expire_all()
    return status if changed == 1 else None


def publish(*, session: Session, announcement: Announcement, now: datetime, lead: Sequence[Member] = ()) -> Post | None:
    """The announcement's post and one delivery per recipient, after those of `lead` (the school's
    Telegram channel); None if it has its post already."""
    try:
        with session.begin_nested():
            post = Post(kind=KIND, slot_date=announcement.day, announcement_id=announcement.id, created_at=now)
            session.add(post)
            session.flush()
    except IntegrityError:
        return None
    add_lead(session=session, post=post, lead=lead, now=now)
    add_deliveries(session=session, post=post, now=now, recipients=recipients(announcement.school_id))
    announcement.status = "sent"
    return post


def due(*, session: Session, now: datetime) -> Sequence[Announcement]:
    """Held announcements whose time has come, each locked for this transaction (PostgreSQL)
    and skipped by a second scheduler that looks at the same moment."""
    query = (
        select(Announcement)
        .where(Announcement.status == "held", col(Announcement.send_at) <= now)
        .order_by(Announcement.id)
        .with_for_update(skip_locked=True)
    )
    return session.exec(query).all()
