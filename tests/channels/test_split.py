"""Splitting long texts into platform-sized messages."""

from __future__ import annotations

import unicodedata

import pytest

from bot.channels.split import split_text


def test_short_text_is_one_part_and_stripped():
    assert split_text("  xin chào \n", 20) == ["xin chào"]


def test_empty_or_blank_text_has_no_parts():
    assert split_text("", 10) == []
    assert split_text(" \n\n ", 10) == []


def test_exactly_the_limit_is_one_part():
    assert split_text("a" * 10, 10) == ["a" * 10]


def test_paragraph_break_wins_over_a_later_sentence_end():
    text = "Đoạn một. Vẫn đoạn một.\n\nĐoạn hai dài. Câu nữa."
    assert split_text(text, 40) == ["Đoạn một. Vẫn đoạn một.", "Đoạn hai dài. Câu nữa."]


def test_sentence_end_when_no_paragraph_fits():
    text = "Câu một ngắn. Câu hai cũng ngắn! Câu ba thì dài hơn nhiều"
    assert split_text(text, 35) == ["Câu một ngắn. Câu hai cũng ngắn!", "Câu ba thì dài hơn nhiều"]


def test_sentence_end_after_a_closing_quote():
    text = 'Cô nói "Cố lên." Rồi cả lớp vỗ tay rất to'
    assert split_text(text, 25)[0] == 'Cô nói "Cố lên."'


def test_word_boundary_when_no_sentence_fits():
    text = "một hai ba bốn năm sáu bảy tám"
    parts = split_text(text, 12)
    assert parts == ["một hai ba", "bốn năm sáu", "bảy tám"]


def test_a_word_longer_than_the_limit_is_cut_hard():
    assert split_text("x" * 25, 10) == ["x" * 10, "x" * 10, "x" * 5]


def test_a_hard_cut_never_separates_an_accent_from_its_letter():
    word = unicodedata.normalize("NFD", "Việt") * 5  # "e" followed by two combining marks
    parts = split_text(word, 7)
    assert "".join(parts) == word
    assert all(not unicodedata.combining(part[0]) for part in parts)
    assert all(len(part) <= 7 for part in parts)


def test_whitespace_just_past_the_limit_still_counts_as_a_boundary():
    assert split_text("abcde fgh", 5) == ["abcde", "fgh"]


@pytest.mark.parametrize("limit", [1, 7, 50, 2000])
def test_parts_fit_keep_order_and_lose_only_whitespace(limit):
    text = ("Tin tốt mỗi ngày.  Câu chuyện đẹp mỗi tuần!\n\n" * 80).strip()
    parts = split_text(text, limit)
    assert all(0 < len(part) <= limit for part in parts)
    assert "".join(parts).replace(" ", "").replace("\n", "") == text.replace(" ", "").replace("\n", "")


def test_limit_must_be_positive():
    with pytest.raises(ValueError):
        split_text("abc", 0)
