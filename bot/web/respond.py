"""A page's context as an HTTP answer: HTML, JSON or Atom, with caching headers; and a request's
body read up to a limit.

Public pages carry an ETag (a hash of the body) and Last-Modified (the newest story shown), and
answer 304 to a client that already has them, so feed readers polling every few minutes cost a
query and a render but not the bandwidth.
"""

from __future__ import annotations

import hashlib
import json
from datetime import timezone
from email.utils import format_datetime

from starlette.requests import Request
from starlette.responses import Response

from content.pages import render_page
from handlers.wall import Page

PUBLIC_CACHE = "public, max-age=60"
ATOM = "application/atom+xml; charset=utf-8"


async def read_body(request: Request, limit: int) -> bytes | None:
    """The request's body, or None once it is longer than `limit` bytes (read no further: a
    client cannot make the server hold more than that)."""
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            return None
    return bytes(body)


def page_response(request: Request, page: Page, template: str, *, as_json: bool = False, cache: str = PUBLIC_CACHE) -> Response:
    """`template` renders a 200; other statuses show the message page."""
    if as_json:
        body, media_type = json.dumps(page.context, ensure_ascii=False).encode(), "application/json"
    elif page.status != 200:
        body, media_type = render_page("message.html", page.context).encode(), "text/html; charset=utf-8"
    else:
        body = render_page(template, page.context).encode()
        media_type = ATOM if template.endswith(".xml") else "text/html; charset=utf-8"
    if page.status != 200:
        return Response(body, status_code=page.status, media_type=media_type, headers={"Cache-Control": "public, max-age=30"})
    etag = 'W/"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"'
    headers = {"ETag": etag, "Cache-Control": cache, "Vary": "Cookie" if cache != PUBLIC_CACHE else "Accept-Encoding"}
    if page.updated is not None:
        headers["Last-Modified"] = format_datetime(page.updated.astimezone(timezone.utc), usegmt=True)
    if etag in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=headers)
    return Response(body, media_type=media_type, headers=headers)
