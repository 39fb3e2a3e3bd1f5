"""Several sites on one machine: one SQLite file and one key per site, all trusting each
other (public keys exchanged as files, fingerprints confirmed as an admin would)."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import text

from posko_desktop.core.context import AppContext
from posko_desktop.core.db.session import open_database
from posko_desktop.core.domain import Actor
from posko_desktop.core.services import incidents as inc
from posko_desktop.core.services import reference
from posko_desktop.core.services import sync as svc
from posko_desktop.core.services.incidents import IncidentInput
from posko_desktop.core.sync import keys


@dataclass
class Site:
    code: str
    ctx: AppContext
    keys_dir: Path
    path: Path
    key_file: Path


def make_site(template: Path, base: Path, code: str, name: str) -> Site:
    folder = base / ("site-" + code.replace(".", ""))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "posko.sqlite3"
    shutil.copy(template, path)
    db = open_database(path)
    ctx = AppContext(db, Actor("admin-" + code, "admin", "Admin " + code))
    reference.init_site(ctx, code, name)
    keys_dir = folder / "keys"
    keys.ensure_keypair(keys_dir, code)
    key_file = folder / "site.poskokey"
    svc.export_public_key(ctx, keys_dir, key_file)
    return Site(code, ctx, keys_dir, path, key_file)


def trust_all(sites: list[Site]) -> None:
    for a in sites:
        for b in sites:
            if a is not b:
                info = svc.inspect_key_file(b.key_file)
                svc.trust_key(a.ctx, b.key_file, info.short_fingerprint)


@pytest.fixture
def sites(template_db: Path, tmp_path: Path):
    made = [make_site(template_db, tmp_path, "33", "Provinsi"),
            make_site(template_db, tmp_path, "33.22", "Kab. Semarang"),
            make_site(template_db, tmp_path, "33.74", "Kota Semarang")]
    trust_all(made)
    yield made
    for s in made:
        s.ctx.db.dispose()


def sample(**overrides) -> IncidentInput:
    values = dict(
        regency_code="33.22", title="Hoaks surat suara sudah dicoblos", category_code="A1",
        severity="tinggi", occurred_at=datetime(2024, 11, 26, 20, 30),
        reported_at=datetime(2024, 11, 26, 21, 0), source_type="media_sosial",
        description="Beredar video", kecamatan="Ungaran Barat", desa="Lerep",
        location="Balai desa", people_involved=3,
    )
    values.update(overrides)
    return IncidentInput(**values)


def add_incident(site: Site, **overrides):
    return inc.create_incident(site.ctx, sample(**overrides))


def table_dump(site: Site) -> dict[str, list[tuple]]:
    """Every row of every table (row-for-row comparison after a refused import)."""
    out = {}
    with site.ctx.db.engine.connect() as conn:
        names = [r[0] for r in conn.execute(text(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' "
            "AND name NOT LIKE 'incident_fts%' ORDER BY name"))]
        for name in names:
            out[name] = sorted(map(tuple, conn.execute(text(f'SELECT * FROM "{name}"'))), key=repr)
    return out


def send(src: Site, dst: Site, tmp: Path, full: bool = False, name: str | None = None):
    out = tmp / (name or "{a}-to-{b}-{n}.posko".format(
        a=src.code, b=dst.code, n=len(list(tmp.glob("*.posko")))))
    svc.export_package(src.ctx, src.keys_dir, dst.code, out, full=full)
    return out
