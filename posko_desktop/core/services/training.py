"""Training mode (issue 19): a database knows whether it is a training database.

The mark is the setting `site.training`, written once when the database becomes a site
(`posko init --training`, the window's first start in training mode) and never changed
after. Demo data only goes into a training database unless an admin explicitly allows a
live one (audited); every output of a training database carries the LATIHAN marking, and
packages never cross between training and live databases (docs/decisions.md).
"""

from __future__ import annotations

import logging

from sqlalchemy.orm import Session

from posko_desktop.core import settings
from posko_desktop.core.context import AppContext
from posko_desktop.core.db.models import LocalSite
from posko_desktop.core.domain import PoskoError
from posko_desktop.core.i18n import N_
from posko_desktop.core.services import audit
from posko_desktop.core.services.authz import Permission, require

logger = logging.getLogger(__name__)

TRAINING_FILE_NAME = "posko-latihan.sqlite3"


class TrainingModeError(PoskoError):
    code = "training_mode"


def is_training(ctx: AppContext) -> bool:
    with ctx.db.read() as s:
        return bool(settings.get(s, settings.SITE_TRAINING))


def write_mark(s: Session, ctx: AppContext, training: bool) -> None:
    """Mark a database that is just becoming a site as a training one (caller's
    transaction). A live database writes nothing: the missing row reads as live."""
    if not training:
        return
    now = ctx.now()
    settings.put(s, settings.SITE_TRAINING, True, ctx.actor.username, now)
    audit.record(s, ctx.actor, "setting.change", "setting", settings.SITE_TRAINING.key,
                 before=None, after={settings.SITE_TRAINING.key: True}, at=now)


def check_mark(s: Session, training: bool) -> None:
    """An existing site keeps its mode: refused when `training` asks for the other one."""
    current = bool(settings.get(s, settings.SITE_TRAINING))
    if current != training:
        raise TrainingModeError(
            N_("This is a training database; it cannot become a live one")
            if current else
            N_("This is a live database; it cannot become a training database (create a "
               "new one with --training)"))


def allow_demo_data(ctx: AppContext, *, allow_live_database: bool) -> bool:
    """Demo data goes into a training database. A live database refuses it unless an admin
    gives `allow_live_database`. Returns True when the load goes into a live database: the
    caller then calls `record_live_demo_data` after the load (audited, logged)."""
    with ctx.db.read() as s:
        if s.get(LocalSite, 1) is None:  # not set up: demo.generate says "posko init"
            return False
    if is_training(ctx):
        return False
    if not allow_live_database:
        logger.info("Demo data refused on live database %s", ctx.db.display_location)
        raise TrainingModeError(
            N_("This is the live database: demo data only goes into a training database "
               "(posko init --training, or File → Training mode). An administrator may "
               "force it with --allow-live-database."))
    require(ctx.actor, Permission.SETTINGS_MANAGE)
    return True


def record_live_demo_data(ctx: AppContext, incidents: int) -> None:
    """Audit an admin's demo-data load into a live database (after the load committed)."""
    now = ctx.now()
    with ctx.db.write() as s:
        audit.record(s, ctx.actor, "demo.allow_live", "setting", settings.SITE_TRAINING.key,
                     before=None, after={"allow_live_database": True, "incidents": incidents},
                     at=now)
    logger.warning("Demo data (%s incidents) put into live database %s by %s", incidents,
                   ctx.db.display_location, ctx.actor.username)


def check_package_mode(s: Session, package_training: bool, file: str) -> None:
    """A live database refuses a package made by a training database and a training
    database one made by a live database (the importer's transaction; nothing written)."""
    training = bool(settings.get(s, settings.SITE_TRAINING))
    if package_training == training:
        return
    logger.info("Package %s refused: package training=%s, database training=%s", file,
                package_training, training)
    if package_training:
        raise TrainingModeError(N_("{file} comes from a training database (LATIHAN); a live "
                                   "database does not import it"), file=file)
    raise TrainingModeError(N_("{file} comes from a live database; a training database "
                               "does not import it"), file=file)
