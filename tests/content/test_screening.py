"""Screening on real Vietnamese texts, and its precision and recall on a labelled set."""

import pytest

from content.screening import duplicate_of, mask, screen, substance
from tests.content.screening_scores import FLOOR, kinds, labelled_cases, misses, scores


@pytest.mark.parametrize("text, kind, shown", [
    ("Gọi em 0912 345 678 nhé", "phone", "09•• ••• •78"),
    ("+84 912.345.678", "phone", "+84 •••.•••.•78"),
    ("CCCD 079203004567", "cccd", "07••••••••67"),
    ("CMND 123456789", "idnumber", "12•••••89"),
    ("mail lan.nong@gmail.com", "email", "l•••@gmail.com"),
    ("STK 19036789012345", "bank", "19••••••••••45"),
    ("xem https://www.example.com/bai-viet", "link", "example.com"),
    ("theo dõi @lan_nong", "handle", "@lan_nong"),
    ("djt me may", "offensive", "djt me"),
    ("gọi không chín một hai ba bốn năm sáu bảy tám nhé", "phone", "không chín • • • • • • bảy tám"),
    ("sdt o912345678", "phone", "09••••••78"),
    ("gọi 0912_345_678 nhé", "phone", "09•• ••• •78"),
    ("mail lan @ gmail.com", "email", "l•••@gmail.com"),
    ("mail lan@ gmail.com", "email", "l•••@gmail.com"),
    ("lan.nguyen (at) gmail (dot) com", "email", "l•••@gmail.com"),
    ("mail: hoa.tran [at] gmail [dot] com", "email", "h•••@gmail.com"),
    ("gửi minh.anh a còng gmail chấm com", "email", "m•••@gmail.com"),
    ("mail tuan at yahoo dot com dot vn", "email", "t•••@yahoo.com.vn"),
    ("liên hệ linh2008@gmail nhé", "email", "l•••@gmail"),
    ("gọi 0912*345*678 nha", "phone", "09•• ••• •78"),
    ("SĐT0912345678", "phone", "09••••••78"),
    ("ko chin mot hai ba bon nam sau bay tam", "phone", "ko chin • • • • • • bay tam"),
    ("không chín một hai 345 678", "phone", "không chín • • 345 678"),
    ("Căn cước: 001204012345, em cần", "cccd", "00••••••••45"),
])
def test_what_is_found_and_how_it_is_shown(text, kind, shown):
    [finding] = screen(text)
    assert (finding.kind, finding.shown) == (kind, shown)


@pytest.mark.parametrize("spelling", [
    "đ.m", "Đ.M", "d.m.m", "dcmm", "ditme", "du ma", "đù má", "loz", "vloz", "fuck", "shit",
    "d m m", "đ.ị.t m.ẹ", "DUMA", "fuckkk", "SHIIIT", "lozzz", "f.u.c.k",
])
def test_each_chat_spelling_of_an_oath_is_flagged_whole(spelling):
    [finding] = screen(f"ôi {spelling} thật")
    assert (finding.kind, finding.start, finding.end) == ("offensive", 3, 3 + len(spelling))


def test_an_oath_spelled_apart_is_masked_whole():
    assert mask("đ.m thằng kia") == "đ••• thằng kia"


def test_a_spelled_e_mail_is_masked_as_the_address_it_stands_for():
    assert mask("Gửi lan.nguyen (at) gmail (dot) com nhé.") == "Gửi l•••@gmail.com nhé."


def test_a_handle_after_a_space_is_not_an_e_mail():
    assert [f.kind for f in screen("Theo dõi Instagram @doanthanhnien.cb nhé.")] == ["handle"]


def test_a_spelled_number_is_masked_word_by_word():
    assert mask("Gọi không chín một hai ba bốn năm sáu bảy tám.") == "Gọi không chín • • • • • • bảy tám."


def test_an_e_mail_with_spaces_around_the_at_is_masked_whole():
    assert mask("Gửi ảnh qua lan.nong @ gmail.com nhé.") == "Gửi ảnh qua l•••@gmail.com nhé."


def test_the_published_text_masks_what_was_found():
    masked = mask("Gọi 0912 345 678 hoặc lan@gmail.com, đồ ngu, xem fb.com/lan.")
    assert masked == "Gọi 09•• ••• •78 hoặc l•••@gmail.com, đ•••, xem fb.com/…."


@pytest.mark.parametrize("text", [
    "Đội bóng thắng 3-2 năm 2024", "Lớp K45 có 32 bạn", "Bạn Nguyễn Văn Nguyên đi ngủ sớm",
    "đeo khẩu trang, lon nước, buổi sáng, các bạn", "vượt qua khốn khó", "ngày 20/11/2024 lúc 7.30",
    "quyên góp 150000000 đồng và 2000000đ",
    "các năm học 2023 2024 2025", "tổng đài 1800 1567, 1900 6868", "dài 5 dm, xe 50 cc", "hai năm 2024 2025 ba bạn",
    "hôm nay ck mình nấu cơm", "vk ck nhà chị Hoa", "kk vui quá", "Cô Đàm Thị Mai", "đám cưới", "dù mà trời mưa",
    "đi tiếp 2 km", "mẹ may áo mới", "nhà vẫn còn điện", "sửa đồ điện", "50 bộ đồ ngủ", "vở học sinh",
    "em còn ngủ", "hẹn gặp at nhà văn hóa", "không hai 2024 2025", "điểm 12,5 và 1,5",
])
def test_innocent_texts_are_not_flagged(text):
    assert screen(text) == []


def test_the_same_or_nearly_the_same_text_is_a_duplicate():
    earlier = [(4, "Bạn Tú nhặt được ví và trả lại người mất ở chợ Xanh."), (7, "Một chuyện khác hẳn.")]
    assert duplicate_of("ban tu nhat duoc vi va tra lai nguoi mat o cho Xanh!!", earlier) == 4
    assert duplicate_of("Bạn Tú nhặt được ví và trả lại người mất ở chợ Xanh hôm qua.", earlier) == 4
    assert duplicate_of("Lớp em trồng cây ở sân trường sáng nay.", earlier) is None
    assert kinds("Bạn Tú nhặt được ví và trả lại người mất ở chợ Xanh.") == set()


def test_only_letters_and_digits_count():
    assert substance("\u200f\u200b😀😀!!! ...") == 0
    assert substance("Tin tốt 2026") == 10


def test_precision_and_recall_on_the_labelled_set():
    """Each at FLOOR or above for personal data and for insults (`make bench` prints the figures)."""
    cases = labelled_cases()
    assert len(cases) >= 300
    for group, (precision, recall) in scores(cases).items():
        assert precision >= FLOOR and recall >= FLOOR, (group, precision, recall, misses(cases, group))


def test_every_link_of_the_labelled_set_is_found():
    assert [text for label, text in labelled_cases() if label == "link" and not kinds(text) & {"link", "handle"}] == []
