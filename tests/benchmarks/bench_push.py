"""Pushes against a fake Telegram Bot API on 127.0.0.1, through the real channel and engine:

- push efficiency: delivered/s ÷ configured rate, 10,000 members at 30/s (goal ≥ 0.95);
- p99 reply time to /start from new users during that push (goal < 500 ms);
- engine headroom: delivered/s with no limit on either side (goal ≥ 1,000/s), through each
  channel's real HTTP client, and for the engine alone (a channel that sends nowhere);
- RSS growth of the bot during a 100,000-member push (goal < 50 MB).

The headroom and memory runs keep the fake server in a process of its own, so the figures are
the bot's alone; the two still share this machine's two cores.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import httpx
from telegram import Bot
from telegram.request import HTTPXRequest

from bot.channels.telegram import TelegramChannel
from bot.channels.zalo import ZaloChannel
from bot.core import Core
from bot.database import open_database
from bot.delivery import IN_FLIGHT, Sender
from bot.media import MediaStore
from bot.settings import Settings
from handlers.context import CoreConfig
from tests.campaign import FIRST_CHAT, publish_to, statuses
from tests.fakes.telegram_api import FakeTelegramAPI

UNLIMITED = 1_000_000.0
POST_TEXT = "Tin tốt: cả trường cùng trồng 500 cây xanh."  # the post of tests.campaign


def run() -> None:
    print("Pushes through the Telegram channel (fake Bot API on 127.0.0.1, SQLite):")
    # First, while this process holds only what a running bot holds: RSS never shrinks, so a
    # campaign built here earlier would hide the push's own growth.
    with _fake_in_own_process("telegram") as (url, token):
        growth, peak, seconds = asyncio.run(_memory(url, token, members=100_000))
        print(f"  RSS growth during a 100,000-member push: {growth:.1f} MB (peak {peak:.0f} MB) in {seconds:.0f} s (goal < 50 MB)")
    efficiency, p99 = asyncio.run(_efficiency_and_latency(members=10_000, rate=30))
    print(f"  push efficiency, 10,000 members at 30/s: {efficiency:.3f} of the configured rate (goal ≥ 0.95)")
    print(f"  p99 reply to /start during that push: {p99 * 1000:.0f} ms (goal < 500 ms)")
    run_headroom()


def run_headroom() -> None:
    """The headroom figures alone (`python -m tests.benchmarks.bench_push headroom`, about a minute).
    The bot's CPU time per delivery moves far less with the machine's load than delivered/s."""
    alone, cpu = asyncio.run(_headroom(NowhereChannel, "telegram", members=10_000))
    print(f"  engine headroom, engine alone (no HTTP): {alone:,.0f} delivered/s; bot CPU {cpu * 1e6:.0f} µs a delivery")
    for platform, make in (("zalo", _zalo_channel), ("telegram", _telegram_channel)):
        with _fake_in_own_process(platform) as (url, token):
            per_second, cpu = asyncio.run(_headroom(lambda folder: make(url, token, folder), platform, members=10_000))
            plain = asyncio.run(PLAIN_LOOPS[platform](url, token, messages=10_000))
            print(f"  engine headroom over HTTP, {platform}: {per_second:,.0f} delivered/s (goal ≥ 1,000/s), "
                  f"bot CPU {cpu * 1e6:.0f} µs a delivery; a plain {LIBRARIES[platform]} send loop on the same server: "
                  f"{plain:,.0f}/s ({per_second / plain:.2f} of it)")
    print(f"  load average {os.getloadavg()[0]:.1f} (2 cores; figures from a busy machine are lower)")


def _settings(url: str, token: str, folder: str) -> Settings:
    return Settings(_env_file=None, telegram_bot_token=token, telegram_bot_api_url=url, tintot_media_dir=folder)


async def _no_updates(incoming) -> None:  # noqa: ANN001
    return None


async def _push(engine, channel, rate: float) -> float:
    sender = Sender(engine=engine, channel=channel, rate=rate)
    started = time.perf_counter()
    while await sender.send_window():
        pass
    return time.perf_counter() - started


def _delivered(engine) -> int:
    return sum(status == "sent" for status in statuses(engine).values())


async def _efficiency_and_latency(members: int, rate: float) -> tuple[float, float]:
    with tempfile.TemporaryDirectory() as folder:
        engine = open_database(f"sqlite:///{folder}/bench.db")
        publish_to(engine, members)
        async with FakeTelegramAPI() as api:
            core = Core(engine=engine, config=CoreConfig())
            channel = TelegramChannel(_settings(api.url, api.token, folder), core.handle)
            core.attach(channel)
            await channel.start()
            push = asyncio.create_task(_push(engine, channel, rate))
            latencies = await _ask_start_during(api, push, interval=1.5)
            seconds = await push
            await channel.stop()
        delivered = _delivered(engine)
        engine.dispose()
    p99 = statistics.quantiles(latencies, n=100)[98]
    return delivered / seconds / rate, p99


async def _ask_start_during(api: FakeTelegramAPI, push: asyncio.Task, interval: float) -> list[float]:
    """New users send /start every `interval` seconds while the push runs; time to the reply."""
    latencies: list[float] = []
    user = 1
    while not push.done():
        asked = time.perf_counter()
        api.queue_text(user, "/start")
        while not api.sent_to(user):
            await asyncio.sleep(0.002)
        latencies.append(time.perf_counter() - asked)
        user += 1
        await asyncio.sleep(interval)
    return latencies


class NowhereChannel:
    """Sends nowhere: what is left is the engine's own work (claims, records, events)."""

    name = "telegram"

    def __init__(self, folder: str) -> None: ...

    async def start(self) -> None: ...

    async def stop(self) -> None: ...

    async def send(self, message) -> None:  # noqa: ANN001
        await asyncio.sleep(0)


