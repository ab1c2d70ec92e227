"""What each public page shows: the story wall, a story, a school, and their Atom feeds.

Each function returns a `Page`: a status and one context, which the web app renders as HTML,
JSON or Atom. The contexts are the pages' contract (see `content/templates/`): they hold only
what anyone may read, so no member id, chat id or hidden author name can leak into any of them.

Privacy, as in chat: only published stories are listed or shown; a retracted one answers 410;
pending, approved-but-unsent and rejected ones answer 404 like an id that never existed. An
author is named only when a 16+ author chose it; never for under-16 or erased members.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from sqlmodel import Session

from content import links, render, texts
from content.numbers import fits_id
from storage import repo, wall
from storage.models import School
from storage.wall import WallStory

SHARE_IMAGE_PATH = "/chia-se.png"
PAGE_SIZE = 20
FEED_SIZE = 30
EMPTY_FEED_UPDATED = datetime(2026, 1, 1, tzinfo=timezone.utc)  # Atom needs a date even with no entry


@dataclass(frozen=True)
class Site:
    """Where the pages live and how a photo reference becomes a public address."""

    base_url: str  # TINTOT_PUBLIC_URL, or the local address the request came to
    timezone: ZoneInfo = ZoneInfo("Asia/Ho_Chi_Minh")
    image_path: Callable[[str | None], str | None] = lambda ref: None  # "/media/…" or None
    telegram_bot: str | None = None  # TELEGRAM_BOT_USERNAME
    zalo_link: str | None = None  # ZALO_BOT_LINK

    def url(self, path: str) -> str:
        return self.base_url.rstrip("/") + path


def join_link(*, session: Session, site: Site, school_code: str) -> str | None:
    """The Telegram link that opens the bot with the school chosen (its posters' QR code)."""
    school = _school(session, school_code)
    return links.telegram_link(site.telegram_bot, school.code) if school and site.telegram_bot else None


def _invite(site: Site, school: School | None) -> dict:
    """What a page says to a newcomer: the campaign in a sentence and where to join it."""
    telegram = site.telegram_bot and (
        links.telegram_link(site.telegram_bot, school.code) if school else f"https://t.me/{site.telegram_bot}"
    )
    return {
        "sentence": texts.WEB_INVITE,
        "telegram": telegram or None,
        "zalo": site.zalo_link,
        "zalo_start": texts.WEB_ZALO_START.format(code=school.code) if school and site.zalo_link else None,
        "qr": site.url(f"/truong/{school.code}/qr.svg") if school and telegram else None,
    }


def _front(site: Site, school: School | None) -> dict:
    """The wall's and a school's common context: the invitation and a shared link's picture."""
    return {"invite": _invite(site, school), "share_image": site.url(SHARE_IMAGE_PATH), "description": texts.WEB_INVITE}


@dataclass
class Page:
    status: int
    context: dict = field(default_factory=dict)
    updated: datetime | None = None  # for Last-Modified


def not_found(message: str = texts.WEB_NOT_FOUND) -> Page:
    return Page(404, {"title": texts.WEB_NOT_FOUND_TITLE, "message": message})


def error_page(status: int) -> Page:
    """The page for an error the web app answers itself: an address, method or body it does not
    take, a request refused, or a failure of its own (500)."""
    if status == 404:
        return not_found()
    title, message = texts.WEB_ERRORS.get(status, texts.WEB_ERROR)
    return Page(status, {"title": title, "message": message})


def title_and_body(text: str) -> tuple[str, list[str]]:
    """A story's title (its first line, cut at a word) and the paragraphs that follow it, so a
    card or a page never shows the title's words twice: a cut title's line goes on after "…"."""
    title = render.headline(text)
    first, _, rest = text.strip().partition("\n")
    if title.endswith("…") and title != first.strip():
        rest = "…" + first.strip()[len(title) - 1 :].lstrip() + "\n" + rest
    return title, [line.strip() for line in rest.split("\n") if line.strip()]


def story_summary(item: WallStory, site: Site) -> dict:
    story, school = item.story, item.school
    image = site.image_path(story.photo)
    title, paragraphs = title_and_body(story.text)
    return {
        "id": story.id,
        "url": site.url(f"/cau-chuyen/{story.id}"),
        "kind": texts.WEB_KINDS.get(story.slot or "daily", texts.WEB_KINDS["daily"]),
        "title": title,
        "description": render.summary(" ".join(paragraphs)),
        "paragraphs": paragraphs,
        "text": story.text,
        "school": {"code": school.code, "name": school.name} if school else None,
        "author": item.author,
        "byline": render.plain_byline(school_name=school.name if school else None, author_name=item.author),
        "published": story.published_at.isoformat() if story.published_at else None,
        "published_label": render.local_date(story.published_at, site.timezone) if story.published_at else "",
        "image": site.url(image) if image else None,
        "image_type": mimetypes.guess_type(image)[0] if image else None,
    }


def _listing(session: Session, site: Site, school_id: int | None, page: int, path: str) -> dict | None:
    total = wall.count_published(session=session, school_id=school_id)
    pages = max(1, -(-total // PAGE_SIZE))
    if page < 1 or page > pages:
        return None
    items = wall.published_stories(session=session, school_id=school_id, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    return {
        "stories": [story_summary(item, site) for item in items],
        "total": total,
        "page": page,
        "pages": pages,
        "previous": page - 1 if page > 1 else None,
        "next": page + 1 if page < pages else None,
        "path": path,
    }


def _school(session: Session, code: str) -> School | None:
    """A school the wall shows: one of the active ones (a closed school's page is gone)."""
    school = repo.school_by_code(session=session, code=code)
    return school if school is not None and school.active else None


def parse_page(text: str | None) -> int:
    """'?trang=2' → 2; anything that is not a page number → 0 (answered 404)."""
    if text is None or text == "":
        return 1
    return int(text) if text.isascii() and text.isdigit() and len(text) < 7 else 0


def wall_page(*, session: Session, site: Site, school_code: str | None, page: int) -> Page:
    """`/`: published stories newest first, for every school or the one chosen."""
    school = _school(session, school_code) if school_code else None
    if school_code and school is None:
        return not_found(texts.WEB_UNKNOWN_SCHOOL)
    listing = _listing(session, site, school.id if school else None, page, "/")
    if listing is None:
        return not_found()
    schools = [{"code": s.code, "name": s.name} for s in wall.active_schools(session=session)]
    context = {
        "title": texts.CAMPAIGN,
        "url": site.url("/"),
        "feed": site.url(f"/truong/{school.code}/feed.xml" if school else "/feed.xml"),
        "schools": schools,
        "school": {"code": school.code, "name": school.name} if school else None,
        **_front(site, school),
        **listing,
    }
    return Page(200, context, wall.last_published(session=session, school_id=school.id if school else None))


def story_page(*, session: Session, site: Site, story_id: int) -> Page:
    """`/cau-chuyen/{id}`: one published story, with what a shared link's preview needs."""
    item = wall.story_with_school(session=session, story_id=story_id) if fits_id(story_id) else None
    if item is not None and item.story.status == wall.RETRACTED:
        return Page(410, {"title": texts.WEB_RETRACTED_TITLE, "message": texts.WEB_RETRACTED})
    if item is None or item.story.status != wall.PUBLISHED:
        return not_found()
    summary = story_summary(item, site)
    context = {**summary, "share_image": summary["image"] or site.url(SHARE_IMAGE_PATH)}
    context["description"] = summary["description"] or texts.WEB_INVITE  # a one-line story is all title
    return Page(200, context, item.story.published_at)


def school_page(*, session: Session, site: Site, school_code: str, page: int) -> Page:
    """`/truong/{MÃ}`: a school's published stories and a few public numbers."""
    school = _school(session, school_code)
    if school is None:
        return not_found(texts.WEB_UNKNOWN_SCHOOL)
    listing = _listing(session, site, school.id, page, f"/truong/{school.code}")
    if listing is None:
        return not_found()
    context = {
        "title": school.name,
        "url": site.url(f"/truong/{school.code}"),
        "feed": site.url(f"/truong/{school.code}/feed.xml"),
        "school": {"code": school.code, "name": school.name},
        "numbers": {"members": wall.school_members(session=session, school_id=school.id), "published": listing["total"]},
        **_front(site, school),
        **listing,
    }
    return Page(200, context, wall.last_published(session=session, school_id=school.id))


def feed(*, session: Session, site: Site, school_code: str | None) -> Page:
    """`/feed.xml`, `/truong/{MÃ}/feed.xml`: the newest published stories as an Atom feed."""
    school = _school(session, school_code) if school_code else None
    if school_code and school is None:
        return not_found(texts.WEB_UNKNOWN_SCHOOL)
    school_id = school.id if school else None
    items = wall.published_stories(session=session, school_id=school_id, limit=FEED_SIZE)
    updated = wall.last_published(session=session, school_id=school_id)
    path = f"/truong/{school.code}" if school else "/"
    context = {
        "title": f"{texts.WEB_SITE_NAME} · {school.name}" if school else texts.WEB_SITE_NAME,
        "subtitle": texts.CAMPAIGN,
        "id": site.url(path),
        "url": site.url(path),
        "feed_url": site.url(f"/truong/{school.code}/feed.xml" if school else "/feed.xml"),
        "updated": (updated or EMPTY_FEED_UPDATED).isoformat(),
        "stories": [story_summary(item, site) for item in items],
    }
    return Page(200, context, updated)
