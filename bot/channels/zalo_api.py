"""A small httpx client for the Zalo Bot Platform: ``POST {base}/bot{token}/{method}`` with JSON.

Every failure becomes a `ZaloApiError` (a `ChannelError`) whose message names the method and
the platform's description, never the URL: the token is part of the URL.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import httpx

from bot.channels.base import ChannelError
from bot.channels.http import mounts

# httpx logs every request URL at INFO, and Zalo puts the bot token in the URL.
logging.getLogger("httpx").setLevel(logging.WARNING)

NO_UPDATES = 408
# Flood control limits what the bot sends; taking users' updates goes on meanwhile.
UNPACED = frozenset({"getUpdates"})
FLOOD_RETRIES = 3
MAX_FLOOD_WAIT = 60.0
DEFAULT_RETRY_AFTER = 1.0


class ZaloApiError(ChannelError):
    """The platform refused a call or could not be reached.

    `error_code` is the platform's code (or the HTTP status), None when no answer came.
    """

    def __init__(self, message: str, *, error_code: int | None = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.error_code = error_code


class ZaloApi:
    def __init__(self, base_url: str, token: str, *, timeout: float = 10.0) -> None:
        self._prefix = f"{base_url.rstrip('/')}/bot{token}/"
        self._timeout = timeout
        self._http = httpx.AsyncClient(timeout=httpx.Timeout(timeout), mounts=mounts(connections=32))
        self._resume_at = 0.0

    async def call(self, method: str, payload: dict | None = None, *, wait: float = 0.0,
                   flood_patience: float = 0.0) -> Any:
        """The call's `result`; `wait` adds to the read timeout (long polling).

        On flood control every call of this client pauses for `retry_after`, then this one is
        retried: a refused call did not reach the chat, so retrying cannot duplicate it. It is
        retried FLOOD_RETRIES times, or for `flood_patience` seconds if that is more (a reply).
        """
        retries = 0
        give_up_at = _now() + flood_patience
        while True:
            if method not in UNPACED:
                await self._flood_pause()
            try:
                return await self._call_once(method, payload or {}, wait)
            except ZaloApiError as error:
                pause = error.retry_after
                if pause is None or pause > MAX_FLOOD_WAIT:
                    raise
                if retries >= FLOOD_RETRIES and _now() + pause > give_up_at:
                    raise
                retries += 1
                self._resume_at = max(self._resume_at, _now() + pause)

    async def download(self, url: str, *, max_bytes: int) -> bytes:
        """The file at `url` (a photo a user sent), refusing anything larger than `max_bytes`."""
        if not url.startswith(("https://", "http://")):
            raise ZaloApiError("photo URL is not http(s)")
        try:
            async with self._http.stream("GET", url, follow_redirects=True) as response:
                if response.status_code != 200:
                    raise ZaloApiError(f"photo download: HTTP {response.status_code}")
                data = bytearray()
                async for chunk in response.aiter_bytes():
                    data += chunk
                    if len(data) > max_bytes:
                        raise ZaloApiError(f"photo larger than {max_bytes} bytes")
                return bytes(data)
        except httpx.HTTPError as error:
            raise ZaloApiError(f"photo download: {type(error).__name__}") from None

    async def close(self) -> None:
        await self._http.aclose()

    async def _flood_pause(self) -> None:
        delay = self._resume_at - _now()
        if delay > 0:
            await asyncio.sleep(delay)

    async def _call_once(self, method: str, payload: dict, wait: float) -> Any:
        timeout = httpx.Timeout(self._timeout, read=self._timeout + wait)
        try:
            response = await self._http.post(self._prefix + method, json=payload, timeout=timeout)
        except (httpx.ReadTimeout, httpx.ReadError, httpx.RemoteProtocolError) as error:
            # The request went out; the platform may have acted on it.
            raise ZaloApiError(
                f"{method}: no answer ({type(error).__name__})", maybe_delivered=True
            ) from None
        except httpx.HTTPError as error:
            raise ZaloApiError(f"{method}: {type(error).__name__}") from None
        return _result(method, response)


def _result(method: str, response: httpx.Response) -> Any:
    """The `result` of an answer, or the error it carries."""
    try:
        body = response.json()
    except ValueError:
        body = None
    if isinstance(body, dict) and body.get("ok") is True and response.status_code == 200:
        return body.get("result")
    if not isinstance(body, dict):
        body = {}
    code = _int(body.get("error_code")) or response.status_code
    description = str(body.get("description") or response.reason_phrase or "error")
    retry_after = _retry_after(body, response) if code == 429 else None
    raise ZaloApiError(
        f"{method}: {code} {description}",
        error_code=code,
        retry_after=retry_after,
        blocked=code == 403,
        # The request itself was refused (bad chat, bad text): the same request fails again.
        permanent=400 <= code < 500 and code not in (403, 408, 429),
    )


def _retry_after(body: dict, response: httpx.Response) -> float:
    parameters = body.get("parameters")
    from_body = _float(parameters.get("retry_after")) if isinstance(parameters, dict) else None
    return from_body or _float(response.headers.get("retry-after")) or DEFAULT_RETRY_AFTER


def _int(value: object) -> int | None:
    try:
        return int(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None


def _float(value: object) -> float | None:
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None


def _now() -> float:
    return asyncio.get_running_loop().time()
