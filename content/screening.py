"""Screening a story before a moderator reads it: personal data, links, offensive words, duplicates.

Usage: `screen(text, earlier=[(id, text), …])` returns `Finding`s; `mask(text)` is the text as it
may be published, with what was detected hidden (`0912 345 678` → `09•• ••• •78`).
Screening only flags: the moderator decides. Offensive words are found by `content.offensive`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import phonenumbers

from content import offensive

PERSONAL = ("phone", "cccd", "idnumber", "email", "bank")
DOT = "•"
NEAR_DUPLICATE = 0.8  # share of three-word runs two stories have in common

_MAIL_ENDINGS = "com|vn|net|org|edu|gov|info"
# Spaces around the @ ("lan @ gmail.com") still make an e-mail, not a name beside a link; a space
# before the @ only is a handle ("Instagram @doan.cb") unless the address ends as one does.
_EMAIL = re.compile(
    rf"[\w.+-]+(?:[^\S\n]{{0,3}}@[^\S\n]{{1,3}}|@|[^\S\n]{{1,3}}@(?=[\w.-]+\.(?:{_MAIL_ENDINGS})\b))[\w-]+(?:\.[\w-]+)+"
)
# An e-mail written for people to read and robots to miss: "lan (at) gmail (dot) com",
# "lan a còng gmail chấm com", "lan@gmail". It ends at a known ending or names a mail provider.
_AT_WORD = r"(?:at|a\s?còng|a\s?cong)"
_DOT_WORD = r"(?:\.|dot|chấm|cham)"
_SPELLED_AT = rf"(?:\s*[(\[{{]\s*(?:@|a|{_AT_WORD})\s*[)\]}}]\s*|\s+{_AT_WORD}\s+|\s?@\s?)"
_SPELLED_DOT = rf"(?:\s*[(\[{{]\s*{_DOT_WORD}\s*[)\]}}]\s*|\s+(?:dot|chấm|cham)\s+|\s?\.\s?)"
# Most texts have no sign of an e-mail: they skip the slower patterns.
_AT_SIGN = re.compile(r"@|\bat\b|\ba\s?c[oò]ng\b|[(\[{]\s*a\s*[)\]}]", re.IGNORECASE)
_PROVIDER = r"(?:gmail|yahoo|hotmail|outlook|icloud)"
_SPELLED_EMAIL = re.compile(
    rf"(?P<local>[\w.+-]+){_SPELLED_AT}(?P<domain>{_PROVIDER}(?:{_SPELLED_DOT}[\w-]+)*"
    rf"|[\w-]+(?:{_SPELLED_DOT}[\w-]+)*{_SPELLED_DOT}(?:{_MAIL_ENDINGS}))\b",
    re.IGNORECASE,
)
# A link ends before the punctuation that follows it in a sentence.
_URL = re.compile(
    r"(?:https?://|www\.)(?:[^\s<>\"]*[^\s<>\".,!?;:)])?"
    r"|\b(?:[a-z0-9-]+\.)+(?:com|net|org|vn|info|io|me|ly|gl|gle|gd|co|xyz|edu|gov|tv|link|site|online)"
    r"(?:\.vn)?\b(?:/(?:[^\s<>\"]*[^\s<>\".,!?;:)])?)?",
    re.IGNORECASE,
)
_HANDLE = re.compile(r"(?<![\w@.])@[A-Za-z0-9_.]{3,32}")
# Digits grouped by single spaces, dots or dashes ("0012 0300 4567"); no group shorter than 3,
# so a score "3-2" or a date never joins a run.
_DIGITS = re.compile(r"(?<![\w.,-])\d{3,}(?:[ .-]\d{3,})*(?![\w-]|[.,]\d)")
# An amount of money is not an account: "150000000 đồng", "2000000đ", "500000 VND".
_MONEY_AFTER = re.compile(r"\s?(?:đồng|đ|vnđ|vnd|dong)\b", re.IGNORECASE)
# A year ("2023 2024 2025" is three school years, not an ID number).
_YEAR = re.compile(r"(?:19|20)\d\d")
# Numbers organisations publish (toll-free 1800, shared-cost 1900): nobody's personal number.
_SERVICE_NUMBERS = (phonenumbers.PhoneNumberType.TOLL_FREE, phonenumbers.PhoneNumberType.SHARED_COST,
                    phonenumbers.PhoneNumberType.PREMIUM_RATE, phonenumbers.PhoneNumberType.UAN)
# A letter typed for a digit beside digits ("o912 345 678", "09l2"): read as the digit.
_LETTER_DIGIT = re.compile(r"(?<![^\W\d_])[oOlI](?=\d)|(?<=\d)[oOlI](?![^\W\d_])")
_LETTER_DIGITS = str.maketrans("oOlI", "0011")
# An underscore or a star between digit groups ("0912_345_678", "0912*345*678") reads as a space,
# and so does a letter glued before a phone number ("sdt0912345678").
# (Both start at the separator or the number, not at the letter: most characters are letters.)
_DIGIT_GLUE = re.compile(r"[_*](?<=\d[_*])(?=\d)")
_GLUED_PHONE = re.compile(r"[0+](?<=[^\W\d_][0+])(?:(?<=0)|(?<=\+)84)\d{9}(?!\d)")
# A number spelled in words, one word a digit ("không chín một hai…", "ko" in chat), with or
# without diacritics.
_ZERO_WORDS = frozenset("khong ko hong linh".split())
_DIGIT_WORDS = _ZERO_WORDS | frozenset("mot hai ba bon tu nam lam sau bay tam chin".split())
SPELLED_PHONE_DIGITS = 9  # fewer spelled digits in a row are ordinary words ("ba bốn năm")
SPELLED_PHONE_WORDS = 3  # fewer words among digit groups are a sentence ("không hai 2024 2025")


@dataclass(frozen=True)
class Finding:
    """Something a moderator should see: `kind` (see `content.texts.SCREEN_FLAGS`), where it is
    in the text, and `shown`, how it is named to the moderator (masked when it is personal)."""

    kind: str
    start: int
    end: int
    shown: str


def screen(text: str, earlier: Iterable[tuple[int, str]] = ()) -> list[Finding]:
    """Every finding in `text` (NFC), in reading order; a duplicate of an earlier story last."""
    findings: list[Finding] = []
    for finder in (_phones, _spelled_phones, _emails, _links, _handles, _digit_runs, _offensive):
        taken = [(f.start, f.end) for f in findings]
        findings += [f for f in finder(text) if not any(f.start < end and start < f.end for start, end in taken)]
    findings = sorted((f for f in findings if f.kind != "service"), key=lambda f: f.start)
    twin = duplicate_of(text, earlier)
    if twin is not None:
        findings.append(Finding("duplicate", 0, 0, str(twin)))
    return findings


def mask(text: str) -> str:
    """The text with every finding hidden: digits but the first and last two, e-mails but the
    first letter, links but the domain, handles and offensive words but the first letter."""
    for finding in sorted(screen(text), key=lambda f: f.start, reverse=True):
        if finding.kind != "duplicate":
            # Personal data is shown to moderators as it is published: already hidden.
            hidden = finding.shown if finding.kind in PERSONAL else _hidden(finding.kind, text[finding.start : finding.end])
            text = text[: finding.start] + hidden + text[finding.end :]
    return text


def duplicate_of(text: str, earlier: Iterable[tuple[int, str]]) -> int | None:
    """The first earlier story with the same or nearly the same words, whatever the spelling."""
    mine = _shingles(text)
    if not mine:
        return None
    for story_id, other in earlier:
        if not NEAR_DUPLICATE <= len(other) / max(1, len(text)) <= 1 / NEAR_DUPLICATE:
            continue  # lengths this far apart cannot share enough
        theirs = _shingles(other)
        if theirs and len(mine & theirs) / len(mine | theirs) >= NEAR_DUPLICATE:
            return story_id
    return None


def substance(text: str) -> int:
    """How many letters and digits the text has: invisible marks, emoji and punctuation are not
    a story."""
    return sum(1 for char in text if char.isalnum())


def _phones(text: str) -> list[Finding]:
    """Phone numbers, also with a letter typed for a digit; a hotline (1800, 1900) is a finding
    of kind "service", which keeps other finders off it and is then dropped."""
    readable = _LETTER_DIGIT.sub(lambda m: m.group().translate(_LETTER_DIGITS), _spaced(text))  # same length: same spans
    matches = phonenumbers.PhoneNumberMatcher(readable, "VN", leniency=phonenumbers.Leniency.VALID)
    return [
        Finding("service" if phonenumbers.number_type(m.number) in _SERVICE_NUMBERS else "phone",
                m.start, m.end, _hidden("phone", readable[m.start : m.end]))
        for m in matches
    ]


def _spelled_phones(text: str) -> list[Finding]:
    """A number spelled out, one word a digit ("không chín một hai…"), maybe mixed with digits:
    SPELLED_PHONE_DIGITS or more in a row, most of them words (years between words are not),
    starting with a zero as Vietnamese numbers do (children counting "một, hai, ba…" are not)."""
    findings, run = [], []
    for match in [*offensive.TOKEN.finditer(text), None]:
        numeric = match is not None and (match.group().isdigit() or offensive.bare(match.group()) in _DIGIT_WORDS)
        if numeric and (not run or not text[run[-1].end() : match.start()].strip(" ,.-")):
            run.append(match)
            continue
        words = sum(1 for m in run if not m.group().isdigit())
        zero = bool(run) and (offensive.bare(run[0].group()) in _ZERO_WORDS or run[0].group().startswith("0"))
        digits = words + sum(len(m.group()) for m in run if m.group().isdigit())
        if zero and words >= SPELLED_PHONE_WORDS and SPELLED_PHONE_DIGITS <= digits <= SPELLED_PHONE_DIGITS + 2:
            findings.append(Finding("phone", run[0].start(), run[-1].end(), _spelled_shown(text, run)))
        run = [match] if numeric else []
    return findings


def _spelled_shown(text: str, run: list[re.Match]) -> str:
    """The spelled number with all but its first two and last two words hidden."""
    shown = []
    for index, match in enumerate(run):
        if index:
            shown.append(text[run[index - 1].end() : match.start()])
        shown.append(match.group() if index < 2 or index >= len(run) - 2 else DOT)
    return "".join(shown)


def _spaced(text: str) -> str:
    """The text with underscores and stars between digits, and a letter glued before a phone
    number, read as spaces, at the same length."""
    text = _DIGIT_GLUE.sub(" ", text)
    for match in _GLUED_PHONE.finditer(text):
        text = text[: match.start() - 1] + " " + text[match.start() :]
    return text


def _emails(text: str) -> list[Finding]:
    """E-mails as written, then those spelled out, shown as the address they stand for."""
    if not _AT_SIGN.search(text):
        return []
    findings = [Finding("email", m.start(), m.end(), _hidden("email", m.group())) for m in _EMAIL.finditer(text)]
    for match in _SPELLED_EMAIL.finditer(text):
        if not any(f.start < match.end() and match.start() < f.end for f in findings):
            domain = ".".join(re.split(_SPELLED_DOT, match["domain"], flags=re.IGNORECASE)).lower()
            findings.append(Finding("email", match.start(), match.end(), _hidden("email", f"{match['local']}@{domain}")))
    return sorted(findings, key=lambda f: f.start)


def _links(text: str) -> list[Finding]:
    return [Finding("link", m.start(), m.end(), _domain(m.group())) for m in _URL.finditer(text)]


def _handles(text: str) -> list[Finding]:
    return [Finding("handle", m.start(), m.end(), m.group()) for m in _HANDLE.finditer(text)]


def _digit_runs(text: str) -> list[Finding]:
    """12 digits: a citizen ID (CCCD); 9: an old ID card; 10 to 19 otherwise: a bank account."""
    findings, text = [], _spaced(text)  # same length: same spans
    for match in _DIGITS.finditer(text):
        if _MONEY_AFTER.match(text, match.end()):
            continue
        groups = re.split(r"[ .-]", match.group())
        if len(groups) > 1 and all(_YEAR.fullmatch(group) for group in groups):
            continue  # years in a row ("2023 2024 2025")
        count = sum(char.isdigit() for char in match.group())
        kind = {12: "cccd", 9: "idnumber"}.get(count, "bank" if 10 <= count <= 19 else None)
        if kind is not None:
            findings.append(Finding(kind, match.start(), match.end(), _hidden(kind, match.group())))
    return findings


def _offensive(text: str) -> list[Finding]:
    return [Finding("offensive", start, end, text[start:end]) for start, end in offensive.spans(text)]


def _shingles(text: str) -> set[tuple[str, ...]]:
    words = [offensive.skeleton(word) for word in offensive.TOKEN.findall(text)]
    if len(words) < 3:
        return {tuple(words)} if words else set()
    return {tuple(words[i : i + 3]) for i in range(len(words) - 2)}


def _domain(link: str) -> str:
    host = re.sub(r"^(?:https?://)?(?:www\.)?", "", link, flags=re.IGNORECASE)
    return re.split(r"[/?#:]", host, maxsplit=1)[0].lower()


def _hidden(kind: str, found: str) -> str:
    if kind == "email":
        local, _, domain = found.partition("@")
        return local[:1] + DOT * 3 + "@" + domain.strip()
    if kind == "link":
        return _domain(found) + "/…" if "/" in found.rstrip("/").split("//")[-1] else _domain(found)
    if kind in ("handle", "offensive"):
        return found[:1] + DOT * 3
    digits = [i for i, char in enumerate(found) if char.isdigit()]
    keep = set(digits[:2] + digits[-2:])
    return "".join(DOT if char.isdigit() and i not in keep else char for i, char in enumerate(found))
