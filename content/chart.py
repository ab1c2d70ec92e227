"""The /thongke chart: one bar per school, its weekly active rate, against the plan's targets.

Drawn on a bare `Figure` with the Agg canvas: no display, no pyplot global state, so it is safe
in a server and in threads. Matplotlib's own DejaVu Sans has every Vietnamese letter.
"""

from __future__ import annotations

import io

from content import texts
from content.report import percent, period_label
from storage.indicators import TARGETS, SchoolIndicators
from storage.periods import Period

WIDTH_INCHES = 10
DPI = 100
REACHED, BELOW = "#2e7d32", "#ef8f00"
TARGET_COLOURS = ("#1565c0", "#6a1b9a")


def size_for(schools: int) -> tuple[int, int]:
    """The picture's size in pixels: it grows with the number of schools so labels stay legible."""
    return WIDTH_INCHES * DPI, round((1.6 + 0.45 * max(schools, 1)) * DPI)


def active_rate_png(rows: list[SchoolIndicators], period: Period) -> bytes:
    # Imported here: matplotlib takes a third of a second to load, which every start of the bot
    # and of the CLI would pay; only the first chart does.
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    width, height = size_for(len(rows))
    figure = Figure(figsize=(width / DPI, height / DPI), dpi=DPI, layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.subplots()
    # The first school on top, as in the text table.
    positions = [len(rows) - 1 - i for i in range(len(rows))]
    rates = [row.active_rate for row in rows]
    shares = [rate * 100 if rate is not None else 0 for rate in rates]
    colours = [REACHED if rate is not None and rate >= TARGETS[0][1] else BELOW for rate in rates]
    axes.barh(positions, shares, color=colours, height=0.6)
    for y, share, rate in zip(positions, shares, rates):
        label = percent(rate) if rate is not None else texts.NO_ENROLMENT
        axes.annotate(label, (share, y), xytext=(4, 0), textcoords="offset points", va="center", fontsize=9)
    for (year, share), colour in zip(TARGETS, TARGET_COLOURS):
        axes.axvline(share * 100, color=colour, linestyle="--", linewidth=1.5, label=texts.CHART_TARGET.format(year=year, percent=percent(share)))
    # A "$" in a school's name would otherwise start matplotlib's math notation.
    axes.set_yticks(positions, [row.name.replace("$", r"\$") for row in rows], fontsize=9)
    axes.set_xlim(0, max([100, *shares]) * 1.12)
    axes.set_xlabel(texts.CHART_AXIS)
    axes.set_title(texts.CHART_TITLE.format(period=period_label(period)), fontsize=11)
    figure.legend(loc="outside lower center", ncols=len(TARGETS), fontsize=9)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()
