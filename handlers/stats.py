"""/thongke: engagement per school."""

from __future__ import annotations

from content import render, texts
from handlers.context import Ctx
from storage import repo


def stats(ctx: Ctx) -> None:
    """Members, subscribed, stories submitted and approved, per school and in total."""
    rows = repo.school_counts(session=ctx.session)
    lines = [texts.STATS_TITLE]
    totals = [0, 0, 0, 0]
    for row in rows:
        values = (row.members, row.subscribed, row.submitted, row.approved)
        totals = [total + value for total, value in zip(totals, values)]
        lines.append(texts.STATS_ROW.format(school=render.esc(row.school.name), **_named(values)))
    lines.append(texts.STATS_TOTAL.format(**_named(totals)))
    ctx.reply("\n".join(lines))


def _named(values) -> dict[str, str]:  # noqa: ANN001
    members, subscribed, submitted, approved = (render.number(value) for value in values)
    return {"members": members, "subscribed": subscribed, "submitted": submitted, "approved": approved}
