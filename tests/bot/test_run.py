"""`make run` as a newcomer tries it, with no token: at a terminal, then without one (a container).

Each runs the real `tintot` in a folder of its own, on the default database, as the README's
first commands do one after another.
"""

import os
import pty
import queue
import re
import signal
import subprocess
import sys
import threading

import httpx

DEFAULT_DATABASE = "Cơ sở dữ liệu: sqlite:///data/tintot.db"


def _environment() -> dict[str, str]:
    """No token, no database chosen: the defaults; the web on a free port (tests run side by side)."""
    unset = ("TELEGRAM_", "ZALO_", "TINTOT_", "DATABASE_URL")
    return {k: v for k, v in os.environ.items() if not k.startswith(unset)} | {"TINTOT_HTTP_PORT": "0"}


def _tintot(folder, *args: str, stdin=None, input: str | None = None):  # noqa: ANN001, ANN202
    return subprocess.run([sys.executable, "-m", "bot", *args], cwd=folder, env=_environment(), stdin=stdin, input=input,
                          capture_output=True, text=True, timeout=60)


def _start(folder, stdin) -> subprocess.Popen:  # noqa: ANN001
    return subprocess.Popen([sys.executable, "-m", "bot", "run"], cwd=folder, env=_environment(), stdin=stdin,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _web_address(bot: subprocess.Popen) -> tuple[str, list[str]]:
    """The wall's address as the bot prints it at start, and the lines printed before it."""
    lines: queue.Queue[str] = queue.Queue()
    # Read aside: a bot that never prints the address must fail the test, not hang it.
    threading.Thread(target=lambda: [lines.put(line) for line in bot.stderr], daemon=True).start()
    seen = []
    while True:
        try:
            line = lines.get(timeout=60)
        except queue.Empty:
            raise AssertionError(f"no web address printed: {seen}") from None
        seen.append(line.rstrip("\n"))
        if found := re.match(r"Trang web: (http://127\.0\.0\.1:\d+/) ", line):
            return found.group(1), seen


def _members_of_first_school(folder) -> str:  # noqa: ANN001
    report = _tintot(folder, "report", "--format", "csv")
    assert report.returncode == 0 and report.stderr == DEFAULT_DATABASE + "\n"
    return report.stdout.splitlines()[1].split(",")[3]


def test_at_a_terminal_the_console_and_the_web_share_the_database_tintot_report_reads(tmp_path):
    terminal, student_side = pty.openpty()
    bot = _start(tmp_path, stdin=student_side)
    os.close(student_side)
    try:
        wall, started = _web_address(bot)
        assert DEFAULT_DATABASE in started and any("TELEGRAM_BOT_TOKEN" in line for line in started)
        assert httpx.get(wall, timeout=30).status_code == 200
        os.write(terminal, "/start\n1\n1\n1\n".encode())
        os.write(terminal, b"\x04")  # Ctrl-D: the end of the chat stops the bot
        chat, _ = bot.communicate(timeout=60)
    finally:
        os.close(terminal)
        bot.kill()
    assert bot.returncode == 0
    assert chat.startswith("Tin Tốt (console)") and "Bạn có đồng ý" in chat and "Trường Cao đẳng Cao Bằng" in chat
    assert _members_of_first_school(tmp_path) == "1"


def test_without_a_terminal_the_web_is_served_and_the_operator_told_how_to_add_a_token(tmp_path):
    _tintot(tmp_path, "console", "--as", "Lan", input="/start\n1\n1\n1\n")
    bot = _start(tmp_path, stdin=subprocess.DEVNULL)
    try:
        wall, started = _web_address(bot)
        assert DEFAULT_DATABASE in started
        assert any("TELEGRAM_BOT_TOKEN" in line and ".env" in line for line in started)
        assert httpx.get(wall + "healthz", timeout=30).status_code == 200
        assert httpx.get(wall, timeout=30).status_code == 200
        assert bot.poll() is None  # still serving: input at its end is no reason to stop
        bot.send_signal(signal.SIGTERM)
        bot.communicate(timeout=60)
    finally:
        bot.kill()
    assert bot.returncode == 0
    assert _members_of_first_school(tmp_path) == "1"
