"""The prepared sites the fuzzer attacks: a province (33) that has exchanged packages with
two regency offices (33.22 and 33.74), and a real package of 33.22 for the province that
the generator mutates (tests/fuzz/README.md).

The base package holds 33.22's own incidents (live and deleted, follow-ups, two PNG
attachments), province records 33.22 edited (held at the province), 33.74's records that
the province relayed to 33.22 (with 33.74's signed manifest in `provenance/`), and an ack
of the province's package. The province has imported an earlier package of 33.22 (so
replays exist) and the province database is closed and copied for every case.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from argon2 import PasswordHasher, Type
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat

# tests/ is on sys.path (pytest's rootdir-less layout; bench_fuzz.py adds it)
from sync.conftest import ADMIN_PASSWORD, PNG, add_incident, make_site, send, trust_all

from posko_desktop.core.db.session import open_database
from posko_desktop.core.services import accounts
from posko_desktop.core.services import incidents as inc
from posko_desktop.core.services import sync as svc
from posko_desktop.core.sync import keywrap

PNG_2 = b"\x89PNG\r\n\x1a\n" + bytes(range(255, -1, -1)) * 2
PROVINCE_USER = "admin-33"


CHEAP_HASHER = PasswordHasher(time_cost=1, memory_cost=64, parallelism=1, type=Type.ID)
CHEAP_KDF = keywrap.KdfParams(1, 64, 1)


def cheap_crypto() -> None:
    """The cheap Argon2 parameters of the tests (tests/sync/conftest.py) for the rest of
    the process (the bench; tests patch them with monkeypatch): every case logs in once."""
    accounts.PASSWORD_HASHER = CHEAP_HASHER
    keywrap.KDF = CHEAP_KDF


@dataclass(frozen=True)
class World:
    folder: Path
    province_db: Path  # closed; copied for each case, never opened in place
    base: Path  # 33.22's package for the province (sequence 2, not imported there)
    replayed: Path  # 33.22's earlier package (sequence 1, imported at the province)
    sender_key: bytes  # 33.22's private key (raw): the attacker holds a trusted key
    password: str = ADMIN_PASSWORD
    user: str = PROVINCE_USER

    def key(self) -> Ed25519PrivateKey:
        return Ed25519PrivateKey.from_private_bytes(self.sender_key)


def build(folder: Path) -> World:
    """Make the sites and packages in `folder` (about two seconds); with cheap crypto
    (`cheap_crypto`, or the tests' monkeypatch of the same)."""
    folder.mkdir(parents=True, exist_ok=True)
    template = folder / "template.sqlite3"
    open_database(template, create=True).dispose()
    prov = make_site(template, folder, "33", "Provinsi")
    kab = make_site(template, folder, "33.22", "Kab. Semarang")
    kota = make_site(template, folder, "33.74", "Kota Semarang")
    sites = [prov, kab, kota]
    trust_all(sites)
    packages = folder / "packages"
    packages.mkdir()

    for n in range(3):
        k = add_incident(kota, regency_code="33.74", title="Kota {n}".format(n=n))
        inc.add_followup(kota.ctx, k.id, "Catatan kota {n}".format(n=n))
    svc.import_package(prov.ctx, send(kota, prov, packages))
    p = add_incident(prov, title="Provinsi 1")
    inc.add_followup(prov.ctx, p.id, "Catatan provinsi")
    add_incident(prov, title="Provinsi 2", regency_code="33.74")
    svc.import_package(kab.ctx, send(prov, kab, packages))

    for n in range(4):
        a = add_incident(kab, title="Kabupaten {n}".format(n=n))
        inc.add_followup(kab.ctx, a.id, "Dicek ke lokasi {n}".format(n=n))
    inc.attach(kab.ctx, a.id, "bukti.png", PNG)
    inc.set_deleted(kab.ctx, a.id, True, "dobel")
    inc.change_status(kab.ctx, p.id, "diverifikasi", "dicek")  # a province record, edited
    replayed = send(kab, prov, packages, name="replayed.posko")
    svc.import_package(prov.ctx, replayed)
    svc.import_package(kab.ctx, send(prov, kab, packages))  # the province's ack arrives
    b = add_incident(kab, title="Kabupaten baru", category_code="E1")
    inc.add_followup(kab.ctx, b.id, "Tindak lanjut")
    inc.attach(kab.ctx, b.id, "foto.png", PNG_2)
    base = send(kab, prov, packages, full=True, name="base.posko")
    raw_key = kab.key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    for site in sites:
        site.ctx.db.dispose()
    province_db = folder / "province.sqlite3"
    shutil.copy(prov.path, province_db)
    return World(folder, province_db, base, replayed, raw_key)
