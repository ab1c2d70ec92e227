"""All settings, from the environment or a `.env` file, checked once at start-up.

A wrong value stops start-up with one line naming the setting (see `load_settings`), never a
crash later in the middle of a push.
"""

from __future__ import annotations

import re
from datetime import time
from functools import cached_property
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, ValidationError, ValidationInfo, field_validator
from pydantic_core import ErrorDetails
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from content.links import telegram_channel, telegram_username

WEEKDAYS = ("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN")
CHANNEL_NAMES = ("telegram", "zalo", "console")
# A platform's id for a person: Telegram's is a number, Zalo's letters and digits as its updates
# give them; the console's is the name typed after --as.
ADMIN_ID_SHAPES = {"telegram": r"\d{1,20}", "zalo": r"[A-Za-z0-9_-]{1,64}", "console": r"\S+"}
DATABASE_HELP = "cần sqlite:///data/tintot.db hoặc postgresql+psycopg://người_dùng:mật_khẩu@máy/tên_csdl"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    database_url: str = "sqlite:///data/tintot.db"

    telegram_bot_token: str | None = Field(default=None, repr=False)
    telegram_bot_api_url: str = "https://api.telegram.org"
    telegram_webhook_url: str | None = None
    telegram_webhook_secret: str | None = Field(default=None, repr=False)
    # A reply rides in the webhook's answer (bot/channels/telegram/answers.py); off for a Bot API
    # server that ignores what a webhook answers.
    telegram_reply_in_webhook: bool = True
    telegram_bot_username: str | None = None  # for join links and posters (`tintot schools links`)
    telegram_channel_id: str | None = None  # the campaign's channel: every push is cross-posted

    zalo_bot_token: str | None = Field(default=None, repr=False)
    zalo_bot_api_url: str = "https://bot-api.zaloplatforms.com"
    zalo_webhook_url: str | None = None
    zalo_webhook_secret: str | None = Field(default=None, repr=False)
    zalo_bot_link: str | None = None  # the bot's link that Zalo shows, for posters

    tintot_admins: str = ""
    tintot_timezone: str = "Asia/Ho_Chi_Minh"
    tintot_daily_at: str = "07:00"
    tintot_weekly_at: str = "SUN 19:00"
    tintot_telegram_rate: float = Field(default=25, gt=0)
    tintot_zalo_rate: float = Field(default=10, gt=0)
    tintot_announcements_per_day: int = Field(default=2, ge=0, le=20)
    tintot_http_host: str = "127.0.0.1"
    tintot_http_port: int = Field(default=8080, ge=0, le=65535)
    tintot_public_url: str | None = None
    tintot_media_dir: str = "data/media"
    tintot_stories_per_day: int = Field(default=3, ge=1, le=100)

    @field_validator(
        "telegram_bot_token",
        "telegram_webhook_url",
        "telegram_webhook_secret",
        "zalo_bot_token",
        "zalo_webhook_url",
        "zalo_webhook_secret",
        "tintot_public_url",
        "telegram_bot_username",
        "zalo_bot_link",
        "telegram_channel_id",
        mode="before",
    )
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str) -> str:
        check_database_url(value)
        return value

    @field_validator("telegram_bot_token")
    @classmethod
    def _telegram_token_shape(cls, value: str | None) -> str | None:
        # Checked before any call: a token with a space or a slash would otherwise break the
        # API's URL, and the failure would blame TELEGRAM_BOT_API_URL.
        if value is not None and not re.fullmatch(r"\d+:[A-Za-z0-9_-]+", value):
            raise ValueError("token có dạng 123456789:AAE… (chữ số, dấu hai chấm, rồi chữ cái, chữ số, _ hoặc -), "
                             "như @BotFather đưa")
        return value

    @field_validator("tintot_public_url")
    @classmethod
    def _public_url(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(r"https?://[^\s/?#]+(/\S*)?", value):
            raise ValueError("cần một địa chỉ http:// hoặc https://, ví dụ https://tintot.example.vn")
        return value

    @field_validator("tintot_timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"không biết múi giờ {value!r}") from None
        return value

    @field_validator("tintot_daily_at")
    @classmethod
    def _daily_time(cls, value: str) -> str:
        parse_clock(value)
        return value

    @field_validator("tintot_weekly_at")
    @classmethod
    def _weekly_time(cls, value: str) -> str:
        parse_weekly(value)
        return value

    @field_validator("tintot_admins")
    @classmethod
    def _admin_ids(cls, value: str) -> str:
        parse_admins(value)
        return value

    @field_validator("telegram_webhook_secret", "zalo_webhook_secret")
    @classmethod
    def _secret_shape(cls, value: str | None) -> str | None:
        # Both platforms accept 1-256 of [A-Za-z0-9_-]; Zalo asks for at least 8.
        if value is not None and not re.fullmatch(r"[A-Za-z0-9_-]{8,256}", value):
            raise ValueError("cần 8–256 ký tự A-Z, a-z, 0-9, _ hoặc -")
        return value

    @field_validator("telegram_bot_username")
    @classmethod
    def _bot_username(cls, value: str | None) -> str | None:
        if value is None:
            return None
        try:
            return telegram_username(value)
        except ValueError:
            raise ValueError("tên bot Telegram gồm 5–32 chữ cái, chữ số hoặc _, bắt đầu bằng chữ cái") from None

    @field_validator("telegram_channel_id")
    @classmethod
    def _channel_id(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is None:
            return None
        if not info.data.get("telegram_bot_token"):
            # Its posts would wait for ever for a Telegram sender that never starts.
            raise ValueError("cần TELEGRAM_BOT_TOKEN: bot đăng lên kênh qua Telegram")
        try:
            return telegram_channel(value)
        except ValueError:
            raise ValueError("cần @tên_kênh hoặc mã kênh dạng -100…") from None

    @cached_property
    def timezone(self) -> ZoneInfo:
        return ZoneInfo(self.tintot_timezone)

    @cached_property
    def daily_at(self) -> time:
        return parse_clock(self.tintot_daily_at)

    @cached_property
    def weekly_at(self) -> tuple[int, time]:
        return parse_weekly(self.tintot_weekly_at)

    @cached_property
    def admins(self) -> frozenset[tuple[str, str]]:
        return parse_admins(self.tintot_admins)


def parse_clock(value: str) -> time:
    """'07:00' -> 07:00; push times must fall outside the quiet hours (21:00–06:00)."""
    match = re.fullmatch(r"\s*(\d{1,2}):(\d{2})\s*", value)
    if not match or int(match.group(1)) > 23 or int(match.group(2)) > 59:
        raise ValueError(f"giờ phải có dạng HH:MM, nhận được {value!r}")
    clock = time(int(match.group(1)), int(match.group(2)))
    if not time(6, 0) <= clock < time(21, 0):
        raise ValueError(f"giờ gửi phải từ 06:00 đến trước 21:00 (giờ nghỉ của học sinh), nhận được {value!r}")
    return clock


def parse_weekly(value: str) -> tuple[int, time]:
    """'SUN 19:00' -> (6, 19:00); Monday is 0 as in `date.weekday()`."""
    day, _, clock = value.strip().partition(" ")
    if day.upper() not in WEEKDAYS:
        raise ValueError(f"cần dạng 'SUN 19:00' (MON…SUN), nhận được {value!r}")
    return WEEKDAYS.index(day.upper()), parse_clock(clock)


def parse_admins(value: str) -> frozenset[tuple[str, str]]:
    """'telegram:123456789, zalo:8a1b…' -> {("telegram", "123456789"), ("zalo", "8a1b…")}."""
    admins = set()
    for item in filter(None, (part.strip() for part in value.split(","))):
        channel, _, platform_id = item.partition(":")
        if channel not in CHANNEL_NAMES or not platform_id:
            raise ValueError(f"mỗi quản trị viên có dạng telegram:ID hoặc zalo:ID, nhận được {item!r}")
        if not re.fullmatch(ADMIN_ID_SHAPES[channel], platform_id):
            hint = "mã Telegram là một số (không phải @tên)" if channel == "telegram" else "mã Zalo gồm chữ cái và chữ số"
            raise ValueError(f"{hint}, nhận được {item!r}")
        admins.add((channel, platform_id))
    return frozenset(admins)


def check_database_url(value: str) -> None:
    """SQLite on a file or PostgreSQL through psycopg: the two databases the bot is tested on."""
    try:
        url = make_url(value)
    except ArgumentError:
        raise ValueError(f"không hiểu địa chỉ này; {DATABASE_HELP}") from None
    if url.drivername in ("postgres", "postgresql", "postgresql+psycopg2"):
        raise ValueError("PostgreSQL viết là postgresql+psycopg://… (bot dùng thư viện psycopg 3)")
    if url.drivername == "sqlite" and url.database in (None, "", ":memory:"):
        raise ValueError("sqlite:// là cơ sở dữ liệu trong bộ nhớ, mất hết khi bot dừng; cần sqlite:///data/tintot.db")
    if url.drivername not in ("sqlite", "postgresql+psycopg"):
        raise ValueError(f"bot chỉ chạy trên SQLite hoặc PostgreSQL; {DATABASE_HELP}")


# What pydantic's own checks mean, in the operator's words; a validator's ValueError says its own.
_PYDANTIC_ERRORS = {
    "int_parsing": "cần một số nguyên",
    "int_from_float": "cần một số nguyên",
    "float_parsing": "cần một số",
    "bool_parsing": "cần true hoặc false",
    "string_type": "cần một chuỗi ký tự",
    "greater_than": "cần lớn hơn {gt}",
    "greater_than_equal": "cần từ {ge} trở lên",
    "less_than": "cần nhỏ hơn {lt}",
    "less_than_equal": "cần nhiều nhất là {le}",
}


def explain(error: ErrorDetails) -> str:
    """One Vietnamese line naming the setting (its variable's name) and what it needs."""
    name = str(error["loc"][0]).upper() if error["loc"] else "cấu hình"
    context = error.get("ctx", {})
    if error["type"] == "value_error":
        reason = str(context["error"])
    else:
        reason = _PYDANTIC_ERRORS.get(error["type"], "giá trị không hợp lệ").format(**context)
    return f"Cấu hình sai: {name}: {reason}"


def load_settings(**overrides: object) -> Settings:
    """Settings from the environment, or `SystemExit` with one line naming the wrong setting."""
    try:
        return Settings(**overrides)
    except ValidationError as error:
        raise SystemExit(explain(error.errors()[0])) from None
