"""Audit trail entry point. Services call `record()` inside their write transaction.

Placeholder until the accounts/audit feature lands: it only logs. That feature replaces
the body with the append-only, hash-chained `audit_log` table; the signature stays.
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy.orm import Session

from posko_desktop.core.domain import Actor

logger = logging.getLogger(__name__)


def record(session: Session, actor: Actor, action: str, record_type: str, record_id: str,
           *, before: dict[str, Any] | None, after: dict[str, Any] | None,
           detail: str = "") -> None:
    logger.debug("audit %s %s %s/%s", actor.username, action, record_type, record_id)
