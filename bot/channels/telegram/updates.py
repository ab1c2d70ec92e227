"""Telegram updates, as the raw JSON the Bot API sends, turned into `Incoming`s.

Parsing the plain dicts (rather than python-telegram-bot's `Update.de_json`) is deliberate: the
library refuses an update that lacks a field the Bot API marks required (`is_bot`, `date`,
`chat.type`), and third-party Bot API emulators often leave those out. One such update inside a
`getUpdates` batch would otherwise fail the whole batch, forever.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from handlers.io import Incoming, IncomingKind

CHANNEL = "telegram"

# What the bot asks Telegram for; anything else (from an emulator that ignores the list) is still
# passed on as kind "other" when it comes from a user, so the core can answer with help.
ALLOWED_UPDATES = ("message", "callback_query")

_FILE_FIELDS = ("document", "video", "audio", "voice", "video_note", "animation")


def to_incoming(update: dict[str, Any]) -> Incoming | None:
    """The update as an `Incoming`, or None when it is not for the bot to answer.

    Updates without a user, and updates from group chats, are not for the bot: it only talks to
    students one to one.
    """
    if isinstance(update.get("callback_query"), dict):
        return _from_callback(update, update["callback_query"])
    if isinstance(update.get("message"), dict):
        return _from_message(update, update["message"])
    return _from_unknown(update)


def _from_message(update: dict, message: dict) -> Incoming | None:
    kind, text, photo = _content(message)
    return _build(update, message.get("from"), message.get("chat"), kind, text=text, photo=photo,
                  sent_at=_timestamp(message.get("date")))


def _from_callback(update: dict, query: dict) -> Incoming | None:
    message = _as_dict(query.get("message"))
    message_id = message.get("message_id")
    return _build(
        update,
        query.get("from"),
        message.get("chat"),
        "callback",
        callback_data=query.get("data"),
        message_ref=str(message_id) if message_id is not None else None,
        extras={"callback_query_id": str(query["id"])} if query.get("id") is not None else {},
    )


def _from_unknown(update: dict) -> Incoming | None:
    """Any other update type: the first object in it that names a user."""
    for key, body in update.items():
        if key != "update_id" and isinstance(body, dict) and isinstance(body.get("from"), dict):
            chat = body.get("chat") or _as_dict(body.get("message")).get("chat")
            return _build(update, body["from"], chat, "other")
    return None


def _content(message: dict) -> tuple[IncomingKind, str, str | None]:
    """Kind, text and photo reference of a message."""
    photos = [size for size in message.get("photo") or () if isinstance(size, dict)]
    largest = _largest(photos)
    if largest is not None:
        return "photo", _text(message.get("caption")), f"telegram:{largest}"
    if isinstance(message.get("text"), str):
        return "text", message["text"], None
    if message.get("sticker") is not None:
        return "sticker", "", None
    if any(message.get(name) is not None for name in _FILE_FIELDS):
        return "file", _text(message.get("caption")), None
    return "other", "", None


def _largest(photos: list[dict]) -> str | None:
    """The file_id of the biggest size; Telegram lists sizes smallest first, so ties go last."""
    candidates = [(index, size) for index, size in enumerate(photos) if size.get("file_id")]
    if not candidates:
        return None
    _, size = max(candidates, key=lambda item: (_area(item[1]), item[0]))
    return str(size["file_id"])


def _area(size: dict) -> int:
    width, height = size.get("width"), size.get("height")
    return width * height if isinstance(width, int) and isinstance(height, int) else 0


def _build(update: dict, user: Any, chat: Any, kind: IncomingKind, **fields: Any) -> Incoming | None:
    user, chat = _as_dict(user), _as_dict(chat)
    if user.get("id") is None or chat.get("type", "private") != "private":
        return None
    update_id = update.get("update_id")
    return Incoming(
        channel=CHANNEL,
        user_id=str(user["id"]),
        # A private chat's id is the user's id; an emulator may leave the chat out of a callback.
        chat_id=str(chat.get("id", user["id"])),
        display_name=_display_name(user),
        kind=kind,
        update_id=str(update_id) if update_id is not None else None,
        **fields,
    )


def _display_name(user: dict) -> str:
    name = " ".join(_text(user.get(part)).strip() for part in ("first_name", "last_name"))
    return name.strip() or _text(user.get("username"))


def _timestamp(value: Any) -> datetime | None:
    if not isinstance(value, int | float) or value <= 0:
        return None
    return datetime.fromtimestamp(value, tz=UTC)


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _as_dict(value: Any) -> dict:
    return value if isinstance(value, dict) else {}
