"""Webhook intake: 16 clients send /start from new users as fast as the bot takes them, each
waiting for its answer (a webhook is answered once the update is handled and its replies sent).
The clients play Telegram: a reply carried in a webhook answer counts as sent, as Telegram makes it.

Measured on `tintot run` processes against a fake Telegram Bot API in a process of its own: SQLite
with one process (goal ≥ 300 updates/s, p99 < 100 ms), PostgreSQL with one and with three
(updates spread round-robin, as a load balancer would).

Then a join rush above the platform's rate: 300 /start in 5 s against a fake that takes 30
messages a second, the clients playing Telegram closely (at most 40 webhook connections, each
answer's call made by the fake, which drops it past the rate without a word): replies delivered
(chats greeted) against replies owed.

Besides updates/s and p99, it prints the bots' CPU time per update: on a machine that other jobs
keep busy the first two follow the load, the CPU time much less, so it is the figure to compare
before and after a change. `python -m tests.benchmarks.bench_intake sqlite` measures SQLite only.
"""

from __future__ import annotations

import asyncio
import itertools
import os
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
BURST = 300
BURST_SECONDS = 5.0
PLATFORM_RATE = 30  # messages a second the burst's fake takes, as Telegram does
WEBHOOK_CONNECTIONS = 40  # Telegram's default max_connections


class _Api:
    def __init__(self, url: str, token: str) -> None:
        self.url, self.token = url, token


def run(*, sqlite_only: bool = False) -> None:
    with _fake_in_own_process("telegram") as (url, token), tempfile.TemporaryDirectory() as folder:
        api = _Api(url, token)
        _report("SQLite, 1 process", asyncio.run(_intake(api, f"sqlite:///{folder}/bench.db", Path(folder), 1)))
        _report_burst(f"sqlite:///{folder}/burst.db", Path(folder))
        if sqlite_only:
            return
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


def _report_burst(database_url: str, folder: Path) -> None:
    with _fake_in_own_process("telegram", str(PLATFORM_RATE)) as (url, token):
        delivered, seconds = asyncio.run(_burst(_Api(url, token), database_url, folder))
    print(f"intake [SQLite, 1 process]: join rush of {BURST} /start in {BURST_SECONDS:.0f} s against a Bot API that "
          f"takes {PLATFORM_RATE} messages/s: replies delivered / replies owed: {delivered} / {BURST}, "
          f"the last within {seconds:.1f} s")


async def _burst(api: _Api, database_url: str, folder: Path) -> tuple[int, float]:
    """The join rush: chats greeted, and seconds from the first /start to the last answer."""
    # The bot's own budget at its default, below the platform's rate as an operator sets it.
    bots, ports = _start(api, database_url, folder, 1, TINTOT_TELEGRAM_RATE="25")
    try:
        await until_healthy(ports[0])
        limits = httpx.Limits(max_connections=WEBHOOK_CONNECTIONS)
        async with httpx.AsyncClient(timeout=120, limits=limits) as client:

            async def deliver(user: int) -> None:
                answer = await client.post(f"http://127.0.0.1:{ports[0]}{WEBHOOK_PATH}", json=_start_update(user),
                                           headers={SECRET_HEADER: SECRET})
                if answer.content:
                    await client.post(f"{api.url}/carry", content=answer.content)

            started, deliveries = time.perf_counter(), []
            for user in range(2_000_000, 2_000_000 + BURST):
                deliveries.append(asyncio.create_task(deliver(user)))
                await asyncio.sleep(BURST_SECONDS / BURST)
            await asyncio.gather(*deliveries)
            seconds = time.perf_counter() - started
            return (await client.get(f"{api.url}/chats/sendMessage")).json(), seconds
    finally:
        bots[0].terminate()
        bots[0].wait(30)


def _report(setup: str, result: tuple[float, float, int, int, float]) -> None:
    per_second, p99, answered, updates, cpu = result
    print(f"intake [{setup}]: {CLIENTS} concurrent /start from new users: {per_second:,.0f} updates/s, "
          f"p99 {p99 * 1000:.0f} ms, bot CPU {cpu * 1000:.1f} ms/update; answered: {answered:,} of {updates:,} "
          f"(load average {os.getloadavg()[0]:.1f})")


