"""Query functions: keyword-only, one job each; not-found is `None` and the caller decides what
the user sees. Nothing here commits: the caller's session scope does."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from storage.models import Announcement, AuditEntry, Event, Member, Post, ProcessedUpdate, Report, School, Story, StoryStatus, utcnow


# Built once, per dialect: building a statement costs more CPU than running it, and this one runs
# for every update. One statement, no savepoint; on PostgreSQL a twin arriving at the same moment
# waits for the first one's commit, then inserts nothing.
_CLAIM_UPDATE = {
    name: dialect.insert(ProcessedUpdate.__table__).on_conflict_do_nothing().returning(ProcessedUpdate.__table__.c.id)
    for name, dialect in (("postgresql", postgresql), ("sqlite", sqlite))
}


def claim_update(*, session: Session, channel: str, update_id: str) -> bool:
    """Records an update id; False when it was already processed (a redelivery).

    Runs in the caller's transaction, so the record and the update's effects commit together.
    """
    connection = session.connection()
    statement = _CLAIM_UPDATE[connection.dialect.name]
    return connection.execute(statement, {"channel": channel, "update_id": update_id, "at": utcnow()}).first() is not None


def forget_updates(*, session: Session, before: datetime) -> int:
    """Drops update ids older than any redelivery (platforms retry for minutes, not days)."""
    return session.execute(sa.delete(ProcessedUpdate).where(ProcessedUpdate.at < before)).rowcount


_MEMBER_BY_PLATFORM_ID = select(Member).where(
    Member.channel == sa.bindparam("channel"), Member.platform_id == sa.bindparam("platform_id")
)
# The new row comes back whole from its INSERT … RETURNING and is loaded as a Member: cheaper than
# building the object (SQLModel validates every field) and flushing it.
_ADD_MEMBER = {
    name: select(Member).from_statement(
        dialect.insert(Member.__table__).on_conflict_do_nothing().returning(*Member.__table__.c)
    )
    for name, dialect in (("postgresql", postgresql), ("sqlite", sqlite))
}


def get_member(*, session: Session, channel: str, platform_id: str) -> Member | None:
    return session.scalars(_MEMBER_BY_PLATFORM_ID, {"channel": channel, "platform_id": platform_id}).first()


def get_or_create_member(
    *, session: Session, channel: str, platform_id: str, chat_id: str, **first: object
) -> tuple[Member, bool]:
    """The member, and whether this call made their row (with the columns `first` on top of the
    defaults).

    On PostgreSQL two first updates of one person can arrive at the same moment: the second
    transaction's INSERT waits for the first one's commit, then inserts nothing and reads the row
    the first one made.
    """
    member = get_member(session=session, channel=channel, platform_id=platform_id)
    if member is None:
        values = {**first, "channel": channel, "platform_id": platform_id, "chat_id": chat_id}
        added = session.scalars(_ADD_MEMBER[session.get_bind().dialect.name], values).first()
        if added is not None:
            return added, True
        member = get_member(session=session, channel=channel, platform_id=platform_id)
        if member is None:
            raise LookupError(f"member {channel}:{platform_id} neither added nor found")
    if member.chat_id != chat_id:
        member.chat_id = chat_id
    return member, False


def banned_members(*, session: Session, school_id: int | None = None) -> Sequence[Member]:
    """Members banned now, longest first; of one school when given."""
    query = select(Member).where(col(Member.banned_at).is_not(None)).order_by(Member.banned_at)
    if school_id is not None:
        query = query.where(Member.school_id == school_id)
    return session.exec(query).all()


# Asked while a member chooses a school, so built once. Listing does not flush the member's
# pending changes first: it reads school rows only, and no handler deactivates a school.
_SCHOOLS = select(School).order_by(School.id).execution_options(autoflush=False)
_ACTIVE_SCHOOLS = _SCHOOLS.where(School.active == True)  # noqa: E712
_SCHOOL_BY_CODE = select(School).where(School.code == sa.bindparam("code"))


def schools(*, session: Session, active_only: bool = True) -> Sequence[School]:
    return session.exec(_ACTIVE_SCHOOLS if active_only else _SCHOOLS).all()


def school_by_code(*, session: Session, code: str) -> School | None:
    """None for a code no school can have; one with a NUL character would fail PostgreSQL's query."""
    if not (code.isascii() and code.isprintable()):
        return None
    return session.exec(_SCHOOL_BY_CODE, params={"code": code.upper()}).first()


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


_ADD_EVENT = sa.insert(Event.__table__)


