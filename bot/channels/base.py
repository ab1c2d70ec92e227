"""What every chat channel offers the runtime, and the plain-text rendering shared by the
channels that have neither formatting nor buttons (Zalo, console)."""

from __future__ import annotations

import html
import re
from collections.abc import Awaitable, Callable
from typing import Protocol

from handlers.io import Incoming, Keyboard, Outgoing

# Takes one update; returns a short acknowledgement for a button press (Telegram shows it in
# `answerCallbackQuery`), or None.
UpdateHandler = Callable[[Incoming], Awaitable[str | None]]


class ChannelError(Exception):
    """A send the platform refused or that could not be made.

    `retry_after` is set on flood control (seconds to wait); `blocked` when the user blocked the
    bot; `maybe_delivered` when the request may have reached the platform (a read timeout), so
    sending it again could duplicate it; `permanent` when trying again cannot help (a chat that
    does not exist, a message the platform rejects).
    """

    def __init__(
        self,
        message: str,
        *,
        retry_after: float | None = None,
        blocked: bool = False,
        maybe_delivered: bool = False,
        permanent: bool = False,
    ) -> None:
        super().__init__(message)
        self.retry_after = retry_after
        self.blocked = blocked
        self.maybe_delivered = maybe_delivered
        self.permanent = permanent


class Channel(Protocol):
    """A chat platform as the runtime sees it.

    `start` checks the settings against the platform (raising `SystemExit` with one clear line
    when they are wrong) and begins feeding updates to the handler given at construction;
    `stop` is safe to call twice. `send` returns a reference to the message it sent, which a
    later `Outgoing.edit_ref` may name.
    """

    name: str

    async def start(self) -> None: ...

    async def stop(self) -> None: ...

    async def send(self, message: Outgoing) -> str | None: ...


_TAG = re.compile(r"</?(?:b|i|u|s|code|pre|a)(?:\s[^>]*)?>")


def html_to_plain(text: str) -> str:
    """The core's HTML subset as plain text: tags dropped, entities turned back into characters."""
    return html.unescape(_TAG.sub("", text))


def numbered_options(buttons: Keyboard, first: int = 1) -> str:
    """Buttons as numbered lines with a hint, for channels that have no buttons.

    The numbering is the core's: the n-th button in reading order is option `first` + n - 1
    (`Outgoing.first_option`, which continues the numbers of earlier messages of the same answer).
    """
    flat = [button for row in buttons for button in row]
    if not flat:
        return ""
    lines = [f"{number}. {button.label}" for number, button in enumerate(flat, start=first)]
    numbers = [str(number) for number in range(first, first + len(flat))]
    hint = numbers[0] if len(numbers) == 1 else ", ".join(numbers[:-1]) + " hoặc " + numbers[-1]
    return "\n".join(lines) + f"\n(Trả lời {hint})"


def render_plain(message: Outgoing) -> str:
    """The whole message as one plain text: body, then numbered options."""
    body = html_to_plain(message.text)
    options = numbered_options(message.buttons, message.first_option)
    return f"{body}\n\n{options}" if options else body
