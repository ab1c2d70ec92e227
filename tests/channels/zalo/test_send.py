"""Core replies reaching Zalo: plain text, numbered options, long texts, photos, errors."""

from __future__ import annotations

import re

import httpx
import pytest

from bot.channels.base import ChannelError
from content import texts
from bot.channels.zalo_api import FLOOD_RETRIES
from handlers.io import Button, Outgoing
from tests.fakes.zalo_api import IMAGE, JPEG, Fault, make_update


def reply(text: str, **kwargs) -> Outgoing:
    return Outgoing(channel="zalo", chat_id="c1", text=text, **kwargs)


async def test_html_becomes_plain_text_and_buttons_numbered_options(zalo, start_zalo):
    channel = await start_zalo()
    buttons = ((Button("Đồng ý", "consent:yes"), Button("Không", "consent:no")),)

    ref = await channel.send(reply("<b>Chào</b> bạn &amp; trường", buttons=buttons))

    [sent] = zalo.messages
    assert sent["text"] == "Chào bạn & trường\n\n1. Đồng ý\n2. Không\n(Trả lời 1 hoặc 2)"
    assert sent["chat_id"] == "c1"
    assert ref == sent["message_id"]


async def test_long_text_arrives_as_ordered_parts_within_the_limit(zalo, start_zalo):
    channel = await start_zalo()
    sentences = [f"Câu số {n:03d} kể một việc tốt của các bạn." for n in range(63)]
    text = " ".join(sentences)
    assert 2400 < len(text) < 2600

    await channel.send(reply(text))

    parts = [message["text"] for message in zalo.messages]
    assert len(parts) == 2
    assert all(len(part) <= 2000 for part in parts)
    assert parts[0].endswith(".") and " ".join(parts) == text


async def test_the_zalo_channel_connects_through_the_asyncio_backend(zalo, start_zalo, connects):
    channel = await start_zalo()
    await channel.send(reply("Chào bạn"))
    assert connects and set(connects) == {"127.0.0.1"}


async def test_edit_is_sent_as_a_new_message(zalo, start_zalo):
    channel = await start_zalo()

    await channel.send(reply("đã duyệt", edit_ref="bm1"))

    assert [m["text"] for m in zalo.messages] == ["đã duyệt"]


async def test_empty_message_sends_nothing(zalo, start_zalo):
    channel = await start_zalo()

    assert await channel.send(reply("<b></b>")) is None
    assert zalo.calls("sendMessage") == []


async def test_a_zalo_photo_goes_back_to_zalo_by_a_signed_link(zalo, recorder, start_zalo):
    """Not published (no story shows it yet): only a signed link opens it, and Zalo fetched it."""
    channel = await start_zalo()
    zalo.queue(make_update(IMAGE, photo_url=zalo.file_url(), caption="ảnh đẹp"))
    [incoming] = await recorder.wait_for(1)

    await channel.send(reply("Câu chuyện đẹp tuần này", photo=incoming.photo))

    [sent] = zalo.messages
    name = incoming.photo.removeprefix("media:")
    assert sent["method"] == "sendPhoto"
    assert re.fullmatch(rf"http://127\.0\.0\.1:\d+/media/\d+/[\w-]{{24}}/{re.escape(name)}", sent["photo"])
    assert sent["photo_bytes"] == JPEG
    assert sent["caption"] == "Câu chuyện đẹp tuần này"
    async with httpx.AsyncClient() as client:
        assert (await client.get(sent["photo"].split("/media/")[0] + "/media/" + name)).status_code == 404


async def test_photo_with_a_long_text_puts_the_rest_after_it(zalo, start_zalo):
    channel = await start_zalo()
    photo = channel._media.save(JPEG)

    await channel.send(reply("Đoạn một.\n\n" + "x" * 1990, photo=photo))

    assert [m["method"] for m in zalo.messages] == ["sendPhoto", "sendMessage"]
    assert zalo.messages[0]["caption"] == "Đoạn một."