LIBRARIES = {"zalo": "httpx", "telegram": "python-telegram-bot"}


async def _plain_loop(send, messages: int) -> float:  # noqa: ANN001
    """`messages` sends through `send(chat_id)`, IN_FLIGHT at a time, as the engine sends."""
    chats = iter(range(FIRST_CHAT, FIRST_CHAT + messages))

    async def worker() -> None:
        for chat in chats:
            await send(chat)

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(IN_FLIGHT)))
    return messages / (time.perf_counter() - started)


async def _plain_telegram(url: str, token: str, messages: int) -> float:
    """python-telegram-bot as its documentation shows it: `Bot.send_message`, nothing else."""
    async with Bot(token, base_url=f"{url}/bot", request=HTTPXRequest(connection_pool_size=IN_FLIGHT)) as bot:
        return await _plain_loop(lambda chat: bot.send_message(chat, POST_TEXT), messages)


async def _plain_zalo(url: str, token: str, messages: int) -> float:
    async with httpx.AsyncClient() as client:

        async def send(chat: int) -> None:
            answer = await client.post(f"{url}/bot{token}/sendMessage", json={"chat_id": str(chat), "text": POST_TEXT})
            answer.raise_for_status()

        return await _plain_loop(send, messages)


PLAIN_LOOPS = {"zalo": _plain_zalo, "telegram": _plain_telegram}


def _telegram_channel(url: str, token: str, folder: str) -> TelegramChannel:
    return TelegramChannel(_settings(url, token, folder), _no_updates)


def _zalo_channel(url: str, token: str, folder: str) -> ZaloChannel:
    settings = Settings(_env_file=None, zalo_bot_token=token, zalo_bot_api_url=url, tintot_media_dir=folder)
    return ZaloChannel(settings, _no_updates, MediaStore.from_settings(settings))


async def _headroom(make_channel, platform: str, members: int) -> tuple[float, float]:  # noqa: ANN001
    """Delivered/s, and the bot's CPU seconds per delivery (the fake server runs elsewhere)."""
    with tempfile.TemporaryDirectory() as folder:
        engine = open_database(f"sqlite:///{folder}/bench.db")
        publish_to(engine, members, channel=platform)
        channel = make_channel(folder)
        await channel.start()
        cpu = time.process_time()
        seconds = await _push(engine, channel, UNLIMITED)
        cpu = time.process_time() - cpu
        await channel.stop()
        delivered = _delivered(engine)
        engine.dispose()
    return delivered / seconds, cpu / delivered


async def _memory(url: str, token: str, members: int) -> tuple[float, float, float]:
    with tempfile.TemporaryDirectory() as folder:
        database_url = f"sqlite:///{folder}/bench.db"
        # Seeded in another process: building 100,000 rows here would raise this process's RSS
        # high-water mark and hide what the push itself uses.
        seeding = multiprocessing.get_context("spawn").Process(target=_seed, args=(database_url, members))
        seeding.start()
        seeding.join()
        engine = open_database(database_url)
        channel = _telegram_channel(url, token, folder)
        await channel.start()
        await _push_window_count(engine, channel, 64)  # warm up: pools, caches, code paths
        baseline = peak = _rss_mb()
        push = asyncio.create_task(_push(engine, channel, UNLIMITED))
        while not push.done():
            peak = max(peak, _rss_mb())
            await asyncio.sleep(0.2)
        seconds = await push
        await channel.stop()
        assert _delivered(engine) == members
        engine.dispose()
    return peak - baseline, peak, seconds


def _seed(database_url: str, members: int) -> None:
    publish_to(open_database(database_url), members)


async def _push_window_count(engine, channel, windows: int) -> None:
    sender = Sender(engine=engine, channel=channel, rate=UNLIMITED)
    for _ in range(windows):
        await sender.send_window()


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


@contextmanager
def _fake_in_own_process(platform: str, *options: str):
    command = [sys.executable, "-m", "tests.benchmarks.fake_process", platform, *options]
    server = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    try:
        url, token = server.stdout.readline().split()
        yield url, token
    finally:
        server.kill()
        server.wait()


if __name__ == "__main__":
    run_headroom() if sys.argv[1:] == ["headroom"] else run()
