"""Packed field stamps (`db/stamps.py`): what is stored, and that nothing is lost."""

from __future__ import annotations

import json
import sqlite3
from datetime import date, datetime

import pytest

from posko_desktop.core.db.stamps import FIELDS, pack, pack_text, unpack
from posko_desktop.core.services import demo
from posko_desktop.core.services import incidents as inc
from posko_desktop.core.services.incidents import EDITABLE_FIELDS, IncidentInput

A, B, C = "1732985994607-00000-33", "1732986000000-00001-33.74", "1732990000000-00000-33"


def full(**changed: str) -> dict[str, str]:
    return {f: changed.get(f, A) for f in FIELDS}


def test_the_stamped_fields_are_the_editable_ones_then_status_and_deleted():
    # the reporting unit is set apart from the form's fields (services/incidents.py)
    assert FIELDS == (*EDITABLE_FIELDS, "reporting_unit", "status", "deleted")


@pytest.mark.parametrize("stamps", [
    full(),
    full(status=B),
    full(status=B, deleted=C),
    # more fields changed than not: the shared stamp is the most frequent one
    {f: (B if i % 3 else A) for i, f in enumerate(FIELDS)},
    # a tie between two stamps: the later one is the shared one
    {f: (B if i * 2 < len(FIELDS) - 1 else C) for i, f in enumerate(FIELDS[:-1])}
    | {"deleted": A},
])
def test_packing_keeps_every_stamp(stamps):
    packed = pack(stamps)
    assert unpack(packed) == stamps
    assert list(unpack(packed)) == list(FIELDS)
    assert len(packed) <= len(stamps)
    assert pack(packed) == packed  # packing twice changes nothing
    assert json.loads(pack_text(stamps)) == packed


def test_packing_is_canonical():
    shuffled = dict(reversed(list(full(status=B).items())))
    expected = '{"*":"' + A + '","status":"' + B + '"}'
    assert pack_text(shuffled) == pack_text(full(status=B)) == expected
    half = (len(FIELDS) - 1) // 2  # as many B as C, whatever the number of fields
    tie = {f: (B if i < half else C if i < 2 * half else A)
           for i, f in enumerate(FIELDS[:-1])} | {"deleted": A}
    assert pack(tie)["*"] == max(B, C)


@pytest.mark.parametrize("odd", [{}, {"title": A}, {**full(), "extra": B}])
def test_stamps_that_do_not_name_exactly_the_fields_are_stored_as_they_are(odd):
    assert pack(odd) == odd
    if odd != {"title": A}:
        assert unpack(pack(odd)) == odd


def test_stamps_of_schema_0001_naming_some_fields_read_complete():
    """Incidents of schema 0001 stored the stamps of a few fields: the others read as the
    earliest of them, the creation stamp (issue 14)."""
    assert unpack({"title": B, "status": A}) == full(title=B)


def _stored(path) -> list[tuple[str, str]]:
    con = sqlite3.connect(path)
    try:
        return con.execute("SELECT id, field_stamps FROM incident ORDER BY seq").fetchall()
    finally:
        con.close()


def test_demo_and_new_incidents_are_stored_packed(ctx, db_path):
    """The demo writes the stored text itself: it must be exactly what packing gives, or
    comparisons of stored text (sync) would miss."""
    demo.generate(ctx, incidents=300, days=20, end_date=date(2024, 11, 30), seed=4)
    made = inc.create_incident(ctx, IncidentInput(
        regency_code="33.74", title="Baliho dirusak", category_code="E1", severity="rendah",
        occurred_at=datetime(2024, 11, 20, 8, 0)))
    inc.change_status(ctx, made.id, "diverifikasi")
    rows = _stored(db_path)
    assert len(rows) == 301
    for _id, text in rows[:-1]:
        assert text == pack_text(unpack(json.loads(text)))
        assert len(text) < 120
    last = json.loads(rows[-1][1])
    assert last == pack(unpack(last)) and set(last) == {"*", "status"}
    assert inc.get_incident(ctx, made.id).status == "diverifikasi"
