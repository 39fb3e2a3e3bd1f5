"""The flash report's incident fields (issue 15, "Laporan cepat"): victims dead and injured,
material loss, current condition, source contact person and phone. Stored, validated,
audited, version-checked and counted like every other incident field (SQLite and
PostgreSQL)."""

from __future__ import annotations

import json
import shutil
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from posko_desktop.core.db import models_all  # noqa: F401 - every table in the metadata
from posko_desktop.core.db.models import Incident
from posko_desktop.core.db.models_accounts import AuditEntry
from posko_desktop.core.db.session import open_database
from posko_desktop.core.domain import StaleEdit, ValidationErrors
from posko_desktop.core.edit_merge import three_way
from posko_desktop.core.services import incidents as inc
from posko_desktop.core.services import stats
from posko_desktop.core.services.incidents import EDITABLE_FIELDS, REPORT_FIELDS, IncidentInput
from tests.core.test_search_literal import dump

DATA = Path(__file__).resolve().parents[1] / "data"


def sample(**overrides: Any) -> IncidentInput:
    values: dict[str, Any] = dict(
        regency_code="33.22", title="Bentrok pendukung di Ungaran", category_code="D3",
        severity="kritis", occurred_at=datetime(2024, 11, 26, 20, 30),
        reported_at=datetime(2024, 11, 26, 21, 0), victims_dead=1, victims_injured=4,
        material_loss="2 sepeda motor dibakar\nkaca kantor pecah",
        current_condition="Situasi kondusif, aparat berjaga.",
        source_contact="Bripka Sugeng (Polsek Ungaran)", source_phone="+62 812-3456-7890")
    values.update(overrides)
    return IncidentInput(**values)


def test_the_fields_are_stored_and_read_back(any_ctx):
    made = inc.create_incident(any_ctx, sample())
    again = inc.get_incident(any_ctx, made.id)
    assert (again.victims_dead, again.victims_injured) == (1, 4)
    assert again.material_loss == "2 sepeda motor dibakar\nkaca kantor pecah"
    assert again.current_condition == "Situasi kondusif, aparat berjaga."
    assert (again.source_contact, again.source_phone) == ("Bripka Sugeng (Polsek Ungaran)",
                                                         "+62 812-3456-7890")
    blank = inc.create_incident(any_ctx, sample(victims_dead=None, victims_injured=None,
                                                material_loss="", current_condition="",
                                                source_contact="", source_phone=""))
    assert (blank.victims_dead, blank.victims_injured, blank.source_phone) == (None, None, "")


@pytest.mark.parametrize(("field", "value"), [
    ("victims_dead", -1), ("victims_injured", 1_000_001), ("victims_dead", True),
    ("source_phone", "0812-ABC"), ("source_phone", "+-- "), ("source_phone", "1" * 31),
    ("material_loss", "x" * 1001), ("source_contact", "Pak\x07Slamet"),
    ("current_condition", "kondusif\x1b[31m"),
])
def test_bad_values_are_refused_with_nothing_written(any_ctx, field, value):
    inc.create_incident(any_ctx, sample())
    before = dump(any_ctx.db)
    with pytest.raises(ValidationErrors) as err:
        inc.create_incident(any_ctx, sample(**{field: value}))
    assert field in err.value.by_field()
    assert err.value.text_in("id") != err.value.text_in("en")
    assert dump(any_ctx.db) == before


def test_an_edit_is_audited_and_stamps_only_the_changed_field(any_ctx):
    made = inc.create_incident(any_ctx, sample())
    edited = inc.update_incident(any_ctx, made.id, {"victims_injured": 6},
                                 expected_version=made.version)
    assert edited.victims_injured == 6
    with any_ctx.db.read() as s:
        stamps = s.scalars(select(Incident.field_stamps)).one()
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "incident.update")).one()
    assert {f for f, v in stamps.items() if v != stamps["title"]} == {"victims_injured"}
    assert json.loads(entry.before_json) == {"victims_injured": 4}
    assert json.loads(entry.after_json) == {"victims_injured": 6}
    with any_ctx.db.read() as s:
        created = s.scalars(select(AuditEntry).where(AuditEntry.action == "incident.create")).one()
    assert {f: json.loads(created.after_json)[f] for f in REPORT_FIELDS} == {
        "victims_dead": 1, "victims_injured": 4, "material_loss": sample().material_loss,
        "current_condition": sample().current_condition,
        "source_contact": sample().source_contact, "source_phone": sample().source_phone}


def test_the_version_check_and_the_merge_know_the_new_fields(any_ctx):
    """Two people edit from the same version: different fields both save; the same field
    changed to different values is refused, names the field, and the three-way merge
    offers it as a clash."""
    made = inc.create_incident(any_ctx, sample())
    base = made.edit_values()
    inc.update_incident(any_ctx, made.id, {"current_condition": "Massa membubarkan diri."},
                        expected_version=made.version)
    both = inc.update_incident(any_ctx, made.id, {"victims_dead": 2},
                               expected_version=made.version)
    assert (both.victims_dead, both.current_condition) == (2, "Massa membubarkan diri.")
    before = dump(any_ctx.db)
    mine = {**base, "current_condition": "Pelaku ditangkap."}
    with pytest.raises(StaleEdit) as err:
        inc.update_incident(any_ctx, made.id, {"current_condition": "Pelaku ditangkap."},
                            expected_version=made.version)
    assert err.value.fields == ("current_condition",)
    assert dump(any_ctx.db) == before
    plan = three_way(base, mine, err.value.current, EDITABLE_FIELDS)
    assert [c.field for c in plan.clashes] == ["current_condition"]
    assert plan.theirs_only == ("victims_dead",)


def test_victims_are_summed_per_key_over_the_counted_incidents(any_ctx):
    inc.create_incident(any_ctx, sample())
    inc.create_incident(any_ctx, sample(victims_dead=None, victims_injured=2))
    inc.create_incident(any_ctx, sample(regency_code="33.74", victims_dead=0,
                                        victims_injured=1))
    gone = inc.create_incident(any_ctx, sample(victims_dead=5))
    inc.create_incident(any_ctx, sample(victims_dead=None, victims_injured=None))
    inc.set_deleted(any_ctx, gone.id, True, "ganda")
    by_regency = stats.victims_by(any_ctx, "regency")
    assert by_regency == {"33.22": stats.Victims(1, 6), "33.74": stats.Victims(0, 1)}
    assert stats.victims_by(any_ctx, "group") == {"D": stats.Victims(1, 7)}


def test_migration_0011_adds_the_fields_to_a_real_0009_database(tmp_path):
    """0009 -> 0011: every incident gets the new columns as not known / empty; nothing
    else changes (tests/core/test_upgrade_data.py checks every row and the audit trail)."""
    path = tmp_path / "posko-0009.sqlite3"
    shutil.copy(DATA / "posko-0009.sqlite3", path)
    db = open_database(path)
    try:
        with db.read() as s:
            rows = s.execute(select(*(getattr(Incident, f) for f in REPORT_FIELDS))).all()
        assert len(rows) == 122
        assert set(rows) == {(None, None, "", "", "", "")}
    finally:
        db.dispose()
