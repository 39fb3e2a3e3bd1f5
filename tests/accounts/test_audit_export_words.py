"""The audit export (window and `posko audit export`) reads like the audit view: action
names, incident numbers, field labels and values in the UI language, times in WIB; the raw
codes follow in their own columns for machines."""

from __future__ import annotations

import csv
from datetime import UTC, datetime

import pytest
from openpyxl import load_workbook

from posko_desktop import cli
from posko_desktop.core import i18n
from posko_desktop.core.services import audit
from posko_desktop.core.services import incidents as inc
from posko_desktop.core.services.audit import AuditFilter

from .conftest import PASSWORDS

WORDS = {
    "id": {"header": ["No.", "Waktu (WIB)"], "create": "Kejadian dicatat",
           "note": "Catatan tindak lanjut ditambahkan", "severity": "Tingkat keparahan",
           "record": "Kejadian {n}", "change": "Sedang → Tinggi"},
    "en": {"header": ["No.", "Time (WIB)"], "create": "Incident recorded",
           "note": "Follow-up note added", "severity": "Severity",
           "record": "Incident {n}", "change": "Medium → High"},
}


def made(ctx):
    d = inc.create_incident(ctx, inc.IncidentInput(
        regency_code="33.74", title="Hoaks logistik", category_code="A1", severity="sedang",
        occurred_at=datetime(2024, 11, 26, 2, 0, tzinfo=UTC)))
    inc.update_incident(ctx, d.id, {"severity": "tinggi"})
    inc.add_followup(ctx, d.id, "Dicek ke lapangan")
    return d


def read_csv(path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.mark.parametrize("lang", ["id", "en"])
def test_csv_export_in_words_with_the_raw_codes_beside(accounts_ctx, tmp_path, lang):
    d = made(accounts_ctx)
    target = tmp_path / "jejak.csv"
    with i18n.language(lang):
        audit.export(accounts_ctx, AuditFilter(record_id=str(d.id)), target)
        code_col, record_col, type_col, id_col = (
            i18n._("Action code"), i18n._("Record"), i18n._("Record type"), i18n._("Record id"))
        time_col, utc_col = i18n._("Time (WIB)"), i18n._("Time (UTC)")
        action_col, changes_col = i18n._("Action"), i18n._("Changes")
    words = WORDS[lang]
    rows = read_csv(target)
    assert list(rows[0])[:2] == words["header"]
    by_code = {r[code_col]: r for r in rows}
    assert set(by_code) == {"incident.create", "incident.update", "followup.note"}
    create = by_code["incident.create"]
    assert create[action_col] == words["create"]
    assert by_code["followup.note"][action_col] == words["note"]
    for r in rows:  # the number people use, the id for machines
        assert r[record_col] == words["record"].format(n=d.number)
        assert r[type_col] == "incident" and r[id_col] == str(d.id)
        assert str(d.id) not in r[record_col]
        # WIB in words, UTC raw: the same moment 7 hours apart
        utc = datetime.strptime(r[utc_col], "%Y-%m-%dT%H:%M:%S.%fZ")
        assert "{h:02d}".format(h=(utc.hour + 7) % 24) in r[time_col]
    update = by_code["incident.update"][changes_col]
    assert update.startswith(words["severity"] + ": ") and words["change"] in update
    assert "severity" not in update


def test_xlsx_export_and_the_cli_write_the_same_words(accounts_ctx, db_path, tmp_path,
                                                       monkeypatch, capsys):
    d = made(accounts_ctx)
    book = tmp_path / "jejak.xlsx"
    monkeypatch.setenv("POSKO_PASSWORD", PASSWORDS["admin"])
    code = cli.main(["--db", str(db_path), "--user", "admin", "--lang", "id", "audit", "export",
                     str(book), "--record", str(d.id)])
    assert code == 0, capsys.readouterr().err
    ws = load_workbook(book).active
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    head = rows[0]
    body = [dict(zip(head, r, strict=True)) for r in rows[1:]]
    assert {r["Kode tindakan"] for r in body} == {"incident.create", "incident.update",
                                                  "followup.note"}
    assert {r["Tindakan"] for r in body} >= {"Kejadian dicatat",
                                             "Catatan tindak lanjut ditambahkan"}
    assert all(r["Data"] == "Kejadian {n}".format(n=d.number) for r in body)