def add_event(
    *,
    session: Session,
    kind: str,
    member: Member | None,
    post_id: int | None = None,
    story_id: int | None = None,
    school_id: int | None = None,
) -> None:
    """Writes one event at once, with the member's school as it is now. A plain INSERT on the
    session's connection, not an object flushed at commit: nothing reads an event back as an
    object, building one costs more than writing the row, and the member's pending changes are
    not flushed first (they are written once, at commit)."""
    session.connection().execute(
        _ADD_EVENT,
        {
            "kind": kind,
            "member_id": member.id if member else None,
            "school_id": school_id if school_id is not None else (member.school_id if member else None),
            "channel": member.channel if member else None,
            "post_id": post_id,
            "story_id": story_id,
        },
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
    pending = Story.status == StoryStatus.PENDING
    if school_id is not None:
        pending = sa.and_(pending, Story.school_id == school_id)
    total = session.exec(select(sa.func.count()).select_from(Story).where(pending)).one()
    rows = session.exec(select(Story).where(pending).order_by(Story.id).limit(limit)).all()
    return rows, total


def recent_texts(*, session: Session, limit: int, before_id: int | None = None) -> list[tuple[int, str]]:
    """(id, text) of the latest stories, newest first, for finding duplicates."""
    query = select(Story.id, Story.text).order_by(col(Story.id).desc()).limit(limit)
    if before_id is not None:
        query = query.where(Story.id < before_id)
    return [(story_id, text) for story_id, text in session.exec(query).all()]


def photo_in_use(*, session: Session, photo: str) -> bool:
    """Whether a story not taken down or an announcement shows this photo (one file serves a
    photo sent twice)."""
    stories = select(Story.id).where(Story.photo == photo, Story.status != StoryStatus.RETRACTED)
    announcements = select(Announcement.id).where(Announcement.photo == photo)
    return any(session.exec(query.limit(1)).first() is not None for query in (stories, announcements))


def stories_since(*, session: Session, member_id: int, since: datetime) -> int:
    """How many stories a member sent since a moment (the daily limit counts them)."""
    return session.exec(
        select(sa.func.count()).select_from(Story).where(Story.member_id == member_id, Story.created_at >= since)
    ).one()


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
        .where(Story.id == story_id, Story.status == StoryStatus.PENDING)
        .values(status=status, slot=slot, reason=reason, decided_by=decided_by, decided_at=utcnow())
    )
    session.expire_all()
    return result.rowcount == 1


def take_down_story(*, session: Session, story_id: int, reason: str, decided_by: str) -> bool:
    """Retracts an approved or published story; False when it is neither (or someone was first)."""
    result = session.execute(
        sa.update(Story)
        .where(Story.id == story_id, col(Story.status).in_((StoryStatus.APPROVED, StoryStatus.PUBLISHED)))
        .values(status=StoryStatus.RETRACTED, reason=reason, decided_by=decided_by, decided_at=utcnow())
    )
    session.expire_all()
    return result.rowcount == 1


def add_report(*, session: Session, story_id: int, member_id: int) -> int | None:
    """Records a member's report; the story's report count, or None if this member had reported it."""
    try:
        with session.begin_nested():
            session.add(Report(story_id=story_id, member_id=member_id))
    except IntegrityError:
        return None
    return session.exec(select(sa.func.count()).select_from(Report).where(Report.story_id == story_id)).one()


@dataclass(frozen=True)
class Erased:
    """What erasing left to do outside the database, and what the member should be told."""

    photos: list[str]  # photo references of the deleted stories, for the media store
    published: list[int]  # stories that stay published, now without any link to the member


def erase_member(*, session: Session, member: Member) -> Erased:
    """Drops identity and every story never pushed (text and photo); published stories stay,
    unlinked. The row stays as an anonymous number with its school."""
    pushed = select(Post.story_id).where(col(Post.story_id).is_not(None))  # NOT IN with a NULL matches nothing
    unpublished = sa.and_(Story.member_id == member.id, col(Story.published_at).is_(None), col(Story.id).not_in(pushed))
    photos = [p for p in session.exec(select(Story.photo).where(unpublished)).all() if p]
    session.execute(sa.delete(Report).where(col(Report.story_id).in_(select(Story.id).where(unpublished))))
    session.execute(sa.delete(Story).where(unpublished))
    # A story taken down stays (its pushed messages refer to it) but is no longer published.
    published = list(session.exec(
        select(Story.id).where(Story.member_id == member.id, Story.status == "published").order_by(Story.id)
    ).all())
    # A photo sent twice is one file: it stays while a remaining story shows it.
    shown = set(session.exec(select(Story.photo).where(col(Story.photo).in_(photos))).all()) if photos else set()
    photos = [photo for photo in photos if photo not in shown]
    session.execute(
        # The published text stays (masked as approved); the author's own words before masking or
        # correction go with them.
        sa.update(Story).where(Story.member_id == member.id).values(member_id=None, author_name=None, original_text=None)
    )
    member.platform_id = member.chat_id = member.display_name = None
    member.consent_version = None
    member.consented_at = None
    member.adult = None
    member.role, member.role_school_id = "student", None
    member.daily = member.weekly = False
    member.state = member.state_data = member.options = member.draft = None
    member.erased_at = utcnow()
    return Erased(photos, published)
