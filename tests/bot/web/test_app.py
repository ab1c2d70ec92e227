"""The web app over real HTTP: health; and its address taken by another program stops start-up
with one line. (Photos: `test_media.py`.)"""

import httpx
import pytest

from bot.web import build_app, listen
from tests.fakes.http import free_socket, serving


async def test_health_says_when_the_database_does_not_answer():
    async with serving(build_app(webhooks={}, health=lambda: False)) as url:
        async with httpx.AsyncClient(base_url=url) as client:
            health = await client.get("/healthz")
    assert health.status_code == 503 and health.json() == {"ok": False}


def test_an_address_in_use_stops_start_up_naming_the_setting():
    taken = free_socket()
    taken.listen()
    with pytest.raises(SystemExit, match="TINTOT_HTTP_PORT: .*127.0.0.1:") as stop:
        listen("127.0.0.1", taken.getsockname()[1])
    taken.close()
    assert "\n" not in str(stop.value)
