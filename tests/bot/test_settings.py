import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from bot.settings import Settings, load_settings


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("TINTOT_DAILY_AT", "7h"),
        ("TINTOT_DAILY_AT", "25:00"),
        ("TINTOT_DAILY_AT", "22:30"),
        ("TINTOT_WEEKLY_AT", "SUNDAY 19:00"),
        ("TINTOT_TIMEZONE", "Mars/Olympus"),
        ("TINTOT_ADMINS", "viber:1"),
        ("TINTOT_ADMINS", "telegram:@lan"),
        ("TINTOT_ADMINS", "zalo:Lan Anh"),
        ("TINTOT_HTTP_PORT", "8080a"),
        ("TINTOT_HTTP_PORT", "70000"),
        ("TELEGRAM_BOT_TOKEN", "123456"),
        ("TINTOT_PUBLIC_URL", "ftp://tintot.example.vn"),
        ("DATABASE_URL", "sqlite:///:memory:"),
        ("TELEGRAM_WEBHOOK_SECRET", "short"),
        ("TINTOT_TELEGRAM_RATE", "0"),
        ("TELEGRAM_CHANNEL_ID", "kênh của trường"),
        ("TELEGRAM_CHANNEL_ID", "@tintot_caobang"),  # without TELEGRAM_BOT_TOKEN
    ],
)
def test_a_wrong_setting_stops_with_one_line_naming_it(monkeypatch, name, value):
    monkeypatch.setenv(name, value)
    with pytest.raises(SystemExit) as stop:
        load_settings(_env_file=None)
    message = str(stop.value)
    assert message.startswith(f"Cấu hình sai: {name}: ") and "\n" not in message
    assert "Value error" not in message and "Input should" not in message


def test_defaults_and_parsing(monkeypatch):
    monkeypatch.setenv("TINTOT_ADMINS", "telegram:123456789, zalo:6ede9afa4a5dad02f44c")
    monkeypatch.setenv("TINTOT_WEEKLY_AT", "sat 08:30")
    settings = load_settings(_env_file=None)
    assert settings.admins == {("telegram", "123456789"), ("zalo", "6ede9afa4a5dad02f44c")}
    assert settings.weekly_at[0] == 5 and settings.weekly_at[1].hour == 8
    assert settings.daily_at.hour == 7 and str(settings.timezone) == "Asia/Ho_Chi_Minh"


def test_tokens_never_appear_in_the_settings_repr(monkeypatch):
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123:SECRET-TOKEN")
    assert "SECRET-TOKEN" not in repr(load_settings(_env_file=None))


@pytest.mark.parametrize("url", ["nonsense", "postgres://x@127.0.0.1:1/db", "postgresql+psycopg://x@127.0.0.1:1/db"])
def test_a_database_that_cannot_be_opened_stops_with_one_line(url):
    done = subprocess.run(
        [sys.executable, "-m", "bot", "db", "upgrade"], capture_output=True, text=True, timeout=60,
        env=dict(os.environ, DATABASE_URL=url),
    )
    assert done.returncode == 1
    assert done.stderr.startswith("Cấu hình sai: DATABASE_URL:") and done.stderr.count("\n") == 1


def test_the_campaign_channel_is_read_as_the_bot_api_takes_it():
    settings = load_settings(_env_file=None, telegram_bot_token="1:x", telegram_channel_id="https://t.me/tintot_caobang")
    assert settings.telegram_channel_id == "@tintot_caobang"
    with pytest.raises(SystemExit, match="TELEGRAM_CHANNEL_ID: .*-100"):
        load_settings(_env_file=None, telegram_bot_token="1:x", telegram_channel_id="kênh của trường")


def _example_settings() -> list[tuple[str, str]]:
    """`.env.example`'s settings (name, value), commented out or not."""
    text = (Path(__file__).parents[2] / ".env.example").read_text(encoding="utf-8")
    return re.findall(r"^#? ?([A-Z][A-Z0-9_]*)=(.*)$", text, flags=re.MULTILINE)


def test_env_example_lists_exactly_the_settings_and_loads_as_it_is_uncommented(tmp_path, monkeypatch):
    names = [name for name, _ in _example_settings()]
    assert sorted(names) == sorted(name.upper() for name in Settings.model_fields)
    for name in names:
        monkeypatch.delenv(name, raising=False)  # the environment would win over the file
    env_file = tmp_path / ".env"
    env_file.write_text("\n".join(f"{name}={value}" for name, value in _example_settings()), encoding="utf-8")
    settings = Settings(_env_file=env_file)
    assert settings.database_url == "sqlite:///data/tintot.db" and settings.telegram_bot_token is None


def _documented_settings(path: str) -> set[str]:
    """The setting names in the first column of a Markdown table of settings."""
    text = (Path(__file__).parents[2] / path).read_text(encoding="utf-8")
    rows = [line.split("|")[1] for line in text.splitlines() if line.startswith("| `")]
    return {name for row in rows for name in re.findall(r"`([A-Z][A-Z0-9_]+)`", row)}


def test_the_settings_tables_name_only_real_settings_and_the_operations_guide_names_every_one():
    real = {name.upper() for name in Settings.model_fields}
    readme = _documented_settings("README.md")
    assert readme and readme <= real, f"README names settings that do not exist: {readme - real}"
    assert _documented_settings("docs/operations.md") == real
