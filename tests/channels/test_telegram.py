"""The Telegram channel receiving: start-up checks, long polling, webhook, update conversion."""

from __future__ import annotations

import asyncio
import logging

import httpx
import pytest

from bot.channels.telegram import WEBHOOK_PATH
from bot.channels.telegram import channel as telegram_channel
from handlers.io import Button, Outgoing
from handlers.routes import command_menu
from tests.channels.conftest import SECRET
from tests.channels.telegram_chat import until
from tests.fakes.telegram_methods import user

STUDENT = 501


# --- start-up -------------------------------------------------------------------------------------


async def test_wrong_token_stops_start_up_naming_the_setting(api, make_channel, recorder):
    channel = await make_channel(recorder, start=False, telegram_bot_token="999:wrong-token")
    with pytest.raises(SystemExit) as stop:
        await channel.start()
    assert "TELEGRAM_BOT_TOKEN" in str(stop.value)
    assert "wrong-token" not in str(stop.value)


async def test_unreachable_server_stops_start_up_naming_the_setting(make_channel, recorder):
    channel = await make_channel(recorder, start=False, telegram_bot_api_url="http://127.0.0.1:9")
    with pytest.raises(SystemExit) as stop:
        await channel.start()
    assert "TELEGRAM_BOT_API_URL" in str(stop.value)


async def test_webhook_without_secret_stops_start_up(make_channel, recorder):
    channel = await make_channel(recorder, start=False,
                                 telegram_webhook_url="https://bot.example/telegram/webhook")
    with pytest.raises(SystemExit, match="TELEGRAM_WEBHOOK_SECRET"):
        await channel.start()


async def test_token_never_logged(api, make_channel, recorder, caplog):
    caplog.set_level(logging.DEBUG)
    api.fail("getUpdates", 502, "Bad Gateway")
    api.queue_text(STUDENT, "/start")
    api.queue_photo(STUDENT, "photo-1", caption="Tin tốt")  # downloaded from a URL with the token
    channel = await make_channel(recorder)
    await recorder.wait(2)
    await channel.send(Outgoing("telegram", str(STUDENT), "Chào bạn"))
    await channel.stop()
    assert api.calls_of("sendMessage") and api.calls_of("getFile")
    assert "getUpdates failed" in caplog.text
    assert api.token not in caplog.text


async def test_stop_is_safe_twice_and_ends_polling(api, make_channel, recorder):
    channel = await make_channel(recorder)
    await api.wait_for("getUpdates")
    await channel.stop()
    await channel.stop()
    polls = len(api.calls)
    api.queue_text(STUDENT, "sau khi dừng")
    await asyncio.sleep(0.1)
    assert len(api.calls) == polls and recorder.seen == []


async def test_stop_lets_the_batch_in_hand_finish_and_confirms_it(api, make_channel, recorder):
    release = asyncio.Event()

    async def slow_handler(incoming):
        await release.wait()

    recorder.reply = slow_handler
    api.queue_text(STUDENT, "trước")
    first = await make_channel(recorder)
    await recorder.wait(1)
    stopping = asyncio.create_task(first.stop())
    await asyncio.sleep(0.05)
    release.set()
    await stopping
    api.queue_text(STUDENT, "trong lúc dừng")
    await make_channel(recorder)
    seen = await recorder.wait(2)
    await asyncio.sleep(0.1)
    assert [incoming.text for incoming in seen] == ["trước", "trong lúc dừng"]


# --- long polling ---------------------------------------------------------------------------------


async def test_polling_delivers_updates_queued_before_start(api, make_channel, recorder):
    first = api.queue_text(user(STUDENT, "Lan", "Nông Thị"), "/start CB01")
    api.queue_text(STUDENT, "xin chào")
    await make_channel(recorder)
    seen = await recorder.wait(2)
    assert [incoming.text for incoming in seen] == ["/start CB01", "xin chào"]
    text = seen[0]
    assert (text.channel, text.kind, text.user_id, text.chat_id) == ("telegram", "text", "501", "501")
    assert (text.display_name, text.update_id) == ("Lan Nông Thị", str(first))
    assert (text.command, text.args) == ("start", "CB01")
    assert text.sent_at is not None
    assert all(call.get("drop_pending_updates") in (None, False)
               for call in api.calls_of("deleteWebhook"))


