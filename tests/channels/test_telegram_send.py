"""The Telegram channel sending: text, buttons, photos, edits, and platform errors."""

from __future__ import annotations

import asyncio
import time

import pytest

from bot.channels.base import ChannelError
from handlers.io import Button, Outgoing

STUDENT = 501
CHAT = str(STUDENT)
PNG = b"\x89PNG\r\n\x1a\n a chart"
VOTE = ((Button("❤️", "react:4:heart"), Button("👏", "react:4:clap")),)


def out(text: str, **fields) -> Outgoing:
    return Outgoing("telegram", CHAT, text, **fields)


@pytest.fixture
async def channel(make_channel, recorder):
    return await make_channel(recorder)


async def test_text_with_buttons_keeps_the_html_as_escaped(api, channel):
    text = "<b>Tin tốt #4</b>\nTom &amp; Jerry &lt;3 trường CĐ Cao Bằng"
    ref = await channel.send(out(text, buttons=VOTE))
    (sent,) = api.calls_of("sendMessage")
    assert (sent["chat_id"], sent["text"], sent["parse_mode"]) == (STUDENT, text, "HTML")
    assert sent["reply_markup"] == {"inline_keyboard": [[
        {"text": "❤️", "callback_data": "react:4:heart"},
        {"text": "👏", "callback_data": "react:4:clap"}]]}
    assert ref == str(api.sent_to(STUDENT)[0]["message_id"])


