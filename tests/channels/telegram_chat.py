"""Telegram users for end-to-end tests: each action waits until the core has handled it."""

from __future__ import annotations

import asyncio
from collections import Counter

from bot.channels.base import UpdateHandler
from tests.fakes.telegram_api import FakeTelegramAPI
from tests.fakes.telegram_methods import user


def counting(handler: UpdateHandler, handled: Counter) -> UpdateHandler:
    """`handler`, counting in `handled` the updates it has finished, by update_id."""

    async def on_update(incoming):
        try:
            return await handler(incoming)
        finally:
            handled[incoming.update_id] += 1

    return on_update


class Chat:
    """One Telegram user; each action waits until the bot has handled it and returns the bot's
    new messages to this chat."""

    def __init__(self, api: FakeTelegramAPI, handled: Counter, user_id: int, name: str) -> None:
        self.api, self.handled, self.id, self.user = api, handled, user_id, user(user_id, name, None)

    async def say(self, text: str) -> list[dict]:
        return await self._handled(lambda: self.api.queue_text(self.user, text))

    async def photo(self, file_id: str, caption: str) -> list[dict]:
        return await self._handled(lambda: self.api.queue_photo(self.user, file_id, caption))

    async def sticker(self) -> list[dict]:
        return await self._handled(lambda: self.api.queue_sticker(self.user))

    async def press(self, data: str) -> list[dict]:
        """Press the button with this data on the latest bot message that has it."""
        message = next(m for m in reversed(self.api.sent_to(self.id)) if data in buttons(m))
        answered = len(self.api.calls_of("answerCallbackQuery"))
        news = await self._handled(lambda: self.api.queue_callback(self.user, message["message_id"], data))
        await self.api.wait_for("answerCallbackQuery", answered + 1)
        return news

    async def press_on(self, message_id: int, data: str) -> list[dict]:
        """Press a button with any data on any bot message, as a modified client can."""
        answered = len(self.api.calls_of("answerCallbackQuery"))
        news = await self._handled(lambda: self.api.queue_callback(self.user, message_id, data))
        await self.api.wait_for("answerCallbackQuery", answered + 1)
        return news

    async def join(self, school: str = "CDCB") -> None:
        await self.say(f"/start {school}")
        await self.press("consent:yes")
        await self.press("age:adult")

    def texts(self) -> list[str]:
        return self.api.sent_texts(self.id)

    async def _handled(self, queue) -> list[dict]:
        before = len(self.api.sent_to(self.id))
        update_id = queue()
        # Through a webhook, a reply may come with the answer, after the core has handled the update.
        await until(lambda: self.handled[str(update_id)] > 0
                    and (not self.api.webhook_url or update_id in self.api.webhook_done))
        return self.api.sent_to(self.id)[before:]


def buttons(message: dict) -> list[str]:
    """The callback data of a bot message's buttons."""
    rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
    return [button["callback_data"] for row in rows for button in row]


async def until(condition, timeout: float = 3.0) -> None:
    async with asyncio.timeout(timeout):
        while not condition():
            await asyncio.sleep(0.01)
