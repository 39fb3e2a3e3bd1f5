"""Server mode: backups with PostgreSQL's own client tools (`pg_dump -Fc`, `pg_restore`).

The tools must be installed on the workstation (Debian: `postgresql-client`; Windows: the
"Command Line Tools" of the PostgreSQL installer) and be at least the server's version.
They are found through `POSKO_PG_BIN`, then PATH, then `/usr/lib/postgresql/*/bin`. The
password never goes on a command line: it comes from the URL into `PGPASSWORD`, or from
libpq's usual places (`~/.pgpass`, `PGPASSWORD`).
"""

from __future__ import annotations

import glob
import logging
import os
import shutil
import subprocess
from pathlib import Path

from sqlalchemy.engine import make_url

from posko_desktop.core.domain import PoskoError
from posko_desktop.core.i18n import N_

logger = logging.getLogger(__name__)

BIN_GLOBS = ("/usr/lib/postgresql/*/bin", "C:/Program Files/PostgreSQL/*/bin")
TIMEOUT_S = 6 * 3600


class PgToolError(PoskoError):
    code = "pg_tool"


def find_tool(name: str) -> Path:
    override = os.environ.get("POSKO_PG_BIN")
    if override and (Path(override) / name).exists():
        return Path(override) / name
    on_path = shutil.which(name)
    if on_path:
        return Path(on_path)
    found = [Path(p) / name for pattern in BIN_GLOBS for p in glob.glob(pattern)
             if (Path(p) / name).exists() or (Path(p) / (name + ".exe")).exists()]
    if found:
        return max(found, key=lambda p: _version_key(p.parent.parent.name))
    raise PgToolError(
        N_("{tool} is not installed on this computer, so the server database cannot be "
           "backed up or restored from here. Install the PostgreSQL client tools (Debian: "
           "apt-get install postgresql-client) or set POSKO_PG_BIN to their folder."),
        tool=name)


def _version_key(text: str) -> tuple[int, ...]:
    return tuple(int(x) for x in text.split(".") if x.isdigit()) or (0,)


def libpq_target(url: str) -> tuple[str, dict[str, str]]:
    """A libpq connection URI without the password, and the environment to run with."""
    parsed = make_url(url)
    env = dict(os.environ)
    if parsed.password:
        env["PGPASSWORD"] = str(parsed.password)
    plain = parsed.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _run(args: list[str], env: dict[str, str], what: str) -> None:
    logger.info("Running %s", " ".join(args[:2]))
    try:
        proc = subprocess.run(args, env=env, capture_output=True, text=True, timeout=TIMEOUT_S,
                              check=False)
    except OSError as err:
        raise PgToolError(N_("{tool} could not be started: {error}"), tool=args[0],
                          error=str(err)) from None
    if proc.returncode != 0:
        detail = (proc.stderr or proc.stdout).strip().splitlines()
        logger.warning("%s failed (%s): %s", what, proc.returncode, proc.stderr.strip())
        raise PgToolError(N_("{tool} failed: {detail}"), tool=Path(args[0]).name,
                          detail=detail[-1] if detail else str(proc.returncode))


def dump(url: str, target: Path) -> None:
    """`pg_dump --format=custom` of the whole database into the (new, private) file."""
    uri, env = libpq_target(url)
    _run([str(find_tool("pg_dump")), "--format=custom", "--no-owner", "--no-privileges",
          "--file", str(target), "--dbname", uri], env, "pg_dump")


def check_dump(path: Path) -> None:
    """`pg_restore --list` reads the whole table of contents: a cut or foreign file fails."""
    _run([str(find_tool("pg_restore")), "--list", str(path)], dict(os.environ), "pg_restore --list")


def restore(url: str, path: Path) -> None:
    """Replace the database's contents with the dump, in one transaction (all or nothing)."""
    uri, env = libpq_target(url)
    _run([str(find_tool("pg_restore")), "--clean", "--if-exists", "--single-transaction",
          "--exit-on-error", "--no-owner", "--no-privileges", "--dbname", uri, str(path)],
         env, "pg_restore")
