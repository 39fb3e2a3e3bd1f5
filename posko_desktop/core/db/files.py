"""File-level helpers for database files and backups: owner-only permissions, durable
writes (temporary name, fsync, rename, fsync the folder).

Never open an SQLite database file that this process may have a connection to with plain
`open()`: closing any descriptor of the file drops every POSIX lock the process holds on
it, including those of its SQLite connections (SQLite, "How To Corrupt An SQLite Database
File", 2.2). Everything here works on paths (stat, chmod, rename) or on files that are not
an open database (new files, backup copies this process has closed).
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

logger = logging.getLogger(__name__)

OWNER_ONLY = 0o600
OWNER_ONLY_DIR = 0o700
SIDECAR_SUFFIXES = ("-wal", "-shm", "-journal")
_CHUNK = 1 << 20


def sidecars(path: Path) -> list[Path]:
    """The files SQLite keeps next to a database (they hold committed or pending data)."""
    return [path.with_name(path.name + suffix) for suffix in SIDECAR_SUFFIXES]


def make_private_dir(path: Path) -> None:
    """Create a folder (and its parents) readable by the owner only when it is new."""
    path.mkdir(mode=OWNER_ONLY_DIR, parents=True, exist_ok=True)


def create_private_file(path: Path) -> None:
    """Create an empty file with mode 0600 (the umask cannot widen it); fails if it exists.

    SQLite gives its -wal, -shm and -journal files the mode of the database file, so a
    database created this way keeps all of its data owner-only."""
    make_private_dir(path.parent)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, OWNER_ONLY)
    os.close(fd)  # a new file: no SQLite connection to it exists yet


def restrict_to_owner(path: Path) -> None:
    """Remove group and other permissions from an existing database file and its sidecars
    (files made by versions before this rule were 0644). POSIX only; a file that belongs
    to another account is left as it is."""
    if os.name != "posix":
        return
    for file in (path, *sidecars(path)):
        try:
            st = file.stat()
            if st.st_mode & 0o077 and st.st_uid == os.geteuid():
                os.chmod(file, st.st_mode & 0o700)
                logger.info("Made %s readable by its owner only", file)
        except FileNotFoundError:
            continue
        except OSError as err:  # read-only medium, immutable file: not ours to change
            logger.info("Could not restrict the permissions of %s: %s", file, err)


def fsync_dir(folder: Path) -> None:
    """Make a rename in `folder` durable (POSIX; Windows has no directory handles)."""
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    except OSError as err:  # some network file systems refuse fsync on a folder
        logger.info("fsync of folder %s: %s", folder, err)
    finally:
        os.close(fd)


def fsync_file(path: Path) -> None:
    """fsync a file this process has no database connection to (a new backup copy)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def temp_name(target: Path) -> Path:
    """A hidden name next to `target` for writing it before the final rename."""
    return target.with_name(".{name}.{tag}.partial".format(name=target.name,
                                                          tag=uuid.uuid4().hex[:8]))


@contextmanager
def durable_target(target: Path) -> Iterator[Path]:
    """Yield a private temporary path next to `target`; when the block ends without error
    the file is fsynced and renamed onto `target` and the folder fsynced. On error the
    temporary file is removed and `target` is untouched (USB drives and network shares
    that vanish mid-write leave at most a `.partial` file)."""
    make_private_dir(target.parent)
    tmp = temp_name(target)
    try:
        yield tmp
        fsync_file(tmp)
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    fsync_dir(target.parent)


def write_private_bytes(target: Path, data: bytes) -> None:
    """Write a small file (a manifest) durably with mode 0600."""
    with durable_target(target) as tmp:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, OWNER_ONLY)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)


def copy_private(source: Path, target: Path,
                 on_bytes: Callable[[int], None] | None = None) -> str:
    """Copy a closed file (a backup, never a live database) durably to `target` with mode
    0600; returns the SHA-256 of the bytes written."""
    digest = hashlib.sha256()
    with durable_target(target) as tmp:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, OWNER_ONLY)
        with source.open("rb") as src, os.fdopen(fd, "wb") as dst:
            done = 0
            while chunk := src.read(_CHUNK):
                dst.write(chunk)
                digest.update(chunk)
                done += len(chunk)
                if on_bytes is not None:
                    on_bytes(done)
    return digest.hexdigest()


def sha256_of(path: Path, on_bytes: Callable[[int], None] | None = None) -> str:
    """SHA-256 of a closed file (a backup copy), read in 1 MiB chunks."""
    digest = hashlib.sha256()
    done = 0
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
            done += len(chunk)
            if on_bytes is not None:
                on_bytes(done)
    return digest.hexdigest()


def free_bytes(folder: Path) -> int | None:
    try:
        return shutil.disk_usage(folder).free
    except OSError:
        return None


def same_file(a: Path, b: Path) -> bool:
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return False
