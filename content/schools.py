"""The province's schools as data: the built-in list and the CSV format `tintot schools import`
reads (columns `code,name` and optionally `enrolment`)."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from importlib import resources

from content.links import telegram_channel
from content.numbers import whole_number

# Telegram deep-link payloads allow A-Z, a-z, 0-9, _ and -; codes are kept upper-case.
CODE_PATTERN = re.compile(r"[A-Z0-9_-]{2,32}")


@dataclass(frozen=True)
class SchoolRow:
    code: str
    name: str
    enrolment: int | None = None
    telegram_channel: str | None = None


class SchoolFileError(ValueError):
    """A schools CSV that cannot be used; the message names the line."""


def builtin_schools() -> list[SchoolRow]:
    text = resources.files("content").joinpath("schools.csv").read_text(encoding="utf-8")
    return parse_schools_csv(text)


def parse_schools_csv(text: str) -> list[SchoolRow]:
    """Every row checked before any is used, so a bad file changes nothing."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    fields = {name.strip().lower() for name in reader.fieldnames or []}
    if not {"code", "name"} <= fields:
        raise SchoolFileError("Tệp cần có cột 'code' và 'name'.")
    rows: list[SchoolRow] = []
    seen: set[str] = set()
    for line, raw in enumerate(reader, start=2):
        record = {key.strip().lower(): (value or "").strip() for key, value in raw.items() if key}
        code, name = record["code"].upper(), record["name"]
        if not CODE_PATTERN.fullmatch(code):
            raise SchoolFileError(f"Dòng {line}: mã trường {code!r} chỉ được gồm A-Z, 0-9, _ hoặc - (2–32 ký tự).")
        if not name:
            raise SchoolFileError(f"Dòng {line}: thiếu tên trường.")
        if code in seen:
            raise SchoolFileError(f"Dòng {line}: mã trường {code} bị lặp.")
        seen.add(code)
        channel = _channel(record.get("telegram_channel", ""), line)
        rows.append(SchoolRow(code, name, _enrolment(record.get("enrolment", ""), line), channel))
    return rows


def _enrolment(value: str, line: int) -> int | None:
    if not value:
        return None
    enrolment = whole_number(value)
    if enrolment is None:
        raise SchoolFileError(f"Dòng {line}: sĩ số {value!r} phải là số nguyên không âm.")
    return enrolment


def _channel(value: str, line: int) -> str | None:
    if not value:
        return None
    try:
        return telegram_channel(value)
    except ValueError:
        raise SchoolFileError(f"Dòng {line}: kênh Telegram {value!r} phải có dạng @tên_kênh hoặc -100….") from None
