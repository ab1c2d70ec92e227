"""school moderators, school announcements, muting them; today's moderators become editors

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 13:45:00
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

import storage.models

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

NO_ANNOUNCEMENT = sa.text("announcement_id IS NULL")
# SQLite reflects the old (kind, slot_date) constraint without a name; this gives it one to drop.
NAMES = {"uq": "uq_%(table_name)s_%(column_0_name)s_%(column_1_name)s"}


def upgrade() -> None:
    op.create_table(
        "announcement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("photo", sqlmodel.sql.sqltypes.AutoString(length=512), nullable=True),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("day", sa.Date(), nullable=True),
        sa.Column("seq", sa.Integer(), nullable=True),
        sa.Column("send_at", storage.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", storage.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["author_id"], ["member.id"]),
        sa.ForeignKeyConstraint(["school_id"], ["school.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("school_id", "day", "seq"),
    )
    op.create_index("ix_announcement_status", "announcement", ["status"])
    with op.batch_alter_table("member") as batch_op:
        batch_op.add_column(sa.Column("role_school_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("school_news", sa.Boolean(), nullable=False, server_default=sa.true()))
        batch_op.create_foreign_key("fk_member_role_school_id_school", "school", ["role_school_id"], ["id"])
    op.execute("UPDATE member SET role = 'editor' WHERE role = 'moderator'")
    old_unique = "post_kind_slot_date_key" if op.get_bind().dialect.name == "postgresql" else "uq_post_kind_slot_date"
    with op.batch_alter_table("post", naming_convention=NAMES) as batch_op:
        batch_op.drop_constraint(old_unique, type_="unique")
        batch_op.alter_column("story_id", existing_type=sa.Integer(), nullable=True)
        batch_op.add_column(sa.Column("announcement_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key("fk_post_announcement_id_announcement", "announcement", ["announcement_id"], ["id"])
        batch_op.create_unique_constraint("uq_post_announcement_id", ["announcement_id"])
    op.create_index("uq_post_slot", "post", ["kind", "slot_date"], unique=True,
                    sqlite_where=NO_ANNOUNCEMENT, postgresql_where=NO_ANNOUNCEMENT)


def downgrade() -> None:
    op.execute("DELETE FROM delivery WHERE post_id IN (SELECT id FROM post WHERE announcement_id IS NOT NULL)")
    op.execute("DELETE FROM reaction WHERE post_id IN (SELECT id FROM post WHERE announcement_id IS NOT NULL)")
    op.execute("DELETE FROM post WHERE announcement_id IS NOT NULL")
    op.drop_index("uq_post_slot", table_name="post")
    with op.batch_alter_table("post") as batch_op:
        batch_op.drop_constraint("uq_post_announcement_id", type_="unique")
        batch_op.drop_constraint("fk_post_announcement_id_announcement", type_="foreignkey")
        batch_op.drop_column("announcement_id")
        batch_op.alter_column("story_id", existing_type=sa.Integer(), nullable=False)
        batch_op.create_unique_constraint("post_kind_slot_date_key", ["kind", "slot_date"])
    # Before this revision a moderator worked for every school: only editors were that.
    op.execute("UPDATE member SET role = 'student' WHERE role = 'school_moderator'")
    op.execute("UPDATE member SET role = 'moderator' WHERE role = 'editor'")
    with op.batch_alter_table("member") as batch_op:
        batch_op.drop_constraint("fk_member_role_school_id_school", type_="foreignkey")
        batch_op.drop_column("school_news")
        batch_op.drop_column("role_school_id")
    op.drop_index("ix_announcement_status", table_name="announcement")
    op.drop_table("announcement")
