"""The directory travels in packages (docs/sync-format.md, "Record types"): the seeded
agencies stay home until changed, edits merge per field and a true conflict is listed,
contacts added at any site reach every site, a removed contact is a tombstone, a
referral's chosen contact travels with the referral, hostile records are refused with the
database unchanged, a package without the new files still imports."""

from __future__ import annotations

import orjson
import pytest

from posko_desktop.core.db.models import FollowUp
from posko_desktop.core.progress import NO_PROGRESS
from posko_desktop.core.services import directory
from posko_desktop.core.services import incidents as inc
from posko_desktop.core.services import sync as svc
from posko_desktop.core.services.sync import records
from posko_desktop.core.services.sync.export_records import (
    FOLLOWUP_COLUMNS,
    RecordScope,
    child_records,
)
from posko_desktop.core.services.sync.export_sqlite import followup_lines

from . import forge
from .conftest import add_incident, refused, send
from .forge import jsonl, lines, resign

AGENCIES = "records/agencies.jsonl"
CONTACTS = "records/agency_contacts.jsonl"


def test_seeded_agencies_stay_home_and_changes_and_contacts_travel(any_sites, tmp_path):
    """The province on SQLite and in server mode (PostgreSQL)."""
    sites = any_sites
    prov, kab, kota = sites
    full = forge.read_members(send(prov, kab, tmp_path, full=True))
    assert not lines(full.get(AGENCIES, b""))  # every site holds the seed
    directory.update_agency(prov.ctx, "GAKKUMDU", {"answer_hours": 24})
    added = directory.add_agency(prov.ctx, "DINSOS", "Dinas Sosial", "provinsi")
    contact = directory.add_contact(kab.ctx, "KODIM", "Serka Contoh", "Piket Kodim 0714",
                                    phone="0812-0000-3003")
    path = send(prov, kab, tmp_path)
    assert sorted(r["number"] for r in lines(forge.read_members(path)[AGENCIES])) == [
        "DINSOS", "GAKKUMDU"]
    result = svc.import_package(kab.ctx, path)
    assert (result.records["agencies"].new, result.records["agencies"].updated) == (1, 1)
    assert directory.get_agency(kab.ctx, "GAKKUMDU").answer_hours == 24
    assert directory.get_agency(kab.ctx, "DINSOS").id == added.id
    assert svc.import_package(kab.ctx, path).already_imported
    svc.import_package(prov.ctx, send(kab, prov, tmp_path))
    assert [c.phone for c in directory.get_agency(prov.ctx, "KODIM").contacts] == [
        "0812-0000-3003"]
    directory.remove_contact(prov.ctx, contact.id)
    svc.import_package(kab.ctx, send(prov, kab, tmp_path))
    svc.import_package(kota.ctx, send(prov, kota, tmp_path))  # relayed on
    assert directory.get_agency(kab.ctx, "KODIM", True).contacts == ()
    dumps = [svc.canonical_dump(s.ctx) for s in sites]
    for name in ("agencies", "agency_contacts"):
        assert dumps[0][name] == dumps[1][name] == dumps[2][name]
    assert [r["deleted"] for r in dumps[2]["agency_contacts"]] == [True]


def test_agency_edits_merge_per_field_and_a_true_conflict_is_listed(sites, tmp_path):
    prov, kab, _kota = sites
    directory.update_agency(kab.ctx, "KPID", {"address": "Jl. Tri Lomba Juang (kab)"})
    directory.update_agency(prov.ctx, "KPID", {"answer_hours": 72})
    directory.update_agency(prov.ctx, "KPID", {"address": "Jl. Tri Lomba Juang No. 6"})
    svc.import_package(prov.ctx, send(kab, prov, tmp_path))
    svc.import_package(kab.ctx, send(prov, kab, tmp_path))
    one, two = directory.get_agency(prov.ctx, "KPID"), directory.get_agency(kab.ctx, "KPID")
    assert one.address == two.address and one.answer_hours == two.answer_hours == 72
    listed = records.list_conflicts(prov.ctx, "agencies") + records.list_conflicts(
        kab.ctx, "agencies")
    assert {c.field for c in listed} == {"address"}
    assert svc.canonical_dump(prov.ctx)["agencies"] == svc.canonical_dump(kab.ctx)["agencies"]


