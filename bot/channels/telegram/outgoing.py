"""The core's `Outgoing`s as Bot API calls, and Bot API errors as `ChannelError`s."""

from __future__ import annotations

import functools
import json
import logging
from datetime import timedelta
from typing import Any

import httpx
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, InvalidToken, RetryAfter, TelegramError, TimedOut

from bot.channels.base import ChannelError, html_to_plain
from bot.channels.telegram.photos import Call, Photos
from handlers.io import Keyboard, Outgoing

log = logging.getLogger(__name__)

# Visible text in UTF-16 code units, as Telegram counts it.
CAPTION_LIMIT = 1024
TEXT_LIMIT = 4096


async def render(call: Call, message: Outgoing, photos: Photos) -> str | None:
    """Send the message (or edit the one it names); returns the id of the message shown."""
    markup = _keyboard(message.buttons)
    if message.edit_ref and await _edit(call, message, markup):
        return message.edit_ref
    if not message.photo:
        return _message_id(await _send_text(call, message.chat_id, message.text, markup))
    if _visible_length(message.text) <= CAPTION_LIMIT:
        return _message_id(await photos.send(
            call, message.photo, chat_id=message.chat_id, caption=message.text or None,
            parse_mode=ParseMode.HTML, reply_markup=markup))
    # Too long for a caption: the photo, then the text with the buttons under it.
    await photos.send(call, message.photo, chat_id=message.chat_id)
    return _message_id(await _send_text(call, message.chat_id, message.text, markup))


async def _send_text(call: Call, chat_id: str, text: str, markup: str | None) -> Any:
    """One message, or several when the text is longer than Telegram takes; the buttons go under
    the last, whose result is returned."""
    *first, last = _pieces(text)
    for piece in first:
        await call("sendMessage", chat_id=chat_id, text=piece, parse_mode=ParseMode.HTML)
    return await call("sendMessage", chat_id=chat_id, text=last, parse_mode=ParseMode.HTML,
                      reply_markup=markup)


def _pieces(text: str) -> list[str]:
    """The text cut at line ends (the core's tags never span lines), or at spaces within a line
    too long by itself (escaped entities hold no space), each piece within TEXT_LIMIT."""
    if _utf16_length(text) <= TEXT_LIMIT:
        return [text]  # what shows is never longer than the HTML: tags go, entities shrink
    pieces = [""]
    for line in _short_lines(text):
        joined = f"{pieces[-1]}\n{line}" if pieces[-1] else line
        if _visible_length(joined) <= TEXT_LIMIT:
            pieces[-1] = joined
        else:
            pieces.append(line)
    return pieces


def _short_lines(text: str) -> list[str]:
    lines = []
    for line in text.split("\n"):
        while _visible_length(line) > TEXT_LIMIT:
            cut = line.rfind(" ", 0, TEXT_LIMIT // 2)  # half: room for entities and wide characters
            cut = cut if cut > 0 else TEXT_LIMIT // 2
            lines.append(line[:cut])
            line = line[cut:].lstrip(" ")
        lines.append(line)
    return lines


async def _edit(call: Call, message: Outgoing, markup: str | None) -> bool:
    """Replace the earlier message; False when Telegram cannot (too old, gone, or another kind
    of message), and the caller then sends a new one."""
    if not message.edit_ref.isdigit():
        return False
    method, part = ("editMessageCaption", "caption") if message.photo else ("editMessageText", "text")
    try:
        await call(method, chat_id=message.chat_id, message_id=int(message.edit_ref),
                   parse_mode=ParseMode.HTML, reply_markup=markup, **{part: message.text})
    # InvalidToken is how a 404 comes back: the token passed getMe, so the server (an emulator)
    # has no such method.
    except (BadRequest, InvalidToken) as error:
        # "Not modified": the message already reads as asked, as when two moderators decide at
        # once; a second copy would only repeat it.
        if "not modified" in error.message.lower():
            return True
        log.info("Telegram: edit refused, sending anew: %s", error.message)
        return False
    return True


@functools.lru_cache(maxsize=256)
def _keyboard(buttons: Keyboard) -> str | None:
    """The inline keyboard as the Bot API's JSON, written directly: library objects, built and
    serialised again for every message of a push, slowed the push (docs/benchmarks.md).
    Every member of a push gets the same buttons: written once."""
    if not buttons:
        return None
    rows = [[{"text": button.label, "callback_data": button.data} for button in row] for row in buttons]
    return json.dumps({"inline_keyboard": rows}, ensure_ascii=False)


def _message_id(result: Any) -> str | None:
    message_id = result.get("message_id") if isinstance(result, dict) else None
    return str(message_id) if message_id is not None else None


def _visible_length(text: str) -> int:
    return _utf16_length(html_to_plain(text))


def _utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def retry_after(error: RetryAfter) -> float:
    """Seconds to wait; until PTB 23 the attribute is an int, or a timedelta on opt-in."""
    value = error.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


NO_RIGHTS = ("not enough rights", "need administrator rights", "have no rights")


def channel_error(error: TelegramError) -> ChannelError:
    if isinstance(error, RetryAfter):
        return ChannelError(f"Telegram: {error.message}", retry_after=retry_after(error))
    if isinstance(error, Forbidden):
        return ChannelError(f"Telegram: {error.message}", blocked=True)
    if isinstance(error, BadRequest):
        # A channel where the bot may not post answers 400, not 403: it refuses as a blocked chat does.
        refused = any(words in error.message.lower() for words in NO_RIGHTS)
        return ChannelError(f"Telegram: {error.message}", blocked=refused, permanent=not refused)
    if isinstance(error, TimedOut):
        # Only a read timeout comes after the whole request went out; connect and pool timeouts
        # mean it never left.
        sent = isinstance(error.__cause__, httpx.ReadTimeout)
        return ChannelError(f"Telegram: {error.message}", maybe_delivered=sent)
    return ChannelError(f"Telegram: {error.message}")
