"""Every route into the conversation, in one place: commands, button tokens, waiting states.

Usage: `handle_update(session=..., incoming=..., config=...)` returns the messages to send once
the session has committed.
"""

from __future__ import annotations

import dataclasses
import inspect
import logging
from collections.abc import Callable
from dataclasses import dataclass

from sqlmodel import Session

from content import render, texts
from handlers import (
    account, announcements, bans, channels, guard, moderation, onboarding, publishing, reports, scope, stats, submission,
    team, weblogin,
)
from handlers.context import CoreConfig, Ctx, Later, number
from handlers.io import Incoming, Outgoing
from storage import repo, roles
from storage.models import Member
from storage.roles import Access

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Command:
    names: tuple[str, ...]  # Vietnamese first, then the English alias
    run: Callable[[Ctx], None]
    access: Access  # a level that does not exist stops the import (ValueError), never allows
    description: str
    # Adds to the campaign (a story, a report): what a banned member may not do, so their help
    # does not offer it.
    contributes: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "access", Access(self.access))


@dataclass(frozen=True)
class Press:
    """A button's route: who may press it (an access level, or a test of the member's state for
    the steps of joining and erasing) and the handler taking the token's arguments."""

    allowed: Access | Callable[[Member], bool]
    run: Callable[..., None]

    def __post_init__(self) -> None:
        if not callable(self.allowed):
            object.__setattr__(self, "allowed", Access(self.allowed))


# What someone without a role's access is told.
ROLE_REFUSALS = {Access.MODERATOR: texts.NOT_MODERATOR, Access.EDITOR: texts.NOT_EDITOR, Access.ADMIN: texts.NOT_ADMIN}


def show_help(ctx: Ctx) -> None:
    """/huongdan: only the commands this member may use."""
    banned = ctx.member.banned_at is not None
    lines = [texts.HELP_TITLE]
    if banned:
        lines.append(texts.HELP_BANNED.format(reason=render.esc(ctx.member.ban_reason)))
    for command in COMMANDS:
        usable = command.access not in roles.ROLE_ACCESSES and _refusal(ctx, command.access) is None
        if usable and not (banned and command.contributes):
            lines.append(_help_line(command))
    if ctx.is_moderator:
        own = scope.own_school(ctx)
        title = texts.HELP_SCHOOL_MODERATOR_TITLE.format(school=render.esc(own.name)) if own else texts.HELP_MODERATOR_TITLE
        lines.append("\n" + title)
        lines += [_help_line(c) for c in COMMANDS if c.access in roles.ROLE_ACCESSES and _refusal(ctx, c.access) is None]
    ctx.reply("\n".join(lines))


def _help_line(command: Command) -> str:
    aliases = " ".join(f"/{name}" for name in command.names[1:])
    return f"/{command.names[0]} — {command.description}" + (f" ({aliases})" if aliases else "")


