"""Fixtures: a fresh database per test, the core, and people who chat with it."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from bot.core import Core
from bot.database import open_database
from bot.media import MediaStore
from handlers.context import CoreConfig
from handlers.io import Incoming, Outgoing
from tests.postgres import PostgresServer

ADMIN = ("telegram", "900")


class RecordingChannel:
    """A channel that keeps what the core sends, for tests that are about the core itself."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.sent: list[Outgoing] = []

    async def start(self) -> None: ...

    async def stop(self) -> None: ...

    async def send(self, message: Outgoing) -> str | None:
        self.sent.append(message)
        return str(len(self.sent))

    def to(self, chat_id: str) -> list[Outgoing]:
        return [m for m in self.sent if m.chat_id == chat_id]


_update_ids = itertools.count(1)


class Person:
    """Someone chatting with the bot on one channel; each call returns what reached their chat."""

    def __init__(self, core: Core, channel: RecordingChannel, user_id: str, name: str) -> None:
        self.core, self.channel, self.user_id, self.name = core, channel, user_id, name
        self.acknowledgement: str | None = None  # the answer to the last button press, if any

    async def send(self, **fields) -> list[Outgoing]:
        fields.setdefault("update_id", str(next(_update_ids)))
        before = len(self.channel.sent)
        incoming = Incoming(channel=self.channel.name, user_id=self.user_id, chat_id=self.user_id, display_name=self.name, **fields)
        self.acknowledgement = await self.core.handle(incoming)
        return [m for m in self.channel.sent[before:] if m.chat_id == self.user_id]

    async def say(self, text: str) -> list[Outgoing]:
        return await self.send(text=text)

    async def press(self, data: str, message_ref: str | None = None) -> list[Outgoing]:
        return await self.send(kind="callback", callback_data=data, message_ref=message_ref)

    async def join(self, school: str = "CDCB", adult: bool = True) -> None:
        await self.say("/start")
        await self.press("consent:yes")
        await self.press("age:adult" if adult else "age:child")
        await self.press(f"school:{school}")

    def inbox(self) -> list[Outgoing]:
        return self.channel.to(self.user_id)


def text_of(messages: list[Outgoing]) -> str:
    return "\n".join(m.text for m in messages)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    server = PostgresServer.start()
    if server is None:
        pytest.skip("PostgreSQL is not installed here (.ci/run installs it)")
    yield server
    server.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path) -> str:
    """Every test that uses the database runs on both: nothing may be SQLite-only."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'tintot.db'}"
    return request.getfixturevalue("postgres_server").new_database()


@pytest.fixture
def engine(database_url) -> Iterator[sa.Engine]:
    engine = open_database(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def channels() -> dict[str, RecordingChannel]:
    return {name: RecordingChannel(name) for name in ("telegram", "zalo")}


class Clock:
    """The campaign clock in tests: real time unless a test sets it."""

    def __init__(self) -> None:
        self.now: datetime | None = None

    def __call__(self) -> datetime:
        return self.now or datetime.now(timezone.utc)

    def set_local(self, text: str) -> None:
        """'2026-11-30 07:00' in Asia/Ho_Chi_Minh."""
        self.now = datetime.fromisoformat(text).replace(tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def media(tmp_path) -> MediaStore:
    """The media store erasures and takedowns remove photos from (empty until a test saves one)."""
    return MediaStore(tmp_path / "media")


@pytest.fixture
def config(clock, media) -> CoreConfig:
    return CoreConfig(
        admins=frozenset({ADMIN}), clock=clock, push_rates=(("telegram", 25.0), ("zalo", 10.0)), delete_photo=media.delete
    )


@pytest.fixture
def core(engine, channels, config) -> Core:
    return Core(engine=engine, config=config, channels=channels)


@pytest.fixture
def student(core, channels) -> Person:
    return Person(core, channels["telegram"], "101", "Lan")


@pytest.fixture
def admin(core, channels) -> Person:
    return Person(core, channels["telegram"], ADMIN[1], "Cô Hoa")


@pytest.fixture
async def moderator(core, channels, admin) -> Person:
    """A member granted the role by an admin, the way it happens in the campaign."""
    person = Person(core, channels["zalo"], "501", "Thầy Minh")
    await person.join()
    await admin.say("/mod zalo:501")
    return person


@pytest.fixture
async def school_moderator(core, channels, admin) -> Person:
    """Cao Bằng's own moderator, granted by an admin."""
    person = Person(core, channels["telegram"], "601", "Thầy Nam")
    await person.join("CDCB")
    await admin.say("/mod telegram:601 CDCB")
    return person