@pytest.mark.parametrize("public", [False, True], ids=["no-public-url", "telegram-photo"])
async def test_photo_that_zalo_cannot_fetch_becomes_a_text_note(zalo, start_zalo, public):
    channel = await start_zalo(public=public)
    photo = "telegram:AgACAgIAAxk" if public else channel._media.save(JPEG)

    await channel.send(reply("Tin tốt hôm nay", photo=photo))

    [sent] = zalo.messages
    assert sent["method"] == "sendMessage"
    assert sent["text"] == f"Tin tốt hôm nay\n\n{texts.PHOTO_ON_OTHER_CHANNEL}"


async def test_flood_control_waits_and_the_reply_still_arrives(zalo, start_zalo):
    channel = await start_zalo()
    zalo.inject("sendMessage", Fault.flood(0.2))

    await channel.send(reply("kiên nhẫn"))

    assert [m["text"] for m in zalo.messages] == ["kiên nhẫn"]
    assert len(zalo.calls("sendMessage")) == 2


async def test_long_flood_wait_is_left_to_the_caller(zalo, start_zalo):
    channel = await start_zalo()
    zalo.inject("sendMessage", Fault.flood(600))

    with pytest.raises(ChannelError) as error:
        await channel.send(reply("sau"))

    assert error.value.retry_after == 600
    assert zalo.messages == []


async def test_blocked_user(zalo, start_zalo):
    channel = await start_zalo()
    zalo.inject("sendMessage", Fault.blocked())

    with pytest.raises(ChannelError) as error:
        await channel.send(reply("chào"))

    assert error.value.blocked and not error.value.maybe_delivered


async def test_refusal_carries_the_description(zalo, start_zalo):
    channel = await start_zalo()
    zalo.inject("sendMessage", Fault.refused("Bad Request: chat not found"))

    with pytest.raises(ChannelError, match="chat not found") as error:
        await channel.send(reply("chào"))

    assert error.value.permanent
    assert not (error.value.blocked or error.value.maybe_delivered or error.value.retry_after)


async def test_server_error_is_not_marked_delivered(zalo, start_zalo):
    channel = await start_zalo()
    zalo.inject("sendMessage", Fault.server_error(503))

    with pytest.raises(ChannelError) as error:
        await channel.send(reply("chào"))

    assert not (error.value.maybe_delivered or error.value.permanent)


async def test_read_timeout_after_sending_may_have_delivered(zalo, start_zalo):
    channel = await start_zalo()
    zalo.inject("sendMessage", Fault.slow(1.5))

    with pytest.raises(ChannelError) as error:
        await channel.send(reply("có thể đã tới"))

    assert error.value.maybe_delivered


async def test_failure_after_a_first_part_is_marked_maybe_delivered(zalo, start_zalo):
    channel = await start_zalo()
    zalo.inject("sendMessage", Fault.refused("Bad Request"), after=1)

    with pytest.raises(ChannelError) as error:
        await channel.send(reply("a" * 1500 + "\n\n" + "b" * 1500))

    assert error.value.maybe_delivered
    assert [m["text"] for m in zalo.messages] == ["a" * 1500]


async def test_a_reply_waits_out_flood_control_longer_than_a_push_would(zalo, recorder, start_zalo):
    """In a burst above the platform's rate a reply meets flood control again and again: it is
    tried until it goes (for up to REPLY_PATIENCE), not dropped after FLOOD_RETRIES."""
    async def greet(incoming):
        await channel.send(reply("Chào bạn"))
        await recorder(incoming)

    channel = await start_zalo(on_update=greet)
    zalo.inject("sendMessage", Fault.flood(0.05), times=FLOOD_RETRIES + 3)
    zalo.queue(make_update(text="xin chào"))
    await recorder.wait_for(1)
    assert [m["text"] for m in zalo.messages] == ["Chào bạn"]
    assert len(zalo.calls("sendMessage")) == FLOOD_RETRIES + 4


async def test_a_push_leaves_repeated_flood_control_to_the_delivery_engine(zalo, start_zalo):
    channel = await start_zalo()
    zalo.inject("sendMessage", Fault.flood(0.05), times=FLOOD_RETRIES + 1)
    with pytest.raises(ChannelError) as error:
        await channel.send(reply("Tin tốt hôm nay"))
    assert error.value.retry_after == 0.05