COMMANDS: tuple[Command, ...] = (
    Command(("start",), onboarding.start, "anyone", "bắt đầu, chọn trường"),
    Command(("gui", "submit"), submission.ask_story, "member", "gửi câu chuyện (chữ, hoặc ảnh kèm chú thích)", contributes=True),
    Command(("bai", "mine"), submission.my_stories, "member", "xem câu chuyện bạn đã gửi"),
    Command(("ten", "name"), submission.name_command, "adult", "hiện hay ẩn tên bạn khi đăng bài: /ten SỐ"),
    Command(("truong", "school"), onboarding.change_school, "member", "đổi trường"),
    Command(("tat", "stop"), account.pause, "member", "tạm dừng nhận tin; /tat truong: chỉ tắt thông báo của trường"),
    Command(("bat", "resume"), account.resume, "member", "nhận tin trở lại; /bat truong: bật thông báo của trường"),
    Command(("xoa", "deleteme"), account.ask_erase, "consented", "xóa dữ liệu của bạn"),
    Command(("baocao", "report"), reports.report_command, "member", "báo cáo bài đã đăng: /baocao SỐ [LÝ_DO]", contributes=True),
    Command(("huongdan", "help"), show_help, "anyone", "các lệnh bạn dùng được"),
    Command(("cho", "pending"), moderation.queue, "moderator", "câu chuyện đang chờ duyệt: /cho [MÃ_TRƯỜNG]"),
    Command(("duyet", "approve"), moderation.approve_command, "moderator", "duyệt: /duyet SỐ [ngay|tuan]"),
    Command(("tuchoi", "reject"), moderation.reject_command, "moderator", "từ chối: /tuchoi SỐ LÝ_DO"),
    Command(("thongbao", "announce"), announcements.announce, "moderator", "thông báo tới học sinh của trường: /thongbao NỘI_DUNG"),
    Command(("tiendo", "progress"), publishing.progress_command, "moderator", "tiến độ đợt gửi gần nhất"),
    Command(("thongke", "stats"), stats.stats, "moderator", "thống kê theo trường: /thongke [tuan|thang]"),
    Command(("siso", "enrolment"), stats.set_enrolment, "moderator", "đặt sĩ số: /siso MÃ_TRƯỜNG SĨ_SỐ"),
    Command(("sua", "edit"), moderation.edit_command, "moderator", "sửa bài đang chờ: /sua SỐ VĂN_BẢN"),
    Command(("go", "takedown"), reports.take_down, "moderator", "gỡ bài: /go SỐ LÝ_DO"),
    Command(("chan", "ban"), bans.ban, "moderator", "chặn thành viên: /chan #SỐ_BÀI LÝ_DO (người gửi bài) hoặc /chan KÊNH:ID LÝ_DO"),
    Command(("bochan", "unban"), bans.unban, "moderator", "bỏ chặn: /bochan #SỐ_BÀI hoặc /bochan KÊNH:ID"),
    Command(("web",), weblogin.web_command, "moderator", "đường dẫn đăng nhập bảng điều khiển trên web"),
    Command(("tin", "news"), moderation.add_news, "editor", "thêm tin tốt: /tin NỘI_DUNG"),
    Command(("lich", "calendar"), publishing.calendar, "editor", "lịch đăng 7 ngày tới"),
    Command(("dang", "publish"), publishing.publish_command, "editor", "đăng ngay: /dang ngay|tuan"),
    Command(("bbt", "team"), team.show_team, "editor", "ban biên tập của từng trường"),
    Command(("kenh", "channel"), channels.channel_command, "editor", "kênh Telegram của trường: /kenh MÃ_TRƯỜNG @kenh"),
    Command(("mod", "addmod"), team.grant, "admin", "cấp quyền: /mod KÊNH:ID (biên tập) hoặc /mod KÊNH:ID MÃ_TRƯỜNG"),
    Command(("bomod", "delmod"), team.revoke, "admin", "bỏ quyền biên tập hoặc kiểm duyệt: /bomod KÊNH:ID"),
)
BY_NAME = {name: command for command in COMMANDS for name in command.names}

# Button tokens "prefix:arg:arg" → (who may press, handler taking the args).
CALLBACKS: dict[str, Press] = {
    "consent": Press(lambda m: m.state == "consent", onboarding.consent),
    "age": Press(lambda m: m.state == "age", onboarding.age),
    "school": Press(lambda m: m.state == "school", onboarding.choose_school),
    "erase": Press(lambda m: m.state == "erase", account.erase),
    "showname": Press("member", submission.show_name),
    "draft": Press("member", submission.answer_offer),
    "approve": Press("moderator", moderation.approve_button),
    "reject": Press("moderator", moderation.ask_reject_reason),
    "announce": Press("moderator", announcements.confirm_button),
    "react": Press("member", publishing.react_button),
    "report": Press("member", reports.report_button),
}

# What the next message means while a member is in the middle of something.
STATES: dict[str, Callable[[Ctx], None]] = {
    "story": submission.take_story,
    "caption": submission.take_story,
    "reject_reason": moderation.take_reject_reason,
}


def command_menu(role: str = roles.STUDENT.name) -> list[tuple[str, str]]:
    """(command, description) for a platform's command menu: what a member of `role` may use."""
    grants = next((r.grants for r in roles.MENUS if r.name == role), frozenset())
    return [(c.names[0], c.description) for c in COMMANDS if c.access not in roles.ROLE_ACCESSES or c.access in grants]


@dataclass(frozen=True)
class Handled:
    """What an update produced: messages to send after commit, and a button acknowledgement."""

    outbox: list[Outgoing]
    acknowledgement: str | None = None
    menu_changes: list[tuple[str, str, str]] = dataclasses.field(default_factory=list)
    channel_checks: list[str] = dataclasses.field(default_factory=list)
    later: list[Later] = dataclasses.field(default_factory=list)  # replies made after the commit


def handle_update(*, session: Session, incoming: Incoming, config: CoreConfig) -> Handled:
    """Runs one update through the routes; a redelivered update (same id) does nothing."""
    if incoming.update_id and not repo.claim_update(session=session, channel=incoming.channel, update_id=incoming.update_id):
        log.info("%s update %s already processed", incoming.channel, incoming.update_id)
        return Handled([])
    special = guard.outside_conversation(session=session, incoming=incoming)
    if special is not None:
        return Handled(special)
    member, new = repo.get_or_create_member(
        session=session, channel=incoming.channel, platform_id=incoming.user_id, chat_id=incoming.chat_id,
        **guard.first_message(config),
    )
    ctx = Ctx(session=session, incoming=incoming, member=member, config=config)
    photos = {incoming.photo, submission.waiting_photo(member)} - {None}
    flooding = None if new or ctx.is_moderator else guard.flood(session=session, member=member, config=config)
    if flooding == "warn":
        ctx.outbox.append(Outgoing(incoming.channel, incoming.chat_id, texts.SLOW_DOWN))
    elif flooding is None:
        _route(ctx)
        _note_activity(ctx)
    submission.drop_unused_photos(ctx, photos)
    return Handled(ctx.outbox, ctx.acknowledgement, ctx.menu_changes, ctx.channel_checks, ctx.later)


