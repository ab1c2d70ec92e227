"""students: a story offered from plain chat waits on the member row; a ban is told once per
kind of action (submit, react, report) instead of once in all

Revision ID: 0010_students
Revises: 0008
Create Date: 2026-12-04 14:00:00
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0010_students"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("member", sa.Column("draft", sa.Text(), nullable=True))
    op.add_column("member", sa.Column("ban_told_for", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))
    # Plain ALTER TABLE … DROP COLUMN (SQLite 3.35+, PostgreSQL), as 0005's downgrade does.
    op.drop_column("member", "ban_told")


def downgrade() -> None:
    op.add_column("member", sa.Column("ban_told", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.drop_column("member", "ban_told_for")
    op.drop_column("member", "draft")
