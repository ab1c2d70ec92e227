"""The one HTTP server: platform webhooks, `/healthz`, the public story wall with its photos
(`bot.web.media`) and feeds, and the dashboard.

Usage: built by `tintot run` when a webhook or a public URL is configured; each channel in
webhook mode is mounted at `/<channel>/webhook`; the wall and the dashboard come with a `WebSite`.
"""

from __future__ import annotations

import socket
from collections.abc import Callable, Mapping
from typing import Any, Protocol

import uvicorn
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot.threads import off_loop
from bot.web.dashboard import dashboard_routes
from bot.web.media import media_routes
from bot.web.respond import page_response, read_body
from bot.web.site import WebSite
from bot.web.wall import wall_routes
from content.pages import stylesheet
from handlers.wall import not_found

MAX_UPDATE_BYTES = 1_000_000


class WebhookReceiver(Protocol):
    """A channel in webhook mode: checks the secret (in constant time) and takes the update.

    Returns the HTTP status to answer: 200 when taken, 403 for a missing or wrong secret (and
    nothing processed), 400 for a body that is not an update; or, taken, a JSON object to answer
    with (Telegram makes the Bot API call it names).
    """

    async def receive_webhook(self, headers: Mapping[str, str], body: bytes) -> int | dict[str, Any]: ...


def build_app(
    *,
    webhooks: Mapping[str, WebhookReceiver],
    health: Callable[[], bool] | None = None,
    site: WebSite | None = None,
) -> Starlette:
    """`webhooks` maps a path (``/telegram/webhook``) to the channel that receives it."""

    async def receive(request: Request) -> Response:
        receiver = webhooks[request.url.path]
        body = await read_body(request, MAX_UPDATE_BYTES)
        if body is None:
            return Response(status_code=413)
        answer = await receiver.receive_webhook(request.headers, body)
        return JSONResponse(answer) if isinstance(answer, dict) else Response(status_code=answer)

    async def healthz(request: Request) -> Response:
        ok = await off_loop(health) if health is not None else True  # it asks the database
        return JSONResponse({"ok": ok}, status_code=200 if ok else 503)

    routes = [Route("/healthz", healthz)]
    routes += [Route(path, receive, methods=["POST"]) for path in webhooks]
    if site is None:
        return Starlette(routes=routes)
    routes += [Route("/style.css", _stylesheet), *wall_routes(site), *media_routes(site), *dashboard_routes(site)]
    app = Starlette(routes=routes, exception_handlers={404: _not_found})
    app.add_middleware(SecurityHeaders)
    return app


# The pages load nothing from elsewhere and run no script; bars are drawn with style attributes.
SECURITY_HEADERS = [
    (b"content-security-policy",
     b"default-src 'none'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; form-action 'self'; "
     b"frame-ancestors 'none'; base-uri 'none'"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
]


class SecurityHeaders:
    """Adds `SECURITY_HEADERS` to every answer (pure ASGI: no buffering of bodies)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *SECURITY_HEADERS]
            await send(message)

        await self.app(scope, receive, with_headers)


async def _stylesheet(request: Request) -> Response:
    return Response(stylesheet(), media_type="text/css", headers={"Cache-Control": "public, max-age=3600"})


async def _not_found(request: Request, exc: HTTPException) -> Response:
    """A Vietnamese page for any address the wall does not have."""
    return page_response(request, not_found(), "message.html")


def make_server(app: Starlette, host: str, port: int) -> uvicorn.Server:
    config = uvicorn.Config(app, host=host, port=port, log_level="warning", lifespan="off")
    return uvicorn.Server(config)


def listen(host: str, port: int) -> socket.socket:
    """The server's socket, bound before anything starts: an address in use or not ours stops
    start-up with one line naming the setting, not a crash once the channels run."""
    try:
        sock = socket.create_server((host, port), reuse_port=False)
    except OSError as error:
        raise SystemExit(
            f"Cấu hình sai: TINTOT_HTTP_HOST/TINTOT_HTTP_PORT: không mở được {host}:{port} ({error.strerror})"
        ) from None
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return sock
