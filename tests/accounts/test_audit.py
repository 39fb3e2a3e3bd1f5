"""The audit trail: every change recorded, the chain verifies, and tampering made directly in
SQL (edit, delete, insert, reorder) is found and named."""

from __future__ import annotations

import csv
import sqlite3
import threading
from dataclasses import replace
from datetime import UTC, date, datetime

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError

from posko_desktop.core.context import AppContext
from posko_desktop.core.db.engine import Database
from posko_desktop.core.db.models_accounts import AuditEntry
from posko_desktop.core.domain import Actor, PermissionDenied, ValidationError
from posko_desktop.core.services import audit
from posko_desktop.core.services import incidents as inc
from posko_desktop.core.services.audit import AuditFilter
from posko_desktop.core.services.incidents import IncidentInput
from posko_desktop.core.timeutil import wib_date

OPERATOR = Actor("opr", "operator", "Operator")
SUPERVISOR = Actor("spv", "supervisor", "Supervisor")


def sample(**kw) -> IncidentInput:
    values = dict(regency_code="33.74", title="Hoaks logistik", category_code="A1",
                  severity="sedang", occurred_at=datetime(2024, 11, 26, 9, 0))
    values.update(kw)
    return IncidentInput(**values)


def busy(ctx: AppContext, n: int = 6) -> None:
    """Some real work: incidents created, edited, verified, followed up."""
    for i in range(n):
        d = inc.create_incident(ctx, sample(title=f"Kejadian {i}"))
        inc.update_incident(ctx, d.id, sample(title=f"Kejadian {i} (diperbarui)", severity="tinggi"))
        inc.change_status(ctx, d.id, "diverifikasi")
        inc.add_followup(ctx, d.id, f"Koordinasi dengan Bawaslu {i}")


def sql(db: Database, *statements: str, params: dict | None = None) -> None:
    """Tamper by hand: the way someone with the file and a SQLite shell would."""
    assert db.file is not None
    conn = sqlite3.connect(db.file)
    try:
        conn.execute("DROP TRIGGER IF EXISTS audit_log_no_update")
        conn.execute("DROP TRIGGER IF EXISTS audit_log_no_delete")
        for st in statements:
            conn.execute(st, params or {})
        conn.commit()
    finally:
        conn.close()


def entries(db: Database) -> int:
    with db.read() as s:
        return s.scalar(select(func.count()).select_from(AuditEntry))


def test_every_change_is_recorded_with_before_and_after(ctx):
    d = inc.create_incident(ctx, sample())
    # the whole form as the window sends it: the stored values, severity changed
    inc.update_incident(ctx, d.id, replace(d.to_input(), severity="kritis"))
    page = audit.query(ctx, AuditFilter(record_id=str(d.id)), newest_first=False)
    assert [r.action for r in page.rows] == ["incident.create", "incident.update"]
    update = page.rows[1]
    assert update.before == {"severity": "sedang"} and update.after == {"severity": "kritis"}
    assert update.username == "admin" and update.site_code == "33"
    assert "severity: sedang → kritis" in update.changes()


def test_chain_verifies_on_a_busy_database(ctx):
    busy(ctx, 10)
    result = audit.verify_chain(ctx)
    assert result.ok, result.message()
    assert result.checked == entries(ctx.db) == 40
    assert result.last_hash == audit.latest_anchor(ctx).hash


def test_edited_entry_is_named(ctx):
    busy(ctx)
    sql(ctx.db, "UPDATE audit_log SET after_json = '{\"severity\":\"rendah\"}' WHERE id = 7")
    result = audit.verify_chain(ctx)
    assert not result.ok and result.first_bad_id == 7
    assert "#7" in result.message()
    assert result.checked == 6


def test_edited_username_is_named(ctx):
    busy(ctx)
    sql(ctx.db, "UPDATE audit_log SET username = 'orang_lain' WHERE id = 12")
    assert audit.verify_chain(ctx).first_bad_id == 12


