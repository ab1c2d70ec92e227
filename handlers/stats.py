"""Engagement per school against the plan's targets, and the enrolment those targets divide by.

Usage: /thongke [tuan|thang] (no word: since the campaign began) → a short table and a chart;
/siso MÃ_TRƯỜNG SĨ_SỐ → sets a school's enrolment (audit-logged).
A school moderator sees their school beside the province total, and sets only its enrolment.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import partial

import sqlalchemy as sa

from content import chart, render, report, texts
from handlers import scope
from handlers.context import CoreConfig, Ctx, number
from handlers.io import Outgoing
from storage import repo
from storage.db import read_scope
from storage.indicators import school_indicators
from storage.periods import Period, all_time, local_day, month_of, week_of
from storage.rollup import roll_up_in_steps

PERIODS = {"tuan": week_of, "week": week_of, "thang": month_of, "month": month_of}


def stats(ctx: Ctx) -> None:
    """/thongke: the table, then the chart of weekly active rates."""
    word = ctx.args.lower()
    if word and word not in PERIODS:
        ctx.reply(texts.USAGE.format(usage=texts.STATS_USAGE))
        return
    now = ctx.config.clock()
    today = local_day(now, ctx.config.timezone)
    period = PERIODS[word](today) if word else all_time(today)
    own = scope.own_school(ctx)  # a school moderator: their school beside the province total
    to = partial(Outgoing, ctx.incoming.channel, ctx.incoming.chat_id)
    job = partial(_report, period=period, now=now, config=ctx.config, only=own.code if own else None, to=to)
    ctx.reply_later(job)


def _report(
    engine: sa.Engine, *, period: Period, now: datetime, config: CoreConfig, only: str | None, to: Callable[..., Outgoing]
) -> list[Outgoing]:
    """The table and the chart, after the command's commit: the rollup one day per transaction,
    then the reads in a read-only one, so that other members' replies never wait for them.
    `only`: a school moderator's school, shown beside the province total."""
    roll_up_in_steps(engine=engine, zone=config.timezone, now=now)
    with read_scope(engine) as session:
        rows = school_indicators(session=session, period=period, zone=config.timezone, now=now)
    messages = [to(report.chat_summary(rows, period, only=only))]
    if config.save_photo is not None:  # the chart only illustrates the table
        caption = texts.CHART_CAPTION.format(period=report.period_label(period))
        shown = [row for row in rows if only is None or row.code == only]
        messages.append(to(caption, photo=config.save_photo(chart.active_rate_png(shown, period))))
    return messages


def _enrolment_usage(ctx: Ctx) -> str:
    """The usage line with an example a moderator can use: their own school's code (a school
    moderator) or a real one from the data (an editor), with its enrolment when known."""
    school = scope.own_school(ctx) or next(iter(repo.schools(session=ctx.session)), None)
    code = school.code if school else "MÃ_TRƯỜNG"
    enrolment = school.enrolment if school and school.enrolment else 1200
    return texts.ENROLMENT_USAGE.format(code=code, enrolment=enrolment)


def set_enrolment(ctx: Ctx) -> None:
    """/siso MÃ_TRƯỜNG SĨ_SỐ."""
    parts = ctx.args.split()
    if len(parts) != 2 or not number(parts[1]):
        ctx.reply(texts.USAGE.format(usage=_enrolment_usage(ctx)))
        return
    school = repo.school_by_code(session=ctx.session, code=parts[0])
    if school is None:
        codes = ", ".join(s.code for s in repo.schools(session=ctx.session))
        ctx.reply(texts.ENROLMENT_UNKNOWN_SCHOOL.format(code=render.esc(parts[0]), codes=codes))
        return
    if not scope.allowed(ctx, school.id, texts.NOT_YOUR_SCHOOL_ENROLMENT):
        return
    old, school.enrolment = school.enrolment, number(parts[1])
    repo.audit(session=ctx.session, actor=ctx.member, action="enrolment", target=f"school:{school.code}", detail=f"{old} -> {school.enrolment}")
    ctx.reply(
        texts.ENROLMENT_SET.format(
            school=render.esc(school.name),
            old=render.number(old) if old is not None else texts.NO_ENROLMENT,
            new=render.number(school.enrolment),
        )
    )
