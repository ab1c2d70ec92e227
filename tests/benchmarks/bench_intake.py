"""Webhook intake: 16 clients send /start from new users as fast as the bot takes them, each
waiting for its answer (a webhook is answered once the update is handled and its replies sent).

Measured on `tintot run` processes against a fake Telegram Bot API in a process of its own: SQLite
with one process (goal ≥ 300 updates/s, p99 < 100 ms), PostgreSQL with one and with three
(updates spread round-robin, as a load balancer would).
"""

from __future__ import annotations

import asyncio
import itertools
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from bot.channels.telegram import WEBHOOK_PATH
from bot.channels.telegram.channel import SECRET_HEADER
from tests.benchmarks.bench_push import _fake_in_own_process
from tests.fakes.http import free_socket
from tests.postgres import PostgresServer
from tests.processes import bot_environment, until_healthy

CLIENTS = 16
WARM_UP = 200
UPDATES = 3000
SECRET = "bench-webhook-secret"


class _Api:
    def __init__(self, url: str, token: str) -> None:
        self.url, self.token = url, token


def run() -> None:
    with _fake_in_own_process("telegram") as (url, token), tempfile.TemporaryDirectory() as folder:
        api = _Api(url, token)
        _report("SQLite, 1 process", asyncio.run(_intake(api, f"sqlite:///{folder}/bench.db", Path(folder), 1)))
        server = PostgresServer.start()
        if server is None:
            print("intake: PostgreSQL is not installed here: measured on SQLite only")
            return
        try:
            for processes in (1, 3):
                result = asyncio.run(_intake(api, server.new_database(), Path(folder), processes))
                _report(f"PostgreSQL, {processes} process{'es' if processes > 1 else ''}", result)
        finally:
            server.stop()


def _report(setup: str, result: tuple[float, float, int, int]) -> None:
    per_second, p99, answered, updates = result
    print(f"intake [{setup}]: {CLIENTS} concurrent /start from new users: {per_second:,.0f} updates/s, "
          f"p99 {p99 * 1000:.0f} ms; answered: {answered:,} of {updates:,}")


async def _intake(api: _Api, database_url: str, folder: Path, processes: int) -> tuple[float, float, int, int]:
    bots, ports = _start(api, database_url, folder, processes)
    try:
        for port in ports:
            await until_healthy(port)
        async with httpx.AsyncClient(timeout=30, limits=httpx.Limits(max_connections=CLIENTS * 2)) as client:
            users = itertools.count(1_000_000 + processes * 100_000)
            first = await _replies(client, api)
            warm_up = len(await _load(client, ports, users, WARM_UP))
            before = await _replies(client, api)
            started = time.perf_counter()
            latencies = await _load(client, ports, users, UPDATES)
            seconds = time.perf_counter() - started
            replies = await _replies(client, api) - before
            per_start = (before - first) / warm_up  # a /start is answered with this many messages
    finally:
        for bot in bots:
            bot.terminate()
        for bot in bots:
            bot.wait(30)
    p99 = statistics.quantiles(latencies, n=100)[98]
    return len(latencies) / seconds, p99, round(replies / per_start), len(latencies)


def _start(api: _Api, database_url: str, folder: Path, processes: int) -> tuple[list[subprocess.Popen], list[int]]:
    bots, ports = [], []
    for number in range(processes):
        with free_socket() as sock:
            port = sock.getsockname()[1]
        env = bot_environment(api, database_url, folder, TELEGRAM_WEBHOOK_URL=f"http://127.0.0.1:{port}{WEBHOOK_PATH}",
                              TELEGRAM_WEBHOOK_SECRET=SECRET, TINTOT_HTTP_PORT=str(port))
        log = open(folder / f"intake-{processes}-{number}.log", "ab")  # noqa: SIM115 (the child owns it)
        bots.append(subprocess.Popen([sys.executable, "-m", "bot", "run"], env=env, stdout=log, stderr=log))
        ports.append(port)
    return bots, ports


async def _load(client: httpx.AsyncClient, ports: list[int], users, count: int) -> list[float]:  # noqa: ANN001
    """`count` /start updates from new users over CLIENTS connections; each one's answer time."""
    latencies: list[float] = []
    turns = itertools.cycle(ports)

    async def client_loop() -> None:
        while len(latencies) < count:
            user = next(users)
            update = {"update_id": user, "message": {
                "message_id": 1, "date": int(time.time()), "text": "/start",
                "chat": {"id": user, "type": "private", "first_name": "Học sinh"},
                "from": {"id": user, "is_bot": False, "first_name": "Học sinh"}}}
            asked = time.perf_counter()
            answer = await client.post(f"http://127.0.0.1:{next(turns)}{WEBHOOK_PATH}", json=update,
                                       headers={SECRET_HEADER: SECRET})
            assert answer.status_code == 200, answer.status_code
            latencies.append(time.perf_counter() - asked)

    await asyncio.gather(*(client_loop() for _ in range(CLIENTS)))
    return latencies


async def _replies(client: httpx.AsyncClient, api: _Api) -> int:
    return (await client.get(f"{api.url}/calls/sendMessage")).json()


if __name__ == "__main__":
    run()