async def _intake(api: _Api, database_url: str, folder: Path, processes: int) -> tuple[float, float, int, int, float]:
    bots, ports = _start(api, database_url, folder, processes)
    try:
        for port in ports:
            await until_healthy(port)
        async with httpx.AsyncClient(timeout=30, limits=httpx.Limits(max_connections=CLIENTS * 2)) as client:
            users = itertools.count(1_000_000 + processes * 100_000)
            first = await _replies(client, api)
            warm_up, carried_in_warm_up = await _load(client, ports, users, WARM_UP)
            before = await _replies(client, api)
            started, cpu_before = time.perf_counter(), _cpu_seconds(bots)
            latencies, carried = await _load(client, ports, users, UPDATES)
            seconds, cpu = time.perf_counter() - started, _cpu_seconds(bots) - cpu_before
            replies = await _replies(client, api) - before + carried
            per_start = (before - first + carried_in_warm_up) / len(warm_up)  # messages answering a /start
    finally:
        for bot in bots:
            bot.terminate()
        for bot in bots:
            bot.wait(30)
    p99 = statistics.quantiles(latencies, n=100)[98]
    return len(latencies) / seconds, p99, round(replies / per_start), len(latencies), cpu / len(latencies)


def _cpu_seconds(bots: list[subprocess.Popen]) -> float:
    """User and system CPU time the bot processes have used so far (Linux)."""
    total = 0
    for bot in bots:
        # Fields after the command name, which is in parentheses: utime and stime are 12th and 13th.
        fields = Path(f"/proc/{bot.pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def _start(api: _Api, database_url: str, folder: Path, processes: int,
           **settings: str) -> tuple[list[subprocess.Popen], list[int]]:
    bots, ports = [], []
    for number in range(processes):
        with free_socket() as sock:
            port = sock.getsockname()[1]
        env = bot_environment(api, database_url, folder, TELEGRAM_WEBHOOK_URL=f"http://127.0.0.1:{port}{WEBHOOK_PATH}",
                              TELEGRAM_WEBHOOK_SECRET=SECRET, TINTOT_HTTP_PORT=str(port), **settings)
        log = open(folder / f"intake-{processes}-{number}.log", "ab")  # noqa: SIM115 (the child owns it)
        bots.append(subprocess.Popen([sys.executable, "-m", "bot", "run"], env=env, stdout=log, stderr=log))
        ports.append(port)
    return bots, ports


async def _load(client: httpx.AsyncClient, ports: list[int], users, count: int) -> tuple[list[float], int]:  # noqa: ANN001
    """`count` /start updates from new users over CLIENTS connections: each one's answer time, and
    how many answers carried a message."""
    latencies: list[float] = []
    carried = 0
    turns = itertools.cycle(ports)

    async def client_loop() -> None:
        nonlocal carried
        while len(latencies) < count:
            asked = time.perf_counter()
            answer = await client.post(f"http://127.0.0.1:{next(turns)}{WEBHOOK_PATH}", json=_start_update(next(users)),
                                       headers={SECRET_HEADER: SECRET})
            latencies.append(time.perf_counter() - asked)
            assert answer.status_code == 200, answer.status_code
            if answer.content and answer.json().get("method") == "sendMessage":
                carried += 1

    await asyncio.gather(*(client_loop() for _ in range(CLIENTS)))
    return latencies, carried


def _start_update(user: int) -> dict:
    """/start from a new user, as Telegram posts it to the webhook."""
    return {"update_id": user, "message": {
        "message_id": 1, "date": int(time.time()), "text": "/start",
        "chat": {"id": user, "type": "private", "first_name": "Học sinh"},
        "from": {"id": user, "is_bot": False, "first_name": "Học sinh"}}}


async def _replies(client: httpx.AsyncClient, api: _Api) -> int:
    return (await client.get(f"{api.url}/calls/sendMessage")).json()


if __name__ == "__main__":
    run(sqlite_only=sys.argv[1:] == ["sqlite"])