def test_deleted_entry_is_named(ctx):
    busy(ctx)
    sql(ctx.db, "DELETE FROM audit_log WHERE id = 5")
    result = audit.verify_chain(ctx)
    assert not result.ok and result.first_bad_id == 6
    assert "#5" in result.message()


def test_deleting_the_newest_entries_is_noticed(ctx):
    busy(ctx)
    last = entries(ctx.db)
    sql(ctx.db, f"DELETE FROM audit_log WHERE id >= {last - 1}")
    result = audit.verify_chain(ctx)
    assert not result.ok and result.first_bad_id == last


def test_deleted_first_entry_is_named(ctx):
    busy(ctx)
    sql(ctx.db, "DELETE FROM audit_log WHERE id = 1")
    assert audit.verify_chain(ctx).first_bad_id == 2


def test_inserted_entry_is_named(ctx):
    busy(ctx)
    last = entries(ctx.db)
    with ctx.db.read() as s:
        tail = s.scalar(select(AuditEntry.hash).where(AuditEntry.id == last))
    forged = {"id": last + 1, "at": datetime(2024, 11, 27, 1, 0), "username": "admin",
              "role": "admin", "display_name": "", "site_code": "33", "action": "incident.delete",
              "record_type": "incident", "record_id": "x", "before_json": "null",
              "after_json": "null", "detail": "", "prev_hash": tail}
    # even with a correctly computed hash the head no longer matches
    forged_hash = audit.entry_hash(forged)
    sql(ctx.db, "INSERT INTO audit_log VALUES (:id, '2024-11-27 01:00:00.000000', :username, "
                ":role, :display_name, :site_code, :action, :record_type, :record_id, "
                ":before_json, :after_json, :detail, :prev_hash, :hash)",
        params={**forged, "at": None, "hash": forged_hash})
    result = audit.verify_chain(ctx)
    assert not result.ok
    assert f"#{last + 1}" in result.message()


def test_inserted_entry_in_the_middle_is_named(ctx):
    busy(ctx)
    # make room after entry 4 (ids shifted up by one), then put a forged entry there
    sql(ctx.db,
        "UPDATE audit_log SET id = id + 100000 WHERE id > 4",
        "UPDATE audit_log SET id = id - 99999 WHERE id > 100000",
        "INSERT INTO audit_log SELECT 5, at, username, role, display_name, site_code, "
        "'incident.delete', record_type, record_id, before_json, after_json, detail, "
        "'1111eeee' || substr(prev_hash, 9), '0000ffff' || substr(hash, 9) "
        "FROM audit_log WHERE id = 4")
    result = audit.verify_chain(ctx)
    assert not result.ok and result.first_bad_id == 5


def test_reordered_entries_are_named(ctx):
    busy(ctx)
    sql(ctx.db,
        "UPDATE audit_log SET id = -1 WHERE id = 8",
        "UPDATE audit_log SET id = 8 WHERE id = 9",
        "UPDATE audit_log SET id = 9 WHERE id = -1")
    result = audit.verify_chain(ctx)
    assert not result.ok and result.first_bad_id == 8


def test_the_chain_cannot_fork(ctx):
    """prev_hash is unique: a second entry claiming the same predecessor is refused."""
    busy(ctx, 1)
    with pytest.raises(IntegrityError):
        with ctx.db.write() as s:
            s.execute(text(
                "INSERT INTO audit_log SELECT 99, at, username, role, display_name, site_code, "
                "action, record_type, record_id, before_json, after_json, detail, prev_hash, "
                "'ab' || substr(hash, 3) FROM audit_log WHERE id = 2"))


def test_sql_update_and_delete_are_refused_by_triggers(ctx):
    busy(ctx, 1)
    for statement in ("UPDATE audit_log SET detail = 'x' WHERE id = 1",
                      "DELETE FROM audit_log WHERE id = 1"):
        with pytest.raises(Exception, match="append-only"):
            with ctx.db.write() as s:
                s.execute(text(statement))
    assert audit.verify_chain(ctx).ok


