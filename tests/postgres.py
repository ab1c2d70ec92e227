"""A real PostgreSQL server for the tests: started once per run in a temporary folder, on a
free port on 127.0.0.1, and stopped at the end. Each test gets a fresh database on it."""

from __future__ import annotations

import glob
import itertools
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import sqlalchemy as sa


def _binaries() -> Path | None:
    found = shutil.which("pg_ctl")
    if found:
        return Path(found).parent
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    return Path(candidates[-1]).parent if candidates else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class PostgresServer:
    def __init__(self, bin_dir: Path) -> None:
        self.bin_dir = bin_dir
        self.folder = Path(tempfile.mkdtemp(prefix="tintot-pg-"))
        self.port = _free_port()
        self._names = itertools.count(1)
        # initdb refuses to run as root; the tests run as root in CI.
        self._as = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self._as:
            shutil.chown(self.folder, "postgres")

    @classmethod
    def start(cls) -> PostgresServer | None:
        bin_dir = _binaries()
        if bin_dir is None:
            return None
        server = cls(bin_dir)
        data = server.folder / "data"
        server._run("initdb", "-D", str(data), "-U", "tintot", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8")
        options = f"-p {server.port} -k {server.folder} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off"
        server._run("pg_ctl", "-D", str(data), "-o", options, "-l", str(server.folder / "log"), "-w", "start")
        return server

    def _run(self, program: str, *args: str) -> None:
        subprocess.run([*self._as, str(self.bin_dir / program), *args], check=True, capture_output=True, timeout=60)

    @property
    def admin_url(self) -> str:
        return f"postgresql+psycopg://tintot@127.0.0.1:{self.port}/postgres"

    def new_database(self) -> str:
        name = f"test_{next(self._names)}"
        engine = sa.create_engine(self.admin_url, isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            connection.exec_driver_sql(f"CREATE DATABASE {name}")
        engine.dispose()
        return f"postgresql+psycopg://tintot@127.0.0.1:{self.port}/{name}"

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.folder / "data"), "-m", "immediate", "stop")
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)
