"""The daily limit of school announcements holds when two moderators confirm at the same moment."""

import threading
import time
from datetime import date, datetime, timezone

import pytest
from sqlmodel import Session, select

from storage import announcements
from storage.db import session_scope
from storage.models import Announcement

DAY = date(2026, 11, 30)
NOW = datetime(2026, 11, 30, 3, 0, tzinfo=timezone.utc)


def _drafts(engine, count: int) -> list[int]:
    with session_scope(engine) as session:
        drafts = [Announcement(school_id=1, text=f"Thông báo {n}") for n in range(count)]
        session.add_all(drafts)
        session.flush()
        return [draft.id for draft in drafts]


def _confirm(session: Session, announcement_id: int) -> str:
    return announcements.take_number(session=session, announcement_id=announcement_id, day=DAY, limit=2, status="held", send_at=NOW)


def test_numbers_of_the_day_run_out_at_the_limit(engine):
    first, second, third = _drafts(engine, 3)
    with session_scope(engine) as session:
        assert [_confirm(session, first), _confirm(session, first)] == ["ok", "done"]
        assert [_confirm(session, second), _confirm(session, third)] == ["ok", "limit"]
        assert [a.seq for a in session.exec(select(Announcement).order_by(Announcement.id))] == [1, 2, None]


def test_two_confirming_at_once_for_the_last_place_one_wins(engine, database_url):
    if database_url.startswith("sqlite"):
        pytest.skip("SQLite lets one writer in at a time: there is no race to lose")
    taken, first, second = _drafts(engine, 3)
    with session_scope(engine) as session:
        assert _confirm(session, taken) == "ok"
    one, other = Session(engine), Session(engine)
    assert _confirm(one, first) == "ok"  # holds the day's last place, not yet committed
    outcome = []

    def race() -> None:
        try:
            outcome.append(_confirm(other, second))
            other.commit()
        except Exception as error:  # noqa: BLE001 (reported by the assertion below)
            outcome.append(error)

    racing = threading.Thread(target=race)
    racing.start()
    time.sleep(0.3)  # the other now waits on the unique (school, day, seq) for the same place
    one.commit()
    racing.join(timeout=10)
    one.close(), other.close()
    assert outcome == ["limit"]
