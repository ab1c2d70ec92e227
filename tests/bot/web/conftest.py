"""A campaign with stories in every state, and the web app serving it over real HTTP."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from html.parser import HTMLParser

import httpx
import pytest

from bot.media import MediaStore, link_key
from bot.web import WebSite, build_app
from content.links import qr_png
from storage import repo
from storage.db import session_scope
from storage.models import Member, Story, utcnow
from tests.fakes.http import serving

PNG = qr_png("https://tintot.example.vn")  # a real picture, for the browser to draw
ADULT_NAME = "Nguyễn Thị Lan"
CHILD_NAME = "Hoàng Văn Tí"
ERASED_NAME = "Lục Thị Mai"


@dataclass
class Campaign:
    """Story ids by what they are."""

    adult: int  # published, 16+ author who chose to show her name, with a photo
    child: int  # published, under-16 author (a name stored by mistake must still never show)
    erased: int  # published, author erased their data since
    anonymous: int  # published, 16+ author who kept to the school's name; another school
    pending: int
    rejected: int
    approved: int  # approved, waiting for its slot: not public yet
    retracted: int
    photo_path: str


def _member(session, platform_id: str, name: str, *, adult: bool, school_id: int) -> Member:
    member = Member(channel="telegram", platform_id=platform_id, chat_id=platform_id, display_name=name,
                    adult=adult, school_id=school_id, consented_at=utcnow())
    session.add(member)
    session.flush()
    return member


def _story(session, member: Member | None, text: str, status: str, *, minutes_ago: int = 0, **fields) -> int:
    published = utcnow() - timedelta(minutes=minutes_ago) if status in ("published", "retracted") else None
    story = Story(member_id=member.id if member else None, school_id=member.school_id if member else 1, text=text,
                  status=status, slot="daily", published_at=published, **fields)
    session.add(story)
    session.flush()
    return story.id


def make_campaign(engine, media: MediaStore) -> Campaign:
    photo = media.save(PNG)
    with session_scope(engine) as session:
        cdcb = repo.school_by_code(session=session, code="CDCB").id
        hoaan = repo.school_by_code(session=session, code="HOAAN").id
        lan = _member(session, "1", ADULT_NAME, adult=True, school_id=cdcb)
        ti = _member(session, "2", CHILD_NAME, adult=False, school_id=cdcb)
        mai = _member(session, "3", ERASED_NAME, adult=True, school_id=cdcb)
        minh = _member(session, "4", "Minh", adult=True, school_id=hoaan)
        ids = dict(
            adult=_story(session, lan, "Lớp em trồng 200 cây xanh\nCả lớp cùng <b>trồng cây</b> & chăm cây.", "published",
                         minutes_ago=1, show_name=True, author_name=ADULT_NAME, photo=photo),
            child=_story(session, ti, "Em giúp bà cụ qua đường", "published", minutes_ago=2, show_name=True, author_name=CHILD_NAME),
            erased=_story(session, mai, "Đội tình nguyện sửa nhà cho bản", "published", minutes_ago=3, show_name=True, author_name=ERASED_NAME),
            anonymous=_story(session, minh, "Hòa An khai giảng lớp tin học <script>alert(1)</script>", "published", minutes_ago=4),
            pending=_story(session, lan, "Chuyện đang chờ duyệt", "pending"),
            rejected=_story(session, lan, "Chuyện bị từ chối", "rejected"),
            approved=_story(session, lan, "Chuyện đã duyệt, chờ đăng", "approved"),
            retracted=_story(session, lan, "Chuyện đã gỡ", "retracted", minutes_ago=5),
        )
        repo.erase_member(session=session, member=mai)
    return Campaign(**ids, photo_path=media.public_path(photo))


@pytest.fixture
def media(tmp_path, engine) -> MediaStore:
    """The store with the key the database holds, as `tintot run` makes it."""
    return MediaStore(tmp_path / "media", PUBLIC_URL, link_key=link_key(engine))


@pytest.fixture
def campaign(engine, media) -> Campaign:
    return make_campaign(engine, media)


PUBLIC_URL = "https://tintot.example.vn"
TELEGRAM_BOT = "TinTotCaoBangBot"
ZALO_LINK = "https://zalo.me/2345678901234567890"


@pytest.fixture
async def web(engine, media):
    """An HTTP client on the app, whose public URL is `PUBLIC_URL`."""
    site = WebSite(engine=engine, media=media, public_url=PUBLIC_URL, telegram_bot=TELEGRAM_BOT, zalo_link=ZALO_LINK)
    async with serving(build_app(webhooks={}, site=site)) as url:
        async with httpx.AsyncClient(base_url=url) as client:
            yield client


class MetaTags(HTMLParser):
    """<meta property|name=… content=…> of a page, and its <link rel=canonical>."""

    def __init__(self, page: str) -> None:
        super().__init__()
        self.tags: dict[str, str] = {}
        self.feed(page)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "meta" and (key := found.get("property") or found.get("name")):
            self.tags[key] = found.get("content") or ""
        if tag == "link" and found.get("rel") == "canonical":
            self.tags["canonical"] = found.get("href") or ""
