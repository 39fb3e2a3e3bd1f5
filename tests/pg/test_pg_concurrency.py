"""Two workstations writing at the same time: on the SQLite file and on the PostgreSQL server.

Each "workstation" is its own `Database` (own engine and connections), as two copies of
the app would be. Incident numbers must stay unique and gapless whatever the interleaving.
"""

from __future__ import annotations

import threading
from datetime import datetime

import pytest
from sqlalchemy import func, select

from posko_desktop.core.context import AppContext
from posko_desktop.core.db.engine import Database, DatabaseBusy
from posko_desktop.core.db.migrate import current_revision, head_revision
from posko_desktop.core.db.models import Incident, LocalSite, NumberSequence, Regency
from posko_desktop.core.db.session import open_database
from posko_desktop.core.domain import Actor
from posko_desktop.core.services import incidents as inc
from posko_desktop.core.services import reference
from posko_desktop.core.services.incidents import IncidentInput

PER_WORKSTATION = 15
WORKSTATIONS = 3


def _incident(n: int) -> IncidentInput:
    return IncidentInput(regency_code="33.74", title=f"Laporan serentak {n}", category_code="B1",
                         severity="sedang", occurred_at=datetime(2024, 11, 27, 6, 0))


def _run_all(target, count: int) -> list[BaseException]:
    errors: list[BaseException] = []
    barrier = threading.Barrier(count)

    def run(k: int) -> None:
        try:
            barrier.wait()
            target(k)
        except BaseException as err:  # reported by the test
            errors.append(err)

    threads = [threading.Thread(target=run, args=(k,)) for k in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    hung = [t.name for t in threads if t.is_alive()]
    assert not hung, f"writers still blocked after 120 s (deadlock?): {hung}"
    return errors


def test_concurrent_writers_get_unique_gapless_numbers(any_db: Database):
    admin = AppContext(any_db, Actor("admin", "admin", "Admin"))
    reference.init_site(admin, "33", "Posko Provinsi")

    def workstation(k: int) -> None:
        db = Database(any_db.url)
        try:
            ctx = AppContext(db, Actor(f"op{k}", "admin", f"Operator {k}"))
            for i in range(PER_WORKSTATION):
                inc.create_incident(ctx, _incident(k * 100 + i))
        finally:
            db.dispose()

    errors = _run_all(workstation, WORKSTATIONS)
    assert errors == []

    total = PER_WORKSTATION * WORKSTATIONS
    year = admin.now().year % 100
    with any_db.read() as s:
        numbers = s.scalars(select(Incident.number)).all()
        assert s.scalar(select(func.count()).select_from(Incident)) == total
        assert s.scalar(select(NumberSequence.last)) == total
        stamps = s.scalars(select(Incident.mod_stamp)).all()
        last_stamp = s.scalar(select(LocalSite.last_stamp))
    assert sorted(numbers) == [f"3300-{year:02d}-{n:06d}" for n in range(1, total + 1)]
    assert len(set(stamps)) == total  # modification stamps stay unique too
    assert last_stamp == max(stamps)
    by_user = {}
    with any_db.read() as s:
        for who, n in s.execute(select(Incident.recorded_by, func.count()).group_by(Incident.recorded_by)):
            by_user[who] = n
    assert by_user == {f"op{k}": PER_WORKSTATION for k in range(WORKSTATIONS)}


def test_two_workstations_open_a_new_server_database_at_once(pg_empty_url: str):
    """After an update, several copies of the app may start together on one server:
    exactly one migrates, the others wait and find the schema ready."""
    opened: list[str | None] = []

    def start_app(_k: int) -> None:
        db = open_database(pg_empty_url)
        try:
            opened.append(current_revision(db))
        finally:
            db.dispose()

    errors = _run_all(start_app, 3)
    assert errors == []
    assert opened == [head_revision()] * 3
    db = Database(pg_empty_url)
    try:
        with db.read() as s:
            assert s.scalar(select(func.count()).select_from(Incident)) == 0
            assert s.scalar(select(func.count()).select_from(Regency)) == 35
    finally:
        db.dispose()


def test_a_write_waits_for_the_other_workstations_write(any_db: Database):
    """Workstation A holds a write transaction that took the next number; workstation B
    creates an incident meanwhile. B must wait for A and get the number after A's
    (without the write lock B would read the old counter and reuse A's number)."""
    admin = AppContext(any_db, Actor("admin", "admin", "Admin"))
    reference.init_site(admin, "33", "Posko Provinsi")
    year = admin.now().year
    other = Database(any_db.url)
    result: list[str] = []
    try:
        ctx_b = AppContext(other, Actor("op_b", "admin", "Operator B"))
        with any_db.write() as s:
            taken = inc.next_number(s, "33", year)
            s.flush()
            b = threading.Thread(target=lambda: result.append(
                inc.create_incident(ctx_b, _incident(1)).number))
            b.start()
            b.join(0.5)  # give B every chance to run ahead; it must be waiting
        b.join(60)
    finally:
        other.dispose()
    assert taken == f"3300-{year % 100:02d}-000001"
    assert result == [f"3300-{year % 100:02d}-000002"]


def test_a_save_that_waits_too_long_is_refused_cleanly(any_db: Database):
    """A workstation that cannot get the write lock in time gets a clear, translated
    'try again' and writes nothing; once the other save ends, the retry works."""
    admin = AppContext(any_db, Actor("admin", "admin", "Admin"))
    reference.init_site(admin, "33", "Posko Provinsi")
    year = admin.now().year
    impatient = Database(any_db.url, write_wait_ms=300)
    try:
        ctx_b = AppContext(impatient, Actor("op_b", "admin", "Operator B"))
        with any_db.write() as s:  # workstation A is in the middle of a save
            inc.next_number(s, "33", year)
            s.flush()
            with pytest.raises(DatabaseBusy) as info:
                inc.create_incident(ctx_b, _incident(1))
        assert info.value.text_in("en").startswith("Another workstation is saving")
        assert info.value.text_in("id").startswith("Komputer lain sedang menyimpan")
        with any_db.read() as s:
            assert s.scalar(select(func.count()).select_from(Incident)) == 0
        again = inc.create_incident(ctx_b, _incident(2))
        assert again.number == f"3300-{year % 100:02d}-000002"
    finally:
        impatient.dispose()
