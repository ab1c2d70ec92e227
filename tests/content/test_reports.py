"""The report files open and read as their readers will see them."""

import csv
import dataclasses
import io
import warnings
from datetime import date

import numpy as np
import segno
from matplotlib import image
from openpyxl import load_workbook

from content import chart, links, report, texts, workbook
from storage.indicators import COLUMNS, SchoolIndicators
from storage.periods import Period, week_of

WEEK = week_of(date(2026, 11, 28))
CDCB = SchoolIndicators("CDCB", "Trường Cao đẳng Cao Bằng", 4, members=3, subscribed=1, active=3, delivered=6, reactions=2, submitted=1,
                        announced=2, active_channels=1)
HOAAN = SchoolIndicators("HOAAN", "Trung tâm <GDNN> & Hòa An", None, members=1, active=1, delivered=2)
BAOLAC = SchoolIndicators("BAOLAC", "Trung tâm GDNN-GDTX Bảo Lạc", 10, members=2, active=1)
ROWS = [CDCB, HOAAN, BAOLAC]


def pixels(png: bytes) -> np.ndarray:
    return image.imread(io.BytesIO(png), format="png")


def test_numbers_read_the_vietnamese_way():
    assert (report.percent(0.625), report.percent(0.5), report.percent(1.25)) == ("62,5%", "50%", "125%")
    assert report.period_label(WEEK) == "23/11–29/11/2026"
    assert report.period_label(Period(date(2025, 12, 29), date(2026, 1, 4))) == "29/12/2025–04/01/2026"
    assert report.period_label(Period(None, date(2026, 11, 28))) == "từ đầu đến 28/11/2026"


def test_chat_summary_escapes_names_and_never_divides_by_a_missing_enrolment():
    text = report.chat_summary(ROWS, WEEK)
    assert "Trường Cao đẳng Cao Bằng: 3 · 1 · 3 (75%) · 1/0/0" in text
    assert "Trung tâm &lt;GDNN&gt; &amp; Hòa An: 1 · 0 · 1 (chưa có sĩ số) · 0/0/0" in text
    assert "<b>Tổng</b>: 6 · 1 · 5 (chưa có sĩ số)" in text
    assert "Tin đã gửi: 8 · lượt thả cảm xúc: 2." in text and "70% năm 2025, 90% năm 2030" in text
    assert "1/3 trường có kênh hoạt động (33,3%)" in text and "80% năm 2025, 100% năm 2030" in text


def test_a_school_moderator_sees_their_school_beside_the_total():
    text = report.chat_summary(ROWS, WEEK, only="HOAAN")
    assert "Hòa An" in text and "Cao Bằng" not in text and "Bảo Lạc" not in text
    assert "<b>Tổng</b>: 6 · 1 · 5" in text and "1/3 trường có kênh hoạt động" in text


def test_text_table_carries_the_channel_indicator():
    table = report.text_table(ROWS, WEEK)
    assert "1/3 trường có kênh hoạt động (33,3%)" in table and "Kênh hoạt động" in table


def test_csv_has_one_row_per_school_and_a_total():
    lines = list(csv.reader(io.StringIO(report.csv_text(ROWS))))
    assert lines[0][:4] == ["Mã trường", "Trường", "Sĩ số", "Thành viên"]
    assert lines[1] == ["CDCB", "Trường Cao đẳng Cao Bằng", "4", "3", "1", "75.0", "3", "75.0", "6", "2", "1", "0", "0", "0", "2", "1"]
    assert lines[2][2] == lines[2][5] == "chưa có sĩ số"
    assert lines[4][:4] == ["", "Tổng", "chưa có sĩ số", "6"] and len(lines) == 5
    assert lines[0][-1] == "Kênh hoạt động" and [line[-1] for line in lines[1:]] == ["1", "0", "0", "1"]


