"""The story wall over real HTTP: what is listed, what a shared link shows, what is never shown."""

import feedparser

from tests.bot.web.conftest import ADULT_NAME, CHILD_NAME, ERASED_NAME, PUBLIC_URL, TELEGRAM_BOT, ZALO_LINK, MetaTags


async def test_wall_lists_published_stories_newest_first_and_filters_by_school(web, campaign):
    page = await web.get("/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert '<html lang="vi">' in page.text
    order = [page.text.index(f'href="/cau-chuyen/{i}"') for i in (campaign.adult, campaign.child, campaign.erased, campaign.anonymous)]
    assert order == sorted(order)
    for hidden in (campaign.pending, campaign.rejected, campaign.approved, campaign.retracted):
        assert f"/cau-chuyen/{hidden}\"" not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text and "<script>" not in page.text
    assert 'alt="Ảnh minh họa cho câu chuyện: Lớp em trồng 200 cây xanh"' in page.text
    school = await web.get("/", params={"truong": "hoaan"})
    assert f"/cau-chuyen/{campaign.anonymous}\"" in school.text and f"/cau-chuyen/{campaign.adult}\"" not in school.text
    assert (await web.get("/", params={"truong": "KHONGCO"})).status_code == 404
    data = (await web.get("/.json")).json()
    assert [s["id"] for s in data["stories"]] == [campaign.adult, campaign.child, campaign.erased, campaign.anonymous]


async def test_wall_pages(web, engine, campaign):
    from storage.db import session_scope
    from storage.models import Story, utcnow

    with session_scope(engine) as session:
        session.add_all(Story(school_id=1, text=f"Tin tốt số {n}", status="published", published_at=utcnow()) for n in range(20))
    first = (await web.get("/.json")).json()
    assert (first["total"], first["pages"], first["next"]) == (24, 2, 2)
    second = await web.get("/", params={"trang": "2"})
    assert 'rel="prev" href="/?trang=1"' in second.text and f"/cau-chuyen/{campaign.anonymous}\"" in second.text
    school = await web.get("/", params={"truong": "CDCB", "trang": "2"})
    assert 'rel="prev" href="/?truong=CDCB&amp;trang=1"' in school.text
    assert 'rel="prev" href="/truong/CDCB?trang=1"' in (await web.get("/truong/CDCB", params={"trang": "2"})).text
    for wrong in ("3", "0", "abc", "-1", "²"):  # "²" passes str.isdigit, not int
        assert (await web.get("/", params={"trang": wrong})).status_code == 404


async def test_story_page_carries_a_link_preview(web, campaign):
    page = await web.get(f"/cau-chuyen/{campaign.adult}")
    assert page.status_code == 200
    meta = MetaTags(page.text).tags
    url = f"{PUBLIC_URL}/cau-chuyen/{campaign.adult}"
    assert meta["og:url"] == meta["canonical"] == url
    assert meta["og:title"] == meta["twitter:title"] == "Lớp em trồng 200 cây xanh"
    assert meta["og:description"] == "Cả lớp cùng <b>trồng cây</b> & chăm cây."  # not the title again
    assert meta["og:image"] == meta["twitter:image"] == PUBLIC_URL + campaign.photo_path
    assert meta["twitter:card"] == "summary_large_image" and meta["og:locale"] == "vi_VN"
    assert "&lt;b&gt;trồng cây&lt;/b&gt; &amp; chăm cây" in page.text
    assert ADULT_NAME in page.text  # she is 16+ and chose to show her name
    image = await web.get(campaign.photo_path)
    assert image.status_code == 200 and image.content.startswith(b"\x89PNG")


async def test_unpublished_ids_are_not_found_and_retracted_is_gone(web, campaign):
    for hidden in (campaign.pending, campaign.rejected, campaign.approved, 999_999):
        for path in (f"/cau-chuyen/{hidden}", f"/cau-chuyen/{hidden}.json"):
            answer = await web.get(path)
            assert answer.status_code == 404, path
            assert "Chuyện" not in answer.text
    gone = await web.get(f"/cau-chuyen/{campaign.retracted}")
    assert gone.status_code == 410 and "đã gỡ" in gone.text and "Chuyện đã gỡ" not in gone.text
    assert (await web.get("/cau-chuyen/abc")).status_code == 404
    assert "Không tìm thấy trang" in (await web.get("/khong-co-trang-nay")).text


async def test_names_only_of_16_plus_authors_who_chose_so_in_every_page_and_feed(web, campaign):
    bodies = []
    for path in ("/", "/.json", "/feed.xml", "/truong/CDCB", "/truong/CDCB.json", "/truong/CDCB/feed.xml",
                 *(f"/cau-chuyen/{i}{suffix}" for i in (campaign.child, campaign.erased, campaign.adult) for suffix in ("", ".json"))):
        answer = await web.get(path)
        assert answer.status_code == 200, path
        bodies.append(answer.text)
    everything = "\n".join(bodies)
    assert CHILD_NAME not in everything and ERASED_NAME not in everything
    assert ADULT_NAME in everything
    for private in ('"member_id"', "chat_id", "platform_id"):
        assert private not in everything
    child = (await web.get(f"/cau-chuyen/{campaign.child}.json")).json()
    assert child["author"] is None and child["byline"] == "— Trường Cao đẳng Cao Bằng"


async def test_feeds_are_valid_atom_without_retracted_or_unpublished_stories(web, campaign):
    answer = await web.get("/feed.xml")
    assert answer.headers["content-type"].startswith("application/atom+xml")
    feed = feedparser.parse(answer.content)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10" and feed.feed.language == "vi"
    links = [entry.link for entry in feed.entries]
    assert links == [f"{PUBLIC_URL}/cau-chuyen/{i}" for i in (campaign.adult, campaign.child, campaign.erased, campaign.anonymous)]
    assert feed.entries[0].author == ADULT_NAME and feed.entries[1].author == "Trường Cao đẳng Cao Bằng"
    assert feed.entries[3].title == "Hòa An khai giảng lớp tin học <script>alert(1)</script>"  # text, escaped in the XML
    school = feedparser.parse((await web.get("/truong/HOAAN/feed.xml")).content)
    assert not school.bozo and [e.link for e in school.entries] == [f"{PUBLIC_URL}/cau-chuyen/{campaign.anonymous}"]
    assert (await web.get("/truong/KHONGCO/feed.xml")).status_code == 404


async def test_a_feed_names_itself_and_carries_each_story_s_photo(web, campaign):
    feed = feedparser.parse((await web.get("/truong/CDCB/feed.xml")).content)
    assert [link.href for link in feed.feed.links if link.rel == "self"] == [f"{PUBLIC_URL}/truong/CDCB/feed.xml"]
    photo, without = feed.entries[0], feed.entries[1]
    image = PUBLIC_URL + campaign.photo_path
    assert [(e.href, e.type) for e in photo.enclosures] == [(image, "image/png")] and without.enclosures == []
    html = photo.content[0]
    assert html.type == "text/html" and f'src="{image}"' in html.value
    assert "<p>Cả lớp cùng &lt;b&gt;trồng cây&lt;/b&gt; &amp; chăm cây.</p>" in html.value
    assert "Lớp em trồng 200 cây xanh</p>" not in html.value  # the entry's title, not repeated
    everything = feedparser.parse((await web.get("/feed.xml")).content)
    assert [link.href for link in everything.feed.links if link.rel == "self"] == [f"{PUBLIC_URL}/feed.xml"]


async def test_school_page_shows_its_stories_and_public_numbers(web, campaign):
    page = await web.get("/truong/cdcb")
    assert page.status_code == 200 and "Trường Cao đẳng Cao Bằng" in page.text
    data = (await web.get("/truong/CDCB.json")).json()
    assert data["numbers"] == {"members": 3, "published": 3}
    assert (await web.get("/truong/KHONGCO")).status_code == 404


async def test_caching_headers_let_clients_revalidate(web, campaign):
    for path in ("/", f"/cau-chuyen/{campaign.adult}", "/feed.xml"):
        first = await web.get(path)
        assert first.headers["etag"] and first.headers["last-modified"].endswith("GMT")
        assert "max-age" in first.headers["cache-control"]
        assert "frame-ancestors 'none'" in first.headers["content-security-policy"]
        again = await web.get(path, headers={"If-None-Match": first.headers["etag"]})
        assert again.status_code == 304 and again.content == b""


async def test_the_wall_answers_while_a_writer_holds_the_database(web, engine, campaign):
    """On SQLite a push being written holds the write lock; a reader must not queue behind it."""
    with engine.connect() as writer:
        writer.exec_driver_sql("UPDATE school SET enrolment = 1 WHERE id = 1")  # the write lock, held
        page = await web.get("/feed.xml", timeout=5)
        writer.rollback()
    assert page.status_code == 200


async def test_a_stored_control_character_does_not_break_the_feed(web, engine, campaign):
    """Rows stored before the bot cleaned incoming text: the pages drop what XML forbids."""
    from storage.db import session_scope
    from storage.models import Story

    with session_scope(engine) as session:
        session.get(Story, campaign.adult).text = "Lớp em\x0b trồng\x0c 200 cây xanh\x1f"  # PostgreSQL refuses \x00 itself
    for path in ("/feed.xml", "/truong/CDCB/feed.xml"):
        feed = feedparser.parse((await web.get(path)).content)
        assert not feed.bozo, feed.get("bozo_exception")
        assert feed.entries[0].title == "Lớp em trồng 200 cây xanh"
    page = await web.get(f"/cau-chuyen/{campaign.adult}")
    assert page.status_code == 200 and "\x0b" not in page.text and "Lớp em trồng 200 cây xanh" in page.text


async def test_numbers_and_codes_that_are_not_ours_are_not_found_rather_than_errors(web, campaign):
    """"²" is a digit to Python but not to int(); ids past the database's integers fail its
    queries; PostgreSQL refuses a NUL character in a school code."""
    for path in ("/?trang=²", "/?trang=٣", "/truong/CDCB?trang=²", "/?trang=99999999999999999999",
                 "/cau-chuyen/99999999999999999999", "/cau-chuyen/3000000000", "/cau-chuyen/3000000000.json",
                 "/cau-chuyen/0", "/?truong=%00", "/truong/%00", "/truong/C%00DCB/feed.xml", "/truong/%C2%B2"):
        assert (await web.get(path)).status_code == 404, path
    assert (await web.get(f"/cau-chuyen/{campaign.adult}.json")).json()["id"] == campaign.adult


async def test_the_wall_and_a_school_invite_people_in(web, campaign):
    wall = await web.get("/")
    assert "là phong trào của học sinh, sinh viên các trường nghề Cao Bằng" in wall.text
    assert f'href="https://t.me/{TELEGRAM_BOT}"' in wall.text and f'href="{ZALO_LINK}"' in wall.text
    school = await web.get("/truong/CDCB")
    assert f'href="https://t.me/{TELEGRAM_BOT}?start=CDCB"' in school.text and "nhắn “start CDCB”" in school.text
    qr = f"{PUBLIC_URL}/truong/CDCB/qr.svg"
    assert f'<img src="{qr}"' in school.text
    svg = await web.get("/truong/CDCB/qr.svg")
    assert svg.status_code == 200 and svg.headers["content-type"] == "image/svg+xml" and b"<svg" in svg.content
    assert f"https://t.me/{TELEGRAM_BOT}?start=CDCB".encode() in svg.content  # its title: what the code opens
    assert (await web.get("/truong/KHONGCO/qr.svg")).status_code == 404


async def test_pages_without_a_photo_of_their_own_share_the_campaign_s_picture(web, campaign):
    for path in ("/", "/truong/CDCB", f"/cau-chuyen/{campaign.child}"):
        meta = MetaTags((await web.get(path)).text).tags
        assert meta["og:image"] == f"{PUBLIC_URL}/chia-se.png", path
        assert meta["og:description"] and meta["og:title"], path
    picture = await web.get("/chia-se.png")
    assert picture.status_code == 200 and picture.headers["content-type"] == "image/png"
    assert picture.content.startswith(b"\x89PNG") and picture.content[16:24] == (1200).to_bytes(4, "big") + (630).to_bytes(4, "big")
    adult = MetaTags((await web.get(f"/cau-chuyen/{campaign.adult}")).text).tags
    assert adult["og:image"] == PUBLIC_URL + campaign.photo_path  # a story's own photo first


async def test_a_card_does_not_repeat_its_title_at_the_start_of_its_text(web, engine, campaign):
    from storage.db import session_scope
    from storage.models import Story, utcnow

    long_line = "Đoàn trường tổ chức " + "ngày hội hiến máu tình nguyện " * 5 + "thu về 120 đơn vị máu"
    with session_scope(engine) as session:
        story = Story(school_id=1, text=long_line, status="published", published_at=utcnow())
        session.add(story)
        session.flush()
        long_id = story.id
    cards = {card["id"]: card for card in (await web.get("/.json")).json()["stories"]}
    adult = cards[campaign.adult]
    assert adult["title"] == "Lớp em trồng 200 cây xanh" and adult["description"] == "Cả lớp cùng <b>trồng cây</b> & chăm cây."
    cut = cards[long_id]
    assert cut["title"].endswith("…") and cut["description"].startswith("…")
    assert cut["title"][:-1] + " " + cut["description"][1:] == long_line  # the line, once
    page = (await web.get("/")).text
    assert page.count("Lớp em trồng 200 cây xanh") == 2  # the heading and the photo's description