async def test_a_batch_is_confirmed_only_after_it_was_handled(api, make_channel, recorder):
    release = asyncio.Event()

    async def slow_handler(incoming):
        await release.wait()

    recorder.reply = slow_handler
    update_id = api.queue_text(STUDENT, "/gui")
    await make_channel(recorder)
    await recorder.wait(1)
    await asyncio.sleep(0.1)
    assert all(call.get("offset") != update_id + 1 for call in api.calls_of("getUpdates"))
    release.set()
    await api.wait_for("getUpdates", len(api.calls_of("getUpdates")) + 1)
    assert api.calls_of("getUpdates")[-1]["offset"] == update_id + 1


async def test_polling_goes_on_after_server_errors(api, make_channel, recorder):
    api.fail("getUpdates", 502, "Bad Gateway")
    api.queue_text(STUDENT, "/huongdan")
    await make_channel(recorder)
    assert [incoming.text for incoming in await recorder.wait(1)] == ["/huongdan"]


async def test_a_failing_handler_does_not_stop_the_others(api, make_channel, recorder):
    async def explode_once(incoming):
        if incoming.text == "boom":
            raise RuntimeError("handler bug")

    recorder.reply = explode_once
    api.queue_text(STUDENT, "boom")
    api.queue_text(STUDENT, "sau đó")
    await make_channel(recorder)
    assert [incoming.text for incoming in await recorder.wait(2)] == ["boom", "sau đó"]


async def test_an_emulator_without_menus_or_webhooks_still_polls(api, make_channel, recorder):
    for method in ("setMyCommands", "deleteWebhook"):
        api.fail(method, 404, "Not Found")
    api.queue_text(STUDENT, "/start")
    await make_channel(recorder)
    assert [incoming.text for incoming in await recorder.wait(1)] == ["/start"]


# --- conversion -----------------------------------------------------------------------------------


async def test_photo_sticker_file_and_other_messages(api, make_channel, recorder):
    api.queue_photo(STUDENT, "big-photo-id", caption="Bạn Hoa giúp cụ già qua đường")
    api.queue_sticker(STUDENT)
    api.queue_message(STUDENT, document={"file_id": "doc-1", "file_unique_id": "d"})
    api.queue_message(STUDENT, location={"latitude": 22.66, "longitude": 106.25})
    await make_channel(recorder)
    photo, sticker, document, location = await recorder.wait(4)
    assert (photo.kind, photo.text) == ("photo", "Bạn Hoa giúp cụ già qua đường")
    assert [sticker.kind, document.kind, location.kind] == ["sticker", "file", "other"]


async def test_a_photo_is_copied_into_the_media_store(api, make_channel, recorder, media):
    api.queue_photo(STUDENT, "big-photo-id", caption="Tin tốt")
    await make_channel(recorder)
    (photo,) = await recorder.wait(1)
    assert photo.photo.startswith("media:")
    assert media.path(photo.photo).read_bytes() == api.files["big-photo-id"]
    assert api.calls_of("getFile")[0]["file_id"] == "big-photo-id"  # the largest size


async def test_a_photo_delivered_twice_is_copied_once(api, make_channel, recorder, media):
    await make_channel(recorder, webhook=True)
    update_id = api.queue_photo(STUDENT, "big-photo-id", caption="Tin tốt")
    api.queue_update({"update_id": update_id, "message": api.updates[-1]["message"]})
    first, again = await recorder.wait(2)
    assert first.photo == again.photo
    assert len(list(media.directory.iterdir())) == 1


async def test_a_photo_that_cannot_be_copied_stays_on_telegram(api, make_channel, recorder):
    api.fail("getFile", 404, "Not Found")
    api.queue_photo(STUDENT, "big-photo-id", caption="Tin tốt")
    await make_channel(recorder)
    (photo,) = await recorder.wait(1)
    assert (photo.kind, photo.photo) == ("photo", "telegram:big-photo-id")


