"""The Telegram channel: start-up checks, long polling or webhook, command menus, sending."""

from __future__ import annotations

import asyncio
import dataclasses
import hmac
import json
import logging
import time
import warnings
from collections.abc import Mapping
from contextvars import ContextVar
from typing import Any

from telegram import Bot, BotCommand, BotCommandScopeChat
from telegram.error import BadRequest, Forbidden, InvalidToken, RetryAfter, TelegramError
from telegram.request import HTTPXRequest
from telegram.warnings import PTBDeprecationWarning, PTBUserWarning

from bot.channels.backoff import Backoff
from bot.channels.base import ChannelError, UpdateHandler, html_to_plain
from bot.channels.http import mounts
from bot.channels.rate import REPLY_PATIENCE, TokenBucket
from bot.channels.telegram.answers import RATED, HeldCall
from bot.channels.telegram.outgoing import channel_error, render, retry_after
from bot.channels.telegram.photos import Photos, PhotoStore
from bot.channels.telegram.updates import ALLOWED_UPDATES, to_incoming
from bot.media import MediaStore
from bot.pause import pause
from bot.settings import Settings
from handlers.io import Incoming, Outgoing
from handlers.routes import command_menu

log = logging.getLogger(__name__)

WEBHOOK_PATH = "/telegram/webhook"
SECRET_HEADER = "x-telegram-bot-api-secret-token"
CALLBACK_NOTICE_LIMIT = 200
# After flood control, replies go the way that reports it (and waits it out) for this long.
FLOOD_CAUTION = 60.0
STOP_GRACE = 10.0  # seconds stop() lets the updates in hand finish
# An update handled slower than this has its held reply requested instead: Telegram may have
# given up on the webhook request by then, and the update it sends again is dropped as handled.
ANSWER_WITHIN = 10.0

# True while an update is handled: calls then are replies (see `_request`).
_replying: ContextVar[bool] = ContextVar("telegram_replying", default=False)
# While a webhook update is handled: the call its answer may carry (see `answers`).
_held: ContextVar[HeldCall | None] = ContextVar("telegram_held_call", default=None)


