"""Students' stories: /gui (text, or a photo with a caption), the name choice, and /bai.

Usage: /gui → the next message is the story (or `/gui TEXT` at once); a photo without caption
asks for one; a story typed without /gui is offered to be sent; a 16+ author is then asked
whether to show their name.
"""

from __future__ import annotations

import unicodedata
from datetime import datetime

from content import render, screening, texts
from handlers import bans, review
from handlers.context import Ctx, number, one_row
from handlers.io import Button
from storage import repo, roles
from storage.models import Member, School, Story

MIN_STORY = 20
MAX_STORY = 4000
# Telegram limits a photo caption to 1,024 characters: the story, its title and byline fit.
MAX_CAPTION = 850


def ask_story(ctx: Ctx) -> None:
    """/gui: takes the story from the arguments, or waits for the next message."""
    if not may_submit(ctx):
        return
    if ctx.args:
        take_story(ctx)
        return
    ctx.member.state, ctx.member.state_data = "story", None
    ctx.reply(texts.ASK_STORY.format(min=MIN_STORY, max=render.number(MAX_STORY)))


def take_story(ctx: Ctx) -> None:
    """The message after /gui: text, or a photo (with or without caption)."""
    incoming, member = ctx.incoming, ctx.member
    if not may_submit(ctx):
        return
    if incoming.kind == "photo" and incoming.photo:
        if not incoming.text.strip():
            member.state, member.state_data = "caption", incoming.photo
            ctx.reply(texts.ASK_CAPTION.format(min=MIN_STORY, max=render.number(MAX_CAPTION)))
            return
        _save(ctx, incoming.text, incoming.photo, MAX_CAPTION)
        return
    if incoming.kind != "text" or not incoming.text.strip():
        ctx.reply(texts.STORY_WRONG_KIND)
        return
    text = incoming.args if incoming.command else incoming.text
    photo = member.state_data if member.state == "caption" else None
    _save(ctx, text, photo, MAX_CAPTION if photo else MAX_STORY)


def offer_story(ctx: Ctx) -> None:
    """Plain text from a member, long enough to be a story: offered to be sent as one (a tap
    or a number), never saved as a story without it. Kept on the member row meanwhile, so the
    answer works after a restart or in another process. Short chat gets the usual hint."""
    text = unicodedata.normalize("NFC", ctx.incoming.text.strip())
    if screening.substance(text) < MIN_STORY:
        ctx.reply(texts.PLAIN_TEXT_HINT)
        return
    if not may_submit(ctx):
        return
    ctx.member.draft = text
    ctx.reply(
        texts.OFFER_STORY.format(preview=render.preview(text, 120)),
        one_row(Button(texts.OFFER_SEND, "draft:send"), Button(texts.OFFER_DROP, "draft:drop")),
    )


def answer_offer(ctx: Ctx, answer: str) -> None:
    """The member's answer to `offer_story`: the kept text goes through /gui's checks, or is dropped."""
    text, ctx.member.draft = ctx.member.draft, None
    if text is None:
        ctx.reply(texts.OPTION_EXPIRED)
    elif answer != "send":
        ctx.edit_or_reply(texts.OFFER_DROPPED)
    elif may_submit(ctx):
        _save(ctx, text, None, MAX_STORY)


def waiting_photo(member: Member) -> str | None:
    """The photo the member sent that waits for its caption, if any."""
    return member.state_data if member.state == "caption" else None


def drop_unused_photos(ctx: Ctx, photos: set[str]) -> None:
    """Removes from the media store the photos an update brought or left that nothing keeps: no
    story or announcement shows them and none waits for its caption (a photo from someone not
    yet joined, ignored, banned, or abandoned for a command). Kept, nobody could ever erase them."""
    unused = [p for p in photos - {waiting_photo(ctx.member)} if not repo.photo_in_use(session=ctx.session, photo=p)]
    ctx.delete_photos(unused)


def may_submit(ctx: Ctx) -> bool:
    """False, with the reason told, for a banned member (told once) or one at the daily limit."""
    member = ctx.member
    if bans.refused(ctx, "submit"):
        return False
    limit = ctx.config.stories_per_day
    if member.id is not None and repo.stories_since(session=ctx.session, member_id=member.id, since=_today_start(ctx)) >= limit:
        member.state = member.state_data = None
        ctx.reply(texts.STORIES_PER_DAY_REACHED.format(limit=limit))
        return False
    return True


def _today_start(ctx: Ctx) -> datetime:
    local = ctx.config.clock().astimezone(ctx.config.timezone)
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


