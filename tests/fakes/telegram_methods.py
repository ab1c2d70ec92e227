"""What the fake Telegram Bot API knows and does: the updates waiting for the bot, the messages
the bot sent, the webhook and the command menus; one coroutine per Bot API method."""

from __future__ import annotations

import asyncio
import re
import time
from contextlib import suppress
from itertools import count
from typing import Any

from tests.fakes.pictures import jpeg

BOT_USER = {"id": 7000, "is_bot": True, "first_name": "Tin Tốt", "username": "TinTotBot"}

DELETE_WINDOW = 48 * 3600  # seconds during which a bot may delete what it sent

NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are "
    "exactly the same as a current content and reply markup of the message"
)


class ApiError(Exception):
    def __init__(self, status: int, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.description = description


def user(user_id: int, first_name: str = "Lan", last_name: str | None = "Nông") -> dict:
    """A Telegram user as updates carry it."""
    person = {"id": user_id, "is_bot": False, "first_name": first_name, "language_code": "vi"}
    return person | ({"last_name": last_name} if last_name else {})


class BotApiState:
    def __init__(self) -> None:
        self.updates: list[dict] = []  # queued and not yet confirmed by the bot
        self.messages: dict[int, dict] = {}  # what the bot sent, as it looks now
        self.deleted: dict[int, dict] = {}  # what the bot sent and then deleted
        self.uploads: list[Any] = []
        self.files: dict[str, bytes] = {}  # what users sent, by file_id, for getFile and download
        self.webhook_url = ""
        self.webhook_secret: str | None = None
        self.webhook_answers: list[int] = []  # HTTP status of each webhook delivery, 0 = no answer
        self.webhook_done: set[int] = set()  # update ids answered, and the call an answer named made
        self.commands: dict[str, list[dict]] = {}  # by scope: "default", "chat:42"
        # Channels by chat id ("@name" or "-100…"): True where the bot is an admin allowed to post.
        self.channels: dict[str, bool] = {}
        self.closed = False
        self._update_ids = count(1)
        self._message_ids = count(1)
        self._changed = asyncio.Event()
        self._methods = {
            "getMe": self._get_me, "getUpdates": self._get_updates,
            "setWebhook": self._set_webhook, "deleteWebhook": self._delete_webhook,
            "getWebhookInfo": self._get_webhook_info, "sendMessage": self._send_message,
            "sendPhoto": self._send_photo, "editMessageText": self._edit_text,
            "editMessageCaption": self._edit_caption, "editMessageReplyMarkup": self._edit_markup,
            "deleteMessage": self._delete_message,
            "answerCallbackQuery": self._answer_callback, "setMyCommands": self._set_commands,
            "getMyCommands": self._get_commands, "getFile": self._get_file,
            "getChatMember": self._get_chat_member,
        }
        self._by_lower_name = {name.lower(): name for name in self._methods}

    # --- updates the tests queue ----------------------------------------------------------------

    def queue_update(self, body: dict) -> int:
        """Queue a raw update; `body` may carry its own `update_id` (to send one twice)."""
        update = {"update_id": next(self._update_ids)} | body
        self.updates.append(update)
        self._notify()
        return update["update_id"]

    def queue_message(self, sender: int | dict, **content: Any) -> int:
        return self.queue_update(self.message_update(sender, **content))

    def message_update(self, sender: int | dict, **content: Any) -> dict:
        """An update with a message, not queued (to post to a webhook by hand); no update_id."""
        person = user(sender) if isinstance(sender, int) else sender
        chat = {"id": person["id"], "type": "private", "first_name": person["first_name"]}
        message = {"message_id": next(self._message_ids), "date": int(time.time()),
                   "chat": chat, "from": person}
        return {"message": message | content}

    def queue_text(self, sender: int | dict, text: str) -> int:
        return self.queue_message(sender, text=text)

    def queue_photo(self, sender: int | dict, file_id: str, caption: str | None = None) -> int:
        sizes = [{"file_id": f"{file_id}-thumb", "file_unique_id": "t", "width": 90, "height": 68},
                 {"file_id": file_id, "file_unique_id": "p", "width": 1280, "height": 960}]
        self.files.setdefault(file_id, jpeg(file_id))  # a test may put a photo of its own there first
        return self.queue_message(sender, photo=sizes, **({"caption": caption} if caption else {}))

    def queue_sticker(self, sender: int | dict) -> int:
        sticker = {"file_id": "sticker-1", "file_unique_id": "s1", "type": "regular", "width": 512,
                   "height": 512, "is_animated": False, "is_video": False, "emoji": "👍"}
        return self.queue_message(sender, sticker=sticker)

    def queue_callback(self, sender: int | dict, message_id: int, data: str) -> int:
        person = user(sender) if isinstance(sender, int) else sender
        query = {"id": f"cb{next(self._update_ids)}", "from": person, "chat_instance": "1",
                 "data": data, "message": self.messages[message_id]}
        return self.queue_update({"callback_query": query})

    # --- what the bot sent ----------------------------------------------------------------------

    def sent_to(self, chat_id: int) -> list[dict]:
        return [message for message in self.messages.values() if message["chat"]["id"] == chat_id]

    def sent_texts(self, chat_id: int) -> list[str]:
        """Text (or photo caption) of each message the bot sent to the chat, as edited since."""
        return [message.get("text", message.get("caption", "")) for message in self.sent_to(chat_id)]

    # --- plumbing for the HTTP side -------------------------------------------------------------

    def canonical(self, name: str) -> str | None:
        """Bot API method names are case-insensitive."""
        return self._by_lower_name.get(name.lower())

    async def run(self, method: str, params: dict[str, Any]) -> Any:
        return await self._methods[method](params)

    def close(self) -> None:
        self.closed = True
        self._notify()

    async def updates_changed(self) -> None:
        await self._changed.wait()

    def _notify(self) -> None:
        # A fresh event per change wakes every waiter once, without a waiter clearing it for others.
        self._changed.set()
        self._changed = asyncio.Event()

    # --- methods --------------------------------------------------------------------------------

    async def _get_me(self, params: dict) -> dict:
        return BOT_USER

    async def _get_updates(self, params: dict) -> list[dict]:
        if self.webhook_url:
            raise ApiError(409, "Conflict: can't use getUpdates method while webhook is active; "
                                "use deleteWebhook to delete the webhook first")
        offset = params.get("offset")
        if isinstance(offset, int) and offset > 0:
            self.updates = [update for update in self.updates if update["update_id"] >= offset]
        deadline = time.monotonic() + float(params.get("timeout") or 0)
        while not self.updates and not self.closed and (left := deadline - time.monotonic()) > 0:
            with suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), left)
        return self.updates[: params.get("limit") or 100]

    async def _set_webhook(self, params: dict) -> bool:
        self.webhook_url = params["url"]
        self.webhook_secret = params.get("secret_token")
        self._drop_pending_if_asked(params)
        self._notify()
        return True

    async def _delete_webhook(self, params: dict) -> bool:
        self.webhook_url = ""
        self._drop_pending_if_asked(params)
        return True

    def _drop_pending_if_asked(self, params: dict) -> None:
        if params.get("drop_pending_updates") is True:
            self.updates.clear()

    async def _get_webhook_info(self, params: dict) -> dict:
        return {"url": self.webhook_url, "has_custom_certificate": False,
                "pending_update_count": len(self.updates)}

    async def _send_message(self, params: dict) -> dict:
        text = params.get("text") or ""
        if not text.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        if len(text) > 4096:
            raise ApiError(400, "Bad Request: message is too long")
        _check_markup(text, params)
        return self._store(params, text=text)

    async def _send_photo(self, params: dict) -> dict:
        photo = params.get("photo")
        if not photo:
            raise ApiError(400, "Bad Request: there is no photo in the request")
        if not isinstance(photo, str):
            self.uploads.append(photo)
            photo = f"uploaded-{len(self.uploads)}"
        caption = params.get("caption") or ""
        if len(caption) > 1024:
            raise ApiError(400, "Bad Request: message caption is too long")
        _check_markup(caption, params)
        size = {"file_id": photo, "file_unique_id": photo[-8:], "width": 1280, "height": 960}
        return self._store(params, photo=[size], **({"caption": caption} if caption else {}))

    async def _get_chat_member(self, params: dict) -> dict:
        """Only the bot's own membership of the `channels`, which is what the bot asks."""
        chat = str(params.get("chat_id"))
        if chat not in self.channels:
            raise ApiError(400, "Bad Request: chat not found")
        if not self.channels[chat]:
            return {"status": "left", "user": BOT_USER}
        return {"status": "administrator", "user": BOT_USER, "can_post_messages": True, "can_be_edited": False}

    def _store(self, params: dict, **content: Any) -> dict:
        chat = params["chat_id"]
        kind = "private"
        if str(chat).startswith(("@", "-100")):
            if str(chat) not in self.channels:
                raise ApiError(400, "Bad Request: chat not found")
            if not self.channels[str(chat)]:
                raise ApiError(400, "Bad Request: need administrator rights in the channel chat")
            kind = "channel"
        message = {"message_id": next(self._message_ids), "date": int(time.time()),
                   "chat": {"id": chat, "type": kind}, "from": BOT_USER} | content
        if params.get("reply_markup"):
            message["reply_markup"] = params["reply_markup"]
        self.messages[message["message_id"]] = message
        return message

    async def _edit_text(self, params: dict) -> dict:
        return self._edit(params, "text")

    async def _edit_caption(self, params: dict) -> dict:
        return self._edit(params, "caption")

    async def _edit_markup(self, params: dict) -> dict:
        return self._edit(params, None)

    def _edit(self, params: dict, part: str | None) -> dict:
        message = self.messages.get(params.get("message_id"))
        if message is None or message["chat"]["id"] != params.get("chat_id"):
            raise ApiError(400, "Bad Request: message to edit not found")
        if part == "text" and "text" not in message:
            raise ApiError(400, "Bad Request: there is no text in the message to edit")
        if part == "caption" and "photo" not in message:
            raise ApiError(400, "Bad Request: there is no caption in the message to edit")
        edited = {key: value for key, value in message.items() if key != "reply_markup"}
        if part:
            _check_markup(params.get(part) or "", params)
            edited[part] = params.get(part) or ""
        if params.get("reply_markup"):
            edited["reply_markup"] = params["reply_markup"]
        if edited == message:
            raise ApiError(400, NOT_MODIFIED)
        self.messages[message["message_id"]] = edited
        return edited

    async def _delete_message(self, params: dict) -> bool:
        """As Telegram: only a message still there, in that chat, and sent less than 48 hours ago."""
        message = self.messages.get(params.get("message_id"))
        if message is None or message["chat"]["id"] != params.get("chat_id"):
            raise ApiError(400, "Bad Request: message to delete not found")
        if time.time() - message["date"] > DELETE_WINDOW:
            raise ApiError(400, "Bad Request: message can't be deleted for everyone")
        self.deleted[message["message_id"]] = self.messages.pop(message["message_id"])
        return True

    async def _answer_callback(self, params: dict) -> bool:
        if not params.get("callback_query_id"):
            raise ApiError(400, "Bad Request: query is too old and response timeout expired or query ID is invalid")
        return True

    async def _set_commands(self, params: dict) -> bool:
        self.commands[_scope_key(params)] = params["commands"]
        return True

    async def _get_commands(self, params: dict) -> list[dict]:
        return self.commands.get(_scope_key(params), [])

    async def _get_file(self, params: dict) -> dict:
        file_id = params.get("file_id", "")
        if file_id not in self.files:
            raise ApiError(400, "Bad Request: invalid file_id")
        return {"file_id": file_id, "file_unique_id": file_id[-8:],
                "file_size": len(self.files[file_id]), "file_path": f"photos/{file_id}.jpg"}

    def file_at(self, path: str) -> bytes | None:
        """The content getFile's `file_path` points to."""
        folder, _, name = path.partition("/")
        return self.files.get(name.removesuffix(".jpg")) if folder == "photos" else None


