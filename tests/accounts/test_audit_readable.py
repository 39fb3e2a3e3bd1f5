"""The audit trail as a supervisor reads it: words for actions, incident numbers for ids,
field labels and values in the UI language, login details as sentences, one session line
per command-line run; the same text in the window and in `posko audit list`."""

from __future__ import annotations

import json
import time
from datetime import UTC, date, datetime

import pytest

from posko_desktop import cli
from posko_desktop.core import i18n
from posko_desktop.core.services import accounts, audit_text, settings_service
from posko_desktop.core.services import incidents as inc
from posko_desktop.core.services.audit import AuditFilter

from .conftest import PASSWORDS


def sample(**kw) -> inc.IncidentInput:
    base = dict(regency_code="33.02", title="Hoaks di grup WA", category_code="A1",
                severity="sedang", occurred_at=datetime(2024, 11, 26, 9, 0, tzinfo=UTC))
    base.update(kw)
    return inc.IncidentInput(**base)


def lines(ctx, **flt) -> list[audit_text.AuditLine]:
    return list(audit_text.readable_page(ctx, AuditFilter(**flt), limit=500).rows)


def test_incident_changes_read_with_number_labels_and_values(any_ctx):
    """The record is the incident's number (not its UUID), fields are the window's labels,
    severity and times are formatted; in English the same entry reads in English."""
    d = inc.create_incident(any_ctx, sample())
    inc.update_incident(any_ctx, d.id, {"severity": "tinggi", "title": "Hoaks logistik"},
                        expected_version=d.version)
    created, updated = (next(li for li in lines(any_ctx, action=a)) for a in
                        ("incident.create", "incident.update"))
    assert created.action == "Kejadian dicatat" and updated.action == "Kejadian diubah"
    assert created.record == "Kejadian {n}".format(n=d.number)
    assert str(d.id) not in created.record + updated.record
    assert "Judul: Hoaks di grup WA" in created.changes
    assert "Kab. Banyumas" in created.changes  # the regency's name beside its code
    assert "26-11-2024 16.00 WIB" in created.changes  # 09:00 UTC is 16.00 WIB
    assert "Tingkat keparahan: Sedang → Tinggi" in updated.changes
    i18n.set_language("en")
    updated_en = next(li for li in lines(any_ctx, action="incident.update"))
    assert updated_en.action == "Incident edited"
    assert "Severity: Medium → High" in updated_en.changes


def test_login_details_are_sentences_and_lockout_is_an_alert(accounts_ctx):
    with pytest.raises(accounts.AuthError):
        accounts.login(accounts_ctx, "opr", "salah-satu-kali")
    failed = next(li for li in lines(accounts_ctx, action="auth.login_failed"))
    assert failed.action == "Gagal masuk"
    assert failed.detail == "Kata sandi salah (percobaan 1 dari 5)"
    assert failed.alert and "wrong_password" not in failed.detail


def test_setting_change_names_the_setting(accounts_ctx):
    settings_service.set(accounts_ctx, "sitrep.signer_name", "Drs. Budi Santoso")
    line = next(li for li in lines(accounts_ctx, action="setting.change"))
    assert line.action == "Pengaturan diubah"
    assert "Penanda tangan laporan situasi: nama: — → Drs. Budi Santoso" == line.changes


@pytest.fixture
def run(db_path, capsys, monkeypatch):
    def _run(*args: str, password: str | None = PASSWORDS["admin"]):
        monkeypatch.setenv("POSKO_PASSWORD", password or "")
        code = cli.main(["--db", str(db_path), "--user", "admin", *args])
        out = capsys.readouterr()
        return code, out.out, out.err

    return _run


def test_cli_runs_are_one_session_line_each_and_the_table_reads_in_words(accounts_ctx, run):
    d = inc.create_incident(accounts_ctx, sample())
    assert run("incident", "list")[0] == 0
    assert run("settings", "list")[0] == 0
    assert run("incident", "list", password="bukan-sandinya")[0] == 2
    code, out, err = run("audit", "list", "--limit", "200")
    assert code == 0, err
    assert "Sesi baris perintah" in out and "Perintah: posko incident list" in out
    assert "Perintah: posko settings list" in out
    assert "Kata sandi salah (percobaan 1 dari 5)" in out
    assert "Kejadian {n}".format(n=d.number) in out and str(d.id) not in out
    assert "incident.create" not in out and "Kejadian dicatat" in out
    code, out, _ = run("audit", "list", "--no-sessions", "--format", "json")
    entries = json.loads(out)["entries"]
    assert not [e for e in entries if e["action"] == "auth.login"]
    assert [e for e in entries if e["action"] == "auth.login_failed"]  # failures stay
    code, out, _ = run("audit", "list", "--action", "auth.login", "--format", "json")
    sessions = [e for e in json.loads(out)["entries"] if e["detail"].startswith("cli:")]
    assert [e["detail"] for e in reversed(sessions)] == [  # one line per run, oldest first
        "cli:incident list", "cli:settings list"] + ["cli:audit list"] * 3
    assert sessions[0]["action_text"] == "Sesi baris perintah"


# --- the window -------------------------------------------------------------------------


@pytest.fixture
def utc_machine(monkeypatch):
    """The machine's own time zone is UTC (the process's TZ, as an office PC set to UTC)."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_default_period_is_wib_today_at_23_30_utc(accounts_ctx, clock, utc_machine, qtbot,
                                                  runner):
    """23:30 UTC on 5 December is 06:30 WIB on 6 December: the period ends on the 6th."""
    from posko_desktop.ui.accounts.audit_panel import AuditPanel

    clock.now = datetime(2026, 12, 5, 23, 30, tzinfo=UTC)
    panel = AuditPanel(accounts_ctx, runner)
    qtbot.addWidget(panel)
    assert panel.last.date().toPython() == date(2026, 12, 6)
    assert panel.first.date().toPython() == date(2026, 11, 30)
    qtbot.waitUntil(lambda: not panel.loading)
    panel.use_period.setChecked(True)
    inc.create_incident(accounts_ctx, sample())  # audited at 23:30 UTC = 6 Dec WIB
    panel.reload()
    qtbot.waitUntil(lambda: not panel.loading)
    assert any(li.entry.action == "incident.create" for li in panel.model.rows)


def test_panel_reloads_when_opened_and_shows_words(accounts_ctx, qtbot, runner):
    from posko_desktop.ui.accounts.audit_panel import AuditPanel

    panel = AuditPanel(accounts_ctx, runner)
    qtbot.addWidget(panel)
    qtbot.waitUntil(lambda: not panel.loading)
    d = inc.create_incident(accounts_ctx, sample())  # while the panel is closed
    assert not any(d.number in li.record for li in panel.model.rows)
    panel.show()
    qtbot.waitUntil(lambda: any(d.number in li.record for li in panel.model.rows),
                    timeout=10_000)
    row = next(i for i, li in enumerate(panel.model.rows) if d.number in li.record)
    shown = [panel.model.index(row, c).data() for c in range(panel.model.columnCount())]
    assert shown[3] == "Kejadian dicatat" and shown[4] == "Kejadian {n}".format(n=d.number)
    assert shown[1].endswith("WIB")
    panel.hide_sessions.setChecked(True)  # reloads
    qtbot.waitUntil(lambda: not panel.loading)
    assert not [li for li in panel.model.rows if li.entry.action == "auth.login"]
