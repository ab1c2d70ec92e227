"""Stored photos over real HTTP, on both databases: a published story's photo for anyone (cached
like the wall); a waiting story's photo, a chart or an announcement's photo only by a signed
link that expires; a photo taken down or erased never. Every refusal is the same 404."""

from __future__ import annotations

import dataclasses
import time

import pytest

from bot.media import LINK_LIFETIME, LINK_STEP, MediaStore
from storage import repo
from storage.db import session_scope
from storage.models import Story
from tests.bot.web.conftest import PNG, PUBLIC_URL

PRIVATE = "private, no-store"


@pytest.fixture
def config(config, media):
    """The core keeps its charts in the store, as `tintot run` does."""
    return dataclasses.replace(config, save_photo=media.save)


def story_with_photo(engine, media: MediaStore, status: str, *, photo: str | None = None) -> str:
    """A story of `status` showing `photo` (a new file when not given); returns the photo."""
    photo = photo or media.save(PNG)
    with session_scope(engine) as session:
        session.add(Story(school_id=repo.school_by_code(session=session, code="CDCB").id, text="Chuyện có ảnh",
                          status=status, photo=photo))
    return photo


def local(url: str) -> str:
    """The path of an address the bot gives out (its public URL is not this test server)."""
    assert url.startswith(PUBLIC_URL)
    return url.removeprefix(PUBLIC_URL)


async def refused(web, path: str) -> bool:
    """404 and no picture: empty and kept by no cache when the address has a photo's shape;
    any other address gets the site's page for an unknown address."""
    answer = await web.get(path)
    hidden = answer.headers.get("cache-control") == PRIVATE and not answer.content
    unknown = answer.headers.get("content-type", "").startswith("text/html") and "Không tìm thấy trang" in answer.text
    return answer.status_code == 404 and (hidden or unknown)


async def test_a_published_photo_is_public_and_cached(web, engine, media):
    photo = story_with_photo(engine, media, "published")

    answer = await web.get(local(media.platform_url(photo, public=True)))

    assert answer.status_code == 200 and answer.content == PNG
    assert answer.headers["cache-control"] == "public, max-age=86400"
    assert answer.headers["x-content-type-options"] == "nosniff"
    signed = await web.get(local(media.platform_url(photo, public=False)))
    assert signed.status_code == 200 and signed.headers["cache-control"] == PRIVATE


@pytest.mark.parametrize("status", ["pending", "approved", "rejected"])
async def test_an_unpublished_photo_only_by_signed_link(web, engine, media, status):
    photo = story_with_photo(engine, media, status)

    assert await refused(web, local(media.platform_url(photo, public=True)))
    answer = await web.get(local(media.platform_url(photo, public=False)))

    assert answer.status_code == 200 and answer.content == PNG
    assert answer.headers["cache-control"] == PRIVATE


async def test_an_expired_or_tampered_link_is_refused(web, engine, media):
    photo, other = story_with_photo(engine, media, "pending"), story_with_photo(engine, media, "pending")
    expired = media.signed_path(photo, now=time.time() - LINK_LIFETIME - LINK_STEP)
    _, _, expires, signature, name = media.signed_path(photo).split("/")
    later = int(expires) + LINK_STEP
    flipped = signature[:-1] + ("A" if signature[-1] != "A" else "B")

    for path in (
        expired,
        f"/media/{later}/{signature}/{name}",  # lasting longer than signed
        f"/media/{expires}/{flipped}/{name}",
        f"/media/{expires}/{signature}/{other.removeprefix('media:')}",  # another file
        f"/media/{expires}/{signature}/{name.replace('.png', '.jpg')}",
        f"/media/{expires}/{signature}/..%2F{name}",
        f"/media/{expires}/{signature[:10]}/{name}",
        f"/media/{expires}//{name}",
    ):
        assert await refused(web, path), path
    assert (await web.get(f"/media/{expires}/{signature}/{name}")).status_code == 200


async def test_a_link_signed_with_another_key_is_refused(web, engine, media, tmp_path):
    photo = story_with_photo(engine, media, "pending")
    forger = MediaStore(media.directory, PUBLIC_URL, link_key=bytes(32))
    assert await refused(web, local(forger.platform_url(photo, public=False)))


