"""Demo candidate pairs (issue 17): two or three invented pairs for each of the 36 contests,
with real party names, so the contest and pair counts have something to show in a demo or
training database. The names are made up (the real 2024 pairs are not shipped:
docs/kerawanan.md). Written by `demo.generate` in its transaction; the same seed gives the
same pairs."""

from __future__ import annotations

import random
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from posko_desktop.core.context import new_stamp
from posko_desktop.core.db.models_kerawanan import CandidatePair
from posko_desktop.core.services.contests import contests_in
from posko_desktop.core.services.demo_activities import uuid7_at
from posko_desktop.core.sync.kinds import CANDIDATE_PAIRS

GIVEN = ("Agus", "Bambang", "Dewi", "Eko", "Fitri", "Hadi", "Indah", "Joko", "Kartika",
         "Lukman", "Mulyadi", "Nur", "Puji", "Rahmat", "Sri", "Teguh", "Utami", "Wahyu",
         "Yuni", "Zainal")
FAMILY = ("Prasetyo", "Wibowo", "Santoso", "Lestari", "Nugroho", "Hidayat", "Setiawan",
          "Rahayu", "Susilo", "Purnomo", "Handayani", "Kurniawan", "Saputra", "Wulandari")
DRAWN = datetime(2024, 9, 23, 3, 0, tzinfo=UTC)  # the ballot numbers were drawn that week
PARTIES = ("PDI-P", "Gerindra", "Golkar", "PKB", "NasDem", "PKS", "PAN", "Demokrat", "PPP",
           "PSI", "Perindo", "Hanura")


def add_demo_pairs(s: Session, *, site_code: str, username: str, seed: int,
                   now: datetime) -> int:
    """Pairs for every contest that has none yet; returns how many were added."""
    rng = random.Random("pairs-{s}".format(s=seed))
    held = set(s.scalars(select(CandidatePair.contest_code)
                         .where(CandidatePair.deleted.is_(False))))
    prefix = "PAS-{site}-".format(site=site_code.replace(".", "").ljust(4, "0"))
    last = s.scalar(select(func.max(CandidatePair.number))
                    .where(CandidatePair.number.like(prefix + "%")))
    n = int(last[len(prefix):]) if last else 0
    added = 0
    for contest in contests_in(s):
        count = rng.choice((2, 2, 3))
        parties = rng.sample(PARTIES, len(PARTIES))
        if contest.code in held:
            continue
        for ballot in range(1, count + 1):
            n += 1
            stamp = new_stamp(s, DRAWN)  # from a fixed time: the same seed, the same data
            share, parties = parties[:3], parties[3:]
            s.add(CandidatePair(
                id=uuid7_at(DRAWN, rng), number="{p}{n:04d}".format(p=prefix, n=n),
                origin_site=site_code, recorded_by=username, created_at=now, updated_at=now,
                updated_by=username, mod_stamp=stamp,
                field_stamps=dict.fromkeys(CANDIDATE_PAIRS.fields, stamp), deleted=False,
                contest_code=contest.code, ballot_number=ballot,
                head="{g} {f}".format(g=rng.choice(GIVEN), f=rng.choice(FAMILY)),
                deputy="{g} {f}".format(g=rng.choice(GIVEN), f=rng.choice(FAMILY)),
                parties=sorted(share)))
            added += 1
    s.flush()
    return added
