"""Every command and every button of the routing table, pressed by every role, through the real
core: allowed, or refused with the sentence the member reads.

A command or button prefix added to `handlers/routes.py` without a row here fails
`test_every_route_has_a_row`, so nobody forgets to decide who may use it.

School A is CDCB, school B is HOAAN; the actor joined school A. "On A" / "on B" is whose story,
school, member, announcement or post the command names.
"""

from __future__ import annotations

import dataclasses

import pytest
from sqlmodel import select

from content import texts
from handlers.context import CoreConfig
from handlers.io import Outgoing
from handlers.routes import BY_NAME, CALLBACKS, COMMANDS
from storage import repo
from storage.db import session_scope
from storage.models import Announcement, Member
from tests.campaign import deliver_waiting, message_ref_of
from tests.conftest import Person, text_of

OK = "allowed"
THEIRS = "refused: another school's (NOT_YOUR_SCHOOL)"
BANNED = "refused: the ban (YOU_ARE_BANNED the first time, then no answer)"
MOD, EDIT, ADM, OLD = texts.NOT_MODERATOR, texts.NOT_EDITOR, texts.NOT_ADMIN, texts.OPTION_EXPIRED

# Column: (role, the school the command names). Editors and admins act on B, beyond the school they joined.
COLUMNS = {
    "student": ("student", "CDCB"),
    "banned student": ("banned", "CDCB"),
    "moderator of A, on A": ("school_moderator", "CDCB"),
    "moderator of A, on B": ("school_moderator", "HOAAN"),
    "editor, on B": ("editor", "HOAAN"),
    "admin, on B": ("admin", "HOAAN"),
}
EVERYONE, MEMBERS = (OK,) * 6, (OK, BANNED, OK, OK, OK, OK)
MODERATORS, IN_SCOPE = (MOD, MOD, OK, OK, OK, OK), (MOD, MOD, OK, THEIRS, OK, OK)
EDITORS, ADMINS, NOBODY_NOW = (EDIT, EDIT, EDIT, EDIT, OK, OK), (ADM, ADM, ADM, ADM, ADM, OK), (OLD,) * 6

# Command (its first name) → what is typed, and the outcome in each column above, in order.
COMMAND_TABLE = {
    "start": ("/start", EVERYONE),
    "gui": ("/gui", MEMBERS),
    "bai": ("/bai", EVERYONE),
    "truong": ("/truong", EVERYONE),
    "tat": ("/tat", EVERYONE),
    "bat": ("/bat", EVERYONE),
    "xoa": ("/xoa", EVERYONE),
    "ten": ("/ten {own}", EVERYONE),
    "baocao": ("/baocao {published}", MEMBERS),
    "huongdan": ("/huongdan", EVERYONE),
    "cho": ("/cho {code}", IN_SCOPE),
    "sua": ("/sua {pending} Câu chuyện đã sửa lại cho rõ ràng hơn.", IN_SCOPE),
    "duyet": ("/duyet {pending}", IN_SCOPE),
    "tuchoi": ("/tuchoi {pending} chưa rõ nguồn tin", IN_SCOPE),
    "thongbao": ("/thongbao {code} Thứ Sáu cả trường dọn vệ sinh ký túc xá.", IN_SCOPE),
    "tiendo": ("/tiendo", MODERATORS),
    "thongke": ("/thongke", MODERATORS),
    "siso": ("/siso {code} 300", IN_SCOPE),
    "go": ("/go {published} thông tin chưa chính xác", IN_SCOPE),
    "chan": ("/chan {member} gửi tin rác nhiều lần", IN_SCOPE),
    "bochan": ("/bochan {member}", IN_SCOPE),
    "web": ("/web", MODERATORS),
    "tin": ("/tin Một tin tốt đủ dài cho hàng chờ hôm nay.", EDITORS),
    "lich": ("/lich", EDITORS),
    "dang": ("/dang ngay", EDITORS),
    "bbt": ("/bbt", EDITORS),
    "kenh": ("/kenh {code} @kenhtruong", EDITORS),
    "mod": ("/mod {member}", ADMINS),
    "bomod": ("/bomod {member}", ADMINS),
}

# Button prefix → the token pressed (on the push's message), and the outcome in each column.
BUTTON_TABLE = {
    # Steps of joining and erasing: only for a member at that step, which no actor is now.
    "consent": ("consent:yes", NOBODY_NOW),
    "age": ("age:adult", NOBODY_NOW),
    "school": ("school:{code}", NOBODY_NOW),
    "erase": ("erase:yes", NOBODY_NOW),
    "showname": ("showname:{own}:yes", EVERYONE),
    "draft": ("draft:send", NOBODY_NOW),  # nothing offered to send: the option is out of date
    "approve": ("approve:{pending}:daily", IN_SCOPE),
    "reject": ("reject:{pending}", IN_SCOPE),
    "announce": ("announce:{draft}:cancel", IN_SCOPE),
    "react": ("react:{post}:heart", MEMBERS),
    "report": ("report:{post}", MEMBERS),
}

