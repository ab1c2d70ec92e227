"""The one HTTP server: webhooks, `/healthz`, the story wall with its photos (`/media/`) and the dashboard."""

from bot.web.app import WebSite, build_app, listen, make_server

__all__ = ["WebSite", "build_app", "listen", "make_server"]
