"""Shifts and handover (issue 18): a handover lists exactly the open items an independent
query of the database finds; its acknowledgement is in the audit trail; the roster is a
supervisor's; a refusal changes nothing."""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime, timedelta

import pytest

from posko_desktop.core.context import AppContext
from posko_desktop.core.domain import Actor, PermissionDenied, TransitionError
from posko_desktop.core.services import accounts, audit, dashboard, shifts
from posko_desktop.core.services import incidents as inc
from posko_desktop.core.services.audit import AuditFilter
from posko_desktop.core.services.incidents import IncidentInput
from posko_desktop.core.shifts import Shift, shift_at
from posko_desktop.core.timeutil import WIB
from tests.core.test_search_literal import dump

NOW = datetime(2024, 11, 27, 14, 30, tzinfo=WIB)  # the morning shift of voting day


def at(ctx: AppContext, moment: datetime, actor: Actor | None = None) -> AppContext:
    return AppContext(ctx.db, actor or ctx.actor, ctx.bus, lambda: moment.astimezone(UTC))


def sql(path, query: str) -> list[tuple]:
    con = sqlite3.connect(path)
    try:
        return con.execute(query).fetchall()
    finally:
        con.close()


def make_incidents(ctx: AppContext) -> None:
    def add(title: str, sev: str, hours_ago: float, regency: str = "33.74") -> inc.IncidentDetail:
        when = NOW - timedelta(hours=hours_ago)
        return inc.create_incident(at(ctx, when), IncidentInput(
            regency_code=regency, title=title, category_code="D3", severity=sev,
            occurred_at=when, reported_at=when))
    add("Bentrok di Tembalang", "kritis", 0.5)  # critical, open, response due in 30 min
    late = add("Intimidasi saksi di Pedurungan", "tinggi", 10)  # past its 6 h response
    answered = add("Perusakan APK di Banyumanik", "tinggi", 9, "33.22")
    inc.add_followup(at(ctx, NOW - timedelta(hours=8)), answered.id, "Sudah dicek petugas")
    gone = add("Laporan ganda", "kritis", 2, "33.01")
    inc.set_deleted(at(ctx, NOW - timedelta(hours=1)), gone.id, True, "duplikat")
    referred = add("Politik uang di Gunungpati", "sedang", 3, "33.02")
    inc.add_referral(at(ctx, NOW - timedelta(hours=2)), referred.id, "GAKKUMDU", "Mohon kajian",
                     NOW + timedelta(hours=4))
    later = add("Ujaran kebencian di pasar", "rendah", 1, "33.03")
    inc.add_referral(at(ctx, NOW - timedelta(minutes=30)), later.id, "POLRI", "",
                     NOW + timedelta(days=5))  # due long after the next shift
    done = add("Bentrok selesai", "kritis", 5, "33.04")
    sup = at(ctx, NOW - timedelta(hours=4))
    inc.change_status(sup, done.id, "diverifikasi")
    inc.change_status(sup, done.id, "ditindaklanjuti")
    inc.change_status(sup, done.id, "selesai", "Sudah kondusif")
    dashboard.record_nihil(at(ctx, NOW - timedelta(hours=1)), "33.29")
    dashboard.record_nihil(at(ctx, NOW - timedelta(hours=1)), "POLDA")  # an agency's unit
    assert late.number


def independent(path, now: datetime) -> dict[str, list[str]]:
    """The open items by plain SQL on the file (times stored as naive UTC text)."""
    t = now.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ")
    due = (now + shifts.DUE_WITHIN).astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ")
    open_ = "('baru', 'diverifikasi', 'ditindaklanjuti')"
    period_start = datetime(2024, 11, 27, 7, 0, tzinfo=WIB).astimezone(UTC).replace(
        tzinfo=None).isoformat(sep=" ")
    # a regency office reports its regency's incidents that name no unit, an agency those
    # that name it (the reporting watch, issue 18)
    reported = {r for (r,) in sql(path, "SELECT coalesce(reporting_unit, regency_code) FROM "
                                        "incident WHERE deleted = 0 "
                                        f"AND created_at >= '{period_start}'")}
    reported |= {r for (r,) in sql(path, "SELECT coalesce(unit_code, regency_code) FROM "
                                         "nihil_report WHERE deleted = 0 AND "
                                         "report_date = '2024-11-28'")}  # the period ending 28 Nov 07.00
    return {
        "critical_open": [n for (n,) in sql(path, f"SELECT number FROM incident WHERE deleted = 0 "
                                                  f"AND status IN {open_} AND severity = 'kritis' "
                                                  "ORDER BY number")],
        "response_overdue": [n for (n,) in sql(
            path, f"SELECT number FROM incident WHERE deleted = 0 AND status IN {open_} AND "
                  f"responded_at IS NULL AND respond_by < '{t}' ORDER BY respond_by, number")],
        "referral_due": [n for (n,) in sql(
            path, "SELECT number FROM incident WHERE deleted = 0 AND next_referral_due IS NOT "
                  f"NULL AND next_referral_due < '{due}' ORDER BY next_referral_due, number")],
        "unit_not_reported": [c for (c,) in sql(
            path, "SELECT number FROM reporting_unit WHERE deleted = 0 AND active = 1 AND "
                  "cadence = 'daily' ORDER BY number") if c not in reported],
    }