# Numbers in the campaign `_campaign` builds: stories 1 (A) and 2 (B) pending, 3 (A) and 4 (B)
# published as posts 1 and 2, 5 the actor's own.
PENDING, PUBLISHED, POST = {"CDCB": 1, "HOAAN": 2}, {"CDCB": 3, "HOAAN": 4}, {"CDCB": 1, "HOAAN": 2}
WRITERS = {"CDCB": ("telegram", "201"), "HOAAN": ("telegram", "202")}


@pytest.fixture
def config(config) -> CoreConfig:
    """Forty commands in a row are not a flood here: the table is about roles."""
    return dataclasses.replace(config, messages_per_minute=1_000)


def test_every_route_has_a_row():
    assert set(COMMAND_TABLE) == {command.names[0] for command in COMMANDS}, "a command without a row"
    assert set(BUTTON_TABLE) == set(CALLBACKS), "a button prefix without a row"
    assert all(len(outcomes) == len(COLUMNS) for _, outcomes in [*COMMAND_TABLE.values(), *BUTTON_TABLE.values()])


@pytest.mark.parametrize("column", COLUMNS)
async def test_who_may_use_each_route(column, core, channels, admin, engine, clock):
    clock.set_local("2026-12-02 10:00")
    role, code = COLUMNS[column]
    actor = await _campaign(core, channels, admin, engine, role)
    values = _values(engine, actor, code)
    index = list(COLUMNS).index(column)
    got, expected = {}, {}
    ref = message_ref_of(engine, actor.user_id, values["post"])
    for prefix, (token, outcomes) in BUTTON_TABLE.items():  # first: /go below takes the post down
        replies = await actor.press(token.format(**values), message_ref=ref)
        got[f"button {prefix}"], expected[f"button {prefix}"] = _outcome(replies, actor.acknowledgement), outcomes[index]
    for name, (typed, outcomes) in COMMAND_TABLE.items():
        assert BY_NAME[typed.split()[0].lstrip("/")].names[0] == name
        got[f"/{name}"], expected[f"/{name}"] = _outcome(await actor.say(typed.format(**values)), None), outcomes[index]
    assert got == expected


def _outcome(replies: list[Outgoing], acknowledgement: str | None) -> str:
    said = "\n".join(filter(None, [text_of(replies), acknowledgement]))
    if said.startswith(texts.NOT_YOUR_SCHOOL.partition("{")[0]):
        return THEIRS
    if not said or said.startswith(texts.YOU_ARE_BANNED.partition("{")[0]):
        return BANNED
    return said if said in (texts.NOT_JOINED, texts.FINISH_JOINING, MOD, EDIT, ADM, OLD) else OK


async def _campaign(core, channels, admin: Person, engine, role: str) -> Person:
    """Two writers (A and B) with a pending and a published story each; the actor, joined in A
    with a story of their own and both pushes received, then given their role."""
    writers = [Person(core, channels["telegram"], WRITERS[code][1], name) for code, name in (("CDCB", "Hùng"), ("HOAAN", "Mai"))]
    actor = admin if role == "admin" else Person(core, channels["zalo"], "301", "Vy")
    for person, code in ((writers[0], "CDCB"), (writers[1], "HOAAN"), (actor, "CDCB")):
        await person.join(code)
    for n, writer in enumerate(writers * 2):
        await writer.say(f"/gui Câu chuyện đẹp số {n + 1}: các bạn ở trường {writer.name} cùng giúp bà con dọn lũ.")
    await actor.say("/gui Câu chuyện của chính mình: cả lớp góp sách cho thư viện bản.")
    for command in ("/duyet 3 ngay", "/duyet 4 tuan", "/dang ngay", "/dang tuan"):
        await admin.say(command)
    deliver_waiting(engine)
    ref = f"zalo:{actor.user_id}"
    if role == "banned":
        await admin.say(f"/chan {ref} gửi tin rác nhiều lần")
    elif role == "school_moderator":  # a draft made while moderating B stays theirs after the move to A
        await admin.say(f"/mod {ref} HOAAN")
        await actor.say("/thongbao Thứ Hai họp toàn trường.")
        await admin.say(f"/mod {ref} CDCB")
        await actor.say("/thongbao Thứ Hai họp toàn trường.")
    elif role in ("editor", "admin"):
        if role == "editor":
            await admin.say(f"/mod {ref}")
        for code in ("CDCB", "HOAAN"):
            await actor.say(f"/thongbao {code} Thứ Hai họp toàn trường.")
    return actor


def _values(engine, actor: Person, code: str) -> dict[str, object]:
    """What the commands name, for the school the column acts on."""
    with session_scope(engine) as session:
        school = repo.school_by_code(session=session, code=code)
        me = session.exec(select(Member).where(Member.platform_id == actor.user_id)).one()
        draft = session.exec(select(Announcement.id).where(Announcement.author_id == me.id, Announcement.school_id == school.id)).first()
    channel, platform_id = WRITERS[code]
    return {
        "code": code, "pending": PENDING[code], "published": PUBLISHED[code], "post": POST[code], "own": 5,
        "member": f"{channel}:{platform_id}", "draft": draft or 1,
    }