def test_a_rewritten_trail_does_not_contain_the_printed_anchor(ctx):
    """Someone who recomputes every hash after an edit fools the chain check alone, but not
    the anchor printed on an earlier sitrep."""
    busy(ctx, 2)
    anchor = audit.latest_anchor(ctx)
    assert audit.verify_chain(ctx, anchors=[anchor.text]).ok
    assert audit.verify_chain(ctx, anchors=[anchor.hash[:16]]).ok
    # rewrite: edit entry 2 and recompute every hash after it, head included
    conn = sqlite3.connect(ctx.db.file)
    conn.execute("DROP TRIGGER audit_log_no_update")
    conn.execute("UPDATE audit_log SET detail = 'ditulis ulang' WHERE id = 2")
    prev = conn.execute("SELECT hash FROM audit_log WHERE id = 1").fetchone()[0]
    with ctx.db.read() as s:
        rows = s.scalars(select(AuditEntry).where(AuditEntry.id >= 2).order_by(AuditEntry.id)).all()
    for row in rows:
        fields = audit._fields_of(row)
        fields["detail"] = "ditulis ulang" if row.id == 2 else row.detail
        fields["prev_hash"] = prev
        prev = audit.entry_hash(fields)
        conn.execute("UPDATE audit_log SET detail = ?, prev_hash = 'tmp' || id, hash = ? "
                     "WHERE id = ?", (fields["detail"], prev, row.id))
        conn.execute("UPDATE audit_log SET prev_hash = ? WHERE id = ?", (fields["prev_hash"], row.id))
    conn.execute("UPDATE audit_head SET last_hash = ?", (prev,))
    conn.commit()
    conn.close()
    assert audit.verify_chain(ctx).ok  # the limit of a keyless chain, documented
    result = audit.verify_chain(ctx, anchors=[anchor.text])
    assert not result.ok and anchor.hash[:16] in result.message()


