"""Demo contact persons of the directory (issue 18), for training databases only (the
demo data is refused on a live database): clearly fictional names and numbers of the
0812-0000-xxxx range no subscriber holds, one or two per agency the desk calls most, and
default answer times for the referral routes. Written by `demo.generate` in its
transaction; the same seed gives the same contacts; a database that already has contact
persons gets none (a second demo run adds no duplicates)."""

from __future__ import annotations

import random
from datetime import date, datetime, time

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from posko_desktop.core.context import new_stamp
from posko_desktop.core.db.models_directory import Agency, AgencyContact
from posko_desktop.core.services.demo_activities import uuid7_at
from posko_desktop.core.services.synced_records import next_number
from posko_desktop.core.sync.kinds import AGENCY_CONTACTS
from posko_desktop.core.timeutil import WIB

# agency code: (function of the person to call, default answer time in hours or None)
DESK_CONTACTS: dict[str, tuple[str, int | None]] = {
    "BAWASLU-PROV": ("Koordinator Divisi Penanganan Pelanggaran", 72),
    "BAWASLU": ("Piket Sentra Pelaporan", 72),
    "KPU-PROV": ("Kepala Bagian Teknis Penyelenggaraan", 72),
    "KPU": ("Piket Posko Pemilihan", 72),
    "GAKKUMDU": ("Koordinator Sentra Gakkumdu", 24),
    "DKPP": ("Bagian Pengaduan", 168),
    "POLDA": ("Perwira Piket Posko Pengamanan", 6),
    "KODAM4": ("Perwira Piket Staf Teritorial", 6),
    "DISKOMINFO": ("Koordinator Patroli Siber", 12),
    "KESBANGPOL": ("Kepala Bidang Politik Dalam Negeri", 24),
    "BKD": ("Kepala Bidang Disiplin ASN", 72),
    "PLN": ("Posko Siaga Pemilihan", 4),
}
_GIVEN = ("Andi", "Budi", "Citra", "Dewi", "Eko", "Fitri", "Galih", "Hana", "Indra", "Joko",
          "Kartika", "Lestari", "Made", "Nur", "Putri", "Rahmat", "Sari", "Teguh", "Wulan")
_FAMILY = ("Contoh", "Latihan", "Percobaan", "Simulasi", "Peraga")  # plainly not real


def add_demo_contacts(s: Session, *, site_code: str, username: str, first_day: date,
                      seed: int, now: datetime) -> int:
    """The demo contact persons (none if the database has contact persons already),
    entered at 08.00 WIB of the period's first day (the same seed, the same rows);
    returns how many were added."""
    if s.scalar(select(func.count()).select_from(AgencyContact)):
        return 0
    now = min(now, datetime.combine(first_day, time(8, 0), tzinfo=WIB))
    rng = random.Random(seed * 7919 + 18)
    agencies = {a.number: a for a in s.scalars(select(Agency).where(
        Agency.number.in_(DESK_CONTACTS), Agency.active.is_(True)))}
    added = 0
    for code, (function, hours) in DESK_CONTACTS.items():
        agency = agencies.get(code)
        if agency is None:
            continue
        if hours is not None and agency.answer_hours is None:
            stamp = new_stamp(s, now)
            agency.answer_hours = hours
            agency.field_stamps = {**agency.field_stamps, "answer_hours": stamp}
            agency.mod_stamp, agency.updated_at, agency.updated_by = stamp, now, username
        for _n in range(rng.randint(1, 2)):
            phone = "0812-0000-{n:04d}".format(n=rng.randint(1000, 9999))
            stamp = new_stamp(s, now)
            s.add(AgencyContact(
                id=uuid7_at(now, rng), number=next_number(s, AgencyContact, "KON", site_code,
                                                          now.year),
                agency_code=code, origin_site=site_code, recorded_by=username,
                created_at=now, updated_at=now, updated_by=username, mod_stamp=stamp,
                field_stamps=dict.fromkeys(AGENCY_CONTACTS.fields, stamp), deleted=False,
                name="{g} {f}".format(g=rng.choice(_GIVEN), f=rng.choice(_FAMILY)),
                function=function, phone=phone, whatsapp=phone if rng.random() < 0.7 else "",
                email="", note="Data latihan (fiktif)", active=True))
            s.flush()  # the next number sees this one
            added += 1
    return added
