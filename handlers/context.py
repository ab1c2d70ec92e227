"""What a handler works with: the update, the member, the open session, and an outbox.

Handlers never send: they queue `Outgoing`s on the context, and the runtime sends them after the
transaction commits, so a user is never told about something that was then rolled back.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, time
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlmodel import Session

from content import render
from content.numbers import whole_number
from handlers.io import Button, Incoming, Keyboard, Outgoing
from storage import roles
from storage.models import Member, utcnow


@dataclass(frozen=True)
class CoreConfig:
    """The settings the conversation needs (the runtime builds it from its own settings)."""

    admins: frozenset[tuple[str, str]] = frozenset()
    timezone: ZoneInfo = ZoneInfo("Asia/Ho_Chi_Minh")
    daily_at: time = time(7, 0)
    weekly_at: tuple[int, time] = (6, time(19, 0))
    push_rates: tuple[tuple[str, float], ...] = ()  # (channel, messages per second), for estimates
    clock: Callable[[], datetime] = utcnow
    announcements_per_day: int = 2  # per school
    # Stores a picture made for a reply (a chart) and returns its photo reference ("media:…");
    # the runtime supplies the media store's.
    save_photo: Callable[[bytes], str] | None = None
    # Removes a stored photo by its reference (erasure); the runtime supplies the media store's.
    delete_photo: Callable[[str], None] | None = None
    stories_per_day: int = 3
    messages_per_minute: int = 20
    # TINTOT_PUBLIC_URL: the base of story and login links; None when they cannot be given out.
    public_url: str | None = None
    # TELEGRAM_CHANNEL_ID: the campaign's channel, which gets every push too.
    telegram_channel: str | None = None


# Work done after the update's commit (replies, photo removals): given the engine, returns the
# messages to send.
Later = Callable[[sa.Engine], list[Outgoing]]


@dataclass
class Ctx:
    session: Session
    incoming: Incoming
    member: Member
    config: CoreConfig
    outbox: list[Outgoing] = field(default_factory=list)
    acknowledgement: str | None = None
    # (channel, chat id, role name) of members whose command menu must change.
    menu_changes: list[tuple[str, str, str]] = field(default_factory=list)
    # Telegram channels to check at once for the bot's right to post (after /kenh).
    channel_checks: list[str] = field(default_factory=list)
    # Work for after the commit: too long for the update's own transaction (see `reply_later`), or
    # that must not happen unless it commits (`delete_photos`).
    later: list[Later] = field(default_factory=list)
    # The options this answer has offered so far, in their numbers' order (see `reply`).
    answer_options: list[str] = field(default_factory=list)

    @property
    def args(self) -> str:
        return self.incoming.args

    @property
    def is_moderator(self) -> bool:
        """A moderator somewhere: of their own school, or of every school."""
        return roles.may(self.member, self.config.admins, roles.Access.MODERATOR)

    @property
    def school_scope(self) -> int | None:
        """The one school a school moderator works for; None for admins and editors (every school)."""
        return roles.school_scope(self.member, self.config.admins)

    def may_moderate(self, school_id: int | None) -> bool:
        """Whether this member may act as a moderator on something belonging to `school_id`."""
        return roles.may(self.member, self.config.admins, roles.Access.MODERATOR, school_id)

    @property
    def actor_name(self) -> str:
        """How a moderator is named to other moderators."""
        return self.member.display_name or f"{self.member.channel}:{self.member.platform_id}"

    def reply(self, text: str, buttons: Keyboard = ()) -> None:
        """A message to this chat. Its buttons become options a typed number picks: numbered on
        from the earlier messages of this answer (a listing of several stories, each with its
        buttons), so every number shown means one option of one message."""
        first = len(self.answer_options) + 1
        self.outbox.append(Outgoing(self.incoming.channel, self.incoming.chat_id, text, buttons=buttons, first_option=first))
        self.answer_options += [b.data for row in buttons for b in row]
        options = "\n".join(self.answer_options) or None
        # `options_at` only matters while there are options: a reply without buttons to a member
        # who had none changes nothing, and the update's commit then writes no member row.
        if options or self.member.options:
            self.member.options, self.member.options_at = options, utcnow()

    def reply_later(self, job: Later) -> None:
        """Replies that take long to make (a report over a million events): the runtime runs
        `job` after this update committed, with sessions of its own (`storage.db`), and sends
        what it returns. Its reads then hold no lock that other members' updates wait for."""
        self.later.append(job)
        self.member.options = None  # the last message with buttons is no longer the last one
        self.answer_options.clear()

    def delete_photos(self, photos: Iterable[str]) -> None:
        """Removes photos from the media store once this update has committed: removed before,
        a commit that then failed would leave rows showing files that are gone."""
        delete, refs = self.config.delete_photo, sorted(set(photos))
        if delete is None or not refs:
            return

        def after_commit(engine: sa.Engine) -> list[Outgoing]:
            for ref in refs:
                delete(ref)
            return []

        self.later.append(after_commit)

    def acknowledge(self, text: str) -> None:
        """A short answer to a button press (a passing notice on Telegram); a reply otherwise."""
        if self.incoming.kind == "callback":
            self.acknowledgement = text
        else:
            self.reply(text)

    def reply_photo(self, photo: str, caption: str) -> None:
        self.outbox.append(Outgoing(self.incoming.channel, self.incoming.chat_id, caption, photo=photo))

    def reply_picture(self, png: bytes, caption: str) -> None:
        """A picture made for this reply (a chart), kept in the media store so any channel can
        send it. Without a store it is left out: it only illustrates a text reply."""
        if self.config.save_photo is not None:
            self.reply_photo(self.config.save_photo(png), caption)

    def edit_or_reply(self, text: str, buttons: Keyboard = ()) -> None:
        """Replaces the message whose button was pressed (so the choice shows where it was made)."""
        if self.incoming.message_ref is None:
            self.reply(text, buttons)
            return
        self.outbox.append(
            Outgoing(self.incoming.channel, self.incoming.chat_id, text, buttons=buttons, edit_ref=self.incoming.message_ref)
        )

    def notify(self, member: Member, text: str, buttons: Keyboard = ()) -> None:
        """A message to another member's chat (an author, a moderator), if they are reachable."""
        if member.id == self.member.id:
            self.reply(text, buttons)
            return
        message = message_to(member, text, buttons)
        if message is not None:
            self.outbox.append(message)

    def time(self, moment: datetime) -> str:
        return render.local_time(moment, self.config.timezone)


def message_to(member: Member, text: str, buttons: Keyboard = ()) -> Outgoing | None:
    """A message for a member's chat, or None when they cannot be reached (erased, blocked)."""
    if member.chat_id is None or member.platform_id is None or member.blocked:
        return None
    return Outgoing(member.channel, member.chat_id, text, buttons=buttons)


def one_column(*buttons: Button) -> Keyboard:
    return tuple((button,) for button in buttons)


def one_row(*buttons: Button) -> Keyboard:
    return (tuple(buttons),)


def number(text: str, *, digits: int = 9) -> int | None:
    """A number someone typed or a button carries ("12", "#12"), or None, which the caller
    answers: read by `content.numbers.whole_number`, at most `digits` long."""
    return whole_number(text.strip().removeprefix("#"), most=10**digits - 1)
