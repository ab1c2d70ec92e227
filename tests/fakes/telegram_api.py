"""A fake Telegram Bot API server speaking real HTTP on 127.0.0.1, for channel tests.

Usage:
    async with FakeTelegramAPI() as api:
        api.queue_text(USER, "/start")
        settings = Settings(telegram_bot_token=api.token, telegram_bot_api_url=api.url)
        ...
        assert api.sent_texts(USER) == [...]

It records every request (`calls`), keeps the messages the bot sent (so edits can be checked and
refused the way Telegram refuses them), queues updates for `getUpdates` or pushes them to the
webhook once one is set, and injects faults per method: `fail` (any status, 429 with
`retry_after`, 403 blocked, 5xx) and `slow` (answers after a delay, to make the client time out).
`limit_rate` makes it hold the bot to Telegram's overall rate for messages, as Telegram does:
a request past it gets 429 with `retry_after`, a call carried in a webhook answer is dropped.
"""

from __future__ import annotations

import asyncio
import json
import math
import time
from contextlib import AsyncExitStack
from dataclasses import dataclass
from email.parser import BytesParser
from email.policy import HTTP
from typing import Any
from urllib.parse import parse_qsl

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.fakes.http import serving
from tests.fakes.telegram_methods import ApiError, BotApiState


@dataclass
class Call:
    """One request as the fake understood it."""

    method: str
    params: dict[str, Any]
    status: int = 200
    in_answer: bool = False  # carried in a webhook's answer rather than requested


# What Telegram's overall limit of about 30 messages a second counts.
RATED = frozenset({"sendMessage", "sendPhoto"})


class Rate:
    """Telegram's overall limit as a token bucket: `per_second`, with one second's burst."""

    def __init__(self, per_second: float) -> None:
        self.per_second = per_second
        self._tokens = per_second
        self._at = time.monotonic()

    def allows(self) -> bool:
        """Whether a message may go now (it then counts)."""
        now = time.monotonic()
        self._tokens = min(self.per_second, self._tokens + (now - self._at) * self.per_second)
        self._at = now
        if self._tokens < 1:
            return False
        self._tokens -= 1
        return True

    def retry_after(self) -> int:
        """Whole seconds until a message may go again, as Telegram says it (at least 1)."""
        return max(1, math.ceil((1 - self._tokens) / self.per_second))


@dataclass
class Fault:
    status: int = 0
    description: str = ""
    retry_after: float | None = None
    delay: float = 0.0
    chat_id: int | None = None  # only calls for this chat; any chat when None