async def test_button_press_becomes_callback_and_is_answered_after_handling(
        api, make_channel, recorder):
    async def reply(incoming):
        await channel.send(Outgoing("telegram", incoming.chat_id, "Đã ghi nhận"))

    channel = await make_channel(recorder)
    ref = await channel.send(Outgoing("telegram", str(STUDENT), "Đồng ý?", buttons=(
        (Button("Đồng ý", "consent:yes"),),)))
    recorder.reply = reply
    api.queue_callback(STUDENT, int(ref), "consent:yes")
    (press,) = await recorder.wait(1)
    assert (press.kind, press.callback_data, press.message_ref) == ("callback", "consent:yes", ref)
    await api.wait_for("answerCallbackQuery")
    methods = [call.method for call in api.calls if call.method != "getUpdates"]
    assert methods[-2:] == ["sendMessage", "answerCallbackQuery"]


async def test_emulator_updates_with_missing_fields(api, make_channel, recorder):
    bare_user = {"id": 77, "first_name": "Minh"}  # no is_bot, no last_name
    api.queue_update({"message": {"message_id": 1, "chat": {"id": 77}, "from": bare_user,
                                  "text": "/bai"}})  # no date, no chat type
    api.queue_update({"message": {"message_id": 2, "from": bare_user}})  # no chat, no content
    api.queue_update({"callback_query": {"id": "q1", "from": bare_user, "data": "r:1"}})
    api.queue_update({"poll_answer": {"poll_id": "p", "user": bare_user}})  # no "from": ignored
    api.queue_update({"edited_message": {"message_id": 3, "chat": {"id": 77, "type": "private"},
                                         "from": bare_user, "text": "sửa"}})
    api.queue_update({"message": {"message_id": 4, "chat": {"id": -100, "type": "group"},
                                  "from": bare_user, "text": "/start"}})  # group: its text is never passed on
    api.queue_update({"channel_post": {"message_id": 5, "chat": {"id": -200, "type": "channel"}, "text": "x"}})
    api.queue_update({"my_chat_member": {"chat": {"id": 77, "type": "private"}, "from": bare_user,
                                         "new_chat_member": {"status": "kicked"}}})
    api.queue_text(STUDENT, "cuối")
    await make_channel(recorder)
    # Different chats are handled side by side, so only update order within a chat is kept.
    seen = sorted(await recorder.wait(7), key=lambda incoming: int(incoming.update_id))
    assert [(i.kind, i.chat_id, i.text) for i in seen] == [
        ("text", "77", "/bai"), ("other", "77", ""), ("callback", "77", ""),
        ("edited", "77", ""), ("group", "-100", ""), ("blocked", "77", ""), ("text", "501", "cuối")]
    assert seen[2].message_ref is None
    assert seen[0].display_name == "Minh" and seen[0].sent_at is None


# --- webhook --------------------------------------------------------------------------------------


async def test_webhook_mode_registers_and_receives(api, make_channel, recorder):
    channel = await make_channel(recorder, webhook=True)
    (registration,) = api.calls_of("setWebhook")
    assert registration["url"].endswith(WEBHOOK_PATH)
    assert registration["secret_token"] == SECRET
    assert registration.get("drop_pending_updates") in (None, False)
    api.queue_photo(STUDENT, "photo-9", caption="Tin tốt")
    (photo,) = await recorder.wait(1)
    assert (photo.kind, photo.text) == ("photo", "Tin tốt")
    async with asyncio.timeout(3):  # the answer goes back once the handler has returned
        while not api.webhook_answers:
            await asyncio.sleep(0.01)
    assert api.webhook_answers == [200]
    assert not api.calls_of("getUpdates")
    await channel.stop()


@pytest.mark.parametrize("carried", [True, False])
async def test_a_webhook_reply_rides_in_the_answer_unless_turned_off(api, make_channel, carried):
    async def greet(incoming):
        await channel.send(Outgoing("telegram", incoming.chat_id, "Chào bạn"))

    channel = await make_channel(greet, webhook=True, telegram_reply_in_webhook=carried)
    api.queue_text(user(STUDENT, "Lan", None), "xin chào")
    sent = await api.wait_for("sendMessage")
    assert sent[0]["text"] == "Chào bạn"
    assert [call.in_answer for call in api.calls if call.method == "sendMessage"] == [carried]