class TelegramChannel:
    name = "telegram"

    def __init__(self, settings: Settings, on_update: UpdateHandler, *, media: PhotoStore | None = None,
                 poll_timeout: int = 25, request_timeout: float = 10.0) -> None:
        """`media` defaults to the store the settings name (TINTOT_MEDIA_DIR, TINTOT_PUBLIC_URL)."""
        self._settings = settings
        self._on_update = on_update
        self._photos = Photos(media or MediaStore.from_settings(settings))
        self._poll_timeout = poll_timeout
        self._request_timeout = request_timeout
        self._bot: Bot | None = None
        self._http: HTTPXRequest | None = None
        self._polling_http: HTTPXRequest | None = None
        self._polling: asyncio.Task | None = None
        self._stopping = asyncio.Event()
        self._flooded_until = 0.0  # time.monotonic() until which replies are not held (see `_call`)
        # Telegram's budget as this bot spends it, replies and pushes alike (see `_call`).
        self._budget = TokenBucket(settings.tintot_telegram_rate)

    @property
    def webhook_mode(self) -> bool:
        return self._settings.telegram_webhook_url is not None

    async def start(self) -> None:
        """Check the settings against the server, then take updates; `SystemExit` if they are wrong."""
        settings = self._settings
        if not settings.telegram_bot_token:
            raise SystemExit("Cấu hình sai: TELEGRAM_BOT_TOKEN: chưa đặt")
        if self.webhook_mode and not settings.telegram_webhook_secret:
            raise SystemExit("Cấu hình sai: TELEGRAM_WEBHOOK_SECRET: cần đặt khi dùng TELEGRAM_WEBHOOK_URL")
        _quiet_library_logs()
        self._bot = self._build_bot(settings.telegram_bot_token)
        self._stopping.clear()
        try:
            me = await self._check_token()
            await self._set_default_commands()
            await self._start_receiving()
        except BaseException:
            await self._close_http()
            raise
        log.info("Telegram: @%s, %s", me.get("username", "?"),
                 "webhook" if self.webhook_mode else "long polling")

    async def stop(self) -> None:
        self._stopping.set()
        if self._polling is not None:
            try:
                await asyncio.wait_for(self._polling, STOP_GRACE)
            except TimeoutError:
                log.warning("Telegram: stopped while updates were still being handled")
            except Exception:
                log.exception("Telegram: long polling had failed")
            self._polling = None
        await self._close_http()

    def _build_bot(self, token: str) -> Bot:
        timeout = self._request_timeout
        self._http = HTTPXRequest(connection_pool_size=32, read_timeout=timeout,
                                  write_timeout=timeout, connect_timeout=timeout, pool_timeout=timeout,
                                  httpx_kwargs={"mounts": mounts(connections=32)})
        # Long polling holds its own connection so replies never queue behind it.
        self._polling_http = HTTPXRequest(connection_pool_size=1, read_timeout=timeout,
                                          connect_timeout=timeout, httpx_kwargs={"mounts": mounts(connections=1)})
        api = self._settings.telegram_bot_api_url.rstrip("/")
        return Bot(token, base_url=f"{api}/bot", base_file_url=f"{api}/file/bot",
                   request=self._http, get_updates_request=self._polling_http)

    async def _close_http(self) -> None:
        for request in (self._http, self._polling_http):
            if request is not None:
                await request.shutdown()

    async def _check_token(self) -> dict:
        try:
            me = await self._call("getMe")
        except InvalidToken:
            raise SystemExit("Cấu hình sai: TELEGRAM_BOT_TOKEN: máy chủ Bot API từ chối token này") from None
        except TelegramError as error:
            raise SystemExit(f"Cấu hình sai: TELEGRAM_BOT_API_URL: không gọi được "
                             f"{self._settings.telegram_bot_api_url} ({error.message})") from None
        return me if isinstance(me, dict) else {}

    async def _set_default_commands(self) -> None:
        """The students' command menu for every chat; a failure only costs the menu."""
        try:
            await self._call("setMyCommands", commands=_commands())
        except TelegramError as error:
            log.warning("Telegram: command menu not set: %s", error.message)

    async def set_member_commands(self, chat_id: str, role: str) -> None:
        """One member's command menu: the commands of their role (a student's is the default)."""
        try:
            await self._call("setMyCommands", commands=_commands(role),
                             scope=BotCommandScopeChat(chat_id))
        except TelegramError as error:
            raise channel_error(error) from None

    async def may_post_to(self, chat: str) -> bool | None:
        """Whether the bot is an admin of this channel allowed to post; None when Telegram could
        not be asked (a network error says nothing about the channel)."""
        bot_id = int(self._settings.telegram_bot_token.split(":", 1)[0])  # a token starts with the bot's id
        try:
            member = await self._call("getChatMember", chat_id=chat, user_id=bot_id)
        except (BadRequest, Forbidden) as error:
            log.info("Telegram: channel %s: %s", chat, error.message)
            return False
        except TelegramError as error:
            log.warning("Telegram: could not check channel %s: %s", chat, error.message)
            return None
        status = member.get("status") if isinstance(member, dict) else None
        return status == "creator" or (status == "administrator" and bool(member.get("can_post_messages")))

    async def _start_receiving(self) -> None:
        if not self.webhook_mode:
            # getUpdates is refused while a webhook is set; pending updates are kept either way.
            # Some Bot API emulators have no webhooks at all: nothing to delete then.
            try:
                await self._call("deleteWebhook", drop_pending_updates=False)
            except TelegramError as error:
                log.warning("Telegram: deleteWebhook failed: %s", error.message)
            self._polling = asyncio.create_task(self._poll())
            return
        try:
            await self._call("setWebhook", url=self._settings.telegram_webhook_url,
                             secret_token=self._settings.telegram_webhook_secret,
                             allowed_updates=list(ALLOWED_UPDATES), drop_pending_updates=False)
        except TelegramError as error:
            raise SystemExit(f"Cấu hình sai: TELEGRAM_WEBHOOK_URL: {error.message}") from None

    # --- receiving ------------------------------------------------------------------------------

    async def _poll(self) -> None:
        """Long-poll until stopped.

        The offset that confirms a batch is sent only with the next getUpdates, after the whole
        batch was handled: a crash in between gets the batch again (the core drops what it has
        already seen by update_id) instead of losing it.
        """
        offset: int | None = None
        backoff = Backoff()
        while not self._stopping.is_set():
            try:
                updates = await self._next_batch(offset)
            except RetryAfter as error:
                await pause(self._stopping, retry_after(error))
                continue
            except TelegramError as error:
                log.warning("Telegram: getUpdates failed: %s", error.message)
                await pause(self._stopping, backoff.next_delay())
                continue
            backoff.reset()
            await self._dispatch(updates)
            ids = [update["update_id"] for update in updates if isinstance(update.get("update_id"), int)]
            offset = max(ids) + 1 if ids else offset
        await self._confirm(offset)

    async def _confirm(self, offset: int | None) -> None:
        """On the way out, confirm the last batch handled, so the next start does not get it again."""
        if offset is None:
            return
        try:
            await self._call("getUpdates", offset=offset, timeout=0, limit=1)
        except TelegramError as error:
            log.info("Telegram: last batch not confirmed, it will come again: %s", error.message)

    async def _next_batch(self, offset: int | None) -> list[dict]:
        """The next updates, or none once stop() was called (the long poll is then abandoned)."""
        fetch = asyncio.ensure_future(self._call(
            "getUpdates", offset=offset, timeout=self._poll_timeout,
            allowed_updates=list(ALLOWED_UPDATES),
            read_timeout=self._poll_timeout + self._request_timeout,
        ))
        stopping = asyncio.ensure_future(self._stopping.wait())
        await asyncio.wait({fetch, stopping}, return_when=asyncio.FIRST_COMPLETED)
        stopping.cancel()
        if not fetch.done():
            fetch.cancel()
            return []
        return [update for update in fetch.result() or () if isinstance(update, dict)]

    async def _dispatch(self, updates: list[dict]) -> None:
        """Handle a batch: one chat's updates in order, different chats side by side."""
        by_chat: dict[str, list[Incoming]] = {}
        for update in updates:
            incoming = to_incoming(update)
            if incoming is not None:
                by_chat.setdefault(incoming.chat_id, []).append(incoming)
        await asyncio.gather(*(self._handle_in_order(items) for items in by_chat.values()))

    async def _handle_in_order(self, items: list[Incoming]) -> None:
        for incoming in items:
            await self._handle(incoming)

    async def _handle(self, incoming: Incoming) -> None:
        _replying.set(True)
        acknowledgement = None
        try:
            acknowledgement = await self._on_update(await self._keep_photo(incoming))
        except Exception:
            log.exception("Telegram: handling update %s failed", incoming.update_id)
        finally:
            if incoming.kind == "callback":
                await self._answer_callback(incoming, acknowledgement)

    async def _keep_photo(self, incoming: Incoming) -> Incoming:
        if incoming.photo is None or not incoming.photo.startswith("telegram:"):
            return incoming
        file_id = incoming.photo.removeprefix("telegram:")
        ref = await self._photos.keep(self._call, self._download, file_id)
        return dataclasses.replace(incoming, photo=ref) if ref else incoming

    async def _download(self, file_path: str) -> bytes:
        return await self._http.retrieve(f"{self._bot.base_file_url}/{file_path}")

    async def _answer_callback(self, incoming: Incoming, acknowledgement: str | None) -> None:
        """Stop the button's spinner, showing the acknowledgement as a passing notice.

        A query older than Telegram's limit can no longer be answered; that is only logged.
        """
        query_id = incoming.extras.get("callback_query_id")
        if query_id is None:
            return
        notice = html_to_plain(acknowledgement)[:CALLBACK_NOTICE_LIMIT] if acknowledgement else None
        try:
            await self._call("answerCallbackQuery", callback_query_id=query_id, text=notice)
        except TelegramError as error:
            log.info("Telegram: answering a button press failed: %s", error.message)

    def knows_secret(self, headers: Mapping[str, str]) -> bool:
        """Whether a webhook request carries our secret (constant time); the web app asks before
        it reads the body."""
        expected = (self._settings.telegram_webhook_secret or "").encode()
        given = next((value for key, value in headers.items() if key.lower() == SECRET_HEADER), "")
        return bool(expected) and hmac.compare_digest(given.encode(), expected)

    async def receive_webhook(self, headers: Mapping[str, str], body: bytes) -> int | dict[str, Any]:
        """Take one update from the web app: 403 for a missing or wrong secret, 400 for garbage;
        otherwise 200, or the reply to carry in the answer (a Bot API call as JSON).

        The update is handled before answering, so Telegram delivers it again when the process
        dies first.
        """
        if not self.knows_secret(headers):
            return 403
        try:
            update = json.loads(body)
        except ValueError:
            return 400
        if not isinstance(update, dict) or not isinstance(update.get("update_id"), int):
            return 400
        incoming = to_incoming(update)
        if incoming is None:
            return 200
        held = HeldCall(incoming.chat_id) if self._settings.telegram_reply_in_webhook else None
        token, started = _held.set(held), time.monotonic()
        try:
            await self._handle(incoming)
        finally:
            _held.reset(token)
        if held is None:
            return 200
        if time.monotonic() - started > ANSWER_WITHIN:
            await self._release(held)
        return held.answer() or 200

    # --- sending --------------------------------------------------------------------------------

    async def send(self, message: Outgoing) -> str | None:
        """Send, or edit in place; returns the message id."""
        try:
            return await render(self._call, message, self._photos)
        except TelegramError as error:
            raise channel_error(error) from None

    async def delete_message(self, chat_id: str, ref: str) -> None:
        """Deletes a message the bot sent (a takedown); Telegram allows it for 48 hours."""
        if not ref.isdigit():
            raise ChannelError(f"Telegram: no message id {ref!r}", permanent=True)
        try:
            await self._call("deleteMessage", chat_id=chat_id, message_id=int(ref))
        except TelegramError as error:
            raise channel_error(error) from None

    async def _call(self, method: str, *, read_timeout: float | None = None, **params: Any) -> Any:
        """One Bot API call; while a webhook update is handled, a reply may instead be held for
        the webhook's answer (its result is then None).

        Telegram makes a carried call itself, past its rate too, and never says it refused one:
        so a reply is carried only while the local budget (TINTOT_TELEGRAM_RATE, which every
        message the bot sends spends) has a token in hand; otherwise it is requested, which waits
        out flood control. In a join rush the surplus is requested: late, never lost."""
        held = _held.get()
        if held is None:
            return await self._request(method, read_timeout=read_timeout, **params)
        await self._release(held)
        # A carried call's failure is never known: after flood control, every reply is requested.
        if (held.may_carry(method, params) and time.monotonic() >= self._flooded_until
                and self._budget.try_take()):
            held.hold(method, params)
            return None
        return await self._request(method, read_timeout=read_timeout, **params)

    async def _release(self, held: HeldCall) -> None:
        """Requests the held reply now; a failure is logged, as `Core.send` does for any reply."""
        try:
            await held.release(self._request)
        except TelegramError as error:
            log.warning("Telegram: a reply held for the webhook answer was not sent: %s", error.message)

    async def _request(self, method: str, *, read_timeout: float | None = None, **params: Any) -> Any:
        """One Bot API request. While an update is handled, flood control is waited out and the
        request tried again for up to REPLY_PATIENCE (a reply must still arrive); otherwise
        `RetryAfter` goes to the caller (a push then pauses the channel in the delivery engine)."""
        if self._bot is None:
            raise ChannelError("Telegram: kênh chưa khởi động")
        kwargs = {"read_timeout": read_timeout} if read_timeout is not None else {}
        give_up_at = time.monotonic() + (REPLY_PATIENCE if _replying.get() else 0.0)
        while True:
            if method in RATED:
                self._budget.take()  # a refused attempt may count at Telegram too
            try:
                return await self._bot.do_api_request(method, api_kwargs=params, **kwargs)
            except RetryAfter as error:
                wait = retry_after(error)
                self._flooded_until = time.monotonic() + wait + FLOOD_CAUTION
                if time.monotonic() + wait > give_up_at:
                    raise
                await asyncio.sleep(wait)


def _quiet_library_logs() -> None:
    # httpx logs each request URL at INFO and PTB its base URL at DEBUG: both contain the token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("telegram").setLevel(logging.INFO)
    # do_api_request warns that typed methods exist; not using them is the point (see package).
    # Set here rather than at import so it also holds under test runners that reset filters.
    warnings.filterwarnings("ignore", message=r"Please use 'Bot\.", category=PTBUserWarning)
    warnings.filterwarnings("ignore", message=r".*attribute `retry_after`", category=PTBDeprecationWarning)


def _commands(role: str = "student") -> list[BotCommand]:
    return [BotCommand(name, description) for name, description in command_menu(role)]