def _save(ctx: Ctx, text: str, photo: str | None, limit: int) -> None:
    text = unicodedata.normalize("NFC", text.strip())
    letters = screening.substance(text)
    if len(text) > limit or letters < MIN_STORY:
        if photo:  # the photo waits for a better caption, instead of being lost (and its file left behind)
            ctx.member.state, ctx.member.state_data = "caption", photo
        if len(text) > limit:
            ctx.reply(texts.STORY_TOO_LONG.format(length=render.number(len(text)), max=render.number(limit)))
        else:
            ctx.reply((texts.STORY_TOO_SHORT if letters else texts.STORY_NO_SUBSTANCE).format(min=MIN_STORY))
        return
    member = ctx.member
    story = Story(member_id=member.id, school_id=member.school_id, text=text, photo=photo, created_at=ctx.config.clock())
    ctx.session.add(story)
    ctx.session.flush()
    review.screen_story(ctx, story)
    member.state = member.state_data = None
    repo.add_event(session=ctx.session, kind="submitted", member=member, story_id=story.id)
    ctx.reply("\n\n".join(filter(None, (texts.STORY_RECEIVED.format(id=story.id), _hidden_notice(story)))))
    if member.adult:
        _ask_show_name(ctx, story)
    school = ctx.session.get(School, member.school_id)
    notice = texts.NEW_STORY_FOR_MODERATORS.format(id=story.id, school=render.esc(school.name if school else ""))
    notice += review.flag_lines(story) + "\n" + review.author_line(ctx, story)
    for moderator in roles.story_watchers(session=ctx.session, admins=ctx.config.admins, school_id=member.school_id):
        ctx.notify(moderator, notice)


def _hidden_notice(story: Story) -> str | None:
    """The personal data screening found, which publishing will hide; None when there is none."""
    found = [
        texts.HIDDEN_ON_PUBLISHING[kind].format(shown=render.esc(shown))
        for kind, shown in review.decode(story.flags) if kind in texts.HIDDEN_ON_PUBLISHING
    ]
    return texts.STORY_DATA_HIDDEN.format(found=", ".join(found)) if found else None


def _ask_show_name(ctx: Ctx, story: Story) -> None:
    """The 16+ author's question for one story; it says how to answer it later (/ten), since a
    typed number stops picking its options once another message with options comes."""
    ctx.reply(
        texts.ASK_SHOW_NAME.format(id=story.id),
        one_row(
            Button(texts.SHOW_NAME_NO, f"showname:{story.id}:no"),
            Button(texts.SHOW_NAME_YES, f"showname:{story.id}:yes"),
        ),
    )


def name_command(ctx: Ctx) -> None:
    """/ten SỐ: a 16+ author asked again whether their story shows their name."""
    story = _own_story(ctx, ctx.args)
    if story is None:
        ctx.reply(texts.USAGE.format(usage=texts.NAME_USAGE))
        return
    _ask_show_name(ctx, story)


def show_name(ctx: Ctx, story_id: str, answer: str) -> None:
    """A 16+ author's choice for one of their stories, at any time: the name can be taken off a
    published story (the wall and feeds drop it), but not put on one already pushed without it."""
    story, member = _own_story(ctx, story_id), ctx.member
    if story is None or not member.adult:
        ctx.reply(texts.OPTION_EXPIRED)
        return
    show = answer == "yes"
    if show and story.published_at is not None and not story.show_name:
        ctx.edit_or_reply(texts.SHOW_NAME_TOO_LATE.format(id=story.id))
        return
    story.show_name, story.author_name = show, member.display_name if show else None
    ctx.edit_or_reply((texts.SHOW_NAME_SET if show else texts.SHOW_NAME_UNSET).format(id=story.id))


def _own_story(ctx: Ctx, ref: str) -> Story | None:
    """The member's own story numbered `ref` ("12", "#12"), or None."""
    story_id = number(ref) if ref else None
    story = ctx.session.get(Story, story_id) if story_id is not None else None
    return story if story is not None and story.member_id == ctx.member.id else None


def my_stories(ctx: Ctx) -> None:
    """/bai: the member's latest stories with their status."""
    stories = repo.stories_of(session=ctx.session, member_id=ctx.member.id)
    if not stories:
        ctx.reply(texts.MY_STORIES_NONE)
        return
    lines = [texts.MY_STORIES_TITLE]
    adult = ctx.member.adult is True
    for story in stories:
        first_line = render.preview(story.text.splitlines()[0], 60)
        name = f" · {texts.BYLINE_NAME if story.show_name else texts.BYLINE_SCHOOL}" if adult else ""
        lines.append(f"<b>#{story.id}</b> · {render.local_date(story.created_at, ctx.config.timezone)} · "
                     f"{status_text(ctx, story)}{name}\n   {first_line}")
    ctx.reply("\n".join(lines + ([texts.MY_STORIES_NAME_HINT] if adult else [])))


def status_text(ctx: Ctx, story: Story) -> str:
    if story.status == "approved":
        return texts.STATUS_APPROVED_WEEKLY if story.slot == "weekly" else texts.STATUS_APPROVED_DAILY
    if story.status == "published" and story.published_at:
        return texts.STATUS_PUBLISHED.format(date=render.local_date(story.published_at, ctx.config.timezone))
    if story.status == "retracted":
        return texts.STATUS_TAKEN_DOWN.format(reason=render.esc(story.reason))
    if story.status == "rejected":
        return texts.STATUS_REJECTED.format(reason=render.esc(story.reason))
    return texts.STATUS_PENDING
