"""Reading an exported JSON file: strict UTF-8, a cut-off file told apart from a broken one."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

from posko_desktop.core.i18n import N_
from posko_desktop.core.medsos.drafts import MedsosError
from posko_desktop.core.medsos.intake.common import decode_utf8, read_limited, truncated

logger = logging.getLogger(__name__)


def load_json(path: Path) -> Any:
    return parse_json(decode_utf8(read_limited(path), path.name), path.name)


def parse_json(text: str, name: str) -> Any:
    try:
        return json.loads(text)
    except RecursionError as err:
        raise MedsosError(N_("{name} is nested too deeply to be read"), name=name) from err
    except json.JSONDecodeError as err:
        logger.warning("Broken JSON %s: %s", name, err)
        if err.pos >= len(text.rstrip()) or err.msg.startswith("Unterminated string"):
            raise truncated(name) from err
        raise MedsosError(N_("{name} is not valid JSON (line {line}, column {column}); "
                             "export it again"), name=name, line=err.lineno,
                          column=err.colno) from err


def as_int(value: Any) -> int | None:
    """A count from JSON: an int, or digits in a string; anything else is unknown."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int) and value >= 0:
        return value
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return None


def as_str(value: Any) -> str:
    """A text from JSON: a string, or an integer id written as a number."""
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return ""
