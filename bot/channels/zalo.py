"""The Zalo channel: Zalo Bot Platform updates in, plain-text messages out.

Usage: ``ZaloChannel(settings, on_update, MediaStore.from_settings(settings))``, then
``await channel.start()``. With ZALO_WEBHOOK_URL set, the web app feeds `receive_webhook`;
otherwise a `getUpdates` long-polling loop runs until `stop()`.

Zalo has no buttons and no formatting: options become numbered lines (`render_plain`), and the
user's answer ("1", "gui" or "/gui") goes to the core unchanged.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
from collections.abc import Mapping
from contextlib import suppress
from contextvars import ContextVar
from datetime import UTC, datetime

from bot.channels.backoff import Backoff
from bot.channels.base import ChannelError, UpdateHandler, render_plain
from bot.channels.rate import REPLY_PATIENCE
from bot.channels.split import split_text
from bot.channels.zalo_api import NO_UPDATES, ZaloApi, ZaloApiError
from bot.media import MAX_PHOTO_BYTES, MediaStore, NotAnImage
from bot.settings import Settings
from bot.threads import off_loop
from content import texts
from handlers.io import Incoming, IncomingKind, Outgoing

log = logging.getLogger(__name__)

MAX_TEXT = 2000
MAX_UPDATE_ID = 64
STOP_GRACE = 10.0  # seconds `stop` lets the update in hand finish before cancelling it
SECRET_HEADER = "x-bot-api-secret-token"

# True while an update is handled: calls then are replies (see `_send_in_order`).
_replying: ContextVar[bool] = ContextVar("zalo_replying", default=False)

_KINDS: dict[str, IncomingKind] = {
    "message.text.received": "text",
    "message.image.received": "photo",
    "message.sticker.received": "sticker",
}


class ZaloChannel:
    name = "zalo"

    def __init__(
        self,
        settings: Settings,
        on_update: UpdateHandler,
        media: MediaStore,
        *,
        poll_timeout: int = 30,
        request_timeout: float = 10.0,
        backoff: Backoff | None = None,
    ) -> None:
        if not settings.zalo_bot_token:
            raise SystemExit("Cấu hình sai: ZALO_BOT_TOKEN: chưa đặt")
        self._settings = settings
        self._on_update = on_update
        self._media = media
        self._api = ZaloApi(settings.zalo_bot_api_url, settings.zalo_bot_token, timeout=request_timeout)
        self._poll_timeout = poll_timeout
        self._backoff = backoff or Backoff()
        self._poller: asyncio.Task | None = None
        self._waiting = False
        self._stopped = False

    @property
    def webhook_mode(self) -> bool:
        return self._settings.zalo_webhook_url is not None

    async def start(self) -> None:
        """Checks the token, then registers the webhook or starts long polling."""
        try:
            await self._start()
        except BaseException:
            await self._api.close()
            raise
        if not self.webhook_mode:
            self._poller = asyncio.create_task(self._poll(), name="zalo-polling")

    async def stop(self) -> None:
        if self._stopped:
            return
        self._stopped = True
        if self._poller is not None:
            # Cancelled only while waiting: an update already taken from Zalo is not offered
            # again, so the one being handled is finished first.
            if self._waiting:
                self._poller.cancel()
            with suppress(asyncio.CancelledError, TimeoutError):
                await asyncio.wait_for(self._poller, STOP_GRACE)
        await self._api.close()

    async def send(self, message: Outgoing) -> str | None:
        """Sends text (split at 2,000 characters) and photo; Zalo cannot edit, so `edit_ref`
        is sent as a new message. Returns the last message's id."""
        text = render_plain(message)
        photo_url = self._media.platform_url(message.photo, public=message.photo_public)
        if message.photo and photo_url is None:
            text = f"{text}\n\n{texts.PHOTO_ON_OTHER_CHANNEL}".strip()
        parts = split_text(text, MAX_TEXT)
        calls = [("sendMessage", {"chat_id": message.chat_id, "text": part}) for part in parts]
        if photo_url is not None:
            photo = {"chat_id": message.chat_id, "photo": photo_url}
            calls[:1] = [("sendPhoto", photo | ({"caption": parts[0]} if parts else {}))]
        return await self._send_in_order(calls)

    def knows_secret(self, headers: Mapping[str, str]) -> bool:
        """Whether a webhook request carries our secret (constant time); the web app asks before
        it reads the body."""
        expected = (self._settings.zalo_webhook_secret or "").encode()
        return bool(expected) and hmac.compare_digest(_header(headers, SECRET_HEADER).encode(), expected)

    async def receive_webhook(self, headers: Mapping[str, str], body: bytes) -> int:
        """403 for a wrong secret (nothing processed), 400 for garbage, else 200 once handled."""
        if not self.knows_secret(headers):
            return 403
        try:
            payload = json.loads(body)
        except ValueError:
            return 400
        return 200 if await self._dispatch(_unwrap(payload)) else 400

    async def _start(self) -> None:
        if self.webhook_mode and not self._settings.zalo_webhook_secret:
            raise SystemExit("Cấu hình sai: ZALO_WEBHOOK_SECRET: cần đặt khi dùng ZALO_WEBHOOK_URL")
        me = await self._check_token()
        if self.webhook_mode:
            await self._set_webhook()
        else:
            await self._delete_webhook()
        mode = "webhook" if self.webhook_mode else "long polling"
        log.info("Zalo bot %s ready (%s)", _bot_name(me), mode)

    async def _check_token(self) -> object:
        try:
            return await self._api.call("getMe")
        except ZaloApiError as error:
            if error.error_code is None or error.error_code >= 500:
                raise SystemExit(f"Cấu hình sai: ZALO_BOT_API_URL: không gọi được Zalo ({error})")
            raise SystemExit(f"Cấu hình sai: ZALO_BOT_TOKEN: Zalo từ chối token ({error})")

    async def _delete_webhook(self) -> None:
        """getUpdates fails while a webhook is set (say, one left by an earlier deployment)."""
        try:
            await self._api.call("deleteWebhook")
        except ZaloApiError as error:
            # Not fatal: if a webhook really is still set, the polling loop keeps saying so.
            log.warning("Zalo deleteWebhook failed (%s); polling anyway", error)

    async def _set_webhook(self) -> None:
        payload = {"url": self._settings.zalo_webhook_url, "secret_token": self._settings.zalo_webhook_secret}
        try:
            await self._api.call("setWebhook", payload)
        except ZaloApiError as error:
            raise SystemExit(f"Cấu hình sai: ZALO_WEBHOOK_URL: Zalo không nhận webhook ({error})")

    async def _poll(self) -> None:
        """Takes updates until stopped, handing each to the core before asking for more."""
        while not self._stopped:
            self._waiting = True
            updates = await self._next_updates()
            self._waiting = False
            for update in updates:
                await self._dispatch(update)

    async def _next_updates(self) -> list[object]:
        """The next updates; errors are logged and retried with growing delay, never raised."""
        while True:
            try:
                result = await self._api.call(
                    "getUpdates", {"timeout": str(self._poll_timeout)}, wait=self._poll_timeout
                )
            except ZaloApiError as error:
                if error.error_code == NO_UPDATES:
                    self._backoff.reset()
                    return []
                delay = self._backoff.next_delay()
                log.warning("Zalo getUpdates failed (%s); retrying in %.1f s", error, delay)
                await asyncio.sleep(delay)
                continue
            self._backoff.reset()
            if result is None:
                return []
            # Zalo has been seen answering with one update object instead of a list.
            return result if isinstance(result, list) else [result]

    async def _dispatch(self, update: object) -> bool:
        """Hands one update to the core; False when it carries no message.

        A failing handler is logged, not raised: one bad update must not stop the others.
        """
        incoming = await self._to_incoming(update)
        if incoming is None:
            log.warning("Zalo update without a usable message ignored")
            return False
        replying = _replying.set(True)
        try:
            await self._on_update(incoming)
        except Exception:
            log.exception("Handling Zalo update %s failed", incoming.update_id)
        finally:
            _replying.reset(replying)
        return True

    async def _to_incoming(self, update: object) -> Incoming | None:
        if not isinstance(update, dict) or not isinstance(update.get("message"), dict):
            return None
        message = update["message"]
        sender = message.get("from")
        if not isinstance(sender, dict) or not sender.get("id"):
            return None
        event = str(update.get("event_name") or "")
        kind = _KINDS.get(event, "other")
        chat = message.get("chat") if isinstance(message.get("chat"), dict) else {}
        if str(chat.get("chat_type") or "").upper() == "GROUP":
            # The bot talks one to one: a group gets one notice, and nothing of what was said.
            return Incoming(channel=self.name, user_id=str(sender["id"]), chat_id=str(chat.get("id") or sender["id"]),
                            kind="group", update_id=_update_id(message.get("message_id") or update.get("event_id")))
        extras: dict = {"event_name": event, "chat_type": chat.get("chat_type")}
        return Incoming(
            channel=self.name,
            user_id=str(sender["id"]),
            chat_id=str(chat.get("id") or sender["id"]),
            display_name=str(sender.get("display_name") or sender.get("first_name") or sender.get("name") or ""),
            kind=kind,
            text=str(message.get("text") or message.get("caption") or ""),
            photo=await self._keep_photo(message, extras) if kind == "photo" else None,
            update_id=_update_id(message.get("message_id") or update.get("event_id")),
            sent_at=_from_millis(message.get("date")),
            extras=extras,
        )

    async def _keep_photo(self, message: dict, extras: dict) -> str | None:
        """The user's photo copied into the media store; on failure its URL goes to `extras`
        and the message is still delivered."""
        url = message.get("photo_url") or message.get("photo")
        if not isinstance(url, str) or not url:
            return None
        try:
            return await off_loop(self._media.save_received, await self._api.download(url, max_bytes=MAX_PHOTO_BYTES))
        except (ZaloApiError, NotAnImage, OSError) as error:
            log.warning("Zalo photo not kept (%s); the message goes on without it", error)
            extras["photo_url"] = url
            return None

    async def _send_in_order(self, calls: list[tuple[str, dict]]) -> str | None:
        ref = None
        patience = REPLY_PATIENCE if _replying.get() else 0.0
        for number, (method, payload) in enumerate(calls):
            try:
                result = await self._api.call(method, payload, flood_patience=patience)
            except ChannelError as error:
                if number == 0:
                    raise
                # Earlier parts arrived: sending the whole message again would repeat them.
                raise ChannelError(
                    f"{error} (after {number} of {len(calls)} parts)",
                    maybe_delivered=True,
                    blocked=error.blocked,
                ) from error
            ref = _optional_str(result.get("message_id") if isinstance(result, dict) else None) or ref
        return ref


def _unwrap(payload: object) -> object:
    """The update itself, whether Zalo posted it bare or as ``{"ok": true, "result": …}``."""
    if isinstance(payload, dict) and "event_name" not in payload and "result" in payload:
        return payload["result"]
    return payload


def _header(headers: Mapping[str, str], name: str) -> str:
    return next((value for key, value in headers.items() if key.lower() == name), "")


def _bot_name(me: object) -> str:
    if isinstance(me, dict):
        return str(me.get("account_name") or me.get("display_name") or me.get("id") or "")
    return ""


def _optional_str(value: object) -> str | None:
    return None if value is None or value == "" else str(value)


def _update_id(value: object) -> str | None:
    """The platform's id, kept to the 64 characters the core stores; a longer one is hashed, so
    a redelivery still maps to the same id."""
    text = _optional_str(value)
    if text is None or len(text) <= MAX_UPDATE_ID:
        return text
    return hashlib.sha256(text.encode()).hexdigest()


def _from_millis(value: object) -> datetime | None:
    try:
        return datetime.fromtimestamp(int(value) / 1000, tz=UTC)  # type: ignore[arg-type]
    except (TypeError, ValueError, OverflowError, OSError):
        return None
