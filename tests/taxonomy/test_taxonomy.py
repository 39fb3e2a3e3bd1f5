"""The revised taxonomy (issue 18) where a user meets it: new categories in the CLI, the
XLSX template, stats, dashboard and sitrep; channel and legal type stored, defaulted,
refused, exported, imported and synced; the referral route a legal type suggests; a lawful
demonstration recorded without raising the situation level (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from posko_desktop.cli import main
from posko_desktop.core.domain import ValidationErrors
from posko_desktop.core.reports.data import SitrepOptions
from posko_desktop.core.services import incidents as inc
from posko_desktop.core.services import sitrep, stats
from posko_desktop.core.services.dashboard import levels, series
from posko_desktop.core.services.incidents import IncidentFilter, IncidentInput
from posko_desktop.core.spreadsheets.exporter import export_log
from posko_desktop.core.spreadsheets.template import write_template
from posko_desktop.core.taxonomy import suggested_agencies
from posko_desktop.core.timeutil import WIB
from tests.core.test_search_literal import dump

NEW_LEAVES = ("A7", "A8", "B4", "C7", "D7", "F7", "F8", "F9", "F10", "F11", "F12", "F13",
              "H1", "H2", "H3", "H4")
DAY = date(2024, 11, 27)


def sample(**overrides: Any) -> IncidentInput:
    values: dict[str, Any] = dict(
        regency_code="33.74", title="Orasi bernada kebencian", category_code="H1",
        severity="tinggi", occurred_at=datetime(2024, 11, 27, 9, 0, tzinfo=WIB),
        reported_at=datetime(2024, 11, 27, 9, 30, tzinfo=WIB))
    values.update(overrides)
    return IncidentInput(**values)


def test_channel_and_legal_type_are_stored_defaulted_and_refused(any_ctx):
    made = inc.create_incident(any_ctx, sample(channel="luring", legal_type="pidana"))
    assert (made.channel, made.legal_type) == ("luring", "pidana")
    online = inc.create_incident(any_ctx, sample(category_code="A1", title="Hoaks di grup"))
    assert (online.channel, online.legal_type) == ("daring", "")  # group A: online by nature
    unstated = inc.create_incident(any_ctx, sample(title="Tanpa saluran"))
    assert unstated.channel == ""
    before = dump(any_ctx.db)
    for bad in (dict(channel="radio"), dict(legal_type="perdata")):
        with pytest.raises(ValidationErrors) as err:
            inc.create_incident(any_ctx, sample(**bad))
        assert [e.field for e in err.value.errors] == list(bad)
    with pytest.raises(ValidationErrors):  # a retired code is refused for a new incident
        inc.create_incident(any_ctx, sample(category_code="A2"))
    assert dump(any_ctx.db) == before
    edited = inc.update_incident(any_ctx, made.id, {"legal_type": "kode_etik"},
                                 expected_version=made.version)
    assert edited.legal_type == "kode_etik" and edited.channel == "luring"


def test_the_legal_type_suggests_the_referral_route():
    assert suggested_agencies("pidana", "H1") == ("GAKKUMDU",)
    assert suggested_agencies("kode_etik", "C5") == ("DKPP",)
    assert suggested_agencies("administrasi", "F1") == ("BAWASLU", "KPU")
    assert suggested_agencies("", "C1") == ("BKN",)  # a civil servant's neutrality
    assert suggested_agencies("pidana", "C1") == ("BKN", "GAKKUMDU")
    assert suggested_agencies("", "A1") == suggested_agencies("hukum_lainnya", "A1") == ()


def test_new_categories_count_in_stats_dashboard_and_sitrep(any_ctx):
    for i, code in enumerate(NEW_LEAVES):
        inc.create_incident(any_ctx, sample(category_code=code, title="Kejadian {}".format(code),
                                            occurred_at=datetime(2024, 11, 27, 1 + i % 5,
                                                                 tzinfo=WIB)))
    by_category = {r.key: r.count for r in stats.counts_by(any_ctx, "category", DAY, DAY)}
    assert {c: by_category.get(c) for c in NEW_LEAVES} == dict.fromkeys(NEW_LEAVES, 1)
    by_group = {r.key: r.count for r in stats.counts_by(any_ctx, "group", DAY, DAY)}
    assert by_group["H"] == 4 and by_group["F"] == 7
    breakdown = series.category_breakdown(any_ctx, DAY, DAY)
    assert "H" in breakdown.groups
    h_bar = breakdown.values[breakdown.groups.index("H")]
    assert sum(h_bar) == 4 and "Ujaran kebencian" in breakdown.group_labels["H"]
    data = sitrep.gather(any_ctx, SitrepOptions(DAY))  # 26 Nov 07.00 - 27 Nov 07.00 WIB)
    assert "H" in [g.code for g in data.groups]
    assert data.figures.period.by_group["H"] == 4
    semarang = next(r for r in data.regency_rows if r.code == "33.74")
    assert semarang.by_group["H"] == 4 and semarang.total == len(NEW_LEAVES)


def test_a_lawful_demonstration_does_not_raise_the_situation_level(any_ctx):
    at = datetime(2024, 11, 27, 12, 0, tzinfo=WIB)
    for i in range(6):
        inc.create_incident(any_ctx, sample(category_code="D7", severity="kritis",
                                            title="Aksi damai {}".format(i),
                                            occurred_at=at - timedelta(hours=1 + i),
                                            reported_at=at - timedelta(hours=1 + i)))
    level = levels.situation_levels(any_ctx, at)["33.74"]
    assert (level.incidents, level.open_critical, level.level) == (0, 0, "kondusif")
    inc.create_incident(any_ctx, sample(category_code="D4", severity="kritis",
                                        title="Unjuk rasa ricuh",
                                        occurred_at=at - timedelta(hours=1),
                                        reported_at=at - timedelta(hours=1)))
    assert levels.situation_levels(any_ctx, at)["33.74"].incidents == 1


def test_cli_lists_the_taxonomy_and_sets_the_axes(db_path, capsys, monkeypatch):
    base = ["--db", str(db_path), "--lang", "en"]
    assert main([*base, "init", "--site", "33", "--site-name", "Posko Provinsi"]) == 0
    capsys.readouterr()
    assert main([*base, "categories", "--all", "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    by_code = {c["code"]: c for c in out["categories"]}
    assert set(NEW_LEAVES) <= set(by_code)
    assert (by_code["A2"]["active"], by_code["A2"]["replaced_by"]) == (False, "H1")
    assert {t["code"]: t["suggested_agencies"] for t in out["legal_types"]}["pidana"] == [
        "GAKKUMDU"]
    assert main([*base, "incident", "add", "--regency", "33.74", "--title", "Ajakan golput di pasar",
                 "--category", "H4", "--severity", "sedang", "--occurred", "2024-11-26 10:00",
                 "--channel", "luring", "--legal-type", "pidana", "--format", "json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert (shown["category_code"], shown["channel"], shown["legal_type"]) == (
        "H4", "luring", "pidana")
    assert shown["suggested_agencies"] == ["GAKKUMDU"]
    assert main([*base, "incident", "add", "--regency", "33.74", "--title", "Saluran salah",
                 "--category", "H4", "--severity", "sedang", "--occurred", "2024-11-26 10:00",
                 "--channel", "radio"]) == 2
    assert "--channel" in capsys.readouterr().err


def test_xlsx_template_lists_new_categories_and_the_axes_round_trip(ctx, tmp_path: Path):
    template = write_template(ctx, tmp_path / "templat.xlsx")
    wb = openpyxl.load_workbook(template)
    lists = [str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row
             if c.value is not None]
    assert {"H1 Ujaran kebencian", "F7 PSS (pemungutan suara susulan)"} <= set(lists)
    assert not any(v.startswith("A2 ") for v in lists)  # retired: not offered
    assert {"Daring", "Luring", "Pidana pemilihan"} <= set(lists)
    inc.create_incident(ctx, sample(channel="luring", legal_type="pidana"))
    export_log(ctx, IncidentFilter(), tmp_path / "log.xlsx", "xlsx")
    ws = openpyxl.load_workbook(tmp_path / "log.xlsx").active
    header = [c.value for c in ws[1]]
    row = dict(zip(header, [c.value for c in ws[2]], strict=True))
    assert (row["Saluran"], row["Jenis pelanggaran"]) == ("Luring", "Pidana pemilihan")
