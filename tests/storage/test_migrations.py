"""Migrations on a database that already holds a campaign: what was there keeps its meaning."""

import pytest
import sqlalchemy as sa
from alembic import command

from storage.db import alembic_config, make_engine, migration_connection, upgrade


def _migrate(engine: sa.Engine, action, revision: str) -> None:  # noqa: ANN001
    with migration_connection(engine) as connection:
        action(alembic_config(connection), revision)


def test_moderators_become_editors_and_one_post_per_slot_still_holds(database_url):
    engine = make_engine(database_url)
    _migrate(engine, command.upgrade, "0003")
    with engine.begin() as connection:
        connection.execute(sa.text(
            "INSERT INTO member (channel, platform_id, role, daily, weekly, blocked, created_at) VALUES "
            "('telegram', '1', 'moderator', true, true, false, CURRENT_TIMESTAMP), "
            "('telegram', '2', 'student', true, true, false, CURRENT_TIMESTAMP)"
        ))
        connection.execute(sa.text("INSERT INTO story (text, show_name, status, created_at) VALUES ('x', false, 'published', CURRENT_TIMESTAMP)"))
        connection.execute(sa.text("INSERT INTO post (kind, slot_date, story_id, created_at) VALUES ('daily', '2026-11-30', 1, CURRENT_TIMESTAMP)"))
        # Rows pointing at the tables the migrations rebuild (SQLite copies and drops them).
        connection.execute(sa.text(
            "INSERT INTO delivery (post_id, member_id, channel, status, attempts, updated_at) "
            "VALUES (1, 2, 'telegram', 'sent', 1, CURRENT_TIMESTAMP)"
        ))
        connection.execute(sa.text("INSERT INTO reaction (post_id, member_id, kind, at) VALUES (1, 2, 'heart', CURRENT_TIMESTAMP)"))
        connection.execute(sa.text("INSERT INTO event (member_id, kind, at) VALUES (2, 'joined', CURRENT_TIMESTAMP)"))
    upgrade(engine)
    with engine.connect() as connection:
        assert connection.execute(sa.text("SELECT count(*) FROM delivery")).scalar_one() == 1
        if connection.dialect.name == "sqlite":
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar_one() == 1  # back on for the bot
    with engine.begin() as connection:
        roles = connection.execute(sa.text("SELECT platform_id, role, school_news FROM member ORDER BY platform_id")).all()
        assert [tuple(row) for row in roles] == [("1", "editor", True), ("2", "student", True)]
    with pytest.raises(sa.exc.IntegrityError), engine.begin() as connection:
        connection.execute(sa.text("INSERT INTO post (kind, slot_date, story_id, created_at) VALUES ('daily', '2026-11-30', 1, CURRENT_TIMESTAMP)"))
    _migrate(engine, command.downgrade, "0003")
    with engine.begin() as connection:
        assert connection.execute(sa.text("SELECT role FROM member WHERE platform_id = '1'")).scalar_one() == "moderator"
    engine.dispose()
