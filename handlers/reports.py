"""Members' reports of published stories, and moderators' takedowns.

Usage: `/baocao N`, or the "⚠️ Báo nội dung" button under a push, reports a story; moderators
are told with the count, and at REVIEW_AT reports from different members the story is flagged
for review. `/go N LÝ_DO` takes a story down: out of the calendar if it was scheduled; if it was
pushed, the delivery engine deletes the messages the platform still lets it delete.
"""

from __future__ import annotations

from datetime import timedelta

from content import render, texts
from handlers import bans, review, scope
from handlers.context import Ctx, number
from handlers.publishing import received, recent_push
from handlers.submission import drop_unused_photos
from storage import repo, retractions, roles
from storage.models import Member, Post, Story

REVIEW_AT = 3
MAX_REPORT_REASON = 300  # a reporter's reason, as passed on to moderators (never stored)
TYPED_OPTION = "3"  # the report button's number among a push's options (❤️, 👏, report)
# Which platforms let a bot delete what it sent, and for how long (Telegram: 48 hours).
DELETABLE = {"telegram": timedelta(hours=48)}


def report_command(ctx: Ctx) -> None:
    """/baocao N [LÝ_DO]: reports a published story; the reason, if given, goes to moderators."""
    written, _, reason = ctx.args.partition(" ")
    story_id = number(written)
    story = ctx.session.get(Story, story_id) if story_id is not None else None
    if story_id is None:
        ctx.reply(texts.USAGE.format(usage=texts.REPORT_USAGE))
    elif story is None:
        ctx.reply(texts.STORY_NOT_FOUND.format(id=story_id))
    elif story.status != "published":
        ctx.reply(texts.REPORT_NOT_PUBLISHED.format(id=story.id))
    else:
        _report(ctx, story, reason.strip()[:MAX_REPORT_REASON])


def report_button(ctx: Ctx, post_id: str) -> None:
    """The report button under a push: only on a push this member received, on that message."""
    post = ctx.session.get(Post, number(post_id)) if number(post_id) is not None else None
    story = _published_story(ctx, post)
    if story is None or not received(ctx, post.id):
        ctx.acknowledge(texts.OPTION_EXPIRED)
        return
    _report(ctx, story)


def typed_report(ctx: Ctx) -> bool:
    """On channels without buttons, "3" after a push (its third option) reports that push."""
    if ctx.incoming.kind != "text" or ctx.incoming.text.strip() != TYPED_OPTION:
        return False
    delivery = recent_push(ctx)
    story = _published_story(ctx, ctx.session.get(Post, delivery.post_id)) if delivery is not None else None
    if story is None:
        return False
    _report(ctx, story)
    return True


def _published_story(ctx: Ctx, post: Post | None) -> Story | None:
    """The story a push carried, while it is published (a school announcement carries none)."""
    story = ctx.session.get(Story, post.story_id) if post is not None and post.story_id is not None else None
    return story if story is not None and story.status == "published" else None


def _report(ctx: Ctx, story: Story, reason: str = "") -> None:
    if bans.refused(ctx, "report"):
        return
    count = repo.add_report(session=ctx.session, story_id=story.id, member_id=ctx.member.id)
    if count is None:
        ctx.acknowledge(texts.ALREADY_REPORTED.format(id=story.id))
        return
    ctx.acknowledge(texts.REPORTED.format(id=story.id))
    flagged = ""
    if count >= REVIEW_AT:
        review.add_flag(story, "reported", str(count))
        flagged = texts.REPORT_REVIEW.format(count=count, id=story.id)
    reason_line = texts.REPORT_REASON.format(reason=render.esc(reason)) if reason else ""
    notice = texts.REPORT_FOR_MODERATORS.format(id=story.id, count=count, reason=reason_line, review=flagged)
    for moderator in roles.story_watchers(session=ctx.session, admins=ctx.config.admins, school_id=story.school_id):
        ctx.notify(moderator, notice)


def take_down(ctx: Ctx) -> None:
    """/go N LÝ_DO: retracts a scheduled or published story; the author is told; audited."""
    written, _, reason = ctx.args.partition(" ")
    story_id, reason = number(written), reason.strip()[:500]
    if story_id is None:
        ctx.reply(texts.USAGE.format(usage=texts.TAKEDOWN_USAGE))
        return
    if scope.reason_too_short(ctx, reason, texts.TAKEDOWN_USAGE):
        return
    story = ctx.session.get(Story, story_id)
    if story is None:
        ctx.reply(texts.STORY_NOT_FOUND.format(id=story_id))
        return
    if not scope.allowed(ctx, story.school_id, texts.NOT_YOUR_STORY.format(id=story.id)):
        return
    was = story.status
    if not repo.take_down_story(session=ctx.session, story_id=story.id, reason=reason, decided_by=ctx.actor_name):
        ctx.reply(texts.TAKEDOWN_NOT_POSSIBLE.format(id=story.id, status=_status_word(was)))
        return
    story = ctx.session.get(Story, story.id)
    drop_unused_photos(ctx, {story.photo} - {None})  # its page is gone: its photo's address too
    if was == "published":
        now = ctx.config.clock()
        deleting, kept = retractions.retract(session=ctx.session, story_id=story.id, windows={c: now - w for c, w in DELETABLE.items()})
        deleting_text = texts.TAKEDOWN_DELETING.format(count=render.number(deleting)) if deleting else ""
        ctx.reply(texts.TAKEN_DOWN_PUBLISHED.format(id=story.id, deleting=deleting_text, kept=_kept_text(kept)))
    else:
        ctx.reply(texts.TAKEN_DOWN_SCHEDULED.format(id=story.id))
    repo.add_event(session=ctx.session, kind="taken_down", member=None, story_id=story.id, school_id=story.school_id)
    repo.audit(session=ctx.session, actor=ctx.member, action="takedown", target=f"story:{story.id}", detail=reason)
    author = ctx.session.get(Member, story.member_id) if story.member_id else None
    if author is not None:
        ctx.notify(author, texts.AUTHOR_TAKEN_DOWN.format(id=story.id, reason=render.esc(reason)))


def _kept_text(kept: retractions.Kept) -> str:
    """Which pushed messages stay and why, naming only the causes that apply; empty if none."""
    causes = [
        texts.TAKEDOWN_KEPT_NO_DELETE.format(count=render.number(count), channel=texts.CHANNEL_NAMES.get(channel, channel))
        for channel, count in sorted(kept.no_delete.items())
    ]
    causes += [
        text.format(count=render.number(count))
        for text, count in ((texts.TAKEDOWN_KEPT_TOO_OLD, kept.too_old), (texts.TAKEDOWN_KEPT_UNKNOWN, kept.unknown))
        if count
    ]
    return texts.TAKEDOWN_KEPT.format(count=render.number(kept.total), causes=", ".join(causes)) if causes else ""


def _status_word(status: str) -> str:
    return {"pending": texts.STATUS_PENDING, "rejected": "bị từ chối", "retracted": "đã gỡ"}.get(status, status)
