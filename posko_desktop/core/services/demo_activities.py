"""Demo activities of the desk (issue 15, "Kegiatan Posko") for the demo period: the
meetings, cyber patrols, appeals, clarifications, outreach and visits a Central Java desk
held around the 2024 vote, in Indonesian. Written by `demo.generate` in its transaction;
the same seed gives the same activities."""

from __future__ import annotations

import random
import uuid
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from posko_desktop.core.context import new_stamp
from posko_desktop.core.db.models import Regency
from posko_desktop.core.db.models_records import Activity
from posko_desktop.core.domain import ActivityKind
from posko_desktop.core.sync.kinds import ACTIVITIES
from posko_desktop.core.timeutil import WIB

# kind: (titles with {r} for a regency name, partners to draw from, results)
TEMPLATES: dict[ActivityKind, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    ActivityKind.RAKOR: (
        ("Rapat koordinasi pengamanan tahapan Pilkada di {r}",
         "Rakor Desk Pilkada bersama Forkopimda {r}",
         "Rakor kesiapan distribusi logistik pemungutan suara {r}"),
        ("POLRI", "KODIM", "KPU", "BAWASLU", "SATPOLPP", "Kesbangpol"),
        ("Disepakati patroli gabungan di TPS rawan mulai H-3.",
         "Pembagian tugas piket posko terpadu H-3 s.d. H+3 ditetapkan.",
         "Titik rawan banjir di jalur distribusi logistik dipetakan bersama BPBD."),
    ),
    ActivityKind.PATROLI_SIBER: (
        ("Patroli siber konten hoaks Pilkada wilayah {r}",
         "Pemantauan grup WhatsApp dan akun TikTok terkait Pilkada {r}"),
        ("KOMDIGI", "BAWASLU", "POLRI", "Diskominfo"),
        ("{n} konten dilaporkan ke aduankonten.id untuk diturunkan.",
         "{n} unggahan ujaran kebencian dicatat dan diteruskan ke Bawaslu.",
         "Tidak ditemukan konten provokatif baru; pemantauan dilanjutkan."),
    ),
    ActivityKind.IMBAUAN: (
        ("Imbauan menjaga kondusivitas Pilkada damai di {r}",
         "Imbauan netralitas ASN menjelang pemungutan suara {r}"),
        ("Kesbangpol", "BKN", "FKUB", "FKDM"),
        ("Surat edaran disampaikan ke seluruh OPD dan camat.",
         "Imbauan disiarkan melalui radio daerah dan media sosial pemerintah."),
    ),
    ActivityKind.KLARIFIKASI: (
        ("Klarifikasi publik hoaks surat suara tercoblos di {r}",
         "Klarifikasi video provokasi yang beredar di {r}"),
        ("KPU", "BAWASLU", "Diskominfo", "POLRI"),
        ("Siaran pers klarifikasi terbit di {n} media daring.",
         "Klarifikasi diunggah akun resmi Pemprov; konten asal diturunkan platform."),
    ),
    ActivityKind.SOSIALISASI: (
        ("Sosialisasi literasi digital dan anti-hoaks bagi pemilih pemula {r}",
         "Edukasi pencegahan politik uang bersama tokoh masyarakat {r}"),
        ("KPU", "BAWASLU", "FKDM", "Karang Taruna"),
        ("Diikuti sekitar {n}0 peserta pelajar dan mahasiswa.",
         "Materi pencegahan politik uang dibagikan ke perangkat desa."),
    ),
    ActivityKind.KUNJUNGAN_TOKOH: (
        ("Kunjungan silaturahmi ke tokoh agama dan FKUB {r}",
         "Kunjungan ke pondok pesantren dan tokoh masyarakat {r}"),
        ("FKUB", "FKDM", "Kemenag", "POLRI"),
        ("Tokoh agama sepakat mengimbau umat menjaga suasana sejuk.",
         "Disepakati deklarasi Pilkada damai lintas iman."),
    ),
    ActivityKind.LAINNYA: (
        ("Piket posko terpadu dan serah terima jaga {r}",),
        ("POLRI", "KODIM", "BPBD"),
        ("Serah terima jaga tanpa catatan kejadian menonjol.",),
    ),
}
WEIGHTS = (4, 4, 2, 2, 2, 2, 1)  # per kind, in TEMPLATES order


def uuid7_at(moment: datetime, rng: random.Random) -> uuid.UUID:
    """A UUIDv7 for `moment` whose random bits come from `rng` (reproducible)."""
    ms = int(moment.timestamp() * 1000)
    value = (ms << 80) | (0x7 << 76) | (rng.getrandbits(12) << 64) | (0b10 << 62) \
        | rng.getrandbits(62)
    return uuid.UUID(int=value)


def add_demo_activities(s: Session, *, site_code: str, username: str, first_day: date,
                        days: int, seed: int, now: datetime) -> int:
    """Two to four activities per day of the period that has begun; returns how many."""
    rng = random.Random("activities-{s}".format(s=seed))
    regencies = list(s.execute(select(Regency.code, Regency.kind, Regency.name)
                               .order_by(Regency.code)))
    kinds = list(TEMPLATES)
    prefix = "KEG-{site}-".format(site=site_code.replace(".", "").ljust(4, "0"))
    numbers: dict[int, int] = {}
    taken = set(s.scalars(select(Activity.number).where(Activity.number.like(prefix + "%"))))
    added = 0
    for offset in range(days):
        day = first_day + timedelta(days=offset)
        for _n in range(rng.randint(2, 4)):
            started = datetime.combine(day, time(rng.randint(7, 21), rng.choice((0, 30))),
                                       tzinfo=WIB)
            if started > now:
                continue
            kind = rng.choices(kinds, WEIGHTS)[0]
            titles, partners, results = TEMPLATES[kind]
            code, rkind, name = rng.choice(regencies)
            place = ("Kab. " if rkind == "kabupaten" else "Kota ") + name
            year = started.year % 100
            while True:
                numbers[year] = numbers.get(year, 0) + 1
                number = "{p}{y:02d}-{n:04d}".format(p=prefix, y=year, n=numbers[year])
                if number not in taken:
                    break
            stamp = new_stamp(s, started)  # from the activity's time: the same seed, the same data
            s.add(Activity(
                id=uuid7_at(started, rng), number=number, origin_site=site_code, recorded_by=username,
                created_at=now, updated_at=now, updated_by=username, mod_stamp=stamp,
                field_stamps=dict.fromkeys(ACTIVITIES.fields, stamp), deleted=False,
                started_at=started,
                ended_at=started + timedelta(hours=rng.choice((1, 2, 3))),
                kind=kind.value, title=rng.choice(titles).format(r=place),
                regencies=[code], partners=sorted(rng.sample(partners, 2)),
                result=rng.choice(results).format(n=rng.randint(3, 40)), attachments=[]))
            added += 1
    s.flush()
    return added
