"""An operator's mistake, typed into the real `tintot`: exit code 1 and one Vietnamese line naming
what to fix, never a traceback, never pydantic's English, never a token."""

import os
import subprocess
import sys

import pytest

TOKEN = "123456:AAE-secret_part"


def _tintot(folder, *args: str, **settings: str) -> subprocess.CompletedProcess:  # noqa: ANN001
    unset = ("TELEGRAM_", "ZALO_", "TINTOT_", "DATABASE_URL")
    env = {k: v for k, v in os.environ.items() if not k.startswith(unset)} | settings
    return subprocess.run([sys.executable, "-m", "bot", *args], cwd=folder, env=env, capture_output=True, text=True,
                          timeout=60)


@pytest.mark.parametrize(
    ("settings", "args", "line"),
    [
        ({"DATABASE_URL": "sqlite://"}, ["report"], "Cấu hình sai: DATABASE_URL: sqlite:// là cơ sở dữ liệu trong bộ nhớ"),
        ({"DATABASE_URL": "mysql://tintot:pw@localhost/tintot"}, ["db", "upgrade"], "DATABASE_URL: bot chỉ chạy trên SQLite"),
        ({"DATABASE_URL": "postgres://tintot:pw@localhost/tintot"}, ["schools", "list"], "DATABASE_URL: PostgreSQL viết là postgresql+psycopg://"),
        ({"TINTOT_PUBLIC_URL": "tintot.example.vn"}, ["report"], "TINTOT_PUBLIC_URL: cần một địa chỉ http:// hoặc https://"),
        ({"TINTOT_ADMINS": "telegram:@lan"}, ["report"], "TINTOT_ADMINS: mã Telegram là một số"),
        ({"TINTOT_HTTP_PORT": "tám nghìn"}, ["report"], "Cấu hình sai: TINTOT_HTTP_PORT: cần một số nguyên"),
        ({"TINTOT_STORIES_PER_DAY": "0"}, ["report"], "Cấu hình sai: TINTOT_STORIES_PER_DAY: cần từ 1 trở lên"),
        ({"TELEGRAM_REPLY_IN_WEBHOOK": "có"}, ["report"], "Cấu hình sai: TELEGRAM_REPLY_IN_WEBHOOK: cần true hoặc false"),
        ({}, ["report", "--format", "xlsx", "--out", "/missing/dir/x.xlsx"], "--out /missing/dir/x.xlsx: không có thư mục /missing/dir"),
    ],
)
def test_a_mistake_stops_with_one_line(tmp_path, settings, args, line):
    done = _tintot(tmp_path, *args, **settings)
    assert done.returncode == 1
    assert line in done.stderr and done.stderr.count("\n") == 1, done.stderr
    assert "Input should" not in done.stderr and "Value error" not in done.stderr


@pytest.mark.parametrize("token", [TOKEN.replace(":", " "), TOKEN + "/getMe?", TOKEN + " "])
def test_a_malformed_telegram_token_is_refused_before_any_call_naming_the_token_not_the_url(tmp_path, token):
    # Nothing listens on port 9: a call made anyway would fail naming TELEGRAM_BOT_API_URL.
    done = _tintot(tmp_path, "run", TELEGRAM_BOT_TOKEN=token, TELEGRAM_BOT_API_URL="http://127.0.0.1:9")
    assert done.returncode == 1 and done.stderr.count("\n") == 1, done.stderr
    assert done.stderr.startswith("Cấu hình sai: TELEGRAM_BOT_TOKEN: token có dạng 123456789:")
    assert "secret" not in done.stderr and "TELEGRAM_BOT_API_URL" not in done.stderr
