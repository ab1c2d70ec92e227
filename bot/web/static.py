"""The site's own files: the stylesheet, the image a shared link shows, and each school's join QR
code (the poster's, `content.links`) for its page."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bot.threads import off_loop
from bot.web.site import WebSite
from content import links
from content.pages import SHARE_IMAGE, static_file
from handlers import wall
from storage.db import read_scope

LONG_CACHE = "public, max-age=3600"
FILES = {"/style.css": ("style.css", "text/css"), wall.SHARE_IMAGE_PATH: (SHARE_IMAGE, "image/png")}


def static_routes(site: WebSite) -> list[Route]:
    def serve(name: str, media_type: str):  # noqa: ANN202
        async def answer(request: Request) -> Response:
            return Response(static_file(name), media_type=media_type, headers={"Cache-Control": LONG_CACHE})

        return answer

    async def join_qr(request: Request) -> Response:
        """The QR code of `/truong/{MÃ}`'s join link; 404 without a Telegram bot or such a school."""
        link = await off_loop(_join_link, site, request)
        if link is None:
            return Response(status_code=404, headers={"Cache-Control": "no-store"})
        return Response(links.qr_svg(link), media_type="image/svg+xml", headers={"Cache-Control": LONG_CACHE})

    routes = [Route(path, serve(name, media_type)) for path, (name, media_type) in FILES.items()]
    return [*routes, Route("/truong/{code}/qr.svg", join_qr)]


def _join_link(site: WebSite, request: Request) -> str | None:
    with read_scope(site.engine) as session:
        return wall.join_link(session=session, site=site.pages(request), school_code=request.path_params["code"])
