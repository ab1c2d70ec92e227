"""The web app over real HTTP: the media store's files, nothing else from its folder, and health;
and its address taken by another program stops start-up with one line."""

import httpx
import pytest

from bot.media import MediaStore
from bot.web import build_app, listen
from tests.fakes.http import free_socket, serving

PNG = b"\x89PNG\r\n\x1a\n" + b"chart" * 10


async def test_media_serves_stored_files_only(tmp_path):
    store = MediaStore(tmp_path)
    name = store.save(PNG).removeprefix("media:")
    (tmp_path / "secret.txt").write_text("không phải ảnh")
    async with serving(build_app(webhooks={}, media=store, health=lambda: False)) as url:
        async with httpx.AsyncClient(base_url=url) as client:
            assert (await client.get(f"/media/{name}")).content == PNG
            for other in ("secret.txt", f".{name}.part", "..%2Fsecret.txt", "0" * 32 + ".png"):
                assert (await client.get(f"/media/{other}")).status_code == 404
            health = await client.get("/healthz")
    assert health.status_code == 503 and health.json() == {"ok": False}


def test_an_address_in_use_stops_start_up_naming_the_setting():
    taken = free_socket()
    taken.listen()
    with pytest.raises(SystemExit, match="TINTOT_HTTP_PORT: .*127.0.0.1:") as stop:
        listen("127.0.0.1", taken.getsockname()[1])
    taken.close()
    assert "\n" not in str(stop.value)
