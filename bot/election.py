"""Who does what among identical processes on one database: one sender per channel, one
scheduler, one long-polling consumer per bot.

On PostgreSQL a role is a session advisory lock, held on a connection of its own for as long as
the process leads. When the process dies its connection closes and PostgreSQL frees the lock at
once; another process, trying every few seconds, takes the role over. A leader that loses its
connection (the database restarted, the network broke) steps down before its next piece of work.
SQLite is the single-process setup: there, `alone()` takes a lock file beside the database, so
a second `tintot run` is refused, and this process holds every role.

Usage: `election.leads("send:telegram")` (in a database thread) before each piece of work;
`release_all()` on the way out, so a stopped process hands over at once.
"""

from __future__ import annotations

import fcntl
import logging
import os
import socket
import threading
import uuid

import sqlalchemy as sa

log = logging.getLogger(__name__)

LOCK_SPACE = 0x7D7  # first key of every lock (pg_try_advisory_lock(int, int)): Tin Tốt's


def process_identity() -> str:
    """Names this process on deliveries it holds: host, pid, and a nonce against pid reuse."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class Election:
    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine
        self.shared = engine.dialect.name == "postgresql"
        self._held: dict[str, sa.Connection] = {}
        self._lock = threading.Lock()  # roles are checked from several database threads
        self._lock_file = None  # SQLite: held while this process runs on the database

    def alone(self) -> bool:
        """SQLite: whether this is the only `tintot run` on the database (the lock file beside it
        stays held until the process ends). Always False on PostgreSQL, where many may run."""
        if self.shared:
            return False
        database = self.engine.url.database
        if not database or database == ":memory:":
            return True
        self._lock_file = open(f"{database}.run-lock", "w")  # noqa: SIM115 (held for the process's life)
        try:
            fcntl.flock(self._lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self._lock_file.close()
            raise SystemExit(
                "Cấu hình sai: DATABASE_URL: một tiến trình tintot run khác đang chạy trên cơ sở dữ liệu SQLite này; "
                "muốn chạy nhiều tiến trình, hãy dùng PostgreSQL"
            ) from None
        return True

    def leads(self, role: str) -> bool:
        """Whether this process holds `role` now, taking it if it is free. Blocking: call it in a
        database thread."""
        if not self.shared:
            return True
        with self._lock:
            held = self._held.get(role)
            if held is not None:
                if _alive(held):
                    return True
                log.warning("lost the connection that held %s: stepping down", role)
                del self._held[role]
            connection = self.engine.connect()
            try:
                taken = connection.execute(
                    sa.text("SELECT pg_try_advisory_lock(:space, hashtext(:role))"), {"space": LOCK_SPACE, "role": role}
                ).scalar()
                connection.commit()
            except BaseException:
                connection.close()
                raise
            if not taken:
                connection.close()
                return False
            self._held[role] = connection
        log.info("this process now runs %s", role)
        return True

    def release(self, role: str) -> None:
        with self._lock:
            connection = self._held.pop(role, None)
        if connection is None:
            return
        try:
            connection.execute(sa.text("SELECT pg_advisory_unlock(:space, hashtext(:role))"), {"space": LOCK_SPACE, "role": role})
            connection.commit()
            connection.close()
        except sa.exc.DBAPIError:
            connection.invalidate()  # a lock on a broken connection is gone with it

    def release_all(self) -> None:
        for role in list(self._held):
            self.release(role)
        if self._lock_file is not None:
            self._lock_file.close()  # closing it releases the lock
            self._lock_file = None


def _alive(connection: sa.Connection) -> bool:
    try:
        connection.exec_driver_sql("SELECT 1")
        connection.commit()
        return True
    except sa.exc.DBAPIError:
        connection.invalidate()
        return False
