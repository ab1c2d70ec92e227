"""A fake Zalo Bot API server over real HTTP on 127.0.0.1, for channel tests.

Usage:
    fake = FakeZalo(token)
    async with fake.running():
        fake.queue(make_update(text="gui"))          # the next getUpdates returns it
        fake.inject("sendMessage", Fault.flood(0.1))  # the next sendMessage is refused
        ... fake.messages ...                          # what reached "Zalo", in order

It answers ``POST /bot<token>/<method>`` like Zalo (``{"ok": true, "result": …}`` or
``{"ok": false, "error_code", "description"}``), long-polls getUpdates, refuses getUpdates while
a webhook is set, posts updates to the webhook with the secret header, fetches the photo URLs
given to sendPhoto (as Zalo does) and serves photo files under ``/files/<name>``.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections import defaultdict, deque
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from tests.fakes.http import serving
from tests.fakes.pictures import jpeg

TEXT = "message.text.received"
IMAGE = "message.image.received"
STICKER = "message.sticker.received"
UNSUPPORTED = "message.unsupported.received"
JPEG = jpeg("zalo photo")
MAX_TEXT = 2000

_message_ids = itertools.count(1)


def make_update(
    event: str = TEXT,
    *,
    text: str | None = None,
    user_id: str = "u1",
    name: str = "Lan",
    chat_id: str | None = None,
    message_id: str | None = None,
    photo_url: str | None = None,
    caption: str | None = None,
    date_ms: int = 1_767_225_600_000,
) -> dict:
    """An update as Zalo sends it; `date` is in milliseconds (default 2026-01-01 00:00 UTC)."""
    message = {
        "from": {"id": user_id, "display_name": name, "is_bot": False},
        "chat": {"id": chat_id or user_id, "chat_type": "PRIVATE"},
        "message_id": message_id or f"zm{next(_message_ids)}",
        "date": date_ms,
    }
    extra = {"text": text, "photo_url": photo_url, "caption": caption}
    message |= {key: value for key, value in extra.items() if value is not None}
    return {"event_name": event, "message": message}


@dataclass(frozen=True)
class Fault:
    """One bad answer. With `delay`, the call is handled normally but answered late."""

    status: int = 200
    error_code: int = 400
    description: str = "Bad Request"
    retry_after: float | None = None
    delay: float = 0.0
    not_json: bool = False

    @classmethod
    def refused(cls, description: str = "Bad Request", code: int = 400) -> Fault:
        return cls(error_code=code, description=description)

    @classmethod
    def flood(cls, retry_after: float) -> Fault:
        return cls(status=429, error_code=429, description="Too Many Requests", retry_after=retry_after)

    @classmethod
    def blocked(cls) -> Fault:
        return cls(status=403, error_code=403, description="Forbidden: user blocked the bot")

    @classmethod
    def server_error(cls, status: int = 502) -> Fault:
        return cls(status=status, error_code=status, description="Bad Gateway", not_json=True)

    @classmethod
    def slow(cls, seconds: float) -> Fault:
        return cls(delay=seconds)

    def response(self) -> Response:
        if self.not_json:
            return Response("<html>Bad Gateway</html>", status_code=self.status)
        parameters = {"retry_after": self.retry_after} if self.retry_after is not None else None
        return _error(self.status, self.error_code, self.description, parameters)


class FakeZalo:
    def __init__(self, token: str) -> None:
        self.token = token
        self.base_url = ""
        self.requests: list[tuple[str, dict]] = []
        self.messages: list[dict] = []
        self.webhook: dict | None = None
        self.single_object = False
        self.files = {"photo.jpg": JPEG}
        self._updates: deque[dict] = deque()
        self._arrived = asyncio.Event()
        self._faults: dict[str, deque[Fault | None]] = defaultdict(deque)
        self._closing = False
        self._methods = {
            "getMe": self._get_me,
            "getUpdates": self._get_updates,
            "setWebhook": self._set_webhook,
            "deleteWebhook": self._delete_webhook,
            "getWebhookInfo": self._get_webhook_info,
            "sendMessage": self._send_message,
            "sendPhoto": self._send_photo,
            "sendChatAction": self._send_chat_action,
        }
        self.app = Starlette(
            routes=[
                Route("/bot{token}/{method}", self._api, methods=["POST"]),
                Route("/files/{name}", self._file),
                Route("/moved/{name}", self._moved),
            ]
        )

    @asynccontextmanager
    async def running(self) -> AsyncIterator[FakeZalo]:
        async with serving(self.app) as url:
            self.base_url = url
            try:
                yield self
            finally:
                # Long polls still waiting answer at once, so the server can stop.
                self._closing = True
                self._arrived.set()

    def queue(self, *updates: dict) -> None:
        self._updates.extend(updates)
        self._arrived.set()

    def inject(self, method: str, fault: Fault, times: int = 1, after: int = 0) -> None:
        """The next `times` calls of `method` get `fault`, once `after` calls went through."""
        self._faults[method].extend([None] * after + [fault] * times)

    def calls(self, method: str) -> list[dict]:
        return [body for name, body in self.requests if name == method]

    def file_url(self, name: str = "photo.jpg", *, moved: bool = False) -> str:
        """Where the fake serves a photo; `moved` answers with a redirect to it first."""
        return f"{self.base_url}/{'moved' if moved else 'files'}/{name}"

    async def push_webhook(self, update: dict, *, secret: str | None = None) -> int:
        """Posts `update` to the registered webhook as Zalo does; returns the HTTP status."""
        assert self.webhook is not None, "no webhook set"
        header = self.webhook["secret_token"] if secret is None else secret
        async with httpx.AsyncClient() as client:
            response = await client.post(
                self.webhook["url"], json=update, headers={"X-Bot-Api-Secret-Token": header}
            )
        return response.status_code

    async def _api(self, request: Request) -> Response:
        if request.path_params["token"] != self.token:
            return _error(401, 401, "Unauthorized")
        try:
            body = await request.json()
        except ValueError:
            return _error(400, 400, "Bad Request: body is not JSON")
        method = request.path_params["method"]
        self.requests.append((method, body))
        fault = self._faults[method].popleft() if self._faults[method] else None
        if fault is not None and not fault.delay:
            return fault.response()
        if fault is not None:
            await asyncio.sleep(fault.delay)
        handler = self._methods.get(method)
        if handler is None:
            return _error(404, 404, "Not Found: method")
        return await handler(request, body)

    async def _file(self, request: Request) -> Response:
        data = self.files.get(request.path_params["name"])
        if data is None:
            return Response(status_code=404)
        return Response(data, media_type="image/jpeg")

    async def _moved(self, request: Request) -> Response:
        return RedirectResponse(f"/files/{request.path_params['name']}")

    async def _get_me(self, request: Request, body: dict) -> Response:
        return _ok({"id": "bot-1", "account_name": "tintot_bot", "display_name": "Tin Tốt"})

    async def _get_updates(self, request: Request, body: dict) -> Response:
        if self.webhook is not None:
            return _error(409, 409, "Conflict: getUpdates is not allowed while a webhook is set")
        timeout = body.get("timeout", "0")
        if not isinstance(timeout, str) or not timeout.isdigit():
            return _error(400, 400, "Bad Request: timeout must be a string of seconds")
        deadline = time.monotonic() + int(timeout)
        while not self._updates and not self._closing and time.monotonic() < deadline:
            self._arrived.clear()
            with suppress(TimeoutError):
                await asyncio.wait_for(self._arrived.wait(), deadline - time.monotonic())
        # A client that gave up (timed out) never gets the updates: they stay queued.
        if not self._updates or await request.is_disconnected():
            return _error(200, 408, "Request timeout")
        if self.single_object:
            return _ok(self._updates.popleft())
        taken = list(self._updates)
        self._updates.clear()
        return _ok(taken)

    async def _set_webhook(self, request: Request, body: dict) -> Response:
        secret = str(body.get("secret_token") or "")
        if not body.get("url") or not 8 <= len(secret) <= 256:
            return _error(400, 400, "Bad Request: url and secret_token (8-256) required")
        self.webhook = {"url": body["url"], "secret_token": secret}
        return _ok({"url": body["url"]})

    async def _delete_webhook(self, request: Request, body: dict) -> Response:
        self.webhook = None
        return _ok({"url": ""})

    async def _get_webhook_info(self, request: Request, body: dict) -> Response:
        return _ok({"url": self.webhook["url"] if self.webhook else ""})

    async def _send_message(self, request: Request, body: dict) -> Response:
        text = body.get("text")
        if not body.get("chat_id") or not isinstance(text, str) or not 1 <= len(text) <= MAX_TEXT:
            return _error(400, 400, "Bad Request: text must be 1-2000 characters")
        return self._deliver({"method": "sendMessage", "chat_id": body["chat_id"], "text": text})

    async def _send_photo(self, request: Request, body: dict) -> Response:
        caption = body.get("caption", "")
        if not body.get("chat_id") or len(caption) > MAX_TEXT:
            return _error(400, 400, "Bad Request: chat_id required, caption up to 2000")
        # Zalo fetches the photo from the URL it is given; so does the fake.
        try:
            async with httpx.AsyncClient(timeout=2) as client:
                photo = await client.get(str(body.get("photo")))
        except (httpx.HTTPError, ValueError):
            return _error(400, 400, "Bad Request: photo URL unreachable")
        if photo.status_code != 200:
            return _error(400, 400, f"Bad Request: photo URL answered {photo.status_code}")
        record = {"method": "sendPhoto", "chat_id": body["chat_id"], "caption": caption}
        return self._deliver(record | {"photo": body["photo"], "photo_bytes": photo.content})

    async def _send_chat_action(self, request: Request, body: dict) -> Response:
        return _ok(True)

    def _deliver(self, record: dict) -> Response:
        message_id = f"bm{len(self.messages) + 1}"
        self.messages.append(record | {"message_id": message_id})
        return _ok({"message_id": message_id, "date": int(time.time() * 1000)})


def _ok(result: object) -> Response:
    return JSONResponse({"ok": True, "result": result})


def _error(status: int, code: int, description: str, parameters: dict | None = None) -> Response:
    body: dict = {"ok": False, "error_code": code, "description": description}
    if parameters:
        body["parameters"] = parameters
    return JSONResponse(body, status_code=status)
