"""The neutral shapes that cross the line between a chat channel and the campaign core.

A channel turns a platform update into an `Incoming`; the core answers with `Outgoing`s that the
channel renders its own way. Neither side knows the other's platform.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from content import render

# "edited": a message changed after it was sent; "group": anything in a group chat (its content is
# never passed on); "blocked"/"unblocked": the member blocked or unblocked the bot.
IncomingKind = Literal["text", "photo", "callback", "sticker", "file", "other", "edited", "group", "blocked", "unblocked"]


@dataclass(frozen=True)
class Button:
    """One option offered to the user.

    `data` is an opaque token the core routes (for example ``approve:12:daily``); it stays under
    Telegram's 64-byte limit for callback data.
    """

    label: str
    data: str


Keyboard = tuple[tuple[Button, ...], ...]


@dataclass(frozen=True)
class Incoming:
    """What a user did, in platform-neutral terms.

    `photo` is a photo reference the channel can later send again (``telegram:<file_id>`` or
    ``media:<name>`` for a file in the media store). `update_id` is the platform's id for the
    update, used to process a redelivered update once. `message_ref` names the bot message a
    button was pressed on, so the core can edit it.
    """

    channel: str
    user_id: str
    chat_id: str
    display_name: str = ""
    kind: IncomingKind = "text"
    text: str = ""
    photo: str | None = None
    callback_data: str | None = None
    update_id: str | None = None
    message_ref: str | None = None
    sent_at: datetime | None = None
    extras: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        # Every text a person sends enters the core here, so a story, a /tin item, an announcement
        # or a name never carries a character that would break the pages and feeds built from it.
        object.__setattr__(self, "text", render.printable(self.text))
        object.__setattr__(self, "display_name", render.printable(self.display_name))

    @property
    def command(self) -> str | None:
        """The command word without slash or bot mention, lower-case; None for plain text."""
        match = _COMMAND.match(self.text.strip())
        return match.group(1).lower() if match else None

    @property
    def args(self) -> str:
        """Everything after the command word, stripped."""
        match = _COMMAND.match(self.text.strip())
        return (match.group(2) or "").strip() if match else self.text.strip()


# "/duyet@TinTotBot 12 tuan": word, optional mention, the rest (which may span lines).
_COMMAND = re.compile(r"^/([A-Za-z0-9_]+)(?:@\w+)?(?:\s+(.*))?$", re.DOTALL)


@dataclass(frozen=True)
class Outgoing:
    """A message for one chat.

    `text` is in the small HTML subset Telegram understands (``<b>``, ``<i>``), with every piece
    of user text escaped; channels without formatting turn it into plain text. `photo` is a photo
    reference as in `Incoming`; `photo_public` says it is a published story's photo, so a channel
    that sends photos by address may use its public one (the web app still decides what it serves).
    `edit_ref`, when set, asks the channel to replace that earlier bot message instead of sending
    a new one (channels that cannot edit send a new message). `first_option` is the number a
    channel without buttons gives this message's first button: the options of one answer are
    numbered across all its messages, so a typed number means one option only.
    """

    channel: str
    chat_id: str
    text: str
    photo: str | None = None
    buttons: Keyboard = ()
    edit_ref: str | None = None
    photo_public: bool = False
    first_option: int = 1
