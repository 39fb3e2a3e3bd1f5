"""Demo stage reports (issue 17) for the part of the demo period from the eve of voting
day on: logistics at the TPS, voting (TPS reporting), PSU in a few regencies, the tally at
the kecamatan, the regency/city and the province, and disputes at the Constitutional
Court, per regency, as the 2024 desks saw them arrive. Written by `demo.generate` in its
transaction; the same seed gives the same reports."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from posko_desktop.core.context import new_stamp
from posko_desktop.core.db.models import Desa, Kecamatan, Regency
from posko_desktop.core.db.models_records import StageReport
from posko_desktop.core.domain import ProgressStage
from posko_desktop.core.services.demo_activities import uuid7_at
from posko_desktop.core.sync.kinds import STAGE_REPORTS
from posko_desktop.core.timeutil import WIB

TPS_PER_DESA = (6.0, 7.6)  # ~58,000 TPS over 8,563 desa in Jawa Tengah
Report = tuple[datetime, ProgressStage, int, int, str]


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=WIB)


def _reports(rng: random.Random, tps: int, kecamatan: int, disputed: bool) -> Iterator[Report]:
    """One regency's reports, in time order."""
    eve, vote = date(2024, 11, 26), date(2024, 11, 27)
    if rng.random() < 0.15:  # a late delivery finished before the TPS open
        yield _at(eve, 21), ProgressStage.LOGISTIK, 0, 1, "Distribusi ke desa terpencil belum selesai"
        yield _at(vote, 5, 30), ProgressStage.LOGISTIK, 1, 1, ""
    else:
        yield _at(eve, rng.randint(15, 22)), ProgressStage.LOGISTIK, 1, 1, ""
    for hour, share in ((11, rng.uniform(0.3, 0.6)), (15, rng.uniform(0.8, 0.97)), (21, 1.0)):
        yield _at(vote, hour), ProgressStage.PEMUNGUTAN, round(tps * share), tps, ""
    if rng.random() < 0.2:
        needed = rng.randint(1, 3)
        yield (_at(vote + timedelta(days=3), 10), ProgressStage.PSU, 0, needed,
               "Rekomendasi Panwascam: pemilih tidak terdaftar ikut mencoblos")
        yield _at(vote + timedelta(days=7), 16), ProgressStage.PSU, needed, needed, ""
    done = 0
    for offset in range(1, 7):
        done = kecamatan if offset == 6 else min(kecamatan, done + rng.randint(1, kecamatan // 3 + 1))
        yield _at(vote + timedelta(days=offset), 20), ProgressStage.REKAP_KECAMATAN, done, kecamatan, ""
        if done == kecamatan:
            break
    yield (_at(date(2024, 12, 3) + timedelta(days=rng.randint(1, 3)), rng.randint(13, 22)),
           ProgressStage.REKAP_KABKOTA, 1, 1, "")
    yield _at(date(2024, 12, 7), 20), ProgressStage.REKAP_PROVINSI, 1, 1, ""
    if disputed:
        yield _at(date(2025, 1, 3), 15), ProgressStage.SENGKETA_MK, 0, 1, "Teregistrasi di BRPK"
        yield _at(date(2025, 2, 4), 17), ProgressStage.SENGKETA_MK, 1, 1, "Putusan dismissal"


def add_demo_stage_reports(s: Session, *, site_code: str, username: str, first_day: date,
                           days: int, seed: int, now: datetime) -> int:
    """The reports that fall in the demo period and before `now`; returns how many."""
    rng = random.Random("stage-progress-{s}".format(s=seed))
    last = datetime.combine(first_day + timedelta(days=days), datetime.min.time(), tzinfo=WIB)
    start = datetime.combine(first_day, datetime.min.time(), tzinfo=WIB)
    desa: dict[str, int] = {code: n for code, n in s.execute(
        select(Kecamatan.regency_code, func.count(Desa.code))
        .join(Desa, Desa.kecamatan_code == Kecamatan.code).group_by(Kecamatan.regency_code))}
    kec: dict[str, int] = {code: n for code, n in s.execute(
        select(Kecamatan.regency_code, func.count()).group_by(Kecamatan.regency_code))}
    prefix = "TAH-{site}-".format(site=site_code.replace(".", "").ljust(4, "0"))
    taken = set(s.scalars(select(StageReport.number).where(StageReport.number.like(prefix + "%"))))
    numbers: dict[int, int] = {}
    added = 0
    for code in s.scalars(select(Regency.code).order_by(Regency.code)):
        tps = max(300, round(desa.get(code, 150) * rng.uniform(*TPS_PER_DESA)))
        for at, stage, done, total, note in _reports(rng, tps, kec.get(code, 12) or 12,
                                                     rng.random() < 0.1):
            if not start <= at < last or at > now:
                continue
            year = at.year % 100
            while True:
                numbers[year] = numbers.get(year, 0) + 1
                number = "{p}{y:02d}-{n:04d}".format(p=prefix, y=year, n=numbers[year])
                if number not in taken:
                    break
            stamp = new_stamp(s, at)
            s.add(StageReport(
                id=uuid7_at(at, rng), number=number, origin_site=site_code, recorded_by=username,
                created_at=now, updated_at=now, updated_by=username, mod_stamp=stamp,
                field_stamps=dict.fromkeys(STAGE_REPORTS.fields, stamp), deleted=False,
                regency=code, stage=stage.value, as_of=at, counts=[done, total], note=note))
            added += 1
    s.flush()
    return added
