"""the story wall's indexes, login links used, dashboard sessions, schools' Telegram channels

Revision ID: 0006
Revises: 0004
Create Date: 2026-12-01 13:30:00
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

from storage.models import UTCDateTime

revision = "0006"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("school", schema=None) as batch_op:
        batch_op.add_column(sa.Column("telegram_channel", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))
    op.create_index("ix_story_status_published", "story", ["status", "published_at", "id"], unique=False)
    op.create_index("ix_story_school_status_published", "story", ["school_id", "status", "published_at", "id"], unique=False)
    op.create_table(
        "secret",
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("value", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )
    op.create_table(
        "usedlogin",
        sa.Column("nonce", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("nonce"),
    )
    op.create_index("ix_usedlogin_expires_at", "usedlogin", ["expires_at"], unique=False)
    op.create_table(
        "websession",
        sa.Column("token_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["member_id"], ["member.id"]),
        sa.PrimaryKeyConstraint("token_hash"),
    )
    op.create_index("ix_websession_member_id", "websession", ["member_id"], unique=False)
    op.create_index("ix_websession_expires_at", "websession", ["expires_at"], unique=False)


def downgrade() -> None:
    op.drop_table("websession")
    op.drop_table("usedlogin")
    op.drop_table("secret")
    op.drop_index("ix_story_school_status_published", table_name="story")
    op.drop_index("ix_story_status_published", table_name="story")
    with op.batch_alter_table("school", schema=None) as batch_op:
        batch_op.drop_column("telegram_channel")
