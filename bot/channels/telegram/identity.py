"""The bot's own username, asked of the Bot API, for join links (`tintot schools links`)."""

from __future__ import annotations

import warnings

from telegram import Bot
from telegram.error import InvalidToken, TelegramError
from telegram.request import HTTPXRequest
from telegram.warnings import PTBUserWarning

from bot.settings import Settings


async def bot_username(settings: Settings) -> str:
    """getMe's username; `SystemExit` naming the setting when the token or the server is wrong."""
    api = settings.telegram_bot_api_url.rstrip("/")
    request = HTTPXRequest(connection_pool_size=1)
    bot = Bot(settings.telegram_bot_token or "", base_url=f"{api}/bot", request=request)
    try:
        with warnings.catch_warnings():
            # Read as a dict, as the channel does: emulators may leave out fields a User needs.
            warnings.simplefilter("ignore", PTBUserWarning)
            me = await bot.do_api_request("getMe")
    except InvalidToken:
        raise SystemExit("Cấu hình sai: TELEGRAM_BOT_TOKEN: máy chủ Bot API từ chối token này") from None
    except TelegramError as error:
        raise SystemExit(f"Không hỏi được tên bot ở {settings.telegram_bot_api_url} ({error.message})") from None
    finally:
        await request.shutdown()
    return me["username"]
