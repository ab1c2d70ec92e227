"""safety: screening flags and edits on stories, bans and flood control on members, message ids
on deliveries, members' reports

Revision ID: 0005
Revises: 0006
Create Date: 2026-12-01 13:40:00
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

from storage.models import UTCDateTime

revision = "0005"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("story", schema=None) as batch_op:
        batch_op.add_column(sa.Column("original_text", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("flags", sa.Text(), nullable=True))
    with op.batch_alter_table("member", schema=None) as batch_op:
        batch_op.add_column(sa.Column("banned_at", UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("ban_reason", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True))
        batch_op.add_column(sa.Column("ban_told", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column("burst_at", UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("burst_count", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("quiet_until", UTCDateTime(), nullable=True))
    with op.batch_alter_table("delivery", schema=None) as batch_op:
        batch_op.add_column(sa.Column("message_ref", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))
    op.create_table(
        "report",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("story_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["member_id"], ["member.id"]),
        sa.ForeignKeyConstraint(["story_id"], ["story.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("story_id", "member_id"),
    )


def downgrade() -> None:
    # Plain ALTER TABLE … DROP COLUMN (SQLite 3.35+, PostgreSQL): no copy of tables that others
    # point at.
    op.drop_table("report")
    op.drop_column("delivery", "message_ref")
    for column in ("quiet_until", "burst_count", "burst_at", "ban_told", "ban_reason", "banned_at"):
        op.drop_column("member", column)
    op.drop_column("story", "flags")
    op.drop_column("story", "original_text")