def test_a_referral_carries_its_contact_to_the_province(sites, tmp_path):
    prov, kab, _kota = sites
    contact = directory.add_contact(kab.ctx, "BAWASLU", "Rina", "Kordiv Penanganan",
                                    phone="0812-0000-0101", whatsapp="0812-0000-0101")
    incident = add_incident(kab)
    inc.add_referral(kab.ctx, incident.id, "BAWASLU", "mohon klarifikasi",
                     contact_id=contact.id)
    svc.import_package(prov.ctx, send(kab, prov, tmp_path))
    with prov.ctx.db.read() as s:
        [ref] = inc.referrals_of(s, incident.id)
    assert ref.contact_id == contact.id
    assert ref.contact == "Rina (Kordiv Penanganan), 0812-0000-0101, WA 0812-0000-0101"
    assert svc.canonical_dump(prov.ctx)["followups"] == svc.canonical_dump(kab.ctx)["followups"]


def test_a_package_without_the_directory_files_or_contact_ids_still_imports(sites, tmp_path):
    """A sender on the release before: no agencies/contacts files, follow-ups without
    `contact_id`."""
    prov, kab, _kota = sites
    incident = add_incident(kab)
    inc.add_referral(kab.ctx, incident.id, "KPU", "cek DPT")

    def older(m: dict) -> None:
        m.pop(AGENCIES, None)
        m.pop(CONTACTS, None)
        rows = lines(m["records/followups.jsonl"])
        for r in rows:
            r.pop("contact_id")
        m["records/followups.jsonl"] = jsonl(rows)
    path = resign(send(kab, prov, tmp_path), tmp_path / "older.posko", kab.key, members=older)
    svc.import_package(prov.ctx, path)
    with prov.ctx.db.read() as s:
        [ref] = inc.referrals_of(s, incident.id)
    assert (ref.agency_code, ref.contact_id) == ("KPU", None)


def test_the_plain_and_the_sqlite_export_give_the_same_follow_up_lines(sites):
    _prov, kab, _kota = sites
    contact = directory.add_contact(kab.ctx, "BAWASLU", "Rina", phone="0812-0000-0101")
    incident = add_incident(kab)
    inc.add_referral(kab.ctx, incident.id, "BAWASLU", "a", contact_id=contact.id)
    inc.add_referral(kab.ctx, incident.id, "KPU", "b")
    for legacy in (False, True):
        with kab.ctx.db.read() as s:
            scopes = [RecordScope(s.connection(), None, "33.22", NO_PROGRESS, 1, legacy=legacy)
                      for _path in ("plain", "fast")]
            columns = FOLLOWUP_COLUMNS[:-1] if legacy else FOLLOWUP_COLUMNS
            plain = [orjson.dumps(r) for r in child_records(scopes[0], FollowUp, columns)]
            fast = [line for batch in followup_lines(scopes[1]) for line in batch]
        assert plain == fast and len(plain) == 2
        assert (b'"contact_id":"' + str(contact.id).encode() in b"".join(plain)) != legacy


@pytest.fixture
def agency_package(sites, tmp_path):
    prov, kab, _kota = sites
    directory.update_agency(prov.ctx, "POLDA", {"address": "Jl. Pahlawan 1"})
    directory.add_contact(prov.ctx, "POLDA", "Kompol Hadi", phone="0812-0000-0104")
    return send(prov, kab, tmp_path)


def _edit(member, change):
    def members(m):
        rows = lines(m[member])
        for r in rows:
            change(r)
        m[member] = jsonl(rows)
    return members


@pytest.mark.parametrize(("member", "change", "expected"), [
    (AGENCIES, lambda r: r.update(level="kecamatan"), "level"),
    (AGENCIES, lambda r: r.update(parent_code=r["number"]), "not its own parent"),
    (AGENCIES, lambda r: r.update(answer_hours=10_000), "answer_hours"),
    (AGENCIES, lambda r: r.update(name="Polda\x1b[31m"), "control character"),
    (AGENCIES, lambda r: r.update(number="polda kecil"), "number"),
    (AGENCIES, lambda r: r.update(origin_site="33.74"), "holds it from site 33"),
    (CONTACTS, lambda r: r.update(phone="=HYPERLINK(1)"), "phone"),
    (CONTACTS, lambda r: r.update(agency_code="bukan kode"), "agency_code"),
    (CONTACTS, lambda r: r.update(note="a\x00b"), "control character"),
    (CONTACTS, lambda r: r.update(extra=1), "extra"),
    (CONTACTS, lambda r: r["field_stamps"].pop("phone"), "phone"),
])
def test_hostile_directory_records_are_refused_unchanged(sites, agency_package, tmp_path,
                                                         member, change, expected):
    prov, kab, _kota = sites
    path = resign(agency_package, tmp_path / "forged.posko", prov.key,
                  members=_edit(member, change))
    err = refused(kab, path)
    assert expected in err.text_in("en"), err.text_in("en")
