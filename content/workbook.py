"""The Excel report a school officer sends upward: a summary sheet (one row per school), then one
sheet per indicator with a column per week."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from content import texts
from content.report import KEYS, channels_line, headers, period_label, table_values, targets_line, with_total
from storage.indicators import COLUMNS, RATES, SchoolIndicators
from storage.periods import Period

SUMMARY = "Tổng hợp"
HEADER_ROW = 4  # below the title, the targets and a blank line
PERCENT = "0.0%"


def report_xlsx(rows: list[SchoolIndicators], period: Period, weeks: list[tuple[Period, list[SchoolIndicators]]]) -> bytes:
    book = Workbook()
    _summary(book.active, rows, period)
    for column in COLUMNS:
        _over_weeks(book.create_sheet(texts.INDICATORS[column]), column, weeks, period)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _summary(sheet: Worksheet, rows: list[SchoolIndicators], period: Period) -> None:
    sheet.title = SUMMARY
    _heading(sheet, f"Tin Tốt — {period_label(period)}", headers())
    for row in with_total(rows):
        sheet.append(table_values(row))
        for key, cell in zip(KEYS, sheet[sheet.max_row]):
            if key in RATES:
                cell.number_format = PERCENT
    _finish(sheet)
    sheet.append([])
    sheet.append([channels_line(rows)])


def _over_weeks(sheet: Worksheet, column: str, weeks: list[tuple[Period, list[SchoolIndicators]]], period: Period) -> None:
    _heading(sheet, f"{texts.INDICATORS[column]} — {period_label(period)}", [texts.SCHOOL_CODE, texts.SCHOOL_NAME, *(period_label(w) for w, _ in weeks)])
    by_week = [with_total(rows) for _, rows in weeks]
    for i, school in enumerate(by_week[0] if by_week else []):
        values = [week[i].value(column) for week in by_week]
        sheet.append([school.code, school.name, *(texts.NO_ENROLMENT if v is None else v for v in values)])
        if column in RATES:
            for cell in sheet[sheet.max_row][2:]:
                cell.number_format = PERCENT
    _finish(sheet)


def _heading(sheet: Worksheet, title: str, header: list[str]) -> None:
    sheet.append([title])
    sheet.append([targets_line()])
    sheet.append([])
    sheet.append(header)
    sheet["A1"].font = Font(bold=True, size=13)
    for cell in sheet[HEADER_ROW]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = f"C{HEADER_ROW + 1}"  # a coordinate: creating that cell would push the data a row down


def _finish(sheet: Worksheet) -> None:
    sheet.column_dimensions["A"].width = 12
    sheet.column_dimensions["B"].width = 36
    for index in range(3, sheet.max_column + 1):
        sheet.column_dimensions[get_column_letter(index)].width = 16
    sheet[sheet.max_row][1].font = Font(bold=True)
