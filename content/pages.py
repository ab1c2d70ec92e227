"""Web pages and feeds from the templates in `content/templates/`, with every value escaped.

Usage: `render_page("story.html", context)`; a template gets exactly the context its page's
handler builds (see `handlers/wall.py`, `handlers/dashboard.py`) and runs no query of its own.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

import jinja2

from content import render


@cache
def _environment() -> jinja2.Environment:
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("content", "templates"),
        autoescape=jinja2.select_autoescape(["html", "xml"]),
        trim_blocks=True,
        lstrip_blocks=True,
        # Stories stored before incoming text was cleaned may hold what XML forbids: every value
        # a page or feed shows goes through `printable`, so one such story cannot break a feed.
        finalize=lambda value: render.printable(value) if isinstance(value, str) else value,
    )
    environment.filters["number"] = render.number
    return environment


def render_page(name: str, context: dict) -> str:
    return _environment().get_template(name).render(context)


SHARE_IMAGE = "chia-se.png"  # 1200×630, what a shared link of a page without its own photo shows


@cache
def static_file(name: str) -> bytes:
    """A file of `content/static/` (the stylesheet, the share image), read once."""
    return resources.files("content").joinpath("static", name).read_bytes()
