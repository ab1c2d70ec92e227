"""The public story wall over HTTP: `/`, `/cau-chuyen/{id}`, `/truong/{MÃ}`, the Atom feeds, and
the photos (`bot.web.media`: a published story's for anyone, the rest by signed link only).

Every page has a JSON twin (add `.json`), the same context rendered as data. Endpoints are plain
functions: Starlette runs them in its thread pool, so database work never blocks the event loop;
they only read (`read_scope`), so on SQLite a page never waits behind a push being written.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bot.web.respond import page_response
from bot.web.site import WebSite
from handlers import wall
from storage.db import read_scope


def wall_routes(site: WebSite) -> list[Route]:
    def home(request: Request) -> Response:
        page = wall.parse_page(request.query_params.get("trang"))
        code = request.query_params.get("truong") or None
        with read_scope(site.engine) as session:
            result = wall.wall_page(session=session, site=site.pages(request), school_code=code, page=page)
        return page_response(request, result, "wall.html", as_json=request.url.path.endswith(".json"))

    def story(request: Request) -> Response:
        with read_scope(site.engine) as session:
            result = wall.story_page(session=session, site=site.pages(request), story_id=request.path_params["id"])
        return page_response(request, result, "story.html", as_json=request.url.path.endswith(".json"))

    def school(request: Request) -> Response:
        page = wall.parse_page(request.query_params.get("trang"))
        with read_scope(site.engine) as session:
            result = wall.school_page(session=session, site=site.pages(request), school_code=request.path_params["code"], page=page)
        return page_response(request, result, "school.html", as_json=request.url.path.endswith(".json"))

    def feed(request: Request) -> Response:
        with read_scope(site.engine) as session:
            result = wall.feed(session=session, site=site.pages(request), school_code=request.path_params.get("code"))
        return page_response(request, result, "feed.xml")

    return [
        Route("/", home),
        Route("/.json", home),
        Route("/cau-chuyen/{id:int}", story),
        Route("/cau-chuyen/{id:int}.json", story),
        Route("/truong/{code}/feed.xml", feed),
        Route("/truong/{code}.json", school),
        Route("/truong/{code}", school),
        Route("/feed.xml", feed),
    ]