class FakeTelegramAPI(BotApiState):
    def __init__(self, token: str = "123456:TEST-token") -> None:
        super().__init__()
        self.token = token
        self.url = ""
        self.calls: list[Call] = []
        self._faults: dict[str, list[Fault]] = {}
        self._rate: Rate | None = None
        self._running = AsyncExitStack()

    async def __aenter__(self) -> FakeTelegramAPI:
        app = Starlette(routes=[
            Route("/bot{token}/{method}", self._endpoint, methods=["GET", "POST"]),
            Route("/file/bot{token}/{path:path}", self._download),
            Route("/calls/{method}", self._count),
            Route("/chats/{method}", self._count_chats),
            Route("/carry", self._carry, methods=["POST"]),
        ])
        self.url = await self._running.enter_async_context(serving(app))
        pusher = asyncio.create_task(self._push_to_webhook())
        self._running.push_async_callback(_cancel, pusher)
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        self.close()  # wakes long polls still waiting, so the server can stop at once
        await self._running.aclose()

    # --- faults -------------------------------------------------------------------------------

    def fail(self, method: str, status: int, description: str, *, retry_after: float | None = None,
             times: int = 1, chat_id: int | None = None) -> None:
        """The next `times` calls of `method` (for `chat_id`, if given) answer with this error."""
        fault = Fault(status=status, description=description, retry_after=retry_after, chat_id=chat_id)
        self._faults.setdefault(method.lower(), []).extend([fault] * times)

    def flood(self, method: str, retry_after: float, *, times: int = 1) -> None:
        self.fail(method, 429, f"Too Many Requests: retry after {retry_after}",
                  retry_after=retry_after, times=times)

    def block(self, method: str, *, times: int = 1, chat_id: int | None = None) -> None:
        self.fail(method, 403, "Forbidden: bot was blocked by the user", times=times, chat_id=chat_id)

    def limit_rate(self, per_second: float) -> None:
        """From now on, at most `per_second` messages a second (short bursts up to as many)."""
        self._rate = Rate(per_second)

    def slow(self, method: str, seconds: float, *, times: int = 1) -> None:
        """The next calls of `method` are carried out at once but answered only after `seconds`."""
        self._faults.setdefault(method.lower(), []).extend([Fault(delay=seconds)] * times)

    # --- what the bot did ---------------------------------------------------------------------

    def calls_of(self, method: str) -> list[dict[str, Any]]:
        """Parameters of the successful calls of `method`, oldest first."""
        return [call.params for call in self.calls if call.method == method and call.status == 200]

    async def wait_for(self, method: str, count: int = 1, timeout: float = 3.0) -> list[dict]:
        """The successful calls of `method` once there are at least `count` of them."""
        deadline = time.monotonic() + timeout
        while len(self.calls_of(method)) < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"{method} called {len(self.calls_of(method))} times, "
                                     f"expected {count}: {[c.method for c in self.calls]}")
            await asyncio.sleep(0.01)
        return self.calls_of(method)

    # --- HTTP -------------------------------------------------------------------------------

    async def _endpoint(self, request: Request) -> JSONResponse:
        if request.path_params["token"] != self.token:
            return _error(401, "Unauthorized")
        method = self.canonical(request.path_params["method"])
        if method is None:
            return _error(404, "Not Found")
        call = Call(method, await read_params(request))
        self.calls.append(call)
        fault = self._take_fault(method, call.params.get("chat_id"))
        if fault.status:
            call.status = fault.status
            return _error(fault.status, fault.description, fault.retry_after)
        if not self._within_rate(method):
            call.status = 429
            wait = self._rate.retry_after()
            return _error(429, f"Too Many Requests: retry after {wait}", wait)
        try:
            answer = JSONResponse({"ok": True, "result": await self.run(method, call.params)})
        except ApiError as error:
            call.status = error.status
            answer = _error(error.status, error.description)
        if fault.delay:
            await asyncio.sleep(fault.delay)  # a slow read: carried out, answered late
        return answer

    async def _count(self, request: Request) -> JSONResponse:
        """How many successful calls of a method: for benchmarks, whose fake runs elsewhere."""
        return JSONResponse(len(self.calls_of(request.path_params["method"])))

    async def _count_chats(self, request: Request) -> JSONResponse:
        """How many chats had a successful call of a method (a reply each, in a burst of /start)."""
        return JSONResponse(len({params.get("chat_id") for params in self.calls_of(request.path_params["method"])}))

    async def _carry(self, request: Request) -> Response:
        """For a benchmark playing Telegram: make the call of a webhook answer it got."""
        await self.carry(await request.json())
        return Response(status_code=204)

    async def _download(self, request: Request) -> Response:
        content = self.file_at(request.path_params["path"])
        if request.path_params["token"] != self.token or content is None:
            return Response(status_code=404)
        return Response(content, media_type="image/jpeg")

    def _within_rate(self, method: str) -> bool:
        return self._rate is None or method not in RATED or self._rate.allows()

    def _take_fault(self, method: str, chat_id: object) -> Fault:
        queue = self._faults.get(method.lower(), [])
        for index, fault in enumerate(queue):
            if fault.chat_id in (None, chat_id):
                return queue.pop(index)
        return Fault()

    async def _push_to_webhook(self) -> None:
        """Deliver queued updates to the webhook, oldest first, as Telegram does: an update that
        is not answered with 2xx is tried again."""
        async with httpx.AsyncClient(timeout=5) as client:
            while True:
                await self.updates_changed()
                while self.webhook_url and self.updates:
                    update = self.updates[0]
                    headers = {"X-Telegram-Bot-Api-Secret-Token": self.webhook_secret or ""}
                    try:
                        answer = await client.post(self.webhook_url, json=update, headers=headers)
                        status = answer.status_code
                    except httpx.HTTPError:
                        status = 0
                    self.webhook_answers.append(status)
                    if not 200 <= status < 300:
                        await asyncio.sleep(0.05)
                        continue
                    if self.updates and self.updates[0] is update:
                        self.updates.pop(0)
                    await self.carry_out(answer)
                    self.webhook_done.add(update["update_id"])

    async def carry_out(self, answer: httpx.Response) -> None:
        """The Bot API call a webhook answer names, made as Telegram makes it: its outcome goes
        nowhere (a failed one is only recorded)."""
        if answer.content and answer.headers.get("content-type", "").startswith("application/json"):
            await self.carry(answer.json())

    async def carry(self, params: dict[str, Any]) -> None:
        """The call a webhook answer's JSON body names, made as Telegram makes it."""
        method = self.canonical(str(params.pop("method", "")))
        if method is None:
            return
        call = Call(method, {name: _decode(name, value) for name, value in params.items()}, in_answer=True)
        self.calls.append(call)
        fault = self._take_fault(method, call.params.get("chat_id"))
        if fault.status:
            call.status = fault.status
            return
        if not self._within_rate(method):
            call.status = 429  # recorded here; the bot is never told
            return
        try:
            await self.run(method, call.params)
        except ApiError as error:
            call.status = error.status


async def _cancel(task: asyncio.Task) -> None:
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)


def _error(status: int, description: str, retry_after: float | None = None) -> JSONResponse:
    body: dict[str, Any] = {"ok": False, "error_code": status, "description": description}
    if retry_after is not None:
        body["parameters"] = {"retry_after": retry_after}
    return JSONResponse(body, status_code=status)


@dataclass
class Upload:
    """A file the bot uploaded in a multipart request."""

    filename: str
    content: bytes


# PTB sends every non-string value JSON-encoded inside form fields; these come back as values.
_JSON_FIELDS = frozenset({
    "chat_id", "message_id", "offset", "limit", "timeout", "max_connections",
    "drop_pending_updates", "show_alert", "reply_markup", "commands", "scope", "allowed_updates",
})


async def read_params(request: Request) -> dict[str, Any]:
    """Parameters from the query string and a JSON, form-encoded or multipart body."""
    params: dict[str, Any] = dict(request.query_params)
    body = await request.body()
    content_type = request.headers.get("content-type", "")
    if content_type.startswith("application/json") and body:
        params.update(json.loads(body))
    elif content_type.startswith("multipart/form-data"):
        params.update(_multipart(content_type, body))
    elif body:
        params.update(parse_qsl(body.decode(), keep_blank_values=True))
    return {name: _decode(name, value) for name, value in params.items()}


def _multipart(content_type: str, body: bytes) -> dict[str, Any]:
    head = f"Content-Type: {content_type}\r\n\r\n".encode()
    message = BytesParser(policy=HTTP).parsebytes(head + body)
    fields: dict[str, Any] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        content = part.get_payload(decode=True) or b""
        filename = part.get_filename()
        fields[name] = Upload(filename, content) if filename else content.decode()
    return fields


def _decode(name: str, value: Any) -> Any:
    if name not in _JSON_FIELDS or not isinstance(value, str):
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value
