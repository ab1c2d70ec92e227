"""covering event index and the daily rollup for reports

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28 09:00:00
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.drop_index("ix_event_kind_at")
        batch_op.create_index("ix_event_kind_at", ["kind", "at", "school_id", "member_id"], unique=False)

    op.create_table(
        "dailycount",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["school_id"], ["school.id"]),
        sa.PrimaryKeyConstraint("day", "school_id", "kind"),
    )


def downgrade() -> None:
    op.drop_table("dailycount")
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.drop_index("ix_event_kind_at")
        batch_op.create_index("ix_event_kind_at", ["kind", "at"], unique=False)