def test_a_handover_lists_exactly_what_an_independent_query_finds(ctx, db_path):
    make_incidents(ctx)
    h = shifts.create_handover(at(ctx, NOW), "Pantau terus Tembalang.")
    assert (h.day, h.shift) == (date(2024, 11, 27), Shift.PAGI)
    found: dict[str, list[str]] = {}
    for item in h.items:
        found.setdefault(item.kind, []).append(item.ref)
    want = independent(db_path, NOW)
    assert found == {k: v for k, v in want.items() if v}
    assert len(want["critical_open"]) == 1 and len(want["response_overdue"]) == 1
    # 30 regency offices and the 6 daily agencies besides POLDA
    assert len(want["referral_due"]) == 1 and len(want["unit_not_reported"]) == 30 + 6
    assert h.note == "Pantau terus Tembalang." and shifts.latest_handover(ctx) == h


def test_the_incoming_officer_acknowledges_it_in_the_audit_trail(ctx, db_path):
    accounts.add_user(ctx, "budi", "Piket-Malam-Jateng-1", "operator", "Budi Santoso")
    accounts.add_user(ctx, "sri", "Piket-Pagi-Jateng-12", "operator", "Sri Lestari")
    sri = at(ctx, NOW, Actor("sri", "operator", "Sri Lestari"))
    h = shifts.create_handover(sri)
    h = shifts.update_note(sri, h.id, "Cek rujukan Gakkumdu.", expected_version=h.version)
    before = dump(ctx.db)
    with pytest.raises(TransitionError):  # not by the one who wrote it
        shifts.acknowledge(sri, h.id, expected_version=h.version)
    assert dump(ctx.db) == before
    budi = at(ctx, NOW + timedelta(minutes=40), Actor("budi", "operator", "Budi Santoso"))
    done = shifts.acknowledge(budi, h.id, expected_version=h.version)
    assert done.acknowledged_by == "budi"
    trail = audit.query(ctx, AuditFilter(action="shift.handover_ack"))
    assert [(e.username, e.record_id) for e in trail.rows] == [("budi", str(h.id))]
    assert audit.verify_chain(ctx).ok
    before = dump(ctx.db)
    with pytest.raises(TransitionError):  # once only, and the note is closed
        shifts.acknowledge(budi, h.id)
    with pytest.raises(TransitionError):
        shifts.update_note(sri, h.id, "diubah")
    assert dump(ctx.db) == before


def test_the_roster_is_set_by_a_supervisor(ctx):
    accounts.add_user(ctx, "budi", "Piket-Malam-Jateng-1", "operator", "Budi Santoso")
    accounts.add_user(ctx, "ani", "Piket-Pagi-Jateng-12", "supervisor", "Ani")
    day = date(2024, 11, 27)
    lines = shifts.set_roster(ctx, day, "malam", [("budi", "Polda"), ("ani", "koordinator")])
    assert [(r.shift, r.username, r.name, r.duty) for r in lines] == [
        ("malam", "ani", "Ani", "koordinator"), ("malam", "budi", "Budi Santoso", "Polda")]
    lines = shifts.set_roster(ctx, day, "malam", [("budi", "Polda")])  # replaces the shift
    assert [r.username for r in shifts.roster(ctx, day, day)] == ["budi"]
    operator = AppContext(ctx.db, Actor("budi", "operator", "Budi Santoso"))
    before = dump(ctx.db)
    with pytest.raises(PermissionDenied):
        shifts.set_roster(operator, day, "pagi", [("budi", "")])
    assert dump(ctx.db) == before


def test_the_shift_of_a_moment():
    assert shift_at(datetime(2024, 11, 27, 6, 59, tzinfo=WIB)) == (date(2024, 11, 26), Shift.MALAM)
    assert shift_at(datetime(2024, 11, 27, 7, 0, tzinfo=WIB)) == (date(2024, 11, 27), Shift.PAGI)
    assert shift_at(datetime(2024, 11, 27, 15, 0, tzinfo=WIB))[1] == Shift.SIANG
    assert shift_at(datetime(2024, 11, 27, 23, 30, tzinfo=WIB)) == (date(2024, 11, 27), Shift.MALAM)
