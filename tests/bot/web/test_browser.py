"""A real browser: headless Chromium (Debian's, driven by Selenium through Debian's chromedriver)
reads the wall, filters it by school (a form, no JavaScript), reads a story, logs in through the
link the bot sent and sees the dashboard, with no JavaScript error on any page. Screenshots are
kept in the test's temporary folder."""

import asyncio
import dataclasses
import re
import shutil

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.support.select import Select

from bot.core import Core
from bot.media import MediaStore
from bot.web import WebSite, build_app
from tests.bot.web.conftest import make_campaign
from tests.conftest import Person, text_of
from tests.fakes.http import free_socket, serving, url_of

CHROMIUM, CHROMEDRIVER = shutil.which("chromium"), shutil.which("chromedriver")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None or CHROMEDRIVER is None, reason="Chromium is not installed here (.ci/run installs it)"
)


@pytest.fixture
def database_url(tmp_path) -> str:
    """SQLite only: the pages' queries are tested on both databases over HTTP already."""
    return f"sqlite:///{tmp_path / 'tintot.db'}"


@pytest.fixture
def browser(tmp_path):
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    # A phone's width (the pages are mobile first); and no traffic of Chromium's own beyond
    # 127.0.0.1 (updates, sync, lookups), which a closed network would refuse anyway.
    for argument in (
        "--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=412,915", "--disable-gpu",
        "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", f"--user-data-dir={tmp_path / 'chromium-profile'}",
    ):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    yield driver
    driver.quit()


def visit(driver, url: str, shot) -> str:
    """Opens `url`, saves a screenshot, checks the console; returns the visible text."""
    driver.get(url)
    return look(driver, shot)


def look(driver, shot) -> str:
    """The page now shown: a screenshot, no error in the console, and its visible text."""
    driver.save_screenshot(str(shot))
    errors = [entry for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]
    assert errors == [], errors
    return driver.find_element("tag name", "body").text


async def test_a_person_reads_the_wall_and_an_editor_logs_in_to_the_dashboard(engine, channels, config, tmp_path, browser):
    sock = free_socket()
    url = url_of(sock)
    media = MediaStore(tmp_path / "media")
    stories = make_campaign(engine, media)
    core = Core(engine=engine, config=dataclasses.replace(config, public_url=url), channels=channels)
    editor = Person(core, channels["telegram"], "900", "Cô Hoa")  # an admin (TINTOT_ADMINS in `config`)
    site = WebSite(engine=engine, media=media, public_url=url, admins=config.admins)
    async with serving(build_app(webhooks={}, site=site), sock):
        wall = await asyncio.to_thread(visit, browser, url + "/", tmp_path / "wall.png")
        assert "Lớp em trồng 200 cây xanh" in wall and "Hoàng Văn Tí" not in wall


        def filter_by_school() -> str:
            Select(browser.find_element("id", "truong")).select_by_value("HOAAN")
            browser.find_element("css selector", "form.filter button").click()
            return look(browser, tmp_path / "school-filter.png")

        hoaan = await asyncio.to_thread(filter_by_school)
        assert "truong=HOAAN" in browser.current_url and "Hòa An khai giảng lớp tin học" in hoaan
        assert "Lớp em trồng 200 cây xanh" not in hoaan
        story = await asyncio.to_thread(visit, browser, f"{url}/cau-chuyen/{stories.adult}", tmp_path / "story.png")
        assert "Cả lớp cùng <b>trồng cây</b> & chăm cây." in story
        link = re.search(r"http://\S+/dang-nhap\?t=\S+", text_of(await editor.say("/web"))).group(0)
        login = await asyncio.to_thread(visit, browser, link, tmp_path / "login.png")
        assert "Vào bảng điều khiển" in login

        def press_login() -> str:
            browser.find_element("css selector", "form button[type=submit]").click()
            return look(browser, tmp_path / "dashboard.png")

        dashboard = await asyncio.to_thread(press_login)
        assert "Bảng điều khiển" in dashboard and "Trường Cao đẳng Cao Bằng" in dashboard
        table = await asyncio.to_thread(lambda: browser.find_element("id", "schools").text)
        assert "Trung tâm GDNN-GDTX Hòa An" in table and "Tổng" in table
    assert (tmp_path / "dashboard.png").stat().st_size > 1000


PHONE = 390  # CSS pixels: a common phone's width
LONG_WORD = "Tuyệt" * 60  # 300 characters without a space
LONG_URL = "https://tintot.example.vn/" + "/".join(["duong-dan-rat-dai-khong-co-khoang-trang"] * 8) + "?trang=1&truong=CDCB"


def widths(driver, url: str, shot) -> dict[str, int]:
    """The page's width and, where the page has one, the school table's and its frame's."""
    visit(driver, url, shot)
    return driver.execute_script(
        "const table = document.getElementById('schools');"
        "return {viewport: window.innerWidth, page: document.documentElement.scrollWidth,"
        " table: table ? table.scrollWidth : 0, frame: table ? table.parentElement.clientWidth : 0};"
    )


async def test_long_words_and_links_do_not_widen_any_page_on_a_phone(engine, channels, config, tmp_path, browser):
    from storage.db import session_scope
    from storage.models import Story, utcnow

    sock = free_socket()
    url = url_of(sock)
    media = MediaStore(tmp_path / "media")
    make_campaign(engine, media)
    with session_scope(engine) as session:
        story = Story(school_id=1, text=f"{LONG_WORD} {LONG_URL}\n{LONG_URL} {LONG_WORD}", status="published", published_at=utcnow())
        session.add(story)
        session.flush()
        story_id = story.id
    core = Core(engine=engine, config=dataclasses.replace(config, public_url=url), channels=channels)
    editor = Person(core, channels["telegram"], "900", "Cô Hoa")
    site = WebSite(engine=engine, media=media, public_url=url, admins=config.admins, telegram_bot="TinTotCaoBangBot",
                   zalo_link="https://zalo.me/2345678901234567890")
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {"width": PHONE, "height": 844, "deviceScaleFactor": 3, "mobile": True})
    async with serving(build_app(webhooks={}, site=site), sock):
        link = re.search(r"http://\S+/dang-nhap\?t=\S+", text_of(await editor.say("/web"))).group(0)

        def measure() -> dict[str, dict[str, int]]:
            pages = {name: widths(browser, url + path, tmp_path / f"phone-{name}.png")
                     for name, path in (("wall", "/"), ("story", f"/cau-chuyen/{story_id}"), ("school", "/truong/CDCB"))}
            visit(browser, link, tmp_path / "phone-login.png")
            browser.find_element("css selector", "form button[type=submit]").click()
            pages["dashboard"] = widths(browser, url + "/bang-dieu-khien", tmp_path / "phone-dashboard.png")
            return pages

        pages = await asyncio.to_thread(measure)
    assert {name: page["viewport"] for name, page in pages.items()} == dict.fromkeys(pages, PHONE)
    assert {name: page["page"] for name, page in pages.items()} == dict.fromkeys(pages, PHONE), pages
    assert pages["dashboard"]["table"] <= pages["dashboard"]["frame"], pages["dashboard"]  # no sideways scrolling
