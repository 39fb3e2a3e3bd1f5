"""An activity's place by Kemendagri code (issue 17, migration 0015): a kecamatan of one of
its regencies and a desa of that kecamatan; a desa outside its kecamatan is refused with
the kecamatan that has it named, in the service (SQLite and PostgreSQL), the CLI, the
window's form and a sync package — the database unchanged each time; the export shows the
place."""

from __future__ import annotations

import json
from datetime import datetime

import pytest
from openpyxl import load_workbook

from posko_desktop.cli import main
from posko_desktop.core.domain import ValidationError
from posko_desktop.core.services import activities as act
from posko_desktop.core.services.activities import ActivityFilter, ActivityInput
from posko_desktop.core.spreadsheets.activities import export_activities

from .test_activities import dump

JAMBU, GONDORIYO_JAMBU = "33.22.08", "33.22.08.1006"
BERGAS, WUJIL = "33.22.13", "33.22.13.1005"


def rakor(**kw) -> ActivityInput:
    values = dict(kind="rakor", title="Rakor pengamanan TPS", started_at=datetime(2024, 11, 25, 9),
                  regencies=["33.22"], kecamatan_code=JAMBU, desa_code=GONDORIYO_JAMBU)
    values.update(kw)
    return ActivityInput(**values)


def test_a_place_is_stored_by_code_and_shown_by_name(any_ctx):
    a = act.add_activity(any_ctx, rakor())
    assert (a.kecamatan_code, a.desa_code) == (JAMBU, GONDORIYO_JAMBU)
    assert a.place_text == "Kec. Jambu, Kel. Gondoriyo"
    only_desa = act.add_activity(any_ctx, rakor(kecamatan_code=None, desa_code=WUJIL))
    assert only_desa.kecamatan_code == BERGAS  # the desa names its kecamatan
    cleared = act.update_activity(any_ctx, a.id, {"kecamatan_code": None, "desa_code": None},
                                  expected_version=a.version)
    assert (cleared.kecamatan_code, cleared.desa_code, cleared.place_text) == (None, None, "")


@pytest.mark.parametrize(("change", "field", "words"), [
    (dict(desa_code=WUJIL), "desa_code", "Wujil is not in Kecamatan Jambu; it is in Kecamatan "
                                         "Bergas"),
    (dict(regencies=["33.74"]), "kecamatan_code", "does not name"),
    (dict(regencies=[]), "kecamatan_code", "does not name"),
    (dict(kecamatan_code="33.22.99"), "kecamatan_code", "Unknown kecamatan code 33.22.99"),
    (dict(desa_code="33.22.08.2999"), "desa_code", "Unknown desa/kelurahan code"),
])
def test_a_place_that_does_not_fit_is_refused_unchanged(any_ctx, change, field, words):
    act.add_activity(any_ctx, rakor())
    before = dump(any_ctx)
    with pytest.raises(ValidationError) as err:
        act.add_activity(any_ctx, rakor(**change))
    assert err.value.field == field and words in err.value.text_in("en")
    assert dump(any_ctx) == before


def test_the_cli_records_a_place_and_refuses_a_desa_outside_its_kecamatan(db_path, capsys):
    base = ["--db", str(db_path), "--lang", "en"]
    assert main([*base, "init", "--site", "33", "--site-name", "Provinsi"]) == 0
    capsys.readouterr()
    add = [*base, "activity", "add", "--kind", "rakor", "--title", "Rakor desa",
           "--start", "2024-11-25 09:00", "--regency", "33.22", "--format", "json"]
    assert main([*add, "--kecamatan", JAMBU, "--desa", GONDORIYO_JAMBU]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert (shown["kecamatan_code"], shown["desa_code"], shown["place"]) == (
        JAMBU, GONDORIYO_JAMBU, "Kec. Jambu, Kel. Gondoriyo")
    assert main([*add, "--kecamatan", JAMBU, "--desa", WUJIL]) == 2
    assert "it is in Kecamatan Bergas" in capsys.readouterr().err
    assert main([*base, "activity", "update", shown["number"], "--desa", WUJIL]) == 2
    capsys.readouterr()
    assert main([*base, "activity", "list", "--format", "json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert listed["count"] == 1 and listed["activities"][0]["desa_code"] == GONDORIYO_JAMBU


def test_the_export_shows_the_place(ctx, tmp_path):
    act.add_activity(ctx, rakor())
    out = tmp_path / "kegiatan.xlsx"
    assert export_activities(ctx, ActivityFilter(), out) == 1
    ws = load_workbook(out).worksheets[0]
    header = [c.value for c in ws[1]]
    assert header[6] == "Tempat"
    assert ws.cell(row=2, column=7).value == "Kec. Jambu, Kel. Gondoriyo"
