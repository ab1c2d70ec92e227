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
ALLOWED_UPDATES = ("message", "edited_message", "callback_query", "my_chat_member")
# Posts in channels the bot administers: nobody to answer.
_IGNORED = ("channel_post", "edited_channel_post")
# `my_chat_member` statuses in a private chat: the user blocked the bot, or unblocked it.
_MEMBER_STATUS = {"kicked": "blocked", "member": "unblocked"}

_FILE_FIELDS = ("document", "video", "audio", "voice", "video_note", "animation")


def to_incoming(update: dict[str, Any]) -> Incoming | None:
    """The update as an `Incoming`, or None when it is not for the bot to answer.

    The bot talks to students one to one: a group chat becomes kind "group" with nothing of its
    content; updates without a user (channel posts) are not for the bot.
    """
    if any(key in update for key in _IGNORED):
        return None
    if isinstance(update.get("callback_query"), dict):
        return _from_callback(update, update["callback_query"])
    if isinstance(update.get("message"), dict):
        return _from_message(update, update["message"])
    if isinstance(update.get("edited_message"), dict):
        message = update["edited_message"]
        return _build(update, message.get("from"), message.get("chat"), "edited", sent_at=_timestamp(message.get("date")))
    if isinstance(update.get("my_chat_member"), dict):
        return _from_member_update(update, update["my_chat_member"])
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


def _from_member_update(update: dict, change: dict) -> Incoming | None:
    """The user blocked or unblocked the bot; in a group, the bot was added (it says once that
    it works in private chats)."""
    status = _as_dict(change.get("new_chat_member")).get("status")
    if _as_dict(change.get("chat")).get("type", "private") != "private":
        return _build(update, change.get("from"), change.get("chat"), "group") if status in ("member", "administrator") else None
    kind = _MEMBER_STATUS.get(status)
    return _build(update, change.get("from"), change.get("chat"), kind) if kind else None


def _from_unknown(update: dict) -> Incoming | None:
    """Any other update type: the first object in it that names a user."""
    for key, body in update.items():
        if key != "update_id" and isinstance(body, dict) and isinstance(body.get("from"), dict):
            chat = body.get("chat") or _as_dict(body.get("message")).get("chat")
            return _build(update, body["from"], chat, "other")
    return None


def _content(message: dict) -> tuple[IncomingKind, str, str | None]:
    """Kind, text and photo reference of a message."""
    largest = largest_file_id(message.get("photo"))
    if largest is not None:
        return "photo", _text(message.get("caption")), f"telegram:{largest}"
    if isinstance(message.get("text"), str):
        return "text", message["text"], None
    if message.get("sticker") is not None:
        return "sticker", "", None
    if any(message.get(name) is not None for name in _FILE_FIELDS):
        return "file", _text(message.get("caption")), None
    return "other", "", None


def largest_file_id(sizes: Any) -> str | None:
    """The file_id of a photo's biggest size; Telegram lists sizes smallest first, so ties go last."""
    sizes = sizes if isinstance(sizes, list) else []
    candidates = [(index, size) for index, size in enumerate(sizes)
                  if isinstance(size, dict) and size.get("file_id")]
    if not candidates:
        return None
    _, size = max(candidates, key=lambda item: (_area(item[1]), item[0]))
    return str(size["file_id"])


def _area(size: dict) -> int:
    width, height = size.get("width"), size.get("height")
    return width * height if isinstance(width, int) and isinstance(height, int) else 0


def _build(update: dict, user: Any, chat: Any, kind: IncomingKind, **fields: Any) -> Incoming | None:
    user, chat = _as_dict(user), _as_dict(chat)
    if user.get("id") is None:
        return None
    update_id = update.get("update_id")
    if chat.get("type", "private") != "private":
        # Only a message or the bot joining can earn a group its one notice; never a button, and
        # never a channel (the bot is its admin for cross-posts: readers hear only the posts).
        if kind == "callback" or chat.get("id") is None or chat.get("type") == "channel":
            return None
        return Incoming(channel=CHANNEL, user_id=str(user["id"]), chat_id=str(chat["id"]), kind="group",
                        update_id=str(update_id) if update_id is not None else None)
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
