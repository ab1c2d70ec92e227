"""Zalo updates reaching the core: polling and webhook modes, every update kind, failures."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime

import pytest

from bot.settings import Settings
from handlers.io import Outgoing
from tests.channels.zalo.conftest import SECRET, TOKEN, zalo_channel
from tests.fakes.zalo_api import IMAGE, JPEG, STICKER, UNSUPPORTED, Fault, make_update


async def test_polling_turns_a_text_update_into_incoming(zalo, recorder, start_zalo):
    await start_zalo()
    zalo.queue(make_update(text="/gui", user_id="z77", name="Hoa", chat_id="c77", message_id="m1"))

    [incoming] = await recorder.wait_for(1)

    assert (incoming.channel, incoming.user_id, incoming.chat_id) == ("zalo", "z77", "c77")
    assert (incoming.kind, incoming.text, incoming.command) == ("text", "/gui", "gui")
    assert incoming.display_name == "Hoa"
    assert incoming.update_id == "m1"
    assert incoming.sent_at == datetime(2026, 1, 1, tzinfo=UTC)


async def test_an_overlong_message_id_is_shortened_the_same_way_each_time(zalo, recorder, start_zalo):
    await start_zalo()
    long_id = "m" * 100
    zalo.queue(make_update(text="a", message_id=long_id), make_update(text="b", message_id=long_id))

    first, again = await recorder.wait_for(2)

    assert len(first.update_id) == 64 and first.update_id == again.update_id


async def test_polling_removes_a_leftover_webhook_first(zalo, recorder, start_zalo):
    zalo.webhook = {"url": "https://old.example/zalo/webhook", "secret_token": SECRET}
    await start_zalo()
    zalo.queue(make_update(text="chào"))

    assert [i.text for i in await recorder.wait_for(1)] == ["chào"]
    assert zalo.webhook is None


async def test_polling_starts_even_if_deletewebhook_fails(zalo, recorder, start_zalo):
    zalo.inject("deleteWebhook", Fault.server_error(502))
    await start_zalo()
    zalo.queue(make_update(text="vẫn chạy"))

    assert [i.text for i in await recorder.wait_for(1)] == ["vẫn chạy"]


async def test_updates_are_handed_over_in_order(zalo, recorder, start_zalo):
    await start_zalo()
    zalo.queue(*(make_update(text=str(n)) for n in range(5)))

    assert [i.text for i in await recorder.wait_for(5)] == ["0", "1", "2", "3", "4"]


async def test_single_update_object_instead_of_a_list(zalo, recorder, start_zalo):
    zalo.single_object = True
    await start_zalo()
    zalo.queue(make_update(text="một"), make_update(text="hai"))

    assert [i.text for i in await recorder.wait_for(2)] == ["một", "hai"]


@pytest.mark.parametrize("moved", [False, True], ids=["direct", "redirected"])
async def test_photo_is_kept_in_the_media_store(zalo, recorder, start_zalo, moved):
    channel = await start_zalo()
    zalo.queue(make_update(IMAGE, photo_url=zalo.file_url("photo.jpg", moved=moved), caption="Bạn Lan giúp cụ"))

    [incoming] = await recorder.wait_for(1)

    assert (incoming.kind, incoming.text) == ("photo", "Bạn Lan giúp cụ")
    assert incoming.photo.startswith("media:")
    assert channel._media.path(incoming.photo).read_bytes() == JPEG


@pytest.mark.parametrize("name", ["missing.jpg", "note.txt"])
async def test_photo_that_cannot_be_kept_still_delivers_the_message(zalo, recorder, start_zalo, name):
    zalo.files["note.txt"] = b"not a picture"
    await start_zalo()
    url = zalo.file_url(name)
    zalo.queue(make_update(IMAGE, photo_url=url, caption="chuyện đẹp"))

    [incoming] = await recorder.wait_for(1)

    assert (incoming.kind, incoming.photo, incoming.text) == ("photo", None, "chuyện đẹp")
    assert incoming.extras["photo_url"] == url


@pytest.mark.parametrize("event, kind", [(STICKER, "sticker"), (UNSUPPORTED, "other")])
async def test_sticker_and_unsupported_updates(zalo, recorder, start_zalo, event, kind):
    await start_zalo()
    zalo.queue(make_update(event))

    [incoming] = await recorder.wait_for(1)

    assert (incoming.kind, incoming.text, incoming.photo) == (kind, "", None)
    assert incoming.extras["event_name"] == event


@pytest.mark.parametrize(
    "fault",
    [Fault.refused("Internal error", code=500), Fault.server_error(502), Fault.slow(2.5)],
    ids=["ok-false", "http-502", "read-timeout"],
)
async def test_polling_survives_server_trouble_and_then_delivers(zalo, recorder, start_zalo, fault):
    zalo.inject("getUpdates", fault, times=2 if not fault.delay else 1)
    await start_zalo()
    zalo.queue(make_update(text="vẫn đến"))

    assert [i.text for i in await recorder.wait_for(1, timeout=6)] == ["vẫn đến"]
    assert len(zalo.calls("getUpdates")) >= 2


async def test_flood_control_on_sending_does_not_hold_up_receiving(zalo, recorder, start_zalo):
    channel = await start_zalo()
    zalo.inject("sendMessage", Fault.flood(1.0))
    sending = asyncio.create_task(channel.send(Outgoing(channel="zalo", chat_id="c1", text="chờ")))
    await asyncio.sleep(0.05)
    # The first answers a long poll begun before the pause; the second needs a new getUpdates.
    zalo.queue(make_update(text="một"))
    await recorder.wait_for(1)
    zalo.queue(make_update(text="hai"))

    assert [i.text for i in await recorder.wait_for(2, timeout=0.6)] == ["một", "hai"]
    assert not sending.done()
    await sending


async def test_a_failing_handler_does_not_stop_polling(zalo, recorder, start_zalo):
    recorder.fail_next = 1
    await start_zalo()
    zalo.queue(make_update(text="hỏng"), make_update(text="tiếp"))

    assert [i.text for i in await recorder.wait_for(2)] == ["hỏng", "tiếp"]


async def test_stop_is_safe_twice_and_ends_polling(zalo, start_zalo):
    channel = await start_zalo()
    await channel.stop()
    await channel.stop()
    polls = len(zalo.calls("getUpdates"))
    await asyncio.sleep(0.1)
    assert len(zalo.calls("getUpdates")) == polls


async def test_stop_lets_the_update_being_handled_finish(zalo, start_zalo):
    started, release, finished = asyncio.Event(), asyncio.Event(), []

    async def slow_handler(incoming):
        started.set()
        await release.wait()
        finished.append(incoming.text)

    channel = await start_zalo(on_update=slow_handler)
    zalo.queue(make_update(text="đang xử lý"))
    await started.wait()
    stopping = asyncio.create_task(channel.stop())
    await asyncio.sleep(0.05)
    assert not stopping.done()

    release.set()
    await stopping
    assert finished == ["đang xử lý"]


async def test_webhook_mode_registers_and_receives(zalo, recorder, start_zalo):
    await start_zalo(webhook=True)
    assert zalo.webhook["secret_token"] == SECRET
    assert zalo.webhook["url"].endswith("/zalo/webhook")

    assert await zalo.push_webhook(make_update(text="/start")) == 200

    assert [i.text for i in recorder.updates] == ["/start"]
    assert zalo.calls("getUpdates") == []


async def test_webhook_accepts_an_update_wrapped_in_result(zalo, recorder, start_zalo):
    await start_zalo(webhook=True)

    assert await zalo.push_webhook({"ok": True, "result": make_update(text="bọc")}) == 200
    assert [i.text for i in recorder.updates] == ["bọc"]


@pytest.mark.parametrize("secret", ["wrong-secret-456", ""])
async def test_webhook_with_wrong_secret_is_refused_and_not_processed(zalo, recorder, start_zalo, secret):
    await start_zalo(webhook=True)

    assert await zalo.push_webhook(make_update(text="giả mạo"), secret=secret) == 403
    assert recorder.updates == []


async def test_webhook_garbage_is_a_bad_request(zalo, recorder, start_zalo):
    channel = await start_zalo(webhook=True)
    headers = {"X-Bot-Api-Secret-Token": SECRET}

    assert await channel.receive_webhook(headers, b"{not json") == 400
    assert await channel.receive_webhook(headers, b'{"event_name": "message.text.received"}') == 400
    assert await channel.receive_webhook(headers, b"[1, 2]") == 400
    assert recorder.updates == []


def bare_settings(tmp_path, **overrides) -> Settings:
    return Settings(_env_file=None, tintot_media_dir=str(tmp_path), **overrides)


async def test_wrong_token_stops_start_up_naming_the_setting(zalo, recorder, tmp_path, caplog):
    caplog.set_level(logging.DEBUG)
    settings = bare_settings(tmp_path, zalo_bot_token="999:wrong-token", zalo_bot_api_url=zalo.base_url)

    with pytest.raises(SystemExit) as stopped:
        await zalo_channel(settings, recorder).start()

    assert "ZALO_BOT_TOKEN" in str(stopped.value)
    assert "\n" not in str(stopped.value)
    assert "wrong-token" not in str(stopped.value) + caplog.text


async def test_unreachable_api_stops_start_up_naming_the_url(recorder, tmp_path):
    settings = bare_settings(tmp_path, zalo_bot_token=TOKEN, zalo_bot_api_url="http://127.0.0.1:9")

    with pytest.raises(SystemExit, match="ZALO_BOT_API_URL"):
        await zalo_channel(settings, recorder).start()


async def test_webhook_without_secret_stops_start_up(zalo, recorder, tmp_path):
    settings = bare_settings(
        tmp_path, zalo_bot_token=TOKEN, zalo_bot_api_url=zalo.base_url, zalo_webhook_url="https://x.example/zalo/webhook"
    )

    with pytest.raises(SystemExit, match="ZALO_WEBHOOK_SECRET"):
        await zalo_channel(settings, recorder).start()
    assert zalo.requests == []


async def test_webhook_refused_by_zalo_stops_start_up(zalo, start_zalo):
    zalo.inject("setWebhook", Fault.refused("Bad Request: url must be https"))

    with pytest.raises(SystemExit, match="ZALO_WEBHOOK_URL.*https"):
        await start_zalo(webhook=True)


async def test_the_token_never_reaches_the_logs(zalo, recorder, start_zalo, caplog):
    caplog.set_level(logging.DEBUG)
    zalo.inject("getUpdates", Fault.server_error(502))
    await start_zalo()
    zalo.queue(make_update(text="x"))
    await recorder.wait_for(1)

    assert "getUpdates failed" in caplog.text
    assert TOKEN not in caplog.text
