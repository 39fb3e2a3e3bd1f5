"""Reporting units (issue 18): the seeded units, the admin's changes with roles, audit and
the version check, and the reporting watch over regency offices and agencies, on SQLite and
PostgreSQL."""

from __future__ import annotations

import shutil
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from posko_desktop.core.context import AppContext
from posko_desktop.core.db.engine import Database
from posko_desktop.core.db.models_accounts import AuditEntry
from posko_desktop.core.db.models_dashboard import NihilReport
from posko_desktop.core.db.models_units import ReportingUnit
from posko_desktop.core.db.session import open_database
from posko_desktop.core.domain import (
    Actor,
    NotFoundError,
    PermissionDenied,
    StaleEdit,
    ValidationError,
)
from posko_desktop.core.events import ChangeKind
from posko_desktop.core.periods import report_period
from posko_desktop.core.services import dashboard as dash
from posko_desktop.core.services import incidents as inc
from posko_desktop.core.services import reference
from posko_desktop.core.services import units as svc
from posko_desktop.core.services.incidents import IncidentInput
from posko_desktop.core.timeutil import WIB

PERIOD_DAY = date(2024, 11, 27)  # 26 Nov 07.00 - 27 Nov 07.00 WIB
DURING = datetime(2024, 11, 26, 15, 30, tzinfo=WIB)


def at(ctx: AppContext, moment: datetime, role: str = "admin") -> AppContext:
    return AppContext(ctx.db, Actor("budi-" + role, role, "Budi"), ctx.bus, lambda: moment)


def dump(ctx: AppContext) -> list:
    with ctx.db.read() as s:
        units = [(u.number, u.name, u.cadence, u.agency_code, u.active, u.mod_stamp,
                  dict(u.field_stamps)) for u in s.scalars(select(ReportingUnit)
                                                           .order_by(ReportingUnit.number))]
        nihil = list(s.scalars(select(NihilReport.id)))
        audit = list(s.scalars(select(AuditEntry.id)))
    return [units, nihil, audit]


def report(ctx: AppContext, code: str, unit: str | None = None) -> inc.IncidentDetail:
    return inc.create_incident(ctx, IncidentInput(
        regency_code=code, title="Laporan unit", category_code="A1", severity="sedang",
        occurred_at=DURING - timedelta(hours=1), reported_at=DURING), reporting_unit=unit)


def test_every_database_starts_with_the_regency_offices_and_the_agencies(any_ctx):
    units = svc.list_units(any_ctx)
    assert [u.code for u in units[:35]] == [r.code for r in reference.list_regencies(any_ctx)]
    assert units[21].name == "Kab. Semarang" and units[34].name == "Kota Tegal"
    agencies = {u.code: u for u in units[35:]}
    assert set(agencies) == {"POLDA", "KODAM4", "KEJATI", "BAWASLU-PROV", "KPU-PROV",
                             "DISKOMINFO", "KESBANGPOL", "SATPOLPP", "BPBD"}
    assert agencies["BPBD"].cadence == "on_event" and agencies["POLDA"].must_report
    assert svc.get_unit(any_ctx, "3374").name == "Kota Semarang"
    assert svc.get_unit(any_ctx, "polda").code == "POLDA"


def test_an_admin_adds_an_agency_unit_audited_and_announced(any_ctx):
    seen = []
    any_ctx.bus.subscribe(seen.append)
    u = svc.add_unit(any_ctx, "dinsos", "  Dinas Sosial   Provinsi Jawa Tengah ", "on_event")
    assert (u.code, u.name, u.unit_type, u.cadence) == (
        "DINSOS", "Dinas Sosial Provinsi Jawa Tengah", "agency", "on_event")
    assert [c.kind for c in seen] == [ChangeKind.REPORTING_UNIT]
    with any_ctx.db.read() as s:
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "unit.create")).one()
    assert entry.record_id == str(u.id) and '"DINSOS"' in entry.after_json


@pytest.mark.parametrize("code, name, problem", [
    ("POLDA", "Polda lagi", "exists already"),
    ("33.74", "Kota Semarang", "capital letters"),
    ("X", "Terlalu pendek", "capital letters"),
    ("DINSOS", "", "Give a name"),
    ("DINSOS", "Dinsos\x1b[31m", "control"),
])
def test_a_bad_unit_is_refused_and_nothing_is_written(any_ctx, code, name, problem):
    before = dump(any_ctx)
    with pytest.raises(ValidationError) as err:
        svc.add_unit(any_ctx, code, name)
    assert problem.lower() in err.value.text_in("en").lower()
    assert dump(any_ctx) == before


