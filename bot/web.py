"""The one HTTP server: platform webhooks, `/healthz` and the media store under `/media/`.

Usage: built by `tintot run` when a webhook or a public media URL is configured; each channel in
webhook mode is mounted at `/<channel>/webhook`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Protocol

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Route

from bot.media import PREFIX as MEDIA_PREFIX
from bot.media import MediaStore
from bot.threads import off_loop

MAX_UPDATE_BYTES = 1_000_000


class WebhookReceiver(Protocol):
    """A channel in webhook mode: checks the secret (in constant time) and takes the update.

    Returns the HTTP status to answer: 200 when taken, 403 for a missing or wrong secret (and
    nothing processed), 400 for a body that is not an update.
    """

    async def receive_webhook(self, headers: Mapping[str, str], body: bytes) -> int: ...


def build_app(
    *,
    webhooks: Mapping[str, WebhookReceiver],
    media: MediaStore | None = None,
    health: Callable[[], bool] | None = None,
) -> Starlette:
    """`webhooks` maps a path (``/telegram/webhook``) to the channel that receives it."""

    async def receive(request: Request) -> Response:
        receiver = webhooks[request.url.path]
        body = await request.body()
        if len(body) > MAX_UPDATE_BYTES:
            return Response(status_code=413)
        status = await receiver.receive_webhook(request.headers, body)
        return Response(status_code=status)

    async def healthz(request: Request) -> Response:
        ok = await off_loop(health) if health is not None else True  # it asks the database
        return JSONResponse({"ok": ok}, status_code=200 if ok else 503)

    async def media_file(request: Request) -> Response:
        # The store resolves only names it gave out: no path, no dot file, nothing else.
        path = media.path(MEDIA_PREFIX + request.path_params["name"]) if media is not None else None
        return FileResponse(path) if path is not None else Response(status_code=404)

    routes = [Route("/healthz", healthz), Route("/media/{name}", media_file)]
    routes += [Route(path, receive, methods=["POST"]) for path in webhooks]
    return Starlette(routes=routes)



def make_server(app: Starlette, host: str, port: int) -> uvicorn.Server:
    config = uvicorn.Config(app, host=host, port=port, log_level="warning", lifespan="off")
    return uvicorn.Server(config)
