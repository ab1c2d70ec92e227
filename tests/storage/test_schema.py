from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

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
