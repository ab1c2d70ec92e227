"""The dashboard over HTTP: login links, cookie sessions, the page, downloads, logout.

`/dang-nhap?t=…` shows a button rather than logging in at once: chat apps fetch links to draw
previews, and a GET that used the link up would leave the person a dead link. The button POSTs
the token; a valid one opens a session (cookie HttpOnly, SameSite=Lax, Secure under https).
Any dashboard request without a live session is sent to `/dang-nhap`, which explains `/web`.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import parse_qs, urlsplit

from sqlmodel import Session

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from bot.web.respond import page_response, read_body
from bot.web.site import WebSite
from content import texts
from handlers import dashboard, weblogin
from handlers.wall import Page
from storage import logins
from storage.db import read_scope, session_scope
from storage.models import utcnow
from storage.rollup import roll_up_in_steps, up_to_date

COOKIE = "tintot_phien"
HOME = "/bang-dieu-khien"
PRIVATE = "private, no-store"
MAX_FORM_BYTES = 2_000  # the login form holds one token of about 80 characters
DOWNLOADS = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


def dashboard_routes(site: WebSite) -> list[Route]:
    pages = DashboardPages(site)
    return [
        Route(HOME, pages.page),
        Route(HOME + ".json", pages.page),
        Route(HOME + "/bao-cao.{fmt}", pages.download),
        Route(weblogin.LOGIN_PATH, pages.login_page, methods=["GET"]),
        Route(weblogin.LOGIN_PATH, pages.login, methods=["POST"]),
        Route("/dang-xuat", pages.logout, methods=["POST"]),
    ]


class DashboardPages:
    """The endpoints; the plain ones run in Starlette's thread pool (they use the database)."""

    def __init__(self, site: WebSite) -> None:
        self.site = site

    def _viewer(self, session, request: Request) -> weblogin.Viewer | None:  # noqa: ANN001
        token = request.cookies.get(COOKIE)
        member = logins.session_member(session=session, token=token, now=utcnow()) if token else None
        return weblogin.viewer(member, self.site.admins)

    def _clock(self) -> dashboard.Clock:
        return dashboard.Clock(utcnow(), self.site.timezone)

    def _as_viewer(self, request: Request, read: Callable[[Session, weblogin.Viewer], Response]) -> Response:
        """`read(session, viewer)` for the request's viewer; anyone else is sent to the login page.

        Reports only read, so they run in `read_scope`: on SQLite they never hold the write lock a
        student's message needs. The daily rollup, which writes, is brought up to date first in
        short transactions of its own (a day each), only when it is behind and only for a viewer: a stranger's
        request takes no lock, nor does a viewer's on most days."""
        now = utcnow()
        with read_scope(self.site.engine) as session:
            known = self._viewer(session, request) is not None
            behind = known and not up_to_date(session=session, zone=self.site.timezone, now=now)
        if not known:
            return RedirectResponse(weblogin.LOGIN_PATH, status_code=303)
        if behind:
            roll_up_in_steps(engine=self.site.engine, zone=self.site.timezone, now=now)
        with read_scope(self.site.engine) as session:
            viewer = self._viewer(session, request)  # again: its member, loaded in this session
            return RedirectResponse(weblogin.LOGIN_PATH, status_code=303) if viewer is None else read(session, viewer)

    def page(self, request: Request) -> Response:
        def read(session: Session, viewer: weblogin.Viewer) -> Response:
            word = request.query_params.get("ky", "")
            context = dashboard.dashboard(session=session, viewer=viewer, word=word, clock=self._clock())
            as_json = request.url.path.endswith(".json")
            return page_response(request, Page(200, context), "dashboard.html", as_json=as_json, cache=PRIVATE)

        return self._as_viewer(request, read)

    def download(self, request: Request) -> Response:
        def read(session: Session, viewer: weblogin.Viewer) -> Response:
            fmt, clock = request.path_params["fmt"], self._clock()
            first, last = request.query_params.get("tu"), request.query_params.get("den")
            period = dashboard.report_period(first=first, last=last, clock=clock)
            if fmt not in DOWNLOADS or period is None:
                return _message(request, 400, texts.WEB_BAD_PERIOD_TITLE, texts.WEB_BAD_PERIOD)
            body = dashboard.report_file(session=session, viewer=viewer, fmt=fmt, period=period, clock=clock)
            name = f"tintot-thongke-{period.last.isoformat()}.{fmt}"
            headers = {"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": PRIVATE}
            return Response(body, media_type=DOWNLOADS[fmt], headers=headers)

        return self._as_viewer(request, read)

    def login_page(self, request: Request) -> Response:
        token = request.query_params.get("t", "")
        return page_response(request, Page(200, {"title": texts.WEB_LOGIN_TITLE, "token": token}), "login.html", cache=PRIVATE)

    def _from_our_pages(self, request: Request) -> bool:
        """Whether a form was posted from this site. Browsers name the posting page's origin
        (Origin, else Referer): another site's page could otherwise log a visitor in to its own
        session (login CSRF). A client that names neither is not a browser carrying a visitor's
        cookies, and passes."""
        given = request.headers.get("origin") or request.headers.get("referer")
        return given is None or _origin(given) == _origin(self.site.base_url(request))

    async def login(self, request: Request) -> Response:
        if not self._from_our_pages(request):
            return _message(request, 403, texts.WEB_ERRORS[403][0], texts.WEB_OTHER_ORIGIN)
        body = await read_body(request, MAX_FORM_BYTES)
        token = _form(body).get("t", "") if body is not None else ""
        cookie = await run_in_threadpool(self._redeem, token) if token else None
        if cookie is None:
            return _message(request, 403, texts.WEB_LOGIN_FAILED_TITLE, texts.WEB_LOGIN_FAILED)
        response = RedirectResponse(HOME, status_code=303)
        response.set_cookie(
            COOKIE, cookie, max_age=int(weblogin.SESSION_LIFETIME.total_seconds()), httponly=True, samesite="lax",
            secure=self.site.secure_cookies, path="/",
        )
        return response

    def _redeem(self, token: str) -> str | None:
        """A new session's cookie for a valid link of a member who may see the dashboard."""
        now = utcnow()
        with session_scope(self.site.engine) as session:
            member = weblogin.redeem_token(session=session, token=token, now=now)
            if weblogin.viewer(member, self.site.admins) is None:
                return None
            return logins.open_session(session=session, member_id=member.id, expires_at=now + weblogin.SESSION_LIFETIME)

    async def logout(self, request: Request) -> Response:
        if not self._from_our_pages(request):
            return _message(request, 403, *texts.WEB_ERRORS[403])
        if token := request.cookies.get(COOKIE):
            await run_in_threadpool(self._close, token)
        response = RedirectResponse(weblogin.LOGIN_PATH, status_code=303)
        response.delete_cookie(COOKIE, path="/", httponly=True, samesite="lax", secure=self.site.secure_cookies)
        return response

    def _close(self, token: str) -> None:
        with session_scope(self.site.engine) as session:
            logins.close_session(session=session, token=token)


def _origin(url: str) -> str:
    """'https://Tintot.example.vn/dang-nhap' → 'https://tintot.example.vn'; 'null' → '://'."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def _form(body: bytes) -> dict[str, str]:
    """The login form's fields; none when it is not that form (too many fields for one)."""
    try:
        fields = parse_qs(body.decode("utf-8", "replace"), max_num_fields=5)
    except ValueError:
        return {}
    return {key: values[0] for key, values in fields.items()}


def _message(request: Request, status: int, title: str, message: str) -> Response:
    return page_response(request, Page(status, {"title": title, "message": message}), "message.html", cache=PRIVATE)