async def test_a_slowly_handled_update_has_its_reply_requested(api, make_channel, monkeypatch):
    """Past ANSWER_WITHIN Telegram may have given up on the webhook request (and the update it
    sends again would be dropped as handled), so the reply does not wait for the answer."""
    monkeypatch.setattr(telegram_channel, "ANSWER_WITHIN", 0.0)

    async def greet(incoming):
        await channel.send(Outgoing("telegram", incoming.chat_id, "Chào bạn"))

    channel = await make_channel(greet, webhook=True)
    api.queue_text(user(STUDENT, "Lan", None), "xin chào")
    await api.wait_for("sendMessage")
    await until(lambda: api.webhook_answers)  # the answer comes once the update is handled, after the reply
    assert [call.in_answer for call in api.calls if call.method == "sendMessage"] == [False]
    assert api.webhook_answers == [200]



async def test_a_webhook_reply_requested_before_the_answer_may_fail_alone(api, make_channel, caplog):
    """The first of two replies is requested when the second comes; its failure is logged like any
    reply's, and the second still rides in the answer."""
    async def greet_twice(incoming):
        await channel.send(Outgoing("telegram", incoming.chat_id, "Chào bạn"))
        await channel.send(Outgoing("telegram", incoming.chat_id, "Mời bạn chọn trường"))

    channel = await make_channel(greet_twice, webhook=True)
    api.fail("sendMessage", 400, "Bad Request: message text is empty")
    with caplog.at_level(logging.WARNING, logger="bot.channels.telegram.channel"):
        api.queue_text(user(STUDENT, "Lan", None), "xin chào")
        await api.wait_for("sendMessage")
    sends = [(call.params["text"], call.status, call.in_answer) for call in api.calls if call.method == "sendMessage"]
    assert sends == [("Chào bạn", 400, False), ("Mời bạn chọn trường", 200, True)]
    assert "held for the webhook answer was not sent" in caplog.text



@pytest.mark.parametrize("headers", [{}, {"X-Telegram-Bot-Api-Secret-Token": "wrong-secret"}])
async def test_webhook_refuses_a_missing_or_wrong_secret(api, make_channel, recorder, headers):
    await make_channel(recorder, webhook=True)
    url = api.webhook_url
    update = {"update_id": 1, "message": {"message_id": 1, "chat": {"id": 5, "type": "private"},
                                          "from": user(5), "text": "/start"}}
    async with httpx.AsyncClient() as client:
        answer = await client.post(url, json=update, headers=headers)
    assert answer.status_code == 403
    await asyncio.sleep(0.05)
    assert recorder.seen == []


async def test_webhook_answers_400_to_garbage(api, make_channel, recorder):
    await make_channel(recorder, webhook=True)
    headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
    async with httpx.AsyncClient() as client:
        statuses = [(await client.post(api.webhook_url, content=body, headers=headers)).status_code
                    for body in (b"not json", b"[1, 2]", b'{"message": {}}')]
    assert statuses == [400, 400, 400]
    assert recorder.seen == []


async def test_webhook_passes_a_redelivered_update_on_twice(api, make_channel, recorder):
    await make_channel(recorder, webhook=True)
    update = api.queue_text(STUDENT, "/gui")
    api.queue_update({"update_id": update, "message": api.updates[-1]["message"]})
    seen = await recorder.wait(2)
    assert [incoming.update_id for incoming in seen] == [str(update), str(update)]


# --- command menus --------------------------------------------------------------------------------


async def test_command_menus_in_vietnamese(api, make_channel, recorder):
    channel = await make_channel(recorder)
    students = {command["command"]: command["description"] for command in api.commands["default"]}
    assert {"start", "gui", "bai", "huongdan"} <= set(students)
    assert "duyet" not in students
    assert students["gui"] == dict(command_menu())["gui"]

    await channel.set_member_commands(str(STUDENT), "school_moderator")
    school_moderator = {command["command"] for command in api.commands[f"chat:{STUDENT}"]}
    assert {"duyet", "cho", "thongbao"} <= school_moderator and not {"dang", "tin", "bbt", "mod"} & school_moderator
    await channel.set_member_commands(str(STUDENT), "editor")
    editor = {command["command"] for command in api.commands[f"chat:{STUDENT}"]}
    assert {"dang", "tin", "bbt"} <= editor and "mod" not in editor
    await channel.set_member_commands(str(STUDENT), "admin")
    assert "mod" in {command["command"] for command in api.commands[f"chat:{STUDENT}"]}
    await channel.set_member_commands(str(STUDENT), "student")
    assert api.commands[f"chat:{STUDENT}"] == api.commands["default"]
