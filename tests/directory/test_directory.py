"""The directory of agencies and contacts (issue 18): the seeded agencies with level and
parent, the supervisors' and admins' changes with roles, audit and the version check, on
SQLite and PostgreSQL."""

from __future__ import annotations

import shutil
from datetime import datetime

import pytest
from sqlalchemy import select

from posko_desktop.core.context import AppContext
from posko_desktop.core.db.engine import Database
from posko_desktop.core.db.models_accounts import AuditEntry
from posko_desktop.core.db.models_directory import Agency, AgencyContact
from posko_desktop.core.db.seed_directory import SEED_AGENCIES
from posko_desktop.core.db.session import open_database
from posko_desktop.core.domain import (
    Actor,
    NotFoundError,
    PermissionDenied,
    StaleEdit,
    ValidationError,
)
from posko_desktop.core.events import ChangeKind
from posko_desktop.core.services import directory as svc
from posko_desktop.core.services import reference
from posko_desktop.core.timeutil import WIB

NOW = datetime(2024, 11, 26, 15, 30, tzinfo=WIB)


def at(ctx: AppContext, role: str = "admin") -> AppContext:
    return AppContext(ctx.db, Actor("budi-" + role, role, "Budi"), ctx.bus, lambda: NOW)


def dump(ctx: AppContext) -> list:
    with ctx.db.read() as s:
        agencies = [(a.number, a.name, a.level, a.parent_code, a.address, a.answer_hours,
                     a.active, a.mod_stamp, dict(a.field_stamps))
                    for a in s.scalars(select(Agency).order_by(Agency.number))]
        contacts = [(c.number, c.agency_code, c.name, c.phone, c.active, c.deleted,
                     c.mod_stamp) for c in s.scalars(select(AgencyContact)
                                                      .order_by(AgencyContact.number))]
        audit = list(s.scalars(select(AuditEntry.id)))
    return [agencies, contacts, audit]


def test_the_shipped_directory_names_levels_and_parents(any_ctx):
    agencies = {a.code: a for a in svc.list_agencies(any_ctx, with_contacts=True)}
    assert set(agencies) == {code for code, *_r in SEED_AGENCIES}
    assert agencies["BAWASLU"].name == "Bawaslu Kabupaten/Kota"
    assert not any("Panwaslu" in a.name for a in agencies.values())
    assert (agencies["BAWASLU"].level, agencies["BAWASLU"].parent_code) == ("kabkota",
                                                                            "BAWASLU-PROV")
    assert agencies["KODIM"].parent_code == agencies["POMDAM"].parent_code == "KODAM4"
    assert agencies["DESK-PILKADA"].parent_code == agencies["DITJEN-OTDA"].parent_code == \
        "KEMENDAGRI"
    for code in ("DISKOMINFO", "DISKOMINFO-KAB", "KEJATI", "KEJARI", "DKPP", "KESBANGPOL",
                 "FKUB", "FKDM", "KOMINDA", "PROPAM", "KPID", "DEWAN-PERS", "PLN",
                 "TELKOMSEL", "INSPEKTORAT", "BKD"):
        assert code in agencies
    for a in agencies.values():  # every parent is an agency of the list, none loops
        assert a.parent_code is None or a.parent_code in agencies
    assert not any(a.contacts for a in agencies.values())  # no number is shipped
    levels = [a.level for a in svc.list_agencies(any_ctx)]
    assert levels == sorted(levels, key=["pusat", "provinsi", "kabkota"].index)
    assert {a.code for a in reference.list_agencies(any_ctx)} == set(agencies)


def test_a_supervisor_adds_an_agency_and_contacts_audited_and_announced(any_ctx):
    ctx = at(any_ctx, "supervisor")
    seen = []
    any_ctx.bus.subscribe(seen.append)
    a = svc.add_agency(ctx, "dinsos", "  Dinas Sosial  Provinsi ", "provinsi",
                       parent_code=None, address="Jl. Pahlawan No. 9\nSemarang",
                       answer_hours=48)
    assert (a.code, a.name, a.answer_hours) == ("DINSOS", "Dinas Sosial Provinsi", 48)
    c = svc.add_contact(ctx, "DINSOS", "Sri Wahyuni", "Kabid Linjamsos",
                        phone="0812-0000-1001", whatsapp="+62 812 0000 1001",
                        email="sri@example.go.id")
    assert c.number.startswith("KON-3300-24-") and c.agency_code == "DINSOS"
    assert c.call_text == "Sri Wahyuni (Kabid Linjamsos), 0812-0000-1001, WA +62 812 0000 1001"
    shown = svc.get_agency(any_ctx, "dinsos")
    assert [x.name for x in shown.contacts] == ["Sri Wahyuni"]
    assert [x.kind for x in seen] == [ChangeKind.DIRECTORY] * 2
    with any_ctx.db.read() as s:
        actions = [e.action for e in s.scalars(select(AuditEntry).order_by(AuditEntry.id))
                   if e.action.startswith(("agency.", "contact."))]
    assert actions == ["agency.create", "contact.create"]
    svc.update_contact(ctx, c.number, {"active": False})
    assert svc.get_agency(any_ctx, "DINSOS").contacts == ()
    assert [x.name for x in svc.get_agency(any_ctx, "DINSOS", True).contacts] == ["Sri Wahyuni"]
    svc.remove_contact(ctx, c.id)
    assert svc.get_agency(any_ctx, "DINSOS", True).contacts == ()
    with pytest.raises(NotFoundError):
        svc.get_contact(any_ctx, c.number)


