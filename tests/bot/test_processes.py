"""Three `tintot run` processes on one PostgreSQL behind no balancer but the test: webhooks spread
over them are answered once, a push survives its sender being killed, and a second long-polling
process is refused. PostgreSQL only: SQLite is the single-process setup."""

from __future__ import annotations

import asyncio
import itertools
import signal
import sys
from collections import Counter
from contextlib import AsyncExitStack

import httpx
import pytest
import sqlalchemy as sa

from bot.channels.telegram import WEBHOOK_PATH
from bot.channels.telegram.channel import SECRET_HEADER
from bot.database import open_database
from bot.election import Election
from storage import pushes
from storage.db import session_scope
from storage.models import Delivery
from tests.campaign import FIRST_CHAT, publish_to, statuses
from tests.channels.conftest import SECRET
from tests.fakes.http import free_socket
from tests.fakes.telegram_api import FakeTelegramAPI
from tests.processes import bot_environment, start_bot, stop_bot, until_healthy, wait_until

PROCESSES = 3
MEMBERS = 20_000


@pytest.fixture
def pg_url(postgres_server) -> str:
    return postgres_server.new_database()


@pytest.fixture
async def api():
    async with FakeTelegramAPI() as fake:
        yield fake


class Bots:
    """Identical processes in webhook mode, each on a port of its own."""

    def __init__(self, api: FakeTelegramAPI, database_url: str, folder) -> None:  # noqa: ANN001
        self.api, self.database_url, self.folder = api, database_url, folder
        self.processes: list[asyncio.subprocess.Process] = []
        self.ports: list[int] = []

    async def start(self, count: int, **settings: str) -> None:
        for number in range(count):
            with free_socket() as sock:
                port = sock.getsockname()[1]
            env = bot_environment(
                self.api, self.database_url, self.folder,
                TELEGRAM_WEBHOOK_URL=f"http://127.0.0.1:{port}{WEBHOOK_PATH}", TELEGRAM_WEBHOOK_SECRET=SECRET,
                TINTOT_HTTP_PORT=str(port), **settings,
            )
            self.processes.append(await start_bot(env, self.folder / f"bot{number}.log"))
            self.ports.append(port)
        for port in self.ports:
            await until_healthy(port)

    def log(self) -> str:
        return "\n".join((self.folder / f"bot{n}.log").read_text(errors="replace")[-2000:] for n in range(len(self.processes)))

    async def stop(self) -> list[int]:
        return [await stop_bot(process) for process in self.processes]


@pytest.fixture
async def bots(api, pg_url, tmp_path):
    async with AsyncExitStack() as stack:
        running = Bots(api, pg_url, tmp_path)
        stack.push_async_callback(running.stop)
        yield running


async def test_webhooks_spread_over_three_processes_are_answered_exactly_once(api, bots):
    await bots.start(PROCESSES)
    update_ids = itertools.count(1)

    async def post(client: httpx.AsyncClient, port: int, update: dict) -> int:
        url = f"http://127.0.0.1:{port}{WEBHOOK_PATH}"
        answer = await client.post(url, json=update, headers={SECRET_HEADER: SECRET})
        await api.carry_out(answer)  # as Telegram does with a reply carried in the answer
        return answer.status_code

    users = range(1, 61)
    async with httpx.AsyncClient(timeout=30) as client:
        spread = [post(client, bots.ports[n % PROCESSES], {"update_id": next(update_ids)} | api.message_update(n, text="/start"))
                  for n in users[:45]]
        # A redelivery that reaches two processes at the same moment.
        twice = []
        for n in users[45:]:
            update = {"update_id": next(update_ids)} | api.message_update(n, text="/start")
            twice += [post(client, bots.ports[n % PROCESSES], update), post(client, bots.ports[(n + 1) % PROCESSES], update)]
        assert set(await asyncio.gather(*spread, *twice)) == {200}
    replies = Counter(message["chat"]["id"] for message in api.messages.values())
    assert set(replies) == set(users), bots.log()
    assert set(replies.values()) == {replies[1]}, replies  # each /start answered once, wherever it went
    assert all("Tin Tốt" in api.sent_texts(n)[0] for n in users)
    assert await bots.stop() == [0] * PROCESSES, bots.log()


def _owner_pid(owner: str | None) -> int | None:
    return int(owner.split(":")[1]) if owner else None


def _latest_sender(engine: sa.Engine) -> int | None:
    with session_scope(engine) as session:
        owner = session.execute(sa.select(Delivery.lease_owner).where(Delivery.lease_owner.is_not(None))
                                .order_by(Delivery.id.desc()).limit(1)).scalar()
    return _owner_pid(owner)


def _finished(engine: sa.Engine) -> bool:
    with session_scope(engine) as session:
        return pushes.progress(session=session, post=pushes.latest_post(session=session)).waiting == 0


async def test_a_push_survives_its_sender_killed_and_only_its_rows_become_unknown(api, bots, pg_url):
    engine = open_database(pg_url)
    publish_to(engine, MEMBERS)
    await bots.start(PROCESSES, TINTOT_TELEGRAM_RATE="5000")
    await wait_until(lambda: len(api.calls_of("sendMessage")) >= MEMBERS // 4, 120, "the push to get going", every=0.2)
    killed_pid = _latest_sender(engine)
    victim = next(p for p in bots.processes if p.pid == killed_pid)
    victim.send_signal(signal.SIGKILL)
    await victim.wait()
    sent_at_kill = len(api.calls_of("sendMessage"))
    assert sent_at_kill < MEMBERS, "the push finished before the kill: nothing was tested"

    takeover = await wait_until(lambda: _latest_sender(engine) not in (None, killed_pid), 30, "another sender", every=0.2)
    await wait_until(lambda: _finished(engine), 120, "the push to finish", every=0.5)
    survivors = [p for p in bots.processes if p is not victim]
    assert [await stop_bot(p) for p in survivors] == [0, 0], bots.log()

    result = statuses(engine)
    received = Counter(int(p["chat_id"]) for p in api.calls_of("sendMessage"))
    with session_scope(engine) as session:
        unknown_owners = session.execute(sa.select(Delivery.lease_owner).where(Delivery.status == "unknown")).scalars().all()
    assert len(result) == MEMBERS and set(result.values()) <= {"sent", "unknown"}
    assert len(unknown_owners) <= 32 and {_owner_pid(o) for o in unknown_owners} <= {killed_pid}
    assert all(received[chat] == 1 for chat, status in result.items() if status == "sent")
    assert max(received.values()) == 1 and set(received) <= set(range(FIRST_CHAT, FIRST_CHAT + MEMBERS))
    print(f"takeover after {takeover:.1f} s")  # shown with -s
    assert takeover < 30
    engine.dispose()


async def test_a_second_long_polling_process_is_refused_with_one_line(api, pg_url, tmp_path):
    open_database(pg_url).dispose()
    first = Election(open_database(pg_url))  # the first process's hold on long polling
    assert first.leads("poll:telegram")
    try:
        env = bot_environment(api, pg_url, tmp_path)
        second = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", env=env, stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )
        _, stderr = await asyncio.wait_for(second.communicate(), 60)
    finally:
        first.release_all()
    lines = [line for line in stderr.decode().splitlines() if "Cấu hình sai" in line]
    assert second.returncode == 1 and len(lines) == 1, stderr.decode()[-2000:]
    assert "long polling" in lines[0] and "TELEGRAM_WEBHOOK_URL" in lines[0]
    assert not api.calls_of("getUpdates")
