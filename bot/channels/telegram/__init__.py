"""Telegram, through python-telegram-bot used thin: its HTTP transport, error classes and types.

Usage: `channel = TelegramChannel(settings, on_update)`; `await channel.start()` checks the token
with getMe, then long-polls, or registers the webhook when TELEGRAM_WEBHOOK_URL is set (the web
app then feeds `receive_webhook` at `WEBHOOK_PATH`). `send` renders an `Outgoing`; `stop` is safe
to call twice. Nothing outside this package imports `telegram`.

Bot API results are read as plain dicts through `Bot.do_api_request` rather than parsed into the
library's objects, which refuse what third-party Bot API emulators leave out (see `updates`).
"""

from bot.channels.telegram.channel import WEBHOOK_PATH, TelegramChannel

__all__ = ["WEBHOOK_PATH", "TelegramChannel"]