def test_concurrent_writers_never_fork_the_chain(ctx, db_path):
    """Two connections writing at once (BEGIN IMMEDIATE serialises them)."""
    other = Database(db_path)
    errors: list[BaseException] = []

    def work(context: AppContext, label: str) -> None:
        try:
            for i in range(15):
                inc.create_incident(context, sample(title=f"{label} {i}"))
        except BaseException as err:  # reported below
            errors.append(err)

    threads = [threading.Thread(target=work, args=(ctx, "a")),
               threading.Thread(target=work, args=(AppContext(other, ctx.actor), "b"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    other.dispose()
    assert not errors
    result = audit.verify_chain(ctx)
    assert result.ok and result.checked == entries(ctx.db) == 30


def test_query_filters_match_sql(ctx):
    """The day filter is a WIB day: at 23:30 UTC it is already the next day in WIB."""
    ctx.clock = lambda: datetime(2024, 11, 27, 23, 30, tzinfo=UTC)
    busy(ctx, 3)
    spv = ctx.as_actor(SUPERVISOR)
    d = inc.create_incident(spv, sample())
    inc.change_status(spv, d.id, "ditolak", "bukan kejadian pemilu")
    page = audit.query(ctx, AuditFilter(username="spv"))
    assert page.total == 2 and {r.username for r in page.rows} == {"spv"}
    with ctx.db.read() as s:
        n_status = s.scalar(select(func.count()).select_from(AuditEntry)
                            .where(AuditEntry.action == "incident.status"))
        n_incident = s.scalar(select(func.count()).select_from(AuditEntry)
                              .where(AuditEntry.action.like("incident.%")))
    assert audit.query(ctx, AuditFilter(action="incident.status")).total == n_status == 4
    assert audit.query(ctx, AuditFilter(action="incident.")).total == n_incident
    assert audit.query(ctx, AuditFilter(record_id=str(d.id)[:13])).total >= 2
    today = wib_date(ctx.now())
    assert today == date(2024, 11, 28)
    assert audit.query(ctx, AuditFilter(first_day=today, last_day=today)).total == entries(ctx.db)
    assert audit.query(ctx, AuditFilter(last_day=date(2024, 11, 27))).total == 0
    assert audit.query(ctx, AuditFilter(last_day=date(2020, 1, 1))).total == 0
    assert "spv" in audit.known_users(ctx) and "incident.status" in audit.known_actions(ctx)


def test_operator_may_not_view_the_trail(ctx):
    opr = ctx.as_actor(OPERATOR)
    for call in (lambda: audit.query(opr), lambda: audit.verify_chain(opr),
                 lambda: audit.export(opr, AuditFilter(), "x.csv")):
        with pytest.raises(PermissionDenied):
            call()


INJECTION = "=HYPERLINK(\"http://evil\",\"klik\")"


def test_export_csv_neutralises_formulas(ctx, tmp_path):
    d = inc.create_incident(ctx, sample(title=INJECTION))
    inc.add_followup(ctx, d.id, "+62 812 catatan")
    target = tmp_path / "audit.csv"
    count = audit.export(ctx, AuditFilter(record_id=str(d.id)), target)
    assert count == 2
    with target.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert len(rows) == 3
    cells = [c for row in rows[1:] for c in row]
    assert not any(c.startswith(("=", "+", "-", "@")) for c in cells)
    assert any(INJECTION in c for c in cells)
    # the export itself is in the trail
    assert audit.query(ctx, AuditFilter(action="audit.export")).total == 1
    assert not list(tmp_path.glob("*.part"))


def test_export_xlsx_keeps_text_as_text(ctx, tmp_path):
    inc.create_incident(ctx, sample(title=INJECTION))
    target = tmp_path / "audit.xlsx"
    count = audit.export(ctx, AuditFilter(), target)
    assert count == entries(ctx.db) - 1  # the export entry is written after the file
    ws = load_workbook(target).active
    values = [c.value for row in ws.iter_rows(min_row=2) for c in row]
    assert ws.max_row == count + 1
    assert not any(isinstance(v, str) and v.startswith("=") for v in values)
    assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)


def test_export_refuses_an_unknown_format_and_writes_nothing(ctx, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(ValidationError):
        audit.export(ctx, AuditFilter(), out / "audit.pdf")
    assert list(out.iterdir()) == []
    assert audit.query(ctx, AuditFilter(action="audit.export")).total == 0


def test_secrets_never_reach_the_trail(ctx):
    with ctx.db.write() as s:
        audit.record(s, ctx.actor, "x.test", "x", "1", before={"password": "Rahasia-Sekali-1"},
                     after={"nested": {"password_hash": "$argon2id$..."}}, at=ctx.now())
    row = audit.query(ctx, AuditFilter(action="x.test")).rows[0]
    assert row.before == {"password": "***"} and row.after == {"nested": {"password_hash": "***"}}


def test_chain_on_both_backends(any_ctx):
    busy(any_ctx, 2)
    result = audit.verify_chain(any_ctx)
    assert result.ok and result.checked == 8
    with pytest.raises(Exception, match="append-only"):
        with any_ctx.db.write() as s:
            s.execute(text("DELETE FROM audit_log WHERE id = 1"))
    assert audit.verify_chain(any_ctx).ok


def test_concurrent_writers_never_fork_the_chain_on_both_backends(any_ctx):
    """Two engines on the same database (two workstations of the server mode)."""
    other = Database(any_ctx.db.url)
    errors: list[BaseException] = []

    def work(context: AppContext, label: str) -> None:
        try:
            for i in range(10):
                inc.create_incident(context, sample(title=f"{label} {i}"))
        except BaseException as err:  # reported below
            errors.append(err)

    threads = [threading.Thread(target=work, args=(any_ctx, "a")),
               threading.Thread(target=work, args=(AppContext(other, any_ctx.actor), "b"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    other.dispose()
    assert not errors
    result = audit.verify_chain(any_ctx)
    assert result.ok and result.checked == entries(any_ctx.db) == 20
