"""The dashboard over HTTP: login links, cookie sessions, the page, downloads, logout.

`/dang-nhap?t=…` shows a button rather than logging in at once: chat apps fetch links to draw
previews, and a GET that used the link up would leave the person a dead link. The button POSTs
the token; a valid one opens a session (cookie HttpOnly, SameSite=Lax, Secure under https).
Any dashboard request without a live session is sent to `/dang-nhap`, which explains `/web`.
"""

from __future__ import annotations

from datetime import date
from urllib.parse import parse_qs

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from bot.web.respond import page_response
from bot.web.site import WebSite
from content import texts
from handlers import dashboard, weblogin
from handlers.wall import Page
from storage import logins
from storage.db import session_scope
from storage.models import utcnow

COOKIE = "tintot_phien"
HOME = "/bang-dieu-khien"
PRIVATE = "private, no-store"
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

    def page(self, request: Request) -> Response:
        with session_scope(self.site.engine) as session:
            viewer = self._viewer(session, request)
            if viewer is None:
                return RedirectResponse(weblogin.LOGIN_PATH, status_code=303)
            word = request.query_params.get("ky", "")
            context = dashboard.dashboard(session=session, viewer=viewer, word=word, clock=self._clock())
        as_json = request.url.path.endswith(".json")
        return page_response(request, Page(200, context), "dashboard.html", as_json=as_json, cache=PRIVATE)

    def download(self, request: Request) -> Response:
        fmt = request.path_params["fmt"]
        period = _period(request.query_params.get("tu"), request.query_params.get("den"), self._clock().today)
        if fmt not in DOWNLOADS or period is None:
            return _message(request, 400, texts.WEB_BAD_PERIOD_TITLE, texts.WEB_BAD_PERIOD)
        first, last = period
        with session_scope(self.site.engine) as session:
            viewer = self._viewer(session, request)
            if viewer is None:
                return RedirectResponse(weblogin.LOGIN_PATH, status_code=303)
            body = dashboard.report_file(session=session, viewer=viewer, fmt=fmt, first=first, last=last, clock=self._clock())
        name = f"tintot-thongke-{last.isoformat()}.{fmt}"
        headers = {"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": PRIVATE}
        return Response(body, media_type=DOWNLOADS[fmt], headers=headers)

    def login_page(self, request: Request) -> Response:
        token = request.query_params.get("t", "")
        return page_response(request, Page(200, {"title": texts.WEB_LOGIN_TITLE, "token": token}), "login.html", cache=PRIVATE)

    async def login(self, request: Request) -> Response:
        token = _form(await request.body()).get("t", "")
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
        if token := request.cookies.get(COOKIE):
            await run_in_threadpool(self._close, token)
        response = RedirectResponse(weblogin.LOGIN_PATH, status_code=303)
        response.delete_cookie(COOKIE, path="/", httponly=True, samesite="lax", secure=self.site.secure_cookies)
        return response

    def _close(self, token: str) -> None:
        with session_scope(self.site.engine) as session:
            logins.close_session(session=session, token=token)


def _form(body: bytes) -> dict[str, str]:
    fields = parse_qs(body.decode("utf-8", "replace"), max_num_fields=5)
    return {key: values[0] for key, values in fields.items()}


def _period(first: str | None, last: str | None, today: date) -> tuple[date | None, date] | None:
    """'?tu=2026-11-01&den=2026-11-30' (either may be left out: since the start, until today);
    None when a day is malformed or the first comes after the last."""
    try:
        start = date.fromisoformat(first) if first else None
        end = date.fromisoformat(last) if last else today
    except ValueError:
        return None
    return (start, end) if start is None or start <= end else None


def _message(request: Request, status: int, title: str, message: str) -> Response:
    return page_response(request, Page(status, {"title": title, "message": message}), "message.html", cache=PRIVATE)
