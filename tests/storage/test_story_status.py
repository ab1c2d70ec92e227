"""Story statuses are a closed set (`StoryStatus`) whose stored values are the plain words they
always were: rows written before and after it read the same, with no migration."""

import sqlalchemy as sa

from storage.models import StoryStatus


async def test_statuses_are_stored_as_the_same_words(engine, admin, student, clock):
    clock.set_local("2026-12-02 10:00")
    await student.join()
    for n in range(3):
        await student.say(f"/gui Câu chuyện đẹp số {n + 1}: cả lớp cùng nhau giúp bà con dọn dẹp sau lũ.")
    for command in ("/tuchoi 2 chưa rõ nguồn tin", "/duyet 1 ngay", "/dang ngay", "/duyet 3 tuan", "/go 3 thông tin chưa đúng"):
        await admin.say(command)
    with engine.connect() as connection:
        stored = dict(connection.execute(sa.text("SELECT id, status FROM story")).all())
    assert stored == {1: "published", 2: "rejected", 3: "retracted"}
    assert {StoryStatus(status) for status in stored.values()} == {
        StoryStatus.PUBLISHED, StoryStatus.REJECTED, StoryStatus.RETRACTED,
    }
    assert StoryStatus.PENDING == "pending" and f"{StoryStatus.APPROVED}" == "approved"