def test_xlsx_summary_and_one_sheet_per_indicator_over_weeks():
    earlier = Period(date(2026, 11, 16), date(2026, 11, 22))
    weeks = [(earlier, [CDCB, HOAAN, BAOLAC]), (WEEK, [CDCB, HOAAN, BAOLAC])]
    book = load_workbook(io.BytesIO(workbook.report_xlsx(ROWS, Period(date(2026, 11, 16), date(2026, 11, 29)), weeks)))
    assert book.sheetnames == ["Tổng hợp", *(texts.INDICATORS[c] for c in COLUMNS)]
    summary = book["Tổng hợp"]
    assert summary["A1"].value == "Tin Tốt — 16/11–29/11/2026"
    header = [cell.value for cell in summary[workbook.HEADER_ROW]]
    assert header == report.headers()
    cdcb = {name: cell for name, cell in zip(header, summary[workbook.HEADER_ROW + 1])}
    assert (cdcb["Mã trường"].value, cdcb["Sĩ số"].value, cdcb["Thành viên"].value, cdcb["Tin đã gửi"].value) == ("CDCB", 4, 3, 6)
    assert cdcb["Tỷ lệ tương tác (% sĩ số)"].value == 0.75 and cdcb["Tỷ lệ tương tác (% sĩ số)"].number_format == "0.0%"
    hoaan = {name: cell.value for name, cell in zip(header, summary[workbook.HEADER_ROW + 2])}
    assert hoaan["Sĩ số"] == hoaan["Độ phủ (% sĩ số)"] == "chưa có sĩ số"
    total = {name: cell.value for name, cell in zip(header, summary[workbook.HEADER_ROW + 4])}
    assert (total["Trường"], total["Thành viên"], total["Tin đã gửi"], total["Kênh hoạt động"]) == ("Tổng", 6, 8, 1)
    assert "1/3 trường có kênh hoạt động" in summary.cell(summary.max_row, 1).value

    rates = book["Tỷ lệ tương tác (% sĩ số)"]
    assert [c.value for c in rates[workbook.HEADER_ROW]] == ["Mã trường", "Trường", "16/11–22/11/2026", "23/11–29/11/2026"]
    assert [c.value for c in rates[workbook.HEADER_ROW + 3]] == ["BAOLAC", "Trung tâm GDNN-GDTX Bảo Lạc", 0.1, 0.1]
    assert rates.cell(workbook.HEADER_ROW + 2, 3).value == "chưa có sĩ số"
    assert book["Tin đã gửi"].cell(workbook.HEADER_ROW + 4, 4).value == 8


def test_chart_png_has_its_size_bars_and_every_letter():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        png = chart.active_rate_png(ROWS, WEEK)
    assert not [w for w in caught if "Glyph" in str(w.message)]  # every Vietnamese letter drawn
    assert png.startswith(b"\x89PNG")
    picture = pixels(png)
    assert (picture.shape[1], picture.shape[0]) == chart.size_for(3)
    colours = {tuple(np.round(p[:3] * 255).astype(int)) for p in picture.reshape(-1, picture.shape[2])[::7]}
    assert (46, 125, 50) in colours  # CDCB is over the 2025 target: a green bar
    assert (239, 143, 0) in colours  # Bảo Lạc is under it: an orange bar
    assert (picture[..., :3] < 0.9).mean() > 0.02  # not a blank page


def test_chart_with_no_school_or_an_odd_name_still_draws():
    assert pixels(chart.active_rate_png([], WEEK)).shape[:2] == chart.size_for(0)[::-1]
    odd = dataclasses.replace(CDCB, name=r"Lớp $\x$ & <b>")
    assert chart.active_rate_png([odd], WEEK).startswith(b"\x89PNG")


def test_qr_code_holds_the_deep_link():
    link = links.telegram_link(links.telegram_username("@TinTotCaoBangBot"), "CDCB")
    assert link == "https://t.me/TinTotCaoBangBot?start=CDCB"
    picture = pixels(links.qr_png(link))
    grey = picture if picture.ndim == 2 else picture[..., 0]
    modules = segno.make(link, error="m").matrix
    border, scale = 4, links.QR_SCALE
    read = [
        [bool(grey[(border + y) * scale + scale // 2, (border + x) * scale + scale // 2] < 0.5) for x in range(len(modules))]
        for y in range(len(modules))
    ]
    assert read == [[bool(m) for m in row] for row in modules]


def test_bad_usernames_are_refused():
    for name in ("ab", "1bot", "tin tot", "https://evil.example/x"):
        try:
            links.telegram_username(name)
        except ValueError:
            continue
        raise AssertionError(f"{name!r} accepted")
