"""SQLite is one process: a second `tintot run` on the same file is refused with one line, and
the lone process holds every role."""

import pytest

from bot.database import open_database
from bot.election import Election


def test_a_second_run_on_one_sqlite_file_is_refused_until_the_first_stops(tmp_path):
    url = f"sqlite:///{tmp_path / 'tintot.db'}"
    first, second = Election(open_database(url)), Election(open_database(url))
    assert first.alone() and first.leads("send:telegram") and first.leads("scheduler")
    with pytest.raises(SystemExit) as refused:
        second.alone()
    assert str(refused.value).startswith("Cấu hình sai: DATABASE_URL:") and "PostgreSQL" in str(refused.value)
    assert "\n" not in str(refused.value)
    first.release_all()
    assert second.alone()
    second.release_all()
