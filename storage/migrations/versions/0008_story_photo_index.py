"""which stories show a photo, asked by every photo the web app serves

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 17:00:00
"""

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_story_photo", "story", ["photo"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_story_photo", table_name="story")
