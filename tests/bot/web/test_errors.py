"""Errors and hostile requests over real HTTP: every error is a Vietnamese page, a redirect never
names the Host a request gave, a webhook's secret is checked before its body is read, and the
server does not name its software."""

import asyncio

import httpx
import sqlalchemy as sa

from bot.channels.telegram import TelegramChannel
from bot.channels.zalo import ZaloChannel
from bot.media import MediaStore
from bot.settings import Settings
from bot.web import WebSite, build_app, make_server
from tests.bot.web.conftest import PUBLIC_URL
from tests.fakes.http import free_socket, serving

SECRET = "the-webhook-secret"


def vietnamese_page(answer: httpx.Response, title: str) -> None:
    assert answer.headers["content-type"].startswith("text/html") and '<html lang="vi">' in answer.text
    assert f"<h1>{title}</h1>" in answer.text and "Traceback" not in answer.text, answer.text


async def test_every_error_is_a_vietnamese_page(web, campaign):
    vietnamese_page(await web.get("/khong-co-trang-nay"), "Không tìm thấy trang")
    wrong_method = await web.post(f"/cau-chuyen/{campaign.adult}")
    assert wrong_method.status_code == 405 and set(wrong_method.headers["allow"].split(", ")) == {"GET", "HEAD"}
    vietnamese_page(wrong_method, "Không làm được thao tác này")
    too_big = await web.post("/dang-nhap", content=b"t=" + b"x" * 5_000, headers={"Origin": PUBLIC_URL})
    assert too_big.status_code == 403  # an oversized login form is no login form


async def test_a_failure_of_ours_is_a_vietnamese_page_without_the_python_error(tmp_path):
    broken = sa.create_engine(f"sqlite:///{tmp_path / 'no-such-folder' / 'tintot.db'}")
    async with serving(build_app(webhooks={}, site=WebSite(engine=broken, public_url=PUBLIC_URL))) as url:
        async with httpx.AsyncClient(base_url=url) as client:
            answer = await client.get("/")
    assert answer.status_code == 500 and "OperationalError" not in answer.text and "sqlite" not in answer.text
    vietnamese_page(answer, "Có lỗi xảy ra")
    assert answer.headers["cache-control"] == "no-store"


async def test_a_trailing_slash_is_redirected_under_the_public_url_never_the_host_given(web, campaign):
    forged = {"Host": "evil.example"}
    for path, target in ((f"/cau-chuyen/{campaign.adult}/", f"/cau-chuyen/{campaign.adult}"),
                         ("/truong/CDCB/?trang=1", "/truong/CDCB?trang=1"), ("/feed.xml/", "/feed.xml")):
        answer = await web.get(path, headers=forged)
        assert answer.status_code == 308 and answer.headers["location"] == PUBLIC_URL + target, path
    assert (await web.get("/khong-co/", headers=forged)).status_code == 404
    assert (await _raw(str(web.base_url), "GET //evil.example/ HTTP/1.1\r\nHost: evil.example")).startswith(b"HTTP/1.1 404")


async def test_without_a_public_url_a_trailing_slash_redirect_names_no_host(engine):
    async with serving(build_app(webhooks={}, site=WebSite(engine=engine))) as url:
        async with httpx.AsyncClient(base_url=url) as client:
            answer = await client.get("/feed.xml/", headers={"Host": "evil.example"})
    assert answer.status_code == 308 and answer.headers["location"] == "/feed.xml"


async def _raw(url: str, head: str) -> bytes:
    """Sends a request's head as it is written (an address httpx would not send as is, a body
    announced but not sent); returns the answer's status line. A server that waits for a body
    never answers: the guard below ends the wait."""
    host, port = url.removeprefix("http://").rstrip("/").split(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    writer.write(f"{head}\r\n\r\n".encode())
    await writer.drain()
    try:
        return await asyncio.wait_for(reader.readline(), timeout=10)
    except TimeoutError:
        return b"no answer while the body was awaited"
    finally:
        writer.close()


async def test_a_webhook_with_a_wrong_secret_is_refused_before_its_body_is_read(tmp_path):
    settings = Settings(
        _env_file=None, telegram_bot_token="123456:test-token", telegram_webhook_url="https://tintot.example.vn/telegram/webhook",
        telegram_webhook_secret=SECRET, zalo_bot_token="zalo-test-token", zalo_webhook_url="https://tintot.example.vn/zalo/webhook",
        zalo_webhook_secret=SECRET,
    )
    handled = []

    async def on_update(*args) -> None:
        handled.append(args)

    media = MediaStore(tmp_path / "media")
    webhooks = {"/telegram/webhook": TelegramChannel(settings, on_update, media=media),
                "/zalo/webhook": ZaloChannel(settings, on_update, media)}
    async with serving(build_app(webhooks=webhooks)) as url:
        telegram, zalo = [
            await _raw(url, f"POST {path} HTTP/1.1\r\nHost: bot\r\nContent-Length: 100000000\r\n{header}: wrong-secret")
            for path, header in (("/telegram/webhook", "X-Telegram-Bot-Api-Secret-Token"), ("/zalo/webhook", "X-Bot-Api-Secret-Token"))
        ]
    assert telegram.startswith(b"HTTP/1.1 403") and zalo.startswith(b"HTTP/1.1 403"), (telegram, zalo)
    assert handled == []


async def test_the_server_does_not_name_its_software(engine):
    sock = free_socket()
    server = make_server(build_app(webhooks={}, site=WebSite(engine=engine)), *sock.getsockname())
    task = asyncio.create_task(server.serve(sockets=[sock]))
    while not server.started:
        await asyncio.sleep(0.01)
    host, port = sock.getsockname()
    async with httpx.AsyncClient() as client:
        answer = await client.get(f"http://{host}:{port}/healthz")
    server.should_exit = True
    await task
    assert answer.status_code == 200 and "server" not in answer.headers


def test_the_proxy_tells_browsers_to_use_https_only():
    from pathlib import Path

    caddyfile = (Path(__file__).parents[3] / "Caddyfile").read_text()
    assert 'Strict-Transport-Security "max-age=31536000; includeSubDomains"' in caddyfile
    assert "-Server" in caddyfile
