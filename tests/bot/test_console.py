"""The console as a new user would try it: `tintot console`, lines piped in, text out."""

import os
import subprocess
import sys

import pytest
from sqlalchemy.engine import make_url

STORY = "Lớp mình quyên góp sách vở cho các em ở xã Cần Yên, được hơn 200 cuốn."


def _console(database_url: str, lines: list[str], *extra: str) -> str:
    env = dict(os.environ, DATABASE_URL=database_url)
    env.pop("TELEGRAM_BOT_TOKEN", None)
    done = subprocess.run(
        [sys.executable, "-m", "bot", "console", *extra],
        input="\n".join(lines) + "\n",
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=True,
    )
    return done.stdout


def test_student_and_moderator_on_one_database(database_url):
    student = _console(database_url, ["/start", "1", "1", "1", "/gui", STORY, "/bai"], "--as", "Lan")
    assert "Bạn có đồng ý" in student and "Trường Cao đẳng Cao Bằng" in student
    assert "Đã nhận câu chuyện #1" in student and "#1 · " in student and "đang chờ duyệt" in student

    other_school = _console(database_url, ["/cho", "/duyet 1"], "--as", "Nam", "--moderator", "HOAAN")
    assert "Không có câu chuyện nào của Trung tâm GDNN-GDTX Hòa An" in other_school
    assert "thuộc Trường Cao đẳng Cao Bằng" in other_school
    moderator = _console(database_url, ["/cho", "/duyet 1", "/duyet 1"], "--as", "Minh", "--moderator")
    assert STORY in moderator
    assert "Đã duyệt câu chuyện #1" in moderator
    assert "Câu chuyện #1 đã được Minh duyệt lúc" in moderator

    later = _console(database_url, ["/bai", "/duyet 1"], "--as", "Lan")
    assert "đã duyệt, chờ đăng làm tin tốt mỗi ngày" in later
    assert "chỉ dành cho ban biên tập" in later


def test_bad_input_gets_clear_answers(database_url):
    out = _console(
        database_url,
        ["/gui", "/start", "1", "2", "3", "/xyz", "/gui", "x" * 10_000, "/xoa", "1", "/bai"],
        "--as", "Tuấn",
    )
    assert out.count("Bạn chưa tham gia phong trào. Gõ /start") == 2  # the story before joining, /bai after /xoa
    assert "Mình chưa hiểu lệnh /xyz" in out
    assert "dài 10.000 ký tự, quá giới hạn 4.000 ký tự" in out
    assert "Đã xóa dữ liệu của bạn" in out
    assert "Traceback" not in out


def test_the_console_is_a_chat_and_logs_stay_out_of_it(database_url):
    """A refused command is logged (INFO): at the terminal that line would land between replies."""
    env = dict(os.environ, DATABASE_URL=database_url)
    done = subprocess.run(
        [sys.executable, "-m", "bot", "console", "--as", "Lan"],
        input="/start\n1\n1\n1\n/duyet 1\n", capture_output=True, text=True, env=env, timeout=60, check=True,
    )
    assert "chỉ dành cho ban biên tập" in done.stdout
    assert " INFO " not in done.stdout and "Cơ sở dữ liệu" not in done.stdout
    assert done.stderr.splitlines() == [f"Cơ sở dữ liệu: {make_url(database_url).render_as_string(hide_password=True)}"]


def test_a_push_published_in_the_console_shows_there_and_publish_is_once(database_url):
    _console(database_url, ["/start", "1", "1", "1"], "--as", "Lan")
    moderator = _console(
        database_url,
        ["/tin Thanh niên xã Đức Long sửa xong con đường vào bản trước mùa mưa.", "/dang ngay", "/tiendo"],
        "--as", "Minh", "--moderator",
    )
    if "giờ nghỉ" in moderator:
        assert "Đã đăng" not in moderator
        pytest.skip("night in Viet Nam (quiet hours): nothing may be pushed, and nothing was")
    assert "Đã đăng Tin tốt ngày" in moderator
    assert "(gửi tới Lan)\n☀️ Tin tốt hôm nay" in moderator and "1. ❤️" in moderator
    env = dict(os.environ, DATABASE_URL=database_url)
    again = subprocess.run([sys.executable, "-m", "bot", "publish", "daily"], capture_output=True, text=True, env=env, timeout=60)
    assert again.returncode == 0 and "không gửi lại" in again.stdout


def test_a_typed_number_in_a_queue_picks_the_story_it_is_shown_under(database_url):
    _console(database_url, ["/start", "1", "1", "1", f"/gui {STORY}", f"/gui {STORY} Lần hai."], "--as", "Lan")
    moderator = _console(database_url, ["/cho", "1"], "--as", "Minh", "--moderator")
    assert "(Trả lời 1, 2 hoặc 3)" in moderator and "(Trả lời 4, 5 hoặc 6)" in moderator
    assert "Đã duyệt câu chuyện #1" in moderator and "#2 tin" not in moderator
    again = _console(database_url, ["/cho", "1"], "--as", "Minh", "--moderator")
    assert "Đã duyệt câu chuyện #2" in again
