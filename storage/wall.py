"""The queries behind the public story wall and its feeds: published stories only.

Nothing here returns a pending, approved-but-unsent, rejected or retracted story to a page that
lists; `story_with_school` returns any story so that the caller can answer 404 or 410 as it must.
Which stored photos are public is answered here too (`photo_standing`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

import sqlalchemy as sa
from sqlmodel import Session, col, select

from storage.models import Member, School, Story, StoryStatus

PUBLISHED = StoryStatus.PUBLISHED
RETRACTED = StoryStatus.RETRACTED  # taken down (`/go`): its page answers 410, its photo is never served


@dataclass(frozen=True)
class WallStory:
    """A published story with what a public page may show of its author: their age band."""

    story: Story
    school: School | None
    author_adult: bool

    @property
    def author(self) -> str | None:
        return public_author(self.story, author_adult=self.author_adult)


def public_author(story: Story, *, author_adult: bool) -> str | None:
    """The one rule for naming a story's author wherever it is published (the wall, its feeds,
    the pushes, the channels' cross-posts): only a 16+ author who chose it and is still a member
    (erasing one's data unlinks one's stories). A child's name is never published."""
    if not (story.show_name and story.author_name and story.member_id is not None and author_adult):
        return None
    return story.author_name


def author_is_adult(*, session: Session, story: Story) -> bool:
    """Whether the story's author is a 16+ member who has not erased their data."""
    return adult_author(session.get(Member, story.member_id) if story.member_id is not None else None)


def adult_author(author: Member | None) -> bool:
    """Whether this author (None: unlinked by erasure) is a 16+ member who has not erased their data."""
    return author is not None and bool(author.adult) and author.erased_at is None


def _with_author(query):  # noqa: ANN001, ANN202
    return query.join(School, col(Story.school_id) == School.id, isouter=True).join(
        Member, col(Story.member_id) == Member.id, isouter=True
    )


def published_stories(*, session: Session, school_id: int | None = None, limit: int, offset: int = 0) -> list[WallStory]:
    """Newest first. The page's ids come from the index (`ix_story_status_published`) alone and
    only those rows are joined: a planner with stale statistics cannot join every story first."""
    newest = (col(Story.published_at).desc(), col(Story.id).desc())
    ids = select(Story.id).where(Story.status == PUBLISHED)
    if school_id is not None:
        ids = ids.where(Story.school_id == school_id)
    page = ids.order_by(*newest).limit(limit).offset(offset).subquery()
    query = _with_author(select(Story, School, Member.adult)).where(col(Story.id).in_(select(page.c.id))).order_by(*newest)
    return [WallStory(story, school, bool(adult)) for story, school, adult in session.exec(query)]


def count_published(*, session: Session, school_id: int | None = None) -> int:
    query = select(sa.func.count()).select_from(Story).where(Story.status == PUBLISHED)
    if school_id is not None:
        query = query.where(Story.school_id == school_id)
    return session.exec(query).one()


def last_published(*, session: Session, school_id: int | None = None) -> datetime | None:
    query = select(sa.func.max(Story.published_at)).where(Story.status == PUBLISHED)
    if school_id is not None:
        query = query.where(Story.school_id == school_id)
    return session.exec(query).one()


def story_with_school(*, session: Session, story_id: int) -> WallStory | None:
    row = session.exec(_with_author(select(Story, School, Member.adult)).where(Story.id == story_id)).first()
    return WallStory(row[0], row[1], bool(row[2])) if row else None


def school_members(*, session: Session, school_id: int) -> int:
    """Members who chose the school (a school is chosen after consenting; erased members keep
    theirs, as an anonymous number)."""
    return session.exec(select(sa.func.count()).select_from(Member).where(Member.school_id == school_id)).one()


def active_schools(*, session: Session) -> Sequence[School]:
    return session.exec(select(School).where(School.active == True).order_by(School.name)).all()  # noqa: E712


PhotoStanding = Literal["public", "private", "withdrawn"]


def photo_standing(*, session: Session, photo: str) -> PhotoStanding:
    """What the web app may do with a stored photo, the one rule for it: `public` when a
    published story shows it (the wall and the feeds do); `withdrawn`, never served, when a
    story taken down shows it, even if another story shows the same file (a photo sent twice is
    one file, and a takedown is a moderator saying this picture must go); `private` otherwise
    (a story waiting or rejected, an announcement, a chart), served only by a signed link."""
    statuses = set(session.exec(select(Story.status).where(Story.photo == photo).distinct()).all())
    if RETRACTED in statuses:
        return "withdrawn"
    return "public" if PUBLISHED in statuses else "private"
