"""The media store over HTTP: a published story's photo for anyone, any other file only by a
signed link, and a photo taken down never.

`/media/<name>` answers while a published story shows the photo, cached publicly like the wall.
`/media/<expires>/<signature>/<name>` answers with a signature of this server's key that has not
expired (`bot.media`), and is not kept by any cache. Everything else is 404, whatever the
reason (no such file, not public, a wrong or expired signature, taken down): an answer never
tells that a file exists. Which photo is public is `storage.wall.photo_standing`'s to say.
"""

from __future__ import annotations

from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Route

from bot.media import PREFIX, WEB_PREFIX
from bot.threads import off_loop
from bot.web.site import WebSite
from storage.db import read_scope
from storage.wall import PhotoStanding, photo_standing

PUBLIC = "public, max-age=86400"
PRIVATE = "private, no-store"


def media_routes(site: WebSite) -> list[Route]:
    async def public(request: Request) -> Response:
        return await _answer(site, request.path_params["name"], allowed=("public",), cache=PUBLIC)

    async def signed(request: Request) -> Response:
        name, expires, signature = (request.path_params[key] for key in ("name", "expires", "signature"))
        if site.media is None or not site.media.link_opens(name, expires, signature):
            return _not_found()
        return await _answer(site, name, allowed=("public", "private"), cache=PRIVATE)

    return [
        Route(WEB_PREFIX + "{name}", public),
        Route(WEB_PREFIX + "{expires:int}/{signature}/{name}", signed),
    ]


async def _answer(site: WebSite, name: str, *, allowed: tuple[PhotoStanding, ...], cache: str) -> Response:
    path = await off_loop(_servable, site, name, allowed)
    return FileResponse(path, headers={"Cache-Control": cache}) if path is not None else _not_found()


def _servable(site: WebSite, name: str, allowed: tuple[PhotoStanding, ...]) -> Path | None:
    """The file, when the photo's standing is one of `allowed` and it exists (the store resolves
    only names it gave out). The database is asked each time, so a takedown or an erasure holds
    at once in every process; and asked first, so a file that exists is not told by a slower
    answer."""
    if site.media is None:
        return None
    ref = PREFIX + name
    with read_scope(site.engine) as session:
        standing = photo_standing(session=session, photo=ref)
    return site.media.path(ref) if standing in allowed else None


def _not_found() -> Response:
    return Response(status_code=404, headers={"Cache-Control": PRIVATE})
