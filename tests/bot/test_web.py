"""The web app over real HTTP: the media store's files, nothing else from its folder, and health."""

import httpx

from bot.media import MediaStore
from bot.web import build_app
from tests.fakes.http import serving

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
