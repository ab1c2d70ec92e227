"""The indicators as people read them: the /thongke message, a plain-text table and CSV.

Every table has one row per school and a total row, in the columns `storage.indicators.COLUMNS`
names; a rate of a school without enrolment reads "chưa có sĩ số".
"""

from __future__ import annotations

import csv
import io

from content import render, texts
from storage.indicators import CHANNEL_TARGETS, COLUMNS, RATES, TARGETS, SchoolIndicators, total
from storage.periods import Period


def period_label(period: Period) -> str:
    last = period.last.strftime("%d/%m/%Y")
    if period.first is None:
        return texts.PERIOD_SINCE_START.format(last=last)
    first = period.first.strftime("%d/%m" if period.first.year == period.last.year else "%d/%m/%Y")
    return texts.PERIOD_RANGE.format(first=first, last=last)


def percent(value: float) -> str:
    """0.625 -> '62,5%' (Vietnamese decimal comma)."""
    return f"{value * 100:.1f}".replace(".", ",").removesuffix(",0") + "%"


def rate_text(value: float | None) -> str:
    return texts.NO_ENROLMENT if value is None else percent(value)


def targets_line() -> str:
    return texts.TARGETS_LINE.format(targets=_targets(TARGETS))


def channels_line(rows: list[SchoolIndicators]) -> str:
    """The plan's channel indicator: "X/10 trường có kênh hoạt động" against its targets."""
    summed = total(rows, name=texts.TOTAL)
    share = percent(summed.channel_rate) if summed.channel_rate is not None else "—"
    return texts.CHANNELS_LINE.format(
        active=summed.active_channels, schools=summed.schools, share=share, targets=_targets(CHANNEL_TARGETS)
    )


def _targets(targets: tuple[tuple[int, float], ...]) -> str:
    return ", ".join(texts.TARGET_ITEM.format(percent=percent(share), year=year) for year, share in targets)


# What each table cell holds, in order; `headers()` names them.
KEYS = ("code", "name", "enrolment", *COLUMNS)


def headers() -> list[str]:
    return [texts.SCHOOL_CODE, texts.SCHOOL_NAME, texts.ENROLMENT, *(texts.INDICATORS[c] for c in COLUMNS)]


def with_total(rows: list[SchoolIndicators]) -> list[SchoolIndicators]:
    return [*rows, total(rows, name=texts.TOTAL)]


def chat_summary(rows: list[SchoolIndicators], period: Period, only: str | None = None) -> str:
    """The /thongke message: one short line per school (names escaped: they come from a CSV);
    with `only` (a school's code), that school's line beside the province total."""
    lines = [texts.STATS_TITLE.format(period=period_label(period)), f"<i>{texts.STATS_LEGEND}</i>"]
    for row in rows:
        if only is None or row.code == only:
            lines.append(texts.STATS_ROW.format(school=render.esc(row.name), **_chat_values(row)))
    summed = total(rows, name=texts.TOTAL)
    lines.append(texts.STATS_TOTAL.format(**_chat_values(summed)))
    lines.append(texts.STATS_PUSHES.format(delivered=render.number(summed.delivered), reactions=render.number(summed.reactions)))
    lines.append(targets_line())
    lines.append(channels_line(rows))
    return "\n".join(lines)


def _chat_values(row: SchoolIndicators) -> dict[str, str]:
    counts = ("members", "subscribed", "active", "submitted", "approved", "published")
    return {name: render.number(row.value(name)) for name in counts} | {"rate": rate_text(row.active_rate)}


def table_values(row: SchoolIndicators) -> list[object]:
    """A row's cells in `KEYS` order: numbers (rates as fractions), or the "no enrolment" words."""
    values = [row.code, row.name, row.enrolment, *(row.value(column) for column in COLUMNS)]
    return [texts.NO_ENROLMENT if value is None else value for value in values]


def text_table(rows: list[SchoolIndicators], period: Period) -> str:
    """An aligned table for a terminal or a text file."""
    table = [headers(), *(_plain_cells(row) for row in with_total(rows))]
    widths = [max(len(line[i]) for line in table) for i in range(len(table[0]))]
    lines = [period_label(period), targets_line(), channels_line(rows), ""]
    for line in table:
        lines.append("  ".join(cell.rjust(width) if i > 1 else cell.ljust(width) for i, (cell, width) in enumerate(zip(line, widths))))
    return "\n".join(lines) + "\n"


def csv_text(rows: list[SchoolIndicators]) -> str:
    """CSV with rates in percent (the headers say "% sĩ số"), for any spreadsheet."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(headers())
    for row in with_total(rows):
        writer.writerow(_csv_cells(row))
    return out.getvalue()


def _plain_cells(row: SchoolIndicators) -> list[str]:
    return [_plain(key, value) for key, value in zip(KEYS, table_values(row))]


def _csv_cells(row: SchoolIndicators) -> list[object]:
    return [
        round(value * 100, 1) if key in RATES and isinstance(value, float) else value
        for key, value in zip(KEYS, table_values(row))
    ]


def _plain(key: str, value: object) -> str:
    if key in RATES and isinstance(value, float):
        return percent(value)
    return render.number(value) if isinstance(value, int) else str(value)