def _note_activity(ctx: Ctx) -> None:
    """Any message or button from a member counts towards the plan's "interacting regularly":
    one `replied` event per member and campaign day keeps the events few."""
    today = ctx.config.clock().astimezone(ctx.config.timezone).date()
    if ctx.member.joined and ctx.member.active_on != today:
        ctx.member.active_on = today
        repo.add_event(session=ctx.session, kind="replied", member=ctx.member)


def _route(ctx: Ctx) -> None:
    incoming, member = ctx.incoming, ctx.member
    if incoming.kind == "edited":
        ctx.reply(texts.EDITED_MESSAGE)
        return
    if member.joined and incoming.command is None and member.state is None and (
        publishing.typed_reaction(ctx) or reports.typed_report(ctx)
    ):
        return
    token = incoming.callback_data if incoming.kind == "callback" else _picked_option(member, incoming)
    if token is not None:
        _run_callback(ctx, token)
    elif incoming.command is not None:
        _run_command(ctx, incoming.command)
    elif member.state in STATES:
        STATES[member.state](ctx)
    elif member.state is not None and incoming.kind == "text":
        ctx.reply(texts.CHOOSE_FROM_LIST)
    elif (bare := _bare_command(incoming)) is not None:
        ctx.incoming = dataclasses.replace(incoming, text="/" + incoming.text.strip())
        _run_command(ctx, bare)
    elif incoming.kind == "photo" and member.joined:
        submission.take_story(ctx)  # a photo sent to the campaign's bot is a story; asking first would lose it
    elif incoming.kind == "text" and member.joined:
        submission.offer_story(ctx)
    elif incoming.kind in ("text", "photo"):
        ctx.reply(texts.PLAIN_TEXT_HINT if member.consented_at else texts.NOT_JOINED)
    else:
        ctx.reply(texts.UNSUPPORTED_MESSAGE)


def _picked_option(member: Member, incoming: Incoming) -> str | None:
    """A typed number picks the n-th option of the last message with buttons."""
    choice = number(incoming.text, digits=2) if incoming.kind == "text" and not incoming.text.startswith("#") else None
    if choice is None or not member.options:
        return None
    options = member.options.split("\n")
    return options[choice - 1] if 1 <= choice <= len(options) else None


def _bare_command(incoming: Incoming) -> str | None:
    """'gui' or 'duyet 5' typed without the slash (Zalo and the console have no command menu)."""
    if incoming.kind != "text":
        return None
    words = incoming.text.strip().split(maxsplit=1)
    return words[0].lower() if words and words[0].lower() in BY_NAME else None


def _run_command(ctx: Ctx, name: str) -> None:
    command = BY_NAME.get(name)
    if command is None:
        ctx.reply(texts.UNKNOWN_COMMAND.format(command=name))
        return
    refusal = _refusal(ctx, command.access)
    if refusal is not None:
        log.info("refused /%s to member %s (%s)", name, ctx.member.id, command.access)
        ctx.reply(refusal)
        return
    ctx.member.state = ctx.member.state_data = None
    command.run(ctx)


def _run_callback(ctx: Ctx, token: str) -> None:
    prefix, *args = token.split(":")
    route = CALLBACKS.get(prefix)
    if route is None:
        ctx.reply(texts.OPTION_EXPIRED)
        return
    if isinstance(route.allowed, Access):
        refusal = _refusal(ctx, route.allowed)
    else:
        refusal = None if route.allowed(ctx.member) else texts.OPTION_EXPIRED
    if refusal is not None:
        ctx.reply(refusal)
        return
    try:
        inspect.signature(route.run).bind(ctx, *args)
    except TypeError:
        # A token from an older version of a message, or forged: answered, never a crash.
        log.info("malformed option %r from member %s", token, ctx.member.id)
        ctx.reply(texts.OPTION_EXPIRED)
        return
    route.run(ctx, *args)


def _refusal(ctx: Ctx, access: Access) -> str | None:
    """None when the member may (storage/roles.py decides); otherwise the sentence that says why not."""
    if roles.may(ctx.member, ctx.config.admins, access):
        return None
    if access in ROLE_REFUSALS:
        return ROLE_REFUSALS[access]
    if ctx.member.consented_at is None:
        return texts.NOT_JOINED
    if not ctx.member.joined:
        return texts.FINISH_JOINING
    return texts.SHOW_NAME_CHILD  # Access.ADULT, the one command for 16+ only: showing one's name