def test_only_an_admin_manages_units_and_only_the_province_adds_them(any_ctx, template_db,
                                                                      tmp_path):
    before = dump(any_ctx)
    for role in ("operator", "supervisor"):
        with pytest.raises(PermissionDenied):
            svc.add_unit(at(any_ctx, DURING, role), "DINSOS", "Dinas Sosial")
        with pytest.raises(PermissionDenied):
            svc.update_unit(at(any_ctx, DURING, role), "POLDA", {"cadence": "on_event"})
    assert dump(any_ctx) == before
    shutil.copy(template_db, tmp_path / "office.sqlite3")
    office = AppContext(open_database(tmp_path / "office.sqlite3"), any_ctx.actor)
    reference.init_site(office, "33.22", "Kab. Semarang")
    office_before = dump(office)
    with pytest.raises(ValidationError, match="province"):
        svc.add_unit(office, "DINSOS", "Dinas Sosial")
    assert dump(office) == office_before


def test_a_stale_change_is_refused_and_a_fresh_one_saved(any_ctx):
    a = any_ctx
    b = AppContext(Database(a.db.url), Actor("kepala", "admin", "Kepala"), a.bus, a.clock)
    seen_by_a = svc.get_unit(a, "KPU-PROV").version
    svc.update_unit(b, "KPU-PROV", {"cadence": "on_event"})
    before = dump(a)
    with pytest.raises(StaleEdit) as err:
        svc.update_unit(a, "KPU-PROV", {"name": "KPU Jateng"}, expected_version=seen_by_a)
    assert err.value.current["cadence"] == "on_event" and err.value.changed_by
    assert dump(a) == before
    saved = svc.update_unit(a, "KPU-PROV", {"name": "KPU Jateng"},
                            expected_version=err.value.version)
    assert (saved.name, saved.cadence) == ("KPU Jateng", "on_event")
    with a.db.read() as s:
        u = s.scalars(select(ReportingUnit).where(ReportingUnit.number == "KPU-PROV")).one()
    assert u.field_stamps["name"] > u.field_stamps["cadence"] > u.field_stamps["active"]
    with pytest.raises(ValidationError):
        svc.update_unit(a, "KPU-PROV", {"unit_type": "regency"})
    with pytest.raises(NotFoundError):
        svc.update_unit(a, "NOPE", {"active": False})


def test_the_watch_covers_regency_offices_and_agencies(any_ctx):
    ctx = at(any_ctx, DURING)
    polda = report(ctx, "33.22", unit="polda")  # Polda reports an incident in Kab. Semarang
    assert polda.reporting_unit == "POLDA"
    report(ctx, "33.74")  # the Kota Semarang office's own report
    report(ctx, "33.01", unit="33.01")  # a regency office's own code: the office itself
    dash.record_nihil(ctx, "kejati", via="telepon", note="Tidak ada laporan")
    dash.record_nihil(ctx, "33.02", via="paket")
    svc.update_unit(ctx, "KESBANGPOL", {"active": False})
    status = dash.report_status(any_ctx, report_period(PERIOD_DAY))
    agencies = {c: s.status for c, s in status.items() if s.group == "agency"}
    assert agencies == {"POLDA": "masuk", "KODAM4": "belum", "KEJATI": "nihil",
                        "BAWASLU-PROV": "belum", "KPU-PROV": "belum", "DISKOMINFO": "belum"}
    assert status["POLDA"].last_report_at == DURING.astimezone(UTC)
    regencies = {c: s.status for c, s in status.items() if s.group == "regency"}
    assert len(regencies) == 35
    assert (regencies["33.74"], regencies["33.01"], regencies["33.02"]) == (
        "masuk", "masuk", "nihil")
    assert regencies["33.22"] == "belum"  # Polda's report is not the Kab. Semarang office's
    # an agency reporting only when something happens is listed once it did
    report(ctx, "33.10", unit="BPBD")
    status = dash.report_status(any_ctx, report_period(PERIOD_DAY))
    assert status["BPBD"].status == "masuk" and "SATPOLPP" not in status
    # Polda cannot be Nihil after reporting; an unknown or inactive unit is refused
    before = dump(any_ctx)
    for code in ("POLDA", "KESBANGPOL", "NOPE"):
        with pytest.raises(ValidationError):
            dash.record_nihil(ctx, code)
    with pytest.raises(ValidationError):
        report(ctx, "33.22", unit="KESBANGPOL")
    assert dump(any_ctx) == before
