"""A reply carried in the webhook's own answer.

Telegram lets the answer to a webhook request carry one Bot API call, which it then makes itself:
the reply to an update then costs no request of its own, and a request is most of what handling
an update costs. Telegram says nothing about whether that call succeeded, so only calls whose
result nobody reads may go there: a text that fits one message, to the chat the update came from,
and the answer to a button press (its spinner). The update's last such call is held back; when
another call follows, the held one is made first, the ordinary way, so the order is kept.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

# Calls the answer may carry: their results are never read.
CARRIED = frozenset({"sendMessage", "answerCallbackQuery"})
# Calls that spend Telegram's overall budget of about 30 a second: what the bot sends or changes.
RATED = CARRIED | {"sendPhoto", "editMessageText", "editMessageCaption", "editMessageReplyMarkup"}

MakeCall = Callable[..., Awaitable[Any]]


class HeldCall:
    """The one call an update's webhook answer may carry, for the chat `chat_id`."""

    def __init__(self, chat_id: str) -> None:
        self._chat_id = chat_id
        self._held: tuple[str, dict[str, Any]] | None = None

    def may_carry(self, method: str, params: dict[str, Any]) -> bool:
        if method not in CARRIED:
            return False
        return method == "answerCallbackQuery" or str(params.get("chat_id")) == self._chat_id

    def hold(self, method: str, params: dict[str, Any]) -> None:
        self._held = (method, params)

    async def release(self, make_call: MakeCall) -> None:
        """Makes the held call now (another call comes after it, or there is no answer to carry it)."""
        held, self._held = self._held, None
        if held is not None:
            method, params = held
            await make_call(method, **params)

    def answer(self) -> dict[str, Any] | None:
        """The held call as the webhook answer's JSON body, or None when nothing is held."""
        if self._held is None:
            return None
        method, params = self._held
        body = {"method": method}
        for name, value in params.items():
            if value is None:
                continue
            # The keyboard arrives as the JSON text a request carries; the answer is JSON itself.
            body[name] = json.loads(value) if name == "reply_markup" and isinstance(value, str) else value
        return body
