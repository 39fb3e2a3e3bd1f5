"""A real PostgreSQL server for the tests, started once per test session.

The server binaries come from the Debian package `postgresql` (the README's test command
installs it through `installer/setup-debian.sh --test`). When they are missing the tests that
need the server FAIL with a message saying what to install: server mode is a promised
feature, so its tests are never skipped.

Steps (plain `initdb` / `pg_ctl`, no cluster of the distribution is touched):
  initdb (as the `postgres` OS user when we are root: PostgreSQL refuses to run as root),
  pg_ctl start on a free port of 127.0.0.1 with the socket in the data folder and
  fsync=off (test data need not survive a power cut), one migrated template database,
  then one `CREATE DATABASE … TEMPLATE` per test (≈ 0.1 s), dropped after the test.
pytest-postgresql's `postgresql_proc` would run initdb as the current user, which fails
as root, hence the plain steps here.
"""

from __future__ import annotations

import atexit
import glob
import itertools
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
import pytest

from posko_desktop.core.db.engine import Database
from posko_desktop.core.db.session import open_database

PG_BIN_GLOB = "/usr/lib/postgresql/*/bin"
PG_USER = "app"
TEMPLATE = "posko_tmpl"
_names = itertools.count(1)


def find_pg_bin() -> Path | None:
    """The newest installed server's bin folder (`POSKO_PG_BIN` overrides)."""
    override = os.environ.get("POSKO_PG_BIN")
    if override:
        return Path(override) if (Path(override) / "initdb").exists() else None
    found = [Path(p) for p in glob.glob(PG_BIN_GLOB) if (Path(p) / "initdb").exists()]
    if not found:
        return None
    return max(found, key=lambda p: _version_key(p.parent.name))


def _version_key(text: str) -> tuple[int, ...]:
    return tuple(int(x) for x in text.split(".") if x.isdigit()) or (0,)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class PgServer:
    bin_dir: Path
    base: Path
    port: int = 0
    as_postgres: bool = False
    running: bool = False
    _dbs: set[str] = field(default_factory=set)

    @property
    def data_dir(self) -> Path:
        return self.base / "data"

    @property
    def socket_dir(self) -> Path:
        return self.base / "sock"

    def _run(self, *args: str) -> None:
        cmd = [str(self.bin_dir / args[0]), *args[1:]]
        if self.as_postgres:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
        if proc.returncode != 0:
            log = self.base / "server.log"
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise RuntimeError(
                f"{' '.join(cmd)} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}\n{tail}"
            )

    def start(self) -> None:
        self.socket_dir.mkdir(parents=True)
        if self.as_postgres:
            shutil.chown(self.base, "postgres", "postgres")
            shutil.chown(self.socket_dir, "postgres", "postgres")
        self._run("initdb", "-D", str(self.data_dir), "-U", PG_USER, "-A", "trust",
                  "-E", "UTF8", "--locale=C.UTF-8", "--no-sync")
        self.port = free_port()
        options = (f"-p {self.port} -k {self.socket_dir} -c listen_addresses=127.0.0.1 "
                   "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
                   "-c max_connections=100")
        self._run("pg_ctl", "-D", str(self.data_dir), "-l", str(self.base / "server.log"),
                  "-w", "-t", "60", "-o", options, "start")
        self.running = True

    def stop(self) -> None:
        if self.running:
            self.running = False
            try:
                self._run("pg_ctl", "-D", str(self.data_dir), "-m", "immediate", "-w", "stop")
            finally:
                shutil.rmtree(self.base, ignore_errors=True)

    def url(self, dbname: str) -> str:
        return f"postgresql+psycopg://{PG_USER}@127.0.0.1:{self.port}/{dbname}"

    def admin(self) -> psycopg.Connection:
        return psycopg.connect(host="127.0.0.1", port=self.port, user=PG_USER,
                               dbname="postgres", autocommit=True)

    def create_database(self, name: str, template: str | None = None) -> str:
        with self.admin() as conn:
            sql = f'CREATE DATABASE "{name}"'
            if template:
                sql += f' TEMPLATE "{template}" STRATEGY FILE_COPY'
            conn.execute(sql)
        self._dbs.add(name)
        return self.url(name)

    def drop_database(self, name: str) -> None:
        with self.admin() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self._dbs.discard(name)


def start_server() -> PgServer:
    bin_dir = find_pg_bin()
    if bin_dir is None:
        pytest.fail(
            "PostgreSQL server binaries not found (looked in "
            f"{PG_BIN_GLOB}; set POSKO_PG_BIN to another folder). Install the Debian package "
            "`postgresql` (`bash installer/setup-debian.sh --test` does it); the server-mode "
            "tests need a real server and are never skipped.",
            pytrace=False,
        )
    as_postgres = os.geteuid() == 0
    if as_postgres and shutil.which("runuser") is None:
        pytest.fail("Running as root needs `runuser` to start PostgreSQL as the postgres user",
                    pytrace=False)
    # As root the server runs as `postgres`, which must be able to reach the folder: use
    # /tmp itself rather than a TMPDIR that may sit under root's home.
    base = Path(tempfile.mkdtemp(prefix="posko-pg-", dir="/tmp" if as_postgres else None))
    server = PgServer(bin_dir, base, as_postgres=as_postgres)
    atexit.register(server.stop)  # also when the session dies half-way
    try:
        server.start()
    except Exception as err:
        server.stop()
        shutil.rmtree(base, ignore_errors=True)
        pytest.fail(f"Could not start the test PostgreSQL server: {err}", pytrace=False)
    return server


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    """One real PostgreSQL server for the whole session (each xdist worker has its own)."""
    server = start_server()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def pg_template(pg_server: PgServer) -> str:
    """A database migrated to head once; tests get copies of it."""
    url = pg_server.create_database(TEMPLATE)
    db = open_database(url)
    db.dispose()  # a template must have no open connections
    return TEMPLATE


@pytest.fixture
def pg_url(pg_server: PgServer, pg_template: str) -> Iterator[str]:
    """URL of a fresh, migrated, empty PostgreSQL database (no site yet)."""
    name = f"t_{os.getpid()}_{next(_names)}"
    yield pg_server.create_database(name, template=pg_template)
    pg_server.drop_database(name)


@pytest.fixture
def pg_empty_url(pg_server: PgServer) -> Iterator[str]:
    """URL of a new, completely empty PostgreSQL database (not migrated)."""
    name = f"e_{os.getpid()}_{next(_names)}"
    yield pg_server.create_database(name)
    pg_server.drop_database(name)


@pytest.fixture
def pg_db(pg_url: str) -> Iterator[Database]:
    database = open_database(pg_url)
    yield database
    database.dispose()
