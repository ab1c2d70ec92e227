"""/kenh: which Telegram channel cross-posts a school's published stories (editors only).

Usage: /kenh MÃ_TRƯỜNG @kenh sets it, /kenh MÃ_TRƯỜNG bo removes it, /kenh lists them.
Setting a channel again also clears an earlier refusal, so a fixed channel is tried anew.
"""

from __future__ import annotations

from content import render, texts
from content.links import telegram_channel
from handlers import scope
from handlers.context import Ctx
from storage import crossposts, repo

REMOVE_WORDS = ("bo", "xoa", "remove")


def channel_command(ctx: Ctx) -> None:
    """/kenh [MÃ_TRƯỜNG @kenh|bo]."""
    parts = ctx.args.split()
    if not parts:
        _list_channels(ctx)
        return
    if len(parts) != 2:
        ctx.reply(texts.USAGE.format(usage=texts.CHANNEL_USAGE))
        return
    school = scope.school_named(ctx, parts[0])
    if school is None:
        return
    if parts[1].lower() in REMOVE_WORDS:
        school.telegram_channel = None
        repo.audit(session=ctx.session, actor=ctx.member, action="channel", target=f"school:{school.code}", detail="-")
        ctx.reply(texts.CHANNEL_REMOVED.format(school=render.esc(school.name)))
        return
    try:
        chat = telegram_channel(parts[1])
    except ValueError:
        ctx.reply(texts.CHANNEL_BAD_ID.format(channel=render.esc(parts[1])))
        return
    school.telegram_channel = chat
    crossposts.channel_target(session=ctx.session, chat=chat).blocked = False
    ctx.channel_checks.append(chat)
    repo.audit(session=ctx.session, actor=ctx.member, action="channel", target=f"school:{school.code}", detail=chat)
    ctx.reply(texts.CHANNEL_SET.format(channel=render.esc(chat), school=render.esc(school.name)))


def _list_channels(ctx: Ctx) -> None:
    campaign = ctx.config.telegram_channel or texts.CHANNEL_LIST_NONE
    lines = [texts.CHANNEL_LIST_TITLE, texts.CHANNEL_LIST_CAMPAIGN.format(channel=render.esc(campaign))]
    for school in repo.schools(session=ctx.session):
        lines.append(f"{school.code}: {render.esc(school.telegram_channel or texts.CHANNEL_LIST_NONE)}")
    lines.append("\n" + texts.USAGE.format(usage=texts.CHANNEL_USAGE))
    ctx.reply("\n".join(lines))
