"""Moderators' work: the queue, approving, rejecting with a reason, adding news.

A school moderator sees and decides their own school's stories only; editors and admins every
school's. Every decision is a conditional update (two moderators cannot both decide a story),
is told to the author, and goes into the audit log.
"""

from __future__ import annotations

from content import render, screening, texts
from handlers import review, scope
from handlers.context import Ctx, number, one_row
from handlers.io import Button
from handlers.submission import MAX_CAPTION, MAX_STORY, MIN_STORY
from storage import repo
from storage.models import Member, School, Story, utcnow

QUEUE_PAGE = 5
REJECT_USAGE = "/tuchoi SỐ_BÀI LÝ_DO, ví dụ /tuchoi 12 chưa rõ nguồn tin"
SLOTS = {"ngay": "daily", "daily": "daily", "tuan": "weekly", "weekly": "weekly"}


def queue(ctx: Ctx) -> None:
    """/cho [MÃ_TRƯỜNG]: the oldest pending stories of the moderator's school (a school
    moderator), of every school or of the one named (an editor), each with its buttons."""
    school = scope.own_school(ctx)
    if ctx.args:
        school = scope.school_named(ctx, ctx.args.split()[0])
        if school is None or not scope.allowed(ctx, school.id, texts.NOT_YOUR_SCHOOL_QUEUE):
            return
    stories, total = repo.pending_stories(session=ctx.session, limit=QUEUE_PAGE, school_id=school.id if school else None)
    if not stories:
        ctx.reply(texts.QUEUE_EMPTY_SCHOOL.format(school=render.esc(school.name)) if school else texts.QUEUE_EMPTY)
        return
    if school is not None:
        ctx.reply(texts.QUEUE_TITLE_SCHOOL.format(school=render.esc(school.name), count=total))
    else:
        ctx.reply(texts.QUEUE_TITLE.format(count=total))
    for story in stories:
        school = ctx.session.get(School, story.school_id) if story.school_id else None
        body = texts.QUEUE_ITEM.format(
            id=story.id,
            school=render.esc(school.name if school else "—"),
            when=ctx.time(story.created_at),
            text=render.preview(story.text),
        ) + review.flag_lines(story) + "\n" + review.author_line(ctx, story)
        buttons = one_row(
            Button(texts.BUTTON_APPROVE_DAILY, f"approve:{story.id}:daily"),
            Button(texts.BUTTON_APPROVE_WEEKLY, f"approve:{story.id}:weekly"),
            Button(texts.BUTTON_REJECT, f"reject:{story.id}"),
        )
        hint = texts.QUEUE_ITEM_HINT.format(id=story.id)
        if story.photo:
            # The photo with its story, then the decision under it: buttons stay on a text
            # message, which every channel can edit or number.
            ctx.reply_photo(story.photo, body)
            ctx.reply(hint, buttons)
        else:
            ctx.reply(f"{body}\n\n{hint}", buttons)
    if total > len(stories):
        ctx.reply(texts.QUEUE_MORE.format(count=total - len(stories)))


def approve_command(ctx: Ctx) -> None:
    """/duyet N [ngay|tuan] [khongche]: "khongche" publishes a 16+ author's text unmasked."""
    parts = ctx.args.split()
    unmasked = bool(parts) and parts[-1].lower() == texts.NO_MASK_WORD
    parts = parts[:-1] if unmasked else parts
    story_id = number(parts[0]) if parts else None
    slot = SLOTS.get(parts[1].lower()) if len(parts) > 1 else "daily"
    if story_id is None or slot is None or len(parts) > 2:
        ctx.reply(texts.USAGE.format(usage="/duyet SỐ_BÀI [ngay|tuan] [khongche], ví dụ /duyet 12 hoặc /duyet 12 tuan"))
        return
    approve(ctx, story_id, slot, mask=not unmasked)


def approve_button(ctx: Ctx, story_id: str, slot: str) -> None:
    if number(story_id) is None or slot not in ("daily", "weekly"):
        ctx.reply(texts.OPTION_EXPIRED)
        return
    approve(ctx, number(story_id), slot)


def approve(ctx: Ctx, story_id: int, slot: str, *, mask: bool = True) -> None:
    """Approves for a slot; what screening found is masked (always for an author under 16)."""
    story = _pending_or_explain(ctx, story_id)
    if story is None:
        return
    if not mask and review.author_is_child(ctx, story):
        ctx.reply(texts.MASK_CHILD)
        return
    if not repo.decide_story(session=ctx.session, story_id=story_id, status="approved", slot=slot, decided_by=ctx.actor_name):
        _explain_decided(ctx, story_id)
        return
    story = ctx.session.get(Story, story_id)
    if mask:
        review.mask_for_publishing(story)
    slot_name = texts.SLOT_WEEKLY if slot == "weekly" else texts.SLOT_DAILY
    repo.add_event(session=ctx.session, kind="approved", member=None, story_id=story_id, school_id=story.school_id)
    repo.audit(session=ctx.session, actor=ctx.member, action="approve", target=f"story:{story_id}", detail=slot)
    done = texts.APPROVED.format(id=story_id, slot=slot_name)
    ctx.edit_or_reply(done + _signature(ctx, texts.VERB_APPROVED))
    _tell_author(ctx, story, texts.AUTHOR_APPROVED.format(id=story_id, slot=slot_name))


def reject_command(ctx: Ctx) -> None:
    """/tuchoi N LÝ_DO."""
    written, _, reason = ctx.args.partition(" ")
    story_id = number(written)
    if story_id is None:
        ctx.reply(texts.USAGE.format(usage=REJECT_USAGE))
        return
    if not scope.reason_too_short(ctx, reason, REJECT_USAGE):
        reject(ctx, story_id, reason.strip())