@pytest.mark.parametrize("call, problem", [
    (lambda c: svc.add_agency(c, "POLDA", "Polda lagi", "provinsi"), "exists already"),
    (lambda c: svc.add_agency(c, "x", "Pendek", "provinsi"), "capital letters"),
    (lambda c: svc.add_agency(c, "DINSOS", "Dinsos", "kecamatan"), "unknown level"),
    (lambda c: svc.add_agency(c, "DINSOS", "Dinsos", "provinsi", "NOPE"), "unknown agency"),
    (lambda c: svc.add_agency(c, "DINSOS", "Dinsos", "provinsi", answer_hours=0), "1 to 720"),
    (lambda c: svc.update_agency(c, "KODAM4", {"parent_code": "KODIM"}), "belong to itself"),
    (lambda c: svc.update_agency(c, "KODAM4", {"id": "x"}), "not an editable field"),
    (lambda c: svc.add_contact(c, "POLDA", "", phone="0812"), "Give a name"),
    (lambda c: svc.add_contact(c, "POLDA", "Andi", phone="call me"), "phone number"),
    (lambda c: svc.add_contact(c, "POLDA", "Andi", email="andi at polri"), "e-mail"),
    (lambda c: svc.add_contact(c, "POLDA", "Andi\x1b[31m"), "control"),
    (lambda c: svc.add_contact(c, "NOPE", "Andi"), "Unknown agency"),
])
def test_bad_input_is_refused_and_nothing_is_written(any_ctx, call, problem):
    before = dump(any_ctx)
    with pytest.raises((ValidationError, NotFoundError)) as err:
        call(at(any_ctx))
    assert problem.lower() in err.value.text_in("en").lower()
    assert dump(any_ctx) == before


def test_operators_are_refused_and_only_the_province_adds_agencies(any_ctx, template_db,
                                                                  tmp_path):
    contact = svc.add_contact(at(any_ctx), "POLDA", "Andi", phone="0812-0000-2002")
    before = dump(any_ctx)
    op = at(any_ctx, "operator")
    for call in (lambda: svc.add_agency(op, "DINSOS", "Dinas Sosial", "provinsi"),
                 lambda: svc.update_agency(op, "POLDA", {"answer_hours": 24}),
                 lambda: svc.add_contact(op, "POLDA", "Budi"),
                 lambda: svc.update_contact(op, contact.id, {"phone": "0812-0000-9999"}),
                 lambda: svc.remove_contact(op, contact.id)):
        with pytest.raises(PermissionDenied):
            call()
    assert dump(any_ctx) == before
    shutil.copy(template_db, tmp_path / "office.sqlite3")
    office = AppContext(open_database(tmp_path / "office.sqlite3"), any_ctx.actor)
    reference.init_site(office, "33.22", "Kab. Semarang")
    office_before = dump(office)
    with pytest.raises(ValidationError, match="province"):
        svc.add_agency(office, "DINSOS", "Dinas Sosial", "provinsi")
    assert dump(office) == office_before
    svc.add_contact(office, "KODIM", "Serka Contoh", "Piket Kodim 0714",
                    phone="0812-0000-3003")  # an office keeps its own contacts


def test_stale_changes_are_refused_and_fresh_ones_saved(any_ctx):
    a = any_ctx
    b = AppContext(Database(a.db.url), Actor("kepala", "supervisor", "Kepala"), a.bus, a.clock)
    seen = svc.get_agency(a, "GAKKUMDU").version
    svc.update_agency(b, "GAKKUMDU", {"answer_hours": 24})
    before = dump(a)
    with pytest.raises(StaleEdit) as err:
        svc.update_agency(a, "GAKKUMDU", {"address": "Mapolda"}, expected_version=seen)
    assert err.value.current["answer_hours"] == 24 and err.value.changed_by
    assert dump(a) == before
    saved = svc.update_agency(a, "GAKKUMDU", {"address": "Mapolda"},
                              expected_version=err.value.version)
    assert (saved.address, saved.answer_hours) == ("Mapolda", 24)
    c = svc.add_contact(a, "GAKKUMDU", "Andi", phone="0812-0000-4004")
    svc.update_contact(b, c.id, {"phone": "0812-0000-4005"})
    before = dump(a)
    for call in (lambda: svc.update_contact(a, c.id, {"name": "Andi S."},
                                            expected_version=c.version),
                 lambda: svc.remove_contact(a, c.id, expected_version=c.version)):
        with pytest.raises(StaleEdit):
            call()
    assert dump(a) == before
    with pytest.raises(ValidationError):
        svc.update_contact(a, c.id, {"name": "x"}, expected_version="not-a-version")


def test_demo_contacts_are_fictional_reproducible_and_not_doubled(ctx):
    """Training data only (demo data is refused on a live database): 0812-0000-xxxx
    numbers, names marked as examples, answer times on the referral routes."""
    from datetime import date

    from posko_desktop.core.services import demo

    demo.generate(ctx, incidents=50, days=5, end_date=date(2024, 11, 30), seed=3)
    agencies = {a.code: a for a in svc.list_agencies(ctx, with_contacts=True)}
    contacts = [c for a in agencies.values() for c in a.contacts]
    assert len(contacts) >= 12
    assert all(c.phone.startswith("0812-0000-") for c in contacts)
    assert all(c.whatsapp in ("", c.phone) for c in contacts)
    assert agencies["GAKKUMDU"].answer_hours == 24 and agencies["POLDA"].answer_hours == 6
    demo.generate(ctx, incidents=50, days=5, end_date=date(2024, 11, 30), seed=4)
    assert len(svc.list_agencies(ctx, with_contacts=True)) == len(agencies)
    assert sum(len(a.contacts) for a in svc.list_agencies(ctx, with_contacts=True)) == len(
        contacts)
