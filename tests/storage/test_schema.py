import threading
import time

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import Session, SQLModel

from storage import repo
from storage.db import session_scope
from storage.models import Member, School


def test_migrations_build_exactly_the_models(engine):
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)
    assert differences == []


def test_import_renames_without_losing_members_and_replace_deactivates(engine):
    with session_scope(engine) as session:
        school = repo.school_by_code(session=session, code="HOAAN")
        session.add(Member(channel="telegram", platform_id="1", school_id=school.id))
    with session_scope(engine) as session:
        result = repo.import_schools(
            session=session, rows=[("HOAAN", "Trung tâm GDNN-GDTX tỉnh, cơ sở Hòa An", 500), ("NEW", "Trường mới", None)], replace=True
        )
    assert (result.added, result.renamed, result.unchanged) == (1, 1, 0)
    with session_scope(engine) as session:
        member = session.get(Member, 1)
        school = session.get(School, member.school_id)
        active = [s.code for s in repo.schools(session=session)]
    assert school.name.endswith("cơ sở Hòa An") and school.enrolment == 500
    assert active == ["HOAAN", "NEW"]


def test_an_update_id_is_claimed_once_per_channel(engine):
    with session_scope(engine) as session:
        assert repo.claim_update(session=session, channel="telegram", update_id="7")
        assert not repo.claim_update(session=session, channel="telegram", update_id="7")
        assert repo.claim_update(session=session, channel="zalo", update_id="7")
    with session_scope(engine) as session:
        assert not repo.claim_update(session=session, channel="zalo", update_id="7")


def test_a_member_is_made_once_with_the_columns_given_and_follows_their_chat(engine):
    with session_scope(engine) as session:
        member, new = repo.get_or_create_member(session=session, channel="telegram", platform_id="5", chat_id="5", burst_count=1)
        again, new_again = repo.get_or_create_member(session=session, channel="telegram", platform_id="5", chat_id="6")
    assert (new, new_again, again) == (True, False, member)
    assert (member.chat_id, member.burst_count, member.role, member.daily) == ("6", 1, "student", False)
    assert member.created_at is not None
    with session_scope(engine) as session:
        assert repo.get_member(session=session, channel="telegram", platform_id="5").chat_id == "6"


def test_two_first_updates_of_one_person_at_the_same_moment_make_one_member(engine, database_url):
    if database_url.startswith("sqlite"):
        pytest.skip("SQLite lets one writer in at a time: there is no race to lose")
    one, other = Session(engine), Session(engine)
    first, _ = repo.get_or_create_member(session=one, channel="zalo", platform_id="77", chat_id="77")  # not yet committed
    first_id = first.id
    outcome = []

    def race() -> None:
        try:
            member, new = repo.get_or_create_member(session=other, channel="zalo", platform_id="77", chat_id="77")
            outcome.append((member.id, new))
            other.commit()
        except Exception as error:  # noqa: BLE001 (reported by the assertion below)
            outcome.append(error)

    racing = threading.Thread(target=race)
    racing.start()
    time.sleep(0.3)  # the other's INSERT now waits on the unique (channel, platform_id)
    one.commit()
    racing.join(timeout=10)
    one.close(), other.close()
    assert outcome == [(first_id, False)]
