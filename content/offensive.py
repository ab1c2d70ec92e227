"""Offensive words: where a text has an entry of `offensive_words.txt`, however it is typed.

Usage: `spans(text)` returns the (start, end) of each. Students type oaths without diacritics, in
teencode ("djt"), with letters repeated ("nguuu"), apart ("d m m", "đ.m") or joined ("ditme"):
`skeleton(word)` undoes the spellings of one word, and the matching joins pieces back together.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

WORDS_FILE = Path(__file__).with_name("offensive_words.txt")
TOKEN = re.compile(r"[\w@$]+")
_TEENCODE = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "@": "a", "$": "s", "j": "i", "z": "d"})


@dataclass(frozen=True)
class _Token:
    start: int
    end: int
    exact: str  # lower case, diacritics kept
    plain: str  # no diacritics, chat spellings undone


_SPACES_APART = re.compile(r"[^\S\n]{1,2}")
_TIGHT_GLUE = re.compile(r"[.\-_*']{1,3}")


def spans(text: str) -> list[tuple[int, int]]:
    """Where entries of the list are, as words typed, then as words typed apart and joined back
    ("đ.m"), in reading order."""
    tokens = [_Token(m.start(), m.end(), _exact(m.group()), skeleton(m.group())) for m in TOKEN.finditer(text)]
    found = _entry_matches(text, tokens)
    joined = _joined(text, tokens)
    if len(joined) < len(tokens):
        found += [(start, end) for start, end in _entry_matches(text, joined)
                  if not any(start < other_end and other_start < end for other_start, other_end in found)]
    return sorted(found)


def _joined(text: str, tokens: list[_Token]) -> list[_Token]:
    """The tokens with pieces of one word joined: letters apart ("d m m", "đ.ị.t") and a short
    piece behind a dot or a dash ("đ.mm", "dit.me")."""
    runs: list[list[_Token]] = []
    for before, token in zip([None, *tokens], tokens):
        if before is not None and _one_word(text, before, token):
            runs[-1].append(token)
        else:
            runs.append([token])
    words = ["".join(text[t.start : t.end] for t in run) for run in runs]
    return [_Token(run[0].start, run[-1].end, _exact(word), skeleton(word)) for run, word in zip(runs, words)]


def _one_word(text: str, before: _Token, token: _Token) -> bool:
    """Whether two pieces are one word typed apart: single letters a space or two apart, or a
    piece of one or two letters behind a dot, dash, underscore, star or apostrophe."""
    glue, lengths = text[before.end : token.start], (before.end - before.start, token.end - token.start)
    if _SPACES_APART.fullmatch(glue):
        return lengths == (1, 1)
    return bool(_TIGHT_GLUE.fullmatch(glue)) and min(lengths) <= 2


def _entry_matches(text: str, tokens: list[_Token]) -> list[tuple[int, int]]:
    """Whole words in a row matching an entry of the list; the longest entry wins."""
    exact_index, plain_index = _entries()
    findings, index = [], 0
    while index < len(tokens):
        token = tokens[index]
        candidates = [(e, True) for e in exact_index.get(token.exact, ())] + [(e, False) for e in plain_index.get(token.plain, ())]
        for entry, exact in sorted(candidates, key=lambda c: -len(c[0])):
            if len(entry) == 1 and _is_unit(text, tokens, index, entry[0]):
                continue
            window = tokens[index : index + len(entry)]
            if len(window) == len(entry) and all((t.exact if exact else t.plain) == w for t, w in zip(window, entry)):
                findings.append((token.start, window[-1].end))
                index += len(entry) - 1
                break
        index += 1
    return findings


def _is_unit(text: str, tokens: list[_Token], index: int, entry: str) -> bool:
    """An abbreviation right after a number is a unit of measure ("5 dm", "xe 50 cc")."""
    before = tokens[index - 1] if index else None
    return (
        before is not None and not _has_vowel(entry)
        and text[before.start : before.end].isdigit() and not text[before.end : tokens[index].start].strip()
    )


@cache
def _entries() -> tuple[dict[str, list[tuple[str, ...]]], dict[str, list[tuple[str, ...]]]]:
    """The word list as two indexes by first word: entries matched as written, and plain ones.
    A phrase also counts written as one word ("ditme", "duma"), with or without diacritics:
    joined, its words are never an everyday word."""
    exact: dict[str, list[tuple[str, ...]]] = {}
    plain: dict[str, list[tuple[str, ...]]] = {}
    for line in WORDS_FILE.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("="):
            words = tuple(_exact(word) for word in TOKEN.findall(line[1:]))
            exact.setdefault(words[0], []).append(words)
        else:
            words = tuple(skeleton(word) for word in TOKEN.findall(line))
            plain.setdefault(words[0], []).append(words)
        if len(words) > 1:
            one_word = skeleton("".join(TOKEN.findall(line.lstrip("="))))
            plain.setdefault(one_word, []).append((one_word,))
    return exact, plain


@lru_cache(maxsize=65_536)
def _exact(word: str) -> str:
    word = unicodedata.normalize("NFC", word).lower()
    return _squeeze(word, _has_vowel(bare(word)))


@lru_cache(maxsize=65_536)  # a language's everyday words are few: comparing stories reuses them
def skeleton(word: str) -> str:
    """A word without diacritics, with the chat spellings of letters undone ("djt" → "dit",
    "kặc" → "cac", "ngu000" → "nguo"); a number stays a number. An abbreviation, without a
    vowel, keeps its k: "ck" (chồng) and "vk" (vợ) are not "cc"."""
    plain = bare(word)
    if not any(char.isalpha() for char in plain):
        return _squeeze(plain, vowel=False)
    plain = plain.translate(_TEENCODE)
    vowel = _has_vowel(plain)
    plain = _squeeze(plain, vowel)  # before k → c, so that "fuckkk" is "fuck"
    return re.sub(r"k(?!h)", "c", plain) if vowel else plain


@lru_cache(maxsize=65_536)
def bare(word: str) -> str:
    """The word in lower case without diacritics."""
    decomposed = unicodedata.normalize("NFD", word.lower().replace("đ", "d"))
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def _has_vowel(word: str) -> bool:
    return any(char in "aeiouy" for char in word)


def _squeeze(word: str, vowel: bool) -> str:
    """Letters typed again count once in a word ("nguuu", "lozz"): Vietnamese words double no
    letter. An abbreviation can ("dmm", "cc"): there only three or more count once."""
    return re.sub(r"(.)\1+" if vowel else r"(.)\1{2,}", r"\1", word)