def ask_reject_reason(ctx: Ctx, story_id: str) -> None:
    """The reject button: the next message from this moderator is the reason."""
    if number(story_id) is None:
        ctx.reply(texts.OPTION_EXPIRED)
        return
    story = _pending_or_explain(ctx, number(story_id))
    if story is None:
        return
    ctx.member.state, ctx.member.state_data = "reject_reason", str(story.id)
    ctx.reply(texts.ASK_REJECT_REASON.format(id=story.id))


def take_reject_reason(ctx: Ctx) -> None:
    reason = ctx.incoming.text.strip()
    if ctx.incoming.kind != "text" or not reason:
        ctx.reply(texts.ASK_REJECT_REASON.format(id=ctx.member.state_data))
        return
    if scope.reason_too_short(ctx, reason, REJECT_USAGE):
        return
    story_id = int(ctx.member.state_data or 0)
    ctx.member.state = ctx.member.state_data = None
    reject(ctx, story_id, reason)


def reject(ctx: Ctx, story_id: int, reason: str) -> None:
    story = _pending_or_explain(ctx, story_id)
    if story is None:
        return
    reason = reason[:500]
    if not repo.decide_story(session=ctx.session, story_id=story_id, status="rejected", decided_by=ctx.actor_name, reason=reason):
        _explain_decided(ctx, story_id)
        return
    repo.add_event(session=ctx.session, kind="rejected", member=None, story_id=story_id, school_id=story.school_id)
    repo.audit(session=ctx.session, actor=ctx.member, action="reject", target=f"story:{story_id}", detail=reason)
    ctx.reply(texts.REJECTED.format(id=story_id) + _signature(ctx, texts.VERB_REJECTED))
    _tell_author(ctx, story, texts.AUTHOR_REJECTED.format(id=story_id, reason=render.esc(reason)))


def add_news(ctx: Ctx) -> None:
    """/tin TEXT: a moderator's own item, approved for the daily queue at once."""
    text = ctx.args
    if len(text) < MIN_STORY:
        ctx.reply(texts.NEWS_TOO_SHORT.format(min=MIN_STORY))
        return
    if len(text) > MAX_STORY:
        ctx.reply(texts.STORY_TOO_LONG.format(length=render.number(len(text)), max=render.number(MAX_STORY)))
        return
    story = Story(text=text, status="approved", slot="daily", decided_by=ctx.actor_name, decided_at=utcnow())
    ctx.session.add(story)
    ctx.session.flush()
    # Screened like a student's story, and the editor told what was found; not masked: the
    # editor chose the words (a school's own hotline is meant to be read).
    review.screen_story(ctx, story)
    repo.audit(session=ctx.session, actor=ctx.member, action="news", target=f"story:{story.id}")
    flags = review.flag_lines(story)
    ctx.reply(texts.NEWS_ADDED.format(id=story.id) + (flags + "\n" + texts.NEWS_FLAGGED.format(id=story.id) if flags else ""))


def edit_command(ctx: Ctx) -> None:
    """/sua N VĂN_BẢN: corrects a pending story; the original is kept, the author told."""
    written, _, text = ctx.args.partition(" ")
    story_id, text = number(written), text.strip()
    if story_id is None or screening.substance(text) < 1:
        ctx.reply(texts.USAGE.format(usage=texts.EDIT_USAGE))
        return
    story = _pending_or_explain(ctx, story_id)
    if story is None:
        return
    limit = MAX_CAPTION if story.photo else MAX_STORY
    if len(text) > limit:
        ctx.reply(texts.STORY_TOO_LONG.format(length=render.number(len(text)), max=render.number(limit)))
        return
    story.original_text = story.original_text or story.text
    story.text = text
    review.add_flag(story, "edited", ctx.actor_name)
    review.screen_story(ctx, story)
    # The audit names who edited; the texts stay on the story alone, so erasing it erases them.
    repo.audit(session=ctx.session, actor=ctx.member, action="edit", target=f"story:{story.id}")
    ctx.reply(texts.EDITED.format(id=story.id, flags=review.flag_lines(story)))
    _tell_author(ctx, story, texts.AUTHOR_EDITED.format(id=story.id))


def _pending_or_explain(ctx: Ctx, story_id: int) -> Story | None:
    """The pending story, if this moderator may decide it; otherwise the reply says why not."""
    story = ctx.session.get(Story, story_id)
    if story is None:
        ctx.reply(texts.STORY_NOT_FOUND.format(id=story_id))
        return None
    if not scope.allowed(ctx, story.school_id, texts.NOT_YOUR_STORY.format(id=story_id)):
        return None
    if story.status != "pending":
        _explain_decided(ctx, story_id)
        return None
    return story


def _explain_decided(ctx: Ctx, story_id: int) -> None:
    story = ctx.session.get(Story, story_id)
    verbs = {"approved": texts.VERB_APPROVED, "rejected": texts.VERB_REJECTED, "retracted": texts.VERB_RETRACTED}
    verb = verbs.get(story.status, texts.VERB_PUBLISHED)
    when = ctx.time(story.decided_at) if story.decided_at else "—"
    ctx.reply(texts.ALREADY_DECIDED.format(id=story_id, who=render.esc(story.decided_by or "—"), verb=verb, when=when))


def _signature(ctx: Ctx, verb: str) -> str:
    return texts.DECIDED_BY.format(verb=verb.capitalize(), who=render.esc(ctx.actor_name), when=ctx.time(utcnow()))


def _tell_author(ctx: Ctx, story: Story, text: str) -> None:
    if story.member_id is None:
        return
    author = ctx.session.get(Member, story.member_id)
    if author is not None:
        ctx.notify(author, text)
