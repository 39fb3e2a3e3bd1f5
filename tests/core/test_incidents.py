"""Incident services against a real SQLite file and a real PostgreSQL database."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select, text

from posko_desktop.core.db import search
from posko_desktop.core.db.models import FollowUp, Incident
from posko_desktop.core.domain import (
    Actor,
    AttachmentError,
    PermissionDenied,
    Status,
    TransitionError,
    ValidationError,
    ValidationErrors,
)
from posko_desktop.core.services import incident_log
from posko_desktop.core.services import incidents as inc
from posko_desktop.core.services.incidents import IncidentFilter, IncidentInput, SortKey
from posko_desktop.core.timeutil import WIB

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def sample(**overrides) -> IncidentInput:
    values = dict(
        regency_code="33.22", title="Hoaks surat suara sudah dicoblos",
        category_code="A1", severity="tinggi",
        occurred_at=datetime(2024, 11, 26, 20, 30), reported_at=datetime(2024, 11, 26, 21, 0),
        source_type="media_sosial", source_detail="https://x.com/contoh/1",
        description="Beredar video", kecamatan="Ungaran Barat", desa="Lerep",
        location="Balai desa", people_involved=3,
    )
    if overrides.get("regency_code", "33.22") not in ("33.22", "3322"):
        values.update(kecamatan="", desa="")  # Ungaran Barat and Lerep lie in Kab. Semarang
    values.update(overrides)
    return IncidentInput(**values)


def test_create_stores_utc_and_numbers_per_site(any_ctx):
    first = inc.create_incident(any_ctx, sample())
    second = inc.create_incident(any_ctx, sample(title="Kedua"))
    # 20:30 WIB is 13:30 UTC
    assert first.occurred_at == datetime(2024, 11, 26, 13, 30, tzinfo=UTC)
    assert first.occurred_at.astimezone(WIB).hour == 20
    year = any_ctx.now().year % 100
    assert first.number == f"3300-{year:02d}-000001"
    assert second.number == f"3300-{year:02d}-000002"
    assert first.id.version == 7 and first.id < second.id
    assert first.origin_site == "33" and first.status == "baru"
    assert first.mod_stamp < second.mod_stamp


def test_wib_round_trip_through_the_database(any_ctx):
    entered = datetime(2024, 11, 27, 0, 15)  # just after midnight WIB: still 26 Nov in UTC
    d = inc.create_incident(any_ctx, sample(occurred_at=entered, reported_at=entered))
    again = inc.get_incident(any_ctx, d.id)
    assert again.occurred_at.astimezone(WIB).replace(tzinfo=None) == entered
    with any_ctx.db.read() as s:
        day = s.scalar(select(Incident.occurred_date).where(Incident.id == d.id))
    assert day == date(2024, 11, 27)


def test_respond_by_follows_severity(any_ctx):
    d = inc.create_incident(any_ctx, sample(severity="kritis"))
    assert d.respond_by - d.reported_at == timedelta(hours=1)
    d = inc.update_incident(any_ctx, d.id, sample(severity="rendah"))
    assert d.respond_by - d.reported_at == timedelta(hours=72)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("regency_code", "33.99"), ("regency_code", "Semarang"), ("category_code", "A"),
        ("category_code", "Z9"), ("severity", "parah"), ("title", "  "),
        ("source_type", "radio"), ("people_involved", -1),
        ("occurred_at", datetime(2019, 1, 1)),
    ],
)
def test_validation_refuses_and_writes_nothing(any_ctx, field, value):
    with pytest.raises(ValidationErrors) as err:
        inc.create_incident(any_ctx, sample(**{field: value}))
    assert field in err.value.by_field()
    assert err.value.text_in("id") != err.value.text_in("en")
    assert inc.count_incidents(any_ctx, IncidentFilter()) == 0


def test_future_incident_is_refused(any_ctx):
    future = datetime.now(UTC) + timedelta(hours=2)
    with pytest.raises(ValidationErrors) as err:
        inc.create_incident(any_ctx, sample(occurred_at=future, reported_at=None))
    assert "occurred_at" in err.value.by_field()


def test_regency_code_without_dot_is_accepted(any_ctx):
    d = inc.create_incident(any_ctx, sample(regency_code="3374", kecamatan="", desa=""))
    assert d.regency_code == "33.74" and d.regency_kind == "kota" and d.regency_name == "Semarang"


def test_edit_stamps_only_changed_fields(any_ctx):
    d = inc.create_incident(any_ctx, sample())
    before = dict(inc.get_incident(any_ctx, d.id).mod_stamp and _stamps(any_ctx, d.id))
    d2 = inc.update_incident(any_ctx, d.id, sample(title="Judul baru"))
    after = _stamps(any_ctx, d.id)
    assert d2.title == "Judul baru"
    assert after["title"] > before["title"]
    assert after["severity"] == before["severity"]
    assert d2.mod_stamp == after["title"]


def _stamps(any_ctx, incident_id):
    with any_ctx.db.read() as s:
        return s.scalar(select(Incident.field_stamps).where(Incident.id == incident_id))


def test_allowed_transitions_and_timeline(any_ctx):
    d = inc.create_incident(any_ctx, sample())
    assert {t.target for t in d.transitions} == {
        Status.DIVERIFIKASI, Status.DITOLAK, Status.TIDAK_DAPAT_DIVERIFIKASI}
    d = inc.change_status(any_ctx, d.id, "diverifikasi")
    d = inc.change_status(any_ctx, d.id, "ditindaklanjuti")
    d = inc.change_status(any_ctx, d.id, "selesai")
    assert [(e.status_from, e.status_to) for e in d.timeline] == [
        ("baru", "diverifikasi"), ("diverifikasi", "ditindaklanjuti"),
        ("ditindaklanjuti", "selesai")]
    assert d.responded_at is not None


def test_refused_transition_leaves_incident_unchanged(any_ctx):
    d = inc.create_incident(any_ctx, sample())
    with pytest.raises(TransitionError):
        inc.change_status(any_ctx, d.id, "selesai")  # baru -> selesai is not in the table
    assert inc.get_incident(any_ctx, d.id).status == "baru"
    assert inc.get_incident(any_ctx, d.id).timeline == []


def test_reopen_needs_a_reason(any_ctx):
    d = inc.create_incident(any_ctx, sample())
    d = inc.change_status(any_ctx, d.id, "ditolak", "Bukan kejadian pemilu")
    with pytest.raises(ValidationError):
        inc.change_status(any_ctx, d.id, "baru")
    d = inc.change_status(any_ctx, d.id, "baru", "Ada bukti baru")
    assert d.status == "baru" and d.timeline[-1].text == "Ada bukti baru"


def test_operator_cannot_verify_but_can_follow_up(any_ctx):
    d = inc.create_incident(any_ctx, sample())
    operator = any_ctx.as_actor(Actor("op1", "operator"))
    with pytest.raises(PermissionDenied):
        inc.change_status(operator, d.id, "diverifikasi")
    inc.change_status(any_ctx, d.id, "diverifikasi")
    assert inc.change_status(operator, d.id, "ditindaklanjuti").status == "ditindaklanjuti"
    with pytest.raises(PermissionDenied):
        inc.set_deleted(operator, d.id, True)


def test_followups_and_referrals(any_ctx):
    d = inc.create_incident(any_ctx, sample())
    inc.add_followup(any_ctx, d.id, "Dicek ke lapangan")
    due = datetime.now(UTC) + timedelta(hours=4)
    ref = inc.add_referral(any_ctx, d.id, "BAWASLU", "Mohon klarifikasi", due)
    detail = inc.get_incident(any_ctx, d.id)
    assert detail.next_referral_due == due.replace(microsecond=due.microsecond)
    assert [r.state for r in detail.referrals] == ["terkirim"]
    inc.update_referral(any_ctx, ref.id, "selesai", "Sudah ditangani")
    detail = inc.get_incident(any_ctx, d.id)
    assert [r.state for r in detail.referrals] == ["selesai"]
    assert detail.next_referral_due is None
    assert [e.kind for e in detail.timeline] == ["note", "referral", "referral_update"]
    with pytest.raises(ValidationError):
        inc.add_followup(any_ctx, d.id, "   ")


def test_overdue_filter(any_ctx):
    old = datetime(2024, 11, 20, 8, 0)
    late = inc.create_incident(any_ctx, sample(severity="kritis", occurred_at=old, reported_at=old))
    handled = inc.create_incident(any_ctx, sample(severity="kritis", occurred_at=old, reported_at=old))
    inc.add_followup(any_ctx, handled.id, "Ditangani")
    now = datetime.now(UTC)
    rows = inc.query_incidents(any_ctx, IncidentFilter(overdue_at=now)).rows
    assert [r.id for r in rows] == [late.id]
    assert rows[0].overdue(now)


def test_soft_delete_and_restore(any_ctx):
    d = inc.create_incident(any_ctx, sample())
    inc.set_deleted(any_ctx, d.id, True, "Duplikat")
    assert inc.count_incidents(any_ctx, IncidentFilter()) == 0
    assert inc.count_incidents(any_ctx, IncidentFilter(deleted_only=True)) == 1
    with any_ctx.db.read() as s:  # nothing is hard-deleted
        assert s.scalar(select(func.count()).select_from(Incident)) == 1
    with pytest.raises(TransitionError):
        inc.add_followup(any_ctx, d.id, "x")
    inc.set_deleted(any_ctx, d.id, False)
    assert inc.count_incidents(any_ctx, IncidentFilter()) == 1


def test_attachments_are_content_addressed_and_checked(any_ctx):
    d = inc.create_incident(any_ctx, sample())
    a1 = inc.attach(any_ctx, d.id, "C:\\bukti\\layar.png", PNG)
    a2 = inc.attach(any_ctx, d.id, "salinan.png", PNG)
    assert a1.sha256 == a2.sha256 and a1.filename == "layar.png" and a1.mime == "image/png"
    info, data = inc.attachment_data(any_ctx, a1.id)
    assert data == PNG
    with any_ctx.db.read() as s:
        assert s.execute(text("SELECT count(*) FROM blob")).scalar() == 1
    with pytest.raises(AttachmentError):
        inc.attach(any_ctx, d.id, "virus.exe", b"MZ\x90\x00" * 10)
    with pytest.raises(AttachmentError):
        inc.attach(any_ctx, d.id, "besar.png", PNG + b"\x00" * (21 * 1024 * 1024))
    assert len(inc.get_incident(any_ctx, d.id).attachments) == 2


def test_filters_match_an_independent_count(any_ctx):
    base = datetime(2024, 11, 20, 10, 0)
    specs = [("33.01", "A1", "rendah"), ("33.01", "B2", "kritis"), ("33.74", "A5", "tinggi"),
             ("33.74", "D3", "sedang"), ("33.22", "A1", "tinggi")]
    for i in range(40):
        reg, cat, sev = specs[i % len(specs)]
        inc.create_incident(any_ctx, sample(regency_code=reg, category_code=cat, severity=sev,
                                        occurred_at=base + timedelta(hours=7 * i),
                                        reported_at=base + timedelta(hours=7 * i + 1),
                                        title=f"Kejadian nomor {i}", kecamatan="", desa=""))
    cases = [
        (IncidentFilter(regencies=("33.01",)), "regency_code = '33.01'"),
        (IncidentFilter(categories=("A",)), "category_code LIKE 'A%'"),
        (IncidentFilter(severities=("tinggi", "kritis")), "severity IN ('tinggi','kritis')"),
        (IncidentFilter(regencies=("33.74",), categories=("A5",)),
         "regency_code = '33.74' AND category_code = 'A5'"),
        (IncidentFilter(date_from=date(2024, 11, 22), date_to=date(2024, 11, 24)),
         "occurred_date BETWEEN '2024-11-22' AND '2024-11-24'"),
    ]
    with any_ctx.db.read() as s:
        for flt, where in cases:
            expected = s.execute(text(f"SELECT count(*) FROM incident WHERE {where}")).scalar()
            assert inc.count_incidents(any_ctx, flt) == expected, where
            page = inc.query_incidents(any_ctx, flt, limit=1000, with_total=True)
            assert page.total == expected == len(page.rows)


def test_paging_is_stable_and_complete(any_ctx):
    base = datetime(2024, 11, 20, 10, 0)
    for i in range(25):
        inc.create_incident(any_ctx, sample(occurred_at=base, reported_at=base, title=f"Sama {i}"))
    seen = []
    for offset in range(0, 25, 10):
        seen += [r.id for r in inc.query_incidents(any_ctx, IncidentFilter(), offset=offset, limit=10).rows]
    assert len(seen) == len(set(seen)) == 25
    by_severity = inc.query_incidents(any_ctx, IncidentFilter(), sort=SortKey.SEVERITY, limit=25)
    assert len(by_severity.rows) == 25


def test_full_text_search_finds_words_and_prefixes(any_ctx):
    inc.create_incident(any_ctx, sample(title="Bentrok pendukung di alun-alun", location="Kauman"))
    inc.create_incident(any_ctx, sample(title="Politik uang menjelang pencoblosan", kecamatan="",
                                        desa="Sidomulyo"))
    assert inc.count_incidents(any_ctx, IncidentFilter(text="bentrok")) == 1
    assert inc.count_incidents(any_ctx, IncidentFilter(text="pencob")) == 1
    assert inc.count_incidents(any_ctx, IncidentFilter(text="sidomulyo uang")) == 1
    assert inc.count_incidents(any_ctx, IncidentFilter(text='"; DROP TABLE incident; --')) == 0
    d = inc.query_incidents(any_ctx, IncidentFilter(text="kauman")).rows[0]
    inc.update_incident(any_ctx, d.id, sample(title="Bentrok", location="Pandanaran"))
    assert inc.count_incidents(any_ctx, IncidentFilter(text="kauman")) == 0
    assert inc.count_incidents(any_ctx, IncidentFilter(text="pandanaran")) == 1


def test_common_and_rare_words_give_the_same_rows_in_every_sort_order(ctx, monkeypatch):
    """A common word is searched as a membership test along the sort index, a rare one
    drives the query; the log must show exactly the same rows either way."""
    base = datetime(2024, 11, 20, 10, 0)
    for i in range(12):
        title = f"Banjir rob {i:02d}" if i % 3 else f"Hoaks {i:02d}"
        inc.create_incident(ctx, sample(title=title, occurred_at=base + timedelta(hours=7 * i),
                                        severity=("rendah", "kritis")[i % 2]))
    flt = IncidentFilter(text="banjir", severities=("kritis",))
    results = {}
    for limit in (1_000_000, 2):  # everything rarer than the limit drives / nothing does
        monkeypatch.setattr(search, "DRIVE_BELOW", limit)
        with ctx.db.read() as s:
            assert search.search_drives(s, flt.text) is (limit > 8)
        results[limit] = [
            [r.title for r in inc.query_incidents(ctx, flt, sort, desc, offset, 3).rows]
            for sort in SortKey for desc in (False, True) for offset in (0, 3)]
    assert results[2] == results[1_000_000]
    newest = inc.query_incidents(ctx, flt, SortKey.OCCURRED, True, 0, 10).rows
    assert [r.title for r in newest] == ["Banjir rob 11", "Banjir rob 07", "Banjir rob 05",
                                         "Banjir rob 01"]


@pytest.mark.parametrize("after_short_walk", ["walk on", "sort"])
def test_sort_index_walk_and_sorting_the_matches_give_the_same_pages(ctx, monkeypatch,
                                                                      after_short_walk):
    """Sorted by title, reported time or number with a filter, a page comes from walking
    the sort index, or (when the walk's budget runs out first) from walking on to the
    index's end or sorting the matches: each must equal the order SQL gives."""
    monkeypatch.setattr(incident_log, "MATCH_COST_IN_ENTRIES",
                        10**9 if after_short_walk == "walk on" else 0)
    base = datetime(2024, 11, 1, 8, 0)
    titles = ["Baliho dirusak", "Amplop di TPS", "Hoaks surat suara", "Bentrok"]
    for i in range(40):
        inc.create_incident(ctx, sample(
            title=titles[i % 4], occurred_at=base + timedelta(hours=5 * i),
            reported_at=base + timedelta(hours=5 * i + i % 7),
            regency_code=("33.22", "33.74")[i % 2], severity=("rendah", "kritis")[i % 3 == 0]))
    flt = IncidentFilter(regencies=("33.74",), date_from=date(2024, 11, 2))
    with ctx.db.read() as s:
        want = {
            (sort, desc): [r[0] for r in s.execute(text(
                "SELECT number FROM incident WHERE regency_code = '33.74' AND deleted = 0 "
                "AND occurred_at >= '2024-11-01 17:00:00' ORDER BY {col} {d}, seq {d}".format(
                    col=sort.value, d="DESC" if desc else "ASC")))]
            for sort in (SortKey.TITLE, SortKey.REPORTED, SortKey.NUMBER) for desc in (False, True)}
    for budget in (1_000_000, 3):  # the walk finds every page / always comes back short
        monkeypatch.setattr(incident_log, "WALK_BUDGET", budget)
        for (sort, desc), numbers in want.items():
            got = [r.number for off in range(0, len(numbers), 4)
                   for r in inc.query_incidents(ctx, flt, sort, desc, off, 4).rows]
            assert got == numbers, (budget, sort, desc)


def test_a_group_and_days_by_title_gives_the_rows_of_sql_on_every_path(ctx, monkeypatch):
    """The bench's "group A + 14 days, by title": the group's titles sort after every
    other title, so a short walk finds nothing and the log walks on or sorts (by the day
    counts' estimate). Deleted rows, other days and other groups stay out; every path
    (walk within budget, walk on to the end, sort) gives the rows and order of SQL, pages
    by offset and by page key alike."""
    base = datetime(2024, 11, 10, 8, 0)
    for i in range(48):
        group = "A1" if i % 3 == 0 else ("B2", "E1")[i % 2]
        inc.create_incident(ctx, sample(
            title=(f"Video {i % 5}" if group == "A1" else f"Amplop {i % 4}"),
            category_code=group, occurred_at=base + timedelta(hours=7 * i),
            reported_at=base + timedelta(hours=7 * i + 1), severity=("rendah", "kritis")[i % 2]))
    flt = IncidentFilter(categories=("A",), date_from=date(2024, 11, 11), date_to=date(2024, 11, 20))
    for desc in (False, True):  # the first row either way
        gone = inc.query_incidents(ctx, flt, SortKey.TITLE, desc, 0, 1).rows[0]
        inc.set_deleted(ctx, gone.id, True, "Duplikat")
    with ctx.db.read() as s:
        want = {desc: [r[0] for r in s.execute(text(
            "SELECT number FROM incident WHERE category_code LIKE 'A%' AND deleted = 0 "
            "AND occurred_at >= '2024-11-10 17:00:00' AND occurred_at < '2024-11-20 17:00:00' "
            "ORDER BY title {d}, seq {d}".format(d="DESC" if desc else "ASC")))]
            for desc in (False, True)}
    assert 8 <= len(want[False]) < 16
    paths = {"walk": (1_000_000, 1), "walk on": (3, 10**9), "sort": (3, 0)}
    for path, (budget, match_cost) in paths.items():
        monkeypatch.setattr(incident_log, "WALK_BUDGET", budget)
        monkeypatch.setattr(incident_log, "MATCH_COST_IN_ENTRIES", match_cost)
        for desc, numbers in want.items():
            by_offset = [r.number for off in range(0, len(numbers), 3)
                         for r in inc.query_incidents(ctx, flt, SortKey.TITLE, desc, off, 3).rows]
            keys = inc.page_keys(ctx, flt, SortKey.TITLE, desc, 3)
            by_key = [r.number for key in keys for r in inc.query_incidents(
                ctx, flt, SortKey.TITLE, desc, 0, 3, start_key=key).rows]
            assert by_offset == numbers and by_key == numbers, (path, desc)


def test_the_estimate_of_matches_counts_the_filters_days_and_groups(ctx):
    """The choice after a short walk rests on the day counts: for a filter of days,
    regencies, categories and severities it is the count itself (deleted rows left out);
    status is not in the day counts, so with one the estimate is an upper bound."""
    base = datetime(2024, 11, 10, 8, 0)
    for i in range(20):
        inc.create_incident(ctx, sample(category_code=("A1", "B2")[i % 2],
                                        occurred_at=base + timedelta(hours=11 * i)))
    first = inc.query_incidents(ctx, IncidentFilter(), SortKey.OCCURRED, False, 0, 1).rows[0]
    inc.set_deleted(ctx, first.id, True, "Duplikat")
    flt = IncidentFilter(categories=("A",), date_from=date(2024, 11, 10), date_to=date(2024, 11, 13))
    with ctx.db.read() as s:
        assert incident_log._estimated_matches(s, flt) == inc.count_incidents(ctx, flt) > 0
        with_status = IncidentFilter(categories=("A",), statuses=("selesai",))
        assert incident_log._estimated_matches(s, with_status) == inc.count_incidents(
            ctx, IncidentFilter(categories=("A",))) > inc.count_incidents(ctx, with_status)


@pytest.mark.parametrize("sort", [SortKey.OCCURRED, SortKey.SEVERITY, SortKey.TITLE])
def test_pages_from_page_keys_equal_offset_pages(any_ctx, sort):
    """Jumping by page key (SQLite and PostgreSQL) gives the very rows OFFSET gives."""
    base = datetime(2024, 11, 20, 10, 0)
    for i in range(23):
        inc.create_incident(any_ctx, sample(
            title=("Sama", "Beda")[i % 2], occurred_at=base + timedelta(hours=i % 5),
            severity=("rendah", "sedang", "kritis")[i % 3]))
    flt = IncidentFilter(severities=("rendah", "kritis"))
    total = inc.count_incidents(any_ctx, flt)
    for desc in (False, True):
        keys = inc.page_keys(any_ctx, flt, sort, desc, 4)
        assert len(keys) == (total + 3) // 4
        for page_no, key in enumerate(keys):
            by_key = inc.query_incidents(any_ctx, flt, sort, desc, 0, 4, start_key=key).rows
            by_offset = inc.query_incidents(any_ctx, flt, sort, desc, page_no * 4, 4).rows
            assert [r.id for r in by_key] == [r.id for r in by_offset], (desc, page_no)


@pytest.mark.parametrize("sort", [SortKey.STATUS, SortKey.SEVERITY, SortKey.REGENCY,
                                  SortKey.CATEGORY])
def test_a_period_sorted_by_a_coded_column_equals_sql(ctx, sort):
    """With dates, these sorts list every value of the column (one index range each):
    the rows and their order must be what SQL gives, with none left out."""
    base = datetime(2024, 11, 10, 8, 0)
    for i in range(30):
        inc.create_incident(ctx, sample(
            occurred_at=base + timedelta(hours=9 * i), regency_code=("33.22", "33.74", "33.01")[i % 3],
            category_code=("A1", "B2", "E1", "G9")[i % 4], severity=("rendah", "kritis", "sedang")[i % 3]))
    d = inc.query_incidents(ctx, IncidentFilter(), limit=1).rows[0]
    inc.change_status(ctx, d.id, "diverifikasi")
    flt = IncidentFilter(date_from=date(2024, 11, 12), date_to=date(2024, 11, 19))
    with ctx.db.read() as s:
        want = [r[0] for r in s.execute(text(
            "SELECT number FROM incident WHERE deleted = 0 AND occurred_at >= '2024-11-11 17:00:00' "
            "AND occurred_at < '2024-11-19 17:00:00' "
            f"ORDER BY {sort.value} DESC, occurred_at DESC, seq DESC"))]
    got = [r.number for r in inc.query_incidents(ctx, flt, sort, True, 0, 100).rows]
    assert got == want and len(got) > 10


def test_failed_write_rolls_back_everything(any_ctx):
    d = inc.create_incident(any_ctx, sample())
    with any_ctx.db.read() as s:
        before = s.scalar(select(func.count()).select_from(FollowUp))
    with pytest.raises(ValidationError):
        inc.add_referral(any_ctx, d.id, "TIDAKADA", "x")
    with any_ctx.db.read() as s:
        assert s.scalar(select(func.count()).select_from(FollowUp)) == before
