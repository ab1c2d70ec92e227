"""The story wall over HTTP with 10,000 published stories: p99 of `GET /`, a story page and
`/feed.xml` (goal: under 50 ms), and of a school's page far down its list.

The stories are written straight into the database (SQLite, then PostgreSQL where it is
installed), a third with an author who shows her name; the app is served by uvicorn on 127.0.0.1
and asked one request at a time, as a reader would.
"""

from __future__ import annotations

import asyncio
import random
import statistics
import tempfile
import time
from datetime import timedelta
from pathlib import Path

import httpx
import sqlalchemy as sa

from bot.database import open_database
from bot.web import WebSite, build_app
from storage.db import session_scope
from storage.models import Member, Story, utcnow
from tests.fakes.http import serving
from tests.postgres import PostgresServer

STORIES = 10_000
MEMBERS = 2_000
REQUESTS = 400
GOAL_MS = 50


def run() -> None:
    with tempfile.TemporaryDirectory() as folder:
        asyncio.run(_bench("SQLite", f"sqlite:///{Path(folder) / 'bench.db'}"))
    server = PostgresServer.start()
    if server is None:
        print("web: PostgreSQL is not installed here: measured on SQLite only")
        return
    try:
        asyncio.run(_bench("PostgreSQL", server.new_database()))
    finally:
        server.stop()


def _campaign(engine: sa.Engine) -> None:
    rng = random.Random(11)
    now = utcnow()
    with session_scope(engine) as session:
        members = [
            {"channel": "telegram", "platform_id": str(n), "chat_id": str(n), "display_name": f"Bạn số {n}",
             "school_id": 1 + n % 10, "adult": n % 3 != 0, "consented_at": now, "created_at": now}
            for n in range(MEMBERS)
        ]
        session.execute(sa.insert(Member), members)
        stories = []
        for n in range(STORIES):
            member = rng.randrange(1, MEMBERS + 1)
            shows = n % 3 == 0
            stories.append({
                "member_id": member, "school_id": 1 + (member - 1) % 10, "slot": "daily", "status": "published",
                "text": f"Câu chuyện đẹp số {n}: các bạn cùng nhau giúp đỡ bà con trong bản. " * 4,
                "show_name": shows, "author_name": f"Bạn số {member - 1}" if shows else None,
                "created_at": now, "published_at": now - timedelta(hours=STORIES - n),
            })
        session.execute(sa.insert(Story), stories)


async def _bench(database: str, url: str) -> None:
    engine = open_database(url)
    started = time.perf_counter()
    _campaign(engine)
    if engine.dialect.name == "postgresql":
        # What autovacuum does within a minute of a bulk load: planners need statistics.
        with engine.begin() as connection:
            connection.exec_driver_sql("ANALYZE")
    print(f"web [{database}]: built {STORIES:,} published stories in {time.perf_counter() - started:.1f} s")
    site = WebSite(engine=engine, public_url="https://tintot.example.vn")
    async with serving(build_app(webhooks={}, site=site)) as base:
        async with httpx.AsyncClient(base_url=base) as client:
            for path in ("/", f"/cau-chuyen/{STORIES // 2}", "/feed.xml", "/truong/CDCB?trang=40"):
                await _measure(database, client, path)
    engine.dispose()


async def _measure(database: str, client: httpx.AsyncClient, path: str) -> None:
    for _ in range(20):  # warm up: caches, connections, templates
        assert (await client.get(path)).status_code == 200, path
    times = []
    for _ in range(REQUESTS):
        started = time.perf_counter()
        answer = await client.get(path)
        times.append((time.perf_counter() - started) * 1000)
        assert answer.status_code == 200
    p99 = statistics.quantiles(times, n=100)[98]
    verdict = "ok" if p99 < GOAL_MS else f"over the {GOAL_MS} ms goal"
    print(f"web [{database}]: GET {path:<24} p50 {statistics.median(times):5.1f} ms  p99 {p99:5.1f} ms  ({verdict})")


if __name__ == "__main__":
    run()
