"""Anchors of audit trails kept outside the database that wrote them (migration 0009).

`in`: the audit head a partner site put in the signed manifest of a package it sent here
(the province holds every regency's). `out`: this site's own head as sent in a package.
See docs/roles.md ("Anchors") and services/audit_anchors.py.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from posko_desktop.core.db.base import Base


class AuditAnchor(Base):
    __tablename__ = "audit_anchor"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    direction: Mapped[str] = mapped_column(String(3))  # in | out
    site_code: Mapped[str] = mapped_column(String(5), index=True)  # whose trail
    peer_site: Mapped[str] = mapped_column(String(5))  # in: the sender; out: the recipient
    entry_id: Mapped[int] = mapped_column(Integer)  # the trail's newest entry (0: empty)
    hash: Mapped[str] = mapped_column(String(64))
    entry_at: Mapped[datetime | None]  # when that entry was written
    package_id: Mapped[uuid.UUID]
    recorded_at: Mapped[datetime]

    __table_args__ = (UniqueConstraint("direction", "package_id"),)
