"""A fake Bot API in a process of its own, so a benchmark measures the bot alone.

Usage: python -m tests.benchmarks.fake_process telegram [RATE] | zalo
(prints "URL TOKEN", serves until killed; RATE: Telegram's messages a second, unlimited if left out)
"""

import asyncio
import sys

from tests.fakes.telegram_api import FakeTelegramAPI
from tests.fakes.zalo_api import FakeZalo

ZALO_TOKEN = "zalo-bench-token"


async def main(platform: str, rate: str | None = None) -> None:
    if platform == "telegram":
        async with FakeTelegramAPI() as api:
            if rate is not None:
                api.limit_rate(float(rate))
            print(api.url, api.token, flush=True)
            await asyncio.Event().wait()
    async with FakeZalo(ZALO_TOKEN).running() as zalo:
        print(zalo.base_url, ZALO_TOKEN, flush=True)
        await asyncio.Event().wait()


if __name__ == "__main__":
    asyncio.run(main(*sys.argv[1:3]))
