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
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Match, Route, Router
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot.threads import off_loop
from bot.web.dashboard import dashboard_routes
from bot.web.media import media_routes
from bot.web.respond import page_response, read_body
from bot.web.site import WebSite
from bot.web.static import static_routes
from bot.web.wall import wall_routes
from handlers.wall import error_page

MAX_UPDATE_BYTES = 1_000_000


class WebhookReceiver(Protocol):
    """A channel in webhook mode: checks the secret (in constant time) and takes the update.

    `knows_secret` is asked before the body is read, so a stranger cannot make the server read
    (and hold) a body. `receive_webhook` returns the HTTP status to answer: 200 when taken, 403 for
    a missing or wrong secret (and nothing processed), 400 for a body that is not an update; or,
    taken, a JSON object to answer with (Telegram makes the Bot API call it names).
    """

    def knows_secret(self, headers: Mapping[str, str]) -> bool: ...

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
        if not receiver.knows_secret(request.headers):
            return Response(status_code=403)
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
    if site is not None:
        routes += [*static_routes(site), *wall_routes(site), *media_routes(site), *dashboard_routes(site)]
    app = Starlette(routes=routes, exception_handlers={HTTPException: _error_page, Exception: _server_error})
    # Starlette's own slash redirect names the Host the request gave (a forged one included): ours
    # names TINTOT_PUBLIC_URL, or no host at all.
    app.router.redirect_slashes = False
    app.router.default = _SlashRedirect(app.router, site.public_url if site else None)
    if site is not None:
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


class _SlashRedirect:
    """What the router does with an address no route takes: one of ours with a slash too many is
    sent, permanently, to the address without it; anything else is the 404 page."""

    def __init__(self, router: Router, public_url: str | None) -> None:
        self.router, self.base = router, (public_url or "").rstrip("/")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope["path"]
        bare = "/" + path.strip("/")  # "//evil.example/" must not become a host in Location
        if path != bare and any(route.matches({**scope, "path": bare})[0] == Match.FULL for route in self.router.routes):
            query = scope.get("query_string", b"").decode("latin-1")
            await RedirectResponse(self.base + bare + (f"?{query}" if query else ""), status_code=308)(scope, receive, send)
            return
        raise HTTPException(status_code=404)


async def _error_page(request: Request, exc: HTTPException) -> Response:
    """A Vietnamese page for any error the app answers itself (404, 405 with its Allow, …)."""
    response = page_response(request, error_page(exc.status_code), "message.html")
    response.headers.update(exc.headers or {})
    return response


async def _server_error(request: Request, exc: Exception) -> Response:
    """The page for a failure of ours: no Python error shown (uvicorn logs it)."""
    response = page_response(request, error_page(500), "message.html")
    response.headers["Cache-Control"] = "no-store"
    return response


def make_server(app: Starlette, host: str, port: int) -> uvicorn.Server:
    # No `server: uvicorn` header: a visitor need not learn what to attack.
    config = uvicorn.Config(app, host=host, port=port, log_level="warning", lifespan="off", server_header=False)
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
