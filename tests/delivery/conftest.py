"""Pushes over real HTTP: a database with a published post, and the fake Telegram Bot API."""

from __future__ import annotations

from collections.abc import AsyncIterator
import pytest

from tests.fakes.telegram_api import FakeTelegramAPI


@pytest.fixture
def database_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'tintot.db'}"


@pytest.fixture
async def api() -> AsyncIterator[FakeTelegramAPI]:
    async with FakeTelegramAPI() as fake:
        yield fake
