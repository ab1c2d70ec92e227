"""The engine, sessions and migrations: the one place a database connection comes from."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from sqlalchemy.engine import make_url
from sqlmodel import Session

MIGRATIONS = Path(__file__).with_name("migrations")
# Connections: the runtime's database threads, plus one held per role a process leads (sender,
# scheduler), with room to spare.
POOL_SIZE = 16
READ_ONLY = "tintot_read_only"  # execution option: a transaction that writes nothing
SETUP_LOCK = 0x7D7_0000  # advisory lock key: migrations and first data, one process at a time


def make_engine(url: str) -> sa.Engine:
    """An engine for `url`; SQLite gets WAL, foreign keys and a busy timeout, and its folder."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return sa.create_engine(url, pool_pre_ping=True, pool_size=POOL_SIZE, max_overflow=4)
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    # SQLAlchemy opens file databases with check_same_thread=False: connections move between
    # the runtime's database threads, one thread at a time.
    engine = sa.create_engine(url, connect_args={"timeout": 30}, pool_size=POOL_SIZE, max_overflow=4)
    _one_writer_at_a_time(engine)

    @sa.event.listens_for(engine, "connect")
    def _sqlite_pragmas(dbapi_connection, _record) -> None:  # noqa: ANN001
        # SQLAlchemy, not the driver, begins transactions: the driver's own handling breaks
        # SAVEPOINT, which the unique-slot and update-dedup checks rely on.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    return engine


def _one_writer_at_a_time(engine: sa.Engine) -> None:
    """SQLite has one writer; threads of this process queue for it on a lock, in order.

    Left to SQLite, a waiting writer sleeps and polls (1, 2, 5 … 100 ms): under load the replies
    would queue behind those sleeps. A read-only transaction (`read_only_scope`) takes neither
    lock: in WAL mode it reads a snapshot while others write.
    """
    writing = threading.Lock()

    @sa.event.listens_for(engine, "begin")
    def _begin(connection: sa.Connection) -> None:
        if connection.get_execution_options().get(READ_ONLY):
            connection.exec_driver_sql("BEGIN DEFERRED")
            return
        # The write lock up front: two processes racing for a slot then wait their turn (busy
        # timeout) instead of failing when a read transaction tries to become a write.
        writing.acquire()
        try:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            writing.release()
            raise
        connection.info["writing"] = writing

    @sa.event.listens_for(engine, "commit")
    @sa.event.listens_for(engine, "rollback")
    def _end(connection: sa.Connection) -> None:
        lock = connection.info.pop("writing", None)
        if lock is not None:
            lock.release()


def upgrade(engine: sa.Engine) -> None:
    """Brings the schema to the newest migration (safe to run at every start, from several
    processes at once)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        one_at_a_time(connection)
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def one_at_a_time(connection: sa.Connection) -> None:
    """Processes starting together on PostgreSQL set the database up in turn: this transaction
    waits for the others' (SQLite's BEGIN IMMEDIATE already does)."""
    if connection.dialect.name == "postgresql":
        connection.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": SETUP_LOCK})


@contextmanager
def session_scope(engine: sa.Engine) -> Iterator[Session]:
    """A session that commits when the block ends and rolls back if it raises."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


@contextmanager
def read_only_scope(engine: sa.Engine) -> Iterator[Session]:
    """A session for work that writes nothing (a long report): on SQLite it holds no write lock,
    so it delays no one."""
    with Session(engine.execution_options(**{READ_ONLY: True}), expire_on_commit=False) as session:
        try:
            yield session
        finally:
            session.rollback()
