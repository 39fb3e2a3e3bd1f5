"""Several sites on one machine: one SQLite file and one key per site, all trusting each
other (public keys exchanged as files, fingerprints confirmed as an admin would). Each site
has its first administrator, whose session holds the site key (made with that account)."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest
from argon2 import PasswordHasher, Type
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import inspect, text

from posko_desktop.core.context import AppContext
from posko_desktop.core.db.engine import Database
from posko_desktop.core.db.session import open_database
from posko_desktop.core.domain import Actor, PoskoError
from posko_desktop.core.services import accounts, reference
from posko_desktop.core.services import incidents as inc
from posko_desktop.core.services import sync as svc
from posko_desktop.core.services.incidents import IncidentInput
from posko_desktop.core.sync import keywrap
from posko_desktop.core.sync.package import PackageError

ADMIN_PASSWORD = "Kunci-Situs-Aman-1"


@pytest.fixture(autouse=True)
def cheap_crypto(monkeypatch):
    """Cheap Argon2 parameters for hashes and key wrapping (tests only; see
    tests/accounts/conftest.py)."""
    monkeypatch.setattr(accounts, "PASSWORD_HASHER",
                        PasswordHasher(time_cost=1, memory_cost=64, parallelism=1, type=Type.ID))
    monkeypatch.setattr(keywrap, "KDF", keywrap.KdfParams(1, 64, 1))


@dataclass
class Site:
    code: str
    ctx: AppContext
    keys_dir: Path
    path: Path | str  # the SQLite file, or the server database's URL (server mode)
    key_file: Path

    @property
    def key(self) -> Ed25519PrivateKey:
        """The site key as the logged-in administrator's session holds it."""
        key = self.ctx.keyring.get(self.ctx.actor.username)
        assert key is not None
        return key


def make_site(template: Path, base: Path, code: str, name: str, training: bool = False) -> Site:
    folder = base / ("site-" + code.replace(".", ""))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "posko.sqlite3"
    shutil.copy(template, path)
    return start_site(open_database(path), folder, code, name, path, training)


def start_site(db: Database, folder: Path, code: str, name: str, where: Path | str,
               training: bool = False) -> Site:
    """A new site on `db` (a file, or a database on the server: `where` is its URL) with its
    first administrator, logged in, and its public key file exported."""
    setup = AppContext(db, Actor("admin-" + code, "admin", "Admin " + code))
    reference.init_site(setup, code, name, training=training)
    admin = accounts.create_first_admin(setup, "admin-" + code, ADMIN_PASSWORD, "Admin " + code)
    ctx = setup.as_actor(admin.actor)
    keys_dir = folder / "keys"
    key_file = folder / "site.poskokey"
    svc.export_public_key(ctx, keys_dir, key_file)
    return Site(code, ctx, keys_dir, where, key_file)


def trust_all(sites: list[Site]) -> None:
    for a in sites:
        for b in sites:
            if a is not b:
                info = svc.inspect_key_file(b.key_file)
                svc.trust_key(a.ctx, b.key_file, info.short_fingerprint)


def with_offices(province: Site, template: Path, base: Path) -> list[Site]:
    """The province and the two regency offices 33.22 and 33.74, all trusting each other."""
    made = [province, make_site(template, base, "33.22", "Kab. Semarang"),
            make_site(template, base, "33.74", "Kota Semarang")]
    trust_all(made)
    return made


@pytest.fixture
def sites(template_db: Path, tmp_path: Path):
    made = with_offices(make_site(template_db, tmp_path, "33", "Provinsi"), template_db, tmp_path)
    yield made
    for s in made:
        s.ctx.db.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def any_sites(request, template_db: Path, tmp_path: Path):
    """Like `sites`, with the province on SQLite or in server mode (its database on the
    real test server, tests/pgserver.py); the regency offices are files."""
    if request.param == "sqlite":
        return request.getfixturevalue("sites")
    url = request.getfixturevalue("pg_url")
    folder = tmp_path / "site-33-server"
    folder.mkdir()
    server = start_site(open_database(url), folder, "33", "Provinsi (server)", url)
    made = with_offices(server, template_db, tmp_path)
    for s in made:
        request.addfinalizer(s.ctx.db.dispose)
    return made


def sample(**overrides) -> IncidentInput:
    values = dict(
        regency_code="33.22", title="Hoaks surat suara sudah dicoblos", category_code="A1",
        severity="tinggi", occurred_at=datetime(2024, 11, 26, 20, 30),
        reported_at=datetime(2024, 11, 26, 21, 0), source_type="media_sosial",
        description="Beredar video", kecamatan="Ungaran Barat", desa="Lerep",
        location="Balai desa", people_involved=3,
    )
    if overrides.get("regency_code", "33.22") not in ("33.22", "3322"):
        values.update(kecamatan="", desa="")  # Ungaran Barat and Lerep lie in Kab. Semarang
    values.update(overrides)
    return IncidentInput(**values)


def add_incident(site: Site, **overrides):
    return inc.create_incident(site.ctx, sample(**overrides))


# what the login of each CLI command writes (its `auth.*` audit entries, the audit head,
# the account row): a refused command may change nothing else
LOGIN_TABLES = ("audit_head", "user_account")
LOGIN_AUDIT = "action NOT LIKE 'auth.%'"


def table_dump(site: Site, with_login: bool = True) -> dict[str, list[tuple]]:
    """Every row of every table, on SQLite or PostgreSQL (row-for-row comparison after a
    refused import); `with_login=False` leaves out what a command's own login writes."""
    out = {}
    with site.ctx.db.engine.connect() as conn:
        names = [n for n in inspect(conn).get_table_names()
                 if not n.startswith("incident_fts") and (with_login or n not in LOGIN_TABLES)]
        for name in names:
            where = "" if with_login or name != "audit_log" else " WHERE " + LOGIN_AUDIT
            rows = conn.execute(text(f'SELECT * FROM "{name}"{where}'))
            out[name] = sorted(map(tuple, rows), key=repr)
    return out


def send(src: Site, dst: Site, tmp: Path, full: bool = False, name: str | None = None):
    out = tmp / (name or "{a}-to-{b}-{n}.posko".format(
        a=src.code, b=dst.code, n=len(list(tmp.glob("*.posko")))))
    svc.export_package(src.ctx, src.keys_dir, dst.code, out, full=full)
    return out


PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4


def office_package(sites: list[Site], tmp_path: Path) -> Path:
    """A real package from the Kab. Semarang office to the province, with a follow-up,
    a deleted incident and an attachment."""
    prov, kab, _kota = sites
    a = add_incident(kab)
    inc.add_followup(kab.ctx, a.id, "Dicek ke lokasi")
    inc.attach(kab.ctx, a.id, "bukti.png", PNG)
    b = add_incident(kab, title="Perusakan APK", category_code="E1")
    inc.set_deleted(kab.ctx, b.id, True, "dobel")
    return send(kab, prov, tmp_path)


@pytest.fixture
def package(sites, tmp_path):
    return office_package(sites, tmp_path)


@pytest.fixture
def any_package(any_sites, tmp_path):
    """`package`, for the province of `any_sites` (SQLite or server mode)."""
    return office_package(any_sites, tmp_path)


def refused(site, path, **kwargs) -> PackageError | PoskoError:
    before = table_dump(site)
    with pytest.raises(PoskoError) as info:
        svc.import_package(site.ctx, path, **kwargs)
    assert table_dump(site) == before
    assert path.name in info.value.text()
    return info.value
