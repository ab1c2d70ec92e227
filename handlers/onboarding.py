"""Joining: greeting, privacy notice, consent, age band, school; changing school later.

Usage: /start [MÃ_TRƯỜNG] → consent → 16+? → school → subscribed to daily and weekly pushes.
Until consent nothing but the chat id is kept; the display name is stored only after it.
"""

from __future__ import annotations

from content import render, texts
from handlers.context import Ctx, one_column, one_row
from handlers.io import Button
from storage import repo
from storage.models import School, utcnow

MAX_CODE = 32  # School.code


def start(ctx: Ctx) -> None:
    """Greets a newcomer and asks for consent; welcomes back one who has joined."""
    member = ctx.member
    if member.joined:
        school = ctx.session.get(School, member.school_id)
        ctx.reply(texts.WELCOME_BACK.format(school=render.esc(school.name if school else "")))
        return
    code = ctx.args.split()[0].upper() if ctx.args else None
    code = code if code and len(code) <= MAX_CODE else None  # no school has it; kept, it would overflow the row
    if member.consented_at is not None:
        _ask_school_or_finish(ctx, code)
        return
    if member.state is None:
        repo.add_event(session=ctx.session, kind="joined", member=member)
    member.state, member.state_data = "consent", code
    # One message: the notice and its buttons arrive with the greeting, in a single send.
    ctx.reply(
        f"{texts.WELCOME}\n\n{texts.PRIVACY_NOTICE}",
        one_row(Button(texts.CONSENT_YES, "consent:yes"), Button(texts.CONSENT_NO, "consent:no")),
    )


def consent(ctx: Ctx, answer: str) -> None:
    """Records an explicit yes (with the notice's version) or forgets the newcomer on no."""
    member = ctx.member
    if answer != "yes":
        member.state = member.state_data = None
        ctx.edit_or_reply(texts.CONSENT_DECLINED)
        return
    member.consent_version = texts.CONSENT_VERSION
    member.consented_at = utcnow()
    member.display_name = ctx.incoming.display_name[:128] or None
    member.state = "age"
    repo.add_event(session=ctx.session, kind="consented", member=member)
    ctx.reply(texts.ASK_AGE, one_row(Button(texts.AGE_ADULT, "age:adult"), Button(texts.AGE_CHILD, "age:child")))


def age(ctx: Ctx, answer: str) -> None:
    """Stores only the age band; a child's name is never shown with a story."""
    ctx.member.adult = answer == "adult"
    _ask_school_or_finish(ctx, ctx.member.state_data)


def _ask_school_or_finish(ctx: Ctx, code: str | None) -> None:
    if code:
        school = repo.school_by_code(session=ctx.session, code=code)
        if school is not None and school.active:
            choose_school(ctx, school.code)
            return
        ctx.reply(texts.UNKNOWN_SCHOOL_CODE.format(code=render.esc(code)))
    ask_school(ctx)


def ask_school(ctx: Ctx) -> None:
    """Offers every active school as an option (also the answer to /truong)."""
    schools = repo.schools(session=ctx.session)
    if not schools:
        ctx.reply(texts.NO_SCHOOLS)
        return
    ctx.member.state = "school"
    ctx.reply(texts.ASK_SCHOOL, one_column(*(Button(s.name, f"school:{s.code}") for s in schools)))


def choose_school(ctx: Ctx, code: str) -> None:
    """Sets the school; the first time, subscribes and says what comes when."""
    member = ctx.member
    school = repo.school_by_code(session=ctx.session, code=code)
    if school is None or not school.active:
        ask_school(ctx)
        return
    first_time = not member.joined
    member.school_id = school.id
    member.state = member.state_data = None
    if not first_time:
        ctx.edit_or_reply(texts.SCHOOL_CHANGED.format(school=render.esc(school.name)))
        return
    member.daily = member.weekly = True
    repo.add_event(session=ctx.session, kind="subscribed", member=member)
    weekday, weekly_time = ctx.config.weekly_at
    ctx.reply(
        texts.JOINED.format(
            school=render.esc(school.name),
            daily=ctx.config.daily_at.strftime("%H:%M"),
            weekly=render.weekly_schedule(weekday, weekly_time.strftime("%H:%M")),
        )
    )


def change_school(ctx: Ctx) -> None:
    """/truong: choose another school (members keep their history)."""
    ask_school(ctx)