def _scope_key(params: dict) -> str:
    scope = params.get("scope") or {"type": "default"}
    return f"{scope['type']}:{scope['chat_id']}" if "chat_id" in scope else scope["type"]


_ALLOWED_TAGS = {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "code", "pre", "a",
                 "span", "tg-spoiler", "blockquote", "tg-emoji"}
_TAG = re.compile(r"<(/?)([a-z-]+)(?:\s[^<>]*)?>")
_ENTITY = re.compile(r"&(?:lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);")


def _check_markup(text: str, params: dict) -> None:
    """Refuse HTML the way Telegram does: unknown or unbalanced tags, bare `<`, `>` or `&`."""
    if str(params.get("parse_mode", "")).upper() != "HTML":
        return
    open_tags: list[str] = []
    for match in _TAG.finditer(text):
        closing, name = match.groups()
        if name not in _ALLOWED_TAGS:
            raise ApiError(400, f'Bad Request: can\'t parse entities: unsupported start tag "{name}"')
        if not closing:
            open_tags.append(name)
        elif not open_tags or open_tags.pop() != name:
            raise ApiError(400, f'Bad Request: can\'t parse entities: unmatched end tag "{name}"')
    if open_tags:
        raise ApiError(400, "Bad Request: can't parse entities: can't find end tag")
    if set(_ENTITY.sub("", _TAG.sub("", text))) & set("<>&"):
        raise ApiError(400, "Bad Request: can't parse entities: unexpected character")
