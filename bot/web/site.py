"""What the web pages need from the runtime: the database, the clock's zone, the public address."""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from starlette.requests import Request

from bot.media import MediaStore
from handlers.wall import Site


@dataclass(frozen=True)
class WebSite:
    engine: sa.Engine
    media: MediaStore | None = None
    public_url: str | None = None  # TINTOT_PUBLIC_URL; without it, links use the address asked
    timezone: ZoneInfo = ZoneInfo("Asia/Ho_Chi_Minh")
    admins: frozenset[tuple[str, str]] = frozenset()
    telegram_bot: str | None = None  # TELEGRAM_BOT_USERNAME: the pages link to the bot and show its QR
    zalo_link: str | None = None  # ZALO_BOT_LINK

    def base_url(self, request: Request) -> str:
        return (self.public_url or str(request.base_url)).rstrip("/")

    def pages(self, request: Request) -> Site:
        image_path = self.media.public_path if self.media is not None else (lambda ref: None)
        return Site(base_url=self.base_url(request), timezone=self.timezone, image_path=image_path,
                    telegram_bot=self.telegram_bot, zalo_link=self.zalo_link)

    @property
    def secure_cookies(self) -> bool:
        return bool(self.public_url and self.public_url.startswith("https://"))
