"""Alembic environment: runs on the connection handed over by `storage.db.upgrade`."""

from alembic import context
from sqlmodel import SQLModel

import storage.models  # noqa: F401  (registers the tables on the metadata)

connection = context.config.attributes["connection"]
# Batch mode lets later migrations alter SQLite tables (it has no ALTER COLUMN).
context.configure(connection=connection, target_metadata=SQLModel.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
