"""The directory's phone list to print (issue 18): every active agency with active contact
persons, grouped by level, on one A4 page (`reports/phone_list.py`)."""

from __future__ import annotations

import logging
from pathlib import Path

from posko_desktop.core import settings
from posko_desktop.core.context import AppContext
from posko_desktop.core.domain import AgencyLevel
from posko_desktop.core.i18n import _, current_language
from posko_desktop.core.reports.phone_list import PhoneGroup, PhoneLine, phone_list_pdf
from posko_desktop.core.services.authz import Permission, require
from posko_desktop.core.services.directory import agencies_in
from posko_desktop.core.spreadsheets.files import write_atomically
from posko_desktop.core.textrules import training_marking

logger = logging.getLogger(__name__)


def phone_groups(ctx: AppContext) -> list[PhoneGroup]:
    """By level (pusat, provinsi, kabupaten/kota), agencies by name, contacts by name."""
    with ctx.db.read() as s:
        agencies = agencies_in(s, with_contacts=True)
    groups = []
    for level in AgencyLevel:
        lines = tuple(PhoneLine(a.name, c.name, c.function, c.phone, c.whatsapp)
                      for a in agencies if a.level == level for c in a.contacts)
        if lines:
            groups.append(PhoneGroup(level.label, lines))
    return groups


def write_phone_list(ctx: AppContext, out: Path) -> int:
    """The phone list as a PDF (written atomically); returns the number of contacts."""
    require(ctx.actor, Permission.EXPORT)
    with ctx.db.read() as s:
        training = training_marking() if settings.get(s, settings.SITE_TRAINING) else ""
    groups = phone_groups(ctx)
    data = phone_list_pdf(_("Phone list of the Posko Desk Pilkada"), groups, ctx.now(),
                          current_language(), training)
    write_atomically(out, lambda tmp: tmp.write_bytes(data))
    count = sum(len(g.lines) for g in groups)
    logger.info("Phone list (%d contacts) written to %s", count, out)
    return count
