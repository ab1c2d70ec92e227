"""The one HTTP server: webhooks, `/healthz`, `/media/`, the story wall and the dashboard."""

from bot.web.app import WebSite, build_app, listen, make_server

__all__ = ["WebSite", "build_app", "listen", "make_server"]
