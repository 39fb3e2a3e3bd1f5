"""Issue #14.7: a search without a single word matches its literal text or nothing, never
the whole log; text with NUL or other control characters is refused where it enters."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import select

from posko_desktop.core.db.base import Base
from posko_desktop.core.db.engine import Database
from posko_desktop.core.domain import ValidationError, ValidationErrors
from posko_desktop.core.reports.data import SitrepOptions, SitrepTexts
from posko_desktop.core.services import accounts, dashboard, reference, settings_service, sitrep
from posko_desktop.core.services import incidents as inc
from posko_desktop.core.services.incidents import IncidentFilter, IncidentInput


def sample(**overrides: Any) -> IncidentInput:
    values: dict[str, Any] = dict(
        regency_code="33.74", title="Hoaks surat suara tercoblos", category_code="A1",
        severity="sedang", occurred_at=datetime(2024, 11, 27, 10, 0),
        reported_at=datetime(2024, 11, 27, 10, 30), location="Tembalang")
    values.update(overrides)
    return IncidentInput(**values)


def dump(db: Database) -> dict[str, list[tuple[Any, ...]]]:
    with db.read() as s:
        return {t.name: sorted((tuple(r) for r in s.execute(select(t))), key=repr)
                for t in Base.metadata.sorted_tables}


@pytest.fixture
def log(any_ctx):
    for title in ("Baliho dirusak 🗳️ di Tembalang", "Bentrok - massa dua kubu",
                  'Kabar "TPS banjir" beredar', "Bintang * lima di spanduk",
                  "Politik uang 50% lebih", "Kode a_b di grup", "Hoaks biasa saja"):
        inc.create_incident(any_ctx, sample(title=title))
    return any_ctx


@pytest.mark.parametrize("query, titles", [
    ("🗳️", {"Baliho dirusak 🗳️ di Tembalang"}),
    ("🗳", {"Baliho dirusak 🗳️ di Tembalang"}),
    ("*", {"Bintang * lima di spanduk"}),
    ('"', {'Kabar "TPS banjir" beredar'}),
    ("-", {"Bentrok - massa dua kubu"}),
    (" - ", {"Bentrok - massa dua kubu"}),
    ("%", {"Politik uang 50% lebih"}),
    ("\u200b", set()),
    ("   ", set()),
    ("\u200b \u200e", set()),
    ("?!", set()),
])
def test_a_query_without_words_matches_its_literal_text_or_nothing(log, query, titles):
    rows = inc.query_incidents(log, IncidentFilter(text=query)).rows
    assert {r.title for r in rows} == titles
    assert inc.count_incidents(log, IncidentFilter(text=query)) == len(titles)


def test_words_still_search_and_no_text_is_no_filter(log):
    assert inc.count_incidents(log, IncidentFilter(text="")) == 7
    assert inc.count_incidents(log, IncidentFilter(text="baliho")) == 1
    assert inc.count_incidents(log, IncidentFilter(text='"bentrok"')) == 1
    # an underscore is part of a word, not a wildcard (PostgreSQL's ILIKE)
    assert inc.count_incidents(log, IncidentFilter(text="a_b")) == 1
    assert inc.count_incidents(log, IncidentFilter(text="axb")) == 0


@pytest.mark.parametrize("char", ["\x00", "\x1b", "\x7f", "\x85", "\ufffe"])
def test_control_characters_are_refused_where_text_enters(any_ctx, char):
    ctx = any_ctx
    first = inc.create_incident(ctx, sample())
    accounts.add_user(ctx, "budi", "Lapor-Situasi-77", "operator", "Budi Santoso")
    before = dump(ctx.db)
    with pytest.raises(ValidationErrors) as errs:
        inc.create_incident(ctx, sample(title="Hoaks" + char + "lagi"))
    assert [e.field for e in errs.value.errors] == ["title"]
    assert "U+{:04X}".format(ord(char)) in errs.value.errors[0].text_in("en")
    with pytest.raises(ValidationErrors):
        inc.update_incident(ctx, first.id, sample(location="Pas" + char + "ar"))
    with pytest.raises(ValidationErrors):
        inc.update_incident(ctx, first.id, sample(description="Baris satu\n" + char + "dua"))
    attempts = [
        lambda: inc.add_followup(ctx, first.id, "Cat" + char + "atan"),
        lambda: inc.add_referral(ctx, first.id, "BAWASLU", "Mo" + char + "hon"),
        lambda: inc.change_status(ctx, first.id, "ditolak", "Gan" + char + "da"),
        lambda: inc.set_deleted(ctx, first.id, True, "Sa" + char + "lah"),
        lambda: accounts.add_user(ctx, "ani", "Verifikasi-Sitrep-5", "operator", "A" + char + "ni"),
        lambda: accounts.set_display_name(ctx, "budi", "Bu" + char + "di"),
        lambda: settings_service.set(ctx, "sitrep.issuing_unit", "POS" + char + "KO"),
        lambda: settings_service.set(ctx, "sitrep.tembusan", ["Gubernur", "Pol" + char + "da"]),
        lambda: reference.init_site(ctx, "33", "Pos" + char + "ko"),
        lambda: dashboard.record_nihil(ctx, "33.71", note="Nihil" + char + "lapor"),
        lambda: sitrep.issue(ctx, SitrepOptions(datetime(2024, 11, 27).date()),
                             SitrepTexts(obstacles="Listrik" + char + "padam")),
    ]
    for attempt in attempts:
        with pytest.raises(ValidationError):
            attempt()
    assert dump(ctx.db) == before
    # tab and line breaks stay allowed where the text has several lines
    note = inc.add_followup(ctx, first.id, "Baris satu\n\tBaris dua\r\n")
    assert note.text.startswith("Baris satu\n\tBaris dua")


def test_control_character_is_exactly_unicode_category_cc_and_the_non_characters():
    """The regex behind `control_character` agrees with `unicodedata` on every code point
    of the Basic Multilingual Plane, in both modes."""
    import unicodedata

    from posko_desktop.core.textrules import control_character

    for code in range(0x10000):
        ch = chr(code)
        bad = unicodedata.category(ch) == "Cc" or ch in "\ufffe\uffff"
        assert (control_character("ab" + ch) is not None) == bad, hex(code)
        assert (control_character(ch, multiline=True) is not None) == (bad and ch not in "\t\n\r")
    assert control_character("teks\x00\x07", multiline=True) == "U+0000"
