"""A site in server mode (PostgreSQL) exports packages like a site on SQLite."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from posko_desktop.core.context import AppContext
from posko_desktop.core.db.models import FollowUp, Incident
from posko_desktop.core.domain import Actor
from posko_desktop.core.services import accounts, reference
from posko_desktop.core.services import incidents as inc
from posko_desktop.core.services import sync as svc

from .conftest import ADMIN_PASSWORD, sample


@pytest.mark.postgres
def test_a_server_mode_site_exports_and_a_file_site_imports_it_all(pg_db, sites, tmp_path):
    """The export streams its records with a server-side cursor; the sync log and audit
    rows it writes afterwards must not go through that cursor (they did: "DECLARE ...
    CURSOR FOR INSERT" ended every export in server mode)."""
    office = sites[1]  # 33.22 on SQLite
    setup = AppContext(pg_db, Actor("admin-33", "admin"))
    reference.init_site(setup, "33", "Provinsi (server)")
    admin = accounts.create_first_admin(setup, "admin-33", ADMIN_PASSWORD, "Admin 33")
    server = setup.as_actor(admin.actor)
    key_file = tmp_path / "server.poskokey"
    svc.export_public_key(server, tmp_path / "keys", key_file)
    svc.trust_key(office.ctx, key_file, svc.inspect_key_file(key_file).short_fingerprint)
    made = [inc.create_incident(server, sample(title=f"Kejadian server {i}")) for i in range(5)]
    inc.add_followup(server, made[0].id, "Dikonfirmasi ke Bawaslu")
    package = tmp_path / "server-to-3322.posko"
    result = svc.export_package(server, tmp_path / "keys", "33.22", package, full=True)
    assert result.counts["incidents"] == 5
    svc.import_package(office.ctx, package)
    with office.ctx.db.read() as s:
        titles = set(s.scalars(select(Incident.title).where(Incident.origin_site == "33")))
        notes = s.scalar(select(func.count()).select_from(FollowUp)
                         .where(FollowUp.text == "Dikonfirmasi ke Bawaslu"))
    assert titles == {f"Kejadian server {i}" for i in range(5)}
    assert notes == 1
