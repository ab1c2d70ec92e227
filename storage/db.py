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
    would queue behind those sleeps. A read-only transaction (`read_scope`) takes neither
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
    with migration_connection(engine) as connection:
        one_at_a_time(connection)
        command.upgrade(alembic_config(connection), "head")


def alembic_config(connection: sa.Connection) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


@contextmanager
def migration_connection(engine: sa.Engine) -> Iterator[sa.Connection]:
    """A connection in a transaction for migrations, committed when the block ends.

    SQLite alters a table by copying it and dropping the original, which foreign keys pointing
    at it forbid: they are off while migrations run and checked after. The pragma is ignored
    inside a transaction, so it is set on the driver's connection before one begins.
    """
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            connection.connection.driver_connection.execute("PRAGMA foreign_keys=OFF")
        try:
            with connection.begin():
                yield connection
            if sqlite and (broken := connection.exec_driver_sql("PRAGMA foreign_key_check").all()):
                raise RuntimeError(f"migrations left rows pointing nowhere: {broken[:5]}")
        finally:
            if sqlite:
                connection.rollback()
                connection.connection.driver_connection.execute("PRAGMA foreign_keys=ON")


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
def read_scope(engine: sa.Engine) -> Iterator[Session]:
    """A session for reading only (web pages, a long report): on SQLite it does not take the
    write lock, so it never waits behind a push being written, nor holds one up."""
    with Session(engine.execution_options(**{READ_ONLY: True}), expire_on_commit=False) as session:
        try:
            yield session
        finally:
            session.rollback()
