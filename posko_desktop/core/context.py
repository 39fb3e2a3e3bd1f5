"""What every service call needs: the database, who is acting, the event bus, the clock."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from posko_desktop.core.db.engine import Database
from posko_desktop.core.db.models import LocalSite
from posko_desktop.core.domain import Actor, PoskoError
from posko_desktop.core.events import EventBus
from posko_desktop.core.hlc import next_stamp
from posko_desktop.core.i18n import N_
from posko_desktop.core.keyring import Keyring
from posko_desktop.core.timeutil import utcnow


class SiteNotInitialised(PoskoError):
    code = "not_initialised"


@dataclass
class AppContext:
    db: Database
    actor: Actor
    bus: EventBus = field(default_factory=EventBus)
    clock: Callable[[], datetime] = utcnow
    keyring: Keyring = field(default_factory=Keyring)  # the site key unwrapped at login

    def as_actor(self, actor: Actor) -> AppContext:
        """The same database, bus and keyring, acting as someone else (e.g. after a login)."""
        return AppContext(self.db, actor, self.bus, self.clock, self.keyring)

    def now(self) -> datetime:
        return self.clock()


def local_site(session: Session) -> LocalSite:
    site = session.scalars(select(LocalSite)).first()
    if site is None:
        raise SiteNotInitialised(
            N_("This database has no site yet. Run: posko init --site CODE --site-name NAME")
        )
    return site


def new_stamp(session: Session, now: datetime) -> str:
    """Next modification stamp of this site; call inside a write transaction."""
    site = local_site(session)
    stamp = next_stamp(site.last_stamp or None, int(now.timestamp() * 1000), site.code)
    site.last_stamp = stamp
    return stamp


def new_stamps(session: Session, now: datetime, count: int) -> list[str]:
    """`count` next modification stamps of this site at once (one read of the site row)."""
    site = local_site(session)
    stamps: list[str] = []
    last = site.last_stamp or None
    for _ in range(count):
        last = next_stamp(last, int(now.timestamp() * 1000), site.code)
        stamps.append(last)
    if stamps:
        site.last_stamp = stamps[-1]
    return stamps


def observe_stamp(session: Session, stamp: str) -> None:
    """Advance the local clock past a stamp seen from another site (sync import)."""
    site = local_site(session)
    if stamp > (site.last_stamp or ""):
        site.last_stamp = stamp
