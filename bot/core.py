"""The campaign core as the channels see it: an update in, replies out through the right channel.

Each update is handled in one transaction, in a database thread (the event loop goes on with
other updates meanwhile); the replies are sent only after it committed.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

import sqlalchemy as sa

from bot.channels.base import Channel, ChannelError
from bot.media import MediaStore
from bot.settings import Settings
from bot.threads import off_loop
from content import texts
from handlers.context import CoreConfig, Later, message_to
from handlers.io import Incoming, Outgoing
from handlers.routes import Handled, handle_update
from storage import roles
from storage.db import session_scope
from storage.models import Member

log = logging.getLogger(__name__)


def core_config(settings: Settings, *, media: MediaStore | None = None) -> CoreConfig:
    """With the media store, charts made for replies are kept there and an erased member's
    photos removed from it."""
    return CoreConfig(
        admins=settings.admins,
        timezone=settings.timezone,
        daily_at=settings.daily_at,
        weekly_at=settings.weekly_at,
        push_rates=(("telegram", settings.tintot_telegram_rate), ("zalo", settings.tintot_zalo_rate)),
        save_photo=media.save if media else None,
        delete_photo=media.delete if media else None,
        stories_per_day=settings.tintot_stories_per_day,
        announcements_per_day=settings.tintot_announcements_per_day,
        public_url=settings.tintot_public_url,
        telegram_channel=settings.telegram_channel_id,
    )


class Core:
    def __init__(self, *, engine: sa.Engine, config: CoreConfig, channels: Mapping[str, Channel] | None = None) -> None:
        self.engine = engine
        self.config = config
        self.channels: dict[str, Channel] = dict(channels or {})

    def attach(self, channel: Channel) -> None:
        self.channels[channel.name] = channel

    async def handle(self, incoming: Incoming) -> str | None:
        """Processes one update and sends what it produced; an error is logged and the user told.

        Returns the acknowledgement for a button press, if any.
        """
        try:
            handled = await off_loop(self._handle_in_transaction, incoming)
        except Exception:
            log.exception("update %s from %s failed", incoming.update_id, incoming.channel)
            handled = Handled([Outgoing(incoming.channel, incoming.chat_id, texts.INTERNAL_ERROR)])
        await self.send_all(handled.outbox)
        for channel_name, chat_id, role in handled.menu_changes:
            await self.set_menu(channel_name, chat_id, role=role)
        for chat in handled.channel_checks:
            if await self.refuses_posts(chat):
                await self.send(Outgoing(incoming.channel, incoming.chat_id, texts.CROSSPOST_REFUSED.format(channel=chat)))
        for job in handled.later:
            await self.send_all(await self._run_later(job, incoming))
        return handled.acknowledgement

    async def _run_later(self, job: Later, incoming: Incoming) -> list[Outgoing]:
        try:
            return await off_loop(job, self.engine)
        except Exception:
            log.exception("a reply to update %s from %s failed", incoming.update_id, incoming.channel)
            return [Outgoing(incoming.channel, incoming.chat_id, texts.INTERNAL_ERROR)]

    def _handle_in_transaction(self, incoming: Incoming) -> Handled:
        with session_scope(self.engine) as session:
            return handle_update(session=session, incoming=incoming, config=self.config)

    async def refuses_posts(self, chat: str) -> bool:
        """True when Telegram says the bot may not post in this channel (not when it could not
        be asked, nor without a Telegram channel in this process)."""
        may_post_to = getattr(self.channels.get("telegram"), "may_post_to", None)
        return may_post_to is not None and await may_post_to(chat) is False

    async def set_menu(self, channel_name: str, chat_id: str, *, role: str) -> None:
        """A member's command menu for their role, on channels that have one (Telegram)."""
        channel = self.channels.get(channel_name)
        set_member_commands = getattr(channel, "set_member_commands", None)
        if set_member_commands is None:
            return
        try:
            await set_member_commands(chat_id, role)
        except ChannelError as error:
            log.warning("%s: command menu of chat %s not set: %s", channel_name, chat_id, error)

    async def tell_moderators(self, text: str) -> None:
        """A notice from the bot itself (the delivery engine) to the editors and admins."""
        notices = [message_to(m, text) for m in await off_loop(self._editors)]
        await self.send_all([notice for notice in notices if notice is not None])

    async def refresh_moderator_menus(self) -> None:
        """At start: every moderator's and admin's chat gets the menu of their role."""
        for channel_name, chat_id, role in await off_loop(self._team_menus):
            await self.set_menu(channel_name, chat_id, role=role)

    def _editors(self) -> list[Member]:
        with session_scope(self.engine) as session:
            return list(roles.editors(session=session, admins=self.config.admins))

    def _team_menus(self) -> list[tuple[str, str, str]]:
        with session_scope(self.engine) as session:
            team = roles.team(session=session, admins=self.config.admins)
            return [(m.channel, m.chat_id, roles.role_of(m, self.config.admins).name) for m in team]

    async def send_all(self, messages: list[Outgoing]) -> None:
        for message in messages:
            await self.send(message)

    async def send(self, message: Outgoing) -> str | None:
        channel = self.channels.get(message.channel)
        if channel is None:
            log.warning("no %s channel in this process: message to chat %s not sent", message.channel, message.chat_id)
            return None
        try:
            return await channel.send(message)
        except ChannelError as error:
            log.warning("%s could not deliver to chat %s: %s", message.channel, message.chat_id, error)
            return None
