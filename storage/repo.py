"""Query functions: keyword-only, one job each; not-found is `None` and the caller decides what
the user sees. Nothing here commits: the caller's session scope does."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from storage.models import AuditEntry, Event, Member, ProcessedUpdate, School, Story, utcnow


def claim_update(*, session: Session, channel: str, update_id: str) -> bool:
    """Records an update id; False when it was already processed (a redelivery).

    Runs in the caller's transaction, so the record and the update's effects commit together.
    """
    try:
        with session.begin_nested():
            session.add(ProcessedUpdate(channel=channel, update_id=update_id))
    except IntegrityError:
        return False
    return True


def forget_updates(*, session: Session, before: datetime) -> int:
    """Drops update ids older than any redelivery (platforms retry for minutes, not days)."""
    return session.execute(sa.delete(ProcessedUpdate).where(ProcessedUpdate.at < before)).rowcount


def get_member(*, session: Session, channel: str, platform_id: str) -> Member | None:
    return session.exec(
        select(Member).where(Member.channel == channel, Member.platform_id == platform_id)
    ).first()


def get_or_create_member(*, session: Session, channel: str, platform_id: str, chat_id: str) -> Member:
    member = get_member(session=session, channel=channel, platform_id=platform_id)
    if member is None:
        member = Member(channel=channel, platform_id=platform_id, chat_id=chat_id)
        session.add(member)
        session.flush()
    elif member.chat_id != chat_id:
        member.chat_id = chat_id
    return member


def schools(*, session: Session, active_only: bool = True) -> Sequence[School]:
    query = select(School).order_by(School.id)
    if active_only:
        query = query.where(School.active == True)  # noqa: E712
    return session.exec(query).all()


def school_by_code(*, session: Session, code: str) -> School | None:
    """None for a code no school can have; one with a NUL character would fail PostgreSQL's query."""
    if not (code.isascii() and code.isprintable()):
        return None
    return session.exec(select(School).where(School.code == code.upper())).first()


@dataclass(frozen=True)
class ImportResult:
    added: int
    renamed: int
    unchanged: int


def import_schools(
    *, session: Session, rows: Iterable[tuple[str, str, int | None] | tuple[str, str, int | None, str | None]], replace: bool = False
) -> ImportResult:
    """Adds new codes and renames known ones; members keep their school through a rename. An
    enrolment or Telegram channel left empty keeps the one known.

    With `replace`, schools missing from the file are deactivated (never deleted: members and
    events still point at them).
    """
    known = {school.code: school for school in schools(session=session, active_only=False)}
    added = renamed = unchanged = 0
    seen = set()
    for code, name, enrolment, *channel in rows:
        seen.add(code)
        school = known.get(code)
        telegram_channel = channel[0] if channel else None
        if school is None:
            session.add(School(code=code, name=name, enrolment=enrolment, telegram_channel=telegram_channel))
            added += 1
            continue
        changed = school.name != name or not school.active
        school.name, school.active = name, True
        if enrolment is not None:
            school.enrolment = enrolment
        if telegram_channel is not None:
            school.telegram_channel = telegram_channel
        renamed += changed
        unchanged += not changed
    if replace:
        for code, school in known.items():
            if code not in seen:
                school.active = False
    session.flush()
    return ImportResult(added, renamed, unchanged)


def add_event(
    *,
    session: Session,
    kind: str,
    member: Member | None,
    post_id: int | None = None,
    story_id: int | None = None,
    school_id: int | None = None,
) -> None:
    session.add(
        Event(
            kind=kind,
            member_id=member.id if member else None,
            school_id=school_id if school_id is not None else (member.school_id if member else None),
            channel=member.channel if member else None,
            post_id=post_id,
            story_id=story_id,
        )
    )


def audit(
    *, session: Session, actor: Member | None, action: str, target: str | None = None, detail: str | None = None
) -> None:
    """Logs an act; `actor` None is the bot itself (the scheduler)."""
    session.add(
        AuditEntry(actor_id=actor.id if actor else None, action=action, target=target, detail=(detail or "")[:500] or None)
    )


def audited(*, session: Session, action: str) -> bool:
    return session.exec(select(AuditEntry.id).where(AuditEntry.action == action).limit(1)).first() is not None


def stories_of(*, session: Session, member_id: int, limit: int = 10) -> Sequence[Story]:
    return session.exec(
        select(Story).where(Story.member_id == member_id).order_by(col(Story.id).desc()).limit(limit)
    ).all()


def pending_stories(*, session: Session, limit: int, school_id: int | None = None) -> tuple[Sequence[Story], int]:
    """The oldest pending stories (of one school, or of all) and how many are pending in all."""
    pending = Story.status == "pending"
    if school_id is not None:
        pending = sa.and_(pending, Story.school_id == school_id)
    total = session.exec(select(sa.func.count()).select_from(Story).where(pending)).one()
    rows = session.exec(select(Story).where(pending).order_by(Story.id).limit(limit)).all()
    return rows, total


def decide_story(
    *,
    session: Session,
    story_id: int,
    status: str,
    decided_by: str,
    slot: str | None = None,
    reason: str | None = None,
) -> bool:
    """Moves a pending story to `status`; False if someone decided it first.

    A conditional UPDATE, so two moderators pressing at once cannot both win.
    """
    result = session.execute(
        sa.update(Story)
        .where(Story.id == story_id, Story.status == "pending")
        .values(status=status, slot=slot, reason=reason, decided_by=decided_by, decided_at=utcnow())
    )
    session.expire_all()
    return result.rowcount == 1


def erase_member(*, session: Session, member: Member) -> None:
    """Drops identity at once; the row stays as an anonymous number with its school."""
    session.execute(
        sa.update(Story).where(Story.member_id == member.id).values(member_id=None, author_name=None)
    )
    member.platform_id = member.chat_id = member.display_name = None
    member.consent_version = None
    member.consented_at = None
    member.adult = None
    member.role, member.role_school_id = "student", None
    member.daily = member.weekly = False
    member.state = member.state_data = member.options = None
    member.erased_at = utcnow()