async def test_photo_by_file_id_with_caption(api, channel):
    await channel.send(out("Câu chuyện đẹp", photo="telegram:AgACAgUAAx0", buttons=VOTE))
    (sent,) = api.calls_of("sendPhoto")
    assert (sent["photo"], sent["caption"], sent["parse_mode"]) == (
        "AgACAgUAAx0", "Câu chuyện đẹp", "HTML")
    assert sent["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "react:4:heart"


async def test_a_stored_photo_is_uploaded_once_then_sent_by_file_id(api, channel, media):
    chart = media.save(PNG)
    await asyncio.gather(*(channel.send(Outgoing("telegram", chat, "Thống kê tuần", photo=chart))
                           for chat in ("501", "502", "503")))
    (upload,) = api.uploads
    assert upload.content == PNG and upload.filename.endswith(".png")
    sent = [call["photo"] for call in api.calls_of("sendPhoto")]
    assert sent.count(upload) == 1 and sent.count("uploaded-1") == 2


@pytest.mark.parametrize("ref", ["media:../secret.png", "media:0123456789abcdef0123456789abcdef.png",
                                 "zalo:abc", "telegram:"])
async def test_a_photo_that_cannot_be_sent_is_a_permanent_error(api, channel, ref):
    with pytest.raises(ChannelError) as error:
        await channel.send(out("x", photo=ref))
    assert error.value.permanent
    assert not api.calls_of("sendPhoto")


async def test_a_caption_too_long_goes_under_the_photo(api, channel):
    story = "Câu chuyện " + "rất dài " * 200
    ref = await channel.send(out(story, photo="telegram:photo-1", buttons=VOTE))
    photo, text = api.sent_to(STUDENT)
    assert "caption" not in photo and "reply_markup" not in photo
    assert (text["text"], text["reply_markup"]["inline_keyboard"][0][1]["text"]) == (story, "👏")
    assert ref == str(text["message_id"])


async def test_edit_replaces_text_and_buttons(api, channel):
    ref = await channel.send(out("#12 chờ duyệt", buttons=VOTE))
    assert await channel.send(out("#12 đã duyệt bởi <b>Thầy Nam</b>", edit_ref=ref)) == ref
    (message,) = api.sent_to(STUDENT)
    assert message["text"] == "#12 đã duyệt bởi <b>Thầy Nam</b>"
    assert "reply_markup" not in message


async def test_edit_of_a_photo_edits_its_caption(api, channel):
    ref = await channel.send(out("#13 chờ duyệt", photo="telegram:p13", buttons=VOTE))
    assert await channel.send(out("#13 đã từ chối", photo="telegram:p13", edit_ref=ref)) == ref
    assert api.sent_texts(STUDENT) == ["#13 đã từ chối"]


async def test_edit_that_changes_nothing_sends_nothing(api, channel):
    ref = await channel.send(out("#12 đã duyệt"))
    assert await channel.send(out("#12 đã duyệt", edit_ref=ref)) == ref
    assert api.sent_texts(STUDENT) == ["#12 đã duyệt"]


@pytest.mark.parametrize("refusal", ["too old", "gone", "no such method"])
async def test_edit_falls_back_to_a_new_message(api, channel, refusal):
    ref = await channel.send(out("#12 chờ duyệt"))
    if refusal == "too old":
        api.fail("editMessageText", 400, "Bad Request: message can't be edited")
    elif refusal == "gone":
        ref = "99999"
    else:  # an emulator without editMessageText
        api.fail("editMessageText", 404, "Not Found")
    new_ref = await channel.send(out("#12 đã duyệt", edit_ref=ref))
    assert new_ref != ref
    assert api.sent_texts(STUDENT) == ["#12 chờ duyệt", "#12 đã duyệt"]


async def test_a_reply_waits_out_flood_control_and_arrives(api, make_channel, recorder):
    async def reply(incoming):
        await channel.send(out("Cảm ơn bạn đã gửi bài #7"))

    recorder.reply = reply
    channel = await make_channel(recorder)
    api.flood("sendMessage", retry_after=1)
    started = time.monotonic()
    api.queue_text(STUDENT, "Tin tốt của lớp em")
    await api.wait_for("sendMessage")
    assert time.monotonic() - started >= 1
    assert api.sent_texts(STUDENT) == ["Cảm ơn bạn đã gửi bài #7"]
    assert [call.status for call in api.calls if call.method == "sendMessage"] == [429, 200]


async def test_a_push_hit_by_flood_control_fails_at_once(api, channel):
    api.flood("sendMessage", retry_after=30)
    started = time.monotonic()
    with pytest.raises(ChannelError) as error:
        await channel.send(out("Tin tốt hôm nay"))
    assert (error.value.retry_after, error.value.blocked) == (30, False)
    assert time.monotonic() - started < error.value.retry_after / 10  # the 30 s were not waited out
    assert [call.status for call in api.calls if call.method == "sendMessage"] == [429]  # nor tried again
    assert api.sent_texts(STUDENT) == []


async def test_blocked_by_the_user(api, channel):
    api.block("sendMessage")
    with pytest.raises(ChannelError) as error:
        await channel.send(out("Tin tốt hôm nay"))
    assert error.value.blocked and not error.value.maybe_delivered


async def test_server_error_is_a_plain_channel_error(api, channel):
    api.fail("sendPhoto", 502, "Bad Gateway")
    with pytest.raises(ChannelError) as error:
        await channel.send(out("x", photo="telegram:p1"))
    failure = error.value
    assert (failure.retry_after, failure.blocked, failure.maybe_delivered) == (None, False, False)


async def test_a_read_timeout_may_have_delivered(api, make_channel, recorder):
    channel = await make_channel(recorder, request_timeout=0.2)
    api.slow("sendMessage", 0.5)
    with pytest.raises(ChannelError) as error:
        await channel.send(out("Tin tốt hôm nay"))
    assert error.value.maybe_delivered
    assert api.sent_texts(STUDENT) == ["Tin tốt hôm nay"]  # it did arrive


async def test_an_unreachable_server_did_not_deliver(api, channel):
    await api.__aexit__(None, None, None)
    with pytest.raises(ChannelError) as error:
        await channel.send(out("Tin tốt hôm nay"))
    assert not error.value.maybe_delivered


async def test_flood_control_repeats_only_the_call_it_stopped(api, make_channel, recorder):
    story = "Câu chuyện " + "rất dài " * 200  # too long for a caption: a photo, then the text

    async def reply(incoming):
        await channel.send(out(story, photo="telegram:photo-1"))

    recorder.reply = reply
    channel = await make_channel(recorder)
    api.flood("sendMessage", retry_after=1)
    api.queue_text(STUDENT, "/bai")
    await api.wait_for("sendMessage")
    assert len(api.calls_of("sendPhoto")) == 1
    assert api.sent_texts(STUDENT) == ["", story]


async def test_a_text_longer_than_telegram_takes_is_split_at_line_ends(api, channel):
    paragraph = "Cả lớp cùng nhau dọn dẹp &amp; trồng cây xanh quanh trường. " * 45  # ~2,700
    text = f"<b>Câu chuyện đẹp tuần này</b>\n\n{paragraph}\n\n{paragraph}\n\n— Trường Cao đẳng Cao Bằng"
    ref = await channel.send(out(text, buttons=VOTE))
    pieces = api.sent_to(STUDENT)
    assert len(pieces) == 2 and all(len(piece["text"]) <= 4096 for piece in pieces)
    assert "\n".join(piece["text"] for piece in pieces) == text
    assert [bool(piece.get("reply_markup")) for piece in pieces] == [False, True]
    assert ref == str(pieces[-1]["message_id"])


async def test_one_enormous_line_is_split_at_spaces(api, channel):
    text = "rất dài " * 1500  # 12,000 characters, no line end
    await channel.send(out(text))
    pieces = api.sent_texts(STUDENT)
    assert len(pieces) > 2 and all(len(piece) <= 4096 for piece in pieces)
    assert " ".join(pieces).split() == text.split()