async def test_a_missing_file_answers_as_a_hidden_one_and_nothing_else_leaves_the_folder(web, engine, media):
    photo = story_with_photo(engine, media, "published")
    public, signed = media.public_path(photo), media.signed_path(photo)
    (media.directory / "secret.txt").write_text("không phải ảnh")
    (media.directory / f".{photo.removeprefix('media:')}.part").write_bytes(PNG)
    media.delete(photo)
    assert await refused(web, public) and await refused(web, signed)
    for other in ("0" * 32 + ".png", "secret.txt", f".{photo.removeprefix('media:')}.part", "..%2Fsecret.txt"):
        assert await refused(web, "/media/" + other), other


async def test_a_chart_for_moderators_only_by_signed_link(web, engine, media, moderator, clock):
    clock.set_local("2026-11-30 09:00")
    [chart] = [m for m in await moderator.say("/thongke") if m.photo]
    assert chart.channel == "zalo" and not chart.photo_public

    assert await refused(web, media.public_path(chart.photo))
    answer = await web.get(local(media.platform_url(chart.photo, public=chart.photo_public)))
    assert answer.status_code == 200 and answer.content.startswith(b"\x89PNG")
    assert answer.headers["cache-control"] == PRIVATE


async def waiting_photo_link(media: MediaStore, student, moderator, clock) -> tuple[str, str]:
    """A student's photo story as its moderator on Zalo gets it from /cho: the photo, and the
    path of the address Zalo is given."""
    clock.set_local("2026-11-30 09:00")
    await student.join()
    photo = media.save(PNG)
    await student.send(kind="photo", photo=photo, text="Ảnh lớp em trồng cây ở sân trường sáng nay.")
    [pending] = [m for m in await moderator.say("/cho") if m.photo == photo]
    assert pending.channel == "zalo" and not pending.photo_public
    return photo, local(media.platform_url(pending.photo, public=pending.photo_public))


async def test_a_taken_down_photo_is_served_by_no_link(web, engine, media, student, moderator, clock):
    """/go removes the file; a link given out before, public or signed, then finds nothing."""
    photo, signed = await waiting_photo_link(media, student, moderator, clock)
    await moderator.say("/duyet 1")
    await moderator.say("/dang ngay")
    public = media.public_path(photo)
    assert (await web.get(public)).status_code == 200

    await moderator.say("/go 1 ảnh có mặt bạn chưa xin phép")

    assert await refused(web, public) and await refused(web, signed)


async def test_a_photo_taken_down_stays_hidden_while_another_story_keeps_its_file(web, engine, media):
    """A photo sent twice is one file: taking one story down leaves the file for the other, but
    no address serves it any more, whatever the other story's state."""
    photo = story_with_photo(engine, media, "published")
    story_with_photo(engine, media, "pending", photo=photo)
    story_with_photo(engine, media, "retracted", photo=photo)

    assert media.path(photo) is not None
    assert await refused(web, media.public_path(photo)) and await refused(web, media.signed_path(photo))


async def test_an_erased_members_waiting_photo_is_gone(web, engine, media, student, moderator, clock):
    photo, signed = await waiting_photo_link(media, student, moderator, clock)
    assert (await web.get(signed)).status_code == 200

    await student.say("/xoa")
    await student.press("erase:yes")

    assert media.path(photo) is None
    assert await refused(web, signed) and await refused(web, media.public_path(photo) or "/media/x.png")


async def test_an_announcement_photo_only_by_signed_link(web, engine, media, channels, moderator, clock):
    clock.set_local("2026-11-30 09:00")
    photo = media.save(PNG)
    preview = await moderator.send(kind="photo", photo=photo, text="/thongbao CDCB Lễ chào cờ đầu tuần.")
    [shown] = [m for m in preview if m.photo == photo]
    assert not shown.photo_public
    assert await refused(web, media.public_path(photo))
    assert (await web.get(local(media.platform_url(photo, public=False)))).status_code == 200
