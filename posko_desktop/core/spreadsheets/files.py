"""Write a file completely or not at all: into a hidden sibling, renamed when done."""

from __future__ import annotations

import logging
import os
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from posko_desktop.core.domain import PoskoError
from posko_desktop.core.i18n import N_

logger = logging.getLogger(__name__)
T = TypeVar("T")


class FileWriteError(PoskoError):
    code = "file_write"


def write_atomically(out: Path, write: Callable[[Path], T]) -> T:
    """`write(tmp)` fills a temporary sibling of `out` (created with the user's umask, unlike
    `mkstemp`'s 0600), which then replaces `out`; on any failure or cancel it is removed."""
    tmp = out.with_name(".{}.{}.tmp".format(out.name, uuid.uuid4().hex[:12]))
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        result = write(tmp)
        os.replace(tmp, out)
    except OSError as err:
        _remove(tmp)
        logger.warning("Cannot write %s: %s", out, err)
        raise FileWriteError(N_("Cannot write {path}: {error}"), path=str(out),
                             error=err.strerror or str(err)) from err
    except BaseException:
        _remove(tmp)
        raise
    return result


def _remove(tmp: Path) -> None:
    try:
        tmp.unlink(missing_ok=True)
    except OSError:  # e.g. the folder itself is not there
        pass
